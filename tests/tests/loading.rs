//! Loading: never panics, bounded work, references and the graph's queries.

use framework_core::{Catalog, Code, ItemRef, Target};
use proptest::prelude::*;

fn catalog_of(files: &[(&str, &str)]) -> Catalog {
    let mut b = Catalog::builder().builtin(false);
    for (name, text) in files {
        b.add_bytes(name, text.as_bytes());
    }
    b.build()
}

fn codes(c: &Catalog) -> Vec<Code> {
    c.diagnostics().iter().map(|d| d.code()).collect()
}

#[test]
fn every_shipped_document_validates_cleanly() {
    let c = Catalog::builtin();
    assert!(c.diagnostics().is_empty(), "{:#?}", c.diagnostics());
    assert!(!c.frameworks().is_empty());
}

#[test]
fn care_certificate_2015_has_fifteen_standards_and_says_what_is_missing() {
    let c = Catalog::builtin();
    let cc = c.framework("care-certificate-2015").unwrap();
    assert_eq!(cc.roots().len(), 15);
    assert_eq!(
        cc.info.completeness,
        Some(framework_core::model::Completeness::Partial)
    );
    assert!(!cc.info.missing.is_empty());
    assert!(cc.info.source.is_some());
    let titles: Vec<&str> = cc
        .roots()
        .map(|i| cc.item(i).unwrap().title.as_str())
        .collect();
    assert_eq!(titles[0], "Understand your role");
    assert_eq!(titles[14], "Infection prevention and control");
    // Ids as published: standard 1's first criterion.
    assert!(cc.find("1.1a").is_some());
}

const FRAMEWORK: &str = r#"
kind: framework
id: poly
title: A polyhierarchy
items:
  - id: a
    title: A
    items:
      - { id: a1, title: A one }
      - { id: a2, title: A two, requires: [a1] }
  - id: b
    title: B
    items:
      - { id: b1, title: B one, also_under: [a] }
      - id: b2
        title: B two
        optional: true
        items:
          - { id: b2x, title: Under an optional item }
"#;

#[test]
fn references_resolve_bare_qualified_non_leaf_and_all() {
    let curriculum = r#"
kind: curriculum
id: course
title: Course
frameworks: [poly]
sessions:
  - id: s1
    title: One
    covers: [a1, "poly:b", "poly:*", { ref: a, depth: assessed }]
"#;
    let c = catalog_of(&[("poly.yaml", FRAMEWORK), ("course.yaml", curriculum)]);
    assert!(c.diagnostics().is_empty(), "{:#?}", c.diagnostics());
    let s = &c.curriculum("course").unwrap().sessions[0];
    let refs: Vec<String> = s.covers.iter().map(|c| c.target.to_string()).collect();
    assert_eq!(refs, ["poly:a1", "poly:b", "poly:*", "poly:a"]);
    let leaves = |r: &str| -> Vec<String> {
        c.leaves_of(&ItemRef::parse_qualified(r).unwrap())
            .into_iter()
            .map(|h| c.item_ref(h).unwrap().to_string())
            .collect()
    };
    assert_eq!(leaves("poly:a1"), ["poly:a1"]);
    // `a` holds a1, a2, and b1 through also_under.
    assert_eq!(leaves("poly:a"), ["poly:a1", "poly:a2", "poly:b1"]);
    // Optional items (b2 and everything under it) are not leaves that count.
    assert_eq!(leaves("poly:b"), ["poly:b1"]);
    assert_eq!(leaves("poly:*"), ["poly:a1", "poly:a2", "poly:b1"]);
}

#[test]
fn hierarchy_and_graph_queries_follow_parents_children_and_requires() {
    let c = catalog_of(&[("poly.yaml", FRAMEWORK)]);
    assert!(c.diagnostics().is_empty(), "{:#?}", c.diagnostics());
    let h = |id: &str| match c.resolve(&ItemRef::parse_qualified(&format!("poly:{id}")).unwrap()) {
        Some(Target::Item(h)) => h,
        other => panic!("{id}: {other:?}"),
    };
    let ids = |hs: Vec<framework_core::ItemHandle>| -> Vec<String> {
        hs.into_iter()
            .map(|h| c.item(h).unwrap().id.to_string())
            .collect()
    };
    let g = c.graph();
    let tree = c.framework("poly").unwrap().hierarchy();
    let handles = |is: &[framework_core::model::ItemIdx]| -> Vec<framework_core::ItemHandle> {
        is.iter()
            .map(|&i| framework_core::ItemHandle::new(0, i))
            .collect()
    };
    assert_eq!(ids(c.children(h("a"))), ["a1", "a2", "b1"]);
    assert_eq!(ids(handles(tree.parents(h("b1").item()))), ["b", "a"]);
    assert_eq!(ids(handles(&tree.ancestors(h("b2x").item()))), ["b2", "b"]);
    let paths: Vec<Vec<String>> = tree
        .paths(h("b1").item())
        .iter()
        .map(|p| ids(handles(p)))
        .collect();
    assert_eq!(paths, [vec!["b", "b1"], vec!["a", "b1"]]);
    assert_eq!(g.requires(h("a2")), [Target::Item(h("a1"))]);
    assert_eq!(ids(c.roots(0)), ["a", "b"]);
    assert!(tree.is_optional(h("b2x").item()));
}

#[test]
fn covers_and_mappings_are_edges() {
    let other = "kind: framework\nid: other\ntitle: Other\nitems: [{ id: x, title: X }]\n";
    let mapping = "kind: mapping\nid: poly--other\nfrom: poly\nto: other\nlinks: [{ from: a1, to: x, relation: narrow }]\n";
    let course = "kind: curriculum\nid: c\ntitle: C\nframeworks: [poly]\nsessions: [{ id: s, title: S, covers: [{ ref: a1, depth: practised }] }]\nassessments: [{ id: t, title: T, assesses: [a1] }]\n";
    let c = catalog_of(&[
        ("poly.yaml", FRAMEWORK),
        ("other.yaml", other),
        ("m.yaml", mapping),
        ("c.yaml", course),
    ]);
    assert!(c.diagnostics().is_empty(), "{:#?}", c.diagnostics());
    let Some(Target::Item(a1)) = c.resolve(&ItemRef::parse_qualified("poly:a1").unwrap()) else {
        panic!()
    };
    let Some(Target::Item(x)) = c.resolve(&ItemRef::parse_qualified("other:x").unwrap()) else {
        panic!()
    };
    let mut by = c.graph().covered_by(a1);
    by.sort();
    let depths: Vec<_> = by.iter().map(|(_, d)| d.as_str()).collect();
    assert_eq!(depths, ["practised", "assessed"]);
    use framework_core::model::Relation;
    assert_eq!(
        c.graph().mapped(a1),
        [(Target::Item(x), Relation::Narrow, 0)]
    );
    // Read backwards, narrow becomes broad.
    assert_eq!(
        c.graph().mapped(x),
        [(Target::Item(a1), Relation::Broad, 0)]
    );
}

#[test]
fn numeric_ids_are_refused_unless_lossless() {
    let text = "kind: framework\nid: n\ntitle: N\nitems:\n  - { id: 1, title: One }\n  - { id: 1.10, title: Ten }\n  - { id: 010, title: Octal-looking }\n";
    let c = catalog_of(&[("n.yaml", text)]);
    let found: Vec<(Code, u32, u32)> = c
        .diagnostics()
        .iter()
        .map(|d| (d.code(), d.line(), d.column()))
        .collect();
    assert_eq!(found, [(Code::NumericId, 6, 11), (Code::NumericId, 7, 11)]);
    assert!(c.framework("n").unwrap().find("1").is_some());
}

#[test]
fn a_user_document_replaces_a_shipped_one() {
    let mut b = Catalog::builder();
    b.add_bytes(
        "mine.yaml",
        b"kind: framework\nid: rqf-peer-mentoring-units\ntitle: Mine\nitems: [{ id: x, title: X }]\n",
    );
    let c = b.build();
    assert_eq!(codes(&c), [Code::ReplacesBuiltin]);
    assert_eq!(
        c.framework("rqf-peer-mentoring-units").unwrap().info.title,
        "Mine"
    );
    assert!(!c.has_errors());
}

#[test]
fn deep_nesting_is_refused_quickly() {
    let deep = format!(
        "kind: framework\nid: d\ntitle: D\nitems: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let start = std::time::Instant::now();
    let c = catalog_of(&[("deep.yaml", &deep)]);
    assert_eq!(codes(&c), [Code::ResourceLimit]);
    // Generous: this guards against runaway work, not speed (benchmarks measure speed).
    assert!(start.elapsed().as_secs() < 30);
}

#[test]
fn a_wide_alias_bomb_is_refused() {
    let mut text = String::from("kind: framework\nid: bomb\ntitle: Bomb\nx0: &x0 [");
    text.push_str(&vec!["\"lol\""; 50].join(","));
    text.push_str("]\n");
    for i in 1..8 {
        text.push_str(&format!(
            "x{i}: &x{i} [{}]\n",
            vec![format!("*x{}", i - 1); 50].join(",")
        ));
    }
    let c = catalog_of(&[("bomb.yaml", &text)]);
    assert_eq!(codes(&c), [Code::ResourceLimit]);
}

fn yaml_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("~".to_owned()),
        Just("true".to_owned()),
        Just("1.10".to_owned()),
        Just("-3".to_owned()),
        "[a-z0-9 .:*-]{0,8}".prop_map(|s| format!("{s:?}")),
        "[a-z][a-z0-9.-]{0,6}",
        Just("&a x".to_owned()),
        Just("*a".to_owned()),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("kind"),
                        Just("id"),
                        Just("title"),
                        Just("items"),
                        Just("requires"),
                        Just("also_under"),
                        Just("frameworks"),
                        Just("sessions"),
                        Just("covers"),
                        Just("ref"),
                        Just("depth"),
                        Just("links"),
                        Just("from"),
                        Just("to"),
                        Just("relation"),
                        Just("requirements"),
                        Just("rule"),
                        Just("within"),
                        Just("optional"),
                        Just("hours"),
                        Just("tittle"),
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|kv| format!(
                "{{{}}}",
                kv.iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        ]
    })
}

fn document() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("framework"),
            Just("curriculum"),
            Just("mapping"),
            Just("role"),
            Just("other")
        ],
        "[a-z][a-z0-9-]{0,8}",
        prop::collection::vec(
            (
                prop_oneof![
                    Just("title"),
                    Just("items"),
                    Just("frameworks"),
                    Just("sessions"),
                    Just("modules"),
                    Just("from"),
                    Just("to"),
                    Just("links"),
                    Just("requirements"),
                    Just("assessments"),
                    Just("completeness")
                ],
                yaml_value(),
            ),
            0..6,
        ),
    )
        .prop_map(|(kind, id, fields)| {
            let mut s = format!("kind: {kind}\nid: {id}\n");
            for (k, v) in fields {
                s.push_str(&format!("{k}: {v}\n"));
            }
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let mut b = Catalog::builder().builtin(false);
        b.add_bytes("x.yaml", &bytes);
        b.add_bytes("x.json", &bytes);
        let c = b.build();
        for d in c.diagnostics() {
            prop_assert!(d.line() >= 1 && d.column() >= 1);
        }
    }

    #[test]
    fn arbitrary_documents_never_panic(docs in prop::collection::vec(document(), 1..4)) {
        // A small framework stands in for the shipped catalog (fast, and references can resolve).
        let mut b = Catalog::builder().builtin(false);
        b.add_bytes("poly.yaml", FRAMEWORK.as_bytes());
        for (n, d) in docs.iter().enumerate() {
            b.add_bytes(&format!("d{n}.yaml"), d.as_bytes());
        }
        let c = b.build();
        for d in c.diagnostics() {
            prop_assert!(d.line() >= 1 && d.column() >= 1);
            // Every position is inside its file.
            let lines = docs.get(d.file().trim_start_matches('d').trim_end_matches(".yaml").parse::<usize>().unwrap_or(0)).map_or(1, |t| t.lines().count().max(1));
            prop_assert!(d.line() as usize <= lines + 1, "{d:?}");
        }
        // Rendering never panics either.
        for d in c.diagnostics() {
            let _ = serde_json::to_string(d).unwrap();
        }
    }
}

#[test]
fn a_file_reached_twice_is_read_once() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/valid");
    let mut b = Catalog::builder();
    b.add_path(&root).unwrap();
    b.add_path(&root.join("role.yaml")).unwrap();
    b.add_path(&root.join("../valid/role.yaml")).unwrap();
    let c = b.build();
    assert!(c.diagnostics().is_empty(), "{:#?}", c.diagnostics());
}

#[test]
fn replacing_a_shipped_framework_reports_what_it_breaks() {
    // A smaller local copy of a framework that shipped documents refer to: every reference
    // that no longer resolves is reported, in the shipped files.
    let mut b = Catalog::builder();
    b.add_bytes(
        "mine.yaml",
        b"kind: framework\nid: care-certificate-2015\ntitle: Mine\nitems: [{ id: x, title: X }]\n",
    );
    let c = b.build();
    assert!(
        c.diagnostics()
            .iter()
            .any(|d| d.code() == Code::ReplacesBuiltin)
    );
    assert!(
        c.diagnostics()
            .iter()
            .any(|d| d.code() == Code::UnknownRef && d.file().starts_with("frameworks/"))
    );
}
