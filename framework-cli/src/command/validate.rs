//! `competence validate`.

use std::path::PathBuf;

use clap::Args;

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::output;
use crate::report::{Cell, Doc, Render, Table, Tone};
use crate::session::{catalog_or_exit, status_of};
use framework_core::Diagnostic;
use framework_core::report::ValidateReport;

/// Arguments of `competence validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or folders to check (folders are searched for *.yaml, *.yml and *.json).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
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
        let mut table = Table::new(&[
            "SEVERITY", "CODE", "FILE", "#LINE", "#COLUMN", "MESSAGE", "HELP",
        ]);
        for d in diagnostics {
            let tone = if d.is_error() { Tone::Bad } else { Tone::Warn };
            table.row(vec![
                Cell::toned(d.severity().to_string(), tone),
                d.code().as_str().into(),
                d.file().into(),
                d.line().to_string().into(),
                d.column().to_string().into(),
                d.message().into(),
                d.help().unwrap_or("").into(),
            ]);
        }
        table
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

/// Runs `competence validate`.
pub fn run(g: &GlobalArgs, args: &ValidateArgs) -> ExitStatus {
    let catalog = match catalog_or_exit(g, &args.paths) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let report = framework_core::report::validate(&catalog);
    let written = output::emit(g, &report);
    if written == ExitStatus::Error {
        written
    } else {
        status_of(&catalog)
    }
}
