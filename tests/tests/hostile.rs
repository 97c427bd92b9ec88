//! Hostile and messy input (issue 12): each case ends with exit status 0, 1 or 2, a clear
//! diagnostic, nothing lost in silence, and no raw control character, formula or HTML in what
//! is shown. Inputs are made here, in temporary folders (the large ones would bloat the
//! repository); the readers are also fuzzed (`scripts/fuzz`).

mod common;

use std::path::Path;
use std::process::Output;

use common::competence;
use serde_json::Value;

const ROLE_CATALOG: &str = "fixtures/records";
const ROLE: &str = "support-worker";

fn run(args: &[&str]) -> Output {
    competence().args(args).output().unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not one JSON document ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn codes(doc: &Value) -> Vec<(String, u64)> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// No byte of the output is a control character (but line breaks and tabs) or an invisible
/// one, and the status is 0, 1 or 2.
fn safe(out: &Output) {
    assert!(
        matches!(out.status.code(), Some(0..=2)),
        "status {:?}",
        out.status
    );
    for (what, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !framework_core::safe::has_unsafe(&text),
            "{what} carries a raw control or invisible character: {text:?}"
        );
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn learners(dir: &Path, learners_csv: &str, evidence_csv: &str, extra: &[&str]) -> Output {
    let l = write(dir, "learners.csv", learners_csv);
    let e = write(dir, "evidence.csv", evidence_csv);
    let mut args = vec![
        "--catalog",
        ROLE_CATALOG,
        "learners",
        "--role",
        ROLE,
        "--as-of",
        "2025-03-01",
        "--learners",
        &l,
        "--evidence",
        &e,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn a_diagnostic_on_a_very_long_line_gives_its_position_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let mut items: Vec<String> = (0..3000)
        .map(|n| format!(r#"{{"id":"i{n}","title":"{}"}}"#, "t".repeat(40)))
        .collect();
    items.push(r#"{"id":"bad id","title":"t"}"#.to_owned());
    let doc = format!(
        r#"{{"kind":"framework","id":"long","title":"Long","completeness":"complete","items":[{}]}}"#,
        items.join(",")
    );
    let file = write(dir.path(), "long.json", &doc);
    for format in ["human", "csv", "md", "json"] {
        let out = run(&["--no-builtin", "validate", &file, "--format", format]);
        safe(&out);
        assert_eq!(out.status.code(), Some(1), "{format}");
    }
    let human = run(&["--no-builtin", "validate", &file]);
    let stderr = String::from_utf8_lossy(&human.stderr);
    assert!(
        stderr.contains("error[invalid-id]") && stderr.contains("--> "),
        "{stderr}"
    );
}

/// A chain of `depth` items, each the child of the one before, as a CASE package.
fn case_chain(depth: usize) -> String {
    let id = |n: usize| format!("00000000-0000-4000-8000-{n:012}");
    let items: Vec<String> = (0..depth)
        .map(|n| {
            format!(
                r#"{{"identifier":"{}","fullStatement":"s{n}","humanCodingScheme":"H{n}","uri":"urn:x","lastChangeDateTime":"2020-01-01T00:00:00Z"}}"#,
                id(n)
            )
        })
        .collect();
    let links: Vec<String> = (1..depth)
        .map(|n| {
            format!(
                r#"{{"identifier":"10000000-0000-4000-8000-{n:012}","associationType":"isChildOf","originNodeURI":{{"title":"c","identifier":"{}","uri":"urn:x"}},"destinationNodeURI":{{"title":"p","identifier":"{}","uri":"urn:x"}},"uri":"urn:x","lastChangeDateTime":"2020-01-01T00:00:00Z"}}"#,
                id(n),
                id(n - 1)
            )
        })
        .collect();
    format!(
        r#"{{"CFDocument":{{"identifier":"20000000-0000-4000-8000-000000000000","title":"Deep","uri":"urn:x","creator":"x","lastChangeDateTime":"2020-01-01T00:00:00Z"}},"CFItems":[{}],"CFAssociations":[{}]}}"#,
        items.join(","),
        links.join(",")
    )
}

#[test]
fn deep_imports_are_cut_with_an_error_and_what_they_write_loads_again() {
    let dir = tempfile::tempdir().unwrap();
    let case = write(dir.path(), "deep.json", &case_chain(10_000));
    let mut csv = String::from(
        "Parent ID number,ID number,Short name,Description,Description format,Scale values,Scale configuration,Rule type (optional),Rule outcome (optional),Rule config (optional),Cross-referenced competency ID numbers,Exported ID (optional),Is framework,Taxonomy\n",
    );
    csv.push_str(",FW,Framework,,1,\"A,B\",\"[{\"\"scaleid\"\":\"\"1\"\"},{\"\"id\"\":1,\"\"scaledefault\"\":1,\"\"proficient\"\":1}]\",,,,,,1,competency\n");
    for n in 0..10_000 {
        let parent = if n == 0 {
            String::new()
        } else {
            format!("C{}", n - 1)
        };
        csv.push_str(&format!("{parent},C{n},Comp {n},,1,,,,,,,,,\n"));
    }
    let moodle = write(dir.path(), "deep.csv", &csv);
    for (format, file) in [("case", &case), ("moodle", &moodle)] {
        let out_file = dir.path().join(format!("{format}.yaml"));
        let out = run(&[
            "import",
            format,
            file,
            "-o",
            &out_file.display().to_string(),
            "--format",
            "json",
        ]);
        safe(&out);
        assert_eq!(out.status.code(), Some(1), "{format}");
        let doc = json(&out);
        assert!(
            codes(&doc).iter().any(|(c, _)| c == "import-invalid"),
            "{doc}"
        );
        let again = run(&["--no-builtin", "validate", &out_file.display().to_string()]);
        assert_eq!(
            again.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&again.stderr)
        );
    }
}

#[test]
fn a_quote_left_open_in_learner_records_is_reported_with_the_rows_it_swallowed() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = String::from("learner,role,start_date,qualifications\r\n");
    for n in 0..1000 {
        if n == 4 {
            l.push_str("L4,support-worker,\"2025-01-06,\r\n");
        } else {
            l.push_str(&format!("L{n},support-worker,2025-01-06,\r\n"));
        }
    }
    let out = learners(dir.path(), &l, "learner,ref,status,date\n", &[]);
    safe(&out);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert!(
        codes(&doc).contains(&("malformed-row".to_owned(), 6)),
        "{:?}",
        codes(&doc)
    );
    // Four learners read, every other row counted as left out: nothing lost in silence.
    assert_eq!(doc["summary"]["learners"], 4);
    assert_eq!(doc["summary"]["skipped"]["learners"], 996);

    let e = "learner,ref,status,date\nL1,induction:fire,met,\"2025-01-10\nL2,induction:fire,met,2025-01-10\n";
    let out = learners(
        dir.path(),
        "learner,role,start_date,qualifications\nL1,support-worker,2025-01-06,\nL2,support-worker,2025-01-06,\n",
        e,
        &[],
    );
    let doc = json(&out);
    assert!(
        codes(&doc).contains(&("malformed-row".to_owned(), 2)),
        "{:?}",
        codes(&doc)
    );
    assert_eq!(doc["summary"]["skipped"]["evidence"], 2);
}

#[test]
fn a_quote_left_open_in_a_moodle_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "Parent ID number,ID number,Short name,Description,Description format,Scale values,Scale configuration,Rule type (optional),Rule outcome (optional),Rule config (optional),Cross-referenced competency ID numbers,Exported ID (optional),Is framework,Taxonomy\n,FW,Framework,,1,,,,,,,,1,competency\n,C1,\"Open quote,,1,,,,,,,,,\n,C2,Two,,1,,,,,,,,,\n";
    let file = write(dir.path(), "open.csv", csv);
    let out = run(&["import", "moodle", &file, "--format", "json"]);
    safe(&out);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert!(
        codes(&doc).contains(&("import-invalid".to_owned(), 3)),
        "{:?}",
        codes(&doc)
    );
}

#[test]
fn learner_rows_are_placed_right_with_crlf_and_blank_lines() {
    let dir = tempfile::tempdir().unwrap();
    let lf = "learner,role,start_date,qualifications\nA,support-worker,2025-01-06,\nB,support-worker,bad,\n\nC,support-worker,worse,\n";
    for text in [lf.to_owned(), lf.replace('\n', "\r\n")] {
        let out = learners(dir.path(), &text, "learner,ref,status,date\n", &[]);
        let lines: Vec<u64> = codes(&json(&out))
            .into_iter()
            .filter(|(c, _)| c == "invalid-date")
            .map(|(_, l)| l)
            .collect();
        assert_eq!(lines, [3, 5], "{text:?}");
    }
}

#[test]
fn qualification_names_are_compared_without_case_or_separators() {
    let dir = tempfile::tempdir().unwrap();
    // The role exempts from `safety` with `first-aid-certificate` gained within a year.
    let l = "learner,role,start_date,qualifications\nQ1,support-worker,2025-01-06,First_Aid Certificate@2024-06-01\nQ2,support-worker,2025-01-06,First Aid Certificat@2024-06-01\n";
    let out = learners(dir.path(), l, "learner,ref,status,date\n", &[]);
    safe(&out);
    let doc = json(&out);
    let status = |who: &str| {
        doc["learners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["learner"] == who)
            .unwrap()["requirements"][0]["status"]
            .clone()
    };
    assert_eq!(status("Q1"), "exempt");
    assert_eq!(status("Q2"), "overdue");
    assert!(codes(&doc).contains(&("unknown-qualification".to_owned(), 3)));
}

#[test]
fn a_due_date_past_the_calendar_is_an_invalid_date() {
    let dir = tempfile::tempdir().unwrap();
    let l = "learner,role,start_date,qualifications\nZ,support-worker,9999-12-20,\n";
    let out = learners(dir.path(), l, "learner,ref,status,date\n", &[]);
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        codes(&doc).contains(&("invalid-date".to_owned(), 2)),
        "{:?}",
        codes(&doc)
    );
    assert_eq!(doc["summary"]["skipped"]["learners"], 1);
}

#[test]
fn hours_too_large_to_add_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "kind: curriculum\nid: huge\ntitle: Huge\nframeworks: [care-certificate-2015]\nsessions:\n  - { id: a, title: A, hours: 1e308, covers: [\"1.1a\"] }\n  - { id: b, title: B, hours: 1e308, covers: [\"1.1b\"] }\n";
    let file = write(dir.path(), "huge.yaml", doc);
    let out = run(&["validate", &file, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let found = codes(&json(&out));
    assert!(
        found.contains(&("invalid-value".to_owned(), 6)),
        "{found:?}"
    );
    let out = run(&["--catalog", &file, "coverage", "huge", "--format", "json"]);
    let report = json(&out);
    assert!(report["unassigned_hours"].is_number(), "{report}");
}

#[test]
fn control_and_invisible_characters_never_reach_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let doc = r#"{"kind":"framework","id":"evil","title":"Evil\u001b]0;pwned\u0007 \u001b[2J title","completeness":"complete","items":[{"id":"1","title":"Back\bspace\r over <script>alert(1)</script> \u202eright"},{"id":"2","title":"two"}]}"#;
    let file = write(dir.path(), "evil.json", doc);
    for format in ["human", "md", "csv", "json"] {
        for cmd in [vec!["show", "evil"], vec!["list"]] {
            let mut args = vec!["--catalog", file.as_str()];
            args.extend(cmd);
            args.extend(["--format", format]);
            let out = run(&args);
            safe(&out);
            assert!(out.status.code() == Some(0), "{args:?}");
        }
    }
    let md = run(&["--catalog", &file, "show", "evil", "--format", "md"]);
    let text = String::from_utf8_lossy(&md.stdout);
    assert!(
        text.contains("&lt;script&gt;") && !text.contains("<script>"),
        "{text}"
    );
    // An id with an invisible character is refused (it could pass for another).
    let spoof = r#"{"kind":"framework","id":"spoof","title":"S","completeness":"complete","items":[{"id":"1.1\u200b","title":"t"}]}"#;
    let file = write(dir.path(), "spoof.json", spoof);
    let out = run(&["--no-builtin", "validate", &file, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(codes(&json(&out)).iter().any(|(c, _)| c == "invalid-id"));
    // Learner ids are escaped; every format of the learners report is safe.
    let l = "learner,role,start_date,qualifications\n\u{1b}[2JL1,support-worker,2025-01-06,\n";
    let e = "learner,ref,status,date\n\u{1b}[2JL1,induction:fire,met,2025-01-10\n";
    for format in ["human", "md", "csv", "json"] {
        let out = learners(dir.path(), l, e, &["--format", format]);
        safe(&out);
    }
}

#[test]
fn folders_with_loops_and_fifos_do_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("docs");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::copy(
        common::root().join("fixtures/valid/role.yaml"),
        root.join("role.yaml"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&root, root.join("sub/back")).unwrap();
        let fifo = root.join("pipe.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    }
    let out = run(&[
        "--catalog",
        &root.display().to_string(),
        "validate",
        "--format",
        "json",
    ]);
    safe(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn endless_inputs_stop_at_the_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let e = write(dir.path(), "evidence.csv", "learner,ref,status,date\n");
    let out = run(&[
        "--catalog",
        ROLE_CATALOG,
        "--max-file-size",
        "100000",
        "learners",
        "--role",
        ROLE,
        "--learners",
        "/dev/zero",
        "--evidence",
        &e,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["code"], "unreadable");
    let out = run(&[
        "--max-file-size",
        "100000",
        "import",
        "case",
        "/dev/zero",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["code"], "unreadable");
}

#[test]
fn a_flood_of_bad_rows_is_capped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = String::from("learner,ref,status,date\n");
    for n in 0..5000 {
        e.push_str(&format!("ghost{n},induction:fire,met,2025-01-10\n"));
    }
    let out = learners(
        dir.path(),
        "learner,role,start_date,qualifications\nA,support-worker,2025-01-06,\n",
        &e,
        &[],
    );
    let doc = json(&out);
    let unknown: Vec<&Value> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "unknown-learner")
        .collect();
    assert_eq!(unknown.len(), framework_core::diagnostic::MAX_PER_CODE + 1);
    let last = unknown
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("more"))
        .unwrap();
    assert!(
        last["message"].as_str().unwrap().starts_with("4900 more"),
        "{last}"
    );
    assert_eq!(doc["summary"]["skipped"]["evidence"], 5000);
}

#[test]
fn a_merge_key_chain_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("a0: &a0 {k0: 1}\n");
    for i in 1..400 {
        text.push_str(&format!("a{i}: &a{i} {{<<: *a{}, k{i}: 1}}\n", i - 1));
    }
    let file = write(dir.path(), "merge.yaml", &text);
    let out = run(&["--no-builtin", "validate", &file, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        codes(&json(&out))
            .iter()
            .any(|(c, _)| c == "resource-limit")
    );
}

#[test]
fn json_is_one_document_even_when_the_command_line_is_wrong() {
    for args in [
        vec!["--format", "json", "lst"],
        vec![
            "learners",
            "--role",
            "x",
            "--learners",
            "a",
            "--evidence",
            "b",
            "--as-of",
            "1 Sept",
            "--format",
            "json",
        ],
        vec!["coverage", "--min-coverage", "nope", "x", "--format=json"],
    ] {
        let out = run(&args);
        safe(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(json(&out)["error"]["code"], "bad-arguments", "{args:?}");
    }
    // Help and version are not errors.
    assert_eq!(run(&["--help"]).status.code(), Some(0));
    assert_eq!(run(&["--version"]).status.code(), Some(0));
}

#[test]
fn an_output_file_is_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.json");
    std::fs::write(&target, "old").unwrap();
    let out = run(&[
        "export",
        "case",
        "srn-peer-values",
        "-o",
        &target.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(serde_json::from_str::<Value>(&written).is_ok());
    // Nothing else is left in the folder (the temporary file was renamed over the target).
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // A write that fails leaves no temporary file and no partial target behind.
    let missing = dir.path().join("no/such/dir/out.json");
    let out = run(&[
        "export",
        "case",
        "srn-peer-values",
        "-o",
        &missing.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!missing.exists());
}

#[test]
fn what_the_command_line_quotes_back_is_escaped() {
    for args in [
        vec!["coverage", "evil\u{1b}]0;title\u{7}"],
        vec!["show", "x\u{202e}y"],
        vec!["l\u{1b}[2Jst"],
    ] {
        let out = run(&args);
        safe(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

/// JSON output escapes what serde_json leaves raw (DEL, C1, invisible characters), and the
/// loader escapes what `extensions` hold, so exports are safe too.
#[test]
fn json_and_exports_carry_no_raw_invisible_character() {
    let dir = tempfile::tempdir().unwrap();
    let doc = "{\"kind\":\"framework\",\"id\":\"x\",\"title\":\"T\",\"completeness\":\"complete\",\"extensions\":{\"k\\u202e\":\"v\\u009b\\u007f\\u200b\"},\"items\":[{\"id\":\"1\",\"title\":\"one\",\"extensions\":{\"case\":{\"note\":\"\\u001b[2J\"}}}]}";
    let file = write(dir.path(), "x.json", doc);
    for args in [
        vec!["--catalog", file.as_str(), "show", "x", "--format", "json"],
        vec!["--catalog", file.as_str(), "export", "case", "x"],
        vec!["--catalog", file.as_str(), "export", "moodle", "x"],
        vec!["--catalog", file.as_str(), "validate", "--format", "json"],
        vec!["--catalog", file.as_str(), "list", "--format", "jsonl"],
    ] {
        let out = run(&args);
        safe(&out);
    }
    let out = run(&["--catalog", &file, "validate", "--format", "json"]);
    assert!(
        codes(&json(&out))
            .iter()
            .any(|(c, _)| c == "unsafe-character")
    );
}

#[test]
fn cr_only_line_ends_place_rows_right() {
    let dir = tempfile::tempdir().unwrap();
    let l = "learner,role,start_date,qualifications\rA,support-worker,2025-01-06,\rB,support-worker,bad,\r\rC,support-worker,\"worse,\rD,support-worker,2025-01-06,\r";
    let out = learners(dir.path(), l, "learner,ref,status,date\r", &[]);
    let doc = json(&out);
    let found = codes(&doc);
    assert!(found.contains(&("invalid-date".to_owned(), 3)), "{found:?}");
    assert!(
        found.contains(&("malformed-row".to_owned(), 5)),
        "{found:?}"
    );
    assert_eq!(doc["summary"]["skipped"]["learners"], 3);
}

#[test]
fn documents_that_share_an_id_are_written_to_files_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.json", &case_chain(3));
    let b = write(
        dir.path(),
        "b.json",
        &case_chain(4).replace(
            "20000000-0000-4000-8000-000000000000",
            "30000000-0000-4000-8000-000000000000",
        ),
    );
    let out_dir = dir.path().join("out");
    let out = run(&[
        "import",
        "case",
        &a,
        &b,
        "-o",
        &format!("{}/", out_dir.display()),
        "--format",
        "json",
    ]);
    safe(&out);
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["deep-2.yaml", "deep.yaml"]);
}

#[test]
fn values_kept_from_an_import_nest_within_what_loads_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut deep = String::from("1");
    for _ in 0..120 {
        deep = format!("{{\"a\":{deep}}}");
    }
    let package = case_chain(2).replacen(
        "\"fullStatement\"",
        &format!("\"deepField\":{deep},\"fullStatement\""),
        1,
    );
    let file = write(dir.path(), "deep.json", &package);
    let out_file = dir.path().join("deep.yaml");
    let out = run(&[
        "import",
        "case",
        &file,
        "-o",
        &out_file.display().to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        codes(&json(&out))
            .iter()
            .any(|(c, _)| c == "import-invalid")
    );
    let again = run(&["--no-builtin", "validate", &out_file.display().to_string()]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[test]
fn markdown_never_carries_links_images_or_blocks_from_documents() {
    let dir = tempfile::tempdir().unwrap();
    let doc = r#"{"kind":"framework","id":"md","title":"T\n# Injected","completeness":"complete","items":[{"id":"1","title":"![x](https://example.org/t.png) [click](javascript:alert(1)) | cell"}]}"#;
    let file = write(dir.path(), "md.json", doc);
    let out = run(&["--catalog", &file, "show", "md", "--format", "md"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("](") || text.contains("\\]("), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("# Injected")), "{text}");
}

#[test]
fn json_lines_errors_are_one_line_of_json_too() {
    let out = run(&["--format", "jsonl", "lst"]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert_eq!(json(&out)["error"]["code"], "bad-arguments");
}
