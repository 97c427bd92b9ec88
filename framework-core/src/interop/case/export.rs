//! Writing a framework as a CASE 1.1 package that validates against the official schema.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use super::schema::CASE_10_ASSOCIATION_TYPES;
use super::{KEY, default_creator, default_uri};
use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic};
use crate::interop::{ENGINE_KEY, derived_uuid, export_time, put};
use crate::model::{Framework, Relation};

/// Options of a CASE export.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Where the package's objects will be published: an object's `uri` is this followed by its
    /// identifier. Without it, `urn:uuid:IDENTIFIER`.
    pub base_uri: Option<String>,
    /// Who will read the package.
    pub profile: Profile,
}

/// The consumer a CASE package is shaped for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Profile {
    /// The official CASE 1.1 schema (`caseVersion: 1.1`, `ext:` association types, links to
    /// other frameworks' items with `targetType`).
    #[default]
    Case11,
    /// OpenSALT's importer, which checks packages against its CASE 1.0 schema: only CASE 1.0's
    /// nine association types (a `close` link becomes `isRelatedTo`; other `ext:` types kept
    /// from an import are left out), no `targetType` in links, no `caseVersion`.
    OpenSalt,
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
        crate::interop::extension(self.framework.extensions.as_ref(), KEY)
            .and_then(|c| c.get("document"))
            .and_then(|d| d.get("identifier"))
            .and_then(Value::as_str)
            .map_or_else(
                || derived_uuid(&["framework", self.framework.id().as_str()]),
                str::to_owned,
            )
    }

    fn document_uri(&self) -> String {
        crate::interop::extension(self.framework.extensions.as_ref(), KEY)
            .and_then(|c| c.get("document"))
            .and_then(|d| d.get("uri"))
            .and_then(Value::as_str)
            .map_or_else(|| self.uri(&self.document_identifier()), str::to_owned)
    }

    /// An item's identifier and uri.
    fn item(&self, item: &crate::model::Item) -> (String, String) {
        let case = crate::interop::extension(item.extensions.as_deref(), KEY);
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
    export_with_losses(catalog, framework, options).0
}

/// [`export`], with what the profile could not hold (`export-loss` warnings).
pub fn export_with_losses(
    catalog: &Catalog,
    framework: &Framework,
    options: &ExportOptions,
) -> (Value, Vec<Diagnostic>) {
    let mut losses = Vec::new();
    let package = build(catalog, framework, options, &mut losses);
    (package, losses)
}

fn build(
    catalog: &Catalog,
    framework: &Framework,
    options: &ExportOptions,
    losses: &mut Vec<Diagnostic>,
) -> Value {
    let opensalt = options.profile == Profile::OpenSalt;
    let names = Names {
        framework,
        base: options.base_uri.as_deref(),
    };
    let stamp = export_time();
    let fw_ext = framework.extensions.as_ref();
    let case = crate::interop::extension(fw_ext, KEY);
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
    if !opensalt {
        doc.insert("caseVersion".into(), json!("1.1"));
    }
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
    put(&mut engine, "uri", json!(framework.uri));
    put(&mut engine, "replaces", json!(framework.replaces));
    put(&mut engine, "scale", json!(framework.scale));
    put(&mut engine, "license_note", json!(framework.license_note));
    let mut doc = merge_kept(doc, kept_doc, engine);
    doc.remove("unrecognised");

    // Item types: a kept definition of the kind's title, or one derived; each item links its
    // own with `CFItemTypeURI`.
    let fw_id = framework.id().as_str();
    let kept_types: Vec<Value> = case
        .and_then(|c| c.get("definitions"))
        .and_then(|d| d.get("CFItemTypes"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let type_link = |kind: &str| -> Value {
        let kept = kept_types
            .iter()
            .find(|t| t.get("title").and_then(Value::as_str) == Some(kind));
        let identifier = kept
            .and_then(|t| t.get("identifier"))
            .and_then(Value::as_str)
            .map_or_else(|| derived_uuid(&["item-type", fw_id, kind]), str::to_owned);
        let uri = kept
            .and_then(|t| t.get("uri"))
            .and_then(Value::as_str)
            .map_or_else(|| names.uri(&identifier), str::to_owned);
        json!({ "title": kind, "identifier": identifier, "uri": uri })
    };

    // CFItems, in file order.
    let mut items = Vec::new();
    let mut kinds: Vec<String> = Vec::new();
    for item in framework.items() {
        let (identifier, uri) = names.item(item);
        let kept = crate::interop::extension(item.extensions.as_deref(), KEY);
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
            // A link kept from an import stays as it was.
            if kept.is_none_or(|k| !k.contains_key("CFItemTypeURI")) {
                m.insert("CFItemTypeURI".into(), type_link(k));
            }
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
        put(&mut engine, "uri", json!(item.uri));
        // CASE has one alternative label: the labels joined, and the list kept whole.
        if !item.alt_labels.is_empty() {
            m.insert("alternativeLabel".into(), json!(item.alt_labels.join("; ")));
            engine.insert("alt_labels".into(), json!(item.alt_labels));
        }
        if let Some(n) = &item.note {
            m.insert("notes".into(), json!(n));
        }
        let related: Vec<String> = item.related().map(ToString::to_string).collect();
        put(&mut engine, "related", json!(related));
        let replaces: Vec<String> = item.replaces().map(ToString::to_string).collect();
        put(&mut engine, "replaces", json!(replaces));
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
    let mut sequence_of_root = 0;
    let mut extra_count: HashMap<usize, usize> = HashMap::new();
    for (n, item) in framework.items().iter().enumerate() {
        let kept_links: Vec<Map<String, Value>> =
            crate::interop::extension(item.extensions.as_deref(), KEY)
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
            // The association's own time, when an import kept one.
            a.insert(
                "lastChangeDateTime".into(),
                kept.and_then(|x| x.get("lastChangeDateTime"))
                    .cloned()
                    .unwrap_or_else(|| json!(doc_stamp)),
            );
            let mut rest = kept.cloned();
            if let Some(r) = rest.as_mut() {
                r.remove("identifier");
                r.remove("uri");
            }
            assocs.push(Value::Object(merge_kept(a, rest.as_ref(), Map::new())));
        }
    }
    let mut left_out: Vec<String> = Vec::new();
    for kept in case
        .and_then(|c| c.get("associations"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        let kind = kept
            .get("associationType")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if opensalt && !CASE_10_ASSOCIATION_TYPES.contains(&kind) {
            left_out.push(kind.to_owned());
            continue;
        }
        let mut a = kept.clone();
        if opensalt {
            for end in ["originNodeURI", "destinationNodeURI"] {
                if let Some(Value::Object(link)) = a.get_mut(end) {
                    link.remove("targetType");
                }
            }
        }
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
    let (mapped, downgraded) =
        mapping_associations(catalog, framework, &names, &doc_stamp, opensalt);
    assocs.extend(mapped);
    assocs.extend(replaced_by(
        catalog, framework, &names, &doc_stamp, opensalt,
    ));
    let loc = framework.info.loc.clone();
    if !left_out.is_empty() {
        left_out.sort();
        left_out.dedup();
        losses.push(Diagnostic::at(
            Code::ExportLoss,
            &loc,
            format!(
                "OpenSALT accepts CASE 1.0's association types only: associations of type {} kept from an import are left out",
                left_out.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    if downgraded > 0 {
        losses.push(
            Diagnostic::at(
                Code::ExportLoss,
                &loc,
                format!(
                    "CASE 1.0 has no close match: {downgraded} `close` mapping link{} written as `isRelatedTo`",
                    if downgraded == 1 { " is" } else { "s are" }
                ),
            )
            .with_help("the official CASE 1.1 profile (`--profile 1.1`) writes them as `ext:closeMatch`"),
        );
    }

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

/// Each item's `replaces`, as CASE's `replacedBy`: the earlier edition's item (origin) is
/// replaced by this one (destination). Items of an edition the catalog lacks are left out.
fn replaced_by(
    catalog: &Catalog,
    framework: &Framework,
    names: &Names<'_>,
    stamp: &str,
    opensalt: bool,
) -> Vec<Value> {
    let mut out = Vec::new();
    for item in framework.items() {
        for r in item.replaces() {
            let Some(old_fw) = catalog.framework(r.framework().as_str()) else {
                continue;
            };
            let Some(old) = r
                .item_id()
                .and_then(|i| old_fw.find(i.as_str()))
                .and_then(|i| old_fw.item(i))
            else {
                continue;
            };
            let old_names = Names {
                framework: old_fw,
                base: names.base,
            };
            let (old_id, old_uri) = old_names.item(old);
            let (new_id, new_uri) = names.item(item);
            let mut origin = json!({ "title": old.title, "identifier": old_id, "uri": old_uri });
            if !opensalt && let Value::Object(link) = &mut origin {
                link.insert("targetType".into(), json!("CASE"));
            }
            let identifier = derived_uuid(&[
                "replacedBy",
                old_fw.id().as_str(),
                old.id.as_str(),
                framework.id().as_str(),
                item.id.as_str(),
            ]);
            out.push(json!({
                "identifier": identifier,
                "uri": names.uri(&identifier),
                "associationType": "replacedBy",
                "originNodeURI": origin,
                "destinationNodeURI": { "title": item.title, "identifier": new_id, "uri": new_uri },
                "lastChangeDateTime": stamp,
            }));
        }
    }
    out
}

/// The catalog's mapping links that touch the framework, as associations from its items.
fn mapping_associations(
    catalog: &Catalog,
    framework: &Framework,
    names: &Names<'_>,
    stamp: &str,
    opensalt: bool,
) -> (Vec<Value>, usize) {
    let mut out = Vec::new();
    let mut downgraded = 0;
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
            let mut their_link = json!({
                "title": theirs.title, "identifier": their_id, "uri": their_uri, "targetType": "CASE",
            });
            if opensalt && let Value::Object(link) = &mut their_link {
                link.remove("targetType");
            }
            // SKOS, read as "theirs is <relation> of mine".
            let (kind, origin, destination) = match relation {
                Relation::Exact => ("exactMatchOf", mine_link, their_link),
                Relation::Close if opensalt => {
                    downgraded += 1;
                    ("isRelatedTo", mine_link, their_link)
                }
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
    (out, downgraded)
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
    let from_case = crate::interop::extension(framework.extensions.as_ref(), KEY).is_some()
        || crate::interop::extension(item.extensions.as_deref(), KEY).is_some();
    (names.item(item).1, from_case || base_uri.is_some())
}
