//! A generated catalog at the scale of the analyses' targets (issue 4):
//! - `bench-a`: 100,000 items (1,000 top-level items of 99 leaves each);
//! - `bench-b`, `bench-c`, `bench-d`: 50,000 items each (500 top-level items of 99 leaves);
//! - three chained mappings of 50,000 links each: `bench-d` → `bench-c` (exact),
//!   `bench-c` → `bench-b` (close), `bench-b` → `bench-a` (narrow);
//! - `bench-course`: 5,000 sessions with 200,000 covers of `bench-d` (all depths), 1 hour each.

use std::fmt::Write as _;

use framework_core::Catalog;

fn framework(id: &str, tops: usize, per_top: usize) -> String {
    let mut s = format!("kind: framework\nid: {id}\ntitle: Generated {id}\nitems:\n");
    for t in 0..tops {
        let _ = write!(s, "  - id: t{t}\n    title: Top {t}\n    items:\n");
        for l in 0..per_top {
            let _ = writeln!(s, "      - {{ id: t{t}-{l}, title: Leaf {t} {l} }}");
        }
    }
    s
}

/// The ids of a generated framework's items, in order.
fn ids(tops: usize, per_top: usize) -> Vec<String> {
    let mut v = Vec::with_capacity(tops * (per_top + 1));
    for t in 0..tops {
        v.push(format!("t{t}"));
        for l in 0..per_top {
            v.push(format!("t{t}-{l}"));
        }
    }
    v
}

fn mapping(
    id: &str,
    from: &str,
    to: &str,
    relation: &str,
    from_ids: &[String],
    to_ids: &[String],
) -> String {
    let mut s = format!("kind: mapping\nid: {id}\nfrom: {from}\nto: {to}\nlinks:\n");
    for (n, a) in from_ids.iter().enumerate() {
        let b = &to_ids[n * to_ids.len() / from_ids.len()];
        let _ = writeln!(s, "  - {{ from: {a}, to: {b}, relation: {relation} }}");
    }
    s
}

fn curriculum(d_ids: &[String]) -> String {
    let depths = ["introduced", "practised", "assessed"];
    let mut s = String::from(
        "kind: curriculum\nid: bench-course\ntitle: Generated course\nframeworks: [bench-d]\nsessions:\n",
    );
    let mut k = 0;
    for n in 0..5_000 {
        let _ = write!(
            s,
            "  - id: s{n}\n    title: Session {n}\n    day: {}\n    hours: 1\n    covers:\n",
            n / 5 + 1
        );
        for _ in 0..40 {
            let id = &d_ids[(k * 7919) % d_ids.len()];
            let _ = writeln!(s, "      - {{ ref: {id}, depth: {} }}", depths[k % 3]);
            k += 1;
        }
    }
    s
}

/// The generated documents as (file name, YAML text).
pub fn documents() -> Vec<(String, String)> {
    let a = ids(1_000, 99);
    let small = ids(500, 99);
    vec![
        ("bench-a.yaml".into(), framework("bench-a", 1_000, 99)),
        ("bench-b.yaml".into(), framework("bench-b", 500, 99)),
        ("bench-c.yaml".into(), framework("bench-c", 500, 99)),
        ("bench-d.yaml".into(), framework("bench-d", 500, 99)),
        (
            "d-c.yaml".into(),
            mapping(
                "bench-d--bench-c",
                "bench-d",
                "bench-c",
                "exact",
                &small,
                &small,
            ),
        ),
        (
            "c-b.yaml".into(),
            mapping(
                "bench-c--bench-b",
                "bench-c",
                "bench-b",
                "close",
                &small,
                &small,
            ),
        ),
        (
            "b-a.yaml".into(),
            mapping(
                "bench-b--bench-a",
                "bench-b",
                "bench-a",
                "narrow",
                &small,
                &a,
            ),
        ),
        ("course.yaml".into(), curriculum(&small)),
    ]
}

/// The generated catalog, loaded (without the shipped documents).
pub fn catalog() -> Catalog {
    let mut b = Catalog::builder().builtin(false);
    for (name, text) in documents() {
        b.add_bytes(&name, text.as_bytes());
    }
    let c = b.build();
    assert!(!c.has_errors(), "{:?}", c.diagnostics().first());
    c
}
