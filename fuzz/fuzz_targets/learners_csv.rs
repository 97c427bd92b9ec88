//! Both learner-record readers: the input is split at its first NUL byte into `learners.csv`
//! and `evidence.csv`, read against a role of the shipped catalog.
#![no_main]

use std::sync::OnceLock;

use framework_core::Catalog;
use framework_core::learners::{CsvInput, learners};
use libfuzzer_sys::fuzz_target;

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::builtin)
}

fuzz_target!(|data: &[u8]| {
    let (l, e) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"learner,ref,status,date\n"[..]),
    };
    let as_of = jiff::civil::date(2025, 9, 1);
    if let Ok(report) = learners(
        catalog(),
        "cpft-peer-support-worker",
        CsvInput::new("learners.csv", l),
        CsvInput::new("evidence.csv", e),
        as_of,
        None,
    ) {
        competence_fuzz::render(&report.diagnostics);
    }
});
