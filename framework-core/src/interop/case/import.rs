//! Reading CASE 1.0 and 1.1 packages into typed framework (and mapping) documents.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::schema::{ASSOCIATION_FIELDS, DOCUMENT_FIELDS, F, ITEM_FIELDS, is_association_type};
use super::{KEY, default_creator, default_uri};
use crate::diagnostic::{Code, Diagnostic, Loc, Source, Span};
use crate::interop::{ENGINE_KEY, Imported, derived_uuid, natural_cmp, put, slug, valid_item_id};
use crate::model::Relation;
use crate::yaml::{self, Node, Value as Y};

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
            // CASE 1.0's spelling of a 1.1 field, read as the 1.1 field.
            let renamed = match key.as_str() {
                "educationalLevel" if known.iter().any(|(n, _)| *n == "educationLevel") => {
                    Some("educationLevel")
                }
                _ => None,
            };
            if let Some(new) = renamed {
                if entries
                    .iter()
                    .any(|(other, _)| matches!(&other.value, Y::Str(o) if o == new))
                {
                    // Both spellings: the 1.1 one is read, the other kept as it is.
                    out.unknown.insert(key.clone(), self.json(v));
                    continue;
                }
                self.warn(
                    k,
                    format!("`{key}` is CASE 1.0's spelling of `{new}`: read as `{new}`"),
                );
                match self.field(new, F::TextList, v) {
                    Some(value) => {
                        out.known.insert(new.to_owned(), value);
                    }
                    None => {
                        out.unknown.insert(key.clone(), self.json(v));
                    }
                }
                continue;
            }
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
    read(files, id).capped()
}

/// Imports CASE packages (each a file's name and bytes) into framework documents, and mappings
/// for the associations between them.
fn read(files: &[(&str, &[u8])], id: Option<&str>) -> Imported {
    let mut out = Imported::default();
    let mut packages = Vec::new();
    for &(name, bytes) in files {
        let Some(source) = out.keep(yaml::decode(name, bytes, false)) else {
            continue;
        };
        let help =
            "a CASE file is JSON: a CFPackage, with its CFDocument, CFItems and CFAssociations";
        let Some(root) = out.keep(super::super::parse_json(&source, help)) else {
            continue;
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
        let (source, tree) = finish(p, &mut out.diagnostics);
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
    if let Some(inner) = root.get("CFPackage") {
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
    let Some(doc_node) = pkg.get("CFDocument") else {
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
    for key in ["levels", "uri", "replaces", "scale"] {
        if let Some(v) = engine.get(key) {
            out.insert(key.into(), v.clone());
        }
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
    let item_nodes: &[Node] = match pkg.get("CFItems").map(|n| &n.value) {
        Some(Y::Seq(v)) => v,
        Some(Y::Null) | None => &[],
        Some(_) => {
            if let Some(n) = pkg.get("CFItems") {
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
        // The link to the item type an export of this framework derives is not kept.
        let kind = json.get("kind").and_then(Value::as_str).unwrap_or_default();
        let derived_type = derived_uuid(&["item-type", &framework, kind]);
        if f.known
            .get("CFItemTypeURI")
            .and_then(|l| l.get("identifier"))
            .and_then(Value::as_str)
            == Some(derived_type.as_str())
        {
            f.take("CFItemTypeURI");
        }
        json.insert("title".into(), title);
        if let Some(s) = statement {
            json.insert("statement".into(), s);
        }
        for key in [
            "type",
            "optional",
            "level",
            "credits",
            "glh",
            "tags",
            "source",
            "requires",
            "uri",
            "alt_labels",
            "related",
            "replaces",
        ] {
            if let Some(v) = engine.get(key) {
                json.insert(key.into(), v.clone());
            }
        }
        // CASE's one alternative label, unless the engine's list it was joined from is here.
        match f.take("alternativeLabel") {
            Some(Value::String(label)) if !engine.contains_key("alt_labels") => {
                json.insert("alt_labels".into(), json!([label]));
            }
            _ => {}
        }
        if let Some(n) = f.take("notes") {
            json.insert("note".into(), n);
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
                    && valid_item_id(h)
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
    let assoc_nodes: &[Node] = match pkg.get("CFAssociations").map(|n| &n.value) {
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
        if !kind.is_empty() && !is_association_type(&kind) && !valid_ext_type(&kind) {
            if let Some(n) = node.get("associationType") {
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
        // A `replacedBy` an export derived from the destination item's `replaces` comes back
        // with that field: it is not kept twice.
        let derived_replacement = kept.get("associationType").and_then(Value::as_str)
            == Some("replacedBy")
            && by_identifier.get(&destination).is_some_and(|&d| {
                let item = &items[d];
                item.json
                    .get("replaces")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .filter_map(|r| r.split_once(':'))
                    .any(|(fw, old)| {
                        kept.get("identifier").and_then(Value::as_str)
                            == Some(
                                derived_uuid(&["replacedBy", fw, old, &framework, &item.id])
                                    .as_str(),
                            )
                    })
            });
        if derived_replacement {
            continue;
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
fn finish(mut p: Package, diags: &mut Vec<Diagnostic>) -> (Arc<Source>, Node) {
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
    let source = p.source.clone();
    let items = crate::interop::nest(&roots, &children, &source, diags, |i, _| {
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
    if crate::interop::cut_deep_values(&mut p.document) {
        diags.push(
            Diagnostic::at(
                Code::ImportInvalid,
                &Loc {
                    source: p.source.clone(),
                    span: p.span,
                },
                format!(
                    "a value kept from the CFDocument nests deeper than {} levels: the part below is left out",
                    crate::interop::MAX_VALUE_NESTING
                ),
            )
            .with_help("values here nest a few levels; check the file for one that should not"),
        );
    }
    let mut tree = Node::from_json_at(Value::Object(p.document), p.span);
    tree.insert("items", Node::list(items, p.span));
    (p.source, tree)
}
