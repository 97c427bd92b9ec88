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

/// A table of `tables` by name (default: the first), made without the GIL; `KeyError` for a
/// name it does not have.
pub(crate) fn made(
    py: Python<'_>,
    tables: &(dyn framework_core::table::Tables + Sync),
    name: Option<&str>,
) -> PyResult<PyArrowTable> {
    let names = tables.table_names();
    let name = name.or(names.first().copied()).unwrap_or_default();
    let built = py.detach(|| {
        let table = tables.table(name)?;
        let batches: Result<Vec<_>, _> = table.batches.collect();
        Some(batches.map(|b| (table.schema, b)))
    });
    match built {
        Some(Ok((schema, batches))) => Ok(PyArrowTable::new(name, schema, batches)),
        Some(Err(e)) => Err(PyValueError::new_err(format!(
            "cannot make the table `{name}`: {e}"
        ))),
        None => Err(pyo3::exceptions::PyKeyError::new_err(format!(
            "no table `{name}`; there are: {}",
            names.join(", ")
        ))),
    }
}

fn import<'py>(py: Python<'py>, module: &str, extra: &str) -> PyResult<Bound<'py, PyModule>> {
    py.import(module).map_err(|_| {
        pyo3::exceptions::PyImportError::new_err(format!(
            "this needs {module}: pip install 'competence-engine[{extra}]'"
        ))
    })
}

/// The table as a `pyarrow.Table`.
pub(crate) fn to_arrow<'py>(py: Python<'py>, table: PyArrowTable) -> PyResult<Bound<'py, PyAny>> {
    import(py, "pyarrow", "arrow")?.call_method1("table", (table,))
}

/// The table as a polars DataFrame (read through the PyCapsule interface: no pyarrow needed).
pub(crate) fn to_polars<'py>(py: Python<'py>, table: PyArrowTable) -> PyResult<Bound<'py, PyAny>> {
    import(py, "polars", "polars")?.call_method1("DataFrame", (table,))
}

/// The table as a pandas DataFrame with its types: dictionaries as categoricals (ordered where
/// the table says so), dates as `datetime64`, counts as nullable `Int64`, flags as nullable
/// `boolean`, and the item `ref` as the index when each row has its own.
pub(crate) fn to_pandas<'py>(py: Python<'py>, table: PyArrowTable) -> PyResult<Bound<'py, PyAny>> {
    let pd = import(py, "pandas", "pandas")?;
    let pa = import(py, "pyarrow", "pandas")?;
    let arrow = pa.call_method1("table", (table,))?;
    let mapping = pyo3::types::PyDict::new(py);
    mapping.set_item(pa.call_method0("int64")?, pd.call_method0("Int64Dtype")?)?;
    mapping.set_item(pa.call_method0("bool_")?, pd.call_method0("BooleanDtype")?)?;
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("types_mapper", mapping.getattr("get")?)?;
    kwargs.set_item("date_as_object", false)?;
    let frame = arrow.call_method("to_pandas", (), Some(&kwargs))?;
    let columns = frame.getattr("columns")?;
    if columns.contains("ref")? {
        let refs = frame.get_item("ref")?;
        if refs.getattr("is_unique")?.is_truthy()? {
            return frame.call_method1("set_index", ("ref",));
        }
    }
    Ok(frame)
}
