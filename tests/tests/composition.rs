//! One composition rule (SPEC §1.4) for coverage, gaps and crosswalk: on chains of mapping links
//! between generated frameworks, coverage through the chain, the gap reason and the crosswalk's
//! composed relation all agree with the table, read forwards or backwards.

mod common;

use common::catalog;
use framework_core::composition::{Composed, Reach};
use framework_core::coverage::coverage;
use framework_core::crosswalk::crosswalk;
use framework_core::gaps::{GapReason, gaps};
use framework_core::model::Relation;
use proptest::prelude::*;

/// Frameworks `f0`..`fN` with one leaf `a` each, a mapping per step (written forwards, or
/// backwards with the relation inverted), and a course that covers `f0:a`.
fn chain(steps: &[(Relation, bool)]) -> Vec<String> {
    let mut docs = Vec::new();
    for i in 0..=steps.len() {
        docs.push(format!(
            "kind: framework\nid: f{i}\ntitle: F{i}\nitems: [{{ id: a, title: A }}]\n"
        ));
    }
    for (i, &(relation, backwards)) in steps.iter().enumerate() {
        let (from, to, r) = if backwards {
            (i + 1, i, relation.inverse())
        } else {
            (i, i + 1, relation)
        };
        docs.push(format!(
            "kind: mapping\nid: m{i}\nfrom: f{from}\nto: f{to}\nlinks: [{{ from: a, to: a, relation: {r} }}]\n"
        ));
    }
    docs.push(
        "kind: curriculum\nid: course\ntitle: Course\nframeworks: [f0]\nsessions:\n  - { id: s1, title: S1, covers: [a] }\n"
            .to_owned(),
    );
    docs
}

fn composed(steps: &[(Relation, bool)]) -> Composed {
    steps
        .iter()
        .fold(Composed::Exact, |c, &(r, _)| c.then(Composed::of(r)))
}

fn check(steps: &[(Relation, bool)]) {
    let docs = chain(steps);
    let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
    let c = catalog(&refs);
    assert!(!c.has_errors(), "{:#?}", c.diagnostics());
    let last = format!("f{}", steps.len());
    let expected = composed(steps);

    // Coverage of the last framework through the chain.
    let report = coverage(&c, "course", Some(&last)).unwrap();
    let leaf = &report.items[0];
    let reach = match (leaf.covered, leaf.partial) {
        (true, _) => Reach::Covered,
        (false, true) => Reach::Partial,
        _ => Reach::Nothing,
    };
    assert_eq!(reach, expected.reach(), "coverage through {steps:?}");

    // Gaps say the same.
    let g = gaps(&c, &last, "course", None).unwrap();
    let reason = g.gaps.first().map(|g| g.reason_code);
    let want = match expected.reach() {
        Reach::Covered => None,
        Reach::Partial => Some(GapReason::OnlyPartial),
        Reach::Nothing => Some(GapReason::OnlyRelated),
    };
    assert_eq!(reason, want, "gaps through {steps:?}");

    // The crosswalk composes the same relation, and its inverse read backwards.
    let forwards = crosswalk(&c, "f0", &last).unwrap();
    assert_eq!(forwards.links.len(), 1, "{steps:?}");
    assert_eq!(
        forwards.links[0].relation,
        expected.relation(),
        "crosswalk {steps:?}"
    );
    let backwards = crosswalk(&c, &last, "f0").unwrap();
    assert_eq!(
        backwards.links[0].relation,
        expected.inverse().relation(),
        "crosswalk backwards {steps:?}"
    );
}

#[test]
fn broad_then_narrow_is_related_everywhere() {
    // x →broad→ y →narrow→ z: z may miss the part of y that x covers. The first release said
    // `partial` in coverage and `related` in the crosswalk.
    check(&[(Relation::Broad, false), (Relation::Narrow, false)]);
    let docs = chain(&[(Relation::Broad, false), (Relation::Narrow, false)]);
    let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
    let c = catalog(&refs);
    let report = coverage(&c, "course", Some("f2")).unwrap();
    assert!(!report.items[0].covered && !report.items[0].partial);
    let links = crosswalk(&c, "f0", "f2").unwrap().body.links;
    assert_eq!(links[0].relation, Relation::Related);
}

#[test]
fn narrow_then_broad_is_an_overlap_partial_for_coverage() {
    check(&[(Relation::Narrow, false), (Relation::Broad, false)]);
    let docs = chain(&[(Relation::Narrow, false), (Relation::Broad, true)]);
    let refs: Vec<&str> = docs.iter().map(String::as_str).collect();
    let c = catalog(&refs);
    let report = coverage(&c, "course", Some("f2")).unwrap();
    assert!(report.items[0].partial);
}

fn relation() -> impl Strategy<Value = Relation> {
    prop::sample::select(Relation::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn coverage_gaps_and_crosswalk_agree_on_generated_chains(
        steps in prop::collection::vec((relation(), any::<bool>()), 1..5)
    ) {
        check(&steps);
    }
}
