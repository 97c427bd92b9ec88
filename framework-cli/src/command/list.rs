//! `competence list`.

use clap::Args;

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::report::{Cell, Doc, Render, Table, Tone};
use crate::session::{catalog_or_exit, emit_with_status};
use framework_core::Diagnostic;
use framework_core::report::ListReport;

/// Arguments of `competence list`.
#[derive(Debug, Args)]
pub struct ListArgs {}

impl Render for ListReport {
    const ROWS: Option<&'static str> = Some("documents");

    fn doc(&self, diagnostics: &[Diagnostic]) -> Doc {
        let mut doc = Doc::default();
        doc.table(self.table(diagnostics));
        doc
    }

    fn table(&self, _: &[Diagnostic]) -> Table {
        let mut t = Table::new(&["KIND", "ID", "TITLE", "#ITEMS", "#LEAVES", "COMPLETENESS"]);
        for d in &self.documents {
            let completeness = match (d.completeness, d.missing.len()) {
                (Some(c), 0) => Cell::new(c.to_string()),
                (Some(c), n) => Cell::toned(format!("{c} ({n} missing)"), Tone::Warn),
                (None, _) => Cell::toned("-", Tone::Dim),
            };
            t.row(vec![
                d.kind.to_string().into(),
                d.id.to_string().into(),
                d.title.clone().into(),
                d.items.to_string().into(),
                d.leaves.to_string().into(),
                completeness,
            ]);
        }
        t
    }
}

/// Runs `competence list`.
pub fn run(g: &GlobalArgs, _args: &ListArgs) -> ExitStatus {
    let catalog = match catalog_or_exit(g, &[]) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let report = framework_core::report::list(&catalog);
    emit_with_status(g, &catalog, &report)
}
