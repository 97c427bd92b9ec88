//! The analyses from the command line, in every format: exit status, stdout and stderr.

mod common;

use common::competence;
use insta_cmd::assert_cmd_snapshot;

fn on_fixtures(args: &[&str]) -> std::process::Command {
    let mut cmd = competence();
    cmd.args(["--no-builtin", "--catalog", "fixtures/analysis"])
        .args(args);
    cmd
}

#[test]
fn coverage_in_every_format() {
    for format in ["human", "json", "csv", "md"] {
        assert_cmd_snapshot!(
            format!("coverage-{format}"),
            on_fixtures(&["coverage", "course", "--format", format])
        );
    }
}

#[test]
fn gaps_in_every_format() {
    for format in ["human", "json", "csv", "md"] {
        assert_cmd_snapshot!(
            format!("gaps-{format}"),
            on_fixtures(&[
                "gaps",
                "--target",
                "skills",
                "--from",
                "course",
                "--require-depth",
                "assessed",
                "--format",
                format
            ])
        );
    }
}

#[test]
fn crosswalk_in_every_format() {
    for format in ["human", "json", "csv", "md"] {
        assert_cmd_snapshot!(
            format!("crosswalk-{format}"),
            on_fixtures(&["crosswalk", "values", "skills", "--format", format])
        );
    }
}

#[test]
fn matrix_in_every_format() {
    for format in ["human", "json", "csv", "md"] {
        assert_cmd_snapshot!(
            format!("matrix-{format}"),
            on_fixtures(&["matrix", "course", "--format", format])
        );
    }
}

#[test]
fn min_coverage_fails_below_the_threshold() {
    let below = on_fixtures(&[
        "coverage",
        "course",
        "--min-coverage",
        "90",
        "--format",
        "json",
    ])
    .output()
    .unwrap();
    assert_eq!(below.status.code(), Some(1));
    // The threshold's failure is in the one JSON document, as a diagnostic.
    let doc: serde_json::Value = serde_json::from_slice(&below.stdout).unwrap();
    let failed: Vec<&serde_json::Value> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "below-threshold")
        .collect();
    assert_eq!(failed.len(), 1, "{doc}");
    assert!(
        failed[0]["message"]
            .as_str()
            .unwrap()
            .contains("below the minimum of 90%")
    );
    let above = on_fixtures(&["coverage", "course", "--min-coverage", "10"])
        .output()
        .unwrap();
    assert_eq!(above.status.code(), Some(0));
    let bad = on_fixtures(&["coverage", "course", "--min-coverage", "120"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn fail_on_gaps_fails_when_gaps_remain() {
    let out = on_fixtures(&[
        "gaps",
        "--target",
        "skills",
        "--from",
        "course",
        "--fail-on-gaps",
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let none = on_fixtures(&[
        "gaps",
        "--target",
        "values",
        "--from",
        "values",
        "--fail-on-gaps",
    ])
    .output()
    .unwrap();
    assert_eq!(none.status.code(), Some(0));
}

#[test]
fn csv_never_lets_a_spreadsheet_run_a_formula() {
    let out = on_fixtures(&["coverage", "course", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.contains(",'=Risk awareness,"), "{csv}");
    assert!(!csv.contains(",=Risk"));
}

#[test]
fn no_colour_when_piped() {
    for cmd in [
        &["coverage", "course"][..],
        &["gaps", "--target", "skills", "--from", "course"],
        &["matrix", "course"],
    ] {
        let out = on_fixtures(cmd).env_remove("NO_COLOR").output().unwrap();
        assert!(
            !out.stdout.contains(&0x1b),
            "{cmd:?} wrote colour codes to a pipe"
        );
    }
}

#[test]
fn unknown_documents_cannot_run() {
    assert_cmd_snapshot!(on_fixtures(&["coverage", "coarse"]));
    assert_cmd_snapshot!(
        "gaps-wrong-kind",
        on_fixtures(&[
            "gaps", "--target", "course", "--from", "skills", "--format", "json"
        ])
    );
}

#[test]
fn every_analysis_runs_on_the_shipped_catalog() {
    for args in [
        &["coverage", "cnwl-developing-expertise-peer-working"][..],
        &[
            "coverage",
            "cpft-peer-education-programme",
            "--framework",
            "hee-psw-2020",
        ],
        &[
            "gaps",
            "--target",
            "cpft-peer-support-worker",
            "--from",
            "cnwl-developing-expertise-peer-working",
            "--require-depth",
            "assessed",
        ],
        &[
            "gaps",
            "--target",
            "hee-psw-2020",
            "--from",
            "care-certificate-2015",
        ],
        &["crosswalk", "care-certificate-2015", "hee-psw-2020"],
        &["crosswalk", "srn-peer-values", "imroc-peer-principles"],
        &["matrix", "cup-o-t-psw-10-week"],
    ] {
        for format in ["human", "json", "csv", "md"] {
            let out = competence()
                .args(args)
                .args(["--format", format])
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{args:?} {format}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(!out.stdout.is_empty());
            if format == "json" {
                let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                assert!(v["diagnostics"].as_array().unwrap().is_empty());
            }
        }
    }
}

fn cohort(args: &[&str]) -> std::process::Command {
    let mut cmd = competence();
    cmd.args([
        "learners",
        "--role",
        "cpft-peer-support-worker",
        "--learners",
        "../examples/cohort/learners.csv",
        "--evidence",
        "../examples/cohort/evidence.csv",
        "--as-of",
        "2025-09-01",
    ])
    .args(args);
    cmd
}

#[test]
fn learners_in_every_format() {
    for format in ["human", "json", "csv", "md"] {
        assert_cmd_snapshot!(format!("learners-{format}"), cohort(&["--format", format]));
    }
}

#[test]
fn one_learner_and_failing_on_overdue() {
    assert_cmd_snapshot!(
        "learners-one",
        cohort(&["--learner", "L002", "--format", "json"])
    );
    let out = cohort(&["--fail-on-overdue"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let unknown = cohort(&["--learner", "L999"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn missing_records_cannot_run() {
    let out = competence()
        .args([
            "learners",
            "--role",
            "cpft-peer-support-worker",
            "--learners",
            "no/such.csv",
            "--evidence",
            "no/such.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read `no/such.csv`"));
    let bad_date = cohort(&["--as-of", "1 Sept"]).output().unwrap();
    assert_eq!(bad_date.status.code(), Some(2));
}

/// `--format jsonl` (SPEC §4): each row of the report's main list on its own line, then one
/// line with the rest; the same data as `--format json`.
#[test]
fn json_lines_hold_the_json_report_row_by_row() {
    let lines = |out: &std::process::Output| -> Vec<serde_json::Value> {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let jsonl = cohort(&["--format", "jsonl"]).output().unwrap();
    let json = cohort(&["--format", "json"]).output().unwrap();
    assert_eq!(jsonl.status.code(), json.status.code());
    let rows = lines(&jsonl);
    let whole: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let learners = whole["learners"].as_array().unwrap();
    assert_eq!(rows.len(), learners.len() + 1);
    assert_eq!(&rows[..learners.len()], &learners[..]);
    let last = rows.last().unwrap();
    assert_eq!(last["summary"], whole["summary"]);
    assert_eq!(last["diagnostics"], whole["diagnostics"]);
    // Other reports stream their main list the same way.
    let cov = on_fixtures(&["coverage", "course", "--format", "jsonl"])
        .output()
        .unwrap();
    let whole: serde_json::Value = serde_json::from_slice(
        &on_fixtures(&["coverage", "course", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let rows = lines(&cov);
    assert_eq!(rows.len(), whole["items"].as_array().unwrap().len() + 1);
    assert_eq!(rows.last().unwrap()["ratio"], whole["ratio"]);
    // A command with no list says so (status 2), in one JSON line.
    let show = on_fixtures(&["show", "skills", "--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(show.status.code(), Some(2));
    assert_eq!(lines(&show)[0]["error"]["code"], "bad-arguments");
}

/// `--format parquet -o FILE` (SPEC §4): the main table with typed columns, the same rows as
/// the CSV; without `-o` it says so (status 2). `-o` writes any format to a file.
#[test]
fn parquet_holds_the_main_table_with_typed_columns() {
    use arrow_array::Array;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("coverage.parquet");
    let out = on_fixtures(&["coverage", "course", "--format", "parquet", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&file).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<_> = reader.map(Result::unwrap).collect();
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    let csv = on_fixtures(&["coverage", "course", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(
        rows + 1,
        String::from_utf8_lossy(&csv.stdout).lines().count()
    );
    let schema = batches[0].schema();
    let kind = |name: &str| schema.field_with_name(name).unwrap().data_type().clone();
    assert_eq!(kind("ref"), arrow_schema::DataType::Utf8);
    assert_eq!(kind("leaf"), arrow_schema::DataType::Boolean);
    assert_eq!(kind("leaves"), arrow_schema::DataType::Int64);
    let leaves = batches[0].column(schema.index_of("leaves").unwrap());
    assert!(leaves.null_count() > 0, "leaves have no leaf count: null");

    let none = on_fixtures(&["coverage", "course", "--format", "parquet"])
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(2));
    let json_file = dir.path().join("coverage.json");
    let out = on_fixtures(&["coverage", "course", "--format", "json", "-o"])
        .arg(&json_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_file).unwrap()).unwrap();
    assert!(written["items"].is_array());
}

/// The learners table as Parquet is typed (an ordered status dictionary, dates, a list of
/// missing leaves) and holds what the JSON holds, row for row; written batch by batch.
#[test]
fn learners_parquet_is_typed_and_holds_what_json_holds() {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Date32Type, Float64Type, Int8Type};
    use arrow_array::{Array, StringArray};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("learners.parquet");
    let out = cohort(&["--format", "parquet", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&cohort(&["--format", "json"]).output().unwrap().stdout).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&file).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<_> = reader.map(Result::unwrap).collect();
    let schema = batches[0].schema();
    let status_field = schema.field_with_name("status").unwrap();
    assert!(
        status_field.dict_is_ordered().unwrap_or(false),
        "{status_field:?}"
    );
    let mut rows = Vec::new();
    for b in &batches {
        let col = |name: &str| b.column(b.schema().index_of(name).unwrap()).clone();
        let learner = col("learner");
        let learner = learner.as_string::<i32>();
        let requirement = col("requirement");
        let requirement = requirement.as_string::<i32>();
        let status = col("status");
        let status = status.as_dictionary::<Int8Type>();
        let status_values: StringArray = status.values().as_string::<i32>().clone();
        let due = col("due");
        let due = due.as_primitive::<Date32Type>();
        let done = col("done");
        let done = done.as_primitive::<Float64Type>();
        let missing = col("missing");
        let missing = missing.as_list::<i32>();
        for i in 0..b.num_rows() {
            let leaves = missing.value(i);
            let leaves: Vec<String> = leaves
                .as_string::<i32>()
                .iter()
                .map(|s| s.unwrap().to_owned())
                .collect();
            let due = (!due.is_null(i)).then(|| {
                jiff::civil::date(1970, 1, 1)
                    .checked_add(jiff::Span::new().days(i64::from(due.value(i))))
                    .unwrap()
                    .to_string()
            });
            rows.push(serde_json::json!({
                "learner": learner.value(i),
                "id": requirement.value(i),
                "status": status_values.value(status.keys().value(i) as usize),
                "due": due,
                "done": done.value(i),
                "missing": leaves,
            }));
        }
    }
    let mut expected = Vec::new();
    for l in json["learners"].as_array().unwrap() {
        for q in l["requirements"].as_array().unwrap() {
            expected.push(serde_json::json!({
                "learner": l["learner"],
                "id": q["id"],
                "status": q["status"],
                "due": q["due"],
                "done": q["done"],
                "missing": q["missing"],
            }));
        }
    }
    assert!(!expected.is_empty());
    assert_eq!(rows, expected);
}

/// Every command with a table writes it as Parquet, each with its typed columns: the coverage
/// table has each item's parent and top-level item, and depth as an ordered dictionary.
#[test]
fn every_table_is_written_as_parquet() {
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let dir = tempfile::tempdir().unwrap();
    let course = "cnwl-developing-expertise-peer-working";
    let runs: [(&str, Vec<&str>); 7] = [
        ("coverage", vec!["coverage", course]),
        (
            "gaps",
            vec![
                "gaps",
                "--target",
                "cpft-peer-support-worker",
                "--from",
                course,
            ],
        ),
        ("matrix", vec!["matrix", course]),
        (
            "crosswalk",
            vec!["crosswalk", "care-certificate-2015", "hee-psw-2020"],
        ),
        ("list", vec!["list"]),
        ("validate", vec!["validate"]),
        ("show", vec!["show", "hee-psw-2020"]),
    ];
    for (name, args) in runs {
        let file = dir.path().join(format!("{name}.parquet"));
        let out = competence()
            .args(&args)
            .args(["--format", "parquet", "-o"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let reader =
            ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&file).unwrap()).unwrap();
        let schema = reader.schema().clone();
        let batches: Vec<_> = reader.build().unwrap().map(Result::unwrap).collect();
        if name == "coverage" {
            let depth = schema.field_with_name("depth").unwrap();
            assert!(depth.dict_is_ordered().unwrap_or(false), "{depth:?}");
            let b = &batches[0];
            let top = b.column(schema.index_of("top").unwrap()).as_string::<i32>();
            let parent = b
                .column(schema.index_of("parent").unwrap())
                .as_string::<i32>();
            let refs = b.column(schema.index_of("ref").unwrap()).as_string::<i32>();
            // A top-level item is its own top and has no parent; its first child's parent is it.
            assert_eq!(top.value(0), refs.value(0));
            assert!(parent.is_null(0));
            assert_eq!(parent.value(1), refs.value(0));
        }
        if name == "show" {
            assert!(schema.field_with_name("parent").is_ok());
            assert!(batches.iter().map(|b| b.num_rows()).sum::<usize>() > 10);
        }
    }
}
