//! `competence validate`.

use std::path::PathBuf;

use clap::Args;

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::output;
use crate::report::{Doc, Render, Table};
use crate::session::{catalog_or_exit, emit_with_status};
use framework_core::Diagnostic;
use framework_core::report::ValidateReport;

/// Arguments of `competence validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or folders to check (folders are searched for *.yaml, *.yml and *.json).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Check again each time one of the files changes (PATHS and `--catalog` files and
    /// folders), until interrupted.
    #[arg(long)]
    pub watch: bool,
}

/// The diagnostics are the report here: JSON is SPEC §3's `{"ok", ..., "diagnostics"}`; on a
/// terminal each is shown on stderr and a summary on stdout; CSV and Markdown put them in a
/// table on stdout.
impl Render for ValidateReport {
    /// The diagnostics one per line, then the counts.
    fn jsonl(
        &self,
        diagnostics: &[Diagnostic],
        out: &mut dyn std::io::Write,
    ) -> Option<std::io::Result<()>> {
        Some(crate::report::json_lines(diagnostics, self, out))
    }

    fn doc(&self, diagnostics: &[Diagnostic]) -> Doc {
        let mut doc = Doc::default();
        doc.heading("Validation");
        doc.text(summary(self, diagnostics));
        if !diagnostics.is_empty() {
            doc.table(self.table(diagnostics));
        }
        doc
    }

    fn human(&self, diagnostics: &[Diagnostic]) -> Doc {
        let mut doc = Doc::default();
        doc.text(summary(self, diagnostics));
        doc
    }

    fn table(&self, diagnostics: &[Diagnostic]) -> Table {
        crate::report::diagnostics_table(diagnostics)
    }

    fn lists_diagnostics(&self) -> bool {
        true
    }
}

/// "ok: 12 documents checked (3 user files): 0 errors, 1 warning".
fn summary(report: &ValidateReport, diagnostics: &[Diagnostic]) -> String {
    format!(
        "{}: {} checked ({}): {}",
        if report.ok { "ok" } else { "failed" },
        output::plural(report.documents, "document"),
        output::plural(report.files, "user file"),
        output::counts(diagnostics)
    )
}

/// Runs `competence validate`, once or (`--watch`) on every change.
pub fn run(g: &GlobalArgs, args: &ValidateArgs) -> ExitStatus {
    if args.watch {
        let paths: Vec<PathBuf> = args.paths.iter().chain(&g.catalog).cloned().collect();
        return crate::watch::run(&paths, || once(g, args));
    }
    once(g, args)
}

/// Checks the documents once.
fn once(g: &GlobalArgs, args: &ValidateArgs) -> ExitStatus {
    let catalog = match catalog_or_exit(g, &args.paths) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let report = framework_core::report::validate(&catalog);
    emit_with_status(g, &catalog, &report)
}
