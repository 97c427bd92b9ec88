//! The cache of read files (issue 13): a cached load gives the same catalog and the same
//! diagnostics as a fresh one, and a stale, foreign or damaged entry is never trusted. A file
//! with a diagnostic is kept as its tree (`.tree`), a clean one as its checked document (`.doc`);
//! a catalog with no diagnostic at all keeps its resolved references (`.links`).

mod common;

use std::path::Path;

use framework_core::Catalog;
use framework_core::cache::Cache;
use framework_core::graph::{ActivityHandle, ActivityKind, ItemHandle};

fn load(file: &Path, cache: &Path) -> Catalog {
    let mut b = Catalog::builder()
        .builtin(false)
        .cache(Some(Cache::new(cache)));
    b.add_path(file).unwrap();
    b.build()
}

fn fresh(file: &Path) -> Catalog {
    let mut b = Catalog::builder().builtin(false);
    b.add_path(file).unwrap();
    b.build()
}

/// What a catalog holds, in a comparable form: each framework's document and every diagnostic.
fn summary(c: &Catalog) -> String {
    let mut docs: Vec<String> = c
        .frameworks()
        .iter()
        .map(|f| {
            let items: Vec<String> = f
                .indexed()
                .map(|(i, item)| {
                    let h = f.hierarchy();
                    format!(
                        "{item:?} {:?} {:?} {:?} {}",
                        h.parents(i),
                        h.children(i),
                        item.position(),
                        h.is_optional(i)
                    )
                })
                .collect();
            format!(
                "{} {items:?} {:?}",
                serde_json::to_string(&f.document_view(None)).unwrap(),
                f.info.position()
            )
        })
        .collect();
    docs.extend(c.curricula().iter().map(|d| format!("{d:?}")));
    docs.extend(c.mappings().iter().map(|d| format!("{d:?}")));
    docs.extend(c.roles().iter().map(|d| format!("{d:?}")));
    // The graph: every item's requirements and mapping links, every activity's covers.
    let g = c.graph();
    for (f, fw) in c.frameworks().iter().enumerate() {
        for (i, _) in fw.indexed() {
            let h = ItemHandle::new(f, i);
            docs.push(format!("{h:?} {:?} {:?}", g.requires(h), g.mapped(h)));
        }
    }
    for (n, cur) in c.curricula().iter().enumerate() {
        let kinds = [
            (ActivityKind::Session, cur.sessions.len()),
            (ActivityKind::Assessment, cur.assessments.len()),
        ];
        for (kind, count) in kinds {
            for index in 0..count {
                let a = ActivityHandle {
                    curriculum: n,
                    kind,
                    index,
                };
                docs.push(format!("{a:?} {:?}", g.covers(a)));
            }
        }
    }
    let diags: Vec<String> = c.diagnostics().iter().map(common::described).collect();
    format!("{docs:?}\n{diags:?}")
}

/// The cache's entries with one of these extensions.
fn with_extension(dir: &Path, extensions: &[&str]) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|r| {
            r.map(|e| e.unwrap().path())
                .filter(|p| {
                    p.extension()
                        .is_some_and(|e| extensions.iter().any(|x| e == *x))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The entries of read files.
fn entries(dir: &Path) -> Vec<std::path::PathBuf> {
    with_extension(dir, &["tree", "doc"])
}

/// A clean framework: kept as its checked document.
const CLEAN: &str = "kind: framework\nid: clean\ntitle: Clean\nversion: '1'\nmissing: [annexes]\nlevels: [standard, outcome]\nitems:\n  - id: \"1\"\n    title: One\n    items:\n      - { id: \"1.1\", title: First, statement: Do it, tags: [a, b], credits: 2.5 }\n      - { id: \"1.2\", title: Second, optional: true, requires: [\"1.1\"] }\n  - { id: \"2\", title: Two, also_under: [\"1\"], type: skill }\n";

/// A framework with a diagnostic: kept as its tree, checked again when served.
const DOC: &str = "kind: framework\nid: cached\ntitle: Cached\ncompleteness: complete\nitems:\n  - { id: \"1\", title: One, optional: maybe }\n  - { id: \"2\", title: Two }\n";

#[test]
fn a_cached_load_is_the_same_as_a_fresh_one() {
    for (text, kind) in [(DOC, "tree"), (CLEAN, "doc")] {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("doc.yaml");
        std::fs::write(&file, text).unwrap();
        let cache = dir.path().join("cache");
        let first = load(&file, &cache);
        let entry = entries(&cache).pop().unwrap();
        assert!(entry.extension().is_some_and(|e| e == kind), "{entry:?}");
        let second = load(&file, &cache);
        assert_eq!(summary(&first), summary(&fresh(&file)));
        assert_eq!(summary(&second), summary(&first));
    }
}

#[test]
fn a_diagnostic_keeps_its_place_when_served_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.yaml");
    std::fs::write(&file, DOC).unwrap();
    let cache = dir.path().join("cache");
    let first = load(&file, &cache);
    assert_eq!(entries(&cache).len(), 1);
    let second = load(&file, &cache);
    assert_eq!(summary(&first), summary(&fresh(&file)));
    assert_eq!(summary(&second), summary(&first));
    // The diagnostic (a wrong type) keeps its place.
    assert!(
        summary(&second).contains(":6:38 wrong-type"),
        "{}",
        summary(&second)
    );
}

#[test]
fn a_changed_file_is_read_again() {
    for text in [DOC, CLEAN] {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("doc.yaml");
        let cache = dir.path().join("cache");
        std::fs::write(&file, text).unwrap();
        load(&file, &cache);
        std::fs::write(&file, text.replace("title: Two", "title: Deux")).unwrap();
        let again = load(&file, &cache);
        assert_eq!(summary(&again), summary(&fresh(&file)));
        assert!(summary(&again).contains("Deux"));
    }
}

#[test]
fn every_byte_of_a_document_entry_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.yaml");
    let cache = dir.path().join("cache");
    std::fs::write(&file, CLEAN).unwrap();
    let expected = summary(&fresh(&file));
    load(&file, &cache);
    let entry = entries(&cache).pop().unwrap();
    let whole = std::fs::read(&entry).unwrap();
    for at in 0..whole.len() {
        let mut damaged = whole.clone();
        damaged[at] ^= 0x5a;
        std::fs::write(&entry, &damaged).unwrap();
        assert_eq!(summary(&load(&file, &cache)), expected, "byte {at}");
    }
}

#[test]
fn the_shipped_catalog_and_the_fixtures_load_the_same_from_the_cache() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for dir in ["frameworks", "tests/fixtures/valid"] {
        let cache = tempfile::tempdir().unwrap();
        let load = |cache: Option<Cache>| {
            let mut b = Catalog::builder().builtin(false).cache(cache);
            b.add_path(&root.join(dir)).unwrap();
            b.build()
        };
        let fresh = summary(&load(None));
        let first = summary(&load(Some(Cache::new(cache.path()))));
        let docs = entries(cache.path())
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "doc"))
            .count();
        assert!(docs > 3, "{docs} documents cached from {dir}");
        let cached = summary(&load(Some(Cache::new(cache.path()))));
        assert_eq!(first, fresh, "{dir}");
        assert_eq!(cached, fresh, "{dir}");
    }
}

#[test]
fn entries_of_another_version_or_damaged_are_ignored_and_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.yaml");
    let cache = dir.path().join("cache");
    std::fs::write(&file, DOC).unwrap();
    let expected = summary(&fresh(&file));
    load(&file, &cache);
    let entry = entries(&cache).pop().unwrap();
    let whole = std::fs::read(&entry).unwrap();
    // Another version of the engine wrote it.
    let mut other = whole.clone();
    other[9] ^= 0x20;
    std::fs::write(&entry, &other).unwrap();
    assert_eq!(summary(&load(&file, &cache)), expected);
    assert_eq!(
        std::fs::read(&entry).unwrap(),
        whole,
        "the entry is written again"
    );
    // A write cut short.
    for cut in [0, 8, whole.len() / 2, whole.len() - 1] {
        std::fs::write(&entry, &whole[..cut]).unwrap();
        assert_eq!(summary(&load(&file, &cache)), expected, "cut at {cut}");
        assert_eq!(std::fs::read(&entry).unwrap(), whole);
    }
    // Garbage in place of the tree.
    let mut garbage = whole.clone();
    let n = garbage.len();
    for b in &mut garbage[n - 20..] {
        *b = 0xff;
    }
    std::fs::write(&entry, &garbage).unwrap();
    assert_eq!(summary(&load(&file, &cache)), expected);
}

#[test]
fn the_command_line_can_do_without_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.yaml");
    std::fs::write(&file, DOC).unwrap();
    let cache = dir.path().join("cache");
    let run = |extra: &[&str]| {
        common::competence()
            .env("COMPETENCE_CACHE_DIR", &cache)
            .args(["--no-builtin", "validate"])
            .arg(&file)
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&["--no-cache"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(entries(&cache).is_empty());
    let first = run(&[]);
    assert_eq!(entries(&cache).len(), 1);
    let cached = run(&[]);
    assert_eq!(first.stderr, cached.stderr);
    assert_eq!(first.stderr, out.stderr);
}

/// Two frameworks, a mapping and a course between them: a catalog without a diagnostic.
const LINKED: [(&str, &str); 4] = [
    (
        "a.yaml",
        "kind: framework\nid: fa\ntitle: A\nitems:\n  - { id: \"1\", title: One, requires: [\"2\"] }\n  - { id: \"2\", title: Two }\n",
    ),
    (
        "b.yaml",
        "kind: framework\nid: fb\ntitle: B\nitems:\n  - { id: x, title: Ex }\n  - { id: y, title: Why }\n",
    ),
    (
        "m.yaml",
        "kind: mapping\nid: fa--fb\nfrom: fa\nto: fb\nlinks:\n  - { from: \"1\", to: x, relation: exact }\n  - { from: \"2\", to: y, relation: broad }\n",
    ),
    (
        "c.yaml",
        "kind: curriculum\nid: course\ntitle: Course\nframeworks: [fa]\nsessions:\n  - id: s1\n    title: First\n    covers: [{ ref: \"1\", depth: practised }, { ref: \"fb:y\", depth: introduced }]\nassessments:\n  - id: a1\n    title: Test\n    assesses: [{ ref: \"2\" }]\n",
    ),
];

/// The entries of catalogs' links.
fn links(dir: &Path) -> Vec<std::path::PathBuf> {
    with_extension(dir, &["links"])
}

fn linked_catalog(dir: &Path) -> std::path::PathBuf {
    let files = dir.join("catalog");
    std::fs::create_dir_all(&files).unwrap();
    for (name, text) in LINKED {
        std::fs::write(files.join(name), text).unwrap();
    }
    files
}

#[test]
fn a_clean_catalog_keeps_its_links_and_serves_them_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let files = linked_catalog(dir.path());
    let cache = dir.path().join("cache");
    let expected = summary(&fresh(&files));
    assert!(fresh(&files).diagnostics().is_empty());
    assert_eq!(summary(&load(&files, &cache)), expected);
    assert_eq!(links(&cache).len(), 1);
    // Served from the entry: the same graph.
    assert_eq!(summary(&load(&files, &cache)), expected);
    // One file changed: other sources, so the links are resolved again (and kept anew).
    let a = files.join("a.yaml");
    let text = std::fs::read_to_string(&a).unwrap();
    std::fs::write(&a, text.replace("requires: [\"2\"]", "requires: []")).unwrap();
    let changed = load(&files, &cache);
    assert_eq!(summary(&changed), summary(&fresh(&files)));
    assert_ne!(summary(&changed), expected);
    assert_eq!(links(&cache).len(), 2);
}

#[test]
fn a_catalog_with_a_diagnostic_keeps_no_links() {
    let dir = tempfile::tempdir().unwrap();
    let files = linked_catalog(dir.path());
    // A reference that does not resolve: a catalog-wide diagnostic, found only by linking.
    let m = files.join("m.yaml");
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(&m, text.replace("to: y", "to: zed")).unwrap();
    let cache = dir.path().join("cache");
    let first = load(&files, &cache);
    assert!(
        summary(&first).contains("unknown-ref"),
        "{}",
        summary(&first)
    );
    assert!(links(&cache).is_empty());
    assert_eq!(summary(&load(&files, &cache)), summary(&first));
}

#[test]
fn damaged_links_are_ignored_and_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let files = linked_catalog(dir.path());
    let cache = dir.path().join("cache");
    let expected = summary(&fresh(&files));
    load(&files, &cache);
    let entry = links(&cache).pop().unwrap();
    let whole = std::fs::read(&entry).unwrap();
    for at in 0..whole.len() {
        let mut damaged = whole.clone();
        damaged[at] ^= 0x5a;
        std::fs::write(&entry, &damaged).unwrap();
        assert_eq!(summary(&load(&files, &cache)), expected, "byte {at}");
        assert_eq!(std::fs::read(&entry).unwrap(), whole, "byte {at}");
    }
    for cut in [0, 8, whole.len() / 2, whole.len() - 1] {
        std::fs::write(&entry, &whole[..cut]).unwrap();
        assert_eq!(summary(&load(&files, &cache)), expected, "cut at {cut}");
    }
}

#[test]
fn links_that_do_not_fit_the_catalog_are_not_used() {
    // Links written for one catalog, placed under another's name (as a forged or misplaced
    // entry would be): they speak of frameworks the catalog does not have, so they are
    // refused and the references resolved afresh.
    let dir = tempfile::tempdir().unwrap();
    let files = linked_catalog(dir.path());
    let cache = dir.path().join("cache");
    load(&files, &cache);
    let big = links(&cache).pop().unwrap();
    let small_dir = dir.path().join("small");
    std::fs::create_dir_all(&small_dir).unwrap();
    std::fs::write(
        small_dir.join("a.yaml"),
        LINKED[0].1.replace("requires: [\"2\"]", ""),
    )
    .unwrap();
    let small_cache = dir.path().join("small-cache");
    let expected = summary(&fresh(&small_dir));
    load(&small_dir, &small_cache);
    let small = links(&small_cache).pop().unwrap();
    std::fs::copy(&big, &small).unwrap();
    assert_eq!(summary(&load(&small_dir, &small_cache)), expected);
}

#[test]
fn links_under_another_catalogs_name_are_refused() {
    // Two catalogs of the same shape whose references differ: the first one's links, placed
    // under the second's name, carry the first one's key, so they are refused and the second
    // is linked afresh. (That a served entry is really used is checked inside the crate, in
    // cache.rs.)
    let dir = tempfile::tempdir().unwrap();
    let files = linked_catalog(dir.path());
    let cache = dir.path().join("cache");
    let with_requires = summary(&load(&files, &cache));
    let entry = links(&cache).pop().unwrap();
    let a = files.join("a.yaml");
    let text = std::fs::read_to_string(&a).unwrap();
    std::fs::write(
        &a,
        text.replace("requires: [\"2\"]", "requires: [\"fb:x\"]"),
    )
    .unwrap();
    let expected = summary(&fresh(&files));
    assert_ne!(expected, with_requires);
    assert_eq!(summary(&load(&files, &cache)), expected);
    let other = links(&cache).into_iter().find(|p| *p != entry).unwrap();
    std::fs::copy(&entry, &other).unwrap();
    assert_eq!(summary(&load(&files, &cache)), expected);
    // And written again.
    assert_ne!(
        std::fs::read(&other).unwrap(),
        std::fs::read(&entry).unwrap()
    );
}
