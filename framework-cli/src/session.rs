//! What every command that reads the catalog does first: load the catalog the options
//! describe, run its analysis, and say how the catalog's problems end the command.

use std::path::{Path, PathBuf};

use framework_core::model::DocumentKind;
use framework_core::report::Report;
use framework_core::{Catalog, CatalogError, Code};

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::output::{self, Fatal};

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

/// What a curriculum argument may name.
pub const CURRICULUM: &[DocumentKind] = &[DocumentKind::Curriculum];
/// What a framework argument may name.
pub const FRAMEWORK: &[DocumentKind] = &[DocumentKind::Framework];
/// What a role argument may name.
pub const ROLE: &[DocumentKind] = &[DocumentKind::Role];
/// What `gaps --target` may name.
pub const TARGET: &[DocumentKind] = &[DocumentKind::Framework, DocumentKind::Role];
/// What `gaps --from` may name.
pub const SOURCE: &[DocumentKind] = &[DocumentKind::Curriculum, DocumentKind::Framework];

/// Loads the catalog and runs an analysis on it, for documents named on the command line, each
/// by its id or by the path of the file that holds it (`competence coverage my-course.yaml`). A file is
/// added to the catalog, and the analysis is given the id of the document in it, so a path
/// works as `--catalog FILE` plus the id would. A failure to load or to analyse is reported
/// (status 2).
///
/// The catalog lives until the process ends: freeing a large one item by item takes a tenth
/// of the whole command, and the operating system takes the memory back at once.
pub fn analyse_documents<R, E, const N: usize>(
    g: &GlobalArgs,
    named: [(&str, &[DocumentKind]); N],
    analysis: impl FnOnce(&Catalog, [&str; N]) -> Result<R, E>,
) -> Result<(&'static Catalog, R), ExitStatus>
where
    E: miette::Diagnostic + Send + Sync + 'static,
{
    let mut files = Vec::new();
    for (name, _) in &named {
        if let Some(path) = as_path(g, name)? {
            files.push(path);
        }
    }
    let catalog: &'static Catalog = Box::leak(Box::new(catalog_or_exit(g, &files)?));
    let mut ids = [""; N];
    for (slot, (name, kinds)) in ids.iter_mut().zip(named) {
        *slot = match as_path(g, name)? {
            Some(path) => id_in_file(catalog, &path, kinds)
                .map_err(|e| output::fatal_with(g.format, &e, catalog.diagnostics()))?,
            None => name,
        };
    }
    match output::with_progress("analysing", || analysis(catalog, ids)) {
        Ok(report) => Ok((catalog, report)),
        Err(e) => {
            // An unknown id with no close one: say how a document in a file is named.
            let code = e
                .code()
                .map(|c| c.to_string())
                .and_then(|c| Code::parse(&c));
            let unknown = matches!(
                code,
                Some(
                    Code::UnknownCurriculum
                        | Code::UnknownFramework
                        | Code::UnknownRole
                        | Code::UnknownId
                )
            );
            if let (true, None, Some(code)) = (unknown, e.help(), code) {
                let hint = Fatal::new(
                    code,
                    e.to_string(),
                    Some("see `competence list` for the catalog's ids; a document in a file is named by its path (`competence coverage my-course.yaml`) or added with `--catalog FILE`".to_owned()),
                );
                return Err(output::fatal_with(g.format, &hint, catalog.diagnostics()));
            }
            Err(output::fatal_with(g.format, &e, catalog.diagnostics()))
        }
    }
}

/// A name on the command line read as a file: an existing file, or a name ending in `.yaml`,
/// `.yml` or `.json` (which must then exist). Ids never hold a `/` or end so.
fn as_path(g: &GlobalArgs, name: &str) -> Result<Option<PathBuf>, ExitStatus> {
    let path = Path::new(name);
    let looks_like_file = name.contains(std::path::MAIN_SEPARATOR)
        || name.contains('/')
        || [".yaml", ".yml", ".json"]
            .iter()
            .any(|ext| name.to_ascii_lowercase().ends_with(ext));
    if path.is_file() {
        return Ok(Some(path.to_owned()));
    }
    if looks_like_file {
        return Err(output::fatal(
            g.format,
            &Fatal::new(
                Code::NotFound,
                format!("no file `{name}`"),
                Some(
                    "give the path of an existing file, or a document's id (see `competence list`)"
                        .to_owned(),
                ),
            ),
        ));
    }
    Ok(None)
}

/// The id of the one document of one of `kinds` read from `path`.
fn id_in_file<'c>(
    catalog: &'c Catalog,
    path: &Path,
    kinds: &[DocumentKind],
) -> Result<&'c str, Fatal> {
    let wanted = std::fs::canonicalize(path).ok();
    let found: Vec<_> = catalog
        .documents()
        .map(|d| d.info())
        .filter(|i| kinds.contains(&i.kind) && !i.is_builtin())
        .filter(|i| std::fs::canonicalize(i.file()).ok() == wanted)
        .collect();
    let what = kinds
        .iter()
        .map(|k| k.to_string())
        .collect::<Vec<_>>()
        .join(" or ");
    match found.as_slice() {
        [one] => Ok(one.id.as_str()),
        [] => Err(Fatal::new(
            Code::UnknownId,
            format!("`{}` holds no {what} that loaded", path.display()),
            Some("run `competence validate FILE` to see why".to_owned()),
        )),
        many => Err(Fatal::new(
            Code::UnknownId,
            format!("`{}` holds {} {what} documents", path.display(), many.len()),
            Some(format!(
                "add the file with `--catalog {}` and name one by its id: {}",
                path.display(),
                many.iter()
                    .map(|i| i.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        )),
    }
}

/// Writes a command's report and gives its status: an error when it cannot be written, else
/// the catalog's (see [`status_of`]).
pub fn emit_with_status<T>(g: &GlobalArgs, catalog: &Catalog, report: &Report<T>) -> ExitStatus
where
    T: serde::Serialize + crate::report::Render + framework_core::table::Tables,
{
    let written = output::emit(g, report);
    if written == ExitStatus::Error {
        written
    } else {
        status_of(catalog)
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
