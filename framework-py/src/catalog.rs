//! The native `Catalog`: loading, and every analysis, export and lookup asked of it.

use std::path::PathBuf;
use std::sync::Arc;

use framework_core::Catalog as CoreCatalog;
use framework_core::learners::{CsvInput, RecordsInput, TableInput, TextColumn};
use framework_core::report::Report;
use pyo3::prelude::*;
use serde::Serialize;

use crate::error::{coded, error, error_with};
use crate::framework::PyFramework;
use crate::report::PyReport;

/// A loaded catalog (see `competence_engine.Catalog`, which wraps it).
#[pyclass(frozen, module = "competence_engine._core", name = "Catalog")]
#[derive(Debug)]
pub struct PyCatalog {
    inner: Arc<CoreCatalog>,
    builtin: bool,
}

/// Runs an analysis without holding the GIL; its report, or its error as `CompetenceError`.
fn analyse<R, E>(
    py: Python<'_>,
    catalog: &CoreCatalog,
    analysis: impl FnOnce(&CoreCatalog) -> Result<Report<R>, E> + Send,
) -> PyResult<PyReport>
where
    R: Serialize + framework_core::table::Tables + Send + Sync + 'static,
    E: miette::Diagnostic + Send + Sync,
{
    crate::run::detached(py, || analysis(catalog).map(PyReport::new))
        .map_err(|e| error_with(py, &e, None, catalog.diagnostics()))
}

impl PyCatalog {
    fn framework_position(&self, py: Python<'_>, id: &str) -> PyResult<usize> {
        let found = self
            .inner
            .lookup_framework(id)
            .map_err(|e| error(py, &e, None))?;
        Ok(self
            .inner
            .frameworks()
            .iter()
            .position(|f| std::ptr::eq(f, found))
            .unwrap_or_default())
    }
}

#[pymethods]
impl PyCatalog {
    /// The shipped documents alone.
    #[staticmethod]
    fn builtin(py: Python<'_>) -> Self {
        Self {
            inner: Arc::new(crate::run::detached(py, CoreCatalog::builtin)),
            builtin: true,
        }
    }

    /// The shipped documents (unless `builtin` is false) and the files or folders given.
    #[staticmethod]
    #[pyo3(signature = (paths, builtin = true))]
    fn load(py: Python<'_>, paths: Vec<PathBuf>, builtin: bool) -> PyResult<Self> {
        let built = crate::run::detached(py, || {
            let mut b = CoreCatalog::builder().builtin(builtin);
            for p in &paths {
                b.add_path(p).map_err(|e| (e, p.display().to_string()))?;
            }
            Ok(b.build())
        });
        match built {
            Ok(c) => Ok(Self {
                inner: Arc::new(c),
                builtin,
            }),
            Err((e, file)) => Err(error(py, &e, Some(file))),
        }
    }

    /// A catalog of these (name, text) sources (what `sources()` gives back).
    #[staticmethod]
    #[pyo3(signature = (sources, builtin = true))]
    fn from_sources(py: Python<'_>, sources: Vec<(String, String)>, builtin: bool) -> Self {
        let inner = crate::run::detached(py, || {
            let mut b = CoreCatalog::builder().builtin(builtin);
            for (name, text) in &sources {
                b.add_bytes(name, text.as_bytes());
            }
            b.build()
        });
        Self {
            inner: Arc::new(inner),
            builtin,
        }
    }

    /// The user's sources as (name, text), in load order.
    fn sources(&self) -> Vec<(String, String)> {
        self.inner
            .user_sources()
            .map(|(n, t)| (n.to_owned(), t.to_owned()))
            .collect()
    }

    /// Whether the shipped documents are included.
    #[getter]
    fn has_builtin(&self) -> bool {
        self.builtin
    }

    /// The names of its tables: `documents` (a row per document) and `diagnostics` (see `table`).
    fn table_names(&self) -> Vec<&'static str> {
        framework_core::table::Tables::table_names(&framework_core::report::list(&self.inner))
    }

    /// One of its tables (default: `documents`), made in Rust without the GIL, to be read
    /// through the Arrow PyCapsule interface.
    #[pyo3(signature = (name = None))]
    fn table(&self, py: Python<'_>, name: Option<&str>) -> PyResult<crate::table::PyArrowTable> {
        let view = framework_core::report::list(&self.inner);
        crate::table::made(py, &view, name)
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

    /// The validate report (SPEC §3).
    fn validate(&self) -> PyReport {
        PyReport::new(framework_core::report::validate(&self.inner))
    }

    /// The list report: a summary per document.
    fn list(&self) -> PyReport {
        PyReport::new(framework_core::report::list(&self.inner))
    }

    /// Every framework, in catalog order.
    fn frameworks(&self) -> Vec<PyFramework> {
        (0..self.inner.frameworks().len())
            .map(|n| PyFramework::in_catalog(&self.inner, n))
            .collect()
    }

    /// A framework by id (`CompetenceError` with `unknown-framework`, or `wrong-kind`, if none).
    fn framework(&self, py: Python<'_>, id: &str) -> PyResult<PyFramework> {
        let n = self.framework_position(py, id)?;
        Ok(PyFramework::in_catalog(&self.inner, n))
    }

    /// Coverage (SPEC §3).
    #[pyo3(signature = (curriculum, framework = None))]
    fn coverage(
        &self,
        py: Python<'_>,
        curriculum: &str,
        framework: Option<&str>,
    ) -> PyResult<PyReport> {
        analyse(py, &self.inner, |c| {
            framework_core::coverage::coverage(c, curriculum, framework)
        })
    }

    /// Gaps (SPEC §3).
    #[pyo3(signature = (target, source, require_depth = None))]
    fn gaps(
        &self,
        py: Python<'_>,
        target: &str,
        source: &str,
        require_depth: Option<&str>,
    ) -> PyResult<PyReport> {
        let depth = match require_depth {
            None => None,
            Some(d) => match framework_core::model::Depth::parse(d) {
                Some(d) => Some(d),
                None => {
                    return Err(coded(
                        py,
                        framework_core::Code::BadArguments,
                        format!("`{d}` is not a depth: use introduced, practised or assessed"),
                    ));
                }
            },
        };
        analyse(py, &self.inner, |c| {
            framework_core::gaps::gaps(c, target, source, depth)
        })
    }

    /// A crosswalk.
    fn crosswalk(&self, py: Python<'_>, a: &str, b: &str) -> PyResult<PyReport> {
        analyse(py, &self.inner, |c| {
            framework_core::crosswalk::crosswalk(c, a, b)
        })
    }

    /// The course map matrix.
    #[pyo3(signature = (curriculum, framework = None))]
    fn matrix(
        &self,
        py: Python<'_>,
        curriculum: &str,
        framework: Option<&str>,
    ) -> PyResult<PyReport> {
        analyse(py, &self.inner, |c| {
            framework_core::matrix::matrix(c, curriculum, framework)
        })
    }

    /// A framework as a CASE 1.1 package (a dict).
    #[pyo3(signature = (framework, base_uri = None))]
    fn export_case<'py>(
        &self,
        py: Python<'py>,
        framework: &str,
        base_uri: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let n = self.framework_position(py, framework)?;
        let options = framework_core::interop::case::ExportOptions { base_uri };
        let c = &self.inner;
        let package = crate::run::detached(py, || {
            framework_core::interop::case::export(c, &c.frameworks()[n], &options)
        });
        crate::convert::to_py(py, &package)
    }

    /// A framework as a Moodle competency CSV; what it could not hold is issued as one
    /// `CompetenceWarning`.
    fn export_moodle(&self, py: Python<'_>, framework: &str) -> PyResult<String> {
        let n = self.framework_position(py, framework)?;
        let (csv, lost) = framework_core::interop::moodle::export(&self.inner.frameworks()[n]);
        crate::error::warn(py, &lost)?;
        Ok(csv)
    }

    /// A curriculum as an Open Badges 3.0 Achievement (a dict).
    #[pyo3(signature = (curriculum, base_uri = None))]
    fn export_ob3<'py>(
        &self,
        py: Python<'py>,
        curriculum: &str,
        base_uri: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let c = &self.inner;
        let achievement = py
            .detach(|| framework_core::interop::ob3::export(c, curriculum, base_uri))
            .map_err(|e| error(py, &e, None))?;
        crate::convert::to_py(py, &achievement)
    }

    /// Learner records against a role (SPEC §3): each file as CSV bytes, or as a path the
    /// engine reads itself (streamed, under its limits).
    #[pyo3(signature = (role, learners, evidence, learners_name, evidence_name, as_of = None, learner = None))]
    #[allow(clippy::too_many_arguments)]
    fn learners(
        &self,
        py: Python<'_>,
        role: &str,
        learners: Records,
        evidence: Records,
        learners_name: String,
        evidence_name: String,
        as_of: Option<&str>,
        learner: Option<&str>,
    ) -> PyResult<PyReport> {
        let as_of = match as_of {
            None => framework_core::learners::today(),
            Some(s) => framework_core::learners::date(s).ok_or_else(|| {
                coded(
                    py,
                    framework_core::Code::BadArguments,
                    format!("`{s}` is not a date: write YYYY-MM-DD"),
                )
            })?,
        };
        type Input = RecordsInput<Box<dyn std::io::Read + Send>>;
        let open = |r: Records, name: String| -> PyResult<Input> {
            let unreadable = |message: String| {
                error(
                    py,
                    &framework_core::learners::RecordsError::Unreadable {
                        file: name.clone(),
                        message,
                    },
                    Some(name.clone()),
                )
            };
            match r {
                Records::Bytes(b) => Ok(RecordsInput::Csv(CsvInput::new(
                    name.clone(),
                    Box::new(std::io::Cursor::new(b)) as Box<dyn std::io::Read + Send>,
                ))),
                Records::Path(p) => std::fs::File::open(&p)
                    .map(|f| {
                        RecordsInput::Csv(CsvInput::new(
                            name.clone(),
                            Box::new(std::io::BufReader::new(f)) as Box<dyn std::io::Read + Send>,
                        ))
                    })
                    .map_err(|e| unreadable(e.to_string())),
                Records::Table(columns) => {
                    let columns = columns
                        .into_iter()
                        .map(ColumnParts::column)
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(unreadable)?;
                    Ok(RecordsInput::Table(TableInput {
                        name: name.clone(),
                        columns,
                    }))
                }
            }
        };
        let l = open(learners, learners_name)?;
        let e = open(evidence, evidence_name)?;
        analyse(py, &self.inner, |c| {
            framework_core::learners::learners(c, role, l, e, as_of, learner)
        })
    }
}

/// Learner records as Python hands them over: CSV bytes, a path, or a table's columns.
#[derive(Debug, FromPyObject)]
pub enum Records {
    /// CSV bytes.
    Bytes(Vec<u8>),
    /// A file's path.
    Path(PathBuf),
    /// A table's columns, each an Arrow `large_string` array's parts (see `ColumnParts`).
    Table(Vec<ColumnParts>),
}

/// One column as pyarrow hands it over: its name, its offsets (little-endian 64-bit, one more
/// than its values), its UTF-8 data, its validity bitmap (none: every value present), the
/// array's offset into them, and its length. Everything is checked (see
/// `TextColumn::from_parts`).
#[derive(Debug, FromPyObject)]
pub struct ColumnParts(String, Vec<u8>, Vec<u8>, Option<Vec<u8>>, usize, usize);

impl ColumnParts {
    fn column(self) -> Result<TextColumn, String> {
        let ColumnParts(name, offsets, data, validity, offset, length) = self;
        if offsets.len() % 8 != 0 {
            return Err(format!("column `{name}` has offsets that are not 64-bit"));
        }
        let end = offset.saturating_add(length);
        if validity
            .as_ref()
            .is_some_and(|bits| (bits.len() as u64) * 8 < end as u64)
        {
            return Err(format!(
                "column `{name}` has a validity shorter than its values"
            ));
        }
        let all: Vec<usize> = offsets
            .chunks_exact(8)
            .map(|b| {
                let mut n = [0u8; 8];
                n.copy_from_slice(b);
                usize::try_from(i64::from_le_bytes(n)).unwrap_or(usize::MAX)
            })
            .collect();
        let starts = all
            .get(offset..offset.saturating_add(length).saturating_add(1))
            .ok_or_else(|| format!("column `{name}` has fewer offsets than values"))?
            .to_vec();
        let present = validity.map(|bits| {
            (offset..end)
                .map(|i| bits.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0))
                .collect()
        });
        TextColumn::from_parts(name, starts, data, present)
    }
}
