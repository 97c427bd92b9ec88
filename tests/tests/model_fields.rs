//! The model fields of SPEC §1.1 beyond the first release (`uri`, `alt_labels`, `note`,
//! `related`, `replaces`, `scale`): loaded, checked, shown, and kept through CASE.

mod common;

use framework_core::Catalog;
use framework_core::interop::case;
use serde_json::Value;

fn catalog_with(extra: &[(&str, &str)]) -> Catalog {
    let mut b = Catalog::builder().builtin(false);
    for f in ["skills-v1.yaml", "skills-v2.yaml"] {
        b.add_path(&common::root().join("fixtures/model").join(f))
            .expect("a fixture");
    }
    for (name, text) in extra {
        b.add_bytes(name, text.as_bytes());
    }
    b.build()
}

fn problems(c: &Catalog) -> Vec<String> {
    c.diagnostics().iter().map(common::described).collect()
}

#[test]
fn the_fields_load_and_show_in_the_documents_shape() {
    let c = catalog_with(&[]);
    assert!(problems(&c).is_empty(), "{:?}", problems(&c));
    let fw = c.framework("skills-v2").expect("loaded");
    assert_eq!(
        fw.uri.as_deref(),
        Some("https://example.org/frameworks/skills-v2")
    );
    assert_eq!(fw.replaces.as_ref().map(|r| r.as_str()), Some("skills-v1"));
    assert_eq!(fw.scale.len(), 3);
    let item = fw.item(fw.find("1").unwrap()).unwrap();
    assert_eq!(
        item.alt_labels,
        ["Attentive listening", "Hearing people out"]
    );
    let related: Vec<String> = item.related().map(ToString::to_string).collect();
    assert_eq!(related, ["skills-v2:2", "skills-v2:3"]);
    let replaces: Vec<String> = item.replaces().map(ToString::to_string).collect();
    assert_eq!(replaces, ["skills-v1:1"]);
    let shown = serde_json::to_value(fw.document_view(None)).unwrap();
    assert_eq!(shown["scale"][2]["title"], "Expert");
    assert_eq!(
        shown["items"][0]["note"],
        "Scope: one-to-one conversations."
    );
}

#[test]
fn every_bad_reference_is_reported_at_its_place() {
    let bad = "kind: framework\nid: bad\ntitle: Bad\nsource: test\ncompleteness: complete\nitems:\n  - id: a\n    title: A\n    related: [a, nope, \"skills-v1:1\"]\n    replaces: [x]\n  - { id: b, title: B, related: [\"a\"], replaces: [\"skills-v1:9\"] }\nscale:\n  - { id: one, title: One }\n  - { id: one, title: Again }\n";
    let c = catalog_with(&[("bad.yaml", bad)]);
    let got = problems(&c);
    let at = |line: usize| {
        got.iter()
            .filter(|p| p.starts_with(&format!("bad.yaml:{line}:")))
            .count()
    };
    // Line 9: itself, an unknown item, another framework's item; line 10: a bare id with no
    // previous edition named; line 11: an unknown item of the earlier edition; line 14: a
    // second scale level `one`.
    assert_eq!((at(9), at(10), at(11), at(14)), (3, 1, 1, 1), "{got:#?}");
}

#[test]
fn case_keeps_the_fields_through_an_export_and_an_import() {
    let c = catalog_with(&[]);
    let fw = c.framework("skills-v2").unwrap();
    let package = case::export(&c, fw, &case::ExportOptions::default());
    let item = &package["CFItems"][0];
    assert_eq!(
        item["alternativeLabel"],
        "Attentive listening; Hearing people out"
    );
    assert_eq!(item["notes"], "Scope: one-to-one conversations.");
    let text = serde_json::to_vec(&package).unwrap();
    let again = case::import(&[("exported.json", text.as_slice())], None);
    let doc = serde_json::to_value(again.frameworks[0].document_view(None)).unwrap();
    let before = serde_json::to_value(fw.document_view(None)).unwrap();
    for key in ["uri", "replaces", "scale"] {
        assert_eq!(doc[key], before[key], "{key}");
    }
    for key in ["uri", "alt_labels", "note", "related", "replaces"] {
        assert_eq!(doc["items"][0][key], before["items"][0][key], "{key}");
    }
    // A package from elsewhere: its one alternative label and its notes are read.
    let mut foreign: Value = package.clone();
    let first = &mut foreign["CFItems"][0];
    first["extensions"] = Value::Null;
    first.as_object_mut().unwrap().remove("extensions");
    let text = serde_json::to_vec(&foreign).unwrap();
    let again = case::import(&[("foreign.json", text.as_slice())], None);
    let doc = serde_json::to_value(again.frameworks[0].document_view(None)).unwrap();
    assert_eq!(
        doc["items"][0]["alt_labels"],
        serde_json::json!(["Attentive listening; Hearing people out"])
    );
    assert_eq!(doc["items"][0]["note"], "Scope: one-to-one conversations.");
}

#[test]
fn show_names_the_fields() {
    let out = common::competence()
        .args([
            "--no-builtin",
            "--catalog",
            "fixtures/model",
            "show",
            "skills-v2",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for shown in [
        "uri: https://example.org/frameworks/skills-v2",
        "replaces: skills-v1",
        "scale: 0 Aware < 1 Working < 2 Expert",
        "[also called Attentive listening, Hearing people out; related 2, 3; replaces skills-v1:1]",
    ] {
        assert!(text.contains(shown), "{shown} in {text}");
    }
    let out = common::competence()
        .args([
            "--no-builtin",
            "--catalog",
            "fixtures/model",
            "show",
            "skills-v2",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with("URI,ALT LABELS,NOTE,RELATED,REPLACES"),
        "{csv}"
    );
}

#[test]
fn diff_pairs_editions_by_replaces_and_says_so() {
    let diff = |format: &str| {
        common::competence()
            .args([
                "--no-builtin",
                "--catalog",
                "fixtures/model",
                "diff",
                "skills-v1",
                "skills-v2",
                "--format",
                format,
            ])
            .output()
            .unwrap()
    };
    let out = diff("json");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes: Vec<(String, String, String)> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["change"].as_str().unwrap().to_owned(),
                c["new"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join(" "),
                c["evidence"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (
                "renamed".to_owned(),
                "skills-v2:1".to_owned(),
                "replaces".to_owned()
            ),
            (
                "unchanged".to_owned(),
                "skills-v2:2".to_owned(),
                "replaces".to_owned()
            ),
            ("added".to_owned(), "skills-v2:3".to_owned(), String::new()),
        ]
    );
    assert_eq!(v["summary"]["renamed"], 1);
    // Every format, the same changes.
    for format in ["csv", "md", "human"] {
        let out = diff(format);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("skills-v2:3"), "{format}: {text}");
    }
}

#[test]
fn diff_writes_the_edition_mapping_it_inferred_with_its_guesses_marked() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.yaml");
    let new = dir.path().join("new.yaml");
    std::fs::write(&old, "kind: framework\nid: o\ntitle: O\nsource: t\ncompleteness: complete\nitems:\n  - { id: a, title: Escalation procedures }\n  - { id: b, title: Gone }\n").unwrap();
    std::fs::write(&new, "kind: framework\nid: n\ntitle: N\nsource: t\ncompleteness: complete\nitems:\n  - { id: x, title: Escalation procedure }\n").unwrap();
    let out = common::competence()
        .args([
            "--no-builtin",
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--format",
            "yaml",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let yaml = String::from_utf8_lossy(&out.stdout);
    assert!(yaml.contains("justification: lexical"), "{yaml}");
    assert!(yaml.contains("confidence: 0.9"), "{yaml}");
    assert!(yaml.contains("no_match:\n- b"), "{yaml}");
    // It loads as a mapping between the two.
    let mapping = dir.path().join("m.yaml");
    std::fs::write(&mapping, yaml.as_bytes()).unwrap();
    let out = common::competence()
        .args(["--no-builtin", "--catalog"])
        .arg(&old)
        .arg("--catalog")
        .arg(&new)
        .arg("validate")
        .arg(&mapping)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Other commands have no YAML form.
    let out = common::competence()
        .args(["list", "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_editions_replaces_are_case_replaced_by_associations() {
    let c = catalog_with(&[]);
    let fw = c.framework("skills-v2").unwrap();
    let package = case::export(&c, fw, &case::ExportOptions::default());
    let replaced: Vec<&Value> = package["CFAssociations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["associationType"] == "replacedBy")
        .collect();
    assert_eq!(replaced.len(), 2);
    assert_eq!(replaced[0]["originNodeURI"]["title"], "Listening");
    assert_eq!(
        replaced[0]["destinationNodeURI"]["title"],
        "Active listening"
    );
    // The official schema accepts it.
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            common::root().join("fixtures/interop/1edtech-case-v1p1-cfpackage-jsonschema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let v = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = v.iter_errors(&package).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_replaced_by_an_export_derived_is_not_kept_twice_on_import() {
    let c = catalog_with(&[]);
    let fw = c.framework("skills-v2").unwrap();
    let package = case::export(&c, fw, &case::ExportOptions::default());
    let text = serde_json::to_vec(&package).unwrap();
    let again = case::import(&[("e.json", text.as_slice())], None);
    let doc = serde_json::to_value(again.frameworks[0].document_view(None)).unwrap();
    let kept = doc["extensions"]["case"]["associations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        kept.iter().all(|a| a["associationType"] != "replacedBy"),
        "{kept:?}"
    );
    assert_eq!(
        doc["items"][0]["replaces"],
        serde_json::json!(["skills-v1:1"])
    );
}

#[test]
fn migrate_moves_the_shipped_role_and_the_example_cohort_to_the_2025_edition() {
    let dir = tempfile::tempdir().unwrap();
    let role = dir.path().join("role.yaml");
    let evidence = dir.path().join("evidence.csv");
    let out = common::competence()
        .current_dir(common::root().join(".."))
        .args([
            "migrate",
            "cpft-peer-support-worker",
            "--to",
            "care-certificate-2025",
            "--evidence",
            "examples/cohort/evidence.csv",
            "--evidence-out",
        ])
        .arg(&evidence)
        .arg("-o")
        .arg(&role)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["from"], "care-certificate-2015");
    assert_eq!(v["to"], "care-certificate-2025");
    assert_eq!(v["unmapped"], 0);
    assert!(v["evidence"]["repointed"].as_u64().unwrap() > 0);
    let text = std::fs::read_to_string(&evidence).unwrap();
    assert!(!text.contains("care-certificate-2015:"), "{text}");
    // The migrated role loads and the cohort's records still count.
    let out = common::competence()
        .current_dir(common::root().join(".."))
        .arg("--catalog")
        .arg(&role)
        .args([
            "learners",
            "--role",
            "cpft-peer-support-worker",
            "--learners",
            "examples/cohort/learners.csv",
            "--evidence",
        ])
        .arg(&evidence)
        .args(["--as-of", "2025-09-01", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["summary"]["met"].as_u64().unwrap() > 0, "{v}");
}

/// A course map of the Care Certificate's 2015 edition moved to 2025: the standards move (by the
/// shipped edition mapping), the 2015 criteria the 2025 document does not encode have no
/// successor, stay as they were, and are reported (exit 1).
#[test]
fn migrate_reports_every_reference_a_new_edition_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let course = dir.path().join("induction.yaml");
    std::fs::write(
        &course,
        "kind: curriculum\nid: induction\ntitle: Induction\nframeworks: [care-certificate-2015]\nsessions:\n  - { id: d1, title: Day 1, covers: [\"1\", \"6\"] }\n  - { id: d2, title: Day 2, covers: [\"1.1a\"] }\n",
    )
    .unwrap();
    let migrated = dir.path().join("induction-2025.yaml");
    let out = common::competence()
        .args([
            "migrate",
            course.to_str().unwrap(),
            "--to",
            "care-certificate-2025",
            "-o",
        ])
        .arg(&migrated)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["unmapped"], 1);
    let moved: Vec<(String, Vec<String>)> = v["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["from"].as_str().unwrap().to_owned(),
                r["to"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        moved[0],
        (
            "care-certificate-2015:1".to_owned(),
            vec!["care-certificate-2025:1".to_owned()]
        )
    );
    assert_eq!(
        moved[2],
        ("care-certificate-2015:1.1a".to_owned(), Vec::new())
    );
    let out = common::competence()
        .arg("validate")
        .arg(&migrated)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
