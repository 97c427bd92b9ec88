//! Reports as native objects: the base class `Report` (what every report offers: its fields by
//! JSON name, its JSON, its tables, its notebook view, pickling) and a subclass per analysis
//! (`CoverageReport`, `GapsReport`, ...) with a typed getter per field. Each holds the core's
//! own report; a getter converts its one field when it is read (see `pick`), and a list field
//! is a `Rows` sequence of native rows (see `rows`), so no read costs more than what it reads.

use std::sync::Arc;

use framework_core::coverage::{CoverageReport, HoursShare, ItemCoverage, SequencingFinding};
use framework_core::crosswalk::{CrosswalkLink, CrosswalkReport};
use framework_core::diagnostic::Diagnostic;
use framework_core::gaps::{Gap, GapsReport, RequirementGaps};
use framework_core::learners::{
    LearnerStatus, LearnersReport, MissingLeaf, RequirementCounts, RequirementStatus, Skipped,
    Summary,
};
use framework_core::matrix::{MatrixColumn, MatrixReport, MatrixRow};
use framework_core::report::{DocumentSummary, ListReport, Report, ValidateReport};
use framework_core::safe::html as escape;
use framework_core::table::Tables;
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::rows::{Owner, PyRows, RowsOf, row_class};
use crate::table::PyArrowTable;

/// The rows shown by a report's notebook view.
const SHOWN: usize = 500;

/// What each kind of report adds to the envelope: its class, its title, and its main table as
/// flat dicts (`table()`).
pub(crate) trait Kind: Serialize + DeserializeOwned + Send + Sync + Sized + 'static
where
    Report<Self>: Tables,
{
    /// The class's name.
    const NAME: &'static str;
    /// The report as its class.
    fn make(py: Python<'_>, report: Arc<Report<Self>>) -> PyResult<Bound<'_, PyAny>>;
    /// A line saying what the report is.
    fn title(report: &Report<Self>) -> String;
    /// How many rows the main table has, and the first `limit` as flat dicts.
    fn flat<'py>(
        report: &Report<Self>,
        py: Python<'py>,
        limit: usize,
    ) -> PyResult<(usize, Vec<Bound<'py, PyDict>>)>;
}

/// A report of any kind, as the base class holds it.
trait Native: Send + Sync {
    fn tables(&self) -> &(dyn Tables + Sync);
    fn keys(&self, py: Python<'_>) -> PyResult<Vec<String>>;
    fn dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
    fn json(&self, indent: Option<usize>) -> serde_json::Result<String>;
    fn diagnostics(self: Arc<Self>) -> PyRows;
    fn name(&self) -> &'static str;
    fn title(&self) -> String;
    fn flat<'py>(
        &self,
        py: Python<'py>,
        limit: usize,
    ) -> PyResult<(usize, Vec<Bound<'py, PyDict>>)>;
}

impl<T: Kind> Native for Report<T>
where
    Report<T>: Tables,
{
    fn tables(&self) -> &(dyn Tables + Sync) {
        self
    }

    fn keys(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        crate::pick::keys(py, self)
    }

    fn dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::serialized(py, self)
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

    fn diagnostics(self: Arc<Self>) -> PyRows {
        PyRows::new(RowsOf {
            name: "diagnostics",
            parent: self as Arc<dyn Owner<Report<T>>>,
            list: |r| &r.diagnostics,
            make: PyDiagnostic::make,
        })
    }

    fn name(&self) -> &'static str {
        T::NAME
    }

    fn title(&self) -> String {
        T::title(self)
    }

    fn flat<'py>(
        &self,
        py: Python<'py>,
        limit: usize,
    ) -> PyResult<(usize, Vec<Bound<'py, PyDict>>)> {
        T::flat(self, py, limit)
    }
}

/// A row as a flat dict: its fields, lists joined with `;`.
fn flat_row<'py, R: Serialize>(py: Python<'py>, row: &R) -> PyResult<Bound<'py, PyDict>> {
    let dict = crate::rows::dict_of(py, row)?;
    for (k, v) in dict.clone().iter() {
        if let Ok(list) = v.cast::<PyList>() {
            let parts: Vec<String> = list
                .iter()
                .map(|x| x.str().map(|s| s.to_string()))
                .collect::<PyResult<_>>()?;
            dict.set_item(k, parts.join(";"))?;
        }
    }
    Ok(dict)
}

/// The first `limit` rows of a list as flat dicts, and the list's length.
fn flat_rows<'py, R: Serialize>(
    py: Python<'py>,
    rows: &[R],
    limit: usize,
) -> PyResult<(usize, Vec<Bound<'py, PyDict>>)> {
    let shown = rows
        .iter()
        .take(limit)
        .map(|r| flat_row(py, r))
        .collect::<PyResult<_>>()?;
    Ok((rows.len(), shown))
}

/// An analysis's report: its fields as attributes (as the CLI's JSON has them, SPEC §3; `-` in
/// names read as `_`, `from` as `from_`), read-only. Analyses return a subclass whose
/// attributes are typed; each field is converted when read, and a list field is a `Rows`
/// sequence of native rows, made as they are read.
///
/// ``to_dicts()`` gives plain dicts and lists, ``to_json()`` the CLI's JSON, ``table()`` the
/// main table as flat dicts, ``to_arrow()``/``to_pandas()``/``to_polars()`` any of its typed
/// tables (see ``tables``); in a notebook a report shows its main table.
#[pyclass(frozen, subclass, module = "competence_engine", name = "Report")]
pub struct PyReport {
    native: Arc<dyn Native>,
}

impl std::fmt::Debug for PyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PyReport")
            .field("kind", &self.native.name())
            .finish_non_exhaustive()
    }
}

/// A report as its class.
pub(crate) fn make<T: Kind>(py: Python<'_>, report: Report<T>) -> PyResult<Bound<'_, PyAny>>
where
    Report<T>: Tables,
{
    T::make(py, Arc::new(report))
}

/// The base of a report's class.
fn base<T: Kind>(report: &Arc<Report<T>>) -> PyReport
where
    Report<T>: Tables,
{
    PyReport {
        native: report.clone() as Arc<dyn Native>,
    }
}

#[pymethods]
impl PyReport {
    /// The field names, as in the JSON.
    fn keys(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        self.native.keys(py)
    }

    /// A field by its JSON name (``report["unassigned_hours"]``).
    fn __getitem__<'py>(slf: &Bound<'py, Self>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        let keys = slf.get().keys(slf.py())?;
        crate::rows::item(slf.as_any(), &keys, key)
    }

    fn __contains__(&self, py: Python<'_>, key: &str) -> PyResult<bool> {
        Ok(self.keys(py)?.iter().any(|k| k == key))
    }

    /// The field names, as a mapping's keys (``report[name]`` reads one).
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyList::new(py, self.keys(py)?)?
            .as_any()
            .try_iter()?
            .into_any())
    }

    /// How many fields the report has.
    fn __len__(&self, py: Python<'_>) -> PyResult<usize> {
        Ok(self.keys(py)?.len())
    }

    /// Reports of one kind are equal when their JSON is.
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(other) = other.cast::<PyReport>() else {
            return Ok(false);
        };
        let other = &other.get().native;
        if other.name() != self.native.name() {
            return Ok(false);
        }
        let json = |n: &Arc<dyn Native>| {
            n.json(None)
                .map_err(|e| PyValueError::new_err(e.to_string()))
        };
        Ok(json(&self.native)? == json(other)?)
    }

    #[classattr]
    const __hash__: Option<Py<PyAny>> = None;

    /// The report as plain dicts and lists (a copy).
    fn to_dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.native.dicts(py)
    }

    /// The report as JSON, as the CLI's ``--format json`` writes it (one line when ``indent``
    /// is ``None``), made without the GIL.
    #[pyo3(signature = (indent = Some(2)), text_signature = "(self, indent=2)")]
    fn to_json(&self, py: Python<'_>, indent: Option<usize>) -> PyResult<String> {
        let native = &self.native;
        py.detach(|| native.json(indent))
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// Every problem, as in ``competence validate``: the catalog's and (for learners) the
    /// records'.
    #[getter]
    fn diagnostics(&self) -> PyRows {
        self.native.clone().diagnostics()
    }

    /// The report's main table as a list of flat dicts (lists joined with ``;``).
    fn table<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let (_, rows) = self.native.flat(py, usize::MAX)?;
        PyList::new(py, rows)
    }

    /// The names of the report's tables, the main one first (``diagnostics`` last): what
    /// ``to_arrow``, ``to_pandas`` and ``to_polars`` take.
    #[getter]
    fn tables<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
        pyo3::types::PyTuple::new(py, self.native.tables().table_names())
    }

    /// One of the report's tables (default: the main one) as an object with
    /// ``__arrow_c_stream__``, made in Rust without the GIL, for any Arrow consumer
    /// (``pyarrow.table(t)``, ``polars.DataFrame(t)``, DuckDB); it can be read once.
    #[pyo3(signature = (table = None))]
    fn arrow(&self, py: Python<'_>, table: Option<&str>) -> PyResult<PyArrowTable> {
        crate::table::made(py, self.native.tables(), table)
    }

    /// The main table through the Arrow PyCapsule interface (``pyarrow.table(report)``).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Bound::new(py, self.arrow(py, None)?)?
            .call_method1("__arrow_c_stream__", (requested_schema,))
    }

    /// A table of the report (default: the main one; see ``tables``) as a ``pyarrow.Table``:
    /// closed sets (depth, status, relation...) as dictionaries, ordered where the order means
    /// something, dates as dates, lists as list columns, counts that may be absent as nullable
    /// integers.
    #[pyo3(signature = (table = None))]
    fn to_arrow<'py>(&self, py: Python<'py>, table: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        crate::table::to_arrow(py, self.arrow(py, table)?)
    }

    /// A table of the report (default: the main one) as a polars DataFrame, through the Arrow
    /// PyCapsule interface (no pyarrow needed).
    #[pyo3(signature = (table = None))]
    fn to_polars<'py>(&self, py: Python<'py>, table: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        crate::table::to_polars(py, self.arrow(py, table)?)
    }

    /// A table of the report (default: the main one) as a pandas DataFrame with its types:
    /// closed sets as (ordered) categoricals, dates as ``datetime64``, lists as lists, counts
    /// as nullable integers, and the item ``ref`` as the index where each row has its own.
    #[pyo3(signature = (table = None))]
    fn to_pandas<'py>(&self, py: Python<'py>, table: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        crate::table::to_pandas(py, self.arrow(py, table)?)
    }

    /// The notebook view: the title and the first 500 rows of the main table (only those are
    /// converted).
    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        let (total, rows) = self.native.flat(py, SHOWN)?;
        let mut out = format!("<p><b>{}</b></p>", escape(&self.native.title()));
        let Some(first) = rows.first() else {
            out.push_str("<p>(nothing to show)</p>");
            return Ok(out);
        };
        let columns: Vec<Bound<'_, PyAny>> = first.keys().iter().collect();
        out.push_str("<table><thead><tr>");
        for c in &columns {
            out.push_str(&format!("<th>{}</th>", escape(&c.str()?.to_string())));
        }
        out.push_str("</tr></thead><tbody>");
        for row in &rows {
            out.push_str("<tr>");
            for c in &columns {
                let cell = match row.get_item(c)? {
                    Some(v) if !v.is_none() => v.str()?.to_string(),
                    _ => String::new(),
                };
                out.push_str(&format!("<td>{}</td>", escape(&cell)));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
        if total > rows.len() {
            out.push_str(&format!("<p>… {} more rows</p>", total - rows.len()));
        }
        Ok(out)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "<{} {}: {}>",
            self.native.name(),
            self.native.title(),
            self.keys(py)?.join(", ")
        ))
    }

    /// Pickles as its JSON, read back into the same native report (tables and all) by its
    /// class's `_from_json`.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let json = slf
            .get()
            .native
            .json(None)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        crate::rows::reduce(slf.as_any(), json)
    }
}

/// A report's class: a subclass of `Report` with a typed getter per field.
macro_rules! report_class {
    (
        $(#[$doc:meta])*
        $class:ident = $pyname:literal over $body:ty {
            $($field:ident = $key:literal),* $(,)?
        }
        $(rows { $($rfield:ident = $rkey:literal => $rclass:ident($rlist:expr)),* $(,)? })?
        $(values { $($vfield:ident = $vkey:literal => $vlist:expr),* $(,)? })?
        $(parts { $($pfield:ident = $pkey:literal => $pclass:ident($pget:expr)),* $(,)? })?
    ) => {
        $(#[$doc])*
        #[pyclass(frozen, extends = PyReport, module = "competence_engine", name = $pyname)]
        pub struct $class {
            owner: Arc<dyn Owner<Report<$body>>>,
        }

        impl std::fmt::Debug for $class {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($class)).finish_non_exhaustive()
            }
        }

        impl $class {
            fn field<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
                let report = crate::rows::reach(&*self.owner)?;
                crate::pick::field(py, report, key)?
                    .ok_or_else(|| PyKeyError::new_err(key.to_owned()))
            }
        }

        #[pymethods]
        impl $class {
            /// The report read back from its JSON (how it unpickles).
            #[classmethod]
            fn _from_json<'py>(
                cls: &Bound<'py, pyo3::types::PyType>,
                json: &str,
            ) -> PyResult<Bound<'py, PyAny>> {
                let report: Report<$body> = crate::rows::from_json(json)?;
                <$body as Kind>::make(cls.py(), Arc::new(report))
            }
            $(
                #[doc = concat!("The `", $key, "` field.")]
                #[getter]
                fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    self.field(py, $key)
                }
            )*
            $($(
                #[doc = concat!("The `", $rkey, "` rows.")]
                #[getter]
                fn $rfield(&self) -> PyRows {
                    PyRows::new(RowsOf {
                        name: $rkey,
                        parent: self.owner.clone(),
                        list: $rlist,
                        make: $rclass::make,
                    })
                }
            )*)?
            $($(
                #[doc = concat!("The `", $vkey, "` list.")]
                #[getter]
                fn $vfield(&self) -> PyRows {
                    PyRows::new(RowsOf {
                        name: $vkey,
                        parent: self.owner.clone(),
                        list: $vlist,
                        make: crate::rows::plain,
                    })
                }
            )*)?
            $($(
                #[doc = concat!("The `", $pkey, "` part.")]
                #[getter]
                fn $pfield<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    crate::rows::part(py, &self.owner, $pget, $pclass::make)
                }
            )*)?
        }
    };
}

row_class! {
    /// A problem found (``severity``, ``code``, ``file``, ``line``, ``column``, ``message``,
    /// ``help``, ``related``).
    PyDiagnostic = "Diagnostic" over Diagnostic {
        severity = "severity", code = "code", file = "file", line = "line", column = "column",
        message = "message", help = "help", related = "related",
    }
}

row_class! {
    /// A document of the catalog, summed up.
    PyDocument = "Document" over DocumentSummary {
        kind = "kind", id = "id", title = "title", completeness = "completeness", items = "items",
        leaves = "leaves", version = "version", source = "source", missing = "missing",
        builtin = "builtin", file = "file",
    }
}

row_class! {
    /// How one item of the framework is covered (a row of ``CoverageReport.items``).
    ///
    /// >>> item = Catalog.builtin().coverage("cnwl-developing-expertise-peer-working").items[0]
    /// >>> item.ref, item["ref"], item.level, "covered_leaves" in item.keys()
    /// ('hee-psw-2020:1', 'hee-psw-2020:1', 0, True)
    PyCoverageItem = "CoverageItem" over ItemCoverage {
        r#ref = "ref", title = "title", leaf = "leaf", optional = "optional", covered = "covered",
        partial = "partial", depth = "depth", via = "via", sessions = "sessions",
        leaves = "leaves", covered_leaves = "covered_leaves", level = "level",
    }
}

row_class! {
    /// A top-level item's share of the teaching hours.
    PyHoursShare = "HoursShare" over HoursShare { r#ref = "ref", title = "title", hours = "hours" }
}

row_class! {
    /// An item taught out of order.
    PySequencingFinding = "SequencingFinding" over SequencingFinding {
        r#ref = "ref", message = "message",
    }
}

row_class! {
    /// An item the target has and the source lacks.
    PyGap = "Gap" over Gap {
        r#ref = "ref", title = "title", top = "top", top_title = "top_title",
        requirements = "requirements", reason = "reason", reason_code = "reason_code",
        depth = "depth", filled_by = "filled_by",
    }
}

row_class! {
    /// How much of one requirement of a role is missing.
    PyRequirementGaps = "RequirementGaps" over RequirementGaps {
        id = "id", title = "title", leaves = "leaves", missing = "missing",
    }
}

row_class! {
    /// How one item reaches the other framework.
    PyCrosswalkLink = "CrosswalkLink" over CrosswalkLink {
        from_ = "from", to = "to", relation = "relation", direct = "direct", path = "path",
        mappings = "mappings",
    }
}

row_class! {
    /// A column of the course map: a session or an assessment.
    PyMatrixColumn = "MatrixColumn" over MatrixColumn {
        id = "id", title = "title", kind = "kind", day = "day", week = "week", total = "total",
    }
}

row_class! {
    /// A row of the course map: a leaf, and its depth in each column (``None`` where not
    /// covered).
    PyMatrixRow = "MatrixRow" over MatrixRow {
        r#ref = "ref", title = "title", top = "top", top_title = "top_title",
        optional = "optional", cells = "cells", total = "total",
    }
}

row_class! {
    /// One requirement for one learner.
    PyRequirement = "Requirement" over RequirementStatus {
        id = "id", status = "status", due = "due", missing = "missing", done = "done",
    }
}

row_class! {
    /// A learner and their requirements.
    PyLearner = "Learner" over LearnerStatus {
        learner = "learner",
    }
    rows { requirements = "requirements" => PyRequirement(|l: &LearnerStatus| &l.requirements[..]) }
}

row_class! {
    /// Counts by status for one requirement.
    PyRequirementCounts = "RequirementCounts" over RequirementCounts {
        id = "id", met = "met", in_progress = "in-progress", overdue = "overdue", exempt = "exempt", expired = "expired",
    }
}

row_class! {
    /// A leaf, with how many learners still miss it.
    PyMissingLeaf = "MissingLeaf" over MissingLeaf { r#ref = "ref", title = "title", learners = "learners" }
}

row_class! {
    /// The rows of the records that could not be used: how many learners, how many evidence
    /// rows, and how many for each reason.
    PySkipped = "Skipped" over Skipped {
        learners = "learners", evidence = "evidence", reasons = "reasons",
    }
}

row_class! {
    /// The cohort summary: counts by status, per requirement, the leaves most often missing,
    /// and the rows left out.
    PySummary = "Summary" over Summary {
        met = "met", in_progress = "in-progress", overdue = "overdue", exempt = "exempt", expired = "expired",
        learners = "learners", other_roles = "other_roles",
    }
    rows {
        requirements = "requirements" => PyRequirementCounts(|s: &Summary| &s.requirements[..]),
        most_missing = "most_missing" => PyMissingLeaf(|s: &Summary| &s.most_missing[..]),
    }
    parts { skipped = "skipped" => PySkipped(|s: &Summary| &s.skipped) }
}

report_class! {
    /// What ``Catalog.validate()`` found (``competence validate --format json``).
    ///
    /// >>> r = Catalog.builtin().validate()
    /// >>> r.ok, r.errors, len(r.diagnostics)
    /// (True, 0, 0)
    PyValidationReport = "ValidationReport" over ValidateReport {
        ok = "ok", files = "files", documents = "documents", errors = "errors", warnings = "warnings",
    }
}

report_class! {
    /// How a curriculum covers a framework (``competence coverage --format json``).
    ///
    /// >>> r = Catalog.builtin().coverage("cnwl-developing-expertise-peer-working")
    /// >>> r.framework, r.leaves >= r.covered, r.items[0].ref
    /// ('hee-psw-2020', True, 'hee-psw-2020:1')
    /// >>> r.tables
    /// ('items', 'hours', 'sequencing', 'diagnostics')
    /// >>> df = r.to_pandas()
    /// >>> df.index.name, str(df["depth"].dtype), df["depth"].cat.ordered
    /// ('ref', 'category', True)
    PyCoverageReport = "CoverageReport" over CoverageReport {
        curriculum = "curriculum", framework = "framework", leaves = "leaves", covered = "covered",
        partial = "partial", ratio = "ratio", unassigned_hours = "unassigned_hours",
    }
    rows {
        items = "items" => PyCoverageItem(|r: &Report<CoverageReport>| &r.items[..]),
        hours = "hours" => PyHoursShare(|r: &Report<CoverageReport>| &r.hours[..]),
        sequencing = "sequencing" => PySequencingFinding(|r: &Report<CoverageReport>| &r.sequencing[..]),
    }
    values { uncovered = "uncovered" => |r: &Report<CoverageReport>| &r.uncovered[..] }
}

report_class! {
    /// What a target (framework or role) lacks from a source (``competence gaps --format
    /// json``).
    ///
    /// >>> r = Catalog.builtin().gaps("cpft-peer-support-worker", "cnwl-developing-expertise-peer-working")
    /// >>> r.target_kind, r.source_kind
    /// ('role', 'curriculum')
    PyGapsReport = "GapsReport" over GapsReport {
        target = "target", target_kind = "target_kind", source = "source",
        source_kind = "source_kind", require_depth = "require_depth", leaves = "leaves",
    }
    rows {
        gaps = "gaps" => PyGap(|r: &Report<GapsReport>| &r.gaps[..]),
        by_requirement = "by_requirement" => PyRequirementGaps(|r: &Report<GapsReport>| &r.by_requirement[..]),
    }
}

report_class! {
    /// How each item of one framework reaches another (``competence crosswalk --format
    /// json``); the JSON's ``from`` is read as ``from_``.
    ///
    /// >>> r = Catalog.builtin().crosswalk("care-certificate-2015", "care-certificate-2025")
    /// >>> r.from_, r.to, r.links[0].relation
    /// ('care-certificate-2015', 'care-certificate-2025', 'close')
    PyCrosswalkReport = "CrosswalkReport" over CrosswalkReport { from_ = "from", to = "to" }
    rows { links = "links" => PyCrosswalkLink(|r: &Report<CrosswalkReport>| &r.links[..]) }
    values {
        unmatched_from = "unmatched_from" => |r: &Report<CrosswalkReport>| &r.unmatched_from[..],
        unmatched_to = "unmatched_to" => |r: &Report<CrosswalkReport>| &r.unmatched_to[..],
        one_to_many = "one_to_many" => |r: &Report<CrosswalkReport>| &r.one_to_many[..],
        many_to_one = "many_to_one" => |r: &Report<CrosswalkReport>| &r.many_to_one[..],
    }
}

report_class! {
    /// The course map: leaves by sessions and assessments (``competence matrix --format
    /// json``); its cells are held sparse, and ``to_pandas("cells")`` gives them in long form.
    ///
    /// >>> r = Catalog.builtin().matrix("cnwl-developing-expertise-peer-working")
    /// >>> len(r.rows[0].cells) == len(r.columns)
    /// True
    PyMatrixReport = "MatrixReport" over MatrixReport { curriculum = "curriculum", framework = "framework" }
    rows {
        columns = "columns" => PyMatrixColumn(|r: &Report<MatrixReport>| &r.columns[..]),
        rows = "rows" => PyMatrixRow(|r: &Report<MatrixReport>| &r.rows[..]),
    }
}

report_class! {
    /// Learners against a role's requirements (``competence learners --format json``).
    ///
    /// >>> r = Catalog.builtin().learners("cpft-peer-support-worker",
    /// ...     [{"learner": "L1", "role": "cpft-peer-support-worker", "start_date": "2025-01-06"}],
    /// ...     [], as_of="2025-03-01")
    /// >>> r.learners[0].requirements[0].status, r.summary.in_progress
    /// ('in-progress', 3)
    PyLearnersReport = "LearnersReport" over LearnersReport { role = "role", as_of = "as_of" }
    rows { learners = "learners" => PyLearner(|r: &Report<LearnersReport>| &r.learners[..]) }
    parts { summary = "summary" => PySummary(|r: &Report<LearnersReport>| &r.summary) }
}

/// Implements [`Kind`] for a report whose subclass holds it as `owner`.
macro_rules! kind {
    ($body:ty, $class:ident, $name:literal, |$r:ident| $title:expr, |$fr:ident, $py:ident, $limit:ident| $flat:expr) => {
        impl Kind for $body {
            const NAME: &'static str = $name;
            fn make(py: Python<'_>, report: Arc<Report<Self>>) -> PyResult<Bound<'_, PyAny>> {
                let init = pyo3::PyClassInitializer::from(base(&report))
                    .add_subclass($class { owner: report });
                Ok(Bound::new(py, init)?.into_any())
            }
            fn title($r: &Report<Self>) -> String {
                $title
            }
            fn flat<'py>(
                $fr: &Report<Self>,
                $py: Python<'py>,
                $limit: usize,
            ) -> PyResult<(usize, Vec<Bound<'py, PyDict>>)> {
                $flat
            }
        }
    };
}

kind!(
    ValidateReport,
    PyValidationReport,
    "ValidationReport",
    |r| format!(
        "{} errors, {} warnings in {} documents",
        r.errors, r.warnings, r.documents
    ),
    |r, py, limit| flat_rows(py, &r.diagnostics, limit)
);

kind!(
    CoverageReport,
    PyCoverageReport,
    "CoverageReport",
    |r| format!(
        "Coverage of {} by {}: {} of {} leaves ({:.1}%)",
        r.framework,
        r.curriculum,
        r.covered,
        r.leaves,
        r.ratio * 100.0
    ),
    |r, py, limit| flat_rows(py, &r.items, limit)
);

kind!(
    GapsReport,
    PyGapsReport,
    "GapsReport",
    |r| format!(
        "Gaps of {} against {}: {}",
        r.target,
        r.source,
        r.gaps.len()
    ),
    |r, py, limit| flat_rows(py, &r.gaps, limit)
);

kind!(
    CrosswalkReport,
    PyCrosswalkReport,
    "CrosswalkReport",
    |r| format!(
        "Crosswalk from {} to {}: {} links",
        r.from,
        r.to,
        r.links.len()
    ),
    |r, py, limit| flat_rows(py, &r.links, limit)
);

kind!(
    MatrixReport,
    PyMatrixReport,
    "MatrixReport",
    |r| format!("Course map of {} against {}", r.curriculum, r.framework),
    |r, py, limit| {
        // A row per leaf, a column per session (I, P or A), and the total.
        let rows = r
            .rows
            .iter()
            .take(limit)
            .map(|row| {
                let d = PyDict::new(py);
                d.set_item("ref", row.item.to_string())?;
                d.set_item("title", &row.title)?;
                for (column, cell) in r.columns.iter().zip(row.cells.iter()) {
                    let letter = match cell.map(|c| c.as_str()) {
                        Some("introduced") => "I",
                        Some("practised") => "P",
                        Some("assessed") => "A",
                        _ => "",
                    };
                    d.set_item(&column.id, letter)?;
                }
                d.set_item("total", row.total)?;
                Ok(d)
            })
            .collect::<PyResult<_>>()?;
        Ok((r.rows.len(), rows))
    }
);

kind!(
    LearnersReport,
    PyLearnersReport,
    "LearnersReport",
    |r| format!(
        "Learners against {} as of {}",
        r.role,
        r.as_of.map_or_else(|| "None".to_owned(), |d| d.to_string())
    ),
    |r, py, limit| {
        // A row per learner and requirement.
        let total = r.learners.iter().map(|l| l.requirements.len()).sum();
        let mut rows = Vec::new();
        for learner in &r.learners {
            for q in &learner.requirements {
                if rows.len() >= limit {
                    return Ok((total, rows));
                }
                let d = PyDict::new(py);
                d.set_item("learner", &learner.learner)?;
                d.set_item("requirement", &q.id)?;
                d.set_item("status", crate::convert::serialized(py, &q.status)?)?;
                d.set_item("due", q.due.map(|d| d.to_string()))?;
                d.set_item("done", q.done)?;
                d.set_item("missing", q.missing.len())?;
                rows.push(d);
            }
        }
        Ok((total, rows))
    }
);

/// The catalog's documents as rows (``Catalog.documents``).
pub(crate) fn documents(list: Report<ListReport>) -> PyRows {
    PyRows::new(RowsOf {
        name: "documents",
        parent: Arc::new(list) as Arc<dyn Owner<Report<ListReport>>>,
        list: |r: &Report<ListReport>| &r.documents[..],
        make: PyDocument::make,
    })
}

/// The report and row classes, for the module.
pub(crate) fn add_classes(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyReport>()?;
    m.add_class::<PyValidationReport>()?;
    m.add_class::<PyCoverageReport>()?;
    m.add_class::<PyGapsReport>()?;
    m.add_class::<PyCrosswalkReport>()?;
    m.add_class::<PyMatrixReport>()?;
    m.add_class::<PyLearnersReport>()?;
    m.add_class::<PyDiagnostic>()?;
    m.add_class::<PyDocument>()?;
    m.add_class::<PyCoverageItem>()?;
    m.add_class::<PyHoursShare>()?;
    m.add_class::<PySequencingFinding>()?;
    m.add_class::<PyGap>()?;
    m.add_class::<PyRequirementGaps>()?;
    m.add_class::<PyCrosswalkLink>()?;
    m.add_class::<PyMatrixColumn>()?;
    m.add_class::<PyMatrixRow>()?;
    m.add_class::<PyRequirement>()?;
    m.add_class::<PyLearner>()?;
    m.add_class::<PyRequirementCounts>()?;
    m.add_class::<PyMissingLeaf>()?;
    m.add_class::<PySummary>()?;
    m.add_class::<PySkipped>()?;
    m.add_class::<PyRows>()?;
    m.add_class::<crate::rows::RowsIter>()?;
    Ok(())
}
