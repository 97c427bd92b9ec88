//! The spreadsheet import: any bytes as a CSV file (first byte even) or an .xlsx workbook (odd),
//! read into sheets and then as a course map against the shipped catalog, without a panic and
//! within the memory limit; every diagnostic renders safely, and the YAML it writes parses.
#![no_main]

use framework_core::interop::{sheet, spreadsheet};
use framework_core::{Catalog, Code};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let name = if kind % 2 == 0 { "map.csv" } else { "map.xlsx" };
    let Ok(grids) = spreadsheet::read(name, bytes) else {
        return;
    };
    let options = sheet::SheetOptions {
        framework: None,
        id: "fuzzed".into(),
        title: "Fuzzed".into(),
    };
    let Ok(map) = sheet::read(competence_fuzz::builtin(), &grids, &options) else {
        return;
    };
    competence_fuzz::render(&map.diagnostics);
    let text = map.to_yaml("fuzz");
    let mut builder = Catalog::builder().builtin(false);
    builder.add_bytes("again.yaml", text.as_bytes());
    let again = builder.build();
    let broken: Vec<_> = again
        .diagnostics()
        .iter()
        .filter(|d| matches!(d.code(), Code::ResourceLimit | Code::YamlSyntax))
        .collect();
    assert!(
        broken.is_empty(),
        "the course map's YAML does not load: {broken:?}"
    );
});
