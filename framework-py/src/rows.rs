//! Rows of a report as native objects: each row class (`CoverageItem`, `Gap`, `Learner`...)
//! holds the core's own row, shared with its report, and converts one field when it is read;
//! a list of rows is a [`PyRows`] sequence that makes a row object only when it is read. So
//! reading one learner of a 100,000-learner report costs one learner.
//!
//! A row reads back from its JSON (pickling): it then owns its data alone.

use std::sync::Arc;

use pyo3::exceptions::{PyIndexError, PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PySlice, PyTuple};
use serde::Serialize;

/// Where a row lives: in the report it came from (shared), or alone (read back from JSON).
pub(crate) trait Owner<R>: Send + Sync {
    /// The row (`None` is not reached: an element is made only for an index its list has).
    fn row(&self) -> Option<&R>;
}

impl<R: Send + Sync> Owner<R> for R {
    fn row(&self) -> Option<&R> {
        Some(self)
    }
}

/// The element at `index` of a list in a parent row.
struct Element<P: 'static, R: 'static> {
    parent: Arc<dyn Owner<P>>,
    index: usize,
    list: fn(&P) -> &[R],
}

impl<P: 'static, R: 'static> Owner<R> for Element<P, R> {
    fn row(&self) -> Option<&R> {
        (self.list)((*self.parent).row()?).get(self.index)
    }
}

/// A part of a parent row that is not a list (a learners report's `summary`).
pub(crate) struct Part<P: 'static, R: 'static> {
    pub(crate) parent: Arc<dyn Owner<P>>,
    pub(crate) get: fn(&P) -> &R,
}

impl<P: 'static, R: 'static> Owner<R> for Part<P, R> {
    fn row(&self) -> Option<&R> {
        Some((self.get)((*self.parent).row()?))
    }
}

/// A part of a row as its class.
pub(crate) fn part<'py, P: 'static, R: 'static>(
    py: Python<'py>,
    parent: &Arc<dyn Owner<P>>,
    get: fn(&P) -> &R,
    make: Make<R>,
) -> PyResult<Bound<'py, PyAny>> {
    make(
        py,
        Arc::new(Part {
            parent: parent.clone(),
            get,
        }),
    )
}

/// The row, or the error a row that cannot be reached raises (not reached).
pub(crate) fn reach<R>(owner: &dyn Owner<R>) -> PyResult<&R> {
    owner.row().ok_or_else(|| {
        PyValueError::new_err("this row is not in its report (a bug: please report it)")
    })
}

/// A list of a report, as [`PyRows`] reads it.
pub(crate) trait List: Send + Sync {
    /// The field's name, for messages.
    fn name(&self) -> &'static str;
    /// How many elements.
    fn len(&self) -> usize;
    /// The element at `index` (checked) as a Python object.
    fn get<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyAny>>;
}

/// Makes a row's Python object from where the row lives.
pub(crate) type Make<R> =
    for<'py> fn(Python<'py>, Arc<dyn Owner<R>>) -> PyResult<Bound<'py, PyAny>>;

/// A list of rows, each made as its row class when read.
pub(crate) struct RowsOf<P: 'static, R: 'static> {
    pub(crate) name: &'static str,
    pub(crate) parent: Arc<dyn Owner<P>>,
    pub(crate) list: fn(&P) -> &[R],
    pub(crate) make: Make<R>,
}

impl<P: 'static, R: 'static> List for RowsOf<P, R> {
    fn name(&self) -> &'static str {
        self.name
    }
    fn len(&self) -> usize {
        (*self.parent).row().map_or(0, |p| (self.list)(p).len())
    }
    fn get<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyAny>> {
        (self.make)(
            py,
            Arc::new(Element {
                parent: self.parent.clone(),
                index,
                list: self.list,
            }),
        )
    }
}

/// Makes a plain value (a reference, an id) of a list its Python object, for a list of values
/// read as [`RowsOf`] reads rows.
pub(crate) fn plain<'py, R: Serialize>(
    py: Python<'py>,
    owner: Arc<dyn Owner<R>>,
) -> PyResult<Bound<'py, PyAny>> {
    crate::convert::serialized(py, reach(&*owner)?)
}

/// A list field of a report (its items, learners, gaps...): a read-only sequence whose rows
/// are made when read, so a 100,000-learner report's `learners` costs nothing until rows are
/// read. Compares equal to any sequence of the same rows; pickles as a tuple.
///
/// >>> rows = Catalog.builtin().coverage("cnwl-developing-expertise-peer-working").items
/// >>> len(rows) > 10, rows[0].ref, rows[-1] == rows[len(rows) - 1], rows[1:3] == (rows[1], rows[2])
/// (True, 'hee-psw-2020:1', True, True)
#[pyclass(frozen, sequence, module = "competence_engine", name = "Rows")]
pub struct PyRows {
    list: Arc<dyn List>,
}

impl std::fmt::Debug for PyRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PyRows")
            .field("name", &self.list.name())
            .finish_non_exhaustive()
    }
}

impl PyRows {
    /// Rows over a list.
    pub(crate) fn new(list: impl List + 'static) -> Self {
        Self {
            list: Arc::new(list),
        }
    }

    fn at<'py>(&self, py: Python<'py>, index: isize) -> PyResult<Bound<'py, PyAny>> {
        let len = self.list.len();
        let i = if index < 0 {
            index.checked_add_unsigned(len).filter(|i| *i >= 0)
        } else {
            Some(index)
        };
        match i.and_then(|i| usize::try_from(i).ok()).filter(|i| *i < len) {
            Some(i) => self.list.get(py, i),
            None => Err(PyIndexError::new_err(format!(
                "row {index} of `{}`, which has {len}",
                self.list.name()
            ))),
        }
    }
}

/// An index or a slice.
#[derive(Debug, FromPyObject)]
enum Index<'py> {
    At(isize),
    Slice(Bound<'py, PySlice>),
}

#[pymethods]
impl PyRows {
    fn __len__(&self) -> usize {
        self.list.len()
    }

    fn __getitem__<'py>(&self, py: Python<'py>, index: Index<'py>) -> PyResult<Bound<'py, PyAny>> {
        match index {
            Index::At(i) => self.at(py, i),
            Index::Slice(s) => {
                let len = isize::try_from(self.list.len()).unwrap_or(isize::MAX);
                let s = s.indices(len)?;
                let mut rows = Vec::with_capacity(s.slicelength);
                let mut i = s.start;
                for _ in 0..s.slicelength {
                    rows.push(self.at(py, i)?);
                    i += s.step;
                }
                Ok(PyTuple::new(py, rows)?.into_any())
            }
        }
    }

    fn __iter__(slf: Bound<'_, Self>) -> RowsIter {
        RowsIter {
            list: slf.get().list.clone(),
            next: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Row by row, never the whole list at once.
    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let abc = py.import("collections.abc")?.getattr("Sequence")?;
        if !other.is_instance(&abc)? || other.is_instance_of::<pyo3::types::PyString>() {
            return Ok(py.NotImplemented());
        }
        if other.len()? != self.list.len() {
            return Ok(false.into_pyobject(py)?.to_owned().into_any().unbind());
        }
        for (n, theirs) in other.try_iter()?.enumerate() {
            if !self.list.get(py, n)?.eq(theirs?)? {
                return Ok(false.into_pyobject(py)?.to_owned().into_any().unbind());
            }
        }
        Ok(true.into_pyobject(py)?.to_owned().into_any().unbind())
    }

    fn __repr__(&self) -> String {
        format!("<{} rows of `{}`>", self.list.len(), self.list.name())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let rows: Vec<Bound<'py, PyAny>> = (0..slf.get().list.len())
            .map(|i| slf.get().list.get(py, i))
            .collect::<PyResult<_>>()?;
        let tuple = py.get_type::<PyTuple>();
        Ok((tuple, (PyTuple::new(py, rows)?,))
            .into_pyobject(py)?
            .into_any())
    }
}

/// An iterator over [`PyRows`].
#[pyclass(module = "competence_engine._core", name = "RowsIterator")]
pub struct RowsIter {
    list: Arc<dyn List>,
    next: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for RowsIter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowsIter").finish_non_exhaustive()
    }
}

#[pymethods]
impl RowsIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if i < self.list.len() {
            self.list.get(py, i).map(Some)
        } else {
            Ok(None)
        }
    }
}

/// A field's attribute name: `-` read as `_`, and `from` as `from_` (a Python keyword).
pub(crate) fn attribute(key: &str) -> String {
    if key == "from" {
        "from_".to_owned()
    } else {
        key.replace('-', "_")
    }
}

/// `record[key]`: the field of that JSON name, read through its attribute.
pub(crate) fn item<'py>(
    slf: &Bound<'py, PyAny>,
    keys: &[String],
    key: &str,
) -> PyResult<Bound<'py, PyAny>> {
    if keys.iter().any(|k| k == key) {
        slf.getattr(attribute(key).as_str())
    } else {
        Err(PyKeyError::new_err(key.to_owned()))
    }
}

/// A row as its JSON text (pickling, equality and hashing).
pub(crate) fn json_of<T: Serialize + ?Sized>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// `(type(obj)._from_json, (json,))`: how a report or row pickles.
pub(crate) fn reduce<'py>(obj: &Bound<'py, PyAny>, json: String) -> PyResult<Bound<'py, PyAny>> {
    let read = obj.get_type().getattr("_from_json")?;
    Ok((read, (json,)).into_pyobject(obj.py())?.into_any())
}

/// Reads a row or report back from its JSON text.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> PyResult<T> {
    serde_json::from_str(text)
        .map_err(|e| PyValueError::new_err(format!("this is not a report's or row's JSON: {e}")))
}

/// A row's repr: `<Name key=value ...>`, a list shown by its length.
pub(crate) fn repr(name: &str, fields: &Bound<'_, PyDict>) -> PyResult<String> {
    let mut out = format!("<{name}");
    for (k, v) in fields.iter() {
        let shown = match v.cast::<pyo3::types::PyList>() {
            Ok(list) => format!("[{} items]", list.len()),
            Err(_) => v.repr()?.to_string(),
        };
        out.push_str(&format!(" {}={shown}", attribute(&k.str()?.to_string())));
    }
    out.push('>');
    Ok(out)
}

/// The Python objects of a row's fields, in order, as a dict.
pub(crate) fn dict_of<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyDict>> {
    Ok(crate::convert::serialized(py, value)?.cast_into::<PyDict>()?)
}

/// A native row class over a core row type: a getter per field (converted when read, a list of
/// rows as [`PyRows`]), `keys()`, `row["json-name"]`, `to_dicts()`, equality and hashing by
/// value, and pickling through its JSON.
macro_rules! row_class {
    (
        $(#[$doc:meta])*
        $class:ident = $pyname:literal over $row:ty {
            $($field:ident = $key:literal),* $(,)?
        }
        $(rows { $($rfield:ident = $rkey:literal => $rclass:ident($rlist:expr)),* $(,)? })?
        $(parts { $($pfield:ident = $pkey:literal => $pclass:ident($pget:expr)),* $(,)? })?
    ) => {
        $(#[$doc])*
        #[pyclass(frozen, module = "competence_engine", name = $pyname)]
        pub struct $class {
            owner: std::sync::Arc<dyn crate::rows::Owner<$row>>,
        }

        impl std::fmt::Debug for $class {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($class)).finish_non_exhaustive()
            }
        }

        impl $class {
            /// The row as a Python object.
            pub(crate) fn make<'py>(
                py: pyo3::Python<'py>,
                owner: std::sync::Arc<dyn crate::rows::Owner<$row>>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                Ok(pyo3::Bound::new(py, Self { owner })?.into_any())
            }

            fn row(&self) -> pyo3::PyResult<&$row> {
                crate::rows::reach(&*self.owner)
            }

            fn field<'py>(
                &self,
                py: pyo3::Python<'py>,
                key: &str,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                Ok(crate::pick::field(py, self.row()?, key)?.unwrap_or_else(|| py.None().into_bound(py)))
            }
        }

        #[pymethods]
        impl $class {
            $(
                #[doc = concat!("The `", $key, "` field.")]
                #[getter]
                fn $field<'py>(&self, py: pyo3::Python<'py>) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                    self.field(py, $key)
                }
            )*
            $($(
                #[doc = concat!("The `", $rkey, "` rows.")]
                #[getter]
                fn $rfield(&self) -> crate::rows::PyRows {
                    crate::rows::PyRows::new(crate::rows::RowsOf {
                        name: $rkey,
                        parent: self.owner.clone(),
                        list: $rlist,
                        make: $rclass::make,
                    })
                }
            )*)?
            $($(
                #[doc = concat!("The `", $pkey, "` part.")]
                #[getter]
                fn $pfield<'py>(&self, py: pyo3::Python<'py>) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                    crate::rows::part(py, &self.owner, $pget, $pclass::make)
                }
            )*)?

            /// The row read back from its JSON (how it unpickles).
            #[classmethod]
            fn _from_json<'py>(
                cls: &pyo3::Bound<'py, pyo3::types::PyType>,
                json: &str,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                let row: $row = crate::rows::from_json(json)?;
                Self::make(cls.py(), std::sync::Arc::new(row))
            }

            /// The field names, as in the JSON.
            fn keys(&self, py: pyo3::Python<'_>) -> pyo3::PyResult<Vec<String>> {
                crate::pick::keys(py, self.row()?)
            }

            fn __getitem__<'py>(
                slf: &pyo3::Bound<'py, Self>,
                key: &str,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                let keys = slf.get().keys(slf.py())?;
                crate::rows::item(slf.as_any(), &keys, key)
            }

            fn __contains__(&self, py: pyo3::Python<'_>, key: &str) -> pyo3::PyResult<bool> {
                Ok(self.keys(py)?.iter().any(|k| k == key))
            }

            /// The row as a plain dict (a copy).
            fn to_dicts<'py>(&self, py: pyo3::Python<'py>) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::types::PyDict>> {
                crate::rows::dict_of(py, self.row()?)
            }

            fn __eq__(&self, other: &pyo3::Bound<'_, pyo3::PyAny>) -> pyo3::PyResult<bool> {
                match other.cast::<Self>() {
                    Ok(o) => Ok(crate::rows::json_of(self.row()?)? == crate::rows::json_of(o.get().row()?)?),
                    Err(_) => Ok(false),
                }
            }

            fn __hash__(&self) -> pyo3::PyResult<u64> {
                use std::hash::{Hash, Hasher};
                let mut h = std::collections::hash_map::DefaultHasher::new();
                crate::rows::json_of(self.row()?)?.hash(&mut h);
                Ok(h.finish())
            }

            /// The fields, a list shown by its length.
            fn __repr__(&self, py: pyo3::Python<'_>) -> pyo3::PyResult<String> {
                crate::rows::repr($pyname, &self.to_dicts(py)?)
            }

            /// Pickles as its JSON, read back by `_from_json`.
            fn __reduce__<'py>(slf: &pyo3::Bound<'py, Self>) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                crate::rows::reduce(slf.as_any(), crate::rows::json_of(slf.get().row()?)?)
            }
        }
    };
}

pub(crate) use row_class;
