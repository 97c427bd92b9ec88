//! The catalog: the shipped documents plus the user's, loaded, checked and linked into one graph.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{self, Code, Diagnostic, Loc, Source};
use crate::graph::{CompetenceGraph, ItemHandle, Target};
use crate::ids::{DocId, ItemRef};
use crate::load;
use crate::model::{
    Curriculum, Document, DocumentInfo, DocumentKind, Framework, Item, Mapping, Role,
};
use crate::suggest::did_you_mean;
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
        catalog.check_refs(&mut diags);
        let graph = CompetenceGraph::build(&catalog, &mut diags);
        catalog.graph = graph;
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

    /// "did you mean" for a document id of the given kind (any kind when `None`).
    pub fn suggest_document(&self, id: &str, kind: Option<DocumentKind>) -> Option<String> {
        let ids: Vec<&str> = self
            .documents()
            .filter(|d| kind.is_none_or(|k| d.info().kind == k))
            .map(|d| d.info().id.as_str())
            .collect();
        did_you_mean(id, ids)
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

    /// The leaves a reference stands for: the item itself if it is a leaf, every leaf under it
    /// otherwise, every leaf of the framework for `FRAMEWORK:*`. Optional leaves are left out.
    pub fn leaves_of(&self, r: &ItemRef) -> Vec<ItemHandle> {
        match self.resolve(r) {
            Some(t) => self.graph.leaves_under_target(self, t),
            None => Vec::new(),
        }
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

    /// Checks that a reference resolves; reports `unknown-document` or `unknown-ref` if not.
    pub(crate) fn check_ref(
        &self,
        r: &ItemRef,
        loc: &Loc,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Target> {
        let Some(f) = self.framework_position(r.framework().as_str()) else {
            diags.push(self.unknown_framework(r.framework().as_str(), loc));
            return None;
        };
        let t = self.resolve(r);
        if t.is_none() {
            let fw = self.frameworks.get(f)?;
            let id = r.item_id().map_or("*", |i| i.as_str());
            let mut d = Diagnostic::at(
                Code::UnknownRef,
                loc,
                format!("unknown item `{id}` in framework `{}`", fw.info.id),
            )
            .with_label(format!("not defined in `{}`", fw.info.id));
            if let Some(h) = did_you_mean(id, fw.items().iter().map(|i| i.id.as_str())) {
                d = d.with_help(h);
            }
            diags.push(d);
        }
        t
    }

    fn unknown_framework(&self, id: &str, loc: &Loc) -> Diagnostic {
        let d = Diagnostic::at(
            Code::UnknownDocument,
            loc,
            format!("unknown framework `{id}`"),
        )
        .with_label("not in the catalog");
        match self.suggest_document(id, Some(DocumentKind::Framework)) {
            Some(h) => d.with_help(h),
            None => d.with_help(
                "add the framework's file with `--catalog PATH`, or run `competence list` to see the frameworks",
            ),
        }
    }

    fn check_refs(&self, diags: &mut Vec<Diagnostic>) {
        for doc in self.documents() {
            for r in &doc.info().dropped_refs {
                self.check_ref(&r.r, &r.loc, diags);
            }
        }
        for fw in &self.frameworks {
            for item in fw.items() {
                for r in &item.requires {
                    self.check_ref(&r.r, &r.loc, diags);
                }
            }
        }
        for c in &self.curricula {
            let mut known = Vec::new();
            for (id, loc) in c.frameworks.iter().zip(&c.framework_locs) {
                if self.framework_position(id.as_str()).is_none() {
                    diags.push(self.unknown_framework(id.as_str(), loc));
                } else {
                    known.push(id);
                }
            }
            for cover in c.all_covers() {
                // An unknown framework in `frameworks` is reported once, not at every bare ref.
                let listed_unknown = c.frameworks.contains(cover.target.framework())
                    && !known.contains(&cover.target.framework());
                if !listed_unknown {
                    self.check_ref(&cover.target, &cover.loc, diags);
                }
            }
        }
        for m in &self.mappings {
            let from_ok = self.framework_position(m.from.as_str()).is_some();
            let to_ok = self.framework_position(m.to.as_str()).is_some();
            if !from_ok {
                diags.push(self.unknown_framework(m.from.as_str(), &m.from_loc));
            }
            if !to_ok {
                diags.push(self.unknown_framework(m.to.as_str(), &m.to_loc));
            }
            for l in &m.links {
                if from_ok {
                    self.check_ref(&l.from, &l.from_loc, diags);
                }
                if to_ok {
                    self.check_ref(&l.to, &l.to_loc, diags);
                }
            }
        }
        for role in &self.roles {
            for (r, loc) in role.all_refs() {
                self.check_ref(r, loc, diags);
            }
        }
    }
}
