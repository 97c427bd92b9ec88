//! The YAML/JSON loader: any bytes, as a YAML file and as a JSON file, load without a panic, and
//! every problem renders safely.
#![no_main]

use framework_core::Catalog;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["fuzz.yaml", "fuzz.json"] {
        let mut builder = Catalog::builder().builtin(false);
        builder.add_bytes(name, data);
        let catalog = builder.build();
        competence_fuzz::render(catalog.diagnostics());
    }
});
