"""The Python API: every call, errors, pickling, threads, pandas."""

import csv
import json
import pathlib
import pickle
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

import competence_engine as ce

ROOT = pathlib.Path(__file__).resolve().parents[2]
COHORT = ROOT / "examples" / "cohort"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def catalog():
    return ce.Catalog.builtin()


def test_version():
    assert ce.__version__.count(".") == 2


def test_the_shipped_catalog_is_valid(catalog):
    report = catalog.validate()
    assert report.ok is True
    assert report.diagnostics == ()
    assert ("framework", "care-certificate-2015") in [(d.kind, d.id) for d in catalog.documents]


def test_documents_and_frameworks(catalog):
    kinds = {d.kind for d in catalog.documents}
    assert kinds == {"framework", "curriculum", "mapping", "role"}
    ids = [f.id for f in catalog.frameworks]
    assert "hee-psw-2020" in ids and "care-certificate-2015" in ids


def test_browsing_items_children_parents_and_leaves(catalog):
    cc = catalog.framework("care-certificate-2015")
    assert len(cc.roots) == 15
    assert cc.roots[0].title == "Understand your role"
    outcome = cc.item("1.1")
    assert [c.id for c in outcome.children][:2] == ["1.1a", "1.1b"]
    assert cc.item("1.1a").parents == (outcome,)
    assert cc.item("1.1a").ref == "care-certificate-2015:1.1a"
    assert [i.id for i in cc.leaves("1.1")] == [c.id for c in outcome.children]
    assert cc.leaves("care-certificate-2015:1.1") == cc.leaves("1.1")
    hee = catalog.framework("hee-psw-2020")
    # Domain 7 is optional: its leaves do not count.
    assert all(not i.id.startswith("7") for i in hee.leaves())
    assert cc.completeness == "partial" and cc.missing


def test_coverage_matches_the_cli(catalog):
    report = catalog.coverage("cnwl-developing-expertise-peer-working")
    assert report.curriculum == "cnwl-developing-expertise-peer-working"
    assert report.framework == "hee-psw-2020"
    assert report.covered <= report.leaves
    assert 0.0 <= report.ratio <= 1.0
    assert {i.via for i in report.items if i.leaf and i.covered} <= {"direct", "parent", "mapping"}
    cli = ROOT / "target" / "debug" / "competence"
    if cli.exists():
        out = subprocess.run(
            [str(cli), "coverage", "cnwl-developing-expertise-peer-working", "--format", "json"],
            capture_output=True,
            check=True,
        )
        assert json.loads(out.stdout) == report.to_dicts()


def test_gaps_crosswalk_and_matrix(catalog):
    gaps = catalog.gaps("cpft-peer-support-worker", "cnwl-developing-expertise-peer-working", require_depth="assessed")
    assert gaps.target_kind == "role" and gaps.gaps
    assert {g.reason_code for g in gaps.gaps} <= {"never-mentioned", "only-related", "only-partial", "below-depth"}
    cross = catalog.crosswalk("care-certificate-2015", "hee-psw-2020")
    assert cross.links and cross.links[0].relation in {"exact", "close", "narrow", "broad", "related"}
    grid = catalog.matrix("cup-o-t-psw-10-week")
    assert len(grid.rows[0].cells) == len(grid.columns)


def test_learners_from_paths_records_and_rows(catalog):
    report = catalog.learners("cpft-peer-support-worker", COHORT / "learners.csv", COHORT / "evidence.csv", as_of="2025-09-01")
    statuses = {(l.learner, r.id): r.status for l in report.learners for r in l.requirements}
    assert statuses[("L001", "care-certificate")] == "met"
    assert statuses[("L002", "care-certificate")] == "exempt"
    assert statuses[("L003", "care-certificate")] == "overdue"
    assert report.summary.in_progress == 7
    # The same records as lists of dicts.

    def rows(name):
        with open(COHORT / name, newline="") as f:
            return list(csv.DictReader(f))

    again = catalog.learners("cpft-peer-support-worker", rows("learners.csv"), rows("evidence.csv"), as_of="2025-09-01")
    assert again.summary == report.summary
    one = catalog.learners("cpft-peer-support-worker", rows("learners.csv"), rows("evidence.csv"), as_of="2025-09-01", learner="L004")
    assert [l.learner for l in one.learners] == ["L004"]


LMS = ROOT / "examples" / "lms"
LMS_COLUMNS = {
    "learner": "UserID",
    "role": "Job Role",
    "start_date": "Start Date",
    "ref": "Competency",
    "status": "Result",
    "date": "Completed On",
}


def test_learners_as_an_lms_exports_them(catalog):
    report = catalog.learners(
        "cpft-peer-support-worker",
        LMS / "users.csv",
        LMS / "completions.csv",
        as_of="2025-10-01",
        columns=LMS_COLUMNS,
        status_alias={"passed": "met", "completed": "met"},
        date_format="%d/%m/%Y",
    )
    assert report.summary.skipped.evidence == 0 and report.summary.skipped.learners == 0
    statuses = {(l.learner, r.id): r.status for l in report.learners for r in l.requirements}
    assert statuses[("U101", "statutory-training")] == "met"
    assert statuses[("U102", "care-certificate")] == "exempt"
    assert [d.code for d in report.diagnostics] == ["unknown-qualification"]
    # The same from DataFrames, their columns named as the LMS names them.
    pd = pytest.importorskip("pandas")
    again = catalog.learners(
        "cpft-peer-support-worker",
        pd.read_csv(LMS / "users.csv", dtype=str),
        pd.read_csv(LMS / "completions.csv", dtype=str),
        as_of="2025-10-01",
        columns=LMS_COLUMNS,
        status_alias={"passed": "met", "completed": "met"},
        date_format="%d/%m/%Y",
    )
    assert again.summary == report.summary
    with pytest.raises(ce.CompetenceError) as e:
        catalog.learners("cpft-peer-support-worker", [], [], status_alias={"passed": "done"})
    assert e.value.code == "bad-arguments"


def test_a_column_may_have_several_headers(catalog):
    # The completions name the learner `Learner ID`, the users `UserID`: one entry names both.
    def rows(name, rename=None):
        with open(LMS / name, newline="") as f:
            return [{rename.get(k, k) if rename else k: v for k, v in r.items()} for r in csv.DictReader(f)]

    either = dict(LMS_COLUMNS, learner="UserID|Learner ID")
    options = dict(as_of="2025-10-01", status_alias={"passed": "met", "completed": "met"}, date_format="%d/%m/%Y")
    report = catalog.learners(
        "cpft-peer-support-worker",
        rows("users.csv"),
        rows("completions.csv", {"UserID": "Learner ID"}),
        columns=either,
        **options,
    )
    expected = catalog.learners("cpft-peer-support-worker", LMS / "users.csv", LMS / "completions.csv", columns=LMS_COLUMNS, **options)
    assert report.summary == expected.summary
    assert report.summary.skipped.evidence == 0


def test_row_dicts_keep_the_columns_read_whatever_other_keys_they_have(catalog):
    # Each row with a key of its own, and headers in any case, as a CSV header is matched.
    learners = [
        {"Learner": f"L{n}", "ROLE": "cpft-peer-support-worker", "start_date": "2025-01-06", f"extra{n}": n}
        for n in range(2000)
    ]
    report = catalog.learners("cpft-peer-support-worker", learners, [], as_of="2025-03-01")
    assert report.summary.learners == 2000
    assert report.summary.skipped.learners == 0


def test_learners_from_xapi_statements(catalog):
    report = catalog.learners(
        "cpft-peer-support-worker",
        LMS / "learners.csv",
        xapi=LMS / "statements.json",
        activity_map=LMS / "activities.csv",
        as_of="2025-10-01",
    )
    assert report.learners[0].requirements[0].status == "met"
    assert report.summary.skipped.reasons == {"unknown-ref": 1, "unused-statement": 1}
    # Statements as dicts, and the map as a dict.
    statements = json.loads((LMS / "statements.json").read_text())
    mapping = {"https://lms.example.org/xapi/activities/care-certificate": "care-certificate-2015:*"}
    again = catalog.learners(
        "cpft-peer-support-worker",
        LMS / "learners.csv",
        xapi=statements[:1],
        activity_map=mapping,
        as_of="2025-10-01",
    )
    assert again.learners[0].requirements[0].status == "met"
    with pytest.raises(ce.CompetenceError):
        catalog.learners("cpft-peer-support-worker", LMS / "learners.csv", xapi=statements)


def test_expired_refresher_training(tmp_path):
    role = tmp_path / "role.yaml"
    role.write_text(
        "kind: role\nid: refresher\ntitle: Refresher\nrequirements:\n"
        "  - id: fire\n    items: [nhs-statutory-mandatory:fire-safety]\n    valid_for: 1y\n"
    )
    cat = ce.Catalog.load(str(role))
    learners = [{"learner": "A", "role": "refresher", "start_date": "2023-01-02"}]
    evidence = [{"learner": "A", "ref": "nhs-statutory-mandatory:fire-safety", "status": "met", "date": "2024-01-10"}]
    assert cat.learners("refresher", learners, evidence, as_of="2025-01-10").learners[0].requirements[0].status == "met"
    late = cat.learners("refresher", learners, evidence, as_of="2025-01-11")
    assert late.learners[0].requirements[0].status == "expired"
    assert late.summary.expired == 1 and late.summary.requirements[0].expired == 1
    pd = pytest.importorskip("pandas")
    assert list(late.to_pandas()["status"].astype(str)) == ["expired"]
    assert list(late.to_pandas("summary")["expired"]) == [1]


def test_bad_records_are_diagnostics(catalog):
    learners = [{"learner": "A", "role": "cpft-peer-support-worker", "start_date": "2025-01-06"}]
    evidence = [{"learner": "B", "ref": "care-certificate-2015:1", "status": "met", "date": "2025-01-10"}]
    report = catalog.learners("cpft-peer-support-worker", learners, evidence, as_of="2025-02-01")
    assert [d.code for d in report.diagnostics] == ["unknown-learner"]
    assert report.summary.skipped.evidence == 1


def test_errors_carry_their_fields(catalog):
    with pytest.raises(ce.CompetenceError) as e:
        catalog.coverage("no-such-course")
    assert isinstance(e.value, ValueError)
    assert e.value.code == "unknown-curriculum"
    assert "no-such-course" in str(e.value)
    with pytest.raises(ce.CompetenceError) as e:
        catalog.coverage("care-cert")
    with pytest.raises(ce.CompetenceError) as e:
        ce.Catalog.load("no/such/path.yaml")
    assert e.value.code == "not-found"
    assert e.value.file == "no/such/path.yaml"
    with pytest.raises(ce.CompetenceError) as e:
        catalog.framework("care-cert")
    assert e.value.help == "did you mean `care-certificate-2015`?"
    with pytest.raises(ce.CompetenceError) as e:
        catalog.learners("cpft-peer-support-worker", [], [], as_of="1 Sept")
    assert e.value.code == "bad-arguments"
    with pytest.raises(ce.CompetenceError) as e:
        catalog.gaps("cpft-peer-support-worker", "cnwl-developing-expertise-peer-working", require_depth="deep")
    assert e.value.code == "bad-arguments"


def test_documents_with_problems_load_and_report_them():
    broken = ce.Catalog.load(FIXTURES / "broken-course.yaml")
    report = broken.validate()
    assert report.ok is False
    first = report.diagnostics[0]
    assert (first.code, first.line, first.column) == ("numeric-id", 17, 13)


def test_reports_are_read_only_and_convert(catalog):
    report = catalog.coverage("cpft-peer-education-programme")
    with pytest.raises(AttributeError):
        report.ratio = 1.0
    with pytest.raises(AttributeError):
        report.nothing
    assert json.loads(report.to_json()) == report.to_dicts()
    assert "<table>" in report._repr_html_()
    assert report.table()[0]["ref"].startswith("hee-psw-2020:")


def test_everything_pickles(catalog):
    for obj in (catalog, catalog.coverage("cpft-peer-education-programme")):
        assert pickle.loads(pickle.dumps(obj)) == obj or isinstance(obj, ce.Catalog)
    user = ce.Catalog.load(FIXTURES / "valid", builtin=True)
    back = pickle.loads(pickle.dumps(user))
    assert [d.id for d in back.documents] == [d.id for d in user.documents]
    err = ce.CompetenceError("boom", code="x", file="f", line=1, column=2, help="h", diagnostics=[{"code": "x"}])
    again = pickle.loads(pickle.dumps(err))
    assert (again.code, again.file, again.line, again.column, again.help, again.diagnostics) == ("x", "f", 1, 2, "h", [{"code": "x"}])


def test_catalogs_are_shared_between_threads(catalog):
    with ThreadPoolExecutor(max_workers=4) as pool:
        ratios = list(pool.map(lambda _: catalog.coverage("cnwl-developing-expertise-peer-working").ratio, range(8)))
    assert len(set(ratios)) == 1


def test_to_pandas(catalog):
    pd = pytest.importorskip("pandas")
    frame = catalog.coverage("cpft-peer-education-programme").to_pandas()
    assert isinstance(frame, pd.DataFrame) and frame.index.name == "ref"
    cohort = catalog.learners(
        "cpft-peer-support-worker",
        pd.read_csv(COHORT / "learners.csv", dtype=str, keep_default_na=False),
        pd.read_csv(COHORT / "evidence.csv", dtype=str, keep_default_na=False),
        as_of="2025-09-01",
    )
    assert len(cohort.to_pandas()) == 18


def test_the_example_script_runs(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "coverage_report.py"), str(tmp_path / "chart.png")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "cnwl-developing-expertise-peer-working:" in out.stdout
    assert "L003 overdue" in out.stdout


def test_docstring_examples_run():
    import doctest

    failures, tried = doctest.testmod(ce, optionflags=doctest.ELLIPSIS)
    assert tried >= 25
    assert failures == 0


def test_native_methods_docstring_examples_run():
    """The native classes' static methods are not found by ``doctest.testmod``: run their
    examples one by one."""
    import doctest

    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    finder = doctest.DocTestFinder()
    tried = 0
    for name in ("from_case", "from_moodle"):
        method = getattr(ce.Framework, name)
        for test in finder.find(method, f"Framework.{name}", globs=dict(vars(ce))):
            result = runner.run(test)
            assert result.failed == 0, name
            tried += result.attempted
    assert tried >= 4


def test_frameworks_and_items_are_native_over_one_hierarchy(catalog):
    cc = catalog.framework("care-certificate-2015")
    assert type(cc) is ce.Framework and type(cc.roots[0]) is ce.Item
    assert cc == catalog.framework("care-certificate-2015")
    assert cc.item("1.1") == catalog.framework("care-certificate-2015").item("1.1")
    assert {cc.item("1.1"), cc.item("1.1")} == {cc.item("1.1")}
    assert len(cc) == len(cc.items)
    with pytest.raises(KeyError):
        cc.item("no-such-item")
    with pytest.raises(ce.CompetenceError) as e:
        cc.leaves("hee-psw-2020:1")
    assert e.value.code == "unknown-ref"
    assert cc.document["items"][0]["id"] == cc.roots[0].id
    # An item under two parents (also_under) lists both, and is a child of both.
    fw = ce.Framework.from_case(
        {
            "CFDocument": {"identifier": "11111111-1111-4111-8111-111111111111", "title": "Two parents",
                           "uri": "urn:x", "creator": "x", "lastChangeDateTime": "2020-01-01T00:00:00Z"},
            "CFItems": [
                {"identifier": f"2222222{n}-2222-4222-8222-222222222222", "humanCodingScheme": code,
                 "fullStatement": code, "uri": "urn:x", "lastChangeDateTime": "2020-01-01T00:00:00Z"}
                for n, code in enumerate(["A", "B", "C"])
            ],
            "CFAssociations": [
                {"identifier": f"3333333{n}-3333-4333-8333-333333333333", "associationType": "isChildOf",
                 "originNodeURI": {"title": "c", "identifier": f"2222222{o}-2222-4222-8222-222222222222", "uri": "urn:x"},
                 "destinationNodeURI": {"title": "p", "identifier": f"2222222{d}-2222-4222-8222-222222222222", "uri": "urn:x"},
                 "uri": "urn:x", "lastChangeDateTime": "2020-01-01T00:00:00Z"}
                for n, (o, d) in enumerate([(2, 0), (2, 1)])
            ],
        }
    )
    c = fw.item("C")
    assert [p.id for p in c.parents] == ["A", "B"]
    assert c in fw.item("A").children and c in fw.item("B").children
    assert [i.id for i in fw.leaves()] == ["C"]


def test_an_import_is_checked_as_a_file_is():
    path = FIXTURES_INTEROP / "case" / "Ordering.json"
    package = json.loads(path.read_text())
    package["CFItems"][0]["extensions"] = {"competence-engine": {"type": "nonsense"}}
    with pytest.raises(ce.CompetenceError) as e:
        ce.Framework.from_case(package)
    assert e.value.code == "invalid-value"
    assert e.value.file == "package-1.json" and e.value.line is not None
    assert any(d["code"] == "invalid-value" for d in e.value.diagnostics)


def test_reports_are_typed_classes_and_convert_fields_once(catalog):
    report = catalog.coverage("cnwl-developing-expertise-peer-working")
    assert isinstance(report, ce.CoverageReport)
    assert isinstance(report, ce.Report)
    assert isinstance(report.items[0], ce.CoverageItem)
    assert report.items == report.items  # rows made as they are read
    assert isinstance(report.items, ce.Rows) and report.items == tuple(report.items)
    assert report.items[-1] == report.items[len(report.items) - 1]
    assert report.items[1:3] == (report.items[1], report.items[2])
    with pytest.raises(IndexError):
        report.items[len(report.items)]
    assert list(report.keys())[:3] == ["curriculum", "framework", "leaves"]
    assert "ratio" in report
    assert report["ratio"] == report.ratio
    with pytest.raises(KeyError):
        report["nothing"]
    assert isinstance(catalog.gaps("cpft-peer-support-worker", "cnwl-developing-expertise-peer-working"), ce.GapsReport)
    walk = catalog.crosswalk("care-certificate-2015", "care-certificate-2025")
    assert isinstance(walk, ce.CrosswalkReport)
    assert walk.from_ == walk["from"] == "care-certificate-2015"
    assert isinstance(catalog.matrix("cnwl-developing-expertise-peer-working"), ce.MatrixReport)
    assert isinstance(catalog.validate(), ce.ValidationReport)


def test_to_json_indent_matches_the_cli(catalog):
    report = catalog.coverage("cnwl-developing-expertise-peer-working")
    assert "\n" not in report.to_json(None)
    assert report.to_json(4).startswith('{\n    "curriculum"')
    assert json.loads(report.to_json(None)) == json.loads(report.to_json())


FIXTURES_INTEROP = ROOT / "tests" / "fixtures" / "interop"


def test_case_import_and_export_round_trip(catalog):
    package = catalog.export_case("care-certificate-2015", base_uri="https://example.org/case/")
    assert package["CFDocument"]["uri"].startswith("https://example.org/case/")
    fw = ce.Framework.from_case(package)
    shipped = catalog.framework("care-certificate-2015")
    assert [i.id for i in fw.items] == [i.id for i in shipped.items]
    assert [i.title for i in fw.items] == [i.title for i in shipped.items]
    walked = ce.Framework.from_case(FIXTURES_INTEROP / "case" / "SequenceNumberFramework.json")
    assert [i.id for i in walked.roots] == ["SNT.2", "SNT.1"]
    with pytest.warns(ce.CompetenceWarning, match="no time zone"):
        ce.Framework.from_case(FIXTURES_INTEROP / "case" / "WhatStandardsCouldBe-20c5134f.json")
    docs = ce.import_case(catalog.export_case("care-certificate-2015"), catalog.export_case("care-certificate-2025"))
    assert [d["kind"] for d in docs].count("mapping") >= 1
    with pytest.raises(ce.CompetenceError) as e:
        ce.import_case(b'{"CFItems": []}')
    assert e.value.code == "import-invalid"


def test_moodle_import_and_export(catalog):
    fw = ce.Framework.from_moodle(FIXTURES_INTEROP / "moodle" / "lpimportcsv-example-oecd.csv")
    assert len(fw.items) == 64
    with pytest.warns(ce.CompetenceWarning):
        text = catalog.export_moodle("care-certificate-2015")
    again = ce.Framework.from_moodle(text, id="care-certificate-2015")
    assert [i.id for i in again.items] == [i.id for i in catalog.framework("care-certificate-2015").items]


def test_open_badges_export(catalog):
    a = catalog.export_ob3("cnwl-developing-expertise-peer-working")
    assert a["type"] == ["Achievement"]
    assert all(x["targetCode"] and x["targetUrl"] for x in a["alignment"])
    with pytest.raises(ce.CompetenceError):
        catalog.export_ob3("no-such-course")


def test_records_paths_are_read_by_the_engine_under_its_limits(catalog, tmp_path):
    evidence = tmp_path / "evidence.csv"
    evidence.write_text("learner,ref,status,date\n")
    with pytest.raises(ce.CompetenceError) as e:
        catalog.learners("cpft-peer-support-worker", "/dev/zero", evidence)
    assert e.value.code == "unreadable"


def test_work_runs_on_a_roomy_stack_whatever_the_calling_thread(catalog):
    import threading

    package = catalog.export_case("imroc-peer-principles")
    deep: dict = {}
    cur = deep
    for _ in range(120):
        cur["a"] = {}
        cur = cur["a"]
    package["CFItems"][0]["deepField"] = deep
    results: list = []

    def work() -> None:
        try:
            ce.Framework.from_case(package)
        except ce.CompetenceError as err:
            results.append(err.code)
        else:
            results.append("ok")

    old = threading.stack_size(512 * 1024)
    try:
        t = threading.Thread(target=work)
        t.start()
        t.join()
    finally:
        threading.stack_size(old)
    assert results == ["import-invalid"]


def test_messages_shown_by_python_are_escaped():
    with pytest.raises(ce.CompetenceError) as e:
        ce.Catalog.builtin().coverage("evil\x1b[2J")
    assert "\x1b" not in str(e.value) and "\\u{1b}" in str(e.value)


COURSE = "cnwl-developing-expertise-peer-working"


def every_report(catalog):
    return {
        "validate": catalog.validate(),
        "coverage": catalog.coverage(COURSE),
        "gaps": catalog.gaps("cpft-peer-support-worker", COURSE),
        "crosswalk": catalog.crosswalk("care-certificate-2015", "hee-psw-2020"),
        "matrix": catalog.matrix(COURSE),
        "learners": catalog.learners(
            "cpft-peer-support-worker", COHORT / "learners.csv", COHORT / "evidence.csv", as_of="2025-09-01"
        ),
    }


def test_every_table_of_every_report_reaches_arrow_pandas_and_polars(catalog):
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    for kind, report in every_report(catalog).items():
        assert report.tables[-1] == "diagnostics", kind
        for name in report.tables:
            table = report.to_arrow(name)
            assert isinstance(table, pa.Table), (kind, name)
            frame = report.to_pandas(name)
            assert isinstance(frame, pd.DataFrame)
            assert len(frame) == table.num_rows
            assert report.to_polars(name).height == table.num_rows
        # The main table is what Arrow consumers read from the report itself.
        assert pa.table(report).num_rows == report.to_arrow().num_rows
        assert pl.DataFrame(report).height == report.to_arrow().num_rows


def test_tables_have_their_types(catalog):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    coverage = catalog.coverage(COURSE).to_pandas()
    assert coverage.index.name == "ref" and coverage.index.is_unique
    assert list(coverage["depth"].cat.categories) == ["introduced", "practised", "assessed"]
    assert coverage["depth"].cat.ordered
    assert list(coverage["status"].cat.categories) == ["uncovered", "partial", "covered"]
    assert str(coverage["leaves"].dtype) == "Int64" and coverage["leaves"].isna().any()
    assert all(isinstance(s, (list, tuple)) or hasattr(s, "tolist") for s in coverage["sessions"])
    # Each item's top-level item and parent, from the framework's tree.
    top = coverage.index[0]
    assert coverage.loc[top, "top"] == top and pd.isna(coverage.loc[top, "parent"])
    assert coverage.iloc[1]["parent"] == top
    learners = catalog.learners(
        "cpft-peer-support-worker", COHORT / "learners.csv", COHORT / "evidence.csv", as_of="2025-09-01"
    )
    rows = learners.to_pandas()
    assert str(rows["due"].dtype).startswith("datetime64")
    assert list(rows["status"].cat.categories) == ["met", "in-progress", "overdue", "exempt", "expired"]
    assert rows["status"].cat.ordered
    missing = learners.to_pandas("missing")
    assert list(missing.columns) == ["learner", "requirement", "ref"]
    assert len(missing) == sum(len(q.missing) for l in learners.learners for q in l.requirements)
    gaps = catalog.gaps("cpft-peer-support-worker", COURSE).to_pandas()
    assert gaps.index.name == "ref" and str(gaps["reason"].dtype) == "category"


def test_an_arrow_table_is_read_once_and_names_are_checked(catalog):
    pa = pytest.importorskip("pyarrow")
    report = catalog.coverage(COURSE)
    t = report.arrow("hours")
    assert t.name == "hours" and len(t) > 0 and "hours" in repr(t)
    assert pa.table(t).num_rows > 0
    with pytest.raises(ValueError, match="already read"):
        pa.table(t)
    with pytest.raises(KeyError, match="there are: items, hours, sequencing, diagnostics"):
        report.arrow("no-such-table")


def test_an_unpickled_report_is_the_native_report_again(catalog):
    pa = pytest.importorskip("pyarrow")
    for kind, report in every_report(catalog).items():
        again = pickle.loads(pickle.dumps(report))
        assert type(again) is type(report) and again == report, kind
        assert again.to_json() == report.to_json(), kind
        for table in report.tables:
            assert pa.table(again.arrow(table)).to_pylist() == pa.table(report.arrow(table)).to_pylist(), (kind, table)
    row = catalog.coverage(COURSE).items[3]
    assert pickle.loads(pickle.dumps(row)) == row
    with pytest.raises(ValueError, match="not a report's or row's JSON"):
        ce.CoverageReport._from_json("{}")


def plain(value):
    """A field as plain data: rows as dicts, sequences as lists."""
    if hasattr(value, "to_dicts"):
        return value.to_dicts()
    if isinstance(value, (list, tuple, ce.Rows)):
        return [plain(v) for v in value]
    return value


def test_a_field_is_converted_alone_and_equals_the_whole_reports(catalog):
    for kind, report in every_report(catalog).items():
        whole = report.to_dicts()
        assert list(report.keys()) == list(whole), kind
        for key in whole:
            assert plain(report[key]) == whole[key], (kind, key)
            assert plain(getattr(report, key.replace("-", "_") if key != "from" else "from_")) == whole[key]
        with pytest.raises(KeyError):
            report["no-such-field"]
        for name in ("items", "gaps", "by_requirement", "links", "rows", "learners", "diagnostics"):
            rows = getattr(report, name, None)
            if rows:
                row = rows[0]
                assert list(row.keys()) == list(row.to_dicts()), (kind, name)
                for key in row.keys():
                    attr = key.replace("-", "_") if key != "from" else "from_"
                    assert plain(getattr(row, attr)) == row.to_dicts()[key], (kind, name, key)


def test_an_error_says_its_help_and_pickles(catalog):
    with pytest.raises(ce.CompetenceError) as caught:
        catalog.coverage("cnwl-developing-expertise-peer-workin")
    e = caught.value
    assert e.help and str(e).endswith(f"help: {e.help}")
    again = pickle.loads(pickle.dumps(e))
    assert str(again) == str(e) and again.help == e.help


def test_fields_show_in_dir_and_documents_by_kind(catalog):
    report = catalog.coverage(COURSE)
    assert {"covered", "unassigned_hours", "to_pandas"} <= set(dir(report))
    assert {"ref", "covered_leaves"} <= set(dir(report.items[0]))
    assert [c.kind for c in catalog.curricula] == ["curriculum"] * len(catalog.curricula)
    assert "cpft-peer-support-worker" in [r.id for r in catalog.roles]


def test_as_of_as_a_date_a_datetime_a_timestamp_or_text(catalog):
    import datetime

    def run(as_of):
        return catalog.learners(
            "cpft-peer-support-worker", COHORT / "learners.csv", COHORT / "evidence.csv", as_of=as_of
        ).to_json()

    text = run("2025-09-01")
    assert run(datetime.date(2025, 9, 1)) == text
    assert run(datetime.datetime(2025, 9, 1, 17, 30)) == text
    pd = pytest.importorskip("pandas")
    assert run(pd.Timestamp("2025-09-01")) == text
    with pytest.raises(TypeError, match="as_of"):
        run(20250901)


def test_records_from_polars_and_pyarrow_tables(catalog):
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    paths = catalog.learners(
        "cpft-peer-support-worker", COHORT / "learners.csv", COHORT / "evidence.csv", as_of="2025-09-01"
    )
    read = lambda name: pl.read_csv(COHORT / name, infer_schema=False)  # noqa: E731
    from_polars = catalog.learners(
        "cpft-peer-support-worker", read("learners.csv"), read("evidence.csv"), as_of="2025-09-01"
    )
    from_arrow = catalog.learners(
        "cpft-peer-support-worker",
        read("learners.csv").to_arrow(),
        read("evidence.csv").to_arrow(),
        as_of="2025-09-01",
    )
    assert from_polars.learners == paths.learners == from_arrow.learners
    assert isinstance(read("learners.csv").to_arrow(), pa.Table)


def test_catalogs_from_text_and_documents(catalog):
    text = "kind: framework\nid: mine\ntitle: Mine\nitems:\n  - {id: a, title: A}\n"
    assert ce.Catalog.loads(text, builtin=False).framework("mine").title == "Mine"
    fw = catalog.framework("srn-peer-values")
    docs = ce.import_case(catalog.export_case("srn-peer-values"))
    for doc in (docs[0], fw, fw.document):
        made = ce.Catalog.from_documents(doc, text, builtin=False)
        assert {f.id for f in made.frameworks} == {"srn-peer-values", "mine"}
        assert made.validate().ok
    broken = ce.Catalog.from_documents({"kind": "framework", "id": "x"}, builtin=False)
    assert not broken.validate().ok
    assert broken.validate().diagnostics[0].file == "<document 1>.json"
    with pytest.raises(TypeError):
        ce.Catalog.from_documents(42)


def test_a_report_reads_as_a_mapping_and_shows_a_preview(catalog):
    report = catalog.coverage(COURSE)
    assert list(report) == list(report.keys()) and len(report) == len(report.keys())
    assert dict((k, report[k]) for k in report)["covered"] == report.covered
    page = report._repr_html_()
    assert page.count("<tr>") == len(report.items) + 1
    assert "csv" not in dir(ce) and "Catalog" in dir(ce)


def test_framework_items_and_catalog_documents_as_tables(catalog):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    pytest.importorskip("polars")
    fw = catalog.framework("hee-psw-2020")
    items = fw.to_pandas()
    assert items.index.name == "ref" and len(items) == len(fw.items)
    child = items.iloc[1]
    assert child["parent"] == items.index[0] and child["top"] == items.index[0]
    assert pd.isna(items.iloc[0]["parent"]) and items.iloc[0]["level"] == 0
    assert fw.table_names() == ["items"] and fw.to_polars().height == len(fw.items)
    docs = catalog.to_pandas()
    assert len(docs) == len(catalog.documents) and catalog.tables == ("documents", "diagnostics")
    assert set(docs["kind"].cat.categories) >= {"framework", "curriculum", "mapping", "role"}
    assert catalog.to_arrow().num_rows == len(docs)


def test_the_analysts_notebook_runs():
    """examples/notebook/analyst.ipynb, executed as Jupyter would: coverage per domain per
    course, a course map heatmap and the overdue learners, with no dtype fixed by hand."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("matplotlib")
    pytest.importorskip("pyarrow")
    folder = ROOT / "examples" / "notebook"
    nb = nbformat.read(folder / "analyst.ipynb", as_version=4)
    nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the heatmap"
    texts = "".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "Core relational skills" in texts and "L003" in texts


def test_dataframes_reach_the_engine_as_columns_not_csv(catalog, monkeypatch):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    paths = catalog.learners(
        "cpft-peer-support-worker", COHORT / "learners.csv", COHORT / "evidence.csv", as_of="2025-09-01"
    )
    learners = pd.read_csv(COHORT / "learners.csv", dtype=str, keep_default_na=False)
    evidence = pd.read_csv(COHORT / "evidence.csv", dtype=str, keep_default_na=False)
    # Dates as datetimes and a missing qualification as a null read as their text would.
    learners["start_date"] = pd.to_datetime(learners["start_date"])
    learners.loc[learners["qualifications"] == "", "qualifications"] = None

    def no_csv(*args, **kwargs):
        raise AssertionError("a DataFrame was written as CSV")

    monkeypatch.setattr(pd.DataFrame, "to_csv", no_csv)
    tables = catalog.learners("cpft-peer-support-worker", learners, evidence, as_of="2025-09-01")
    assert tables.learners == paths.learners and tables.summary == paths.summary
    # A row that cannot be used is placed as the CSV's line would be: the header is line 1.
    bad = pd.DataFrame([{"learner": "nobody", "ref": "x:y", "status": "met", "date": "2025-01-01"}])
    report = catalog.learners("cpft-peer-support-worker", learners, bad, as_of="2025-09-01")
    placed = [d for d in report.diagnostics if d.file == "<DataFrame>"]
    assert placed and placed[0].line == 2 and placed[0].code == "unknown-learner"


def test_a_dataframe_with_other_types_is_read_as_its_csv(catalog):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    learners = pd.read_csv(COHORT / "learners.csv", dtype=str, keep_default_na=False)
    evidence = pd.read_csv(COHORT / "evidence.csv", dtype=str, keep_default_na=False)
    paths = catalog.learners(
        "cpft-peer-support-worker", COHORT / "learners.csv", COHORT / "evidence.csv", as_of="2025-09-01"
    )
    # An unused column of any type is not read; a used one of another type (a float, a time
    # of day) makes the table go as CSV, whose text it has always had.
    learners["notes"] = [{"a": 1}] * len(learners)
    assert catalog.learners("cpft-peer-support-worker", learners, evidence, as_of="2025-09-01").learners == paths.learners
    timed = learners.assign(start_date=pd.to_datetime(learners["start_date"]) + pd.Timedelta(hours=9))
    with_times = catalog.learners("cpft-peer-support-worker", timed, evidence, as_of="2025-09-01")
    assert any(d.code == "invalid-date" for d in with_times.diagnostics)


def test_a_type_checker_flags_a_misspelt_report_field(tmp_path):
    api = pytest.importorskip("mypy.api")
    script = tmp_path / "analysis.py"
    script.write_text(
        "import competence_engine as ce\n"
        "report = ce.Catalog.builtin().coverage('cnwl-developing-expertise-peer-working')\n"
        "ok: int = report.covered\n"
        "typo = report.covred\n"
    )
    out, _, status = api.run([str(script), "--no-incremental"])
    assert status == 1 and 'has no attribute "covred"' in out, out
    assert out.count("error:") == 1, out
