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
    c.diagnostics()
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {} {}",
                d.file(),
                d.line(),
                d.column(),
                d.code(),
                d.message()
            )
        })
        .collect()
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
