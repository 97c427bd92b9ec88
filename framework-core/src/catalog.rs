//! The catalog: the shipped documents plus the user's, checked and linked into one graph, and
//! the questions asked of them (built by [`crate::CatalogBuilder`]).

use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Source};
use crate::error::AnalysisError;
use crate::graph::{CompetenceGraph, ItemHandle, Target};
use crate::hierarchy::Hierarchy;
use crate::ids::{DocId, IdMap, ItemRef};
use crate::model::{
    Curriculum, DocumentInfo, DocumentKind, Framework, Item, ItemIdx, Mapping, Role,
};
use crate::suggest::did_you_mean;

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
    pub(crate) frameworks: Vec<Framework>,
    pub(crate) curricula: Vec<Curriculum>,
    pub(crate) mappings: Vec<Mapping>,
    pub(crate) roles: Vec<Role>,
    pub(crate) framework_index: IdMap<DocId, usize>,
    pub(crate) curriculum_index: IdMap<DocId, usize>,
    pub(crate) mapping_index: IdMap<DocId, usize>,
    pub(crate) role_index: IdMap<DocId, usize>,
    pub(crate) graph: CompetenceGraph,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) files: usize,
    pub(crate) user_sources: Vec<Arc<Source>>,
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
    /// Every problem found, sorted by file and position.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The user's sources that could be read as text: (name, text), in load order. Building a
    /// catalog again from these (with [`CatalogBuilder::add_bytes`](crate::CatalogBuilder::add_bytes)) gives the same documents.
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
    /// has it (`unknown-curriculum`, `unknown-framework`, `unknown-role`, or `unknown-id` when
    /// several kinds would do), with a "did you mean" among the kinds asked for. Every command
    /// and the bindings look documents up through here.
    pub fn lookup(
        &self,
        id: &str,
        kinds: &[DocumentKind],
    ) -> Result<DocumentRef<'_>, AnalysisError> {
        let (kind, n) = self.locate(id, kinds)?;
        let doc = match kind {
            DocumentKind::Framework => self.frameworks.get(n).map(DocumentRef::Framework),
            DocumentKind::Curriculum => self.curricula.get(n).map(DocumentRef::Curriculum),
            DocumentKind::Mapping => self.mappings.get(n).map(DocumentRef::Mapping),
            DocumentKind::Role => self.roles.get(n).map(DocumentRef::Role),
        };
        doc.ok_or_else(|| self.unknown(id, kinds))
    }

    /// [`Catalog::lookup`] for a framework.
    pub fn lookup_framework(&self, id: &str) -> Result<&Framework, AnalysisError> {
        let n = self.position(id, DocumentKind::Framework)?;
        self.frameworks
            .get(n)
            .ok_or_else(|| self.unknown(id, &[DocumentKind::Framework]))
    }

    /// [`Catalog::lookup`], giving the document's kind and its position in the list of its kind.
    pub(crate) fn locate(
        &self,
        id: &str,
        kinds: &[DocumentKind],
    ) -> Result<(DocumentKind, usize), AnalysisError> {
        kinds
            .iter()
            .find_map(|&kind| {
                let index = match kind {
                    DocumentKind::Framework => &self.framework_index,
                    DocumentKind::Curriculum => &self.curriculum_index,
                    DocumentKind::Mapping => &self.mapping_index,
                    DocumentKind::Role => &self.role_index,
                };
                index.get(id).map(|&n| (kind, n))
            })
            .ok_or_else(|| self.unknown(id, kinds))
    }

    /// [`Catalog::locate`] for one kind: the document's position in the list of that kind.
    pub(crate) fn position(&self, id: &str, kind: DocumentKind) -> Result<usize, AnalysisError> {
        self.locate(id, &[kind]).map(|(_, n)| n)
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

    /// The top-level item an item is nested under (itself when it is top-level), following the
    /// item each is first nested under: the group it is shown in.
    pub fn top(&self, h: ItemHandle) -> ItemHandle {
        let Some(tree) = self.hierarchy(h.framework_position()) else {
            return h;
        };
        let mut i = h.item();
        // A parent chain is acyclic once loaded; the bound only guards against a bad tree.
        for _ in 0..tree.len() {
            match tree.parent(i) {
                Some(p) => i = p,
                None => break,
            }
        }
        ItemHandle::new(h.framework_position(), i)
    }

    /// The qualified reference and title of the top-level item above an item (see [`Catalog::top`]).
    pub fn top_of(&self, h: ItemHandle) -> Option<(ItemRef, String)> {
        let top = self.top(h);
        Some((self.item_ref(top)?, self.item(top)?.title.clone()))
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
        handles(f, leaves.unwrap_or_default())
    }

    /// The top-level items of a framework (its position in [`Catalog::frameworks`]).
    pub fn roots(&self, framework: usize) -> Vec<ItemHandle> {
        self.hierarchy(framework)
            .map_or_else(Vec::new, |h| handles(framework, h.roots().iter().copied()))
    }

    /// An item's children (nested and through `also_under`), in file order.
    pub fn children(&self, h: ItemHandle) -> Vec<ItemHandle> {
        let f = h.framework_position();
        self.hierarchy(f).map_or_else(Vec::new, |x| {
            handles(f, x.children(h.item()).iter().copied())
        })
    }

    /// Whether the item behind a handle is a leaf.
    pub fn is_leaf(&self, h: ItemHandle) -> bool {
        self.hierarchy(h.framework_position())
            .is_some_and(|x| x.is_leaf(h.item()))
    }

    /// How many items each framework has, in catalog order (the shape of an [`crate::graph::ItemTable`]).
    pub(crate) fn sizes(&self) -> impl Iterator<Item = usize> + '_ {
        self.frameworks.iter().map(|f| f.items().len())
    }

    pub(crate) fn index(&mut self) {
        fn ids<T>(list: &[T], info: fn(&T) -> &DocumentInfo) -> IdMap<DocId, usize> {
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
}

/// The handles of items of the framework at position `f`.
fn handles(f: usize, items: impl IntoIterator<Item = ItemIdx>) -> Vec<ItemHandle> {
    items.into_iter().map(|i| ItemHandle::new(f, i)).collect()
}

#[cfg(test)]
mod error_codes {
    use miette::Diagnostic as _;

    use super::*;

    /// The code each error carries for miette is its code of the one table.
    #[test]
    fn catalog_errors_carry_their_table_code() {
        let all = [
            CatalogError::NotFound {
                path: PathBuf::from("x"),
            },
            CatalogError::Io {
                path: PathBuf::from("x"),
                source: std::io::Error::other("m"),
            },
        ];
        for e in all {
            let code = e.code().map(|c| c.to_string());
            assert_eq!(code.as_deref(), Some(e.error_code().as_str()));
        }
    }
}
