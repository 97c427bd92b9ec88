//! `competence validate`.

use std::path::PathBuf;

use clap::Args;

use crate::cli::{Format, GlobalArgs};
use crate::command::{ExitStatus, catalog_or_exit, status_of};
use crate::output;
use crate::report::{Cell, Doc, Table, Tone};

/// Arguments of `competence validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or folders to check (folders are searched for *.yaml, *.yml and *.json).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
}

/// Runs `competence validate`. The diagnostics are the report here: JSON is SPEC §3's
/// `{"ok", "diagnostics"}`; human output shows each on stderr and a summary on stdout; CSV and
/// Markdown put them in a table on stdout.
pub fn run(g: &GlobalArgs, args: &ValidateArgs) -> ExitStatus {
    let catalog = match catalog_or_exit(g, &args.paths) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let report = framework_core::report::validate(&catalog);
    let summary = format!(
        "{}: {} checked ({}): {}",
        if report.ok { "ok" } else { "failed" },
        output::plural(report.documents, "document"),
        output::plural(report.files, "user file"),
        output::counts(report.diagnostics)
    );
    let mut table = Table::new(&[
        "SEVERITY", "CODE", "FILE", "#LINE", "#COLUMN", "MESSAGE", "HELP",
    ]);
    for d in report.diagnostics {
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
    let written = match g.format {
        Format::Json => output::print_json(&report),
        Format::Human => {
            output::print_diagnostics(report.diagnostics);
            output::print_text(&format!("{summary}\n"))
        }
        Format::Csv => output::print_text(&table.csv()),
        Format::Md => {
            let mut doc = Doc::default();
            doc.heading("Validation");
            doc.text(summary);
            if !report.diagnostics.is_empty() {
                doc.table(table);
            }
            output::print_text(&doc.markdown())
        }
    };
    if written == ExitStatus::Error {
        written
    } else {
        status_of(&catalog)
    }
}
