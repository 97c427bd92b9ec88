//! One fixture per diagnostic code: each reports exactly the problems its `# expect:` line
//! lists, at the right line and column, and renders as the snapshots show.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{competence, root};
use framework_core::Code;

/// The fixture for a code: `fixtures/invalid/<code>.yaml`, `.json`, or a folder.
/// The codes of diagnostics (problems found in documents and records), as opposed to the fatal
/// codes of errors that stop a command (tested in `fatal_codes.rs`).
fn diagnostic_codes() -> impl Iterator<Item = &'static Code> {
    Code::ALL.iter().filter(|c| !c.is_fatal())
}

fn fixture_for(code: Code) -> Option<PathBuf> {
    let base = Path::new("fixtures/invalid");
    ["yaml", "json", ""]
        .iter()
        .map(|ext| {
            if ext.is_empty() {
                base.join(code.as_str())
            } else {
                base.join(format!("{}.{ext}", code.as_str()))
            }
        })
        .find(|p| root().join(p).exists())
}

/// The `code line:column` expectations written in a fixture (its `# expect:` line, or a
/// `.expect` file beside a JSON fixture).
fn expectations(path: &Path) -> BTreeSet<String> {
    let abs = root().join(path);
    // Learner-records and interop fixtures list theirs in an `expect` file (CSV has no comments).
    if is_records(path) || interop(path).is_some() {
        let text = std::fs::read_to_string(abs.join("expect")).unwrap();
        return text
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect();
    }
    let files: Vec<PathBuf> = if abs.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&abs)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    } else {
        vec![abs]
    };
    let mut out = BTreeSet::new();
    for f in files {
        let rel = f
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = if f.extension().is_some_and(|e| e == "json") {
            std::fs::read_to_string(f.with_extension("expect")).unwrap()
        } else {
            let bytes = std::fs::read(&f).unwrap();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            text.lines()
                .next()
                .and_then(|l| l.strip_prefix("# expect:"))
                .unwrap_or_else(|| panic!("{} lacks an `# expect:` first line", f.display()))
                .to_owned()
        };
        for e in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            out.insert(format!("{rel} {e}"));
        }
    }
    out
}

/// `file code line:column` for each diagnostic of a JSON report.
fn positions(json: &serde_json::Value) -> BTreeSet<String> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            let code = d["code"].as_str().unwrap();
            format!("{file} {code} {}:{}", d["line"], d["column"])
        })
        .collect()
}

/// A learner-records fixture: a folder with `learners.csv` and `evidence.csv` (or xAPI
/// `statements.ndjson` with `activities.csv`), checked with `competence learners` against the
/// role in `fixtures/records/`.
fn is_records(path: &Path) -> bool {
    root().join(path).join("learners.csv").exists()
}

/// An interop fixture: a folder with a file to import (`*.case-json`, a CASE package; `*.csv`, a
/// Moodle CSV) or a framework to export to Moodle (`export.yaml`), and its arguments.
fn interop(path: &Path) -> Option<Vec<String>> {
    let dir = root().join(path);
    if !dir.is_dir() {
        return None;
    }
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().path();
        let rel = path.join(file.file_name().unwrap()).display().to_string();
        match file.extension().and_then(|e| e.to_str()) {
            Some("case-json") => return Some(vec!["import".into(), "case".into(), rel]),
            Some("csv") if !is_records(path) => {
                return Some(vec!["import".into(), "moodle".into(), rel]);
            }
            Some("yaml") if file.file_name().is_some_and(|n| n == "export.yaml") => {
                let text = std::fs::read_to_string(&file).unwrap();
                let id = text
                    .lines()
                    .find_map(|l| l.strip_prefix("id: "))
                    .unwrap()
                    .to_owned();
                return Some(vec![
                    "--catalog".into(),
                    rel,
                    "export".into(),
                    "moodle".into(),
                    id,
                ]);
            }
            _ => {}
        }
    }
    None
}

fn run(path: &Path, json: bool) -> std::process::Output {
    let mut cmd = competence();
    if let Some(args) = interop(path) {
        cmd.args(args);
        if json {
            cmd.args(["--format", "json"]);
        }
        return cmd.output().unwrap();
    }
    if is_records(path) {
        cmd.args([
            "--catalog",
            "fixtures/records",
            "learners",
            "--role",
            "support-worker",
            "--as-of",
            "2025-03-01",
        ])
        .arg("--learners")
        .arg(path.join("learners.csv"));
        // Evidence as xAPI statements with their activity map, or as `evidence.csv`.
        if root().join(path).join("statements.ndjson").exists() {
            cmd.arg("--xapi")
                .arg(path.join("statements.ndjson"))
                .arg("--activity-map")
                .arg(path.join("activities.csv"));
        } else {
            cmd.arg("--evidence").arg(path.join("evidence.csv"));
        }
        // Options a fixture needs (a threshold, say), one per line of its `args` file.
        if let Ok(extra) = std::fs::read_to_string(root().join(path).join("args")) {
            cmd.args(extra.lines().map(str::trim).filter(|l| !l.is_empty()));
        }
        if json {
            cmd.args(["--format", "json"]);
        }
        return cmd.output().unwrap();
    }
    if path.to_string_lossy().contains("too-large") {
        cmd.args(["--max-file-size", "200"]);
    }
    cmd.arg("validate").arg(path);
    if json {
        cmd.args(["--format", "json"]);
    }
    cmd.output().unwrap()
}

#[test]
fn every_code_has_a_fixture_with_its_positions_and_snapshots() {
    for &code in diagnostic_codes() {
        let path = fixture_for(code)
            .unwrap_or_else(|| panic!("no fixture for `{code}` in tests/fixtures/invalid"));

        let out = run(&path, true);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let diagnostics = json["diagnostics"].as_array().unwrap();
        let found = positions(&json);
        assert_eq!(
            found,
            expectations(&path),
            "diagnostics of {}",
            path.display()
        );
        assert!(
            diagnostics.iter().any(|d| d["code"] == code.as_str()),
            "{} does not report `{code}`",
            path.display()
        );
        let expected_status = if code.severity() == framework_core::Severity::Error
            || diagnostics.iter().any(|d| d["severity"] == "error")
        {
            1
        } else {
            0
        };
        assert_eq!(
            out.status.code(),
            Some(expected_status),
            "exit status for {}",
            path.display()
        );
        insta::assert_json_snapshot!(format!("{code}-json"), json["diagnostics"]);

        let human = run(&path, false);
        assert_eq!(human.status.code(), Some(expected_status));
        insta::assert_snapshot!(
            format!("{code}-human"),
            String::from_utf8(human.stderr).unwrap()
        );
    }
}

#[test]
fn every_fixture_is_for_a_known_code() {
    let codes: BTreeSet<&str> = diagnostic_codes().map(|c| c.as_str()).collect();
    for entry in std::fs::read_dir(root().join("fixtures/invalid")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "expect")
            || path.file_name().is_some_and(|n| n == "expect")
        {
            continue;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            codes.contains(stem.as_str()),
            "fixture {} names no diagnostic code",
            path.display()
        );
    }
}

#[test]
fn docs_list_every_code_with_an_example() {
    let docs = std::fs::read_to_string(root().join("../docs/diagnostics.md")).unwrap();
    for &code in Code::ALL {
        let heading = format!("## `{code}`");
        let at = docs
            .find(&heading)
            .unwrap_or_else(|| panic!("docs/diagnostics.md has no section `{heading}`"));
        let section = &docs[at..];
        let end = section[heading.len()..]
            .find("\n## ")
            .map_or(section.len(), |e| e + heading.len());
        assert!(
            section[..end].contains("```"),
            "the section for `{code}` has no example"
        );
    }
}

#[test]
fn docs_tables_list_every_code() {
    let docs = std::fs::read_to_string(root().join("../docs/diagnostics.md")).unwrap();
    for &code in Code::ALL {
        assert!(
            docs.contains(&format!("| [`{code}`](#{code}) |")),
            "docs/diagnostics.md has no table row for `{code}`"
        );
    }
}

#[test]
fn docs_examples_match_snapshots() {
    let docs = std::fs::read_to_string(root().join("../docs/diagnostics.md")).unwrap();
    for &code in diagnostic_codes() {
        let snap = std::fs::read_to_string(
            root().join(format!("tests/snapshots/diagnostics__{code}-human.snap")),
        )
        .unwrap();
        let body = snap.split_once("\n---\n").unwrap().1.trim_end_matches('\n');
        let section = &docs[docs.find(&format!("## `{code}`")).unwrap()..];
        assert!(
            section.contains(&format!("```text\n{body}\n```")),
            "the example for `{code}` in docs/diagnostics.md is out of date: run `python3 docs/refresh-diagnostics-examples.py`"
        );
    }
}

#[test]
fn a_folder_of_broken_files_reports_every_problem() {
    // The whole folder at once (without the size limit the too-large fixture is fine, and
    // without the shipped catalog replaces-builtin is not triggered).
    let out = competence()
        .args([
            "--no-builtin",
            "validate",
            "fixtures/invalid",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = positions(&json);
    let mut expected = BTreeSet::new();
    for &code in diagnostic_codes() {
        if matches!(code, Code::TooLarge | Code::ReplacesBuiltin) {
            continue;
        }
        let path = fixture_for(code).unwrap();
        if !is_records(&path) && interop(&path).is_none() {
            expected.extend(expectations(&path));
        }
    }
    // Without the shipped catalog, references to it are unknown too (or, since the
    // replaces-builtin fixture defines a small `care-certificate-2015`, unknown in that).
    let extra: BTreeSet<&String> = found.difference(&expected).collect();
    assert!(
        extra
            .iter()
            .all(|e| e.contains(" unknown-document ") || e.contains(" unknown-ref ")),
        "unexpected diagnostics: {extra:#?}"
    );
    let lost: BTreeSet<&String> = expected.difference(&found).collect();
    assert!(lost.is_empty(), "not reported: {lost:#?}");
    assert!(found.len() >= 20, "only {} diagnostics", found.len());
}
