//! One module per subcommand; each returns the exit status.

pub mod coverage;
pub mod crosswalk;
pub mod gaps;
pub mod interop;
pub mod learners;
pub mod list;
pub mod matrix;
pub mod show;
pub mod validate;

use std::process::ExitCode;

use framework_core::{Catalog, CatalogError};

use crate::cli::{Cli, Command, GlobalArgs};
use crate::output;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// It ran and found nothing wrong (0).
    Success,
    /// It ran and found problems (1).
    Failure,
    /// It could not run (2).
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> Self {
        ExitCode::from(match s {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        })
    }
}

/// Runs the parsed command line.
pub fn run(cli: &Cli) -> ExitStatus {
    let g = &cli.global;
    match &cli.command {
        Command::Validate(args) => validate::run(g, args),
        Command::List(args) => list::run(g, args),
        Command::Show(args) => show::run(g, args),
        Command::Coverage(args) => coverage::run(g, args),
        Command::Gaps(args) => gaps::run(g, args),
        Command::Crosswalk(args) => crosswalk::run(g, args),
        Command::Matrix(args) => matrix::run(g, args),
        Command::Learners(args) => learners::run(g, args),
        Command::Import(args) => interop::run_import(g, args),
        Command::Export(args) => interop::run_export(g, args),
    }
}

/// Loads the catalog the global options describe, plus `extra` paths.
pub fn load_catalog(g: &GlobalArgs, extra: &[std::path::PathBuf]) -> Result<Catalog, CatalogError> {
    output::with_progress("loading the catalog", || {
        let mut builder = Catalog::builder().builtin(!g.no_builtin).max_file_bytes(
            usize::try_from(g.max_file_size).unwrap_or(framework_core::MAX_FILE_BYTES),
        );
        for path in g.catalog.iter().chain(extra) {
            builder.add_path(path)?;
        }
        Ok(builder.build())
    })
}

/// Loads the catalog, or reports why it cannot be loaded.
pub fn catalog_or_exit(
    g: &GlobalArgs,
    extra: &[std::path::PathBuf],
) -> Result<Catalog, ExitStatus> {
    load_catalog(g, extra).map_err(|e| output::fatal(g.format, &e))
}

/// Loads the catalog and runs an analysis on it; a failure to do either is reported (status 2).
pub fn analyse<R, E>(
    g: &GlobalArgs,
    analysis: impl FnOnce(&Catalog) -> Result<R, E>,
) -> Result<(Catalog, R), ExitStatus>
where
    E: miette::Diagnostic + Send + Sync + 'static,
{
    let catalog = catalog_or_exit(g, &[])?;
    match output::with_progress("analysing", || analysis(&catalog)) {
        Ok(report) => Ok((catalog, report)),
        Err(e) => Err(output::fatal(g.format, &e)),
    }
}

/// The status after a command that ran: failure when the catalog has errors.
pub fn status_of(catalog: &Catalog) -> ExitStatus {
    if catalog.has_errors() {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}
