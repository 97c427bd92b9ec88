//! The ESCO, OpenSALT CSV, DIRECT, CTDL and SSSOM imports (the first byte picks one), on any
//! bytes: no panic, memory within the limit, every diagnostic renders safely, and what an
//! import made loads again.
#![no_main]

use framework_core::interop::{ctdl, direct, esco, opensalt_csv, recognise, sssom};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let _ = recognise::recognise(bytes);
    let imported = match kind % 5 {
        0 => esco::import(&[("skills.csv", bytes)], None),
        1 => opensalt_csv::import("opensalt.csv", bytes, None),
        2 => direct::import(&[("skill.csv", bytes)], None),
        3 => ctdl::import(competence_fuzz::builtin(), "ctdl.json", bytes, None),
        _ => sssom::import(competence_fuzz::builtin(), "set.sssom.tsv", bytes),
    };
    competence_fuzz::render(&imported.diagnostics);
    competence_fuzz::reload(&imported);
});
