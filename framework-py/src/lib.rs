//! Python bindings for the Competence Framework Engine: the native module
//! `competence_engine._core`. A thin conversion layer over `framework-core`: every analysis hands
//! back the core's typed report inside a native `Report`, which converts a field to Python objects
//! only when it is read (so a call costs what the analysis costs in Rust), and which
//! `competence_engine` wraps in typed, read-only report classes. No analysis logic lives here.

use pyo3::prelude::*;

/// The native module.
#[pymodule]
mod _core {
    use std::path::PathBuf;
    use std::sync::Arc;

    use framework_core::Catalog as CoreCatalog;
    use std::sync::OnceLock;

    use framework_core::learners::CsvInput;
    use pyo3::exceptions::{PyKeyError, PyValueError};
    use pyo3::prelude::*;
    use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString};
    use serde::Serialize;
    use serde_json::{Map, Value};

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }

    /// The one place core errors become Python's `competence_engine.CompetenceError`.
    fn error(
        py: Python<'_>,
        e: &(dyn miette::Diagnostic + Send + Sync),
        file: Option<String>,
        diagnostics: &[framework_core::Diagnostic],
    ) -> PyErr {
        let code = e
            .code()
            .map_or_else(|| "error".to_owned(), |c| c.to_string());
        let help = e.help().map(|h| h.to_string());
        let diagnostics = serde_json::to_string(diagnostics).unwrap_or_else(|_| "[]".to_owned());
        let made = py
            .import("competence_engine")
            .and_then(|m| m.getattr("CompetenceError"))
            .and_then(|cls| {
                cls.call1((
                    e.to_string(),
                    code,
                    file,
                    None::<u32>,
                    None::<u32>,
                    help,
                    diagnostics,
                ))
            });
        match made {
            Ok(obj) => PyErr::from_value(obj),
            Err(err) => err,
        }
    }

    /// A report and the catalog's diagnostics, as the CLI's JSON has them.
    #[derive(Serialize)]
    struct WithDiagnostics<T: Serialize> {
        #[serde(flatten)]
        report: T,
        diagnostics: Vec<framework_core::Diagnostic>,
    }

    /// A report of any kind, as the native `Report` holds it.
    trait Native: Send + Sync {
        fn value(&self) -> serde_json::Result<Value>;
        fn json(&self, indent: Option<usize>) -> serde_json::Result<String>;
    }

    impl<T: Serialize + Send + Sync> Native for WithDiagnostics<T> {
        fn value(&self) -> serde_json::Result<Value> {
            serde_json::to_value(self)
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

    /// A report from the engine: the core's typed report, converted to Python objects a field at
    /// a time, when the field is first read (see `competence_engine.Report`, which wraps it).
    #[pyclass(frozen, module = "competence_engine._core", name = "Report")]
    struct PyReport {
        native: Box<dyn Native>,
        value: OnceLock<Result<Value, String>>,
    }

    impl PyReport {
        fn new<T: Serialize + Send + Sync + 'static>(
            report: T,
            diagnostics: Vec<framework_core::Diagnostic>,
        ) -> Self {
            Self {
                native: Box::new(WithDiagnostics {
                    report,
                    diagnostics,
                }),
                value: OnceLock::new(),
            }
        }

        /// The report as a JSON value, made once (without the GIL) and kept.
        fn value(&self, py: Python<'_>) -> PyResult<&Map<String, Value>> {
            let made = self
                .value
                .get_or_init(|| py.detach(|| self.native.value().map_err(|e| e.to_string())));
            match made {
                Ok(Value::Object(map)) => Ok(map),
                Ok(_) => Err(PyValueError::new_err("the report is not a JSON object")),
                Err(e) => Err(PyValueError::new_err(e.clone())),
            }
        }
    }

    /// A JSON value as Python objects: dicts (in the JSON's key order), lists, str, int, float,
    /// bool and None.
    fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
        Ok(match value {
            Value::Null => py.None().into_bound(py),
            Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => i.into_pyobject(py)?.into_any(),
                (None, Some(u)) => u.into_pyobject(py)?.into_any(),
                _ => PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any(),
            },
            Value::String(s) => PyString::new(py, s).into_any(),
            Value::Array(items) => {
                let list = PyList::empty(py);
                for item in items {
                    list.append(to_py(py, item)?)?;
                }
                list.into_any()
            }
            Value::Object(map) => {
                let dict = PyDict::new(py);
                for (k, v) in map {
                    dict.set_item(k, to_py(py, v)?)?;
                }
                dict.into_any()
            }
        })
    }

    #[pymethods]
    impl PyReport {
        /// One top-level field of the report's JSON (SPEC §3) as Python objects; `KeyError` if
        /// the report has no such field.
        fn field<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
            match self.value(py)?.get(name) {
                Some(v) => to_py(py, v),
                None => Err(PyKeyError::new_err(name.to_owned())),
            }
        }

        /// The top-level field names, in the JSON's order.
        fn keys(&self, py: Python<'_>) -> PyResult<Vec<String>> {
            Ok(self.value(py)?.keys().cloned().collect())
        }

        /// The whole report as plain dicts and lists.
        fn to_dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            let map = self.value(py)?;
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_py(py, v)?)?;
            }
            Ok(dict.into_any())
        }

        /// The report as the CLI's `--format json` writes it (`indent` spaces, or one line when
        /// `None`), made without the GIL.
        #[pyo3(signature = (indent = None))]
        fn to_json(&self, py: Python<'_>, indent: Option<usize>) -> PyResult<String> {
            py.detach(|| self.native.json(indent))
                .map_err(|e| PyValueError::new_err(e.to_string()))
        }
    }

    /// Runs an analysis without holding the GIL; its report, or its error as `CompetenceError`.
    fn analyse<R, E>(
        py: Python<'_>,
        catalog: &CoreCatalog,
        analysis: impl FnOnce(&CoreCatalog) -> Result<R, E> + Send,
    ) -> PyResult<PyReport>
    where
        R: Serialize + Send + Sync + 'static,
        E: miette::Diagnostic + Send + Sync,
    {
        py.detach(|| analysis(catalog).map(|r| PyReport::new(r, catalog.diagnostics().to_vec())))
            .map_err(|e| error(py, &e, None, &[]))
    }

    /// The documents and diagnostics of an import, as JSON texts.
    fn imported_json(imported: &framework_core::interop::Imported) -> (String, String) {
        (
            serde_json::to_string(&imported.documents).unwrap_or_else(|_| "[]".to_owned()),
            serde_json::to_string(&imported.diagnostics).unwrap_or_else(|_| "[]".to_owned()),
        )
    }

    /// CASE packages (name, bytes) as framework (and mapping) documents: (documents, diagnostics)
    /// as JSON texts.
    #[pyfunction]
    #[pyo3(signature = (files, id = None))]
    fn import_case(
        py: Python<'_>,
        files: Vec<(String, Vec<u8>)>,
        id: Option<&str>,
    ) -> (String, String) {
        py.detach(|| {
            let files: Vec<(&str, &[u8])> = files
                .iter()
                .map(|(n, b)| (n.as_str(), b.as_slice()))
                .collect();
            imported_json(&framework_core::interop::case::import(&files, id))
        })
    }

    /// A Moodle competency CSV as a framework document: (documents, diagnostics) as JSON texts.
    #[pyfunction]
    #[pyo3(signature = (name, data, id = None))]
    fn import_moodle(
        py: Python<'_>,
        name: &str,
        data: Vec<u8>,
        id: Option<&str>,
    ) -> (String, String) {
        py.detach(|| imported_json(&framework_core::interop::moodle::import(name, &data, id)))
    }

    /// A loaded catalog (see `competence_engine.Catalog`, which wraps it).
    #[pyclass(frozen, module = "competence_engine._core", name = "Catalog")]
    struct PyCatalog {
        inner: Arc<CoreCatalog>,
        builtin: bool,
    }

    impl PyCatalog {
        fn framework_or_error(
            &self,
            py: Python<'_>,
            id: &str,
        ) -> PyResult<&framework_core::model::Framework> {
            self.inner
                .lookup_framework(id)
                .map_err(|e| error(py, &e, None, &[]))
        }
    }

    #[pymethods]
    impl PyCatalog {
        /// The shipped documents alone.
        #[staticmethod]
        fn builtin(py: Python<'_>) -> Self {
            Self {
                inner: Arc::new(py.detach(CoreCatalog::builtin)),
                builtin: true,
            }
        }

        /// The shipped documents (unless `builtin` is false) and the files or folders given.
        #[staticmethod]
        #[pyo3(signature = (paths, builtin = true))]
        fn load(py: Python<'_>, paths: Vec<PathBuf>, builtin: bool) -> PyResult<Self> {
            let built = py.detach(|| {
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
                Err((e, file)) => Err(error(py, &e, Some(file), &[])),
            }
        }

        /// A catalog of these (name, text) sources (what `sources()` gives back).
        #[staticmethod]
        #[pyo3(signature = (sources, builtin = true))]
        fn from_sources(py: Python<'_>, sources: Vec<(String, String)>, builtin: bool) -> Self {
            let inner = py.detach(|| {
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

        /// The validate report (SPEC §3) as JSON.
        fn validate_json(&self) -> String {
            serde_json::to_string(&framework_core::report::validate(&self.inner))
                .unwrap_or_default()
        }

        /// The list report as JSON.
        fn list_json(&self) -> String {
            let report = framework_core::report::list(&self.inner);
            serde_json::to_string(&report).unwrap_or_default()
        }

        /// A framework in its document's shape, as JSON.
        #[pyo3(signature = (id, depth = None))]
        fn framework_json(
            &self,
            py: Python<'_>,
            id: &str,
            depth: Option<usize>,
        ) -> PyResult<String> {
            let f = self.framework_or_error(py, id)?;
            Ok(serde_json::to_string(&f.document_view(depth)).unwrap_or_default())
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
                        return Err(PyValueError::new_err(format!(
                            "`{d}` is not a depth: use introduced, practised or assessed"
                        )));
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

        /// A framework as a CASE 1.1 package (JSON text).
        #[pyo3(signature = (framework, base_uri = None))]
        fn export_case(
            &self,
            py: Python<'_>,
            framework: &str,
            base_uri: Option<String>,
        ) -> PyResult<String> {
            let fw = self.framework_or_error(py, framework)?;
            let options = framework_core::interop::case::ExportOptions { base_uri };
            let c = &self.inner;
            Ok(py.detach(|| {
                serde_json::to_string_pretty(&framework_core::interop::case::export(
                    c, fw, &options,
                ))
                .unwrap_or_default()
            }))
        }

        /// A framework as a Moodle competency CSV, and what it could not hold (diagnostics as
        /// JSON text).
        fn export_moodle(&self, py: Python<'_>, framework: &str) -> PyResult<(String, String)> {
            let fw = self.framework_or_error(py, framework)?;
            let (csv, lost) = framework_core::interop::moodle::export(fw);
            Ok((
                csv,
                serde_json::to_string(&lost).unwrap_or_else(|_| "[]".to_owned()),
            ))
        }

        /// A curriculum as an Open Badges 3.0 Achievement (JSON text).
        #[pyo3(signature = (curriculum, base_uri = None))]
        fn export_ob3(
            &self,
            py: Python<'_>,
            curriculum: &str,
            base_uri: Option<&str>,
        ) -> PyResult<String> {
            let c = &self.inner;
            py.detach(|| framework_core::interop::ob3::export(c, curriculum, base_uri))
                .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
                .map_err(|e| error(py, &e, None, &[]))
        }

        /// Learner records (CSV text) against a role (SPEC §3).
        #[pyo3(signature = (role, learners, evidence, learners_name, evidence_name, as_of = None, learner = None))]
        #[allow(clippy::too_many_arguments)]
        fn learners(
            &self,
            py: Python<'_>,
            role: &str,
            learners: Vec<u8>,
            evidence: Vec<u8>,
            learners_name: String,
            evidence_name: String,
            as_of: Option<&str>,
            learner: Option<&str>,
        ) -> PyResult<PyReport> {
            let as_of = match as_of {
                None => framework_core::learners::today(),
                Some(s) => framework_core::learners::date(s).ok_or_else(|| {
                    PyValueError::new_err(format!("`{s}` is not a date: write YYYY-MM-DD"))
                })?,
            };
            let c = &self.inner;
            let result = py.detach(|| {
                framework_core::learners::learners(
                    c,
                    role,
                    CsvInput::new(learners_name, learners.as_slice()),
                    CsvInput::new(evidence_name, evidence.as_slice()),
                    as_of,
                    learner,
                )
                .map(|mut r| {
                    let mut all = c.diagnostics().to_vec();
                    all.append(&mut r.diagnostics);
                    PyReport::new(r, all)
                })
            });
            result.map_err(|e| error(py, &e, None, &[]))
        }
    }
}
