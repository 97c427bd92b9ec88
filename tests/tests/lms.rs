//! Learner evidence as LMS systems export it (issue 18): other column names, status words and
//! day-first dates; xAPI statements; refresher periods (`valid_for`, the `expired` status).

mod common;

use common::{competence, root};
use framework_core::learners::{
    CsvInput, EvidenceInput, LEARNER_FIELDS, LearnersReport, RecordsDialect, RecordsError,
    RecordsInput, RowTable, Status, XapiInput, learners, learners_with,
};
use framework_core::report::Report;
use framework_core::{Catalog, Code};
use proptest::prelude::*;

const FRAMEWORK: &str = include_str!("../fixtures/records/role.yaml");

/// `fire` and `first-aid` under `safety`; `respect`, `hope`, `choice` under `values`. The
/// `safety` requirement must be refreshed every year; `values` needs 2 of 3, refreshed every
/// two years; `other` has no refresher period.
const ROLE: &str = r#"
kind: role
id: r
title: R
requirements:
  - id: safety
    items: ["induction:safety"]
    within: 4w
    valid_for: 1y
    exempt_if:
      - { qualification: first-aid-certificate }
  - id: values
    items: ["induction:values"]
    rule: { min_ratio: 0.6 }
    valid_for: 2y
  - id: other
    items: ["induction:fire"]
"#;

fn catalog() -> Catalog {
    common::catalog(&[FRAMEWORK, ROLE])
}

fn run_with(
    learners_csv: &str,
    evidence: EvidenceInput<&[u8]>,
    as_of: &str,
    dialect: &RecordsDialect,
) -> Result<Report<LearnersReport>, RecordsError> {
    learners_with(
        &catalog(),
        "r",
        CsvInput::new("learners.csv", learners_csv.as_bytes()),
        evidence,
        as_of.parse().unwrap(),
        None,
        dialect,
    )
}

fn run(learners_csv: &str, evidence_csv: &str, as_of: &str) -> Report<LearnersReport> {
    learners(
        &catalog(),
        "r",
        CsvInput::new("learners.csv", learners_csv.as_bytes()),
        CsvInput::new("evidence.csv", evidence_csv.as_bytes()),
        as_of.parse().unwrap(),
        None,
    )
    .unwrap()
}

fn status(r: &LearnersReport, learner: &str, req: &str) -> Status {
    let l = r.learners.iter().find(|l| l.learner == learner).unwrap();
    l.requirements.iter().find(|q| q.id == req).unwrap().status
}

fn codes(r: &Report<LearnersReport>) -> Vec<(String, u32)> {
    r.diagnostics
        .iter()
        .map(|d| (d.code().as_str().to_owned(), d.line()))
        .collect()
}

const ONE: &str = "learner,role,start_date,qualifications\nA,r,2023-01-02,\n";

// ---- refresher periods ----

#[test]
fn evidence_past_the_refresher_period_is_expired() {
    let ev = "learner,ref,status,date\n\
              A,induction:safety,met,2024-01-10\n\
              A,induction:respect,met,2023-06-01\n\
              A,induction:hope,met,2024-06-01\n";
    // A year after 2024-01-10 the safety training still counts; a day later it has expired.
    let r = run(ONE, ev, "2025-01-10");
    assert_eq!(status(&r, "A", "safety"), Status::Met);
    let r = run(ONE, ev, "2025-01-11");
    assert_eq!(status(&r, "A", "safety"), Status::Expired);
    // The expired leaves are missing again, and counted.
    let safety = &r.learners[0].requirements[0];
    assert_eq!(safety.missing.len(), 2);
    assert_eq!(safety.done, 0.0);
    // values: 2 of 3 met, and within two years (2023-06-01 + 2y = 2025-06-01).
    assert_eq!(status(&r, "A", "values"), Status::Met);
    let r = run(ONE, ev, "2025-06-02");
    // One of the two has expired: 1 of 3 is fresh, under the 0.6 ratio, while both would do.
    assert_eq!(status(&r, "A", "values"), Status::Expired);
    // Without a refresher period evidence never expires.
    assert_eq!(status(&r, "A", "other"), Status::Met);
    assert_eq!(r.summary.counts.expired, 2);
    assert_eq!(r.summary.requirements[0].counts.expired, 1);
    common::round_trips(&r.body);
}

#[test]
fn expired_is_not_reported_when_it_was_never_met_and_exemptions_still_hold() {
    // Never met: overdue (past the 4 weeks), not expired.
    let r = run(ONE, "learner,ref,status,date\n", "2025-01-11");
    assert_eq!(status(&r, "A", "safety"), Status::Overdue);
    // Exempt stays exempt whatever the dates.
    let exempt = "learner,role,start_date,qualifications\nA,r,2023-01-02,first-aid-certificate\n";
    let ev = "learner,ref,status,date\nA,induction:safety,met,2020-01-10\n";
    assert_eq!(
        status(&run(exempt, ev, "2025-01-11"), "A", "safety"),
        Status::Exempt
    );
    // An `exempt` evidence row does not expire: only training does.
    let ev = "learner,ref,status,date\nA,induction:safety,exempt,2020-01-10\n";
    assert_eq!(
        status(&run(ONE, ev, "2025-01-11"), "A", "safety"),
        Status::Met
    );
    // A later refresher makes it met again; a later `not-met` undoes it.
    let ev = "learner,ref,status,date\n\
              A,induction:safety,met,2020-01-10\n\
              A,induction:safety,met,2024-12-01\n";
    assert_eq!(
        status(&run(ONE, ev, "2025-01-11"), "A", "safety"),
        Status::Met
    );
    let ev = "learner,ref,status,date\n\
              A,induction:safety,met,2020-01-10\n\
              A,induction:safety,not-met,2024-12-01\n";
    assert_eq!(
        status(&run(ONE, ev, "2025-01-11"), "A", "safety"),
        Status::Overdue
    );
}

#[test]
fn valid_for_is_checked_shown_and_in_the_schema() {
    let bad = ROLE.replace("valid_for: 1y", "valid_for: yearly");
    let mut b = Catalog::builder().builtin(false);
    b.add_bytes("f.yaml", FRAMEWORK.as_bytes());
    b.add_bytes("r.yaml", bad.as_bytes());
    let c = b.build();
    let d: Vec<_> = c
        .diagnostics()
        .iter()
        .map(|d| (d.code(), d.line(), d.column()))
        .collect();
    assert_eq!(d, vec![(Code::InvalidValue, 9, 16)]);
    let schema = competence().args(["schema", "role"]).output().unwrap();
    assert!(schema.status.success());
    let text = String::from_utf8(schema.stdout).unwrap();
    assert!(text.contains("\"valid_for\""), "{text}");
}

// ---- LMS exports: column names, status words, dates ----

fn lms(name: &str) -> String {
    std::fs::read_to_string(root().join("../examples/lms").join(name)).unwrap()
}

/// The columns of `examples/lms/`, the learner named `learner`.
fn lms_columns(learner: &str) -> String {
    format!(
        "learner={learner},role=Job Role,start_date=Start Date,ref=Competency,status=Result,date=Completed On"
    )
}

/// How to read `examples/lms/`, the learner named `learner`.
fn lms_dialect_with(learner: &str) -> RecordsDialect {
    RecordsDialect::default()
        .with_columns(&lms_columns(learner))
        .unwrap()
        .with_status_aliases("passed=met,completed=met")
        .unwrap()
        .date_format("%d/%m/%Y")
        .unwrap()
}

fn lms_dialect() -> RecordsDialect {
    lms_dialect_with("UserID")
}

fn shipped_learners(
    learners_csv: &str,
    evidence: EvidenceInput<&[u8]>,
    dialect: &RecordsDialect,
) -> Report<LearnersReport> {
    learners_with(
        &Catalog::builtin(),
        "cpft-peer-support-worker",
        CsvInput::new("users.csv", learners_csv.as_bytes()),
        evidence,
        "2025-10-01".parse().unwrap(),
        None,
        dialect,
    )
    .unwrap()
}

#[test]
fn an_lms_export_is_read_without_editing_every_row_used() {
    let (users, completions) = (lms("users.csv"), lms("completions.csv"));
    let r = shipped_learners(
        &users,
        CsvInput::new("completions.csv", completions.as_bytes()).into(),
        &lms_dialect(),
    );
    let s = &r.summary.skipped;
    assert_eq!((s.learners, s.evidence), (0, 0), "{:?}", r.diagnostics);
    assert_eq!(r.summary.learners, 3);
    for req in [
        "care-certificate",
        "peer-support-training",
        "statutory-training",
    ] {
        assert_eq!(status(&r, "U101", req), Status::Met, "{req}");
    }
    // `Recent Care Experience;Health and Social Care@30/06/2022`: both exemption conditions.
    assert_eq!(status(&r, "U102", "care-certificate"), Status::Exempt);
    // A qualification the role does not name is reported (a warning), not silently ignored.
    assert_eq!(
        codes(&r),
        vec![("unknown-qualification".to_owned(), 4)],
        "{:?}",
        r.diagnostics
    );
}

#[test]
fn the_same_export_without_the_options_says_what_to_map() {
    let (users, completions) = (lms("users.csv"), lms("completions.csv"));
    let e = learners_with(
        &Catalog::builtin(),
        "cpft-peer-support-worker",
        CsvInput::new("users.csv", users.as_bytes()),
        CsvInput::new("completions.csv", completions.as_bytes()),
        "2025-10-01".parse().unwrap(),
        None,
        &RecordsDialect::default(),
    )
    .unwrap_err();
    assert!(matches!(e, RecordsError::MissingColumn { ref column, .. } if column == "learner"));
    // Columns only: each day-first date and each `passed` is reported at its row.
    let columns = RecordsDialect::default()
        .with_columns(&lms_columns("UserID"))
        .unwrap();
    let r = shipped_learners(
        &users,
        CsvInput::new("completions.csv", completions.as_bytes()).into(),
        &columns,
    );
    assert_eq!(r.summary.skipped.learners, 3);
    assert!(
        r.diagnostics
            .iter()
            .all(|d| d.code() == Code::InvalidDate || d.code() == Code::UnknownQualification),
        "{:?}",
        r.diagnostics
    );
}

#[test]
fn two_exports_that_name_the_learner_differently_need_no_renaming() {
    // The completions export calls the learner `Learner ID`: one --columns entry names both.
    let users = lms("users.csv");
    let completions = lms("completions.csv").replacen("UserID", "Learner ID", 1);
    let dialect = lms_dialect_with("UserID|Learner ID");
    let r = shipped_learners(
        &users,
        CsvInput::new("completions.csv", completions.as_bytes()).into(),
        &dialect,
    );
    let s = &r.summary.skipped;
    assert_eq!((s.learners, s.evidence), (0, 0), "{:?}", r.diagnostics);
    assert_eq!(status(&r, "U101", "care-certificate"), Status::Met);
    // Named by neither: the message gives both.
    let e = run_with(
        ONE,
        CsvInput::new("e.csv", "learner,ref,status,date\n".as_bytes()).into(),
        "2025-01-01",
        &RecordsDialect::default()
            .with_columns("learner=UserID|Learner ID")
            .unwrap(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "`learners.csv` has no `UserID|Learner ID` column (our `learner`)"
    );
}

#[test]
fn rows_of_keys_have_the_columns_some_row_names() {
    let dialect = RecordsDialect::default()
        .with_columns("learner=UserID|Learner ID")
        .unwrap();
    // The learners as rows of keys, against an evidence file with no rows.
    let run = |rows: &[&[(&str, &str)]]| {
        let mut t = RowTable::new(dialect.headers(&LEARNER_FIELDS));
        for row in rows {
            t.row();
            for (k, v) in *row {
                let c = t.column(k).unwrap();
                t.set(c, Some((*v).to_owned()));
            }
        }
        learners_with(
            &catalog(),
            "r",
            RecordsInput::<&[u8]>::Table(t.finish("<records>")),
            CsvInput::new("e.csv", "UserID,ref,status,date\n".as_bytes()),
            "2025-01-01".parse().unwrap(),
            None,
            &dialect,
        )
    };
    // The second of the learner's names, the one the rows use, is read.
    let r = run(&[&[
        ("Learner ID", "A"),
        ("role", "r"),
        ("start_date", "2023-01-02"),
    ]])
    .unwrap();
    assert_eq!(r.summary.learners, 1);
    // A required key no row has is a missing column, as in a CSV.
    let e = run(&[&[("Learner ID", "A"), ("role", "r")]]).unwrap_err();
    assert!(
        matches!(e, RecordsError::MissingColumn { ref column, .. } if column == "start_date"),
        "{e}"
    );
    // No rows at all: no records, not a missing column.
    assert_eq!(run(&[]).unwrap().summary.learners, 0);
}

#[test]
fn a_mapped_column_missing_from_the_file_is_named_both_ways() {
    let d = RecordsDialect::default()
        .with_columns("learner=UserID")
        .unwrap();
    let e = run_with(
        ONE,
        CsvInput::new("e.csv", "learner,ref,status,date\n".as_bytes()).into(),
        "2025-01-01",
        &d,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "`learners.csv` has no `UserID` column (our `learner`)"
    );
}

#[test]
fn statuses_match_ignoring_case_spaces_hyphens_and_underscores() {
    let ev = "learner,ref,status,date\n\
              A,induction:fire,MET,2025-01-10\n\
              A,induction:first-aid,Met,2025-01-10\n\
              A,induction:respect,not met,2025-01-10\n\
              A,induction:hope,Not_Met,2025-01-10\n\
              A,induction:choice,EXEMPT,2025-01-10\n";
    let r = run(ONE, ev, "2025-01-11");
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(status(&r, "A", "safety"), Status::Met);
    assert_eq!(status(&r, "A", "values"), Status::InProgress);
}

// ---- xAPI ----

fn xapi(statements: &str, map: &str) -> EvidenceInput<&'static [u8]> {
    let statements: &'static str = Box::leak(statements.to_owned().into_boxed_str());
    XapiInput {
        name: "statements.json".to_owned(),
        reader: statements.as_bytes(),
        map_name: "activities.csv".to_owned(),
        map: Box::new(std::io::Cursor::new(map.as_bytes().to_vec())),
    }
    .into()
}

#[test]
fn xapi_statements_are_evidence() {
    let r = shipped_learners(
        &lms("learners.csv"),
        xapi(&lms("statements.json"), &lms("activities.csv")),
        &RecordsDialect::default(),
    );
    assert_eq!(status(&r, "U101", "care-certificate"), Status::Met);
    // `passed` on domain 1, nothing else of peer support training.
    let psw = &r.learners[0].requirements[1];
    assert!(psw.done > 0.0 && psw.done < 1.0, "{}", psw.done);
    // `failed` is not met.
    assert_eq!(r.learners[1].requirements[1].done, 0.0);
    // The `attempted` statement and the one about an activity not in the map: reported, counted.
    assert_eq!(
        codes(&r),
        vec![
            ("unused-statement".to_owned(), 24),
            ("unknown-ref".to_owned(), 31)
        ]
    );
    assert_eq!(r.summary.skipped.evidence, 2);
    assert_eq!(r.summary.skipped.reasons["unused-statement"], 1);
}

#[test]
fn ndjson_and_an_array_give_the_same_report() {
    let map = "activity,ref\nhttps://x/fire,induction:fire\n";
    let s1 = r#"{"actor":{"mbox":"mailto:a@x"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://x/fire"},"timestamp":"2025-01-10T23:30:00-05:00"}"#;
    let s2 = r#"{"actor":{"account":{"homePage":"https://x","name":"B"}},"verb":{"id":"http://adlnet.gov/expapi/verbs/failed"},"object":{"id":"https://x/fire"},"timestamp":"2025-01-11T08:00:00Z"}"#;
    let people = "learner,role,start_date\na@x,r,2025-01-06\nB,r,2025-01-06\n";
    let dialect = RecordsDialect::default();
    let nd = run_with(
        people,
        xapi(&format!("{s1}\n\n{s2}\n"), map),
        "2025-02-01",
        &dialect,
    )
    .unwrap();
    let arr = run_with(
        people,
        xapi(&format!("[{s1},\n{s2}]"), map),
        "2025-02-01",
        &dialect,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_string(&nd.body).unwrap(),
        serde_json::to_string(&arr.body).unwrap()
    );
    assert_eq!(status(&nd.body, "a@x", "other"), Status::Met);
    assert_eq!(status(&nd.body, "B", "other"), Status::InProgress);
    assert!(nd.diagnostics.is_empty(), "{:?}", nd.diagnostics);
}

#[test]
fn broken_statements_are_placed_at_their_line_and_column() {
    let map = "activity,ref\nhttps://x/fire,induction:fire\n";
    let text = "[\n  {\"actor\": {}, \"verb\": {\"id\": \"completed\"}, \"object\": {\"id\": \"https://x/fire\"}, \"timestamp\": \"2025-01-10T10:00:00Z\"},\n  {\"actor\": {\"mbox\": \"mailto:a@x\"}, \"verb\": {\"id\": \"passed\"}, \"object\": {\"id\": \"https://x/fire\"}, \"timestamp\": \"10/01/2025\"},\n  7\n]";
    let people = "learner,role,start_date\na@x,r,2025-01-06\n";
    let r = run_with(
        people,
        xapi(text, map),
        "2025-02-01",
        &RecordsDialect::default(),
    )
    .unwrap();
    let got: Vec<_> = r
        .diagnostics
        .iter()
        .map(|d| (d.code(), d.line(), d.column()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Code::MissingField, 2, 3),
            (Code::InvalidDate, 3, 3),
            (Code::MalformedRow, 4, 3)
        ]
    );
    let e = run_with(
        people,
        xapi("[{\"a\": 1}", map),
        "2025-02-01",
        &RecordsDialect::default(),
    )
    .unwrap_err();
    assert!(matches!(e, RecordsError::Unreadable { .. }), "{e}");
}

#[test]
fn xapi_with_the_files_columns_and_a_byte_order_mark() {
    // The learners file as the LMS names its columns; the statements' table is ours.
    let statements = format!("\u{feff}{}", lms("statements.json"));
    let r = shipped_learners(
        &lms("users.csv"),
        xapi(&statements, &lms("activities.csv")),
        &lms_dialect(),
    );
    assert_eq!(status(&r, "U101", "care-certificate"), Status::Met);
    // u102@example.org is not in users.csv (U102 is): reported, not lost.
    let got = codes(&r);
    assert!(got.contains(&("unknown-learner".to_owned(), 17)), "{got:?}");
    assert!(!got.iter().any(|(c, _)| c == "malformed-row"), "{got:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Any text as statements or as an activity map: a report or an error, never a panic.
    #[test]
    fn any_statements_text_is_read_or_refused(text in ".{0,200}", map in ".{0,80}") {
        let people = "learner,role,start_date\na,r,2025-01-06\n";
        let _ = run_with(people, xapi(&text, &map), "2025-02-01", &RecordsDialect::default());
    }
}

// ---- the command line ----

#[test]
fn the_cli_reads_an_lms_export_and_xapi() {
    let out = competence()
        .current_dir(root().join(".."))
        .args([
            "learners",
            "--role",
            "cpft-peer-support-worker",
            "--learners",
            "examples/lms/users.csv",
            "--evidence",
            "examples/lms/completions.csv",
            "--columns",
            "learner=UserID,role=Job Role,start_date=Start Date,ref=Competency,status=Result,date=Completed On",
            "--status-alias",
            "passed=met,completed=met",
            "--date-format",
            "%d/%m/%Y",
            "--as-of",
            "2025-10-01",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["met"], 3);
    assert_eq!(json["summary"]["expired"], 0);
    let out = competence()
        .current_dir(root().join(".."))
        .args([
            "learners",
            "--role",
            "cpft-peer-support-worker",
            "--learners",
            "examples/lms/learners.csv",
            "--xapi",
            "examples/lms/statements.json",
            "--activity-map",
            "examples/lms/activities.csv",
            "--as-of",
            "2025-10-01",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    // An activity the map lacks is an error (exit 1); the report is written in full.
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["learners"].as_array().unwrap().len(), 2);
}

#[test]
fn fail_on_overdue_fails_on_expired_training_too() {
    let dir = tempfile::tempdir().unwrap();
    let (f, r, l, e) = (
        dir.path().join("f.yaml"),
        dir.path().join("r.yaml"),
        dir.path().join("l.csv"),
        dir.path().join("e.csv"),
    );
    std::fs::write(&f, FRAMEWORK).unwrap();
    std::fs::write(&r, ROLE).unwrap();
    std::fs::write(&l, ONE).unwrap();
    std::fs::write(
        &e,
        "learner,ref,status,date\nA,induction:*,met,2023-01-10\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        competence()
            .args(["--no-builtin", "--catalog"])
            .arg(&f)
            .arg("--catalog")
            .arg(&r)
            .args([
                "learners",
                "--role",
                "r",
                "--as-of",
                "2025-06-01",
                "--format",
                "json",
            ])
            .arg("--learners")
            .arg(&l)
            .arg("--evidence")
            .arg(&e)
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["expired"], 2);
    let out = run(&["--fail-on-overdue"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["diagnostics"][0]["message"],
        "2 requirements expired (`--fail-on-overdue`)"
    );
}

#[test]
fn bad_options_stop_with_status_2_and_say_why() {
    for (args, says) in [
        (
            vec!["--status-alias", "passed=done"],
            "`done` is not a status",
        ),
        (vec!["--columns", "user=UserID"], "`user` is not a column"),
        (vec!["--date-format", "%d/%m"], "does not name a whole date"),
        (vec!["--xapi", "s.json"], "--activity-map"),
    ] {
        let out = competence()
            .args([
                "learners",
                "--role",
                "support-worker",
                "--learners",
                "l.csv",
            ])
            .args(if args[0] == "--xapi" {
                vec![]
            } else {
                vec!["--evidence", "e.csv"]
            })
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
