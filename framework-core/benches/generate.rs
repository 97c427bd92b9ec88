//! A generated catalog at the scale of the analyses' targets (issue 4):
//! - `bench-a`: 100,000 items (1,000 top-level items of 99 leaves each);
//! - `bench-b`, `bench-c`, `bench-d`: 50,000 items each (500 top-level items of 99 leaves);
//! - three chained mappings of 50,000 links each: `bench-d` → `bench-c` (exact),
//!   `bench-c` → `bench-b` (close), `bench-b` → `bench-a` (narrow);
//! - `bench-course`: 5,000 sessions with 200,000 covers of `bench-d` (all depths), 1 hour each.
//!
//! [`Size::Issue`] is the shape issue 13 measured the whole commands on: four frameworks of
//! 100,000 items, each item with a short statement (about 48 MB of YAML in all).

use std::fmt::Write as _;

use framework_core::Catalog;

/// Which generated catalog: the analyses' benchmark or issue 13's whole-command shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // each of the bench and the example uses its own
pub enum Size {
    /// One framework of 100,000 items and three of 50,000; items have a title only.
    Bench,
    /// Four frameworks of 100,000 items; items have a title and a statement.
    Issue,
}

fn framework(id: &str, tops: usize, per_top: usize, statements: bool) -> String {
    let mut s = format!("kind: framework\nid: {id}\ntitle: Generated {id}\nitems:\n");
    for t in 0..tops {
        let _ = write!(s, "  - id: t{t}\n    title: Top {t}\n    items:\n");
        for l in 0..per_top {
            if statements {
                let _ = writeln!(
                    s,
                    "      - {{ id: t{t}-{l}, title: Leaf {t} {l}, statement: Does generated task {t}.{l} }}"
                );
            } else {
                let _ = writeln!(s, "      - {{ id: t{t}-{l}, title: Leaf {t} {l} }}");
            }
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

/// The generated documents as (file name, YAML text): the analyses' benchmark catalog.
pub fn documents() -> Vec<(String, String)> {
    documents_at(Size::Bench)
}

/// The generated documents of the given size as (file name, YAML text).
pub fn documents_at(size: Size) -> Vec<(String, String)> {
    let a = ids(1_000, 99);
    // The three other frameworks: 50,000 items, or 100,000 in issue 13's shape; the mappings
    // link 50,000 of their items either way, and the course covers the whole of bench-d.
    let (tops, statements) = match size {
        Size::Bench => (500, false),
        Size::Issue => (1_000, true),
    };
    let other = ids(tops, 99);
    let small = &other[..ids(500, 99).len()];
    vec![
        (
            "bench-a.yaml".into(),
            framework("bench-a", 1_000, 99, statements),
        ),
        (
            "bench-b.yaml".into(),
            framework("bench-b", tops, 99, statements),
        ),
        (
            "bench-c.yaml".into(),
            framework("bench-c", tops, 99, statements),
        ),
        (
            "bench-d.yaml".into(),
            framework("bench-d", tops, 99, statements),
        ),
        (
            "d-c.yaml".into(),
            mapping(
                "bench-d--bench-c",
                "bench-d",
                "bench-c",
                "exact",
                small,
                small,
            ),
        ),
        (
            "c-b.yaml".into(),
            mapping(
                "bench-c--bench-b",
                "bench-c",
                "bench-b",
                "close",
                small,
                small,
            ),
        ),
        (
            "b-a.yaml".into(),
            mapping(
                "bench-b--bench-a",
                "bench-b",
                "bench-a",
                "narrow",
                small,
                &a,
            ),
        ),
        ("course.yaml".into(), curriculum(&other)),
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

/// Learner records at the scale of issue 5: a framework of 300 leaves (30 top-level items of 10),
/// a role over them (three requirements: all within 16 weeks with an exemption; a 0.8 ratio within
/// 6 months; all with no deadline), 100,000 learners and 2,000,000 evidence rows, written to
/// `dir` as learners.csv and evidence.csv (beside the framework and role, records.yaml and
/// role.yaml). Returns the catalog.
pub fn records(dir: &std::path::Path) -> std::io::Result<Catalog> {
    use std::io::Write as _;
    let framework = framework("records", 30, 10, false);
    let role = "kind: role\nid: records-role\ntitle: Generated role\nrequirements:\n\
  - { id: first, items: [records:t0, records:t1, records:t2, records:t3, records:t4, records:t5, records:t6, records:t7, records:t8, records:t9], within: 16w, exempt_if: [{ qualification: prior, within: 5y }] }\n\
  - { id: second, items: [records:t10, records:t11, records:t12, records:t13, records:t14, records:t15, records:t16, records:t17, records:t18, records:t19], rule: { min_ratio: 0.8 }, within: 6mo }\n\
  - { id: third, items: [records:t20, records:t21, records:t22, records:t23, records:t24, records:t25, records:t26, records:t27, records:t28, records:t29] }\n";
    let mut b = Catalog::builder().builtin(false);
    b.add_bytes("records.yaml", framework.as_bytes());
    b.add_bytes("role.yaml", role.as_bytes());
    std::fs::write(dir.join("records.yaml"), &framework)?;
    std::fs::write(dir.join("role.yaml"), role)?;
    let catalog = b.build();
    assert!(!catalog.has_errors(), "{:?}", catalog.diagnostics().first());

    let mut l = std::io::BufWriter::new(std::fs::File::create(dir.join("learners.csv"))?);
    writeln!(l, "learner,role,start_date,qualifications")?;
    for n in 0..100_000u32 {
        let q = if n % 7 == 0 { "prior@2021-06-01" } else { "" };
        writeln!(
            l,
            "L{n:06},records-role,2024-{:02}-{:02},{q}",
            1 + n % 12,
            1 + n % 28
        )?;
    }
    l.flush()?;
    let ids = ids(30, 10);
    let statuses = ["met", "met", "met", "not-met", "exempt"];
    let mut e = std::io::BufWriter::new(std::fs::File::create(dir.join("evidence.csv"))?);
    writeln!(e, "learner,ref,status,date")?;
    let mut k: u64 = 0;
    for n in 0..100_000u32 {
        for _ in 0..20 {
            k = k
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let id = &ids[(k >> 33) as usize % ids.len()];
            let status = statuses[(k >> 20) as usize % statuses.len()];
            writeln!(
                e,
                "L{n:06},records:{id},{status},2024-{:02}-{:02}",
                1 + (k >> 40) % 12,
                1 + (k >> 45) % 28
            )?;
        }
    }
    e.flush()?;
    Ok(catalog)
}
