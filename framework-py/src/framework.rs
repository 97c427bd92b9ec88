//! Frameworks and their items as native Python objects over the core's typed framework and its
//! one hierarchy: nothing is rebuilt or stored again on the Python side.

use std::sync::Arc;

use framework_core::Catalog;
use framework_core::interop::Imported;
use framework_core::model::{Framework, Item, ItemIdx};
use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::convert::serialized;
use crate::error::coded;
use crate::interop;

/// Where a framework lives: in a catalog (at a position), or on its own (made by an import).
#[derive(Debug, Clone)]
pub(crate) enum Held {
    /// The catalog's framework at this position.
    Catalog(Arc<Catalog>, usize),
    /// A framework of its own.
    Own(Arc<Framework>),
}

impl Held {
    fn get(&self) -> &Framework {
        match self {
            Held::Catalog(c, n) => &c.frameworks()[*n],
            Held::Own(f) => f,
        }
    }

    /// Whether both hold the same framework.
    fn same(&self, other: &Held) -> bool {
        match (self, other) {
            (Held::Catalog(a, n), Held::Catalog(b, m)) => Arc::ptr_eq(a, b) && n == m,
            (Held::Own(a), Held::Own(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    fn address(&self) -> usize {
        std::ptr::from_ref(self.get()) as usize
    }
}

/// A framework: ``id``, ``title``, ``items`` (every item, in file order), ``roots``,
/// ``item(id)``, ``leaves(ref=None)`` and ``document`` (the framework in its YAML file's shape).
///
/// >>> fw = Catalog.builtin().framework("care-certificate-2015")
/// >>> fw.roots[0].id, len(fw.leaves("1.1")) > 0
/// ('1', True)
#[pyclass(frozen, module = "competence_engine", name = "Framework")]
#[derive(Debug)]
pub struct PyFramework {
    pub(crate) held: Held,
}

impl PyFramework {
    /// The framework at `position` in `catalog`.
    pub(crate) fn in_catalog(catalog: &Arc<Catalog>, position: usize) -> Self {
        Self {
            held: Held::Catalog(catalog.clone(), position),
        }
    }

    /// The framework.
    pub(crate) fn framework(&self) -> &Framework {
        self.held.get()
    }

    /// A framework of its own.
    pub(crate) fn own(framework: Framework) -> Self {
        Self {
            held: Held::Own(Arc::new(framework)),
        }
    }

    fn item_at(&self, idx: ItemIdx) -> PyItem {
        PyItem {
            held: self.held.clone(),
            idx,
        }
    }

    fn tuple<'py>(
        &self,
        py: Python<'py>,
        items: impl IntoIterator<Item = ItemIdx>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let made: Vec<PyItem> = items.into_iter().map(|i| self.item_at(i)).collect();
        PyTuple::new(py, made)
    }
}

#[pymethods]
impl PyFramework {
    /// The framework's id.
    #[getter]
    fn id(&self) -> String {
        self.held.get().id().to_string()
    }

    /// The title.
    #[getter]
    fn title(&self) -> String {
        self.held.get().info.title.clone()
    }

    /// The edition or version, if the document gives one.
    #[getter]
    fn version(&self) -> Option<String> {
        self.held.get().info.version.clone()
    }

    /// Who publishes the framework.
    #[getter]
    fn publisher(&self) -> Option<String> {
        self.held.get().publisher.clone()
    }

    /// Where the official text lives.
    #[getter]
    fn source(&self) -> Option<String> {
        self.held.get().info.source.clone()
    }

    /// ``"complete"``, ``"partial"``, or ``None`` when the document does not say.
    #[getter]
    fn completeness(&self) -> Option<&'static str> {
        self.held.get().info.completeness.map(|c| c.as_str())
    }

    /// What the document does not encode.
    #[getter]
    fn missing<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.held.get().info.missing)
    }

    /// The framework's identifier in an outside system (a CASE, ESCO or CTDL URI).
    #[getter]
    fn uri(&self) -> Option<String> {
        self.held.get().uri.clone()
    }

    /// The id of the framework's previous edition.
    #[getter]
    fn replaces(&self) -> Option<String> {
        self.held.get().replaces.as_ref().map(ToString::to_string)
    }

    /// The proficiency scale, lowest level first: ``(id, title)`` pairs.
    #[getter]
    fn scale<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let levels: Vec<(String, String)> = self
            .held
            .get()
            .scale
            .iter()
            .map(|l| (l.id.clone(), l.title.clone()))
            .collect();
        PyTuple::new(py, levels)
    }

    /// Every item, in file order (parents before their children).
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.tuple(py, self.held.get().indexed().map(|(i, _)| i))
    }

    /// The top-level items, in file order.
    #[getter]
    fn roots<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.tuple(py, self.held.get().roots())
    }

    /// The item with this id (a ``KeyError`` if there is none).
    fn item(&self, id: &str) -> PyResult<PyItem> {
        match self.held.get().find(id) {
            Some(idx) => Ok(self.item_at(idx)),
            None => Err(PyKeyError::new_err(id.to_owned())),
        }
    }

    /// The leaves that count (optional ones left out) under an item, given by id or as
    /// ``FRAMEWORK:ITEM`` (every leaf of the framework when ``None`` or ``"*"``), in file order.
    /// An item of another framework raises ``CompetenceError`` (``unknown-ref``).
    #[pyo3(signature = (r#ref = None))]
    fn leaves<'py>(&self, py: Python<'py>, r#ref: Option<&str>) -> PyResult<Bound<'py, PyTuple>> {
        let fw = self.held.get();
        let hierarchy = fw.hierarchy();
        let local = match r#ref {
            Some(r) => match r.split_once(':') {
                Some((f, item)) if f == fw.id().as_str() => Some(item),
                Some(_) => {
                    return Err(coded(
                        py,
                        framework_core::Code::UnknownRef,
                        format!("`{r}` is not in framework `{}`", fw.id()),
                    ));
                }
                None => Some(r),
            },
            None => None,
        };
        match local {
            None | Some("*") => self.tuple(py, hierarchy.leaves()),
            Some(id) => {
                let idx = fw
                    .find(id)
                    .ok_or_else(|| PyKeyError::new_err(id.to_owned()))?;
                self.tuple(py, hierarchy.leaves_under(idx))
            }
        }
    }

    /// The names of its tables: `items` (every item, with its parent and top-level item) (see `table`).
    fn table_names(&self) -> Vec<&'static str> {
        framework_core::table::Tables::table_names(&self.held.get().document_view(None))
    }

    /// One of its tables (default: `items`), made in Rust without the GIL, to be read
    /// through the Arrow PyCapsule interface.
    #[pyo3(signature = (name = None))]
    fn table(&self, py: Python<'_>, name: Option<&str>) -> PyResult<crate::table::PyArrowTable> {
        let view = self.held.get().document_view(None);
        crate::table::made(py, &view, name)
    }

    /// A table as a `pyarrow.Table` (see `table`).
    #[pyo3(signature = (name = None))]
    fn to_arrow<'py>(&self, py: Python<'py>, name: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        crate::table::to_arrow(py, self.table(py, name)?)
    }

    /// A table as a typed pandas DataFrame (see `table`).
    ///
    /// >>> items = Catalog.builtin().framework("hee-psw-2020").to_pandas()
    /// >>> items.loc["hee-psw-2020:1.1", "parent"]
    /// 'hee-psw-2020:1'
    #[pyo3(signature = (name = None))]
    fn to_pandas<'py>(&self, py: Python<'py>, name: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        crate::table::to_pandas(py, self.table(py, name)?)
    }

    /// A table as a polars DataFrame (see `table`).
    #[pyo3(signature = (name = None))]
    fn to_polars<'py>(&self, py: Python<'py>, name: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        crate::table::to_polars(py, self.table(py, name)?)
    }

    /// The framework as a document: a dict in the shape of its YAML file, as ``competence show
    /// --format json`` writes it (save it with ``json`` or a YAML library).
    #[getter]
    fn document<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serialized(py, &self.held.get().document_view(None))
    }

    /// A framework imported from a CASE 1.0 or 1.1 package: a path, the package's bytes or
    /// text, or the package as a dict. The framework is checked as a file is; liberties taken
    /// with the package are issued as one ``CompetenceWarning``; a package that cannot be
    /// imported raises ``CompetenceError`` (at the first error, with every diagnostic).
    ///
    /// >>> pkg = Catalog.builtin().export_case("imroc-peer-principles")
    /// >>> fw = Framework.from_case(pkg)
    /// >>> fw.id, [i.id for i in fw.roots] == [i.id for i in Catalog.builtin().framework("imroc-peer-principles").roots]
    /// ('imroc-peer-principles', True)
    #[staticmethod]
    #[pyo3(signature = (source, id = None))]
    fn from_case(py: Python<'_>, source: &Bound<'_, PyAny>, id: Option<&str>) -> PyResult<Self> {
        let sources = vec![source.clone()];
        let imported = interop::import_case_checked(py, &sources, id)?;
        first_framework(py, imported)
    }

    /// A framework imported from a Moodle competency framework CSV (a path, bytes or text).
    ///
    /// >>> csv = Catalog.builtin().export_moodle("imroc-peer-principles")
    /// >>> Framework.from_moodle(csv).title == Catalog.builtin().framework("imroc-peer-principles").title
    /// True
    #[staticmethod]
    #[pyo3(signature = (source, id = None))]
    fn from_moodle(py: Python<'_>, source: &Bound<'_, PyAny>, id: Option<&str>) -> PyResult<Self> {
        let imported = interop::import_moodle_checked(py, source, id)?;
        first_framework(py, imported)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyFramework>()
            .is_ok_and(|o| o.get().held.same(&self.held))
    }

    fn __hash__(&self) -> usize {
        self.held.address()
    }

    fn __len__(&self) -> usize {
        self.held.get().items().len()
    }

    fn __repr__(&self) -> String {
        let fw = self.held.get();
        format!(
            "<Framework {} {:?}: {} items>",
            fw.id(),
            fw.info.title,
            fw.items().len()
        )
    }
}

fn first_framework(
    py: Python<'_>,
    imported: framework_core::interop::Imported,
) -> PyResult<PyFramework> {
    match imported.frameworks.into_iter().next() {
        Some(f) => Ok(PyFramework::own(f)),
        None => Err(coded(
            py,
            framework_core::Code::ImportInvalid,
            "the import made no framework".to_owned(),
        )),
    }
}

/// An item of a framework: ``id``, ``ref`` (``FRAMEWORK:ITEM``), ``title``, ``kind``,
/// ``statement``, ``type``, ``optional`` (as marked on the item), ``children`` and ``parents``
/// (its own parent and those named with ``also_under``).
///
/// >>> item = Catalog.builtin().framework("care-certificate-2015").item("1.1")
/// >>> item.ref, item.kind, [c.id for c in item.children][:2], [p.id for p in item.parents]
/// ('care-certificate-2015:1.1', 'outcome', ['1.1a', '1.1b'], ['1'])
#[pyclass(frozen, module = "competence_engine", name = "Item")]
#[derive(Debug)]
pub struct PyItem {
    held: Held,
    idx: ItemIdx,
}

impl PyItem {
    fn item(&self) -> &Item {
        // Positions come from the same framework, so the item is there.
        self.held
            .get()
            .item(self.idx)
            .unwrap_or_else(|| &self.held.get().items()[0])
    }

    fn items_at<'py>(&self, py: Python<'py>, list: &[ItemIdx]) -> PyResult<Bound<'py, PyTuple>> {
        let made: Vec<PyItem> = list
            .iter()
            .map(|&idx| PyItem {
                held: self.held.clone(),
                idx,
            })
            .collect();
        PyTuple::new(py, made)
    }
}

#[pymethods]
impl PyItem {
    /// The id as published.
    #[getter]
    fn id(&self) -> String {
        self.item().id.to_string()
    }

    /// ``FRAMEWORK:ITEM``.
    #[getter]
    fn r#ref(&self) -> String {
        format!("{}:{}", self.held.get().id(), self.item().id)
    }

    /// The title.
    #[getter]
    fn title(&self) -> String {
        self.item().title.clone()
    }

    /// The item's kind (``standard``, ``outcome``, ...).
    #[getter]
    fn kind(&self) -> Option<String> {
        self.item().kind.clone()
    }

    /// A longer statement, in our own words.
    #[getter]
    fn statement(&self) -> Option<String> {
        self.item().statement.clone()
    }

    /// What kind of competence it is (``knowledge``, ``skill``, ...).
    #[getter]
    fn r#type(&self) -> Option<&'static str> {
        self.item().item_type.map(|t| t.as_str())
    }

    /// Whether the item is marked optional (its descendants are optional too).
    #[getter]
    fn optional(&self) -> bool {
        self.item().optional
    }

    /// Its children, in file order (those nested under it and those naming it in
    /// ``also_under``).
    #[getter]
    fn children<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.items_at(py, self.held.get().hierarchy().children(self.idx))
    }

    /// Its parents: the one it is nested under, then those it names in ``also_under``.
    #[getter]
    fn parents<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.items_at(py, self.held.get().hierarchy().parents(self.idx))
    }

    /// The item's identifier in an outside system (a CASE, ESCO or CTDL URI).
    #[getter]
    fn uri(&self) -> Option<String> {
        self.item().uri.clone()
    }

    /// Other names for it.
    #[getter]
    fn alt_labels<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.item().alt_labels)
    }

    /// A note (a scope note, for instance).
    #[getter]
    fn note(&self) -> Option<String> {
        self.item().note.clone()
    }

    /// The items of the same framework it is associated with (never coverage), as
    /// ``FRAMEWORK:ITEM``.
    #[getter]
    fn related<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.item().related().map(ToString::to_string))
    }

    /// The items of an earlier edition it succeeds, as ``FRAMEWORK:ITEM``.
    #[getter]
    fn replaces<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.item().replaces().map(ToString::to_string))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyItem>()
            .is_ok_and(|o| o.get().idx == self.idx && o.get().held.same(&self.held))
    }

    fn __hash__(&self) -> usize {
        self.held.address() ^ self.idx.index()
    }

    fn __repr__(&self) -> String {
        format!("<Item {} {:?}>", self.r#ref(), self.item().title)
    }
}

/// What an import made, as documents (dicts): each framework, then each mapping.
fn made(py: Python<'_>, imported: Imported) -> PyResult<Bound<'_, PyList>> {
    let documents = PyList::empty(py);
    for f in &imported.frameworks {
        documents.append(serialized(py, &f.document_view(None))?)?;
    }
    for m in &imported.mappings {
        documents.append(serialized(py, &m.document_view())?)?;
    }
    for r in &imported.roles {
        documents.append(serialized(py, &r.document_view())?)?;
    }
    Ok(documents)
}

/// CASE packages (paths, bytes, text or dicts) as documents (dicts): one framework per
/// package, then a mapping for the associations between packages imported together. Each
/// document is checked as a file is: the first error raises ``CompetenceError`` (with every
/// diagnostic); liberties taken are issued as one ``CompetenceWarning``.
///
/// >>> docs = import_case(Catalog.builtin().export_case("srn-peer-values"))
/// >>> [(d["kind"], d["id"]) for d in docs]
/// [('framework', 'srn-peer-values')]
#[pyfunction]
#[pyo3(signature = (*sources, id = None))]
pub fn import_case<'py>(
    py: Python<'py>,
    sources: Vec<Bound<'py, PyAny>>,
    id: Option<&str>,
) -> PyResult<Bound<'py, PyList>> {
    let imported = interop::import_case_checked(py, &sources, id)?;
    made(py, imported)
}

/// A Moodle competency framework CSV (a path, bytes or text) as a framework document, checked
/// as ``import_case`` checks packages.
#[pyfunction]
#[pyo3(signature = (source, id = None))]
pub fn import_moodle<'py>(
    py: Python<'py>,
    source: Bound<'py, PyAny>,
    id: Option<&str>,
) -> PyResult<Bound<'py, PyList>> {
    let imported = interop::import_moodle_checked(py, &source, id)?;
    made(py, imported)
}
