//! Frameworks and their items.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{DocumentInfo, ItemType, LocatedRef};
use crate::diagnostic::{Loc, Position};
use crate::hierarchy::Hierarchy;
pub use crate::hierarchy::ItemIdx;
use crate::ids::{FrameworkId, ItemId, ItemRef};

/// A competence framework: a tree (or, with `also_under`, a polyhierarchy) of items.
#[derive(Debug, Clone)]
pub struct Framework {
    /// Id, title, source, completeness and the other common fields.
    pub info: DocumentInfo,
    /// Who publishes the framework.
    pub publisher: Option<String>,
    /// The item kinds, outermost first.
    pub levels: Vec<String>,
    /// A note on the licence of the encoded text.
    pub license_note: Option<String>,
    /// What an import found no place for (see `interop`), kept to be exported again.
    pub extensions: Option<serde_json::Map<String, serde_json::Value>>,
    /// The framework's identifier in an outside system (a CASE, ESCO or CTDL URI).
    pub uri: Option<String>,
    /// The id of the framework's previous edition.
    pub replaces: Option<FrameworkId>,
    /// Ordered proficiency levels, lowest first.
    pub scale: Vec<ScaleLevel>,
    pub(crate) items: Vec<Item>,
    pub(crate) hierarchy: Hierarchy,
    pub(crate) index: crate::ids::IdMap<ItemId, ItemIdx>,
}

/// One level of a framework's proficiency scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScaleLevel {
    /// The level's id.
    pub id: String,
    /// Its title.
    pub title: String,
}

/// One item of a framework: a domain, area, standard, outcome, criterion, competence...
#[derive(Debug, Clone)]
pub struct Item {
    /// The id as published.
    pub id: ItemId,
    /// The item's kind (`standard`, `outcome`, ...).
    pub kind: Option<String>,
    /// The title.
    pub title: String,
    /// A longer statement, in our own words.
    pub statement: Option<String>,
    /// What kind of competence it is.
    pub item_type: Option<ItemType>,
    /// Whether the item is marked optional (its descendants are optional too).
    pub optional: bool,
    /// A level (an RQF level, for instance).
    pub level: Option<String>,
    /// Credits.
    pub credits: Option<f64>,
    /// Guided learning hours.
    pub glh: Option<f64>,
    /// Free tags.
    pub tags: Vec<String>,
    /// Section or page of the official document.
    pub source: Option<String>,
    /// The item's identifier in an outside system (a CASE, ESCO or CTDL URI).
    pub uri: Option<String>,
    /// Other names for it (synonyms, an outside system's alternative labels).
    pub alt_labels: Vec<String>,
    /// A note (a scope note, for instance).
    pub note: Option<String>,
    /// What an import found no place for (see `interop`), kept to be exported again (boxed:
    /// most items have none, and an empty slot costs a pointer, not a whole map).
    pub extensions: Option<Box<serde_json::Map<String, serde_json::Value>>>,
    pub(crate) requires: Vec<LocatedRef>,
    pub(crate) also_under: Vec<(ItemId, Loc)>,
    /// Items of the same framework it is associated with (never coverage).
    pub(crate) related: Vec<LocatedRef>,
    /// Items of an earlier edition it succeeds.
    pub(crate) replaces: Vec<LocatedRef>,
    pub(crate) loc: Loc,
}

impl Item {
    /// The items that must be learnt first, as qualified references.
    pub fn requires(&self) -> impl ExactSizeIterator<Item = &ItemRef> + '_ {
        self.requires.iter().map(|r| &r.r)
    }

    /// The extra parents named with `also_under`.
    pub fn also_under(&self) -> impl ExactSizeIterator<Item = &ItemId> + '_ {
        self.also_under.iter().map(|(id, _)| id)
    }

    /// The items of the same framework it is associated with, as qualified references.
    pub fn related(&self) -> impl ExactSizeIterator<Item = &ItemRef> + '_ {
        self.related.iter().map(|r| &r.r)
    }

    /// The items of an earlier edition it succeeds, as qualified references.
    pub fn replaces(&self) -> impl ExactSizeIterator<Item = &ItemRef> + '_ {
        self.replaces.iter().map(|r| &r.r)
    }

    /// Where the item's id is written.
    pub fn position(&self) -> Position {
        Position::from(&self.loc)
    }
}

impl Framework {
    /// The framework's id.
    pub fn id(&self) -> &FrameworkId {
        &self.info.id
    }

    /// Moves every place the framework keeps (its id's, each item's and each reference's):
    /// `to` gives a place's new place, or `None` to leave it. A multi-file import uses it to
    /// give each item its own file (see `interop::joined`).
    pub(crate) fn relocate(&mut self, to: impl Fn(&Loc) -> Option<Loc>) {
        let at = |loc: &mut Loc| {
            if let Some(new) = to(loc) {
                *loc = new;
            }
        };
        at(&mut self.info.loc);
        for r in &mut self.info.dropped_refs {
            at(&mut r.loc);
        }
        for item in &mut self.items {
            at(&mut item.loc);
            for r in item
                .requires
                .iter_mut()
                .chain(&mut item.related)
                .chain(&mut item.replaces)
            {
                at(&mut r.loc);
            }
            for (_, loc) in &mut item.also_under {
                at(loc);
            }
        }
    }

    /// Every item, in file order (parents before their children).
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Which item lies under which, the leaves under an item, and which are optional.
    pub fn hierarchy(&self) -> &Hierarchy {
        &self.hierarchy
    }

    /// The top-level items, in file order.
    pub fn roots(&self) -> impl ExactSizeIterator<Item = ItemIdx> + '_ {
        self.hierarchy.roots().iter().copied()
    }

    /// The item at a position.
    pub fn item(&self, idx: ItemIdx) -> Option<&Item> {
        self.items.get(idx.index())
    }

    /// Finds an item by id.
    pub fn find(&self, id: &str) -> Option<ItemIdx> {
        self.index.get(id).copied()
    }

    /// The position of each item by its id (the last, should an id repeat).
    pub(crate) fn index_of(items: &[Item]) -> crate::ids::IdMap<ItemId, ItemIdx> {
        let mut index = crate::ids::IdMap::default();
        index.reserve(items.len());
        for (n, item) in items.iter().enumerate() {
            index.insert(item.id.clone(), ItemIdx(n as u32));
        }
        index
    }

    /// Every item with its position, in file order.
    pub fn indexed(&self) -> impl ExactSizeIterator<Item = (ItemIdx, &Item)> + '_ {
        self.items
            .iter()
            .enumerate()
            .map(|(n, i)| (ItemIdx(n as u32), i))
    }

    /// A view that serializes the framework in its document shape, nested `depth` levels deep
    /// (all levels when `None`).
    pub fn document_view(&self, depth: Option<usize>) -> FrameworkView<'_> {
        FrameworkView {
            framework: self,
            depth,
        }
    }
}

/// A framework serialized in its document's shape; see [`Framework::document_view`].
#[derive(Debug)]
pub struct FrameworkView<'a> {
    framework: &'a Framework,
    depth: Option<usize>,
}

impl<'a> FrameworkView<'a> {
    /// The framework's id, title and the other common fields.
    pub fn info(&self) -> &'a DocumentInfo {
        &self.framework.info
    }

    /// The framework.
    pub fn framework(&self) -> &'a Framework {
        self.framework
    }

    /// How many levels of items are shown (all when `None`).
    pub fn depth(&self) -> Option<usize> {
        self.depth
    }
}

impl Serialize for FrameworkView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let f = self.framework;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("kind", "framework")?;
        m.serialize_entry("id", &f.info.id)?;
        m.serialize_entry("title", &f.info.title)?;
        if let Some(v) = &f.info.version {
            m.serialize_entry("version", v)?;
        }
        if let Some(v) = &f.publisher {
            m.serialize_entry("publisher", v)?;
        }
        if let Some(v) = &f.info.description {
            m.serialize_entry("description", v)?;
        }
        if let Some(v) = &f.info.source {
            m.serialize_entry("source", v)?;
        }
        if let Some(v) = &f.uri {
            m.serialize_entry("uri", v)?;
        }
        if let Some(v) = &f.replaces {
            m.serialize_entry("replaces", v)?;
        }
        if let Some(v) = &f.license_note {
            m.serialize_entry("license_note", v)?;
        }
        m.serialize_entry("completeness", &f.info.completeness)?;
        if !f.info.missing.is_empty() {
            m.serialize_entry("missing", &f.info.missing)?;
        }
        if let Some(v) = &f.info.note {
            m.serialize_entry("note", v)?;
        }
        if !f.levels.is_empty() {
            m.serialize_entry("levels", &f.levels)?;
        }
        if !f.scale.is_empty() {
            m.serialize_entry("scale", &f.scale)?;
        }
        if let Some(v) = &f.extensions {
            m.serialize_entry("extensions", v)?;
        }
        let items: Vec<_> = f
            .roots()
            .map(|idx| ItemView {
                framework: f,
                idx,
                depth: self.depth.map(|d| d.saturating_sub(1)),
            })
            .collect();
        if self.depth != Some(0) {
            m.serialize_entry("items", &items)?;
        }
        m.end()
    }
}

struct ItemView<'a> {
    framework: &'a Framework,
    idx: ItemIdx,
    depth: Option<usize>,
}

impl Serialize for ItemView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Some(item) = self.framework.item(self.idx) else {
            return s.serialize_none();
        };
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &item.id)?;
        if let Some(v) = &item.kind {
            m.serialize_entry("kind", v)?;
        }
        m.serialize_entry("title", &item.title)?;
        if let Some(v) = &item.statement {
            m.serialize_entry("statement", v)?;
        }
        if let Some(v) = &item.item_type {
            m.serialize_entry("type", v)?;
        }
        if item.optional {
            m.serialize_entry("optional", &true)?;
        }
        if let Some(v) = &item.level {
            m.serialize_entry("level", v)?;
        }
        if let Some(v) = &item.credits {
            m.serialize_entry("credits", v)?;
        }
        if let Some(v) = &item.glh {
            m.serialize_entry("glh", v)?;
        }
        if !item.tags.is_empty() {
            m.serialize_entry("tags", &item.tags)?;
        }
        if let Some(v) = &item.source {
            m.serialize_entry("source", v)?;
        }
        if let Some(v) = &item.uri {
            m.serialize_entry("uri", v)?;
        }
        if !item.alt_labels.is_empty() {
            m.serialize_entry("alt_labels", &item.alt_labels)?;
        }
        if let Some(v) = &item.note {
            m.serialize_entry("note", v)?;
        }
        if !item.requires.is_empty() {
            let refs: Vec<_> = item.requires().collect();
            m.serialize_entry("requires", &refs)?;
        }
        if !item.also_under.is_empty() {
            let ids: Vec<_> = item.also_under().collect();
            m.serialize_entry("also_under", &ids)?;
        }
        if !item.related.is_empty() {
            let refs: Vec<_> = item.related().collect();
            m.serialize_entry("related", &refs)?;
        }
        if !item.replaces.is_empty() {
            let refs: Vec<_> = item.replaces().collect();
            m.serialize_entry("replaces", &refs)?;
        }
        if let Some(v) = &item.extensions {
            m.serialize_entry("extensions", v)?;
        }
        let nested = self.framework.hierarchy.nested_children(self.idx);
        if !nested.is_empty() && self.depth != Some(0) {
            let children: Vec<_> = nested
                .iter()
                .map(|&idx| ItemView {
                    framework: self.framework,
                    idx,
                    depth: self.depth.map(|d| d.saturating_sub(1)),
                })
                .collect();
            m.serialize_entry("items", &children)?;
        }
        m.end()
    }
}
