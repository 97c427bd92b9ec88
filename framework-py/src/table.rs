//! A report's table handed to Python through the Arrow PyCapsule interface: an object with
//! `__arrow_c_stream__`, which pyarrow (`pyarrow.table(t)`), polars (`polars.DataFrame(t)`),
//! DuckDB and others read without a copy. The batches are made in Rust (see
//! `framework_core::table`), without the GIL.

use std::sync::Mutex;

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchIterator};
use arrow_schema::SchemaRef;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// One table of a report, made and ready to be read once by an Arrow consumer.
#[pyclass(frozen, module = "competence_engine._core", name = "ArrowTable")]
pub struct PyArrowTable {
    name: String,
    schema: SchemaRef,
    batches: Mutex<Option<Vec<RecordBatch>>>,
}

impl std::fmt::Debug for PyArrowTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PyArrowTable")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl PyArrowTable {
    /// A table's batches, made.
    pub(crate) fn new(name: &str, schema: SchemaRef, batches: Vec<RecordBatch>) -> Self {
        Self {
            name: name.to_owned(),
            schema,
            batches: Mutex::new(Some(batches)),
        }
    }
}

#[pymethods]
impl PyArrowTable {
    /// The table's name in its report (`items`, `missing`...).
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// How many rows it has (0 once it has been read).
    fn __len__(&self) -> usize {
        self.batches
            .lock()
            .ok()
            .and_then(|b| {
                b.as_ref()
                    .map(|b| b.iter().map(RecordBatch::num_rows).sum())
            })
            .unwrap_or(0)
    }

    /// The Arrow C stream of the table (the Arrow PyCapsule interface). The table is handed
    /// over, not copied, so it can be read once; `requested_schema` is not supported (the
    /// table's own schema is given).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let batches = self
            .batches
            .lock()
            .ok()
            .and_then(|mut b| b.take())
            .ok_or_else(|| {
                PyValueError::new_err(format!(
                    "the table `{}` was already read: ask the report for it again",
                    self.name
                ))
            })?;
        let reader = RecordBatchIterator::new(batches.into_iter().map(Ok), self.schema.clone());
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    fn __repr__(&self) -> String {
        let columns: Vec<String> = self
            .schema
            .fields()
            .iter()
            .map(|f| format!("{}: {}", f.name(), f.data_type()))
            .collect();
        format!("<ArrowTable {} ({})>", self.name, columns.join(", "))
    }
}
