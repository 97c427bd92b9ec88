//! The CASE import: any bytes as a package, without a panic; what it made loads again.
#![no_main]

use framework_core::interop::case;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let imported = case::import(&[("package.json", data)], None);
    competence_fuzz::render(&imported.diagnostics);
    competence_fuzz::reload(&imported);
});
