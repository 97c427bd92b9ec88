//! `competence validate`.

use std::path::PathBuf;

use clap::Args;

use crate::cli::{Format, GlobalArgs};
use crate::command::{ExitStatus, catalog_or_exit, status_of};
use crate::output;

/// Arguments of `competence validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or folders to check (folders are searched for *.yaml, *.yml and *.json).
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
}

/// Runs `competence validate`.
pub fn run(g: &GlobalArgs, args: &ValidateArgs) -> ExitStatus {
    let catalog = match catalog_or_exit(g, &args.paths) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let report = framework_core::report::validate(&catalog);
    let status = status_of(&catalog);
    let written = match g.format {
        Format::Json => output::print_json(&report),
        Format::Human => {
            output::print_diagnostics(report.diagnostics);
            let verdict = if report.ok { "ok" } else { "failed" };
            output::print_text(&format!(
                "{verdict}: {} checked ({}): {}\n",
                output::plural(report.documents, "document"),
                output::plural(report.files, "user file"),
                output::counts(report.diagnostics)
            ))
        }
    };
    if written == ExitStatus::Error {
        written
    } else {
        status
    }
}
