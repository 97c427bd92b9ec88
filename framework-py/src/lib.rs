//! Python bindings for the Competence Framework Engine: the native module
//! `competence_engine._core`, which holds every class of the package (the package re-exports
//! them and defines its exceptions). A thin layer over `framework-core` in one module per
//! concept (as tokenizers' binding layer is): [`catalog`] (loading, analyses, exports),
//! [`framework`] (frameworks and items over the core's one hierarchy), [`report`] (each
//! report's class over the core's report, a field converted when read), [`rows`] (its rows, made
//! as they are read), [`pick`] (one field serialized alone), [`table`] (tables through the
//! Arrow PyCapsule interface), [`records`] (learner records as Python hands them over),
//! [`interop`] (imports checked), [`error`] (errors and warnings), [`convert`] (Rust values as
//! Python objects) and [`run`] (work off the GIL). Nothing crosses as JSON text but a pickle,
//! and no analysis logic lives here.

use pyo3::prelude::*;

mod catalog;
mod convert;
mod error;
mod framework;
mod interop;
mod pick;
mod records;
mod report;
mod rows;
mod run;
mod table;

/// The native module: every class and function of the package.
#[pymodule]
mod _core {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::catalog::{_catalog, PyCatalog};
    #[pymodule_export]
    use super::framework::{PyFramework, PyItem, import_case, import_moodle};
    #[pymodule_export]
    use super::table::PyArrowTable;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        super::report::add_classes(m)?;
        // Rows are sequences to `isinstance` and to pandas.
        let abc = m.py().import("collections.abc")?;
        abc.getattr("Sequence")?
            .call_method1("register", (m.getattr("Rows")?,))?;
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
