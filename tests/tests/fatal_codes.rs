//! Every fatal code (an error that stops a command, exit status 2) is produced by a command
//! here, carried in the JSON error document (and in the human form's `error[code]`), and listed
//! with an example in `docs/diagnostics.md` (see `diagnostics.rs` for the docs check).

mod common;

use std::collections::BTreeSet;

use common::competence;
use framework_core::Code;

const ROLE: &str = "cpft-peer-support-worker";
const LEARNERS: &str = "../examples/cohort/learners.csv";
const EVIDENCE: &str = "../examples/cohort/evidence.csv";

/// A command line that stops with each fatal code.
fn cases() -> Vec<(Code, Vec<&'static str>)> {
    vec![
        (Code::NotFound, vec!["validate", "no/such/file.yaml"]),
        (
            Code::Unreadable,
            vec![
                "learners",
                "--role",
                ROLE,
                "--learners",
                "fixtures",
                "--evidence",
                EVIDENCE,
            ],
        ),
        (
            Code::Unwritable,
            vec![
                "export",
                "case",
                "care-certificate-2015",
                "-o",
                "no/such/dir/x.json",
            ],
        ),
        (
            Code::BadArguments,
            vec![
                "import",
                "case",
                "fixtures/interop/case/Ordering.json",
                "fixtures/interop/case/Utf8TestFramework.json",
                "--id",
                "x",
            ],
        ),
        (Code::UnknownCurriculum, vec!["coverage", "no-such-course"]),
        (
            Code::UnknownFramework,
            vec!["show", "care-certificate-2051"],
        ),
        (
            Code::UnknownRole,
            vec![
                "learners",
                "--role",
                "no-such-role",
                "--learners",
                LEARNERS,
                "--evidence",
                EVIDENCE,
            ],
        ),
        (
            Code::UnknownId,
            vec![
                "gaps",
                "--target",
                "no-such-role",
                "--from",
                "cpft-peer-education-programme",
            ],
        ),
        (
            Code::WrongKind,
            vec!["show", "cpft-peer-education-programme"],
        ),
        (
            Code::NoFramework,
            vec![
                "--catalog",
                "fixtures/fatal/no-framework.yaml",
                "coverage",
                "no-framework-course",
            ],
        ),
        (
            Code::LearnerNotFound,
            vec![
                "learners",
                "--role",
                ROLE,
                "--learners",
                LEARNERS,
                "--evidence",
                EVIDENCE,
                "--as-of",
                "2025-09-01",
                "--learner",
                "nobody",
            ],
        ),
        (
            Code::EmptyRecords,
            vec![
                "learners",
                "--role",
                ROLE,
                "--learners",
                "fixtures/fatal/empty.csv",
                "--evidence",
                EVIDENCE,
            ],
        ),
        (
            Code::MissingColumn,
            vec![
                "learners",
                "--role",
                ROLE,
                "--learners",
                "fixtures/fatal/no-columns.csv",
                "--evidence",
                EVIDENCE,
            ],
        ),
        (
            Code::SeveralDocuments,
            vec![
                "--format",
                "human",
                "import",
                "case",
                "fixtures/interop/case/Ordering.json",
                "fixtures/interop/case/Utf8TestFramework.json",
            ],
        ),
    ]
}

#[test]
fn every_fatal_code_is_produced_with_exit_status_2() {
    let mut seen = BTreeSet::new();
    for (code, args) in cases() {
        // JSON unless the case asks for the human form (an import of several documents writes
        // them all as one JSON document, so it stops only in the other forms).
        let json = !args.contains(&"human");
        let mut cmd = competence();
        cmd.args(&args);
        if json {
            cmd.args(["--format", "json"]);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let emitted = if json {
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(doc["diagnostics"], serde_json::json!([]), "{args:?}");
            insta::assert_json_snapshot!(format!("fatal-{code}"), doc);
            doc["error"]["code"].as_str().unwrap().to_owned()
        } else {
            let stderr = String::from_utf8(out.stderr).unwrap();
            insta::assert_snapshot!(format!("fatal-{code}"), stderr);
            stderr
                .strip_prefix("error[")
                .and_then(|s| s.split_once(']'))
                .map(|(c, _)| c.to_owned())
                .unwrap_or_default()
        };
        assert_eq!(emitted, code.as_str(), "{args:?}");
        seen.insert(code);
    }
    // Every fatal code of the one table has a case above, but `internal-error`: no input can
    // cause it (that is the point); framework-cli's main.rs tests it.
    let fatal: BTreeSet<Code> = Code::ALL
        .iter()
        .copied()
        .filter(|c| c.is_fatal() && *c != Code::InternalError)
        .collect();
    assert_eq!(seen, fatal);
}

#[test]
fn every_code_in_an_error_document_is_in_the_table() {
    for (_, args) in cases() {
        let out = competence()
            .args(&args)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&out.stdout) else {
            continue;
        };
        if let Some(code) = doc["error"]["code"].as_str() {
            let parsed = Code::parse(code).unwrap_or_else(|| panic!("`{code}` is not a code"));
            assert!(
                parsed.is_fatal(),
                "`{code}` stops a command but is not fatal"
            );
        }
    }
}
