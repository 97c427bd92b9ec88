//! Python bindings for the Competence Framework Engine: the native module
//! `competence_engine._core`. A thin conversion layer over `framework-core`; no logic lives here.
//!
//! This first version exposes the shipped catalog's check; the full API comes with the
//! bindings issue.

use pyo3::prelude::*;

/// The native module.
#[pymodule]
mod _core {
    use framework_core::Catalog;
    use pyo3::prelude::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }

    /// The ids of the documents shipped with the engine, as `(kind, id)` pairs.
    #[pyfunction]
    fn builtin_documents(py: Python<'_>) -> Vec<(String, String)> {
        py.detach(|| {
            Catalog::builtin()
                .documents()
                .map(|d| (d.info().kind.to_string(), d.info().id.to_string()))
                .collect()
        })
    }

    /// The shipped catalog's problems as `(severity, code, file, line, column, message)` tuples
    /// (empty when every shipped document is valid).
    #[pyfunction]
    fn validate_builtin(py: Python<'_>) -> Vec<(String, String, String, u32, u32, String)> {
        py.detach(|| {
            Catalog::builtin()
                .diagnostics()
                .iter()
                .map(|d| {
                    (
                        d.severity().to_string(),
                        d.code().to_string(),
                        d.file().to_owned(),
                        d.line(),
                        d.column(),
                        d.message().to_owned(),
                    )
                })
                .collect()
        })
    }
}
