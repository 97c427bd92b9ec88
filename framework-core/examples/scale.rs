//! Time and peak memory of the analyses on the generated benchmark catalog, for the README:
//! `cargo run --release -p framework-core --example scale` (add `-- learners` for the learner
//! records alone; `-- write DIR` writes issue 13's catalog (four frameworks of 100,000 items,
//! about 48 MB) to DIR/catalog and the learner records to DIR/records, to time the CLI end to
//! end; `-- rates` compares the loader's speed with the
//! YAML parser's own, on one thread).

#[path = "../benches/generate.rs"]
mod generate;

use std::time::Instant;

use framework_core::{coverage::coverage, crosswalk::crosswalk, gaps::gaps};

/// Peak resident memory so far, from /proc (Linux), in MiB.
fn peak_mib() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or_else(|| "?".to_owned(), |kb| format!("{}", kb / 1024))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().nth(1).as_deref() == Some("write") {
        let dir = std::path::PathBuf::from(std::env::args().nth(2).ok_or("write DIR")?);
        std::fs::create_dir_all(dir.join("catalog"))?;
        std::fs::create_dir_all(dir.join("records"))?;
        for (name, text) in generate::documents_at(generate::Size::Issue) {
            std::fs::write(dir.join("catalog").join(name), text)?;
        }
        generate::records(&dir.join("records"))?;
        println!("wrote {}", dir.display());
        return Ok(());
    }
    if std::env::args().nth(1).as_deref() == Some("rates") {
        return rates();
    }
    // `scale learners` measures the learner records alone.
    if std::env::args().nth(1).as_deref() != Some("learners") {
        analyses()?;
    }
    learners()
}

/// The parser's events alone against the whole load (tree, checks, catalog), one framework at
/// a time on one thread (a framework stands alone; a mapping alone would be all unknown
/// references), in MB/s (best of three).
fn rates() -> Result<(), Box<dyn std::error::Error>> {
    let mut docs = generate::documents_at(generate::Size::Issue);
    docs.retain(|(name, _)| name.starts_with("bench-"));
    let bytes: usize = docs.iter().map(|(_, t)| t.len()).sum();
    let mb = bytes as f64 / 1e6;
    let best = |f: &dyn Fn()| {
        (0..3)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let parser = best(&|| {
        for (_, text) in &docs {
            let events = granit_parser::Parser::new_from_str(text).count();
            std::hint::black_box(events);
        }
    });
    let loader = best(&|| {
        for (name, text) in &docs {
            let mut b = framework_core::Catalog::builder()
                .builtin(false)
                .cache(None);
            b.add_bytes(name, text.as_bytes());
            std::hint::black_box(b.build());
        }
    });
    println!(
        "{mb:.1} MB of frameworks: parser's events alone {:.1} MB/s; loading (tree, checks, catalog) {:.1} MB/s",
        mb / parser,
        mb / loader
    );
    Ok(())
}

fn analyses() -> Result<(), Box<dyn std::error::Error>> {
    let t = Instant::now();
    let docs = generate::documents();
    let bytes: usize = docs.iter().map(|(_, t)| t.len()).sum();
    println!(
        "generated {} documents, {:.1} MiB of YAML, in {:.2?}",
        docs.len(),
        bytes as f64 / 1048576.0,
        t.elapsed()
    );
    let t = Instant::now();
    let catalog = generate::catalog();
    println!(
        "load and check: {:.2?} ({} graph nodes, {} edges), peak memory {} MiB",
        t.elapsed(),
        catalog.graph().node_count(),
        catalog.graph().edge_count(),
        peak_mib()
    );
    let t = Instant::now();
    let r = coverage(&catalog, "bench-course", Some("bench-a"))?;
    println!(
        "coverage of bench-a through three mappings: {:.2?} ({} of {} leaves covered), peak memory {} MiB",
        t.elapsed(),
        r.covered,
        r.leaves,
        peak_mib()
    );
    let t = Instant::now();
    let r = gaps(&catalog, "bench-a", "bench-course", None)?;
    println!(
        "gaps of bench-a: {:.2?} ({} gaps), peak memory {} MiB",
        t.elapsed(),
        r.gaps.len(),
        peak_mib()
    );
    let t = Instant::now();
    let r = crosswalk(&catalog, "bench-d", "bench-a")?;
    println!(
        "crosswalk bench-d to bench-a: {:.2?} ({} links), peak memory {} MiB",
        t.elapsed(),
        r.links.len(),
        peak_mib()
    );
    Ok(())
}

fn learners() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join("competence-scale-records");
    std::fs::create_dir_all(&dir)?;
    let records = generate::records(&dir)?;
    let size = |n: &str| std::fs::metadata(dir.join(n)).map_or(0, |m| m.len());
    println!(
        "learner records written: {:.1} MiB learners.csv, {:.1} MiB evidence.csv",
        size("learners.csv") as f64 / 1048576.0,
        size("evidence.csv") as f64 / 1048576.0
    );
    let before = peak_mib();
    let t = Instant::now();
    let open = |n: &str| std::fs::File::open(dir.join(n)).map(std::io::BufReader::new);
    let r = framework_core::learners::learners(
        &records,
        "records-role",
        framework_core::learners::CsvInput::new("learners.csv", open("learners.csv")?),
        framework_core::learners::CsvInput::new("evidence.csv", open("evidence.csv")?),
        "2025-03-01".parse()?,
        None,
    )?;
    println!(
        "learners (100,000 learners, 2,000,000 evidence rows, 300 leaves) from CSV: {:.2?} ({} met, {} in progress, {} overdue, {} exempt), peak memory {} MiB (before: {before} MiB)",
        t.elapsed(),
        r.summary.counts.met,
        r.summary.counts.in_progress,
        r.summary.counts.overdue,
        r.summary.counts.exempt,
        peak_mib()
    );
    Ok(())
}
