//! CASE, Moodle and Open Badges: known answers on real files, strict-schema validation of every
//! export, and round trips (import, export, import gives the same framework).

mod common;

use std::path::{Path, PathBuf};

use framework_core::interop::{self, case, moodle, ob3};
use framework_core::{Catalog, Severity};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use common::root;

fn interop_dir() -> PathBuf {
    root().join("fixtures/interop")
}

fn case_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(interop_dir().join("case"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

fn import_case(path: &Path) -> interop::Imported {
    let bytes = std::fs::read(path).unwrap();
    let name = path.display().to_string();
    case::import(&[(name.as_str(), bytes.as_slice())], None)
}

fn errors(imported: &interop::Imported) -> Vec<String> {
    imported
        .diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .map(|d| format!("{}:{}:{} {}", d.file(), d.line(), d.column(), d.message()))
        .collect()
}

/// What an import made, in the documents' own shape (as `competence import` writes them).
fn documents(imported: &interop::Imported) -> Vec<Map<String, Value>> {
    let frameworks = imported
        .frameworks
        .iter()
        .map(|f| serde_json::to_value(f.document_view(None)).unwrap());
    let mappings = imported
        .mappings
        .iter()
        .map(|m| serde_json::to_value(m.document_view()).unwrap());
    frameworks
        .chain(mappings)
        .map(|v| match v {
            Value::Object(m) => m,
            other => panic!("a document is an object, not {other}"),
        })
        .collect()
}

/// The imported documents loaded into a catalog (with the shipped documents when `builtin`),
/// asserting that they load without a problem.
fn load(documents: &[Map<String, Value>], builtin: bool) -> Catalog {
    let mut b = Catalog::builder().builtin(builtin);
    for (n, d) in documents.iter().enumerate() {
        b.add_bytes(
            &format!("imported-{n}.yaml"),
            interop::to_yaml(d, "test").as_bytes(),
        );
    }
    let catalog = b.build();
    let problems: Vec<String> = catalog
        .diagnostics()
        .iter()
        .map(common::described)
        .collect();
    assert!(
        problems.is_empty(),
        "imported documents do not load: {problems:#?}"
    );
    catalog
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(interop_dir().join("1edtech-case-v1p1-cfpackage-jsonschema.json"))
            .unwrap(),
    )
    .unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid_case(v: &jsonschema::Validator, package: &Value, what: &str) {
    let problems: Vec<String> = v
        .iter_errors(package)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        problems.is_empty(),
        "{what} is not valid CASE 1.1: {problems:#?}"
    );
}

/// A document without the timestamps (OpenSALT's round-trip rule ignores them).
fn without_stamps(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| k.as_str() != "lastChangeDateTime")
                .map(|(k, v)| (k.clone(), without_stamps(v)))
                .filter(|(_, v)| !matches!(v, Value::Object(o) if o.is_empty()))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_stamps).collect()),
        _ => v.clone(),
    }
}

/// Asserts two values are equal, naming the first place they differ (documents are long).
fn same(a: &Value, b: &Value, what: &str) {
    fn diff(a: &Value, b: &Value, path: &str) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => diff(p, q, &format!("{path}.{k}")),
                    (p, q) => Some(format!("{path}.{k}: {p:?} != {q:?}")),
                })
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .find_map(|(n, (p, q))| diff(p, q, &format!("{path}[{n}]"))),
            _ if a == b => None,
            _ => Some(format!("{path}: {a} != {b}")),
        }
    }
    if let Some(d) = diff(a, b, "") {
        panic!("{what}: {d}");
    }
}

fn document_of(catalog: &Catalog, id: &str) -> Value {
    serde_json::to_value(catalog.framework(id).unwrap().document_view(None)).unwrap()
}

fn export_reimport_case(catalog: &Catalog, id: &str) -> (Value, Map<String, Value>) {
    let fw = catalog.framework(id).unwrap();
    let package = case::export(catalog, fw, &case::ExportOptions::default());
    let text = serde_json::to_vec(&package).unwrap();
    let again = case::import(&[("exported.json", text.as_slice())], None);
    assert!(errors(&again).is_empty(), "{:?}", errors(&again));
    assert!(
        again.diagnostics.is_empty(),
        "our own export needs no leniency: {:?}",
        again
            .diagnostics
            .iter()
            .map(|d| d.message().to_owned())
            .collect::<Vec<_>>()
    );
    let doc = documents(&again).into_iter().next().unwrap();
    (package, doc)
}

/// A re-imported document without its `extensions.case`: the export's stamp is the one thing an
/// import of our own export keeps that the original lacks.
fn without_case_document(mut doc: Map<String, Value>) -> Map<String, Value> {
    if let Some(ext) = doc.get_mut("extensions").and_then(Value::as_object_mut) {
        ext.remove("case");
        if ext.is_empty() {
            doc.remove("extensions");
        }
    }
    doc
}

fn ids_in_order(items: &Value) -> Vec<String> {
    items
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_opensalt_package_imports_loads_exports_valid_and_round_trips() {
    let v = validator();
    for path in case_files() {
        let what = path.file_name().unwrap().to_string_lossy().into_owned();
        let imported = import_case(&path);
        assert!(
            errors(&imported).is_empty(),
            "{what}: {:?}",
            errors(&imported)
        );
        assert_eq!(documents(&imported).len(), 1, "{what}");
        let id = imported.frameworks[0].id().to_string();
        let catalog = load(&documents(&imported), false);
        let first = document_of(&catalog, &id);
        let (package, again) = export_reimport_case(&catalog, &id);
        assert_valid_case(&v, &package, &what);
        let second = document_of(&load(&[again], false), &id);
        same(&without_stamps(&second), &without_stamps(&first), &what);
    }
}

#[test]
fn sequence_numbers_order_siblings() {
    let d = &documents(&import_case(
        &interop_dir().join("case/SequenceNumberFramework.json"),
    ))[0];
    assert_eq!(ids_in_order(&d["items"]), ["SNT.2", "SNT.1"]);
}

#[test]
fn human_coding_schemes_sort_naturally() {
    let d = &documents(&import_case(&interop_dir().join("case/Ordering.json")))[0];
    // The 24 `...L1.n` siblings, wherever they sit in the tree.
    fn find(items: &Value, out: &mut Vec<Vec<String>>) {
        for i in items.as_array().into_iter().flatten() {
            let kids = ids_in_order(&i["items"]);
            if kids.len() == 24 {
                out.push(kids);
            }
            find(&i["items"], out);
        }
    }
    let mut found = Vec::new();
    find(&d["items"], &mut found);
    assert_eq!(found.len(), 1);
    let tails: Vec<u32> = found[0]
        .iter()
        .map(|id| id.rsplit('.').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(tails, (1..=24).collect::<Vec<_>>());
}

#[test]
fn package_order_holds_without_codes_and_titles_stay_text() {
    let d = &documents(&import_case(
        &interop_dir().join("case/SmartLevelFramework.json"),
    ))[0];
    let mut titles = Vec::new();
    fn walk(items: &Value, out: &mut Vec<String>) {
        for i in items.as_array().into_iter().flatten() {
            out.push(i["title"].as_str().unwrap().to_owned());
            walk(&i["items"], out);
        }
    }
    walk(&d["items"], &mut titles);
    let levels: Vec<&str> = titles
        .iter()
        .map(|t| t.trim_start_matches("Item "))
        .collect();
    assert!(levels.contains(&"1.10"), "{levels:?}");
    let pos = |s: &str| levels.iter().position(|l| *l == s).unwrap();
    assert!(
        pos("1.9") < pos("1.10") && pos("1.10") < pos("2"),
        "{levels:?}"
    );
}

#[test]
fn utf8_and_markdown_survive_byte_for_byte() {
    for (file, needle) in [
        ("Utf8TestFramework.json", "𝑑"),
        ("MarkdownFramework.json", "\r\n"),
    ] {
        let path = interop_dir().join("case").join(file);
        let original: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let imported = import_case(&path);
        let catalog = load(&documents(&imported), false);
        let id = imported.frameworks[0].id().as_str();
        let (package, _) = export_reimport_case(&catalog, id);
        let texts = |v: &Value| {
            let mut out: Vec<String> = Vec::new();
            for key in ["CFItems"] {
                for item in v[key].as_array().into_iter().flatten() {
                    out.push(item["fullStatement"].as_str().unwrap().to_owned());
                }
            }
            out.push(v["CFDocument"]["title"].as_str().unwrap().to_owned());
            out.sort();
            out
        };
        assert_eq!(texts(&package), texts(&original), "{file}");
        assert!(texts(&package).iter().any(|t| t.contains(needle)), "{file}");
    }
}

#[test]
fn an_empty_framework_imports_and_exports() {
    let imported = import_case(&interop_dir().join("case/EmptyExternalFramework.json"));
    assert_eq!(documents(&imported)[0]["items"], json!([]));
    let catalog = load(&documents(&imported), false);
    let id = imported.frameworks[0].id().as_str();
    let (package, _) = export_reimport_case(&catalog, id);
    assert_eq!(package["CFItems"], json!([]));
}

#[test]
fn associations_to_nodes_outside_the_package_are_kept_and_exported() {
    let path = interop_dir().join("case/WhatStandardsCouldBe-20c5134f.json");
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let not_tree = |v: &Value| {
        v["CFAssociations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["associationType"] != "isChildOf")
            .map(|a| {
                (
                    a["associationType"].as_str().unwrap().to_owned(),
                    a["destinationNodeURI"]["identifier"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let kept = not_tree(&original);
    assert!(kept.iter().any(|(t, _)| t == "exactMatchOf"));
    let imported = import_case(&path);
    let catalog = load(&documents(&imported), false);
    let id = imported.frameworks[0].id().as_str();
    let (package, _) = export_reimport_case(&catalog, id);
    let mut a = not_tree(&package);
    let mut b = kept.clone();
    a.sort_by(|x, y| format!("{x:?}").cmp(&format!("{y:?}")));
    b.sort_by(|x, y| format!("{x:?}").cmp(&format!("{y:?}")));
    assert_eq!(a, b);
    // The liberties of this file were each reported, with a position.
    let leniencies = imported.diagnostics.len();
    assert!(leniencies > 100, "{leniencies}");
    assert!(
        imported
            .diagnostics
            .iter()
            .all(|d| d.line() > 0 && d.column() > 0)
    );
}

#[test]
fn associations_between_packages_imported_together_become_mappings() {
    let catalog = Catalog::builtin();
    let a = case::export(
        &catalog,
        catalog.framework("care-certificate-2015").unwrap(),
        &Default::default(),
    );
    let b = case::export(
        &catalog,
        catalog.framework("care-certificate-2025").unwrap(),
        &Default::default(),
    );
    let (ta, tb) = (
        serde_json::to_vec(&a).unwrap(),
        serde_json::to_vec(&b).unwrap(),
    );
    let imported = case::import(
        &[("a.json", ta.as_slice()), ("b.json", tb.as_slice())],
        None,
    );
    assert!(errors(&imported).is_empty(), "{:?}", errors(&imported));
    let all = documents(&imported);
    let mappings: Vec<&Map<String, Value>> =
        all.iter().filter(|d| d["kind"] == "mapping").collect();
    assert!(!mappings.is_empty());
    let shipped = catalog
        .mappings()
        .iter()
        .find(|m| {
            m.from.as_str() == "care-certificate-2015" && m.to.as_str() == "care-certificate-2025"
        })
        .unwrap();
    let links: usize = mappings
        .iter()
        .map(|m| m["links"].as_array().unwrap().len())
        .sum();
    // Each shipped link arrives once from each side's export.
    assert_eq!(links, 2 * shipped.links.len());
    let loaded = load(&documents(&imported), false);
    assert!(!loaded.mappings().is_empty());
}

#[test]
fn every_shipped_framework_exports_valid_case_and_reimports_unchanged() {
    let v = validator();
    let catalog = Catalog::builtin();
    for doc in catalog.documents() {
        let id = doc.info().id.to_string();
        let Some(_) = catalog.framework(&id) else {
            continue;
        };
        let (package, again) = export_reimport_case(&catalog, &id);
        assert_valid_case(&v, &package, &id);
        let reloaded = load(&[without_case_document(again)], false);
        same(
            &document_of(&reloaded, &id),
            &document_of(&catalog, &id),
            &id,
        );
    }
}

#[test]
fn exports_are_the_same_every_time() {
    let catalog = Catalog::builtin();
    let fw = catalog.framework("hee-psw-2020").unwrap();
    let a = case::export(&catalog, fw, &Default::default());
    let b = case::export(&catalog, fw, &Default::default());
    let ids = |v: &Value| {
        v["CFItems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["identifier"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&a), ids(&b));
    assert_eq!(
        a["CFItems"][0]["identifier"],
        json!(interop::derived_uuid(&[
            "item",
            "hee-psw-2020",
            fw.items()[0].id.as_str()
        ]))
    );
}

fn moodle_import(file: &str) -> interop::Imported {
    let path = interop_dir().join("moodle").join(file);
    moodle::import(
        &path.display().to_string(),
        &std::fs::read(&path).unwrap(),
        None,
    )
}

fn count_items(items: &Value) -> usize {
    items
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| 1 + count_items(&i["items"]))
        .sum()
}

/// Ids, titles and statements, nested, in order.
fn tree(items: &Value) -> Value {
    Value::Array(
        items
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| json!([i["id"], i["title"], i["statement"], tree(&i["items"])]))
            .collect(),
    )
}

#[test]
fn the_oecd_moodle_file_gives_64_competencies_and_round_trips() {
    let imported = moodle_import("lpimportcsv-example-oecd.csv");
    assert!(errors(&imported).is_empty(), "{:?}", errors(&imported));
    let d = &documents(&imported)[0];
    assert_eq!(count_items(&d["items"]), 64);
    assert_eq!(d["items"].as_array().unwrap().len(), 2);
    let catalog = load(&documents(&imported), false);
    let id = d["id"].as_str().unwrap();
    let (csv, _) = moodle::export(catalog.framework(id).unwrap());
    let again = moodle::import("again.csv", csv.as_bytes(), None);
    assert!(again.diagnostics.is_empty());
    assert_eq!(
        Value::Object(documents(&again)[0].clone()),
        Value::Object(d.clone())
    );
    // Cross-references survive, commas and all.
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .starts_with("Parent ID number,ID number,Short name")
    );
}

#[test]
fn the_legacy_12_column_moodle_file_imports_with_forward_parents() {
    let imported = moodle_import("lpimportcsv-2016-pharmacy-example.csv");
    assert!(errors(&imported).is_empty(), "{:?}", errors(&imported));
    let d = &documents(&imported)[0];
    assert_eq!(d["levels"][0], "domain");
    assert!(count_items(&d["items"]) > 10);
    let catalog = load(&documents(&imported), false);
    let id = d["id"].as_str().unwrap();
    let (csv, _) = moodle::export(catalog.framework(id).unwrap());
    let again = moodle::import("again.csv", csv.as_bytes(), None);
    assert_eq!(tree(&documents(&again)[0]["items"]), tree(&d["items"]));
}

#[test]
fn every_shipped_framework_exports_to_moodle_and_reimports_the_same_tree() {
    let catalog = Catalog::builtin();
    for doc in catalog.documents() {
        let id = doc.info().id.to_string();
        let Some(fw) = catalog.framework(&id) else {
            continue;
        };
        let (csv, lost) = moodle::export(fw);
        assert!(
            lost.iter()
                .all(|d| d.code() == framework_core::Code::ExportLoss)
        );
        let again = moodle::import("again.csv", csv.as_bytes(), Some(&id));
        assert!(again.diagnostics.is_empty(), "{id}");
        let shipped = document_of(&catalog, &id);
        let back = &documents(&again)[0];
        assert_eq!(back["title"], shipped["title"], "{id}");
        assert_eq!(tree(&back["items"]), tree(&shipped["items"]), "{id}");
        load(&documents(&again), false);
    }
}

#[test]
fn the_open_badges_achievement_aligns_to_every_covered_item() {
    let catalog = Catalog::builtin();
    let id = "cnwl-developing-expertise-peer-working";
    let achievement = ob3::export(&catalog, id, None).unwrap();
    let report = framework_core::coverage::coverage(&catalog, id, None).unwrap();
    let covered = report.items.iter().filter(|i| i.covered).count();
    let alignments = achievement["alignment"].as_array().unwrap();
    assert!(alignments.len() >= covered && covered > 0);
    for a in alignments {
        for key in ["targetName", "targetUrl", "targetCode", "targetFramework"] {
            assert!(a[key].is_string(), "{key} in {a}");
        }
        assert_eq!(a["type"], json!(["Alignment"]));
    }
    assert_eq!(achievement["type"], json!(["Achievement"]));
    assert!(achievement["criteria"]["narrative"].is_string());
    // With a CASE base uri, alignments point at the CASE items.
    let published = ob3::export(&catalog, id, Some("https://example.org/case/")).unwrap();
    assert_eq!(published["alignment"][0]["targetType"], "CFItem");
    assert!(
        published["alignment"][0]["targetUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://example.org/case/")
    );
}

prop_compose! {
    fn item_id()(s in "[A-Za-z0-9][A-Za-z0-9.]{0,6}") -> String { s }
}

fn framework_strategy() -> impl Strategy<Value = Value> {
    let leaf = (
        item_id(),
        "[ -~]{1,20}",
        proptest::option::of("[ -~\n]{1,30}"),
        proptest::option::of("[a-z]{3,8}"),
    )
        .prop_map(|(id, title, statement, kind)| {
            let mut m = Map::new();
            m.insert("id".into(), json!(id));
            if let Some(k) = kind {
                m.insert("kind".into(), json!(k));
            }
            m.insert("title".into(), json!(title.trim().to_owned() + "x"));
            if let Some(s) = statement {
                m.insert("statement".into(), json!(s));
            }
            Value::Object(m)
        });
    let tree = leaf.prop_recursive(3, 24, 4, |inner| {
        (inner.clone(), proptest::collection::vec(inner, 0..4)).prop_map(|(mut parent, kids)| {
            parent["items"] = Value::Array(kids);
            parent
        })
    });
    proptest::collection::vec(tree, 0..5).prop_map(|roots| {
        // Make ids unique by numbering them in document order.
        fn renumber(items: &mut Value, n: &mut usize) {
            for i in items.as_array_mut().into_iter().flatten() {
                *n += 1;
                let id = format!("{}-{n}", i["id"].as_str().unwrap());
                i["id"] = json!(id);
                if let Some(kids) = i.get_mut("items") {
                    if kids.as_array().is_some_and(Vec::is_empty) {
                        i.as_object_mut().unwrap().remove("items");
                    } else {
                        renumber(kids, n);
                    }
                }
            }
        }
        let mut items = Value::Array(roots);
        renumber(&mut items, &mut 0);
        json!({
            "kind": "framework", "id": "generated", "title": "Generated",
            "completeness": "complete", "items": items,
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn case_export_then_import_is_the_identity(doc in framework_strategy()) {
        let catalog = load(&[doc.as_object().unwrap().clone()], false);
        let before = document_of(&catalog, "generated");
        let (_, again) = export_reimport_case(&catalog, "generated");
        let after = document_of(&load(&[without_case_document(again)], false), "generated");
        prop_assert_eq!(after, before);
    }
}

#[test]
fn the_cli_imports_to_files_that_validate_and_exports_reproducibly() {
    let dir = std::env::temp_dir().join(format!("competence-interop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("sequence.yaml");
    let run = common::competence()
        .args([
            "import",
            "case",
            "fixtures/interop/case/SequenceNumberFramework.json",
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let check = common::competence()
        .arg("validate")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    // Two packages make several documents: a folder is needed.
    let two = common::competence()
        .args([
            "import",
            "case",
            "fixtures/interop/case/SequenceNumberFramework.json",
            "fixtures/interop/case/Utf8TestFramework.json",
        ])
        .output()
        .unwrap();
    assert_eq!(two.status.code(), Some(2));
    let two = common::competence()
        .args([
            "import",
            "case",
            "fixtures/interop/case/SequenceNumberFramework.json",
            "fixtures/interop/case/Utf8TestFramework.json",
            "-o",
        ])
        .arg(dir.join("both"))
        .output()
        .unwrap();
    assert_eq!(two.status.code(), Some(0));
    assert_eq!(std::fs::read_dir(dir.join("both")).unwrap().count(), 2);

    // Exports are byte-identical with a fixed SOURCE_DATE_EPOCH.
    let export = || {
        common::competence()
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .args(["export", "case", "imroc-peer-principles"])
            .output()
            .unwrap()
    };
    let (a, b) = (export(), export());
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
    assert!(String::from_utf8_lossy(&a.stdout).contains("\"2026-01-01T00:00:00Z\""));

    // JSON output carries the export and its diagnostics.
    let json = common::competence()
        .args([
            "export",
            "moodle",
            "imroc-peer-principles",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(
        v["output"]
            .as_str()
            .unwrap()
            .starts_with("Parent ID number,")
    );
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "export-loss")
    );
    let bad = common::competence()
        .args(["export", "case", "no-such-framework"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// An import's documents are checked by the loader as a file is, and its problems point into
/// the imported file (at the object the bad value came from), not into YAML written on the way.
#[test]
fn import_problems_point_into_the_imported_file() {
    let text = std::fs::read_to_string(interop_dir().join("case/Ordering.json")).unwrap();
    let mut package: Value = serde_json::from_str(&text).unwrap();
    package["CFItems"][0]["extensions"] = json!({"competence-engine": {"type": "nonsense"}});
    let bytes = serde_json::to_vec_pretty(&package).unwrap();
    let imported = case::import(&[("pkg.json", bytes.as_slice())], None);
    let bad: Vec<_> = imported
        .diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .collect();
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].code().as_str(), "invalid-value");
    assert_eq!(bad[0].file(), "pkg.json");
    let first_item = String::from_utf8(bytes.clone())
        .unwrap()
        .lines()
        .position(|l| l.trim() == "\"CFItems\": [")
        .unwrap()
        + 2;
    assert_eq!(bad[0].line() as usize, first_item);
    // The framework is still made, without the bad value.
    assert_eq!(imported.frameworks.len(), 1);
    assert!(
        imported.frameworks[0]
            .items()
            .iter()
            .all(|i| i.item_type.is_none())
    );
}

#[test]
fn an_association_keeps_its_own_time_and_1_0_spellings_are_read() {
    let package = json!({
        "CFDocument": {
            "identifier": "c0ffee00-0000-4000-8000-0000000000d1", "uri": "https://example.org/d1",
            "creator": "Test", "title": "Timed", "lastChangeDateTime": "2024-05-01T10:00:00+00:00"
        },
        "CFItems": [{
            "identifier": "c0ffee00-0000-4000-8000-0000000000e1", "uri": "https://example.org/e1",
            "fullStatement": "One", "humanCodingScheme": "1",
            "educationalLevel": ["09", "10"],
            "lastChangeDateTime": "2024-05-01T10:00:00+00:00"
        }],
        "CFAssociations": [{
            "identifier": "c0ffee00-0000-4000-8000-0000000000a1", "uri": "https://example.org/a1",
            "associationType": "isChildOf", "sequenceNumber": 1,
            "originNodeURI": { "title": "One", "identifier": "c0ffee00-0000-4000-8000-0000000000e1", "uri": "https://example.org/e1" },
            "destinationNodeURI": { "title": "Timed", "identifier": "c0ffee00-0000-4000-8000-0000000000d1", "uri": "https://example.org/d1" },
            "lastChangeDateTime": "2023-01-02T03:04:05+00:00"
        }]
    });
    let text = serde_json::to_vec(&package).unwrap();
    let imported = case::import(&[("timed.json", text.as_slice())], None);
    let lenient: Vec<&str> = imported.diagnostics.iter().map(|d| d.message()).collect();
    assert!(
        lenient
            .iter()
            .any(|m| m.contains("`educationalLevel` is CASE 1.0's spelling")),
        "{lenient:?}"
    );
    let catalog = load(&documents(&imported), false);
    let fw = &catalog.frameworks()[0];
    let again = case::export(&catalog, fw, &case::ExportOptions::default());
    assert_eq!(again["CFItems"][0]["educationLevel"], json!(["09", "10"]));
    assert_eq!(
        again["CFAssociations"][0]["lastChangeDateTime"],
        "2023-01-02T03:04:05+00:00"
    );
    assert_valid_case(&validator(), &again, "timed");
}

#[test]
fn warnings_about_a_one_line_package_show_positions_not_the_line() {
    let original: Value = serde_json::from_str(
        &std::fs::read_to_string(interop_dir().join("case/WhatStandardsCouldBe-20c5134f.json"))
            .unwrap(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let min = dir.path().join("min.json");
    std::fs::write(&min, serde_json::to_string(&original).unwrap()).unwrap();
    let out = common::competence()
        .args(["import", "case", min.to_str().unwrap(), "-o"])
        .arg(dir.path().join("out.yaml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warnings = stderr.matches("warning[").count();
    assert!(warnings > 20, "{stderr}");
    // Each warning is a few lines with its position, never the 40 KB line.
    assert!(
        stderr.len() < warnings * 400,
        "{} bytes for {warnings} warnings",
        stderr.len()
    );
    assert!(stderr.contains("min.json:1:"));
}
