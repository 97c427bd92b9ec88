//! Python bindings for the Competence Framework Engine: the native module
//! `competence_engine._core`, a thin layer over `framework-core` in one module per concept (as
//! tokenizers' binding layer is): [`catalog`] (loading, analyses, exports), [`framework`]
//! (frameworks and items over the core's one hierarchy), [`report`] (the report envelope,
//! converted a field at a time), [`table`] (its tables through the Arrow PyCapsule interface), [`interop`] (reading what Python hands over, and checking imports), [`error`] (errors and warnings)
//! and [`convert`] (Rust values as Python objects). Nothing crosses as JSON text, and no
//! analysis logic lives here.

use pyo3::prelude::*;

mod catalog;
mod convert;
mod error;
mod framework;
mod interop;
mod pick;
mod report;
mod run;
mod table;

/// The native module.
#[pymodule]
mod _core {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::catalog::PyCatalog;
    #[pymodule_export]
    use super::framework::{PyFramework, PyItem, import_case, import_moodle};
    #[pymodule_export]
    use super::report::PyReport;
    #[pymodule_export]
    use super::table::PyArrowTable;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
