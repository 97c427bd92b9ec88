//! The native `Report`: the core's report envelope, converted to Python a field at a time (each
//! field serialized alone: see `pick`), or as typed tables (see `table`).

use framework_core::report::Report;
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use serde::Serialize;

use crate::table::PyArrowTable;
use framework_core::table::Tables;

/// A report of any kind, as the native `Report` holds it.
trait Native: Send + Sync {
    fn tables_sync(&self) -> &(dyn Tables + Sync);
    fn field<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>>;
    fn keys(&self, py: Python<'_>) -> Result<Vec<String>, crate::pick::PickError>;
    fn dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
    #[allow(clippy::type_complexity)]
    fn items<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        range: std::ops::Range<usize>,
    ) -> PyResult<Option<(usize, Vec<Bound<'py, PyAny>>)>>;
    fn json(&self, indent: Option<usize>) -> serde_json::Result<String>;
    fn tables(&self) -> &dyn Tables;
}

impl<T: Serialize + Tables + Send + Sync> Native for Report<T> {
    fn tables_sync(&self) -> &(dyn Tables + Sync) {
        self
    }

    fn tables(&self) -> &dyn Tables {
        self
    }

    fn field<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        crate::pick::field(py, self, name)
    }

    fn keys(&self, py: Python<'_>) -> Result<Vec<String>, crate::pick::PickError> {
        crate::pick::keys(py, self)
    }

    fn dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::serialized(py, self)
    }

    fn items<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        range: std::ops::Range<usize>,
    ) -> PyResult<Option<(usize, Vec<Bound<'py, PyAny>>)>> {
        crate::pick::items(py, self, name, range)
    }

    fn json(&self, indent: Option<usize>) -> serde_json::Result<String> {
        match indent {
            None => serde_json::to_string(self),
            Some(n) => {
                let indent = vec![b' '; n];
                let mut out = Vec::new();
                let formatter = serde_json::ser::PrettyFormatter::with_indent(&indent);
                let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
                self.serialize(&mut ser)?;
                Ok(String::from_utf8_lossy(&out).into_owned())
            }
        }
    }
}

/// A report from the engine: the core's typed report envelope (its fields and every
/// diagnostic), converted to Python objects a field at a time, when the field is read; the
/// other fields are not touched (see `competence_engine.Report`, which wraps it and keeps
/// what it read).
#[pyclass(frozen, module = "competence_engine._core", name = "Report")]
pub struct PyReport {
    native: Box<dyn Native>,
}

impl std::fmt::Debug for PyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PyReport").finish_non_exhaustive()
    }
}

impl PyReport {
    /// Holds a report.
    pub(crate) fn new<T: Serialize + Tables + Send + Sync + 'static>(report: Report<T>) -> Self {
        Self {
            native: Box::new(report),
        }
    }
}

#[pymethods]
impl PyReport {
    /// One top-level field of the report (SPEC §3) as Python objects; `KeyError` if the report
    /// has no such field.
    fn field<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        self.native
            .field(py, name)?
            .ok_or_else(|| PyKeyError::new_err(name.to_owned()))
    }

    /// A list field's length and its elements `start` to `stop` (not included) as Python
    /// objects, the others passed over without being converted; `None` when the field is not a
    /// list (`KeyError` when there is no such field).
    fn items<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        start: usize,
        stop: usize,
    ) -> PyResult<Option<(usize, Vec<Bound<'py, PyAny>>)>> {
        if !self.keys(py)?.iter().any(|k| k == name) {
            return Err(PyKeyError::new_err(name.to_owned()));
        }
        self.native.items(py, name, start..stop.max(start))
    }

    /// The top-level field names, in the report's order (no value is converted).
    fn keys(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        self.native
            .keys(py)
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// The whole report as plain dicts and lists.
    fn to_dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.native.dicts(py)
    }

    /// The names of the report's tables, the main one first (see `table`).
    fn table_names(&self) -> Vec<&'static str> {
        self.native.tables().table_names()
    }

    /// One of the report's tables (default: the main one), made in Rust without the GIL, to be
    /// read through the Arrow PyCapsule interface; `KeyError` for a name not in
    /// `table_names()`.
    #[pyo3(signature = (name = None))]
    fn table(&self, py: Python<'_>, name: Option<&str>) -> PyResult<PyArrowTable> {
        crate::table::made(py, self.native.tables_sync(), name)
    }

    /// A table as a `pyarrow.Table` (see `table`).
    #[pyo3(signature = (name = None))]
    fn to_arrow<'py>(&self, py: Python<'py>, name: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        crate::table::to_arrow(py, self.table(py, name)?)
    }

    /// A table as a typed pandas DataFrame (see `table`).
    #[pyo3(signature = (name = None))]
    fn to_pandas<'py>(&self, py: Python<'py>, name: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        crate::table::to_pandas(py, self.table(py, name)?)
    }

    /// A table as a polars DataFrame (see `table`).
    #[pyo3(signature = (name = None))]
    fn to_polars<'py>(&self, py: Python<'py>, name: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        crate::table::to_polars(py, self.table(py, name)?)
    }

    /// The report as the CLI's `--format json` writes it (`indent` spaces, or one line when
    /// `None`), made without the GIL.
    #[pyo3(signature = (indent = None))]
    fn to_json(&self, py: Python<'_>, indent: Option<usize>) -> PyResult<String> {
        py.detach(|| self.native.json(indent))
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }
}
