//! Learner records against a role: every status and boundary, bad records, and properties.

mod common;

use framework_core::learners::{CsvInput, LearnersReport, RecordsError, Status, learners};
use framework_core::report::Report;
use framework_core::{Catalog, Code};
use proptest::prelude::*;

const FRAMEWORK: &str = include_str!("../fixtures/records/role.yaml");

/// A role over the fixture framework: `safety` (all, within 4w, exempt with a first-aid
/// certificate from the year before starting), `values` (min_ratio 0.6 of 3 leaves, within 3mo),
/// `ratio` (min_ratio 0.8 of 5 leaves, no deadline).
const ROLE: &str = r#"
kind: role
id: r
title: R
requirements:
  - id: safety
    items: ["induction:safety"]
    within: 4w
    exempt_if:
      - { qualification: first-aid-certificate, within: 1y }
  - id: values
    items: ["induction:values"]
    rule: { min_ratio: 0.6 }
    within: 3mo
  - id: ratio
    items: ["induction:*"]
    rule: { min_ratio: 0.8 }
"#;

fn catalog() -> Catalog {
    common::catalog(&[FRAMEWORK, ROLE])
}

fn run(learners_csv: &str, evidence_csv: &str, as_of: &str) -> Report<LearnersReport> {
    try_run(learners_csv, evidence_csv, as_of).unwrap()
}

fn try_run(
    learners_csv: &str,
    evidence_csv: &str,
    as_of: &str,
) -> Result<Report<LearnersReport>, RecordsError> {
    learners(
        &catalog(),
        "r",
        CsvInput::new("learners.csv", learners_csv.as_bytes()),
        CsvInput::new("evidence.csv", evidence_csv.as_bytes()),
        as_of.parse().unwrap(),
        None,
    )
}

fn status(r: &LearnersReport, learner: &str, req: &str) -> Status {
    let l = r.learners.iter().find(|l| l.learner == learner).unwrap();
    l.requirements.iter().find(|q| q.id == req).unwrap().status
}

const ONE: &str = "learner,role,start_date\nA,r,2025-01-06\n";

#[test]
fn met_in_progress_and_overdue() {
    let ev = "learner,ref,status,date\nA,induction:safety,met,2025-01-20\n";
    let r = run(ONE, ev, "2025-02-01");
    assert_eq!(status(&r, "A", "safety"), Status::Met);
    // values: due 2025-04-06 (3 months); nothing done.
    assert_eq!(status(&r, "A", "values"), Status::InProgress);
    let r = run(ONE, ev, "2025-04-07");
    assert_eq!(status(&r, "A", "values"), Status::Overdue);
}

#[test]
fn due_today_is_in_progress_and_due_yesterday_overdue() {
    // safety: start 2025-01-06 + 4 weeks = due 2025-02-03.
    let ev = "learner,ref,status,date\n";
    assert_eq!(
        status(&run(ONE, ev, "2025-02-03"), "A", "safety"),
        Status::InProgress
    );
    assert_eq!(
        status(&run(ONE, ev, "2025-02-04"), "A", "safety"),
        Status::Overdue
    );
    let r = run(ONE, ev, "2025-02-04");
    assert_eq!(
        r.learners[0].requirements[0].due.unwrap().to_string(),
        "2025-02-03"
    );
    // No `within`: no due date, never overdue.
    assert_eq!(r.learners[0].requirements[2].due, None);
    assert_eq!(
        status(&run(ONE, ev, "2099-01-01"), "A", "ratio"),
        Status::InProgress
    );
}

#[test]
fn month_deadlines_clamp_to_the_end_of_the_month() {
    let l = "learner,role,start_date\nA,r,2024-11-30\n";
    let r = run(l, "learner,ref,status,date\n", "2025-01-01");
    // 30 November + 3 months = 28 February (2025 is not a leap year).
    assert_eq!(
        r.learners[0].requirements[1].due.unwrap().to_string(),
        "2025-02-28"
    );
}

#[test]
fn exemption_window_edges() {
    let ev = "learner,ref,status,date\n";
    let with = |q: &str| format!("learner,role,start_date,qualifications\nA,r,2025-01-06,{q}\n");
    // Gained exactly one year before the start date: exempt.
    assert_eq!(
        status(
            &run(&with("first-aid-certificate@2024-01-06"), ev, "2025-03-01"),
            "A",
            "safety"
        ),
        Status::Exempt
    );
    // One day earlier: not.
    assert_eq!(
        status(
            &run(&with("first-aid-certificate@2024-01-05"), ev, "2025-03-01"),
            "A",
            "safety"
        ),
        Status::Overdue
    );
    // On the start date: exempt; after it: not (the condition looks back from the start).
    assert_eq!(
        status(
            &run(&with("first-aid-certificate@2025-01-06"), ev, "2025-03-01"),
            "A",
            "safety"
        ),
        Status::Exempt
    );
    assert_eq!(
        status(
            &run(&with("first-aid-certificate@2025-01-07"), ev, "2025-03-01"),
            "A",
            "safety"
        ),
        Status::Overdue
    );
    // Without a date the window cannot be checked: not exempt.
    assert_eq!(
        status(
            &run(&with("first-aid-certificate"), ev, "2025-03-01"),
            "A",
            "safety"
        ),
        Status::Overdue
    );
    // Exempt requirements list nothing missing; met beats exempt.
    let r = run(&with("first-aid-certificate@2024-06-01"), ev, "2025-03-01");
    assert!(r.learners[0].requirements[0].missing.is_empty());
    let done = "learner,ref,status,date\nA,induction:safety,met,2025-01-10\n";
    assert_eq!(
        status(
            &run(
                &with("first-aid-certificate@2024-06-01"),
                done,
                "2025-03-01"
            ),
            "A",
            "safety"
        ),
        Status::Met
    );
}

#[test]
fn min_ratio_counts_whole_leaves() {
    // values: 0.6 of 3 leaves = 1.8, so 2 are needed. ratio: 0.8 of 5 = 4.
    let one = "learner,ref,status,date\nA,induction:respect,met,2025-01-10\n";
    assert_eq!(
        status(&run(ONE, one, "2025-02-01"), "A", "values"),
        Status::InProgress
    );
    let two = "learner,ref,status,date\nA,induction:respect,met,2025-01-10\nA,induction:hope,exempt,2025-01-10\n";
    assert_eq!(
        status(&run(ONE, two, "2025-02-01"), "A", "values"),
        Status::Met
    );
    let three = "learner,ref,status,date\nA,induction:values,met,2025-01-10\n";
    assert_eq!(
        status(&run(ONE, three, "2025-02-01"), "A", "ratio"),
        Status::InProgress
    );
    let four = "learner,ref,status,date\nA,induction:values,met,2025-01-10\nA,induction:fire,met,2025-01-10\n";
    let r = run(ONE, four, "2025-02-01");
    assert_eq!(status(&r, "A", "ratio"), Status::Met);
    assert!((r.learners[0].requirements[2].done - 0.8).abs() < 1e-9);
    // Met by ratio still lists what is left.
    assert_eq!(
        r.learners[0].requirements[2]
            .missing
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["induction:first-aid"]
    );
}

#[test]
fn the_latest_row_wins_and_later_rows_break_ties() {
    let superseded = "learner,ref,status,date\nA,induction:safety,met,2025-01-10\nA,induction:fire,not-met,2025-01-20\n";
    assert_eq!(
        status(&run(ONE, superseded, "2025-02-01"), "A", "safety"),
        Status::InProgress
    );
    // An older row later in the file does not win.
    let older_later = "learner,ref,status,date\nA,induction:fire,not-met,2025-01-20\nA,induction:safety,met,2025-01-10\n";
    assert_eq!(
        status(&run(ONE, older_later, "2025-02-01"), "A", "safety"),
        Status::InProgress
    );
    // Same date: the later row wins.
    let tie = "learner,ref,status,date\nA,induction:safety,not-met,2025-01-10\nA,induction:safety,met,2025-01-10\n";
    assert_eq!(
        status(&run(ONE, tie, "2025-02-01"), "A", "safety"),
        Status::Met
    );
}

#[test]
fn non_leaf_refs_apply_to_every_leaf_under_them() {
    let ev = "learner,ref,status,date\nA,induction:*,met,2025-01-10\n";
    let r = run(ONE, ev, "2025-02-01");
    assert!(
        r.learners[0]
            .requirements
            .iter()
            .all(|q| q.status == Status::Met)
    );
}

#[test]
fn bom_crlf_and_quoted_fields_are_read() {
    let l = "\u{feff}learner,role,start_date,qualifications\r\n\"A\",r,2025-01-06,\"first-aid-certificate@2024-06-01;other\"\r\n";
    let ev = "\u{feff}learner,ref,status,date\r\n\"A\",\"induction:values\",met,2025-01-10\r\n";
    let r = run(l, ev, "2025-03-01");
    // `other` is no qualification the role names: a warning, nothing else.
    let codes: Vec<Code> = r.diagnostics.iter().map(|d| d.code()).collect();
    assert_eq!(
        codes,
        vec![Code::UnknownQualification],
        "{:#?}",
        r.diagnostics
    );
    assert_eq!(status(&r, "A", "safety"), Status::Exempt);
    assert_eq!(status(&r, "A", "values"), Status::Met);
}

#[test]
fn bad_rows_are_reported_and_the_rest_analysed() {
    let l = "learner,role,start_date\nA,r,2025-01-06\nB,r,not-a-date\nC,r,2025-01-06,extra\nA,r,2025-02-01\nD,other-role,2025-01-06\n";
    let ev = "learner,ref,status,date\nA,induction:fire,met,2025-01-10\nZ,induction:fire,met,2025-01-10\nA,induction:nope,met,2025-01-10\nA,induction:hope,maybe,2025-01-10\nA,induction:hope,met,yesterday\nA,induction:hope,met\n";
    let r = run(l, ev, "2025-02-01");
    let found: Vec<(Code, String, u32, u32)> = r
        .diagnostics
        .iter()
        .map(|d| (d.code(), d.file().to_owned(), d.line(), d.column()))
        .collect();
    assert_eq!(
        found,
        [
            (Code::UnknownLearner, "evidence.csv".into(), 3, 1),
            (Code::UnknownRef, "evidence.csv".into(), 4, 2),
            (Code::InvalidStatus, "evidence.csv".into(), 5, 3),
            (Code::InvalidDate, "evidence.csv".into(), 6, 4),
            (Code::MalformedRow, "evidence.csv".into(), 7, 4),
            (Code::InvalidDate, "learners.csv".into(), 3, 3),
            (Code::MalformedRow, "learners.csv".into(), 4, 4),
            (Code::DuplicateLearner, "learners.csv".into(), 5, 1),
            (Code::UnknownDocument, "learners.csv".into(), 6, 2),
        ]
    );
    // Nothing from the records is quoted but learner ids.
    for d in &r.diagnostics {
        for secret in [
            "not-a-date",
            "extra",
            "nope",
            "maybe",
            "yesterday",
            "other-role",
        ] {
            assert!(
                !d.message().contains(secret) && !d.help().unwrap_or("").contains(secret),
                "{d:?}"
            );
        }
    }
    assert_eq!(r.learners.len(), 1);
    assert_eq!(r.summary.other_roles, 1);
    assert_eq!(
        (r.summary.skipped.learners, r.summary.skipped.evidence),
        (3, 5)
    );
    assert_eq!(status(&r, "A", "safety"), Status::InProgress);
}

#[test]
fn missing_or_empty_files_and_columns_cannot_run() {
    assert!(matches!(
        try_run("", "learner,ref,status,date\n", "2025-01-01"),
        Err(RecordsError::Empty { .. })
    ));
    assert!(matches!(
        try_run(
            "learner,start_date\nA,2025-01-01\n",
            "learner,ref,status,date\n",
            "2025-01-01"
        ),
        Err(RecordsError::MissingColumn { ref column, .. }) if column == "role"
    ));
    let r = learners(
        &catalog(),
        "nope",
        CsvInput::new("l", ONE.as_bytes()),
        CsvInput::new("e", "learner,ref,status,date\n".as_bytes()),
        "2025-01-01".parse().unwrap(),
        None,
    );
    assert!(matches!(
        r,
        Err(RecordsError::Lookup(
            framework_core::AnalysisError::UnknownRole { .. }
        ))
    ));
}

#[test]
fn one_learner_only_reports_that_learner() {
    let l = "learner,role,start_date\nA,r,2025-01-06\nB,r,2025-01-06\n";
    let r = learners(
        &catalog(),
        "r",
        CsvInput::new("l", l.as_bytes()),
        CsvInput::new("e", "learner,ref,status,date\n".as_bytes()),
        "2025-01-10".parse().unwrap(),
        Some("B"),
    )
    .unwrap();
    assert_eq!(r.learners.len(), 1);
    assert_eq!(r.learners[0].learner, "B");
    assert_eq!(r.summary.learners, 1);
    assert_eq!(r.summary.counts.in_progress, 3);
    assert!(r.summary.most_missing.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_learner_appears_once_and_the_counts_add_up(
        n in 1usize..30,
        rows in prop::collection::vec((0usize..40, 0usize..8, 0usize..3, 0u32..120), 0..120),
        as_of in 0u32..400,
    ) {
        let refs = ["induction:fire", "induction:first-aid", "induction:respect", "induction:hope", "induction:choice", "induction:safety", "induction:values", "induction:*"];
        let statuses = ["met", "not-met", "exempt"];
        let start: jiff::civil::Date = "2025-01-01".parse().unwrap();
        let mut l = String::from("learner,role,start_date,qualifications\n");
        for i in 0..n {
            let q = if i % 3 == 0 { "first-aid-certificate@2024-12-01" } else { "" };
            l.push_str(&format!("L{i},r,2025-01-{:02},{q}\n", 1 + i % 28));
        }
        let mut e = String::from("learner,ref,status,date\n");
        for (who, r, s, day) in rows {
            let date = start.checked_add(jiff::Span::new().days(i64::from(day))).unwrap();
            e.push_str(&format!("L{who},{},{},{date}\n", refs[r], statuses[s]));
        }
        let as_of = start.checked_add(jiff::Span::new().days(i64::from(as_of))).unwrap();
        let report = learners(&catalog(), "r", CsvInput::new("l", l.as_bytes()), CsvInput::new("e", e.as_bytes()), as_of, None).unwrap();
        let mut ids: Vec<&str> = report.learners.iter().map(|l| l.learner.as_str()).collect();
        prop_assert_eq!(ids.len(), n);
        ids.sort_unstable();
        ids.dedup();
        prop_assert_eq!(ids.len(), n);
        let c = &report.summary.counts;
        prop_assert_eq!(c.met + c.in_progress + c.overdue + c.exempt, n * 3);
        let per: usize = report.summary.requirements.iter().map(|q| q.counts.met + q.counts.in_progress + q.counts.overdue + q.counts.exempt).sum();
        prop_assert_eq!(per, n * 3);
        // Evidence for learners beyond `n` is reported, never silently dropped: each row by a
        // diagnostic, or (past the cap per code) counted in one that says how many more.
        let unknown: usize = report
            .diagnostics
            .iter()
            .filter(|d| d.code() == Code::UnknownLearner)
            .map(|d| match d.message().split_once(" more `unknown-learner` problems") {
                Some((n, _)) => n.parse::<usize>().unwrap(),
                None => 1,
            })
            .sum();
        prop_assert_eq!(unknown, report.summary.skipped.evidence);
    }
}

/// A CSV text as a table of text columns, as a DataFrame hands it over.
fn table_of(name: &str, csv_text: &str) -> framework_core::learners::TableInput {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let columns = headers
        .iter()
        .enumerate()
        .map(|(c, h)| {
            framework_core::learners::TextColumn::from_values(
                h.clone(),
                rows.iter().map(|r| r.get(c).filter(|v| !v.is_empty())),
            )
        })
        .collect();
    framework_core::learners::TableInput {
        name: name.to_owned(),
        columns,
    }
}

#[test]
fn a_table_of_columns_reads_as_its_csv_does() {
    let root = common::root();
    let read = |n: &str| std::fs::read_to_string(root.join("../examples/cohort").join(n)).unwrap();
    let (l, e) = (read("learners.csv"), read("evidence.csv"));
    let catalog = Catalog::builtin();
    let as_of = "2025-09-01".parse().unwrap();
    let from_csv = learners(
        &catalog,
        "cpft-peer-support-worker",
        CsvInput::new("learners.csv", l.as_bytes()),
        CsvInput::new("evidence.csv", e.as_bytes()),
        as_of,
        None,
    )
    .unwrap();
    let from_table = learners::<std::io::Empty, std::io::Empty>(
        &catalog,
        "cpft-peer-support-worker",
        table_of("learners.csv", &l),
        table_of("evidence.csv", &e),
        as_of,
        None,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&from_table).unwrap(),
        serde_json::to_value(&from_csv).unwrap()
    );
    // A bad row is placed as the CSV's line would be (header on line 1).
    let bad = "learner,ref,status,date\nL001,nowhere:x,met,2025-01-10\n";
    let placed = learners::<std::io::Empty, std::io::Empty>(
        &catalog,
        "cpft-peer-support-worker",
        table_of("learners.csv", &l),
        table_of("evidence.csv", bad),
        as_of,
        None,
    )
    .unwrap();
    let d = placed
        .diagnostics
        .iter()
        .find(|d| d.file() == "evidence.csv")
        .unwrap();
    assert_eq!(d.line(), 2);
}

#[test]
fn a_column_from_arrow_parts_is_checked() {
    use framework_core::learners::TextColumn;
    let ok = TextColumn::from_parts("a", vec![0, 1, 3], b"xyz".to_vec(), None).unwrap();
    assert_eq!(ok.len(), 2);
    assert!(TextColumn::from_parts("a", vec![0, 4], b"xyz".to_vec(), None).is_err());
    assert!(TextColumn::from_parts("a", vec![2, 1], b"xyz".to_vec(), None).is_err());
    assert!(TextColumn::from_parts("a", vec![0, 1], "é".as_bytes().to_vec(), None).is_err());
    assert!(TextColumn::from_parts("a", vec![0, 1], vec![0xff], None).is_err());
    assert!(TextColumn::from_parts("a", vec![], vec![], None).is_err());
    assert!(TextColumn::from_parts("a", vec![0, 1], b"x".to_vec(), Some(vec![])).is_err());
}

#[test]
fn a_table_is_held_to_a_files_rules() {
    use framework_core::learners::{TableInput, TextColumn};
    let catalog = Catalog::builtin();
    let as_of = "2025-09-01".parse().unwrap();
    let col = |name: &str, values: &[&str]| {
        TextColumn::from_values(name, values.iter().map(|v| Some(*v)))
    };
    let learners_table = |columns| TableInput {
        name: "<table>".into(),
        columns,
    };
    let evidence = || {
        learners_table(vec![
            col("learner", &["L1"]),
            col("ref", &["care-certificate-2015:1.1a"]),
            col("status", &["met\n"]),
            col("date", &["2025-01-10"]),
        ])
    };
    // Columns of different lengths cannot be read as rows.
    let uneven = learners_table(vec![
        col("learner", &["L1", "L2"]),
        col("role", &["cpft-peer-support-worker"]),
        col("start_date", &["2025-01-01", "2025-01-01"]),
    ]);
    let err = learners::<std::io::Empty, std::io::Empty>(
        &catalog,
        "cpft-peer-support-worker",
        uneven,
        evidence(),
        as_of,
        None,
    )
    .unwrap_err();
    assert_eq!(err.error_code(), Code::Unreadable, "{err}");
    // A line break in a field leaves the row out, as in a file.
    let even = learners_table(vec![
        col("learner", &["L1"]),
        col("role", &["cpft-peer-support-worker"]),
        col("start_date", &["2025-01-01"]),
    ]);
    let r = learners::<std::io::Empty, std::io::Empty>(
        &catalog,
        "cpft-peer-support-worker",
        even,
        evidence(),
        as_of,
        None,
    )
    .unwrap();
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.code() == Code::MalformedRow && d.line() == 2),
        "{:?}",
        r.diagnostics
    );
}

#[test]
fn a_report_with_bad_rows_reads_back_from_its_json() {
    let l = "learner,role,start_date,qualifications\nA,r,2025-01-06,first-aid-certificate:2024-06-01\nB,r,not-a-date\nC,r,2024-01-06\n";
    let ev = "learner,ref,status,date\nA,induction:fire,met,2025-01-10\nZ,induction:fire,met,2025-01-10\nC,induction:hope,met,2024-01-10\n";
    let r = run(l, ev, "2025-02-01");
    assert!(!r.diagnostics.is_empty());
    common::round_trips(&r);
}
