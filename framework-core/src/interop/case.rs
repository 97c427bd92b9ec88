//! CASE (1EdTech Competencies and Academic Standards Exchange) 1.0 and 1.1 packages.
//!
//! **Import** reads a `CFPackage` (wrapped in `{"CFPackage": ...}` or not) into a framework
//! document. Items are nested by their `isChildOf` associations (an item with several parents is
//! nested under the first and names the others in `also_under`; an item with none is top-level).
//! Siblings are ordered by `sequenceNumber`, then by the natural order of `humanCodingScheme`
//! (`L1.2` before `L1.10`), then by package order. An item's id is its `humanCodingScheme` when
//! that is a usable, unique id, and its `identifier` otherwise; its title is the
//! `abbreviatedStatement` when there is one, and the `fullStatement` otherwise (which then becomes
//! the statement). Every other field, the associations that are not part of the tree, the
//! definitions and rubrics are kept in `extensions.case`, so an export gives them back. When
//! several packages are imported together, `exactMatchOf`, `isRelatedTo`, `isPartOf` and
//! `ext:closeMatch` associations between their items become mapping documents.
//!
//! Real packages break the schema in known ways; each is accepted with a warning: a wrapped
//! package, `null` values (read as absent), a `sequenceNumber` written as text, timestamps
//! without a time zone (read as UTC), identifiers in upper case (read in lower case) or not in
//! UUID form, fields CASE 1.1 does not have (kept, and exported inside `extensions`), and a
//! link written as plain text.
//!
//! **Export** writes a CASE 1.1 package that validates against the official schema. Identifiers
//! are kept from an import, and otherwise derived as UUIDv5 from the framework and item ids, so
//! the same framework always gives the same identifiers. The tree is written as `isChildOf`
//! associations with `sequenceNumber`s, item kinds as `CFItemType`s (with their definitions),
//! and the catalog's mappings that touch the framework as associations to the other framework's
//! items. The engine's own fields that CASE lacks (`type`, `optional`, `tags`, `requires`, ...)
//! travel in each object's `extensions` under `competence-engine`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::{ENGINE_KEY, Imported, derived_uuid, export_time, natural_cmp, put, slug};
use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic, Loc, Source, Span};
use crate::model::{Framework, Relation};
use crate::yaml::{self, Node, Value as Y};

/// The key of CASE's own fields in a document's or item's `extensions`.
pub const KEY: &str = "case";

/// The type of a CASE field, for checking what a package holds.
#[derive(Clone, Copy, PartialEq)]
enum F {
    Text,
    Uuid,
    DateTime,
    Date,
    TextList,
    Link,
    LinkList,
    LinkGen,
    Int,
    Object,
}

const DOCUMENT_FIELDS: &[(&str, F)] = &[
    ("identifier", F::Uuid),
    ("uri", F::Text),
    ("frameworkType", F::Text),
    ("caseVersion", F::Text),
    ("creator", F::Text),
    ("title", F::Text),
    ("lastChangeDateTime", F::DateTime),
    ("officialSourceURL", F::Text),
    ("publisher", F::Text),
    ("description", F::Text),
    ("subject", F::TextList),
    ("subjectURI", F::LinkList),
    ("language", F::Text),
    ("version", F::Text),
    ("adoptionStatus", F::Text),
    ("statusStartDate", F::Date),
    ("statusEndDate", F::Date),
    ("licenseURI", F::Link),
    ("notes", F::Text),
    ("extensions", F::Object),
];

const ITEM_FIELDS: &[(&str, F)] = &[
    ("identifier", F::Uuid),
    ("fullStatement", F::Text),
    ("alternativeLabel", F::Text),
    ("CFItemType", F::Text),
    ("uri", F::Text),
    ("humanCodingScheme", F::Text),
    ("listEnumeration", F::Text),
    ("abbreviatedStatement", F::Text),
    ("conceptKeywords", F::TextList),
    ("conceptKeywordsURI", F::Link),
    ("notes", F::Text),
    ("subject", F::TextList),
    ("subjectURI", F::LinkList),
    ("language", F::Text),
    ("educationLevel", F::TextList),
    ("CFItemTypeURI", F::Link),
    ("licenseURI", F::Link),
    ("statusStartDate", F::Date),
    ("statusEndDate", F::Date),
    ("lastChangeDateTime", F::DateTime),
    ("extensions", F::Object),
];

const ASSOCIATION_FIELDS: &[(&str, F)] = &[
    ("identifier", F::Uuid),
    ("associationType", F::Text),
    ("sequenceNumber", F::Int),
    ("uri", F::Text),
    ("originNodeURI", F::LinkGen),
    ("destinationNodeURI", F::LinkGen),
    ("CFAssociationGroupingURI", F::Link),
    ("lastChangeDateTime", F::DateTime),
    ("notes", F::Text),
    ("extensions", F::Object),
];

const ASSOCIATION_TYPES: &[&str] = &[
    "isChildOf",
    "isPeerOf",
    "isPartOf",
    "exactMatchOf",
    "precedes",
    "isRelatedTo",
    "replacedBy",
    "exemplar",
    "hasSkillLevel",
    "isTranslationOf",
];

/// Options of a CASE export.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Where the package's objects will be published: an object's `uri` is this followed by its
    /// identifier. Without it, `urn:uuid:IDENTIFIER`.
    pub base_uri: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Import

/// Reads a node tree, collecting diagnostics.
struct Reader {
    source: Arc<Source>,
    diags: Vec<Diagnostic>,
}

impl Reader {
    fn loc(&self, node: &Node) -> Loc {
        Loc {
            source: self.source.clone(),
            span: node.span,
        }
    }

    fn warn(&mut self, node: &Node, message: impl Into<String>) {
        let d = Diagnostic::at(Code::ImportLeniency, &self.loc(node), message);
        self.diags.push(d);
    }

    fn invalid(&mut self, node: &Node, message: impl Into<String>, help: &str) {
        let d = Diagnostic::at(Code::ImportInvalid, &self.loc(node), message).with_help(help);
        self.diags.push(d);
    }

    fn json(&self, node: &Node) -> Value {
        node.to_json(&self.source)
    }

    /// An object's fields checked against its class: known fields in their CASE form (with the
    /// liberties real packages take undone, each reported), and the others apart.
    fn fields(&mut self, node: &Node, class: &str, known: &[(&str, F)]) -> Fields {
        let mut out = Fields::default();
        let Y::Map(entries) = &node.value else {
            return out;
        };
        for (k, v) in entries {
            let Y::Str(key) = &k.value else {
                continue;
            };
            let Some(&(_, kind)) = known.iter().find(|(n, _)| n == key) else {
                self.warn(
                    k,
                    format!("`{key}` is not a field of a CASE 1.1 {class}: kept, and exported inside `extensions`"),
                );
                out.unknown.insert(key.clone(), self.json(v));
                continue;
            };
            if matches!(v.value, Y::Null) {
                self.warn(v, format!("`{key}` is null: read as absent"));
                continue;
            }
            match self.field(key, kind, v) {
                Some(value) => {
                    out.known.insert(key.clone(), value);
                }
                None => {
                    out.unknown.insert(key.clone(), self.json(v));
                }
            }
        }
        out
    }

    fn field(&mut self, key: &str, kind: F, v: &Node) -> Option<Value> {
        let value = self.json(v);
        match (kind, &v.value) {
            (F::Text, Y::Str(_)) | (F::Object, Y::Map(_)) => Some(value),
            (F::Uuid, Y::Str(s)) => Some(Value::String(self.uuid(v, key, s))),
            (F::DateTime, Y::Str(s)) => Some(Value::String(self.date_time(v, key, s))),
            (F::Date, Y::Str(s)) => {
                if jiff::civil::Date::strptime("%Y-%m-%d", s).is_err() {
                    self.warn(
                        v,
                        format!("`{key}` is not a date (YYYY-MM-DD): kept as it is"),
                    );
                    return None;
                }
                Some(value)
            }
            (F::Int, Y::Str(s)) => match s.trim().parse::<i64>() {
                Ok(n) => {
                    self.warn(
                        v,
                        format!("`{key}` is written as text: read as the number {n}"),
                    );
                    Some(json!(n))
                }
                Err(_) => {
                    self.warn(v, format!("`{key}` is not a whole number: kept as it is"));
                    None
                }
            },
            (F::Int, _) if value.is_i64() => Some(value),
            (F::TextList, Y::Seq(items)) if items.iter().all(|i| matches!(i.value, Y::Str(_))) => {
                Some(value)
            }
            (F::Link | F::LinkGen, Y::Map(_)) => self.link(v, key, kind == F::LinkGen),
            (F::LinkList, Y::Seq(items)) => {
                let mut links = Vec::new();
                for i in items {
                    links.push(self.link(i, key, false)?);
                }
                Some(Value::Array(links))
            }
            (F::Link | F::LinkGen, Y::Str(_)) => {
                self.warn(
                    v,
                    format!("`{key}` is a plain text, not a link object (title, identifier, uri): kept as it is"),
                );
                None
            }
            _ => {
                self.warn(
                    v,
                    format!(
                        "`{key}` is {}, which CASE does not allow here: kept as it is",
                        v.value.describe()
                    ),
                );
                None
            }
        }
    }

    /// A link object (`LinkURI`, or `LinkGenURI` when `generic`).
    fn link(&mut self, node: &Node, key: &str, generic: bool) -> Option<Value> {
        let Y::Map(entries) = &node.value else {
            self.warn(
                node,
                format!("`{key}` holds a link that is not an object: kept as it is"),
            );
            return None;
        };
        let mut out = Map::new();
        for (k, v) in entries {
            let Y::Str(name) = &k.value else { continue };
            match (name.as_str(), &v.value) {
                (_, Y::Null) => self.warn(v, format!("`{key}.{name}` is null: read as absent")),
                ("identifier", Y::Str(s)) if !generic => {
                    out.insert(name.clone(), Value::String(self.uuid(v, key, s)));
                }
                ("identifier", Y::Str(s)) => {
                    out.insert(name.clone(), Value::String(s.clone()));
                }
                ("title" | "uri", Y::Str(s)) => {
                    out.insert(name.clone(), Value::String(s.clone()));
                }
                ("targetType", Y::Str(s)) if generic => {
                    out.insert(name.clone(), Value::String(s.clone()));
                }
                _ => {
                    self.warn(
                        k,
                        format!("`{key}.{name}` is not a field of a CASE link: dropped"),
                    );
                }
            }
        }
        for required in ["title", "identifier", "uri"] {
            if !out.contains_key(required) {
                if required == "title" {
                    // Many packages leave a link's title out; it is only a label.
                    self.warn(
                        node,
                        format!("`{key}` has no `title`: an empty one is used"),
                    );
                    out.insert("title".into(), Value::String(String::new()));
                } else {
                    self.warn(node, format!("`{key}` has no `{required}`: kept as it is"));
                    return None;
                }
            }
        }
        Some(Value::Object(out))
    }

    fn uuid(&mut self, node: &Node, key: &str, s: &str) -> String {
        let lower = s.to_ascii_lowercase();
        if !is_uuid_form(&lower) {
            self.warn(
                node,
                format!(
                    "`{key}` `{s}` is not a UUID (8-4-4-4-12 hexadecimal digits): kept as it is"
                ),
            );
            return s.to_owned();
        }
        if lower != s {
            self.warn(
                node,
                format!("`{key}` is in upper case: read in lower case"),
            );
        }
        lower
    }

    fn date_time(&mut self, node: &Node, key: &str, s: &str) -> String {
        if s.parse::<jiff::Timestamp>().is_ok() {
            return s.to_owned();
        }
        match s.parse::<jiff::civil::DateTime>() {
            Ok(dt) => {
                self.warn(node, format!("`{key}` has no time zone: read as UTC"));
                match dt.to_zoned(jiff::tz::TimeZone::UTC) {
                    Ok(z) => z.timestamp().to_string(),
                    Err(_) => s.to_owned(),
                }
            }
            Err(_) => {
                self.warn(
                    node,
                    format!("`{key}` is not a date and time: kept as it is"),
                );
                s.to_owned()
            }
        }
    }
}

/// Whether text has the 8-4-4-4-12 hexadecimal form of a UUID (any version or variant).
fn is_uuid_form(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.value {
        Y::Map(entries) => entries
            .iter()
            .find(|(k, _)| matches!(&k.value, Y::Str(s) if s == key))
            .map(|(_, v)| v),
        _ => None,
    }
}

/// An object's fields: those of its class, checked, and the others as they were.
#[derive(Default)]
struct Fields {
    known: Map<String, Value>,
    unknown: Map<String, Value>,
}

impl Fields {
    fn text(&self, key: &str) -> Option<&str> {
        self.known.get(key).and_then(Value::as_str)
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        self.known.remove(key)
    }

    /// What is left, for `extensions.case`: the fields of the class, then the unknown ones
    /// under `unrecognised`.
    fn rest(mut self) -> Map<String, Value> {
        if !self.unknown.is_empty() {
            self.known
                .insert("unrecognised".into(), Value::Object(self.unknown));
        }
        self.known
    }
}

/// One package, read.
struct Package {
    framework: String,
    /// The file the package was read from, and where its `CFDocument` is in it.
    source: Arc<Source>,
    span: Span,
    document: Map<String, Value>,
    /// Items by identifier: the item's document JSON without `items`, its children and position.
    items: Vec<ImportedItem>,
    by_identifier: HashMap<String, usize>,
    /// Associations that are not part of the tree, with their origin's and destination's
    /// identifiers, as they will be kept if no mapping takes them.
    loose: Vec<(String, String, Map<String, Value>)>,
}

struct ImportedItem {
    /// Where the item's object is in the file.
    span: Span,
    identifier: String,
    id: String,
    json: Map<String, Value>,
    parents: Vec<(usize, Option<i64>, Map<String, Value>)>,
    root_sequence: Option<i64>,
    root_association: Option<Map<String, Value>>,
    hcs: Option<String>,
}

/// Imports CASE packages (each a file's name and bytes) into framework documents, and mappings
/// for the associations between them.
pub fn import(files: &[(&str, &[u8])], id: Option<&str>) -> Imported {
    let mut out = Imported::default();
    let mut packages = Vec::new();
    for &(name, bytes) in files {
        let source = match yaml::decode(name, bytes, false) {
            Ok(s) => s,
            Err(d) => {
                out.diagnostics.push(d);
                continue;
            }
        };
        let root = match yaml::parse(&source, true) {
            Ok(n) => n,
            Err(d) => {
                out.diagnostics.push(d);
                continue;
            }
        };
        let mut r = Reader {
            source,
            diags: Vec::new(),
        };
        let wanted = if files.len() == 1 { id } else { None };
        if let Some(p) = read_package(&mut r, &root, wanted) {
            packages.push(p);
        }
        out.diagnostics.append(&mut r.diags);
    }
    let mappings = link_packages(&mut packages);
    let places: Vec<(Arc<Source>, Span)> = packages
        .iter()
        .map(|p| (p.source.clone(), p.span))
        .collect();
    for p in packages {
        let (source, tree) = finish(p);
        out.load(&source, &tree);
    }
    // A mapping is placed at the CFDocument of the package its links start from.
    for (from, mapping) in mappings {
        let (source, span) = &places[from];
        out.load(source, &Node::from_json_at(Value::Object(mapping), *span));
    }
    out
}

fn read_package(r: &mut Reader, root: &Node, id: Option<&str>) -> Option<Package> {
    let mut pkg = root;
    if let Some(inner) = get(root, "CFPackage") {
        r.warn(
            root,
            "the package is wrapped in `CFPackage` (as CASE 1.0 APIs sent it): read inside",
        );
        pkg = inner;
    }
    if !matches!(pkg.value, Y::Map(_)) {
        r.invalid(
            pkg,
            format!(
                "expected a CASE package (an object), found {}",
                pkg.value.describe()
            ),
            "a CASE package is a JSON object with `CFDocument`, `CFItems` and `CFAssociations`",
        );
        return None;
    }
    let Some(doc_node) = get(pkg, "CFDocument") else {
        r.invalid(
            pkg,
            "the package has no `CFDocument`",
            "a CASE package is a JSON object with `CFDocument`, `CFItems` and `CFAssociations`",
        );
        return None;
    };
    let mut doc = r.fields(doc_node, "CFDocument", DOCUMENT_FIELDS);
    let title = doc.text("title").map(str::to_owned).unwrap_or_else(|| {
        r.invalid(
            doc_node,
            "the CFDocument has no `title`",
            "CASE requires a title: add one",
        );
        "Untitled framework".to_owned()
    });
    let document_id = doc
        .text("identifier")
        .map(str::to_owned)
        .unwrap_or_default();
    if document_id.is_empty() {
        r.invalid(
            doc_node,
            "the CFDocument has no `identifier`",
            "CASE requires an identifier: add one",
        );
    }
    let engine = engine_fields(doc.known.get("extensions"));
    let framework = id
        .map(str::to_owned)
        .or_else(|| engine.get("id").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| {
            let fallback = format!("case-{}", document_id.get(..8).unwrap_or("framework"));
            slug(&title, &fallback)
        });

    // The document.
    let mut out = Map::new();
    out.insert("kind".into(), json!("framework"));
    out.insert("id".into(), json!(framework));
    out.insert("title".into(), json!(title));
    doc.take("title");
    for (ours, theirs) in [
        ("version", "version"),
        ("publisher", "publisher"),
        ("description", "description"),
    ] {
        if let Some(v) = doc.take(theirs) {
            out.insert(ours.into(), v);
        }
    }
    match doc.take("officialSourceURL") {
        Some(v) => {
            out.insert("source".into(), v);
        }
        None => {
            if let Some(v) = engine.get("source") {
                out.insert("source".into(), v.clone());
            }
        }
    }
    if let Some(v) = engine.get("license_note") {
        out.insert("license_note".into(), v.clone());
    }
    out.insert(
        "completeness".into(),
        engine
            .get("completeness")
            .cloned()
            .unwrap_or_else(|| json!("complete")),
    );
    for key in ["missing"] {
        if let Some(v) = engine.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if let Some(v) = doc.take("notes") {
        out.insert("note".into(), v);
    }
    if let Some(v) = engine.get("levels") {
        out.insert("levels".into(), v.clone());
    }
    // What export derives is not kept.
    let document_stamp = doc.text("lastChangeDateTime").map(str::to_owned);
    if doc.text("identifier") == Some(derived_uuid(&["framework", &framework]).as_str()) {
        doc.take("identifier");
    }
    let identifier = doc
        .text("identifier")
        .map_or_else(|| derived_uuid(&["framework", &framework]), str::to_owned);
    if doc.text("uri") == Some(default_uri(&identifier).as_str()) {
        doc.take("uri");
    }
    if doc.text("caseVersion") == Some("1.1") {
        doc.take("caseVersion");
    }
    if doc.text("creator")
        == Some(default_creator(
            out.get("publisher").and_then(Value::as_str),
        ))
    {
        doc.take("creator");
    }
    strip_engine(&mut doc.known);
    let mut case = Map::new();
    put(&mut case, "document", Value::Object(doc.rest()));
    let mut package_rest = Map::new();
    if let Y::Map(entries) = &pkg.value {
        for (k, v) in entries {
            let Y::Str(key) = &k.value else { continue };
            match key.as_str() {
                "CFDocument" | "CFItems" | "CFAssociations" => {}
                "CFDefinitions" => {
                    let defs = definitions(r, v, &framework);
                    put(&mut case, "definitions", defs);
                }
                "CFRubrics" => {
                    let rubrics = normalise(r, v);
                    put(&mut case, "rubrics", rubrics);
                }
                "extensions" => {
                    put(&mut case, "package_extensions", r.json(v));
                }
                _ => {
                    r.warn(
                        k,
                        format!("`{key}` is not a part of a CASE 1.1 package: kept, and exported inside `extensions`"),
                    );
                    package_rest.insert(key.clone(), r.json(v));
                }
            }
        }
    }
    put(
        &mut case,
        "package_unrecognised",
        Value::Object(package_rest),
    );

    // Items.
    let mut items: Vec<ImportedItem> = Vec::new();
    let mut by_identifier = HashMap::new();
    let item_nodes: &[Node] = match get(pkg, "CFItems").map(|n| &n.value) {
        Some(Y::Seq(v)) => v,
        Some(Y::Null) | None => &[],
        Some(_) => {
            if let Some(n) = get(pkg, "CFItems") {
                r.invalid(
                    n,
                    "`CFItems` is not a list",
                    "write the items as a JSON array",
                );
            }
            &[]
        }
    };
    for node in item_nodes {
        let mut f = r.fields(node, "CFItem", ITEM_FIELDS);
        let Some(identifier) = f.text("identifier").map(str::to_owned) else {
            r.invalid(
                node,
                "this CFItem has no `identifier`: left out",
                "every CFItem needs an identifier (a UUID)",
            );
            continue;
        };
        if by_identifier.contains_key(&identifier) {
            r.invalid(
                node,
                format!("a second CFItem with identifier `{identifier}`: left out"),
                "identifiers must be unique in a package",
            );
            continue;
        }
        let engine = engine_fields(f.known.get("extensions"));
        let full = f.take("fullStatement");
        let abbreviated = f.take("abbreviatedStatement");
        let (title, statement) = match (abbreviated, full) {
            (Some(a), full) => (a, full),
            (None, Some(full)) => (full, None),
            (None, None) => {
                r.invalid(
                    node,
                    "this CFItem has no `fullStatement`: its identifier is used as title",
                    "CASE requires a fullStatement",
                );
                (json!(identifier), None)
            }
        };
        let mut json = Map::new();
        json.insert("kind".into(), f.take("CFItemType").unwrap_or(Value::Null));
        json.insert("title".into(), title);
        if let Some(s) = statement {
            json.insert("statement".into(), s);
        }
        for key in [
            "type", "optional", "level", "credits", "glh", "tags", "source", "requires",
        ] {
            if let Some(v) = engine.get(key) {
                json.insert(key.into(), v.clone());
            }
        }
        let hcs = f.text("humanCodingScheme").map(|s| s.trim().to_owned());
        by_identifier.insert(identifier.clone(), items.len());
        items.push(ImportedItem {
            span: node.span,
            identifier,
            id: String::new(),
            json,
            parents: Vec::new(),
            root_sequence: None,
            root_association: None,
            hcs,
        });
        let last = items.len() - 1;
        strip_engine(&mut f.known);
        if let Some(stamp) = &document_stamp
            && f.text("lastChangeDateTime") == Some(stamp)
        {
            f.take("lastChangeDateTime");
        }
        items[last]
            .json
            .insert("extensions".into(), Value::Object(f.rest()));
    }

    // Ids: the human coding scheme where it is a usable, unique id.
    let mut count: HashMap<String, usize> = HashMap::new();
    for i in &items {
        if let Some(h) = &i.hcs {
            *count.entry(h.clone()).or_default() += 1;
        }
    }
    let identifiers: HashSet<String> = items.iter().map(|i| i.identifier.clone()).collect();
    for i in &mut items {
        i.id = match &i.hcs {
            Some(h)
                if count.get(h) == Some(&1)
                    && super::valid_item_id(h)
                    && (!identifiers.contains(h) || *h == i.identifier) =>
            {
                h.clone()
            }
            _ => i.identifier.clone(),
        };
        let derived_id = derived_uuid(&["item", &framework, &i.id]);
        let ext = i.json.get_mut("extensions").and_then(Value::as_object_mut);
        if let Some(ext) = ext {
            if ext.get("humanCodingScheme").and_then(Value::as_str) == Some(i.id.as_str())
                || (i.hcs.as_deref() == Some(i.id.as_str()))
            {
                ext.remove("humanCodingScheme");
            }
            if i.identifier == derived_id {
                ext.remove("identifier");
            }
            if ext.get("uri").and_then(Value::as_str) == Some(default_uri(&i.identifier).as_str()) {
                ext.remove("uri");
            }
        }
    }

    // Associations.
    let mut loose = Vec::new();
    let assoc_nodes: &[Node] = match get(pkg, "CFAssociations").map(|n| &n.value) {
        Some(Y::Seq(v)) => v,
        _ => &[],
    };
    for node in assoc_nodes {
        let mut f = r.fields(node, "CFAssociation", ASSOCIATION_FIELDS);
        let kind = f.text("associationType").unwrap_or_default().to_owned();
        let origin = link_identifier(&f, "originNodeURI");
        let destination = link_identifier(&f, "destinationNodeURI");
        let (Some(origin), Some(destination)) = (origin, destination) else {
            r.invalid(
                node,
                "this CFAssociation lacks an origin or a destination (`originNodeURI`, `destinationNodeURI`): left out",
                "an association links two nodes, each given as {title, identifier, uri}",
            );
            continue;
        };
        if !kind.is_empty() && !ASSOCIATION_TYPES.contains(&kind.as_str()) && !valid_ext_type(&kind)
        {
            if let Some(n) = get(node, "associationType") {
                r.warn(
                    n,
                    format!("`{kind}` is not a CASE association type (nor `ext:` followed by a name): kept, and exported inside `extensions`"),
                );
            }
            let v = f.take("associationType").unwrap_or(Value::Null);
            f.unknown.insert("associationType".into(), v);
        }
        let sequence = f.known.get("sequenceNumber").and_then(Value::as_i64);
        if kind == "isChildOf"
            && let Some(&child) = by_identifier.get(&origin)
        {
            let child_id = items[child].id.clone();
            if destination == document_id {
                if items[child].root_sequence.is_none() && items[child].root_association.is_none() {
                    let parent_name = String::new();
                    items[child].root_sequence = sequence;
                    items[child].root_association = Some(tree_rest(
                        f,
                        &framework,
                        &child_id,
                        &parent_name,
                        &document_stamp,
                    ));
                    continue;
                }
            } else if let Some(&parent) = by_identifier.get(&destination)
                && parent != child
                && !items[child].parents.iter().any(|(p, _, _)| *p == parent)
            {
                let parent_id = items[parent].id.clone();
                let rest = tree_rest(f, &framework, &child_id, &parent_id, &document_stamp);
                items[child].parents.push((parent, sequence, rest));
                continue;
            }
        }
        strip_engine(&mut f.known);
        let mut kept = f.rest();
        if let Some(stamp) = &document_stamp
            && kept.get("lastChangeDateTime").and_then(Value::as_str) == Some(stamp)
        {
            kept.remove("lastChangeDateTime");
        }
        loose.push((origin, destination, kept));
    }
    out.insert("extensions".into(), json!({ KEY: case }));
    Some(Package {
        framework,
        source: r.source.clone(),
        span: doc_node.span,
        document: out,
        items,
        by_identifier,
        loose,
    })
}

/// What an `isChildOf` association holds beyond what the tree says and export derives.
fn tree_rest(
    mut f: Fields,
    framework: &str,
    child: &str,
    parent: &str,
    stamp: &Option<String>,
) -> Map<String, Value> {
    for key in [
        "associationType",
        "originNodeURI",
        "destinationNodeURI",
        "sequenceNumber",
    ] {
        f.take(key);
    }
    strip_engine(&mut f.known);
    let derived = derived_uuid(&["isChildOf", framework, child, parent]);
    if f.text("identifier") == Some(derived.as_str()) {
        f.take("identifier");
        if f.text("uri") == Some(default_uri(&derived).as_str()) {
            f.take("uri");
        }
    }
    if stamp.is_some() && f.text("lastChangeDateTime") == stamp.as_deref() {
        f.take("lastChangeDateTime");
    }
    f.rest()
}

fn link_identifier(f: &Fields, key: &str) -> Option<String> {
    let id = match f.known.get(key) {
        Some(v) => v.get("identifier").and_then(Value::as_str)?.to_owned(),
        None => f
            .unknown
            .get(key)
            .and_then(|v| v.get("identifier"))
            .and_then(Value::as_str)?
            .to_owned(),
    };
    Some(if is_uuid_form(&id.to_ascii_lowercase()) {
        id.to_ascii_lowercase()
    } else {
        id
    })
}

fn valid_ext_type(s: &str) -> bool {
    s.strip_prefix("ext:").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "|.-_".contains(c))
    })
}

/// The engine's own fields in a CASE `extensions` object.
fn engine_fields(extensions: Option<&Value>) -> Map<String, Value> {
    extensions
        .and_then(|e| e.get(ENGINE_KEY))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// Takes the engine's fields out of a CASE object's `extensions` (they have been read), moving
/// back what an export put there because CASE had no field for it.
fn strip_engine(known: &mut Map<String, Value>) {
    let Some(Value::Object(ext)) = known.get_mut("extensions") else {
        return;
    };
    let engine = ext.remove(ENGINE_KEY);
    if ext.is_empty() {
        known.remove("extensions");
    }
    if let Some(Value::Object(engine)) = engine
        && let Some(Value::Object(unrecognised)) = engine.get("unrecognised")
    {
        known.insert("unrecognised".into(), Value::Object(unrecognised.clone()));
    }
}

/// A value kept as it is, but for the liberties that would break the schema on export: nulls
/// dropped, timestamps given a zone, identifiers in lower case.
fn normalise(r: &mut Reader, node: &Node) -> Value {
    match &node.value {
        Y::Map(entries) => {
            let mut out = Map::new();
            for (k, v) in entries {
                let Y::Str(name) = &k.value else { continue };
                if matches!(v.value, Y::Null) {
                    r.warn(v, format!("`{name}` is null: read as absent"));
                    continue;
                }
                let value = match (name.as_str(), &v.value) {
                    ("lastChangeDateTime", Y::Str(s)) => Value::String(r.date_time(v, name, s)),
                    ("identifier", Y::Str(s)) if is_uuid_form(&s.to_ascii_lowercase()) => {
                        Value::String(r.uuid(v, name, s))
                    }
                    _ => normalise(r, v),
                };
                out.insert(name.clone(), value);
            }
            Value::Object(out)
        }
        Y::Seq(items) => Value::Array(items.iter().map(|i| normalise(r, i)).collect()),
        _ => r.json(node),
    }
}

/// `CFDefinitions`, kept, less the item types an export of this framework derives.
fn definitions(r: &mut Reader, node: &Node, framework: &str) -> Value {
    let mut v = normalise(r, node);
    if let Some(Value::Array(types)) = v.get_mut("CFItemTypes") {
        // CASE 1.1 requires a description, which 1.0 packages often leave null.
        for t in types.iter_mut().filter_map(Value::as_object_mut) {
            t.entry("description").or_insert_with(|| json!(""));
        }
        types.retain(|t| {
            let title = t.get("title").and_then(Value::as_str).unwrap_or_default();
            t.get("identifier").and_then(Value::as_str)
                != Some(derived_uuid(&["item-type", framework, title]).as_str())
        });
        if types.is_empty()
            && let Some(m) = v.as_object_mut()
        {
            m.remove("CFItemTypes");
        }
    }
    v
}

/// Associations between packages imported together become mappings; the rest stay with their
/// package.
fn link_packages(packages: &mut [Package]) -> Vec<(usize, Map<String, Value>)> {
    let mut owner: HashMap<String, (usize, usize)> = HashMap::new();
    for (p, pkg) in packages.iter().enumerate() {
        for (identifier, &i) in &pkg.by_identifier {
            owner.insert(identifier.clone(), (p, i));
        }
    }
    // (from framework, to framework) -> links
    let mut links: Vec<((usize, usize), Vec<Value>)> = Vec::new();
    for p in 0..packages.len() {
        let loose = std::mem::take(&mut packages[p].loose);
        let mut kept = Vec::new();
        for (origin, destination, assoc) in loose {
            let kind = assoc
                .get("associationType")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let relation = match kind {
                "exactMatchOf" => Some(Relation::Exact),
                "ext:closeMatch" => Some(Relation::Close),
                "isPartOf" => Some(Relation::Broad),
                "isRelatedTo" => Some(Relation::Related),
                _ => None,
            };
            match (relation, owner.get(&origin), owner.get(&destination)) {
                (Some(rel), Some(&(po, io)), Some(&(pd, id))) if po != pd => {
                    let from = packages[po].items[io].id.clone();
                    let to = packages[pd].items[id].id.clone();
                    let mut link = Map::new();
                    link.insert("from".into(), json!(from));
                    link.insert("to".into(), json!(to));
                    link.insert("relation".into(), json!(rel.as_str()));
                    if let Some(n) = assoc.get("notes") {
                        link.insert("note".into(), n.clone());
                    }
                    match links.iter_mut().find(|(k, _)| *k == (po, pd)) {
                        Some((_, v)) => v.push(Value::Object(link)),
                        None => links.push(((po, pd), vec![Value::Object(link)])),
                    }
                }
                _ => kept.push((origin, destination, assoc)),
            }
        }
        packages[p].loose = kept;
    }
    links
        .into_iter()
        .map(|((a, b), links)| {
            let (fa, fb) = (&packages[a].framework, &packages[b].framework);
            let mut m = Map::new();
            m.insert("kind".into(), json!("mapping"));
            m.insert("id".into(), json!(format!("{fa}--{fb}")));
            m.insert(
                "title".into(),
                json!(format!("{fa} to {fb}, from their CASE associations")),
            );
            m.insert("from".into(), json!(fa));
            m.insert("to".into(), json!(fb));
            m.insert("links".into(), Value::Array(links));
            (a, m)
        })
        .collect()
}

/// The package's framework document, items nested and ordered, as a tree placed in its file.
fn finish(mut p: Package) -> (Arc<Source>, Node) {
    let n = p.items.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (i, item) in p.items.iter().enumerate() {
        match item.parents.first() {
            Some(&(parent, _, _)) => children[parent].push(i),
            None => roots.push(i),
        }
    }
    // Items caught in a cycle of parents are reached from no root: they become top-level.
    let mut reached = vec![false; n];
    let mut stack: Vec<usize> = roots.clone();
    while let Some(i) = stack.pop() {
        if !std::mem::replace(&mut reached[i], true) {
            stack.extend(&children[i]);
        }
    }
    for i in 0..n {
        if !reached[i] {
            let mut stack = vec![i];
            roots.push(i);
            while let Some(j) = stack.pop() {
                if !std::mem::replace(&mut reached[j], true) {
                    stack.extend(&children[j]);
                }
            }
            if let Some(parent) = p.items[i].parents.first().map(|x| x.0) {
                children[parent].retain(|&c| c != i);
            }
            p.items[i].parents.clear();
        }
    }
    let key = |items: &[ImportedItem], i: usize, parent: Option<usize>| {
        let seq = match parent {
            None => items[i].root_sequence,
            Some(_) => items[i].parents.first().and_then(|x| x.1),
        };
        (seq, items[i].hcs.clone(), i)
    };
    let order = |items: &[ImportedItem], v: &mut Vec<usize>, parent: Option<usize>| {
        v.sort_by(|&a, &b| {
            let (sa, ha, ia) = key(items, a, parent);
            let (sb, hb, ib) = key(items, b, parent);
            let by_seq = match (sa, sb) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            };
            let by_hcs = match (ha, hb) {
                (Some(x), Some(y)) => natural_cmp(&x, &y),
                _ => std::cmp::Ordering::Equal,
            };
            by_seq.then(by_hcs).then(ia.cmp(&ib))
        });
    };
    order(&p.items, &mut roots, None);
    for (parent, list) in children.iter_mut().enumerate() {
        order(&p.items, list, Some(parent));
    }

    // The item documents.
    let items = super::nest(&roots, &children, |i, _| {
        let item = &p.items[i];
        let mut m = Map::new();
        m.insert("id".into(), json!(item.id));
        let mut ext = Map::new();
        for (k, v) in &item.json {
            match k.as_str() {
                "kind" if v.is_null() => {}
                "extensions" => {
                    if let Value::Object(o) = v {
                        ext = o.clone();
                    }
                }
                _ => {
                    m.insert(k.clone(), v.clone());
                }
            }
        }
        let also: Vec<Value> = item
            .parents
            .iter()
            .skip(1)
            .map(|(pi, _, _)| json!(p.items[*pi].id))
            .collect();
        put(&mut m, "also_under", Value::Array(also));
        let links: Vec<Value> = item
            .root_association
            .iter()
            .cloned()
            .chain(item.parents.iter().map(|x| x.2.clone()))
            .map(Value::Object)
            .collect();
        if links
            .iter()
            .any(|l| l.as_object().is_some_and(|o| !o.is_empty()))
        {
            ext.insert("childOf".into(), Value::Array(links));
        }
        if !ext.is_empty() {
            m.insert("extensions".into(), json!({ KEY: ext }));
        }
        (m, item.span)
    });
    // Loose associations, kept at the document.
    let id_of: HashMap<&str, &str> = p
        .items
        .iter()
        .map(|i| (i.identifier.as_str(), i.id.as_str()))
        .collect();
    let loose: Vec<Value> = p
        .loose
        .iter()
        .map(|(o, d, a)| {
            let mut a = a.clone();
            // Record which of our items each end is, so an export can rebuild the links.
            if let Some(id) = id_of.get(o.as_str()) {
                a.insert("origin_item".into(), json!(id));
            }
            if let Some(id) = id_of.get(d.as_str()) {
                a.insert("destination_item".into(), json!(id));
            }
            Value::Object(a)
        })
        .collect();
    if let Some(Value::Object(ext)) = p.document.get_mut("extensions")
        && let Some(Value::Object(case)) = ext.get_mut(KEY)
    {
        put(case, "associations", Value::Array(loose));
        if case.is_empty() {
            ext.remove(KEY);
        }
    }
    if p.document
        .get("extensions")
        .and_then(Value::as_object)
        .is_some_and(Map::is_empty)
    {
        p.document.remove("extensions");
    }
    let mut tree = Node::from_json_at(Value::Object(p.document), p.span);
    tree.insert("items", Node::list(items, p.span));
    (p.source, tree)
}

// ---------------------------------------------------------------------------------------------
// Export

fn default_uri(identifier: &str) -> String {
    format!("urn:uuid:{identifier}")
}

fn default_creator(publisher: Option<&str>) -> &str {
    publisher.unwrap_or("Competence Framework Engine")
}

/// Identifiers and uris of a framework's objects, as an export writes them.
struct Names<'a> {
    framework: &'a Framework,
    base: Option<&'a str>,
}

impl Names<'_> {
    fn uri(&self, identifier: &str) -> String {
        match self.base {
            Some(b) => format!("{b}{identifier}"),
            None => default_uri(identifier),
        }
    }

    fn document_identifier(&self) -> String {
        super::extension(self.framework.extensions.as_ref(), KEY)
            .and_then(|c| c.get("document"))
            .and_then(|d| d.get("identifier"))
            .and_then(Value::as_str)
            .map_or_else(
                || derived_uuid(&["framework", self.framework.id().as_str()]),
                str::to_owned,
            )
    }

    fn document_uri(&self) -> String {
        super::extension(self.framework.extensions.as_ref(), KEY)
            .and_then(|c| c.get("document"))
            .and_then(|d| d.get("uri"))
            .and_then(Value::as_str)
            .map_or_else(|| self.uri(&self.document_identifier()), str::to_owned)
    }

    /// An item's identifier and uri.
    fn item(&self, item: &crate::model::Item) -> (String, String) {
        let case = super::extension(item.extensions.as_ref(), KEY);
        let identifier = case
            .and_then(|c| c.get("identifier"))
            .and_then(Value::as_str)
            .map_or_else(
                || derived_uuid(&["item", self.framework.id().as_str(), item.id.as_str()]),
                str::to_owned,
            );
        let uri = case
            .and_then(|c| c.get("uri"))
            .and_then(Value::as_str)
            .map_or_else(|| self.uri(&identifier), str::to_owned);
        (identifier, uri)
    }
}

/// A framework as a CASE 1.1 package (a JSON value), with the catalog's mappings that touch it
/// as associations.
pub fn export(catalog: &Catalog, framework: &Framework, options: &ExportOptions) -> Value {
    let names = Names {
        framework,
        base: options.base_uri.as_deref(),
    };
    let stamp = export_time();
    let fw_ext = framework.extensions.as_ref();
    let case = super::extension(fw_ext, KEY);
    let kept_doc = case
        .and_then(|c| c.get("document"))
        .and_then(Value::as_object);
    let doc_stamp = kept_doc
        .and_then(|d| d.get("lastChangeDateTime"))
        .and_then(Value::as_str)
        .map_or_else(|| stamp.clone(), str::to_owned);

    // CFDocument.
    let doc_identifier = names.document_identifier();
    let mut doc = Map::new();
    doc.insert("identifier".into(), json!(doc_identifier));
    doc.insert("uri".into(), json!(names.document_uri()));
    let creator = kept_doc
        .and_then(|d| d.get("creator"))
        .and_then(Value::as_str)
        .unwrap_or_else(|| default_creator(framework.publisher.as_deref()));
    doc.insert("creator".into(), json!(creator));
    doc.insert("title".into(), json!(framework.info.title));
    doc.insert("lastChangeDateTime".into(), json!(doc_stamp));
    doc.insert("caseVersion".into(), json!("1.1"));
    let mut engine = Map::new();
    engine.insert("id".into(), json!(framework.id().as_str()));
    if let Some(s) = &framework.info.source {
        if is_url(s) {
            doc.insert("officialSourceURL".into(), json!(s));
        } else {
            engine.insert("source".into(), json!(s));
        }
    }
    for (key, value) in [
        ("publisher", &framework.publisher),
        ("description", &framework.info.description),
        ("version", &framework.info.version),
        ("notes", &framework.info.note),
    ] {
        if let Some(v) = value {
            doc.insert(key.into(), json!(v));
        }
    }
    if let Some(c) = framework.info.completeness {
        engine.insert("completeness".into(), json!(c));
    }
    put(&mut engine, "missing", json!(framework.info.missing));
    put(&mut engine, "levels", json!(framework.levels));
    put(&mut engine, "license_note", json!(framework.license_note));
    let mut doc = merge_kept(doc, kept_doc, engine);
    doc.remove("unrecognised");

    // CFItems, in file order.
    let mut items = Vec::new();
    let mut kinds: Vec<String> = Vec::new();
    for item in framework.items() {
        let (identifier, uri) = names.item(item);
        let kept = super::extension(item.extensions.as_ref(), KEY);
        let mut m = Map::new();
        m.insert("identifier".into(), json!(identifier));
        m.insert("uri".into(), json!(uri));
        match &item.statement {
            Some(s) => {
                m.insert("fullStatement".into(), json!(s));
                m.insert("abbreviatedStatement".into(), json!(item.title));
            }
            None => {
                m.insert("fullStatement".into(), json!(item.title));
            }
        }
        let hcs_kept = kept.and_then(|k| k.get("humanCodingScheme")).cloned();
        match hcs_kept {
            Some(h) => {
                m.insert("humanCodingScheme".into(), h);
            }
            None if item.id.as_str() != identifier => {
                m.insert("humanCodingScheme".into(), json!(item.id.as_str()));
            }
            None => {}
        }
        if let Some(k) = &item.kind {
            m.insert("CFItemType".into(), json!(k));
            if !kinds.contains(k) {
                kinds.push(k.clone());
            }
        }
        m.insert(
            "lastChangeDateTime".into(),
            kept.and_then(|k| k.get("lastChangeDateTime"))
                .cloned()
                .unwrap_or_else(|| json!(doc_stamp)),
        );
        let mut engine = Map::new();
        put(&mut engine, "type", json!(item.item_type));
        if item.optional {
            engine.insert("optional".into(), json!(true));
        }
        put(&mut engine, "level", json!(item.level));
        put(&mut engine, "credits", json!(item.credits));
        put(&mut engine, "glh", json!(item.glh));
        put(&mut engine, "tags", json!(item.tags));
        put(&mut engine, "source", json!(item.source));
        let requires: Vec<String> = item.requires().map(ToString::to_string).collect();
        put(&mut engine, "requires", json!(requires));
        let mut kept_fields = kept.cloned();
        if let Some(k) = kept_fields.as_mut() {
            k.remove("childOf");
        }
        let m = merge_kept(m, kept_fields.as_ref(), engine);
        items.push(Value::Object(m));
    }

    // Associations: the tree, then what an import kept, then the mappings.
    let mut assocs = Vec::new();
    let doc_link = json!({
        "title": framework.info.title,
        "identifier": doc_identifier,
        "uri": names.document_uri(),
    });
    let item_link = |item: &crate::model::Item| {
        let (identifier, uri) = names.item(item);
        json!({ "title": item.title, "identifier": identifier, "uri": uri })
    };
    let fw_id = framework.id().as_str();
    let mut sequence_of_root = 0;
    let mut extra_count: HashMap<usize, usize> = HashMap::new();
    for (n, item) in framework.items().iter().enumerate() {
        let kept_links: Vec<Map<String, Value>> = super::extension(item.extensions.as_ref(), KEY)
            .and_then(|c| c.get("childOf"))
            .and_then(Value::as_array)
            .map(|v| {
                v.iter()
                    .map(|x| x.as_object().cloned().unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default();
        let idx = crate::model::ItemIdx(n as u32);
        let (parent_link, parent_id, sequence) = match framework.hierarchy().parent(idx) {
            None => {
                sequence_of_root += 1;
                (doc_link.clone(), String::new(), sequence_of_root)
            }
            Some(p) => {
                let parent = framework.item(p);
                let seq = framework
                    .hierarchy()
                    .nested_children(p)
                    .iter()
                    .position(|&c| c == idx)
                    .map_or(1, |x| x + 1);
                (
                    parent.map(&item_link).unwrap_or(Value::Null),
                    parent.map(|p| p.id.to_string()).unwrap_or_default(),
                    seq,
                )
            }
        };
        let mut links = vec![(parent_link, parent_id, sequence)];
        for extra in item.also_under() {
            if let Some(pi) = framework.find(extra.as_str())
                && let Some(parent) = framework.item(pi)
            {
                let count = extra_count.entry(pi.index()).or_default();
                *count += 1;
                let seq = framework.hierarchy().nested_children(pi).len() + *count;
                links.push((item_link(parent), parent.id.to_string(), seq));
            }
        }
        for (k, (destination, parent_id, seq)) in links.into_iter().enumerate() {
            let kept = kept_links.get(k);
            let identifier = kept
                .and_then(|x| x.get("identifier"))
                .and_then(Value::as_str)
                .map_or_else(
                    || derived_uuid(&["isChildOf", fw_id, item.id.as_str(), &parent_id]),
                    str::to_owned,
                );
            let mut a = Map::new();
            a.insert(
                "uri".into(),
                json!(
                    kept.and_then(|x| x.get("uri"))
                        .and_then(Value::as_str)
                        .map_or_else(|| names.uri(&identifier), str::to_owned)
                ),
            );
            a.insert("identifier".into(), json!(identifier));
            a.insert("associationType".into(), json!("isChildOf"));
            a.insert("sequenceNumber".into(), json!(seq));
            a.insert("originNodeURI".into(), item_link(item));
            a.insert("destinationNodeURI".into(), destination);
            a.insert("lastChangeDateTime".into(), json!(doc_stamp));
            let mut rest = kept.cloned();
            if let Some(r) = rest.as_mut() {
                r.remove("identifier");
                r.remove("uri");
            }
            assocs.push(Value::Object(merge_kept(a, rest.as_ref(), Map::new())));
        }
    }
    for kept in case
        .and_then(|c| c.get("associations"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        let mut a = kept.clone();
        a.remove("origin_item");
        a.remove("destination_item");
        if !a.contains_key("lastChangeDateTime") {
            a.insert("lastChangeDateTime".into(), json!(doc_stamp));
        }
        let unrecognised = a.remove("unrecognised");
        let mut a = merge_kept(a, None, Map::new());
        if let Some(u) = unrecognised {
            let mut engine = Map::new();
            engine.insert("unrecognised".into(), u);
            a = merge_kept(a, None, engine);
        }
        assocs.push(Value::Object(a));
    }
    assocs.extend(mapping_associations(catalog, framework, &names, &doc_stamp));

    // Definitions: kept ones, and the item types of the kinds used.
    let mut definitions = case
        .and_then(|c| c.get("definitions"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let defined: HashSet<String> = definitions
        .get("CFItemTypes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("title").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let mut types: Vec<Value> = definitions
        .get("CFItemTypes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (n, kind) in kinds.iter().enumerate() {
        if defined.contains(kind) {
            continue;
        }
        let identifier = derived_uuid(&["item-type", fw_id, kind]);
        types.push(json!({
            "identifier": identifier,
            "uri": names.uri(&identifier),
            "title": kind,
            "description": format!("The items of kind `{kind}` in {}", framework.info.title),
            "hierarchyCode": (n + 1).to_string(),
            "lastChangeDateTime": doc_stamp,
        }));
    }
    if !types.is_empty() {
        definitions.insert("CFItemTypes".into(), Value::Array(types));
    }
    let mut package = Map::new();
    // Unknown package-level parts travel in the document's extensions.
    if let Some(rest) = case
        .and_then(|c| c.get("package_unrecognised"))
        .and_then(Value::as_object)
        && !rest.is_empty()
    {
        let ext = doc
            .entry("extensions")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(ext) = ext {
            let engine = ext
                .entry(ENGINE_KEY)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(engine) = engine {
                engine.insert("package_unrecognised".into(), Value::Object(rest.clone()));
            }
        }
    }
    package.insert("CFDocument".into(), Value::Object(doc));
    package.insert("CFItems".into(), Value::Array(items));
    package.insert("CFAssociations".into(), Value::Array(assocs));
    if !definitions.is_empty() {
        package.insert("CFDefinitions".into(), Value::Object(definitions));
    }
    if let Some(r) = case.and_then(|c| c.get("rubrics")) {
        package.insert("CFRubrics".into(), r.clone());
    }
    if let Some(e) = case.and_then(|c| c.get("package_extensions")) {
        package.insert("extensions".into(), e.clone());
    }
    Value::Object(package)
}

/// Fields we wrote, then the fields an import kept (ours win), then the engine's own fields
/// and kept unknown fields inside `extensions`.
fn merge_kept(
    mut ours: Map<String, Value>,
    kept: Option<&Map<String, Value>>,
    mut engine: Map<String, Value>,
) -> Map<String, Value> {
    let mut extensions = Map::new();
    if let Some(kept) = kept {
        for (k, v) in kept {
            match k.as_str() {
                "unrecognised" => {
                    engine.insert("unrecognised".into(), v.clone());
                }
                "extensions" => {
                    if let Value::Object(o) = v {
                        extensions.extend(o.clone());
                    }
                }
                "childOf" => {}
                _ => {
                    ours.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
    }
    if !engine.is_empty() {
        extensions.insert(ENGINE_KEY.into(), Value::Object(engine));
    }
    if !extensions.is_empty() {
        ours.insert("extensions".into(), Value::Object(extensions));
    }
    ours
}

fn is_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://")) && !s.contains(char::is_whitespace)
}

/// The catalog's mapping links that touch the framework, as associations from its items.
fn mapping_associations(
    catalog: &Catalog,
    framework: &Framework,
    names: &Names<'_>,
    stamp: &str,
) -> Vec<Value> {
    let mut out = Vec::new();
    let here = framework.id();
    for mapping in catalog.mappings() {
        let forward = &mapping.from == here;
        if !forward && &mapping.to != here {
            continue;
        }
        let other_id = if forward { &mapping.to } else { &mapping.from };
        let Some(other) = catalog.framework(other_id.as_str()) else {
            continue;
        };
        let other_names = Names {
            framework: other,
            base: names.base,
        };
        for link in &mapping.links {
            // Read from this framework: `mine` relates to `theirs` as `relation` says.
            let (mine, theirs, relation) = if forward {
                (&link.from, &link.to, link.relation)
            } else {
                (&link.to, &link.from, link.relation.inverse())
            };
            let (Some(mine), Some(theirs)) = (
                mine.item_id()
                    .and_then(|i| framework.find(i.as_str()))
                    .and_then(|i| framework.item(i)),
                theirs
                    .item_id()
                    .and_then(|i| other.find(i.as_str()))
                    .and_then(|i| other.item(i)),
            ) else {
                continue;
            };
            let (mine_id, mine_uri) = names.item(mine);
            let (their_id, their_uri) = other_names.item(theirs);
            let mine_link = json!({ "title": mine.title, "identifier": mine_id, "uri": mine_uri });
            let their_link = json!({
                "title": theirs.title, "identifier": their_id, "uri": their_uri, "targetType": "CASE",
            });
            // SKOS, read as "theirs is <relation> of mine".
            let (kind, origin, destination) = match relation {
                Relation::Exact => ("exactMatchOf", mine_link, their_link),
                Relation::Close => ("ext:closeMatch", mine_link, their_link),
                Relation::Broad => ("isPartOf", mine_link, their_link),
                Relation::Narrow => ("isPartOf", their_link, mine_link),
                Relation::Related => ("isRelatedTo", mine_link, their_link),
            };
            let identifier = derived_uuid(&[
                "mapping",
                mapping.info.id.as_str(),
                &link.from.to_string(),
                &link.to.to_string(),
            ]);
            let mut a = Map::new();
            a.insert("identifier".into(), json!(identifier));
            a.insert("uri".into(), json!(names.uri(&identifier)));
            a.insert("associationType".into(), json!(kind));
            a.insert("originNodeURI".into(), origin);
            a.insert("destinationNodeURI".into(), destination);
            a.insert("lastChangeDateTime".into(), json!(stamp));
            if let Some(n) = &link.note {
                a.insert("notes".into(), json!(n));
            }
            out.push(Value::Object(a));
        }
    }
    out
}

/// The `uri` an export gives an item (kept from an import, or derived), and whether it is a
/// published CASE uri: the framework came from a CASE package, or `base_uri` says where its
/// export is published.
pub fn item_uri(
    framework: &Framework,
    item: &crate::model::Item,
    base_uri: Option<&str>,
) -> (String, bool) {
    let names = Names {
        framework,
        base: base_uri,
    };
    let from_case = super::extension(framework.extensions.as_ref(), KEY).is_some()
        || super::extension(item.extensions.as_ref(), KEY).is_some();
    (names.item(item).1, from_case || base_uri.is_some())
}
