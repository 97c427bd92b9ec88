//! Frameworks in other systems' formats: CASE 1.1 packages ([`case`]), Moodle competency CSV
//! ([`moodle`]) and Open Badges 3.0 achievements ([`ob3`]); course maps in spreadsheets
//! ([`sheet`]).
//!
//! Imports are lenient: they read what real files contain, report each liberty taken as a
//! warning pointing at its line and column, and keep whatever has no place in the model in the
//! document's `extensions` (and an item's), from which exports give it back. Exports are strict:
//! they write what the format's schema allows and nothing else.
//!
//! An import gives typed framework (and mapping) documents: each format's reader builds the
//! document's tree in memory, placed at the objects or rows it came from, and the loader checks
//! it as it checks a file, so an import's problems point into the imported file. Writing one as
//! YAML ([`to_yaml`]) serializes the typed document.

use std::cmp::Ordering;

use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::diagnostic::{Code, Diagnostic, Loc, Source, Span};
use crate::ids::{DocId, ItemId};
use crate::model::{Document, Framework, Mapping, Role};
use crate::yaml::{self, Node};

pub mod case;
pub mod ctdl;
pub mod direct;
pub mod esco;
mod joined;
pub mod moodle;
pub mod ob3;
pub mod opensalt_csv;
pub mod recognise;
mod rows;
pub mod sheet;
#[cfg(feature = "sheets")]
pub mod spreadsheet;
pub mod sssom;

/// What an import made: typed documents, and what was found on the way.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// The frameworks (one per package or file), in the order of the files.
    pub frameworks: Vec<Framework>,
    /// Mappings between the frameworks (from associations across CASE packages).
    pub mappings: Vec<Mapping>,
    /// Roles (ESCO occupations with the skills they need).
    pub roles: Vec<Role>,
    /// Liberties taken (warnings), what could not be imported (errors), and what the loader
    /// found in the documents made.
    pub diagnostics: Vec<Diagnostic>,
}

impl Imported {
    /// Whether any diagnostic is an error (then some of the input could not be imported).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Every document made, frameworks first.
    pub fn documents(&self) -> impl Iterator<Item = Document> + '_ {
        let frameworks = self.frameworks.iter().cloned().map(Document::Framework);
        frameworks
            .chain(self.mappings.iter().cloned().map(Document::Mapping))
            .chain(self.roles.iter().cloned().map(Document::Role))
    }

    /// The value, or `None` with its diagnostic kept (a file that cannot be read or parsed).
    pub(crate) fn keep<T>(&mut self, read: Result<T, Diagnostic>) -> Option<T> {
        read.map_err(|d| self.diagnostics.push(d)).ok()
    }

    /// Checks a document tree made by a reader, as the loader checks a file, and keeps the
    /// typed document.
    pub(crate) fn load(&mut self, source: &Arc<Source>, tree: &Node) {
        match crate::load::load_tree(source, tree, &mut self.diagnostics) {
            Some(Document::Framework(f)) => self.frameworks.push(f),
            Some(Document::Mapping(m)) => self.mappings.push(m),
            Some(Document::Role(r)) => self.roles.push(r),
            // Readers make no curricula (`sheet` writes its own).
            Some(Document::Curriculum(_)) | None => {}
        }
    }

    /// Loads a framework tree whose rows come from several files (see [`joined`]): the
    /// diagnostics made since `from` (an earlier length of the list, so that those of nesting
    /// the tree are included), and the places the framework keeps, point at each row's own file.
    pub(crate) fn load_joined(&mut self, joined: &joined::Joined, tree: &Node, from: usize) {
        let frameworks = self.frameworks.len();
        self.load(joined.source(), tree);
        if let Some(made) = self.diagnostics.get_mut(from..) {
            joined.relocate(made);
        }
        for f in self.frameworks.iter_mut().skip(frameworks) {
            joined.relocate_framework(f);
        }
    }

    /// The same, with its diagnostics capped (see [`crate::diagnostic::MAX_PER_CODE`]) and
    /// sorted.
    pub(crate) fn capped(mut self) -> Self {
        self.diagnostics = crate::diagnostic::cap(self.diagnostics);
        self
    }

    /// Adds what another import made.
    pub fn extend(&mut self, other: Imported) {
        self.frameworks.extend(other.frameworks);
        self.mappings.extend(other.mappings);
        self.roles.extend(other.roles);
        self.diagnostics.extend(other.diagnostics);
    }
}

/// Reads a JSON import file with places (see [`yaml::parse`]); an empty file's advice is about
/// `format` (`help`), not about the engine's own documents.
pub(crate) fn parse_json(source: &Arc<Source>, help: &str) -> Result<Node, Diagnostic> {
    yaml::parse(source, true).map_err(|d| {
        if d.code() == Code::EmptyFile {
            d.with_help(help)
        } else {
            d
        }
    })
}

/// Ids given once each: one already given is made unique with `-2`, `-3`, ... (`session-1`,
/// `session-1-2`).
#[derive(Debug, Default)]
pub(crate) struct UniqueIds(std::collections::HashSet<String>);

impl UniqueIds {
    /// Gives `id` if no one has it yet; whether it was free.
    pub fn take(&mut self, id: &str) -> bool {
        !self.0.contains(id) && self.0.insert(id.to_owned())
    }

    /// Gives `base`, or the first of `base-2`, `base-3`, ... that no one has.
    pub fn unique(&mut self, base: &str) -> String {
        let mut id = base.to_owned();
        let mut n = 1;
        while !self.take(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        id
    }
}

/// The key under which a format's own fields are kept in `extensions`, and under which the
/// engine's fields travel inside a format's own extension object.
pub const ENGINE_KEY: &str = "competence-engine";

/// The namespace of the engine's UUIDv5 identifiers (a fixed, random UUID).
const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6f1c_2a4e_93d5_4b8e_a0f7_5c3e_21d9_8b64);

/// A stable identifier derived from names: the same names always give the same UUID (v5).
pub fn derived_uuid(parts: &[&str]) -> String {
    uuid::Uuid::new_v5(&NAMESPACE, parts.join("\u{1f}").as_bytes()).to_string()
}

/// Compares text the way people number things: runs of digits by their value, so `L1.2` comes
/// before `L1.10`; ties are broken by the plain text.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let n = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let m = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let (dx, rx) = x.split_at(n);
                let (dy, ry) = y.split_at(m);
                let tx = trim_zeros(dx);
                let ty = trim_zeros(dy);
                let by_value = tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty));
                if by_value != Ordering::Equal {
                    return by_value;
                }
                x = rx;
                y = ry;
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let n = digits.iter().take_while(|&&c| c == b'0').count();
    &digits[n.min(digits.len().saturating_sub(1))..]
}

/// A document id made from a title or code: lower case, runs of anything else than letters and
/// digits as one `-` (`OECD-CORE` gives `oecd-core`); `fallback` when nothing is left.
pub fn slug(text: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out.truncate(80);
    while out.ends_with('-') {
        out.pop();
    }
    if DocId::new(&out).is_ok() {
        out
    } else {
        fallback.to_owned()
    }
}

/// Whether text can be an item id as it stands.
pub(crate) fn valid_item_id(s: &str) -> bool {
    ItemId::new(s).is_ok()
}

/// The time an export is stamped with, as RFC 3339 in UTC: `SOURCE_DATE_EPOCH` (seconds since
/// 1970, the reproducible-builds convention) when it is set, otherwise now.
pub fn export_time() -> String {
    let fixed = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| jiff::Timestamp::from_second(s).ok());
    let t = fixed.unwrap_or_else(jiff::Timestamp::now);
    // Whole seconds, `Z` for UTC: `2026-11-22T10:00:00Z`.
    jiff::Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .to_string()
}

/// `extensions.<key>` of a document or item in its JSON shape.
pub(crate) fn extension<'a>(
    extensions: Option<&'a Map<String, Value>>,
    key: &str,
) -> Option<&'a Map<String, Value>> {
    extensions
        .and_then(|e| e.get(key))
        .and_then(Value::as_object)
}

/// Puts `value` at `key` unless it is empty (null, an empty text, list or mapping).
pub(crate) fn put(map: &mut Map<String, Value>, key: &str, value: Value) {
    let empty = match &value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    };
    if !empty {
        map.insert(key.to_owned(), value);
    }
}

/// Cuts the parent chains that loop, each at the item of the loop that comes first (which
/// becomes top-level), walking each item once (linear in the number of items); returns the
/// items cut, in the order found.
pub(crate) fn cut_parent_loops(parent: &mut [Option<usize>]) -> Vec<usize> {
    let n = parent.len();
    let mut cut = Vec::new();
    let mut state = vec![0u8; n]; // 0 not seen, 1 on the walk, 2 leads to a top-level item
    for i in 0..n {
        let mut path: Vec<usize> = Vec::new();
        let mut at: Option<usize> = Some(i);
        while let Some(c) = at {
            match state.get(c).copied().unwrap_or(2) {
                2 => break,
                1 => {
                    // `c` is on this walk: the items from `c` on make a loop.
                    let from = path.iter().position(|&p| p == c).unwrap_or(0);
                    if let Some(&first) = path[from..].iter().min() {
                        parent[first] = None;
                        cut.push(first);
                    }
                    break;
                }
                _ => {
                    state[c] = 1;
                    path.push(c);
                    at = parent[c];
                }
            }
        }
        for c in path {
            state[c] = 2;
        }
    }
    cut
}

/// Children lists and the top-level items from each item's parent, in item order.
pub(crate) fn children_of(parent: &[Option<usize>]) -> (Vec<Vec<usize>>, Vec<usize>) {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); parent.len()];
    let mut roots = Vec::new();
    for (i, p) in parent.iter().enumerate() {
        match *p {
            Some(p) if p < parent.len() => children[p].push(i),
            _ => roots.push(i),
        }
    }
    (children, roots)
}

/// What an export's format has no place for, gathered item by item and reported as one
/// `export-loss` warning per kind of content, naming the items.
#[derive(Debug, Default)]
pub(crate) struct Losses {
    lost: Vec<(&'static str, Vec<String>)>,
}

impl Losses {
    /// Notes that `what` of item `id` is left out.
    pub fn add(&mut self, what: &'static str, id: &str) {
        match self.lost.iter_mut().find(|(w, _)| *w == what) {
            Some((_, v)) => v.push(id.to_owned()),
            None => self.lost.push((what, vec![id.to_owned()])),
        }
    }

    /// The items' content the model holds and a format does not, for the usual fields.
    pub fn item_fields(&mut self, item: &crate::model::Item, fields: &[ItemField]) {
        let id = item.id.as_str();
        for f in fields {
            let (what, present) = match f {
                ItemField::Type => ("item types", item.item_type.is_some()),
                ItemField::Optional => ("`optional`", item.optional),
                ItemField::Tags => ("tags", !item.tags.is_empty()),
                ItemField::Units => (
                    "levels, credits and guided learning hours",
                    item.level.is_some() || item.credits.is_some() || item.glh.is_some(),
                ),
                ItemField::Source => ("item sources", item.source.is_some()),
                ItemField::Requires => ("`requires`", item.requires().len() > 0),
                ItemField::AlsoUnder => {
                    ("second parents (`also_under`)", item.also_under().len() > 0)
                }
                ItemField::Uri => ("item URIs", item.uri.is_some()),
                ItemField::AltLabels => ("alternative labels", !item.alt_labels.is_empty()),
                ItemField::Note => ("item notes", item.note.is_some()),
                ItemField::Related => ("`related` items", item.related().len() > 0),
                ItemField::Replaces => ("`replaces`", item.replaces().len() > 0),
                ItemField::Extensions => (
                    "other systems' fields (`extensions`)",
                    item.extensions.is_some(),
                ),
            };
            if present {
                self.add(what, id);
            }
        }
    }

    /// One warning per kind of content, at `loc`, saying `format` has no place for it.
    pub fn report(self, format: &str, loc: &Loc, diags: &mut Vec<Diagnostic>) {
        for (what, ids) in self.lost {
            diags.push(Diagnostic::at(
                Code::ExportLoss,
                loc,
                format!(
                    "{format} has no place for {what}: left out ({} item{}: {})",
                    ids.len(),
                    if ids.len() == 1 { "" } else { "s" },
                    listed(&ids)
                ),
            ));
        }
    }
}

/// An item field a format may lack (see [`Losses::item_fields`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum ItemField {
    Type,
    Optional,
    Tags,
    Units,
    Source,
    Requires,
    AlsoUnder,
    Uri,
    AltLabels,
    Note,
    Related,
    Replaces,
    Extensions,
}

/// Ids as a message lists them: the first eight, and how many more.
pub(crate) fn listed(ids: &[String]) -> String {
    let shown: Vec<String> = ids.iter().take(8).map(|s| format!("`{s}`")).collect();
    if ids.len() > 8 {
        format!("{} and {} more", shown.join(", "), ids.len() - 8)
    } else {
        shown.join(", ")
    }
}

/// How deep an import may nest items. The YAML reader accepts 128 levels of nesting; each item
/// takes two (its mapping and its parent's `items` list), and its `extensions` need room below
/// it, so a document an import writes always loads again.
pub const MAX_NESTING: usize = 32;

/// Items nested as a framework document has them: `node(i, depth)` makes item `i` without its
/// children, and says where it was read from; each item's children (`children[i]`, in that
/// order) go under its `items`. Returns the top-level items, in the order of `roots`. Items no
/// root reaches are left out. Items deeper than [`MAX_NESTING`] levels are left out too, each
/// cut reported (`import-invalid`) at the item they were under.
pub(crate) fn nest(
    roots: &[usize],
    children: &[Vec<usize>],
    source: &Arc<Source>,
    diags: &mut Vec<Diagnostic>,
    mut node: impl FnMut(usize, usize) -> (Map<String, Value>, Span),
) -> Vec<Node> {
    let mut built: Vec<Option<Node>> = vec![None; children.len()];
    // Children before their parents (post-order), without recursion.
    let mut stack: Vec<(usize, usize, bool)> = roots.iter().rev().map(|&r| (r, 0, false)).collect();
    while let Some((i, depth, done)) = stack.pop() {
        let deep = depth + 1 >= MAX_NESTING;
        if !done {
            stack.push((i, depth, true));
            if !deep {
                stack.extend(children[i].iter().rev().map(|&c| (c, depth + 1, false)));
            }
            continue;
        }
        let (mut m, span) = node(i, depth);
        let here = Loc {
            source: source.clone(),
            span,
        };
        if cut_deep_values(&mut m) {
            diags.push(
                Diagnostic::at(
                    Code::ImportInvalid,
                    &here,
                    format!(
                        "a value kept from this object nests deeper than {MAX_VALUE_NESTING} levels: the part below is left out"
                    ),
                )
                .with_help("values here nest a few levels; check the file for one that should not"),
            );
        }
        if deep && !children[i].is_empty() {
            let lost = descendants(children, i);
            diags.push(
                Diagnostic::at(
                    Code::ImportInvalid,
                    &here,
                    format!(
                        "the items under this one nest deeper than {MAX_NESTING} levels: the {lost} items under it are left out"
                    ),
                )
                .with_help(format!(
                    "frameworks here nest at most {MAX_NESTING} levels; check the file's parent links for a chain that should not be one"
                )),
            );
        }
        let mut tree = Node::from_json_at(Value::Object(m), span);
        let kids: Vec<Node> = if deep {
            Vec::new()
        } else {
            children[i]
                .iter()
                .filter_map(|&c| built[c].take())
                .collect()
        };
        if !kids.is_empty() {
            tree.insert("items", Node::list(kids, span));
        }
        built[i] = Some(tree);
    }
    roots.iter().filter_map(|&r| built[r].take()).collect()
}

/// How deep a value an import keeps (in `extensions`) may nest, so that with items nested
/// [`MAX_NESTING`] deep the document written stays within the YAML reader's 128 levels.
pub const MAX_VALUE_NESTING: usize = 56;

/// Cuts every part of an object's values nested deeper than [`MAX_VALUE_NESTING`] levels
/// (replaced by `null`), without recursion; whether anything was cut.
pub(crate) fn cut_deep_values(map: &mut Map<String, Value>) -> bool {
    let mut cut = false;
    let mut stack: Vec<(&mut Value, usize)> = map.values_mut().map(|v| (v, 1)).collect();
    while let Some((v, depth)) = stack.pop() {
        let children: Vec<&mut Value> = match v {
            Value::Array(items) => items.iter_mut().collect(),
            Value::Object(o) => o.values_mut().collect(),
            _ => continue,
        };
        for c in children {
            if depth >= MAX_VALUE_NESTING && matches!(c, Value::Array(_) | Value::Object(_)) {
                *c = Value::Null;
                cut = true;
            } else {
                stack.push((c, depth + 1));
            }
        }
    }
    cut
}

/// How many items lie under `i` (each counted once).
fn descendants(children: &[Vec<usize>], i: usize) -> usize {
    let mut seen = vec![false; children.len()];
    let mut stack: Vec<usize> = children[i].clone();
    let mut n = 0;
    while let Some(c) = stack.pop() {
        if !std::mem::replace(&mut seen[c], true) {
            n += 1;
            stack.extend(&children[c]);
        }
    }
    n
}

/// A document as YAML text (the document's own shape, as [`Framework::document_view`] or
/// [`Mapping::document_view`] give it), headed by a comment saying where it came from.
pub fn to_yaml(document: &impl Serialize, origin: &str) -> String {
    let body = serde_saphyr::to_string(document).unwrap_or_else(|e| {
        // The views serialize maps, lists, text and numbers only; should YAML refuse one,
        // JSON is YAML too.
        let _ = e;
        serde_json::to_string_pretty(document).unwrap_or_default()
    });
    let mut out = String::new();
    for line in origin.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&body);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_reads_numbers_by_value() {
        let mut v = vec!["L1.10", "L1.2", "L1.1", "L2", "L1.02", "A"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["A", "L1.1", "L1.02", "L1.2", "L1.10", "L2"]);
        assert_eq!(natural_cmp("1.10", "1.9"), Ordering::Greater);
        assert_eq!(natural_cmp("x0", "x00"), Ordering::Less);
    }

    #[test]
    fn slugs_are_document_ids() {
        assert_eq!(slug("OECD-CORE", "x"), "oecd-core");
        assert_eq!(slug("  Sequence Number Test ", "x"), "sequence-number-test");
        assert_eq!(slug("—", "case-1234"), "case-1234");
    }

    #[test]
    fn derived_uuids_are_stable_v5() {
        let a = derived_uuid(&["item", "fw", "1.1"]);
        assert_eq!(a, derived_uuid(&["item", "fw", "1.1"]));
        assert_ne!(a, derived_uuid(&["item", "fw", "1.10"]));
        assert_eq!(a.as_bytes()[14], b'5');
    }

    #[test]
    fn export_time_is_utc_whole_seconds() {
        let t = export_time();
        assert!(t.ends_with('Z') && !t.contains('.'), "{t}");
    }
}
