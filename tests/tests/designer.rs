//! The curriculum designer's workflow from the command line: the blank grid (`template`), a
//! course map from a spreadsheet (`import sheet`), workbooks (`--format xlsx`), pages
//! (`--format html`, `report`), a starter file (`init`), the documents' schema (`schema`),
//! analyses given a file's path, and `--watch`.

mod common;

use std::io::{BufRead, Read};
use std::path::Path;

use calamine::{Data, Reader};
use common::competence;
use serde_json::Value;

fn run(args: &[&str]) -> std::process::Output {
    competence().args(args).output().expect("runs")
}

fn on_fixtures(args: &[&str]) -> std::process::Output {
    let mut all = vec!["--no-builtin", "--catalog", "fixtures/analysis"];
    all.extend_from_slice(args);
    run(&all)
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

/// A workbook's sheets, each as rows of text.
fn sheets(path: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    let mut book = calamine::open_workbook_auto(path).expect("a workbook");
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("a sheet");
            let rows = range
                .rows()
                .map(|r| {
                    r.iter()
                        .map(|c| match c {
                            Data::Empty => String::new(),
                            Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .collect();
            (name, rows)
        })
        .collect()
}

/// The XML of one part of a workbook (`xl/worksheets/sheet2.xml`).
fn part(path: &Path, name: &str) -> String {
    let file = std::fs::File::open(path).expect("opens");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let mut text = String::new();
    zip.by_name(name)
        .expect("the part")
        .read_to_string(&mut text)
        .expect("text");
    text
}

#[test]
fn analyses_write_workbooks_with_titles_groups_colours_filters_and_a_frozen_header() {
    let dir = tempfile::tempdir().expect("temp dir");
    let book = dir.path().join("matrix.xlsx");
    let out = on_fixtures(&[
        "matrix",
        "course",
        "--format",
        "xlsx",
        "-o",
        book.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let book_sheets = sheets(&book);
    let names: Vec<&str> = book_sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["summary", "matrix", "diagnostics"]);
    let grid = &book_sheets[1].1;
    assert_eq!(
        grid[0][..6],
        ["REF", "TITLE", "TOP", "TOP TITLE", "OPTIONAL", "day-1"]
    );
    // A group row for each top-level item, then its leaves with titles.
    assert_eq!(grid[1][..2], ["skills:1", "Listening"]);
    assert_eq!(
        grid[2][..4],
        ["skills:1.1", "Attending", "skills:1", "Listening"]
    );
    // A title that starts with `=` is text, never a formula.
    assert!(grid.iter().any(|r| r[1] == "=Risk awareness"));
    let xml = part(&book, "xl/worksheets/sheet2.xml");
    assert!(!xml.contains("<f>"), "no formula in the sheet");
    assert!(xml.contains("state=\"frozen\""), "the header is frozen");
    assert!(xml.contains("<autoFilter"), "the header has filters");
    assert!(xml.contains("outlineLevel=\"1\""), "leaves are grouped");
    // Depths in colour: the styles hold fills.
    let styles = part(&book, "xl/styles.xml");
    assert!(styles.contains("FF548235") && styles.contains("FFE2F0D9"));

    for (command, sheet) in [
        (vec!["coverage", "course"], "coverage"),
        (
            vec!["gaps", "--target", "skills", "--from", "course"],
            "gaps",
        ),
    ] {
        let path = dir.path().join(format!("{sheet}.xlsx"));
        let mut args = command.clone();
        args.extend(["--format", "xlsx", "-o", path.to_str().unwrap()]);
        let out = on_fixtures(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        let s = sheets(&path);
        assert_eq!(s[0].0, "summary");
        assert_eq!(s[1].0, sheet);
        assert!(s[1].1[0].iter().any(|h| h == "TITLE"));
    }
}

#[test]
fn learners_write_a_workbook_with_the_statuses() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("cohort.xlsx");
    let out = competence()
        .current_dir(common::root().join(".."))
        .args([
            "learners",
            "--role",
            "cpft-peer-support-worker",
            "--learners",
            "examples/cohort/learners.csv",
            "--evidence",
            "examples/cohort/evidence.csv",
            "--as-of",
            "2025-09-01",
            "--format",
            "xlsx",
            "-o",
            path.to_str().unwrap(),
        ])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let s = sheets(&path);
    assert_eq!(s[1].0, "learners");
    assert_eq!(s[1].1[0][..3], ["LEARNER", "REQUIREMENT", "STATUS"]);
    assert!(s[1].1.iter().skip(1).all(|r| !r[2].is_empty()));
}

#[test]
fn whole_file_formats_need_a_file_and_report_says_what_it_can_write() {
    let out = on_fixtures(&["coverage", "course", "--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("add `-o FILE.xlsx`"));
    let out = on_fixtures(&["report", "course"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("-o report.html"));
    let out = on_fixtures(&["report", "course", "-o", "report.pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot tell what to write"));
    let out = on_fixtures(&["report", "course", "--format", "csv", "-o", "r.csv"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn pages_are_self_contained_and_escape_what_documents_say() {
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = dir.path().join("odd.yaml");
    std::fs::write(
        &doc,
        "kind: curriculum\nid: odd\ntitle: \"<script>alert(1)</script> & co\"\nframeworks: [skills]\nsessions:\n  - id: s1\n    title: \"<img src=x onerror=alert(1)>\"\n    covers: [\"1.1\"]\n",
    )
    .expect("writes");
    let page = dir.path().join("odd.html");
    let out = on_fixtures(&[
        "report",
        doc.to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(&page).expect("reads");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
    assert!(!html.contains("<script") && !html.contains("<img"));
    assert!(html.contains("default-src 'none'"));
    // No address a browser would fetch.
    for needle in ["src=\"http", "href=\"http", "url(", "@import"] {
        assert!(!html.contains(needle), "{needle}");
    }
    // Every analysis writes a page too.
    let gaps = dir.path().join("gaps.html");
    let out = on_fixtures(&[
        "gaps",
        "--target",
        "skills",
        "--from",
        "course",
        "--format",
        "html",
        "-o",
        gaps.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(&gaps).expect("reads");
    assert!(html.contains("<h1>Gaps of framework `skills` against curriculum `course`</h1>"));
    assert!(html.contains("<tr class=\"group\">"));
}

#[test]
fn the_report_writes_a_page_and_a_workbook_with_every_part() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("r.html");
    let out = run(&[
        "report",
        "cnwl-developing-expertise-peer-working",
        "--target",
        "cpft-peer-support-worker",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(&page).expect("reads");
    for part in [
        "<h2>Summary</h2>",
        "<h2>Coverage per top-level item</h2>",
        "<svg class=\"chart\"",
        "<h2>Course map</h2>",
        "<table class=\"grid\">",
        "<h2>Gaps</h2>",
        "<h3>care-certificate (Complete the Care Certificate): 158 of 176 missing</h3>",
        "<h3>statutory-training (Statutory NHS training): 6 of 6 missing</h3>",
        "<h2>Sequencing findings</h2>",
    ] {
        assert!(html.contains(part), "{part}");
    }
    let book = dir.path().join("r.xlsx");
    let out = run(&[
        "report",
        "cnwl-developing-expertise-peer-working",
        "--target",
        "cpft-peer-support-worker",
        "-o",
        book.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let s = sheets(&book);
    let names: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["summary", "coverage", "matrix", "gaps"]);
    let summary: Vec<String> = s[0].1.iter().map(|r| r.join("|")).collect();
    assert!(
        summary
            .iter()
            .any(|r| r.starts_with("care-certificate|Complete the Care Certificate|158|176"))
    );
}

#[test]
fn matrix_and_gaps_carry_titles_top_level_items_and_requirements() {
    let out = run(&[
        "gaps",
        "--target",
        "cpft-peer-support-worker",
        "--from",
        "cnwl-developing-expertise-peer-working",
        "--format",
        "json",
    ]);
    let v = json(&out);
    let per: Vec<(String, u64, u64)> = v["by_requirement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap().to_owned(),
                q["missing"].as_u64().unwrap(),
                q["leaves"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        per,
        [
            ("care-certificate".to_owned(), 158, 176),
            ("peer-support-training".to_owned(), 0, 23),
            ("statutory-training".to_owned(), 6, 6)
        ]
    );
    let gap = &v["gaps"][0];
    assert_eq!(gap["top"], "care-certificate-2015:1");
    assert_eq!(gap["top_title"], "Understand your role");
    assert_eq!(gap["requirements"], serde_json::json!(["care-certificate"]));
    let csv = run(&[
        "gaps",
        "--target",
        "cpft-peer-support-worker",
        "--from",
        "cnwl-developing-expertise-peer-working",
        "--format",
        "csv",
    ]);
    let text = String::from_utf8_lossy(&csv.stdout);
    assert!(text.starts_with("REF,TITLE,TOP,TOP TITLE,REQUIREMENTS,REASON,FILLED BY\n"));
}

#[test]
fn an_analysis_takes_a_files_path_or_says_how() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("mine.yaml");
    let text = std::fs::read_to_string(common::root().join("fixtures/analysis/course.yaml"))
        .expect("reads")
        .replace("id: course", "id: mine");
    std::fs::write(&file, text).expect("writes");
    let path = file.to_str().unwrap();
    let args = [
        "--no-builtin",
        "--catalog",
        "fixtures/analysis",
        "coverage",
        path,
        "--format",
        "json",
    ];
    let out = run(&args);
    assert!(out.status.code() != Some(2), "{}", stderr(&out));
    assert_eq!(json(&out)["curriculum"], "mine");
    // A role and frameworks by path too.
    let role = common::root().join("../frameworks/roles/cpft-peer-support-worker.yaml");
    let out = competence()
        .current_dir(common::root().join(".."))
        .args([
            "learners",
            "--role",
            role.to_str().unwrap(),
            "--learners",
            "examples/cohort/learners.csv",
            "--evidence",
            "examples/cohort/evidence.csv",
            "--as-of",
            "2025-09-01",
            "--format",
            "json",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        json(&out)["role"],
        "cpft-peer-support-worker",
        "{}",
        stderr(&out)
    );
    let out = run(&[
        "crosswalk",
        "../frameworks/srn-peer-values.yaml",
        "hee-psw-2020",
        "--format",
        "json",
    ]);
    assert_eq!(json(&out)["from"], "srn-peer-values", "{}", stderr(&out));
    let out = run(&["coverage", "no-such-file.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no file `no-such-file.yaml`"));
    let out = run(&["coverage", "my-course"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("named by its path"));
}

#[test]
fn a_filled_in_template_becomes_a_valid_course_map() {
    let dir = tempfile::tempdir().expect("temp dir");
    let grid = dir.path().join("grid.csv");
    let out = run(&[
        "template",
        "hee-psw-2020",
        "--sessions",
        "3",
        "-o",
        grid.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Fill it in as a designer would: rename the sessions, mark cells.
    let mut rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(&grid)
        .expect("reads")
        .records()
        .map(|r| r.expect("a row").iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(
        rows[0][..5],
        ["Ref", "Title", "Top-level item", "Optional", "Session 1"]
    );
    assert_eq!(rows[1][0], "Hours");
    rows[0][4] = "Day 1: Values".into();
    rows[0][5] = "Day 2".into();
    rows[0][6] = "Assessment: reflective log".into();
    rows[1][4] = "6".into();
    let mark = |rows: &mut Vec<Vec<String>>, id: &str, col: usize, v: &str| {
        let r = rows
            .iter_mut()
            .find(|r| r[0] == id)
            .expect("the item's row");
        r[col] = v.into();
    };
    mark(&mut rows, "mutuality", 4, "I");
    mark(&mut rows, "reciprocity", 5, "practised");
    mark(&mut rows, "2", 5, "P"); // a group's row covers every leaf under it
    mark(&mut rows, "mutuality", 6, "x");
    let mut w = csv::Writer::from_path(dir.path().join("filled.csv")).expect("writes");
    for r in &rows {
        w.write_record(r).expect("writes");
    }
    w.flush().expect("flushes");
    drop(w);
    let course = dir.path().join("course.yaml");
    let filled = dir.path().join("filled.csv");
    let out = run(&[
        "import",
        "sheet",
        filled.to_str().unwrap(),
        "--id",
        "my-course",
        "--title",
        "My course",
        "-o",
        course.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("2 sessions, 1 assessment"), "{err}");
    let out = run(&["validate", course.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["coverage", course.to_str().unwrap(), "--format", "json"]);
    let v = json(&out);
    // mutuality, reciprocity, and 2.1-2.7 under `2`.
    assert_eq!(v["covered"], 9);
    let yaml = std::fs::read_to_string(&course).expect("reads");
    assert!(yaml.contains("hours: 6"));
    assert!(yaml.contains("{ ref: \"reciprocity\", depth: practised }"));
}

#[test]
fn every_cell_that_cannot_be_read_is_reported_at_its_sheet_row_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("map.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("notes").unwrap();
    notes
        .write_string(0, 0, "This workbook's course map is on the next sheet.")
        .unwrap();
    let ws = book.add_worksheet();
    ws.set_name("Map").unwrap();
    let rows: [&[&str]; 5] = [
        &["Competence", "Name", "Week 1", "Week 2"],
        &["1.1.c1", "", "i", "nope"],
        &["", "Mutuality", "P", ""],
        &["9.99", "", "A", ""],
        &["", "No such title", "", "I"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 2, c as u16 + 1, *v).unwrap();
            }
        }
    }
    book.save(&path).unwrap();
    let out = run(&[
        "import",
        "sheet",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let places: Vec<(String, u64, u64, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // The sheet starts at B3: rows and columns are the sheet's own.
    assert_eq!(
        places,
        [
            // Week 2 holds no mark that could be read: left out.
            (
                "map.xlsx [Map]".to_owned(),
                3,
                5,
                "import-leniency".to_owned()
            ),
            (
                "map.xlsx [Map]".to_owned(),
                4,
                5,
                "import-invalid".to_owned()
            ),
            (
                "map.xlsx [Map]".to_owned(),
                6,
                2,
                "import-invalid".to_owned()
            ),
            (
                "map.xlsx [Map]".to_owned(),
                7,
                3,
                "import-invalid".to_owned()
            ),
        ]
    );
    assert_eq!(v["documents"][0]["framework"], "hee-psw-2020");
    assert_eq!(v["documents"][0]["references"], 2);
}

#[test]
fn a_long_table_imports_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("long.csv");
    std::fs::write(
        &path,
        "session,ref,depth\nday-1,1.1,I\nday-1,1.2,A\nday-2,2.1,practised\n",
    )
    .expect("writes");
    let out = on_fixtures(&[
        "import",
        "sheet",
        path.to_str().unwrap(),
        "--framework",
        "skills",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let yaml = String::from_utf8_lossy(&out.stdout);
    assert!(yaml.contains("id: \"day-2\""), "{yaml}");
    assert!(yaml.contains("{ ref: \"1.2\", depth: assessed }"), "{yaml}");
}

#[test]
fn the_template_workbook_groups_items_and_reads_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("grid.xlsx");
    let out = run(&[
        "template",
        "care-certificate-2015",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let s = sheets(&path);
    assert_eq!(s[0].0, "course map");
    assert_eq!(
        s[0].1[0][..5],
        ["Ref", "Title", "Top-level item", "Optional", "Session 1"]
    );
    assert_eq!(s[0].1[2][..3], ["1", "Understand your role", "1"]);
    let xml = part(&path, "xl/worksheets/sheet1.xml");
    assert!(xml.contains("<dataValidation"), "cells offer I, P and A");
    // Read back unchanged, it is a grid with nothing marked.
    let out = run(&[
        "import",
        "sheet",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["documents"], serde_json::json!([]));
}

#[test]
fn init_writes_a_starter_that_validates_against_the_loader_and_the_schema() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("my-course.yaml");
    let out = run(&[
        "init",
        "--framework",
        "care-certificate-2015",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&file).expect("reads");
    assert!(text.starts_with("# yaml-language-server: $schema=./curriculum.schema.json\n"));
    let out = run(&["validate", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("curriculum.schema.json")).expect("reads"),
    )
    .expect("JSON");
    let doc: Value = serde_saphyr::from_str(&text).expect("YAML");
    let validator = jsonschema::validator_for(&schema).expect("a schema");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    // It never overwrites.
    let out = run(&["init", "-o", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn every_shipped_document_fits_the_schema() {
    let out = run(&["schema"]);
    assert!(out.status.success());
    let schema: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("a schema");
    let root = common::root().join("../frameworks");
    let mut files = Vec::new();
    for dir in ["", "curricula", "mappings", "roles"] {
        for e in std::fs::read_dir(root.join(dir)).expect("a folder") {
            let p = e.expect("an entry").path();
            if p.extension().is_some_and(|x| x == "yaml") {
                files.push(p);
            }
        }
    }
    assert!(files.len() >= 15);
    for f in files {
        let doc: Value =
            serde_saphyr::from_str(&std::fs::read_to_string(&f).expect("reads")).expect("YAML");
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", f.display());
    }
    // A misspelt field is flagged, as the loader flags it.
    let bad = serde_json::json!({"kind": "curriculum", "id": "x", "title": "X", "frameworks": ["a"], "sesions": []});
    let curriculum: Value =
        serde_json::from_slice(&run(&["schema", "curriculum"]).stdout).expect("JSON");
    assert!(
        !jsonschema::validator_for(&curriculum)
            .expect("a schema")
            .is_valid(&bad)
    );
}

#[test]
fn validate_watch_checks_again_when_a_file_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("course.yaml");
    let good = std::fs::read_to_string(common::root().join("fixtures/analysis/course.yaml"))
        .expect("reads")
        .replace("id: course", "id: watched");
    std::fs::write(&file, &good).expect("writes");
    let mut child = competence()
        .args([
            "--no-builtin",
            "--catalog",
            "fixtures/analysis/skills.yaml",
            "--catalog",
            "fixtures/analysis/values.yaml",
            "validate",
            "--watch",
            file.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let mut lines = std::io::BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut next_watch_line = || {
        lines
            .by_ref()
            .map_while(Result::ok)
            .find(|l| l.starts_with("[watch]"))
            .unwrap_or_default()
    };
    let first = next_watch_line();
    assert!(first.contains("done"), "{first}");
    // A change that breaks the file is noticed and checked.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(
        &file,
        good.replace("frameworks: [skills, values]", "frameworks: [nope, values]"),
    )
    .expect("writes");
    let second = next_watch_line();
    let _ = child.kill();
    let _ = child.wait();
    assert!(second.contains("problems found"), "{second}");
}

/// A framework of 2,500 leaves under 10 top-level items, and a course of 101 sessions each
/// covering one leaf: 252,500 cells, more than a page shows a leaf at a time.
fn large_course_map(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut fw = String::from(
        "kind: framework\nid: big\ntitle: Big\nsource: generated\ncompleteness: complete\nitems:\n",
    );
    for t in 0..10 {
        fw.push_str(&format!(
            "  - id: \"t{t}\"\n    title: Top {t}\n    items:\n"
        ));
        for l in 0..250 {
            fw.push_str(&format!(
                "      - {{ id: \"t{t}.{l}\", title: Leaf {t}.{l} }}\n"
            ));
        }
    }
    let mut course = String::from(
        "kind: curriculum\nid: big-course\ntitle: Big course\nframeworks: [big]\nsessions:\n",
    );
    for s in 0..101 {
        course.push_str(&format!(
            "  - id: s{s}\n    title: Session {s}\n    covers: [\"t{}.{}\"]\n",
            s % 10,
            s
        ));
    }
    let (f, c) = (dir.join("big.yaml"), dir.join("big-course.yaml"));
    std::fs::write(&f, fw).expect("writes");
    std::fs::write(&c, course).expect("writes");
    (f, c)
}

#[test]
fn a_large_course_map_reads_as_a_page_per_top_level_item_with_long_lists_cut() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (fw, course) = large_course_map(dir.path());
    let page = dir.path().join("m.html");
    let out = run(&[
        "--no-builtin",
        "--catalog",
        fw.to_str().unwrap(),
        "matrix",
        course.to_str().unwrap(),
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(&page).expect("reads");
    assert!(html.contains("it is shown per top-level item"));
    assert!(html.contains("<td>Top 3 (250 leaves)</td>"));
    assert!(html.len() < 1_000_000, "{} bytes", html.len());
    let report = dir.path().join("r.html");
    let out = run(&[
        "--no-builtin",
        "--catalog",
        fw.to_str().unwrap(),
        "report",
        course.to_str().unwrap(),
        "-o",
        report.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(&report).expect("reads");
    // 2,399 uncovered leaves: the page lists 2,000 and says where the rest are.
    assert!(
        html.contains("… and 399 more rows, left out of this page"),
        "{}",
        &html[..2000]
    );
    // The workbook holds the whole grid.
    let book = dir.path().join("m.xlsx");
    let out = run(&[
        "--no-builtin",
        "--catalog",
        fw.to_str().unwrap(),
        "matrix",
        course.to_str().unwrap(),
        "--format",
        "xlsx",
        "-o",
        book.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let grid = &sheets(&book)[1].1;
    // The header, 10 group rows, 2,500 leaves and the totals.
    assert_eq!(grid.len(), 1 + 10 + 2_500 + 1);
    assert_eq!(grid[0].len(), 5 + 101 + 1);
}
