//! Python bindings for the Competence Framework Engine: the native module
//! `competence_engine._core`. A thin conversion layer over `framework-core`: every call hands
//! the core's typed report to Python as JSON, which `competence_engine` wraps in read-only report
//! objects. No analysis logic lives here.

use pyo3::prelude::*;

/// The native module.
#[pymodule]
mod _core {
    use std::path::PathBuf;
    use std::sync::Arc;

    use framework_core::Catalog as CoreCatalog;
    use framework_core::learners::CsvInput;
    use pyo3::prelude::*;
    use serde::Serialize;

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
    struct WithDiagnostics<'a, T: Serialize> {
        #[serde(flatten)]
        report: &'a T,
        diagnostics: &'a [framework_core::Diagnostic],
    }

    fn json<T: Serialize>(report: &T, diagnostics: &[framework_core::Diagnostic]) -> String {
        serde_json::to_string(&WithDiagnostics {
            report,
            diagnostics,
        })
        .unwrap_or_else(|e| {
            serde_json::json!({ "error": e.to_string(), "diagnostics": [] }).to_string()
        })
    }

    /// Runs an analysis without holding the GIL; its report as JSON, or its error as
    /// `CompetenceError`.
    fn analyse<R, E>(
        py: Python<'_>,
        catalog: &CoreCatalog,
        analysis: impl FnOnce(&CoreCatalog) -> Result<R, E> + Send,
    ) -> PyResult<String>
    where
        R: Serialize,
        E: miette::Diagnostic + Send + Sync,
    {
        py.detach(|| analysis(catalog).map(|r| json(&r, catalog.diagnostics())))
            .map_err(|e| error(py, &e, None, &[]))
    }

    /// A loaded catalog (see `competence_engine.Catalog`, which wraps it).
    #[pyclass(frozen, module = "competence_engine._core", name = "Catalog")]
    struct PyCatalog {
        inner: Arc<CoreCatalog>,
        builtin: bool,
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
            match self.inner.framework(id) {
                Some(f) => Ok(serde_json::to_string(&f.document_view(depth)).unwrap_or_default()),
                None => {
                    let e = framework_core::coverage::AnalysisError::UnknownFramework {
                        id: id.to_owned(),
                        help: self.inner.suggest_document(
                            id,
                            Some(framework_core::model::DocumentKind::Framework),
                        ),
                    };
                    Err(error(py, &e, None, &[]))
                }
            }
        }

        /// Coverage (SPEC §3) as JSON.
        #[pyo3(signature = (curriculum, framework = None))]
        fn coverage_json(
            &self,
            py: Python<'_>,
            curriculum: &str,
            framework: Option<&str>,
        ) -> PyResult<String> {
            analyse(py, &self.inner, |c| {
                framework_core::coverage::coverage(c, curriculum, framework)
            })
        }

        /// Gaps (SPEC §3) as JSON.
        #[pyo3(signature = (target, source, require_depth = None))]
        fn gaps_json(
            &self,
            py: Python<'_>,
            target: &str,
            source: &str,
            require_depth: Option<&str>,
        ) -> PyResult<String> {
            let depth = match require_depth {
                None => None,
                Some(d) => match framework_core::model::Depth::parse(d) {
                    Some(d) => Some(d),
                    None => {
                        return Err(pyo3::exceptions::PyValueError::new_err(format!(
                            "`{d}` is not a depth: use introduced, practised or assessed"
                        )));
                    }
                },
            };
            analyse(py, &self.inner, |c| {
                framework_core::gaps::gaps(c, target, source, depth)
            })
        }

        /// A crosswalk as JSON.
        fn crosswalk_json(&self, py: Python<'_>, a: &str, b: &str) -> PyResult<String> {
            analyse(py, &self.inner, |c| {
                framework_core::crosswalk::crosswalk(c, a, b)
            })
        }

        /// The course map matrix as JSON.
        #[pyo3(signature = (curriculum, framework = None))]
        fn matrix_json(
            &self,
            py: Python<'_>,
            curriculum: &str,
            framework: Option<&str>,
        ) -> PyResult<String> {
            analyse(py, &self.inner, |c| {
                framework_core::matrix::matrix(c, curriculum, framework)
            })
        }

        /// Learner records (CSV text) against a role, as JSON (SPEC §3).
        #[pyo3(signature = (role, learners, evidence, learners_name, evidence_name, as_of = None, learner = None))]
        #[allow(clippy::too_many_arguments)]
        fn learners_json(
            &self,
            py: Python<'_>,
            role: &str,
            learners: Vec<u8>,
            evidence: Vec<u8>,
            learners_name: String,
            evidence_name: String,
            as_of: Option<&str>,
            learner: Option<&str>,
        ) -> PyResult<String> {
            let as_of = match as_of {
                None => framework_core::learners::today(),
                Some(s) => framework_core::learners::date(s).ok_or_else(|| {
                    pyo3::exceptions::PyValueError::new_err(format!(
                        "`{s}` is not a date: write YYYY-MM-DD"
                    ))
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
                .map(|r| {
                    let mut all = c.diagnostics().to_vec();
                    all.extend(r.diagnostics.iter().cloned());
                    json(&r, &all)
                })
            });
            result.map_err(|e| error(py, &e, None, &[]))
        }
    }
}
