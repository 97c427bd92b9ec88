//! What every command that reads the catalog does first: load the catalog the options
//! describe, run its analysis, and say how the catalog's problems end the command.

use framework_core::{Catalog, CatalogError};

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::output;

/// Loads the catalog the global options describe, plus `extra` paths.
pub fn load_catalog(g: &GlobalArgs, extra: &[std::path::PathBuf]) -> Result<Catalog, CatalogError> {
    output::with_progress("loading the catalog", || {
        let cache = if g.no_cache {
            None
        } else {
            framework_core::cache::Cache::user()
        };
        let mut builder = Catalog::builder()
            .builtin(!g.no_builtin)
            .cache(cache)
            .max_file_bytes(
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
///
/// The catalog lives until the process ends: freeing a large one item by item takes a tenth
/// of the whole command, and the operating system takes the memory back at once.
pub fn analyse<R, E>(
    g: &GlobalArgs,
    analysis: impl FnOnce(&Catalog) -> Result<R, E>,
) -> Result<(&'static Catalog, R), ExitStatus>
where
    E: miette::Diagnostic + Send + Sync + 'static,
{
    let catalog: &'static Catalog = Box::leak(Box::new(catalog_or_exit(g, &[])?));
    match output::with_progress("analysing", || analysis(catalog)) {
        Ok(report) => Ok((catalog, report)),
        Err(e) => Err(output::fatal_with(g.format, &e, catalog.diagnostics())),
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
