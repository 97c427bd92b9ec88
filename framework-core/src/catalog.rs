//! The catalog: the shipped documents plus the user's, loaded, checked and linked into one graph.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{self, Code, Diagnostic, Source};
use crate::error::AnalysisError;
use crate::graph::{ActivityHandle, ActivityKind, CompetenceGraph, Edges, ItemHandle, Target};
use crate::hierarchy::Hierarchy;
use crate::ids::{DocId, ItemRef};
use crate::load;
use crate::model::{
    Curriculum, Document, DocumentInfo, DocumentKind, Framework, Item, ItemIdx, Mapping, Role,
};
use crate::suggest::did_you_mean;
use crate::validate;
use crate::yaml::MAX_FILE_BYTES;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// Why documents could not be read at all (as opposed to problems inside them, which are
/// [`Diagnostic`]s).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum CatalogError {
    /// A path that does not exist.
    #[error("`{}` does not exist", path.display())]
    #[diagnostic(
        code("not-found"),
        help("check the path; folders are searched for *.yaml, *.yml and *.json")
    )]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// A file or folder that could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    #[diagnostic(code("unreadable"))]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl CatalogError {
    /// The error's code.
    pub fn error_code(&self) -> Code {
        match self {
            CatalogError::NotFound { .. } => Code::NotFound,
            CatalogError::Io { .. } => Code::Unreadable,
        }
    }
}

/// Builds a [`Catalog`] from the shipped documents and the user's files.
#[derive(Debug)]
pub struct CatalogBuilder {
    builtin: bool,
    inputs: Vec<Result<Arc<Source>, Diagnostic>>,
    files: usize,
    max_file_bytes: usize,
    /// Files already added (canonical paths): a file reached twice is read once.
    seen: std::collections::HashSet<PathBuf>,
}

impl Default for CatalogBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl CatalogBuilder {
    /// A builder that starts with the shipped documents.
    pub fn new() -> Self {
        Self {
            builtin: true,
            inputs: Vec::new(),
            files: 0,
            max_file_bytes: MAX_FILE_BYTES,
            seen: std::collections::HashSet::new(),
        }
    }

    /// The largest file accepted, in bytes (default [`MAX_FILE_BYTES`], 64 MiB, which is also
    /// the most it can be set to). Larger files are reported as `too-large` without being read.
    #[must_use]
    pub fn max_file_bytes(mut self, bytes: usize) -> Self {
        self.max_file_bytes = bytes.min(MAX_FILE_BYTES);
        self
    }

    /// Whether to include the shipped documents (`--no-builtin` turns them off).
    #[must_use]
    pub fn builtin(mut self, yes: bool) -> Self {
        self.builtin = yes;
        self
    }

    /// Adds a file, or every `*.yaml`, `*.yml` and `*.json` file under a folder (in name order).
    /// A file reached twice (named twice, or inside two folders given) is read once.
    /// Returns how many files were found.
    pub fn add_path(&mut self, path: &Path) -> Result<usize, CatalogError> {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => CatalogError::NotFound {
                path: path.to_owned(),
            },
            _ => CatalogError::Io {
                path: path.to_owned(),
                source: e,
            },
        })?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files)?;
            for f in &files {
                self.add_file(f)?;
            }
            Ok(files.len())
        } else {
            self.add_file(path)?;
            Ok(1)
        }
    }

    fn add_file(&mut self, path: &Path) -> Result<(), CatalogError> {
        let io = |source| CatalogError::Io {
            path: path.to_owned(),
            source,
        };
        if !self.seen.insert(std::fs::canonicalize(path).map_err(io)?) {
            return Ok(());
        }
        let name = path.to_string_lossy().into_owned();
        let file = std::fs::File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        if len > self.max_file_bytes as u64 {
            self.inputs
                .push(Err(too_large(&name, len, self.max_file_bytes)));
            self.files += 1;
            return Ok(());
        }
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        file.take(self.max_file_bytes as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        self.add_bytes(&name, &bytes);
        Ok(())
    }

    /// Adds a document from memory; `name` is how diagnostics name it.
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) {
        self.files += 1;
        if bytes.len() > self.max_file_bytes {
            self.inputs.push(Err(too_large(
                name,
                bytes.len() as u64,
                self.max_file_bytes,
            )));
        } else {
            self.inputs.push(load::decode(name, bytes, false));
        }
    }

    /// Loads and checks everything added. Problems are in [`Catalog::diagnostics`].
    pub fn build(self) -> Catalog {
        let mut diags = Vec::new();
        let mut sources = Vec::new();
        if self.builtin {
            for (name, text) in builtin::BUILTIN {
                match load::decode(name, text.as_bytes(), true) {
                    Ok(s) => sources.push(s),
                    Err(d) => diags.push(d),
                }
            }
        }
        for input in self.inputs {
            match input {
                Ok(s) => sources.push(s),
                Err(d) => diags.push(d),
            }
        }
        let user_sources: Vec<Arc<Source>> = sources
            .iter()
            .filter(|s| !s.is_builtin())
            .cloned()
            .collect();
        let mut docs = Documents::default();
        for source in &sources {
            if let Some(doc) = load::load(source, &mut diags) {
                docs.insert(doc, &mut diags);
            }
        }
        let mut catalog = Catalog {
            frameworks: docs.frameworks,
            curricula: docs.curricula,
            mappings: docs.mappings,
            roles: docs.roles,
            framework_index: HashMap::new(),
            curriculum_index: HashMap::new(),
            mapping_index: HashMap::new(),
            role_index: HashMap::new(),
            graph: CompetenceGraph::default(),
            diagnostics: Vec::new(),
            files: self.files,
            user_sources,
        };
        catalog.index();
        validate::references(&catalog, &mut diags);
        catalog.graph = CompetenceGraph::build(catalog.edges());
        validate::cycles(&catalog, &mut diags);
        diagnostic::sort(&mut diags);
        catalog.diagnostics = diags;
        catalog
    }
}

fn too_large(name: &str, len: u64, limit: usize) -> Diagnostic {
    Diagnostic::in_file(
        Code::TooLarge,
        name,
        1,
        1,
        format!("file is {len} bytes, over the limit of {limit} bytes"),
    )
    .with_help("split the document into several files, or check that this is the file you meant")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CatalogError> {
    let io = |source| CatalogError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            let lower = name.to_ascii_lowercase();
            if lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json") {
                out.push(path);
            }
        }
    }
    Ok(())
}

/// Documents by kind, with the replacement and duplicate rules applied.
#[derive(Default)]
struct Documents {
    frameworks: Vec<Framework>,
    curricula: Vec<Curriculum>,
    mappings: Vec<Mapping>,
    roles: Vec<Role>,
}

fn place<T>(list: &mut Vec<T>, doc: T, info: fn(&T) -> &DocumentInfo, diags: &mut Vec<Diagnostic>) {
    let new = info(&doc);
    let Some(pos) = list.iter().position(|d| info(d).id == new.id) else {
        list.push(doc);
        return;
    };
    let Some(old) = list.get(pos).map(info) else {
        return;
    };
    if old.is_builtin() && !new.is_builtin() {
        if old.loc.source.text() != new.loc.source.text() {
            diags.push(
                Diagnostic::at(
                    Code::ReplacesBuiltin,
                    &new.loc,
                    format!("{} `{}` replaces the shipped one", new.kind, new.id),
                )
                .with_label("replaces the shipped document")
                .with_help(format!(
                    "this is fine if intended; give the document another id to use both (the shipped one is `{}`)",
                    old.file()
                )),
            );
        }
        if let Some(slot) = list.get_mut(pos) {
            *slot = doc;
        }
        return;
    }
    diags.push(
        Diagnostic::at(
            Code::DuplicateDocument,
            &new.loc,
            format!("duplicate {} id `{}` in the catalog", new.kind, new.id),
        )
        .with_label("defined again here")
        .with_related(&old.loc, format!("`{}` first defined here", old.id))
        .with_help("give each document of a kind its own id; the first one is used"),
    );
}

impl Documents {
    fn insert(&mut self, doc: Document, diags: &mut Vec<Diagnostic>) {
        match doc {
            Document::Framework(d) => place(&mut self.frameworks, d, |d| &d.info, diags),
            Document::Curriculum(d) => place(&mut self.curricula, d, |d| &d.info, diags),
            Document::Mapping(d) => place(&mut self.mappings, d, |d| &d.info, diags),
            Document::Role(d) => place(&mut self.roles, d, |d| &d.info, diags),
        }
    }
}

/// The documents of a catalog, checked and linked into a [`CompetenceGraph`].
///
/// ```
/// let catalog = framework_core::Catalog::builtin();
/// assert!(catalog.diagnostics().is_empty());
/// let cc = catalog.framework("care-certificate-2015").unwrap();
/// assert_eq!(cc.roots().len(), 15);
/// ```
#[derive(Debug)]
pub struct Catalog {
    frameworks: Vec<Framework>,
    curricula: Vec<Curriculum>,
    mappings: Vec<Mapping>,
    roles: Vec<Role>,
    framework_index: HashMap<DocId, usize>,
    curriculum_index: HashMap<DocId, usize>,
    mapping_index: HashMap<DocId, usize>,
    role_index: HashMap<DocId, usize>,
    graph: CompetenceGraph,
    diagnostics: Vec<Diagnostic>,
    files: usize,
    user_sources: Vec<Arc<Source>>,
}

/// A document of any kind, borrowed from a catalog.
#[derive(Debug, Clone, Copy)]
pub enum DocumentRef<'a> {
    /// A framework.
    Framework(&'a Framework),
    /// A curriculum.
    Curriculum(&'a Curriculum),
    /// A mapping.
    Mapping(&'a Mapping),
    /// A role.
    Role(&'a Role),
}

impl<'a> DocumentRef<'a> {
    /// The common fields.
    pub fn info(&self) -> &'a DocumentInfo {
        match self {
            DocumentRef::Framework(d) => &d.info,
            DocumentRef::Curriculum(d) => &d.info,
            DocumentRef::Mapping(d) => &d.info,
            DocumentRef::Role(d) => &d.info,
        }
    }
}

impl Catalog {
    /// The shipped documents alone.
    pub fn builtin() -> Self {
        CatalogBuilder::new().build()
    }

    /// A builder, to add the user's files.
    pub fn builder() -> CatalogBuilder {
        CatalogBuilder::new()
    }

    /// Every problem found, sorted by file and position.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The user's sources that could be read as text: (name, text), in load order. Building a
    /// catalog again from these (with [`CatalogBuilder::add_bytes`]) gives the same documents.
    pub fn user_sources(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.user_sources.iter().map(|s| (s.name(), s.text()))
    }

    /// How many user files were read (the shipped documents not counted).
    pub fn user_files(&self) -> usize {
        self.files
    }

    /// The frameworks, shipped ones first, in load order.
    pub fn frameworks(&self) -> &[Framework] {
        &self.frameworks
    }
    /// The curricula.
    pub fn curricula(&self) -> &[Curriculum] {
        &self.curricula
    }
    /// The mappings.
    pub fn mappings(&self) -> &[Mapping] {
        &self.mappings
    }
    /// The roles.
    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    /// Every document, frameworks first, then curricula, mappings and roles.
    pub fn documents(&self) -> impl Iterator<Item = DocumentRef<'_>> + '_ {
        self.frameworks
            .iter()
            .map(DocumentRef::Framework)
            .chain(self.curricula.iter().map(DocumentRef::Curriculum))
            .chain(self.mappings.iter().map(DocumentRef::Mapping))
            .chain(self.roles.iter().map(DocumentRef::Role))
    }

    /// A framework by id.
    pub fn framework(&self, id: &str) -> Option<&Framework> {
        self.framework_index
            .get(id)
            .and_then(|&i| self.frameworks.get(i))
    }
    /// A curriculum by id.
    pub fn curriculum(&self, id: &str) -> Option<&Curriculum> {
        self.curriculum_index
            .get(id)
            .and_then(|&i| self.curricula.get(i))
    }
    /// A mapping by id.
    pub fn mapping(&self, id: &str) -> Option<&Mapping> {
        self.mapping_index
            .get(id)
            .and_then(|&i| self.mappings.get(i))
    }
    /// A role by id.
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.role_index.get(id).and_then(|&i| self.roles.get(i))
    }

    /// Any document with this id, and its kind (frameworks first when ids are shared).
    pub fn document(&self, id: &str) -> Option<DocumentRef<'_>> {
        self.documents().find(|d| d.info().id.as_str() == id)
    }

    /// Finds the document with this id among the kinds asked for (the first kind that has it),
    /// or says why there is none: a document of another kind has the id (`wrong-kind`), or none
    /// has it (`unknown-curriculum`, `unknown-framework`, `unknown-role`, or `unknown-document`
    /// when several kinds would do), with a "did you mean" among the kinds asked for. Every
    /// command and the bindings look documents up through here.
    pub fn lookup(
        &self,
        id: &str,
        kinds: &[DocumentKind],
    ) -> Result<DocumentRef<'_>, AnalysisError> {
        kinds
            .iter()
            .find_map(|&kind| match kind {
                DocumentKind::Framework => self.framework(id).map(DocumentRef::Framework),
                DocumentKind::Curriculum => self.curriculum(id).map(DocumentRef::Curriculum),
                DocumentKind::Mapping => self.mapping(id).map(DocumentRef::Mapping),
                DocumentKind::Role => self.role(id).map(DocumentRef::Role),
            })
            .ok_or_else(|| self.unknown(id, kinds))
    }

    /// [`Catalog::lookup`], giving the document's position in the list of its kind.
    pub(crate) fn position(
        &self,
        id: &str,
        kinds: &[DocumentKind],
    ) -> Result<usize, AnalysisError> {
        for kind in kinds {
            let index = match kind {
                DocumentKind::Framework => &self.framework_index,
                DocumentKind::Curriculum => &self.curriculum_index,
                DocumentKind::Mapping => &self.mapping_index,
                DocumentKind::Role => &self.role_index,
            };
            if let Some(&n) = index.get(id) {
                return Ok(n);
            }
        }
        Err(self.unknown(id, kinds))
    }

    fn unknown(&self, id: &str, kinds: &[DocumentKind]) -> AnalysisError {
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        if let Some(doc) = self.document(id) {
            return AnalysisError::WrongKind {
                id: id.to_owned(),
                kind: doc.info().kind.to_string(),
                expected: names.join(" or "),
            };
        }
        let ids: Vec<&str> = self
            .documents()
            .filter(|d| kinds.contains(&d.info().kind))
            .map(|d| d.info().id.as_str())
            .collect();
        let help = did_you_mean(id, ids);
        let id = id.to_owned();
        match kinds {
            [DocumentKind::Curriculum] => AnalysisError::UnknownCurriculum { id, help },
            [DocumentKind::Framework] => AnalysisError::UnknownFramework { id, help },
            [DocumentKind::Role] => AnalysisError::UnknownRole { id, help },
            _ => AnalysisError::UnknownDocument {
                id,
                what: names.join(" or "),
                help,
            },
        }
    }

    /// The graph of items, sessions and assessments.
    pub fn graph(&self) -> &CompetenceGraph {
        &self.graph
    }

    /// The position of a framework in [`Catalog::frameworks`].
    pub(crate) fn framework_position(&self, id: &str) -> Option<usize> {
        self.framework_index.get(id).copied()
    }

    /// Resolves a reference to an item (or, for `FRAMEWORK:*`, the whole framework).
    pub fn resolve(&self, r: &ItemRef) -> Option<Target> {
        let f = self.framework_position(r.framework().as_str())?;
        match r.item_id() {
            None => Some(Target::Framework(f)),
            Some(id) => {
                let fw = self.frameworks.get(f)?;
                fw.find(id.as_str())
                    .map(|i| Target::Item(ItemHandle::new(f, i)))
            }
        }
    }

    /// The item behind a handle.
    pub fn item(&self, h: ItemHandle) -> Option<&Item> {
        self.frameworks.get(h.framework_position())?.item(h.item())
    }

    /// The qualified reference of a handle.
    pub fn item_ref(&self, h: ItemHandle) -> Option<ItemRef> {
        let fw = self.frameworks.get(h.framework_position())?;
        let item = fw.item(h.item())?;
        Some(ItemRef::item(fw.info.id.clone(), item.id.clone()))
    }

    /// The hierarchy of the framework at a position in [`Catalog::frameworks`].
    pub fn hierarchy(&self, framework: usize) -> Option<&Hierarchy> {
        self.frameworks.get(framework).map(Framework::hierarchy)
    }

    /// The leaves a reference stands for: the item itself if it is a leaf, every leaf under it
    /// otherwise, every leaf of the framework for `FRAMEWORK:*`. Optional leaves are left out.
    pub fn leaves_of(&self, r: &ItemRef) -> Vec<ItemHandle> {
        match self.resolve(r) {
            Some(t) => self.leaves_under(t),
            None => Vec::new(),
        }
    }

    /// The leaves under a target that count (optional ones left out), in framework order; a
    /// leaf gives itself.
    pub fn leaves_under(&self, t: Target) -> Vec<ItemHandle> {
        self.leaves_with(t, Hierarchy::leaves_under, |h| h.leaves().collect())
    }

    /// The leaves under a target, optional ones included, in framework order.
    pub fn all_leaves_under(&self, t: Target) -> Vec<ItemHandle> {
        self.leaves_with(t, Hierarchy::all_leaves_under, |h| h.all_leaves().collect())
    }

    fn leaves_with(
        &self,
        t: Target,
        under: fn(&Hierarchy, ItemIdx) -> Vec<ItemIdx>,
        all: fn(&Hierarchy) -> Vec<ItemIdx>,
    ) -> Vec<ItemHandle> {
        let (f, leaves) = match t {
            Target::Framework(f) => (f, self.hierarchy(f).map(all)),
            Target::Item(h) => (
                h.framework_position(),
                self.hierarchy(h.framework_position())
                    .map(|x| under(x, h.item())),
            ),
        };
        leaves
            .unwrap_or_default()
            .into_iter()
            .map(|i| ItemHandle::new(f, i))
            .collect()
    }

    /// The top-level items of a framework (its position in [`Catalog::frameworks`]).
    pub fn roots(&self, framework: usize) -> Vec<ItemHandle> {
        self.hierarchy(framework).map_or_else(Vec::new, |h| {
            h.roots()
                .iter()
                .map(|&i| ItemHandle::new(framework, i))
                .collect()
        })
    }

    /// An item's children (nested and through `also_under`), in file order.
    pub fn children(&self, h: ItemHandle) -> Vec<ItemHandle> {
        let f = h.framework_position();
        self.hierarchy(f).map_or_else(Vec::new, |x| {
            x.children(h.item())
                .iter()
                .map(|&i| ItemHandle::new(f, i))
                .collect()
        })
    }

    /// Whether the item behind a handle is a leaf.
    pub fn is_leaf(&self, h: ItemHandle) -> bool {
        self.hierarchy(h.framework_position())
            .is_some_and(|x| x.is_leaf(h.item()))
    }

    /// Every item's handle, framework by framework.
    pub(crate) fn sizes(&self) -> impl Iterator<Item = usize> + '_ {
        self.frameworks.iter().map(|f| f.items().len())
    }

    fn index(&mut self) {
        fn ids<T>(list: &[T], info: fn(&T) -> &DocumentInfo) -> HashMap<DocId, usize> {
            list.iter()
                .enumerate()
                .map(|(n, d)| (info(d).id.clone(), n))
                .collect()
        }
        self.framework_index = ids(&self.frameworks, |d| &d.info);
        self.curriculum_index = ids(&self.curricula, |d| &d.info);
        self.mapping_index = ids(&self.mappings, |d| &d.info);
        self.role_index = ids(&self.roles, |d| &d.info);
    }

    /// Every link between documents, with references resolved (those that do not resolve were
    /// reported by validation and are left out).
    fn edges(&self) -> Edges {
        let mut edges = Edges {
            framework_sizes: self.sizes().collect(),
            ..Edges::default()
        };
        for (f, fw) in self.frameworks.iter().enumerate() {
            for (idx, item) in fw.indexed() {
                let h = ItemHandle::new(f, idx);
                edges
                    .requires
                    .extend(item.requires().filter_map(|r| Some((h, self.resolve(r)?))));
            }
        }
        for (c, cur) in self.curricula.iter().enumerate() {
            let activities = cur
                .sessions
                .iter()
                .enumerate()
                .map(|(i, s)| (ActivityKind::Session, i, &s.covers))
                .chain(
                    cur.assessments
                        .iter()
                        .enumerate()
                        .map(|(i, a)| (ActivityKind::Assessment, i, &a.assesses)),
                );
            for (kind, index, covers) in activities {
                let h = ActivityHandle {
                    curriculum: c,
                    kind,
                    index,
                };
                let resolved = covers
                    .iter()
                    .filter_map(|cover| Some((self.resolve(&cover.target)?, cover.depth)))
                    .collect();
                edges.activities.push((h, resolved));
            }
        }
        for (m, mapping) in self.mappings.iter().enumerate() {
            for link in &mapping.links {
                if let (Some(a), Some(b)) = (self.resolve(&link.from), self.resolve(&link.to)) {
                    edges.maps.push((a, b, link.relation, m));
                }
            }
        }
        edges
    }
}
