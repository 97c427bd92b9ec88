//! Core errors and diagnostics as Python's `competence_engine.CompetenceError` and
//! `CompetenceWarning`.

use std::ffi::CString;

use framework_core::Diagnostic;
use pyo3::prelude::*;

use crate::convert::serialized;

/// `CompetenceError(message, code, file, line, column, help, diagnostics)`, or the error met
/// making it.
fn competence_error(
    py: Python<'_>,
    message: String,
    code: String,
    place: Option<(String, Option<u32>, Option<u32>)>,
    help: Option<String>,
    diagnostics: &[Diagnostic],
) -> PyErr {
    let (file, line, column) = place.map_or((None, None, None), |(f, l, c)| (Some(f), l, c));
    // What Python shows (a traceback, a log) is escaped as the CLI's output is.
    let message = framework_core::safe::escape(&message).into_owned();
    let help = help.map(|h| framework_core::safe::escape(&h).into_owned());
    let made = serialized(py, diagnostics).and_then(|diagnostics| {
        py.import("competence_engine")?
            .getattr("CompetenceError")?
            .call1((message, code, file, line, column, help, diagnostics))
    });
    match made {
        Ok(obj) => PyErr::from_value(obj),
        Err(err) => err,
    }
}

/// An error that stopped a lookup or a load (its code from the one code table).
pub(crate) fn error(
    py: Python<'_>,
    e: &(dyn miette::Diagnostic + Send + Sync),
    file: Option<String>,
) -> PyErr {
    error_with(py, e, file, &[])
}

/// An error that stopped an analysis of a catalog, with the catalog's diagnostics.
pub(crate) fn error_with(
    py: Python<'_>,
    e: &(dyn miette::Diagnostic + Send + Sync),
    file: Option<String>,
    diagnostics: &[Diagnostic],
) -> PyErr {
    let code = e
        .code()
        .map_or_else(|| "internal-error".to_owned(), |c| c.to_string());
    let help = e.help().map(|h| h.to_string());
    competence_error(
        py,
        e.to_string(),
        code,
        file.map(|f| (f, None, None)),
        help,
        diagnostics,
    )
}

/// An error with a code of the table and a message (no file).
pub(crate) fn coded(py: Python<'_>, code: framework_core::Code, message: String) -> PyErr {
    competence_error(py, message, code.as_str().to_owned(), None, None, &[])
}

/// What a set of diagnostics means for a caller: the first error, raised with every
/// diagnostic attached; otherwise the warnings, issued as one `CompetenceWarning`.
pub(crate) fn raise_or_warn(py: Python<'_>, diagnostics: &[Diagnostic]) -> PyResult<()> {
    if let Some(first) = diagnostics.iter().find(|d| d.is_error()) {
        return Err(competence_error(
            py,
            first.message().to_owned(),
            first.code().as_str().to_owned(),
            Some((
                first.file().to_owned(),
                Some(first.line()),
                Some(first.column()),
            )),
            first.help().map(str::to_owned),
            diagnostics,
        ));
    }
    warn(py, diagnostics)
}

/// Issues warnings as one `CompetenceWarning` naming the first five.
pub(crate) fn warn(py: Python<'_>, diagnostics: &[Diagnostic]) -> PyResult<()> {
    if diagnostics.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = diagnostics
        .iter()
        .take(5)
        .map(|d| format!("{}:{}:{} {}", d.file(), d.line(), d.column(), d.message()))
        .collect();
    let more = if diagnostics.len() > 5 {
        format!(" (and {} more)", diagnostics.len() - 5)
    } else {
        String::new()
    };
    let message = format!("{} warnings: {}{more}", diagnostics.len(), shown.join("; "));
    let category = py
        .import("competence_engine")?
        .getattr("CompetenceWarning")?;
    let message = framework_core::safe::escape(&message);
    let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
    PyErr::warn(py, &category, &text, 2)
}
