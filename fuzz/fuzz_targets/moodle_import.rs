//! The Moodle CSV import: any bytes as a competency file, without a panic; what it made loads
//! again.
#![no_main]

use framework_core::interop::moodle;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let imported = moodle::import("competencies.csv", data, None);
    competence_fuzz::render(&imported.diagnostics);
    competence_fuzz::reload(&imported);
});
