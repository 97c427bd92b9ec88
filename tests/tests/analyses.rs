//! Gaps, crosswalks and the course map matrix: known answers on small catalogs, and properties.

mod common;

use common::catalog;

use framework_core::Catalog;
use framework_core::crosswalk::crosswalk;
use framework_core::gaps::{GapReason, gaps};
use framework_core::matrix::matrix;
use framework_core::model::{Depth, Relation};
use proptest::prelude::*;

const F: &str = "kind: framework\nid: f\ntitle: F\nitems:\n  - id: a\n    title: A\n    items: [{ id: a1, title: A1 }, { id: a2, title: A2 }]\n  - { id: b, title: B }\n  - { id: c, title: C }\n  - { id: d, title: D }\n  - { id: o, title: O, optional: true }\n";
const G: &str = "kind: framework\nid: g\ntitle: G\nitems:\n  - { id: x1, title: X1 }\n  - { id: x2, title: X2 }\n  - { id: x3, title: X3 }\n";
const G_F: &str = "kind: mapping\nid: g--f\nfrom: g\nto: f\nlinks:\n  - { from: x1, to: b, relation: broad }\n  - { from: x2, to: c, relation: related }\n  - { from: x3, to: a1, relation: exact }\n";

fn course(id: &str, body: &str) -> String {
    format!("kind: curriculum\nid: {id}\ntitle: {id}\nframeworks: [f, g]\n{body}")
}

#[test]
fn gaps_give_each_reason_and_what_would_fill_them() {
    let mine = course(
        "mine",
        "sessions:\n  - { id: s1, title: S1, covers: [\"g:*\", { ref: \"f:a2\", depth: practised }] }\n",
    );
    let other = course(
        "other",
        "sessions:\n  - { id: t1, title: T1, covers: [\"f:d\"] }\nassessments:\n  - { id: t2, title: T2, assesses: [\"f:a\"] }\n",
    );
    let c = catalog(&[F, G, G_F, &mine, &other]);
    let r = gaps(&c, "f", "mine", None).unwrap();
    let found: Vec<(String, GapReason, Vec<String>)> = r
        .gaps
        .iter()
        .map(|g| (g.item.to_string(), g.reason_code, g.filled_by.clone()))
        .collect();
    assert_eq!(
        found,
        [
            ("f:b".to_owned(), GapReason::OnlyPartial, vec![]),
            ("f:c".to_owned(), GapReason::OnlyRelated, vec![]),
            (
                "f:d".to_owned(),
                GapReason::NeverMentioned,
                vec!["other:t1".to_owned()]
            ),
        ]
    );
    assert_eq!(r.leaves, 5, "a1, a2, b, c, d (o is optional)");
    // Requiring assessment: a1 (exact mapping, introduced) and a2 (practised) fall short.
    let r = gaps(&c, "f", "mine", Some(Depth::Assessed)).unwrap();
    let below: Vec<(String, Option<Depth>, Vec<String>)> = r
        .gaps
        .iter()
        .filter(|g| g.reason_code == GapReason::BelowDepth)
        .map(|g| (g.item.to_string(), g.depth, g.filled_by.clone()))
        .collect();
    assert_eq!(
        below,
        [
            (
                "f:a1".to_owned(),
                Some(Depth::Introduced),
                vec!["other:t2".to_owned()]
            ),
            (
                "f:a2".to_owned(),
                Some(Depth::Practised),
                vec!["other:t2".to_owned()]
            ),
        ]
    );
    assert_eq!(
        r.gaps
            .iter()
            .find(|g| g.item.to_string() == "f:a2")
            .unwrap()
            .reason,
        "practised but never assessed"
    );
}

#[test]
fn gaps_of_a_role_against_a_framework_through_mappings() {
    let role =
        "kind: role\nid: r\ntitle: R\nrequirements:\n  - { id: q, items: [\"f:a\", \"f:b\"] }\n";
    let c = catalog(&[F, G, G_F, role]);
    let r = gaps(&c, "r", "g", None).unwrap();
    let found: Vec<(String, GapReason)> = r
        .gaps
        .iter()
        .map(|g| (g.item.to_string(), g.reason_code))
        .collect();
    // a1 is exact to x3; a2 nothing reaches; b only through a broad link.
    assert_eq!(
        found,
        [
            ("f:a2".to_owned(), GapReason::NeverMentioned),
            ("f:b".to_owned(), GapReason::OnlyPartial)
        ]
    );
    assert!(gaps(&c, "nope", "g", None).is_err());
    assert!(
        gaps(&c, "r", "r", None)
            .unwrap_err()
            .to_string()
            .contains("is a role")
    );
}

#[test]
fn crosswalks_compose_read_backwards_and_flag_fan_out() {
    let h = "kind: framework\nid: h\ntitle: H\nitems:\n  - { id: y1, title: Y1 }\n  - { id: y2, title: Y2 }\n  - { id: y3, title: Y3 }\n";
    // f -> g directly; g -> h; so f reaches h only through g.
    let f_g = "kind: mapping\nid: f--g\nfrom: f\nto: g\nlinks:\n  - { from: a1, to: x1, relation: close }\n  - { from: a1, to: x2, relation: narrow }\n  - { from: b, to: x2, relation: exact }\n";
    let h_g = "kind: mapping\nid: h--g\nfrom: h\nto: g\nlinks:\n  - { from: y1, to: x1, relation: exact }\n  - { from: y2, to: x2, relation: broad }\n";
    let c = catalog(&[F, G, h, f_g, h_g]);
    let r = crosswalk(&c, "f", "h").unwrap();
    let found: Vec<(String, String, Relation, bool)> = r
        .links
        .iter()
        .map(|l| (l.from.to_string(), l.to.to_string(), l.relation, l.direct))
        .collect();
    assert_eq!(
        found,
        [
            // a1 -close-> x1 -exact(backwards)-> y1: close.
            ("f:a1".to_owned(), "h:y1".to_owned(), Relation::Close, false),
            // a1 -narrow-> x2, and h:y2 -broad-> x2 read backwards is narrow: narrow.
            (
                "f:a1".to_owned(),
                "h:y2".to_owned(),
                Relation::Narrow,
                false
            ),
            ("f:b".to_owned(), "h:y2".to_owned(), Relation::Narrow, false),
        ]
    );
    let path: Vec<String> = r.links[0].path.iter().map(ToString::to_string).collect();
    assert_eq!(path, ["f:a1", "g:x1", "h:y1"]);
    assert_eq!(
        r.links[0]
            .mappings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["f--g", "h--g"]
    );
    let list =
        |v: &[framework_core::ItemRef]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
    assert_eq!(list(&r.one_to_many), ["f:a1"]);
    assert_eq!(list(&r.many_to_one), ["h:y2"]);
    assert_eq!(list(&r.unmatched_from), ["f:a2", "f:c", "f:d"]);
    assert_eq!(list(&r.unmatched_to), ["h:y3"]);
}

#[test]
fn the_matrix_is_leaves_by_activities_with_totals() {
    let cur = "kind: curriculum\nid: m\ntitle: M\nframeworks: [f]\nsessions:\n  - { id: s2, title: S2, day: 2, covers: [{ ref: a, depth: practised }] }\n  - { id: s1, title: S1, day: 1, covers: [a1, b] }\nassessments:\n  - { id: t, title: T, assesses: [a1] }\n";
    let c = catalog(&[F, cur]);
    let r = matrix(&c, "m", None).unwrap();
    let columns: Vec<(&str, usize)> = r.columns.iter().map(|c| (c.id.as_str(), c.total)).collect();
    assert_eq!(
        columns,
        [("s1", 2), ("s2", 2), ("t", 1)],
        "teaching order, not file order"
    );
    let row = |id: &str| {
        r.rows
            .iter()
            .find(|x| x.item.to_string() == format!("f:{id}"))
            .unwrap()
    };
    assert_eq!(
        row("a1").cells.iter().collect::<Vec<_>>(),
        [
            Some(Depth::Introduced),
            Some(Depth::Practised),
            Some(Depth::Assessed)
        ]
    );
    assert_eq!(row("a1").total, 3);
    assert_eq!(
        row("c").cells.iter().collect::<Vec<_>>(),
        [None, None, None]
    );
    assert!(row("o").optional);
}

/// Two generated frameworks and random links between their leaves.
fn pair(n: usize, links: &[(usize, usize, usize)]) -> Vec<String> {
    let fw = |id: &str| {
        let mut s = format!("kind: framework\nid: {id}\ntitle: {id}\nitems:\n");
        for i in 0..n {
            s.push_str(&format!("  - {{ id: i{i}, title: I{i} }}\n"));
        }
        s
    };
    let relations = ["exact", "close", "narrow", "broad", "related"];
    let mut m = String::from("kind: mapping\nid: p--q\nfrom: p\nto: q\nlinks:\n");
    for &(a, b, r) in links {
        m.push_str(&format!(
            "  - {{ from: i{}, to: i{}, relation: {} }}\n",
            a % n,
            b % n,
            relations[r % 5]
        ));
    }
    if links.is_empty() {
        m = "kind: mapping\nid: p--q\nfrom: p\nto: q\nlinks: []\n".to_owned();
    }
    vec![fw("p"), fw("q"), m]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_crosswalk_read_backwards_gives_back_the_start(n in 1usize..8, links in prop::collection::vec((0usize..8, 0usize..8, 0usize..5), 0..12)) {
        let docs = pair(n, &links);
        let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
        let mut b = Catalog::builder().builtin(false);
        for (k, d) in refs.iter().enumerate() {
            b.add_bytes(&format!("d{k}.yaml"), d.as_bytes());
        }
        let c = b.build();
        // Duplicate links are fine; nothing else can be wrong.
        prop_assert!(!c.has_errors());
        let forward = crosswalk(&c, "p", "q").unwrap();
        let backward = crosswalk(&c, "q", "p").unwrap();
        let mut there: Vec<(String, String, Relation)> = forward.links.iter().map(|l| (l.from.to_string(), l.to.to_string(), l.relation)).collect();
        let mut back: Vec<(String, String, Relation)> = backward.links.iter().map(|l| (l.to.to_string(), l.from.to_string(), l.relation.inverse())).collect();
        there.sort();
        back.sort();
        prop_assert_eq!(there, back);
    }
}

#[test]
fn every_report_reads_back_from_its_json() {
    let mine = course(
        "mine",
        "sessions:\n  - { id: s1, title: S1, day: 1, covers: [\"g:*\", { ref: \"f:a2\", depth: practised }] }\nassessments:\n  - { id: t2, title: T2, assesses: [\"f:a\"] }\n",
    );
    let c = catalog(&[F, G, G_F, &mine]);
    common::round_trips(&gaps(&c, "f", "mine", Some(Depth::Assessed)).unwrap());
    common::round_trips(&crosswalk(&c, "g", "f").unwrap());
    common::round_trips(&matrix(&c, "mine", Some("f")).unwrap());
    common::round_trips(&framework_core::coverage::coverage(&c, "mine", Some("f")).unwrap());
    common::round_trips(&framework_core::report::list(&c));
    // Diagnostics with a related place (a duplicate id) read back with their positions.
    let mut b = Catalog::builder().builtin(false);
    b.add_bytes("dup.yaml", b"kind: framework\nid: f\ntitle: F\nitems:\n  - { id: a, title: A }\n  - { id: a, title: A again }\n");
    let v = framework_core::report::validate(&b.build());
    assert!(v.diagnostics.iter().any(|d| !d.related_places().is_empty()));
    common::round_trips(&v);
    let back: framework_core::report::Report<framework_core::report::ValidateReport> =
        serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
    assert_eq!(back.diagnostics[0].line(), v.diagnostics[0].line());
    assert!(
        back.diagnostics[0].loc().is_none(),
        "the JSON has no source text"
    );
}
