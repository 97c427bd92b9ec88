//! The native `Catalog`: loading, and every analysis, export and lookup asked of it.

use std::path::PathBuf;
use std::sync::Arc;

use framework_core::Catalog as CoreCatalog;
use framework_core::model::DocumentKind;
use framework_core::report::Report;
use framework_core::table::Tables;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};

use crate::error::{coded, error, error_with};
use crate::framework::PyFramework;
use crate::report::Kind;
use crate::rows::PyRows;

/// The shipped documents and the user's, loaded, checked and linked into one graph.
///
/// ``Catalog.builtin()``; ``Catalog.load("my-docs/", "course.yaml", builtin=True)``;
/// ``Catalog.loads(yaml_text)``; ``Catalog.from_documents(*dicts)``. Catalogs are read-only,
/// safe to share between threads, and pickle (with the text of the user's documents).
///
/// >>> catalog = Catalog.builtin()
/// >>> "hee-psw-2020" in [f.id for f in catalog.frameworks]
/// True
/// >>> c = Catalog.loads("kind: framework\nid: mine\ntitle: Mine\nitems:\n  - {id: a, title: A}\n")
/// >>> c.framework("mine").title
/// 'Mine'
/// >>> docs = import_case(Catalog.builtin().export_case("srn-peer-values"))
/// >>> Catalog.from_documents(*docs, builtin=False).framework("srn-peer-values").id
/// 'srn-peer-values'
/// >>> "cnwl-developing-expertise-peer-working" in [c.id for c in Catalog.builtin().curricula]
/// True
#[pyclass(frozen, module = "competence_engine", name = "Catalog")]
#[derive(Debug)]
pub struct PyCatalog {
    inner: Arc<CoreCatalog>,
    builtin: bool,
}

/// Runs an analysis without holding the GIL; its report as its class, or its error as
/// `CompetenceError`.
fn analyse<'py, R, E>(
    py: Python<'py>,
    catalog: &CoreCatalog,
    analysis: impl FnOnce(&CoreCatalog) -> Result<Report<R>, E> + Send,
) -> PyResult<Bound<'py, PyAny>>
where
    R: Kind,
    Report<R>: Tables,
    E: miette::Diagnostic + Send + Sync,
{
    let report = crate::run::detached(py, || analysis(catalog))
        .map_err(|e| error_with(py, &e, None, catalog.diagnostics()))?;
    crate::report::make(py, report)
}

/// A catalog of these (name, text) sources.
fn from_sources(py: Python<'_>, sources: &[(String, String)], builtin: bool) -> PyCatalog {
    let inner = crate::run::detached(py, || {
        let mut b = CoreCatalog::builder().builtin(builtin);
        for (name, text) in sources {
            b.add_bytes(name, text.as_bytes());
        }
        b.build()
    });
    PyCatalog {
        inner: Arc::new(inner),
        builtin,
    }
}

/// `_catalog(sources, builtin)`: a catalog from its pickle.
#[pyfunction]
pub fn _catalog(py: Python<'_>, sources: Vec<(String, String)>, builtin: bool) -> PyCatalog {
    from_sources(py, &sources, builtin)
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

    /// The shipped documents (unless ``builtin=False``) and these files or folders (folders
    /// are searched for ``*.yaml``, ``*.yml`` and ``*.json``). Problems inside documents are in
    /// ``validate()``; a path that cannot be read raises ``CompetenceError``.
    #[staticmethod]
    #[pyo3(signature = (*paths, builtin = true))]
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

    /// The shipped documents (unless ``builtin=False``) and one document given as YAML or
    /// JSON text; diagnostics name it ``<text>``.
    #[staticmethod]
    #[pyo3(signature = (text, builtin = true))]
    fn loads(py: Python<'_>, text: String, builtin: bool) -> Self {
        from_sources(py, &[("<text>".to_owned(), text)], builtin)
    }

    /// The shipped documents (unless ``builtin=False``) and these documents: dicts (as
    /// ``import_case`` gives them), YAML or JSON text, or ``Framework`` objects. Each is checked
    /// as a file is; diagnostics name them ``<document N>`` (a dict or a framework is read as
    /// its JSON, laid out two spaces to a level, which the positions count in).
    #[staticmethod]
    #[pyo3(signature = (*documents, builtin = true))]
    fn from_documents(
        py: Python<'_>,
        documents: Vec<Bound<'_, PyAny>>,
        builtin: bool,
    ) -> PyResult<Self> {
        let mut sources = Vec::with_capacity(documents.len());
        for (n, doc) in documents.iter().enumerate() {
            let n = n + 1;
            if let Ok(text) = doc.cast::<PyString>() {
                sources.push((format!("<document {n}>"), text.to_cow()?.into_owned()));
                continue;
            }
            let value: serde_json::Value = if let Ok(f) = doc.cast::<PyFramework>() {
                serde_json::to_value(f.get().framework().document_view(None))
                    .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?
            } else if doc.is_instance(&py.import("collections.abc")?.getattr("Mapping")?)? {
                pythonize::depythonize(doc).map_err(|e| {
                    pyo3::exceptions::PyTypeError::new_err(format!(
                        "document {n} cannot be read as JSON: {e}"
                    ))
                })?
            } else {
                return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                    "a document is a dict, YAML or JSON text, or a Framework, not {}",
                    doc.get_type().name()?
                )));
            };
            let text = serde_json::to_string_pretty(&value)
                .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
            sources.push((format!("<document {n}>.json"), text));
        }
        Ok(from_sources(py, &sources, builtin))
    }

    /// Pickles with the text of the user's documents.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let sources: Vec<(String, String)> = self
            .inner
            .user_sources()
            .map(|(n, t)| (n.to_owned(), t.to_owned()))
            .collect();
        let rebuild = py.import("competence_engine._core")?.getattr("_catalog")?;
        Ok((rebuild, (sources, self.builtin))
            .into_pyobject(py)?
            .into_any())
    }

    fn __repr__(&self) -> String {
        format!("<Catalog: {} documents>", self.inner.documents().count())
    }

    /// Every document: ``kind``, ``id``, ``title``, ``completeness``, ``items``, ``leaves``...
    #[getter]
    fn documents(&self) -> PyRows {
        crate::report::documents(framework_core::report::list(&self.inner))
    }

    /// The curricula, as ``documents`` lists them.
    #[getter]
    fn curricula(&self) -> PyRows {
        self.of_kind(DocumentKind::Curriculum)
    }

    /// The roles, as ``documents`` lists them.
    #[getter]
    fn roles(&self) -> PyRows {
        self.of_kind(DocumentKind::Role)
    }

    /// The catalog's tables: ``documents`` (a row per document) and ``diagnostics``.
    #[getter]
    fn tables<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, framework_core::report::list(&self.inner).table_names())
    }

    /// One of its tables (default: `documents`), made in Rust without the GIL, to be read
    /// through the Arrow PyCapsule interface.
    #[pyo3(signature = (table = None))]
    fn arrow(&self, py: Python<'_>, table: Option<&str>) -> PyResult<crate::table::PyArrowTable> {
        let view = framework_core::report::list(&self.inner);
        crate::table::made(py, &view, table)
    }

    /// A table as a `pyarrow.Table` (see `table`).
    #[pyo3(signature = (table = None))]
    fn to_arrow<'py>(&self, py: Python<'py>, table: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        crate::table::to_arrow(py, self.arrow(py, table)?)
    }

    /// A table as a typed pandas DataFrame (see `table`).
    #[pyo3(signature = (table = None))]
    fn to_pandas<'py>(&self, py: Python<'py>, table: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        crate::table::to_pandas(py, self.arrow(py, table)?)
    }

    /// A table as a polars DataFrame (see `table`).
    #[pyo3(signature = (table = None))]
    fn to_polars<'py>(&self, py: Python<'py>, table: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        crate::table::to_polars(py, self.arrow(py, table)?)
    }

    /// Every problem found: ``ok`` and ``diagnostics`` (each with ``severity``, ``code``,
    /// ``file``, ``line``, ``column``, ``message``, ``help``).
    ///
    /// >>> Catalog.builtin().validate().errors
    /// 0
    fn validate<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::report::make(py, framework_core::report::validate(&self.inner))
    }

    /// The frameworks, in catalog order.
    #[getter]
    fn frameworks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(
            py,
            (0..self.inner.frameworks().len()).map(|n| PyFramework::in_catalog(&self.inner, n)),
        )
    }

    /// A framework by id (`CompetenceError` with `unknown-framework`, or `wrong-kind`, if none).
    fn framework(&self, py: Python<'_>, id: &str) -> PyResult<PyFramework> {
        let n = self.framework_position(py, id)?;
        Ok(PyFramework::in_catalog(&self.inner, n))
    }

    /// Coverage (SPEC §3).
    #[pyo3(signature = (curriculum, framework = None))]
    fn coverage<'py>(
        &self,
        py: Python<'py>,
        curriculum: &str,
        framework: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        analyse(py, &self.inner, |c| {
            framework_core::coverage::coverage(c, curriculum, framework)
        })
    }

    /// Gaps (SPEC §3).
    #[pyo3(signature = (target, source, require_depth = None))]
    fn gaps<'py>(
        &self,
        py: Python<'py>,
        target: &str,
        source: &str,
        require_depth: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
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
    fn crosswalk<'py>(&self, py: Python<'py>, a: &str, b: &str) -> PyResult<Bound<'py, PyAny>> {
        analyse(py, &self.inner, |c| {
            framework_core::crosswalk::crosswalk(c, a, b)
        })
    }

    /// The course map matrix.
    #[pyo3(signature = (curriculum, framework = None))]
    fn matrix<'py>(
        &self,
        py: Python<'py>,
        curriculum: &str,
        framework: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        analyse(py, &self.inner, |c| {
            framework_core::matrix::matrix(c, curriculum, framework)
        })
    }

    /// A framework as a CASE package (a dict): ``profile="1.1"`` (the official 1.1 schema) or
    /// ``"opensalt"`` (what OpenSALT's importer accepts); what the profile could not hold is
    /// issued as one ``CompetenceWarning``.
    #[pyo3(signature = (framework, base_uri = None, profile = "1.1"))]
    fn export_case<'py>(
        &self,
        py: Python<'py>,
        framework: &str,
        base_uri: Option<String>,
        profile: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        use framework_core::interop::case::{ExportOptions, Profile, export_with_losses};
        let profile = match profile {
            "1.1" => Profile::Case11,
            "opensalt" => Profile::OpenSalt,
            other => {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "no CASE profile `{other}`: use \"1.1\" or \"opensalt\""
                )));
            }
        };
        let n = self.framework_position(py, framework)?;
        let options = ExportOptions { base_uri, profile };
        let c = &self.inner;
        let (package, lost) =
            crate::run::detached(py, || export_with_losses(c, &c.frameworks()[n], &options));
        crate::error::warn(py, &lost)?;
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

    /// Learner records against a role. ``learners`` and ``evidence`` are paths to CSV files,
    /// DataFrames (pandas, polars, pyarrow, or anything with ``__arrow_c_stream__``; read as
    /// their columns, with pyarrow, without writing CSV), or lists of dicts with the columns of
    /// SPEC §1.6; ``as_of`` is a ``date``, a ``datetime``, a pandas ``Timestamp`` or
    /// ``YYYY-MM-DD`` text (default: today).
    ///
    /// Records as an LMS exports them (SPEC §4): ``columns`` maps our column names to theirs
    /// (``{"learner": "UserID"}``; ``"UserID|Learner ID"`` for either, each file using the first
    /// it has), ``status_alias`` their status words to ours
    /// (``{"passed": "met"}``), ``date_format`` is their date form (``"%d/%m/%Y"``). Evidence
    /// may instead be xAPI statements: ``xapi`` (a path, or a list of statement dicts) with
    /// ``activity_map`` (a path to a CSV ``activity,ref``, or a dict); ``evidence`` is then
    /// ``None``.
    ///
    /// >>> r = Catalog.builtin().learners("cpft-peer-support-worker",
    /// ...     [{"learner": "L1", "role": "cpft-peer-support-worker", "start_date": "2025-01-06"}],
    /// ...     [], as_of="2025-03-01")
    /// >>> r.learners[0].learner, r.summary.learners
    /// ('L1', 1)
    #[pyo3(signature = (
        role, learners, evidence = None, as_of = None, learner = None, *, columns = None,
        status_alias = None, date_format = None, xapi = None, activity_map = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn learners<'py>(
        &self,
        py: Python<'py>,
        role: &str,
        learners: &Bound<'py, PyAny>,
        evidence: Option<&Bound<'py, PyAny>>,
        as_of: Option<&Bound<'py, PyAny>>,
        learner: Option<&str>,
        columns: Option<std::collections::BTreeMap<String, String>>,
        status_alias: Option<std::collections::BTreeMap<String, String>>,
        date_format: Option<&str>,
        xapi: Option<&Bound<'py, PyAny>>,
        activity_map: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let as_of = match as_of {
            None => framework_core::learners::today(),
            Some(value) => {
                let text = crate::records::date_text(value)?;
                framework_core::learners::date(&text).ok_or_else(|| {
                    coded(
                        py,
                        framework_core::Code::BadArguments,
                        format!("`{text}` is not a date: write YYYY-MM-DD"),
                    )
                })?
            }
        };
        fn pairs(m: &Option<std::collections::BTreeMap<String, String>>) -> Vec<(&str, &str)> {
            m.iter()
                .flatten()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect()
        }
        use framework_core::learners::{EVIDENCE_FIELDS, LEARNER_FIELDS, RecordsDialect};
        let dialect = RecordsDialect::of(pairs(&columns), pairs(&status_alias), date_format)
            .map_err(|e| coded(py, framework_core::Code::BadArguments, e.to_string()))?;
        let l = crate::records::input(py, learners, &dialect.headers(&LEARNER_FIELDS))?;
        let e: framework_core::learners::EvidenceInput<Box<dyn std::io::Read + Send>> =
            match (evidence, xapi, activity_map) {
                (None, Some(x), Some(m)) => crate::records::xapi(py, x, m)?.into(),
                (Some(e), None, None) => {
                    crate::records::input(py, e, &dialect.headers(&EVIDENCE_FIELDS))?.into()
                }
                _ => {
                    return Err(coded(
                        py,
                        framework_core::Code::BadArguments,
                        "give evidence, or xapi with activity_map (not both)".to_owned(),
                    ));
                }
            };
        analyse(py, &self.inner, |c| {
            framework_core::learners::learners_with(c, role, l, e, as_of, learner, &dialect)
        })
    }
}

impl PyCatalog {
    /// The documents of one kind, as rows.
    fn of_kind(&self, kind: DocumentKind) -> PyRows {
        let mut list = framework_core::report::list(&self.inner);
        list.body.documents.retain(|d| d.kind == kind);
        crate::report::documents(list)
    }
}
