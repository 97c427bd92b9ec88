//! Benchmarks of the analyses on a generated catalog (see `generate.rs` for its shape).
//! Run with `cargo bench -p framework-core --bench analyses`.

mod generate;

use criterion::{Criterion, criterion_group, criterion_main};
use framework_core::{coverage::coverage, crosswalk::crosswalk, gaps::gaps};

fn analyses(c: &mut Criterion) {
    let catalog = generate::catalog();
    let mut group = c.benchmark_group("analyses");
    group.sample_size(10);
    group.bench_function("coverage through three mappings", |b| {
        b.iter(|| coverage(&catalog, "bench-course", Some("bench-a")).map(|r| r.covered))
    });
    group.bench_function("gaps through three mappings", |b| {
        b.iter(|| gaps(&catalog, "bench-a", "bench-course", None).map(|r| r.gaps.len()))
    });
    group.bench_function("crosswalk across three mappings", |b| {
        b.iter(|| crosswalk(&catalog, "bench-d", "bench-a").map(|r| r.links.len()))
    });
    group.finish();
}

fn loading(c: &mut Criterion) {
    let docs = generate::documents();
    let mut group = c.benchmark_group("loading");
    group.sample_size(10);
    group.bench_function("load and check the generated catalog", |b| {
        b.iter(|| {
            let mut builder = framework_core::Catalog::builder().builtin(false);
            for (name, text) in &docs {
                builder.add_bytes(name, text.as_bytes());
            }
            builder.build().has_errors()
        })
    });
    group.finish();
}

/// Issue 13's catalog (four frameworks of 100,000 items, about 48 MB): loading it afresh and
/// from the cache, and the coverage of the framework its course covers.
fn whole(c: &mut Criterion) {
    let docs = generate::documents_at(generate::Size::Issue);
    let cache_dir =
        std::env::temp_dir().join(format!("competence-bench-cache-{}", std::process::id()));
    let load = |cache: Option<framework_core::cache::Cache>| {
        let mut builder = framework_core::Catalog::builder()
            .builtin(false)
            .cache(cache);
        for (name, text) in &docs {
            builder.add_bytes(name, text.as_bytes());
        }
        builder.build()
    };
    let cache = || Some(framework_core::cache::Cache::new(&cache_dir));
    // Fills the cache.
    let catalog = load(cache());
    let mut group = c.benchmark_group("issue 13 catalog");
    group.sample_size(10);
    group.bench_function("load and check, afresh", |b| {
        b.iter(|| load(None).has_errors())
    });
    group.bench_function("load from the cache", |b| {
        b.iter(|| load(cache()).has_errors())
    });
    group.bench_function("coverage of the course's framework", |b| {
        b.iter(|| coverage(&catalog, "bench-course", Some("bench-d")).map(|r| r.covered))
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&cache_dir);
}

criterion_group!(benches, analyses, records, loading, whole);
criterion_main!(benches);

fn records(c: &mut Criterion) {
    use framework_core::learners::{CsvInput, learners};
    let dir = std::env::temp_dir().join("competence-bench-records");
    let _ = std::fs::create_dir_all(&dir);
    let Ok(catalog) = generate::records(&dir) else {
        return;
    };
    let as_of = "2025-03-01".parse().unwrap_or_default();
    let mut group = c.benchmark_group("learners");
    group.sample_size(10);
    group.bench_function(
        "100,000 learners and 2,000,000 evidence rows from CSV files",
        |b| {
            b.iter(|| {
                let open =
                    |name: &str| std::fs::File::open(dir.join(name)).map(std::io::BufReader::new);
                let (Ok(l), Ok(e)) = (open("learners.csv"), open("evidence.csv")) else {
                    return 0;
                };
                learners(
                    &catalog,
                    "records-role",
                    CsvInput::new("learners.csv", l),
                    CsvInput::new("evidence.csv", e),
                    as_of,
                    None,
                )
                .map_or(0, |r| r.learners.len())
            })
        },
    );
    group.finish();
}
