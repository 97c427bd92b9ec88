//! Coverage: known answers on small hand-built catalogs, one rule at a time, and properties.

mod common;

use common::catalog;

use framework_core::coverage::{CoverageReport, Via, coverage};
use framework_core::model::Depth;
use proptest::prelude::*;

/// Framework `f`: a (a1, a2), b (b1, b2 (b2x optional)), c (leaf); a2 requires a1.
const F: &str = r#"
kind: framework
id: f
title: F
items:
  - id: a
    title: A
    items:
      - { id: a1, title: A one }
      - { id: a2, title: A two, requires: [a1] }
  - id: b
    title: B
    items:
      - { id: b1, title: B one }
      - { id: b2, title: B two, optional: true, items: [{ id: b2x, title: Optional leaf }] }
  - { id: c, title: C }
"#;

fn item<'r>(r: &'r CoverageReport, id: &str) -> &'r framework_core::coverage::ItemCoverage {
    r.items
        .iter()
        .find(|i| i.item.item_id().is_some_and(|x| x.as_str() == id))
        .unwrap_or_else(|| panic!("no item {id}"))
}

fn curriculum(frameworks: &str, body: &str) -> String {
    format!("kind: curriculum\nid: cur\ntitle: Cur\nframeworks: [{frameworks}]\n{body}")
}

#[test]
fn a_direct_cover_covers_the_leaf() {
    let cur = curriculum("f", "sessions:\n  - { id: s1, title: S1, covers: [a1] }\n");
    let c = catalog(&[F, &cur]);
    let r = coverage(&c, "cur", None).unwrap();
    assert_eq!((r.leaves, r.covered, r.partial), (4, 1, 0));
    assert!((r.ratio - 0.25).abs() < 1e-9);
    let a1 = item(&r, "a1");
    assert!(a1.covered);
    assert_eq!(a1.via, Some(Via::Direct));
    assert_eq!(a1.depth, Some(Depth::Introduced));
    assert_eq!(a1.sessions, ["s1"]);
    let uncovered: Vec<String> = r.uncovered.iter().map(ToString::to_string).collect();
    assert_eq!(uncovered, ["f:a2", "f:b1", "f:c"]);
}

#[test]
fn a_parent_ref_covers_every_leaf_under_it() {
    let cur = curriculum(
        "f",
        "sessions:\n  - { id: s1, title: S1, covers: [{ ref: a, depth: practised }] }\n",
    );
    let r = coverage(&catalog(&[F, &cur]), "cur", None).unwrap();
    for id in ["a1", "a2"] {
        assert_eq!(item(&r, id).via, Some(Via::Parent), "{id}");
        assert_eq!(item(&r, id).depth, Some(Depth::Practised));
    }
    let a = item(&r, "a");
    assert!(a.covered && !a.leaf);
    assert_eq!((a.leaves, a.covered_leaves), (Some(2), Some(2)));
    assert_eq!(a.depth, Some(Depth::Practised));
}

#[test]
fn direct_beats_parent_and_depth_is_the_deepest() {
    let cur = curriculum(
        "f",
        "sessions:\n  - { id: s1, title: S1, covers: [a] }\n  - { id: s2, title: S2, covers: [{ ref: a1, depth: practised }] }\nassessments:\n  - { id: t, title: T, assesses: [a] }\n",
    );
    let r = coverage(&catalog(&[F, &cur]), "cur", None).unwrap();
    let a1 = item(&r, "a1");
    assert_eq!(a1.via, Some(Via::Direct));
    assert_eq!(a1.depth, Some(Depth::Assessed));
    assert_eq!(a1.sessions, ["s1", "s2", "t"]);
    let a2 = item(&r, "a2");
    assert_eq!(a2.via, Some(Via::Parent));
    assert_eq!(a2.depth, Some(Depth::Assessed));
}

#[test]
fn all_covers_every_leaf_and_optional_leaves_are_not_counted() {
    let cur = curriculum(
        "f",
        "sessions:\n  - { id: s1, title: S1, covers: [\"f:*\"] }\n",
    );
    let r = coverage(&catalog(&[F, &cur]), "cur", None).unwrap();
    assert_eq!((r.leaves, r.covered), (4, 4));
    assert!((r.ratio - 1.0).abs() < 1e-9);
    let opt = item(&r, "b2x");
    assert!(opt.optional);
    // b is covered: its optional branch does not count.
    assert!(item(&r, "b").covered);
}

#[test]
fn partly_covered_items_roll_up_as_partial() {
    let cur = curriculum("f", "sessions:\n  - { id: s1, title: S1, covers: [a1] }\n");
    let r = coverage(&catalog(&[F, &cur]), "cur", None).unwrap();
    let a = item(&r, "a");
    assert!(!a.covered && a.partial);
    assert_eq!(
        (a.leaves, a.covered_leaves, a.depth),
        (Some(2), Some(1), None)
    );
}

/// Framework `g` and a mapping from `g` to `f` with every relation kind.
const G: &str = r#"
kind: framework
id: g
title: G
items:
  - { id: x1, title: X1 }
  - { id: x2, title: X2 }
  - { id: x3, title: X3 }
  - { id: x4, title: X4 }
  - { id: x5, title: X5 }
"#;
const G_TO_F: &str = r#"
kind: mapping
id: g--f
from: g
to: f
links:
  - { from: x1, to: a1, relation: exact }
  - { from: x2, to: a2, relation: close }
  - { from: x3, to: b, relation: narrow }
  - { from: x4, to: c, relation: broad }
  - { from: x5, to: b1, relation: related }
"#;

#[test]
fn each_relation_gives_what_the_spec_says() {
    let cur = curriculum(
        "g",
        "sessions:\n  - { id: s1, title: S1, covers: [{ ref: \"g:*\", depth: practised }] }\n",
    );
    let c = catalog(&[F, G, G_TO_F, &cur]);
    let r = coverage(&c, "cur", Some("f")).unwrap();
    // exact, close and narrow (into b, so b1) cover; broad gives partial; related nothing.
    for id in ["a1", "a2", "b1"] {
        let i = item(&r, id);
        assert!(i.covered, "{id}");
        assert_eq!(i.via, Some(Via::Mapping), "{id}");
        assert_eq!(
            i.depth,
            Some(Depth::Practised),
            "{id}: the depth on the source item"
        );
        assert_eq!(i.sessions, ["s1"]);
    }
    let cc = item(&r, "c");
    assert!(!cc.covered && cc.partial);
    assert_eq!((r.covered, r.partial), (3, 1));
    assert!(r.uncovered.is_empty());
}

#[test]
fn mappings_are_read_backwards_with_narrow_and_broad_swapped() {
    // f:a --narrow--> g:x1 means x1 lies inside a; read from g, a is broader than x1 (partial).
    let m = "kind: mapping\nid: f--g\nfrom: f\nto: g\nlinks:\n  - { from: a, to: x1, relation: narrow }\n  - { from: c, to: x2, relation: broad }\n";
    let cur = curriculum(
        "g",
        "sessions:\n  - { id: s1, title: S1, covers: [x1, x2] }\n",
    );
    let r = coverage(&catalog(&[F, G, m, &cur]), "cur", Some("f")).unwrap();
    // x1 covered gives only part of a: a1 and a2 are partial.
    assert!(item(&r, "a1").partial && item(&r, "a2").partial);
    // c --broad--> x2 read backwards: c is narrower than x2, so covering x2 covers c.
    assert!(item(&r, "c").covered);
    assert_eq!(item(&r, "c").via, Some(Via::Mapping));
}

#[test]
fn chains_compose_and_the_weakest_relation_decides() {
    let h = "kind: framework\nid: h\ntitle: H\nitems:\n  - { id: y1, title: Y1 }\n  - { id: y2, title: Y2 }\n";
    let g_h = "kind: mapping\nid: g--h\nfrom: g\nto: h\nlinks:\n  - { from: x1, to: y1, relation: narrow }\n  - { from: x2, to: y2, relation: broad }\n";
    let h_f = "kind: mapping\nid: h--f\nfrom: h\nto: f\nlinks:\n  - { from: y1, to: a1, relation: close }\n  - { from: y2, to: a2, relation: exact }\n";
    let cur = curriculum(
        "g",
        "sessions:\n  - { id: s1, title: S1, covers: [x1, x2] }\n",
    );
    let r = coverage(&catalog(&[F, G, h, g_h, h_f, &cur]), "cur", Some("f")).unwrap();
    assert!(item(&r, "a1").covered, "narrow then close: covered");
    assert!(item(&r, "a2").partial, "broad then exact: partial");
}

#[test]
fn a_mapped_non_leaf_counts_only_when_all_its_leaves_are_covered() {
    let m = "kind: mapping\nid: f--g\nfrom: f\nto: g\nlinks:\n  - { from: a, to: x3, relation: exact }\n";
    let half = curriculum("f", "sessions:\n  - { id: s1, title: S1, covers: [a1] }\n");
    let r = coverage(&catalog(&[F, G, m, &half]), "cur", Some("g")).unwrap();
    assert!(!item(&r, "x3").covered && !item(&r, "x3").partial);
    let full = curriculum(
        "f",
        "sessions:\n  - { id: s1, title: S1, covers: [a1, a2] }\n",
    );
    let r = coverage(&catalog(&[F, G, m, &full]), "cur", Some("g")).unwrap();
    assert!(item(&r, "x3").covered);
}

#[test]
fn hours_are_shared_among_the_top_level_items_a_session_touches() {
    let cur = curriculum(
        "f",
        "sessions:\n  - { id: s1, title: S1, hours: 6, covers: [a1, b1] }\n  - { id: s2, title: S2, hours: 2, covers: [c] }\n  - { id: s3, title: S3, hours: 1.5 }\n",
    );
    let c = catalog(&[F, &cur]);
    let r = coverage(&c, "cur", None).unwrap();
    let hours: Vec<(String, f64)> = r
        .hours
        .iter()
        .map(|h| (h.item.to_string(), h.hours))
        .collect();
    assert_eq!(
        hours,
        [
            ("f:a".to_owned(), 3.0),
            ("f:b".to_owned(), 3.0),
            ("f:c".to_owned(), 2.0)
        ]
    );
    assert!((r.unassigned_hours - 1.5).abs() < 1e-9);
}

#[test]
fn sequencing_finds_assessment_before_teaching_and_requires_out_of_order() {
    let cur = curriculum(
        "f",
        "sessions:\n  - { id: s1, title: S1, day: 1, covers: [a2, { ref: b1, depth: assessed }] }\n  - { id: s2, title: S2, day: 2, covers: [a1, b1] }\n",
    );
    let r = coverage(&catalog(&[F, &cur]), "cur", None).unwrap();
    let found: Vec<String> = r
        .sequencing
        .iter()
        .map(|s| format!("{}: {}", s.item, s.message))
        .collect();
    assert_eq!(
        found,
        [
            "f:a2: first met in `s1`, before `f:a1`, which it requires, first met in `s2`",
            "f:b1: assessed in `s1` before it is introduced in `s2`",
        ]
    );
}

#[test]
fn timing_orders_sessions_not_file_order() {
    // s2 comes first in the file but on day 3; a1 (required) is met on day 1.
    let cur = curriculum(
        "f",
        "sessions:\n  - { id: late, title: Late, day: 3, covers: [a2] }\n  - { id: early, title: Early, day: 1, covers: [a1] }\n",
    );
    let r = coverage(&catalog(&[F, &cur]), "cur", None).unwrap();
    assert!(r.sequencing.is_empty(), "{:?}", r.sequencing);
}

#[test]
fn unknown_names_are_errors_with_suggestions() {
    let cur = curriculum("f", "sessions:\n  - { id: s1, title: S1, covers: [a1] }\n");
    let c = catalog(&[F, &cur]);
    let e = coverage(&c, "curr", None).unwrap_err();
    assert_eq!(e.to_string(), "unknown curriculum `curr`");
    assert!(coverage(&c, "cur", Some("nope")).is_err());
    assert!(
        coverage(&c, "f", None)
            .unwrap_err()
            .to_string()
            .contains("is a framework")
    );
}

/// A generated framework: `width` top-level items, each with up to `depth` levels.
fn generated(sizes: &[usize]) -> String {
    let mut s = String::from("kind: framework\nid: gen\ntitle: Generated\nitems:\n");
    for (t, &n) in sizes.iter().enumerate() {
        s.push_str(&format!("  - id: t{t}\n    title: T{t}\n"));
        if n > 0 {
            s.push_str("    items:\n");
            for k in 0..n {
                s.push_str(&format!("      - {{ id: t{t}-{k}, title: L{k} }}\n"));
            }
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn covering_everything_gives_ratio_one(sizes in prop::collection::vec(0usize..6, 1..8)) {
        let fw = generated(&sizes);
        let cur = "kind: curriculum\nid: all\ntitle: All\nframeworks: [gen]\nsessions: [{ id: s, title: S, covers: [\"gen:*\"] }]\n";
        let r = coverage(&catalog(&[&fw, cur]), "all", None).unwrap();
        prop_assert!((r.ratio - 1.0).abs() < 1e-12);
        prop_assert_eq!(r.covered, r.leaves);
    }

    #[test]
    fn coverage_never_exceeds_the_leaf_count(sizes in prop::collection::vec(0usize..6, 1..8), picks in prop::collection::vec(any::<prop::sample::Index>(), 0..12)) {
        let fw = generated(&sizes);
        let c0 = catalog(&[&fw]);
        let ids: Vec<String> = c0.framework("gen").unwrap().items().iter().map(|i| i.id.to_string()).collect();
        let covers: Vec<String> = picks.iter().map(|p| format!("\"{}\"", p.get(&ids))).collect();
        let cur = format!("kind: curriculum\nid: some\ntitle: Some\nframeworks: [gen]\nsessions: [{{ id: s, title: S, covers: [{}] }}]\n", covers.join(", "));
        let r = coverage(&catalog(&[&fw, &cur]), "some", None).unwrap();
        prop_assert!(r.covered + r.partial <= r.leaves);
        prop_assert_eq!(r.covered + r.partial + r.uncovered.len(), r.leaves);
        prop_assert!((0.0..=1.0).contains(&r.ratio));
    }
}
