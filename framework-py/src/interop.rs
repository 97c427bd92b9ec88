//! Imports: what Python hands over (paths, bytes, text, dicts) read as files, and what an
//! import made checked (raised or warned) before anything is returned.

use framework_core::interop::{Imported, case, moodle};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::error::raise_or_warn;

/// A source as a file's name and bytes: a dict (a package, written as JSON), bytes, text (when
/// it holds a line break or starts like JSON), or a path.
pub(crate) fn source_bytes(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    default_name: &str,
) -> PyResult<(String, Vec<u8>)> {
    let mapping = py.import("collections.abc")?.getattr("Mapping")?;
    if source.is_instance(&mapping)? {
        let text: String = py
            .import("json")?
            .call_method1("dumps", (source,))?
            .extract()?;
        return Ok((default_name.to_owned(), text.into_bytes()));
    }
    if let Ok(bytes) = source.cast::<PyBytes>() {
        return Ok((default_name.to_owned(), bytes.as_bytes().to_vec()));
    }
    if let Ok(text) = source.cast::<PyString>() {
        let text = text.to_cow()?;
        let trimmed = text.trim_start();
        if text.contains('\n') || trimmed.starts_with('{') || trimmed.starts_with('[') {
            return Ok((default_name.to_owned(), text.as_bytes().to_vec()));
        }
    }
    let path: std::path::PathBuf = py
        .import("os")?
        .call_method1("fspath", (source,))?
        .extract()?;
    let bytes = crate::run::detached(py, || {
        framework_core::files::read_file_limited(&path, framework_core::MAX_FILE_BYTES as u64)
    })?;
    Ok((path.display().to_string(), bytes))
}

/// CASE packages imported together and checked: raises at the first error, warns otherwise.
pub(crate) fn import_case_checked(
    py: Python<'_>,
    sources: &[Bound<'_, PyAny>],
    id: Option<&str>,
) -> PyResult<Imported> {
    let files = sources
        .iter()
        .enumerate()
        .map(|(n, s)| source_bytes(py, s, &format!("package-{}.json", n + 1)))
        .collect::<PyResult<Vec<_>>>()?;
    let imported = crate::run::detached(py, || {
        let files: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        case::import(&files, id)
    });
    raise_or_warn(py, &imported.diagnostics)?;
    Ok(imported)
}

/// A Moodle CSV imported and checked: raises at the first error, warns otherwise.
pub(crate) fn import_moodle_checked(
    py: Python<'_>,
    source: &Bound<'_, PyAny>,
    id: Option<&str>,
) -> PyResult<Imported> {
    let (name, bytes) = source_bytes(py, source, "competencies.csv")?;
    let imported = crate::run::detached(py, || moodle::import(&name, &bytes, id));
    raise_or_warn(py, &imported.diagnostics)?;
    Ok(imported)
}
