//! CTDL (Credential Engine's Credential Transparency Description Language) JSON-LD: competency
//! frameworks (`ceasn:CompetencyFramework` with its `ceasn:Competency` nodes) and alignment maps
//! (`ceterms:AlignmentMap` of `ceterms:AlignmentObject`s).
//!
//! A framework's competencies are items: the id is `ceasn:codedNotation` where it is a usable,
//! unique id, else the last part of the node's `@id`; `uri` the `@id`; the title
//! `ceasn:competencyLabel`, else `ceasn:competencyText` (then the statement); `note`
//! `ceasn:comment`; nesting from `ceasn:isChildOf` (or the parents' `ceasn:hasChild`). Language
//! maps (`{"en": ...}`) give their English text, else their first.
//!
//! An alignment map is a mapping: `skos:exactMatch`, `closeMatch`, `narrowMatch`, `broadMatch`
//! and `relatedMatch` become relations (`justification: imported`); `align:NoMatch` puts the
//! source node in the mapping's `no_match`. Nodes are `PREFIX:ID`: the prefix names the
//! framework. A framework the catalog lacks is made from the nodes the map names (their ids as
//! titles, `completeness: partial`, saying so in `missing`), so the map loads as it is.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use super::Imported;
use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic, Loc, Source, Span};
use crate::model::Relation;
use crate::yaml::{self, Node, Value as YamlValue};

/// Text of a CTDL value: a string, or a language map's English (else first) text.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Object(m) => m
            .get("en")
            .or_else(|| m.get("en-US"))
            .or_else(|| m.values().next())
            .and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_owned),
                _ => None,
            }),
        Value::Array(a) => text(a.first()),
        _ => None,
    }
}

/// The ids a value names: a string or a list of strings (or of `{"@id"}` objects).
fn ids(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| match x {
                Value::String(s) => Some(s.clone()),
                Value::Object(o) => o.get("@id").and_then(Value::as_str).map(str::to_owned),
                _ => None,
            })
            .collect(),
        Some(Value::Object(o)) => o
            .get("@id")
            .and_then(Value::as_str)
            .map(|s| vec![s.to_owned()])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn types(node: &Map<String, Value>) -> Vec<String> {
    ids(node.get("@type"))
}

/// The last part of an IRI or CURIE, as an item id.
fn local(iri: &str) -> String {
    let tail = iri.rsplit(['/', '#']).next().unwrap_or(iri);
    tail.rsplit(':').next().unwrap_or(tail).to_owned()
}

/// The objects among `nodes`, each with its node (for where it is written).
fn objects<'n>(nodes: &[&'n Node], source: &Source) -> Vec<(&'n Node, Map<String, Value>)> {
    nodes
        .iter()
        .filter_map(|n| match n.to_json(source) {
            Value::Object(m) => Some((*n, m)),
            _ => None,
        })
        .collect()
}

/// Imports a CTDL JSON-LD file: its frameworks and its alignment maps (against the catalog's
/// frameworks, and any the file holds).
pub fn import(catalog: &Catalog, name: &str, bytes: &[u8], id: Option<&str>) -> Imported {
    let mut out = Imported::default();
    let Some(source) = out.keep(yaml::decode(name, bytes, false)) else {
        return out;
    };
    let help = "a CTDL file is JSON-LD, with its nodes under `@graph`";
    let Some(root) = out.keep(super::parse_json(&source, help)) else {
        return out;
    };
    let at = |span: Span| Loc {
        source: source.clone(),
        span,
    };
    // The graph's nodes, each with where it is written.
    let graph: Vec<&Node> = match &root.value {
        YamlValue::Map(_) => match root.get("@graph") {
            Some(Node {
                value: YamlValue::Seq(g),
                ..
            }) => g.iter().collect(),
            _ => vec![&root],
        },
        YamlValue::Seq(a) => a.iter().collect(),
        _ => Vec::new(),
    };
    let nodes = objects(&graph, &source);
    let is = |n: &(&Node, Map<String, Value>), t: &str| types(&n.1).iter().any(|x| x == t);
    let mut made_frameworks: Vec<String> = Vec::new();
    // Frameworks.
    let frameworks: Vec<&(&Node, Map<String, Value>)> = nodes
        .iter()
        .filter(|n| is(n, "ceasn:CompetencyFramework"))
        .collect();
    for (k, (fw_node, fw)) in frameworks.iter().enumerate() {
        let fw_span = fw_node.span;
        let fw_iri = fw.get("@id").and_then(Value::as_str).unwrap_or_default();
        let title = text(fw.get("ceasn:name")).unwrap_or_else(|| local(fw_iri));
        let fw_id = match id {
            Some(i) if frameworks.len() == 1 => i.to_owned(),
            _ => match fw_iri.strip_prefix(URN) {
                Some(ours) => ours.to_owned(),
                None => super::slug(&title, &format!("ctdl-framework-{}", k + 1)),
            },
        };
        let members: Vec<(Span, &Map<String, Value>)> = nodes
            .iter()
            .filter(|n| is(n, "ceasn:Competency"))
            .filter(|(_, n)| {
                ids(n.get("ceasn:isPartOf")).iter().any(|p| p == fw_iri) || frameworks.len() == 1
            })
            .map(|(node, n)| (node.span, n))
            .collect();
        let by_iri: HashMap<&str, usize> = members
            .iter()
            .enumerate()
            .filter_map(|(i, (_, n))| Some((n.get("@id")?.as_str()?, i)))
            .collect();
        let mut codes: HashMap<String, usize> = HashMap::new();
        for (_, n) in &members {
            if let Some(c) = text(n.get("ceasn:codedNotation")) {
                *codes.entry(c).or_default() += 1;
            }
        }
        let mut parent: Vec<Option<usize>> = vec![None; members.len()];
        for (i, (_, n)) in members.iter().enumerate() {
            if let Some(&p) = ids(n.get("ceasn:isChildOf"))
                .iter()
                .find_map(|p| by_iri.get(p.as_str()))
            {
                parent[i] = (p != i).then_some(p);
            }
            for c in ids(n.get("ceasn:hasChild")) {
                if let Some(&c) = by_iri.get(c.as_str())
                    && c != i
                    && parent[c].is_none()
                {
                    parent[c] = Some(i);
                }
            }
        }
        // Loops are cut where they close.
        let cut = super::cut_parent_loops(&mut parent);
        if !cut.is_empty() {
            out.diagnostics.push(Diagnostic::at(
                Code::ImportLeniency,
                &at(fw_span),
                format!(
                    "{} competencies' parents lead back to them: made top-level",
                    cut.len()
                ),
            ));
        }
        let (children, roots) = super::children_of(&parent);
        let items = super::nest(&roots, &children, &source, &mut out.diagnostics, |i, _| {
            let (span, n) = members[i];
            let iri = n.get("@id").and_then(Value::as_str).unwrap_or_default();
            let code = text(n.get("ceasn:codedNotation"))
                .filter(|c| codes.get(c) == Some(&1) && super::valid_item_id(c));
            let mut m = Map::new();
            m.insert("id".into(), json!(code.unwrap_or_else(|| local(iri))));
            let statement = text(n.get("ceasn:competencyText"));
            match text(n.get("ceasn:competencyLabel")) {
                Some(label) => {
                    if let Some(s) = statement.filter(|s| *s != label) {
                        m.insert("statement".into(), json!(s));
                    }
                    m.insert("title".into(), json!(label));
                }
                None => {
                    m.insert(
                        "title".into(),
                        json!(statement.unwrap_or_else(|| local(iri))),
                    );
                }
            }
            if !iri.is_empty() && !iri.starts_with(URN) {
                m.insert("uri".into(), json!(iri));
            }
            if let Some(k) = text(n.get("ceasn:competencyCategory")) {
                m.insert("kind".into(), json!(k));
            }
            if let Some(c) = text(n.get("ceasn:comment")) {
                m.insert("note".into(), json!(c));
            }
            (m, span)
        });
        let mut doc = Map::new();
        doc.insert("kind".into(), json!("framework"));
        doc.insert("id".into(), json!(fw_id));
        doc.insert("title".into(), json!(title));
        if let Some(d) = text(fw.get("ceasn:description")) {
            doc.insert("description".into(), json!(d));
        }
        if !fw_iri.is_empty() && !fw_iri.starts_with(URN) {
            doc.insert("uri".into(), json!(fw_iri));
        }
        doc.insert(
            "source".into(),
            json!(text(fw.get("ceasn:source")).unwrap_or_else(|| name.to_owned())),
        );
        doc.insert("completeness".into(), json!("complete"));
        let mut tree = Node::from_json_at(Value::Object(doc), fw_span);
        tree.insert("items", Node::list(items, fw_span));
        out.load(&source, &tree);
        made_frameworks.push(fw_id);
    }

    // Alignment maps: their links grouped by the pair of frameworks they join (a map may
    // join several), one mapping per pair; the frameworks the catalog lacks are made once,
    // from every node all the maps name.
    struct Pairing {
        /// Each link, with where its alignment object is written.
        links: Vec<(Value, Span)>,
        no_match: Vec<Value>,
        /// Where the first map with links of this pair is written.
        at: Span,
        title: Option<String>,
        description: Option<String>,
        source: Option<String>,
    }
    let mut pairings: BTreeMap<(String, String), Pairing> = BTreeMap::new();
    // The items the maps name in each framework, and where the first is named.
    let mut named: BTreeMap<String, (Span, Vec<String>)> = BTreeMap::new();
    let split = |node: &str| -> Option<(String, String)> {
        let (p, l) = node.split_once(':')?;
        Some((super::slug(p, p), l.to_owned()))
    };
    for map in nodes.iter().filter(|n| is(n, "ceterms:AlignmentMap")) {
        let parts: Vec<&Node> = match map.0.get("ceterms:hasPart") {
            Some(Node {
                value: YamlValue::Seq(a),
                ..
            }) => a.iter().collect(),
            _ => Vec::new(),
        };
        fn pairing<'p>(
            pairings: &'p mut BTreeMap<(String, String), Pairing>,
            (map_node, map): &(&Node, Map<String, Value>),
            from: &str,
            to: &str,
        ) -> &'p mut Pairing {
            pairings
                .entry((from.to_owned(), to.to_owned()))
                .or_insert_with(|| Pairing {
                    links: Vec::new(),
                    no_match: Vec::new(),
                    at: map_node.span,
                    title: text(map.get("ceterms:name")),
                    description: text(map.get("ceterms:description")),
                    source: text(map.get("ceterms:source")),
                })
        }
        let mut unmatched: Vec<(String, String)> = Vec::new();
        for (part, o) in objects(&parts, &source) {
            // A problem is placed at the field it is about, else at the alignment object.
            let field = |key: &str| at(part.get(key).map_or(part.span, |n| n.span));
            let source_node = text(o.get("ceterms:sourceNode")).unwrap_or_default();
            let target_node = text(o.get("ceterms:targetNode"));
            let kind = text(o.get("ceterms:alignmentType")).unwrap_or_default();
            let Some((sp, sl)) = split(&source_node) else {
                out.diagnostics.push(Diagnostic::at(
                    Code::ImportInvalid,
                    &field("ceterms:sourceNode"),
                    format!(
                        "an alignment's source node `{}` is not PREFIX:ID: left out",
                        crate::safe::escape(&source_node)
                    ),
                ));
                continue;
            };
            named
                .entry(sp.clone())
                .or_insert_with(|| (part.span, Vec::new()))
                .1
                .push(sl.clone());
            if kind == "align:NoMatch" {
                unmatched.push((sp, sl));
                continue;
            }
            let relation = match kind.as_str() {
                "skos:exactMatch" => Relation::Exact,
                "skos:closeMatch" => Relation::Close,
                "skos:narrowMatch" => Relation::Narrow,
                "skos:broadMatch" => Relation::Broad,
                "skos:relatedMatch" => Relation::Related,
                other => {
                    out.diagnostics.push(Diagnostic::at(
                        Code::ImportInvalid,
                        &field("ceterms:alignmentType"),
                        format!(
                            "the alignment type `{}` is not a SKOS mapping type: left out",
                            crate::safe::escape(other)
                        ),
                    ));
                    continue;
                }
            };
            let Some((tp, tl)) = target_node.as_deref().and_then(split) else {
                out.diagnostics.push(Diagnostic::at(
                    Code::ImportInvalid,
                    &field("ceterms:targetNode"),
                    format!(
                        "the alignment of `{}` has no target node PREFIX:ID: left out",
                        crate::safe::escape(&source_node)
                    ),
                ));
                continue;
            };
            named
                .entry(tp.clone())
                .or_insert_with(|| (part.span, Vec::new()))
                .1
                .push(tl.clone());
            pairing(&mut pairings, map, &sp, &tp).links.push((
                json!({
                    "from": sl, "to": tl, "relation": relation, "justification": "imported",
                }),
                part.span,
            ));
        }
        // An unmatched node joins the mapping from its framework (the first found), or, when
        // the map links nothing from it, a mapping of its own.
        for (sp, sl) in unmatched {
            let other = pairings
                .keys()
                .find(|(f, _)| *f == sp)
                .map(|(_, t)| t.clone())
                .unwrap_or_else(|| sp.clone());
            pairing(&mut pairings, map, &sp, &other)
                .no_match
                .push(json!(sl));
        }
    }
    // Frameworks the catalog (and this file) lack, from the nodes the maps name.
    for (fw, (first, items)) in &named {
        if catalog.framework(fw).is_some() || made_frameworks.contains(fw) {
            continue;
        }
        let mut seen: Vec<&String> = Vec::new();
        for i in items {
            if !seen.contains(&i) {
                seen.push(i);
            }
        }
        let list: Vec<Value> = seen
            .iter()
            .map(|i| json!({ "id": i, "title": i }))
            .collect();
        let doc = json!({
            "kind": "framework", "id": fw, "title": fw,
            "source": name,
            "completeness": "partial",
            "missing": [format!("the items' titles and everything else about `{fw}`: the alignment map names its items by id only; import or write the framework to replace this one")],
            "items": list,
        });
        out.load(&source, &Node::from_json_at(doc, *first));
        out.diagnostics.push(Diagnostic::at(
            Code::ImportLeniency,
            &at(*first),
            format!("no framework `{fw}` in the catalog: one is made from the {} items the map names (their ids as titles)", seen.len()),
        ));
        made_frameworks.push(fw.clone());
    }
    for ((from, to), p) in pairings {
        let mut doc = Map::new();
        doc.insert("kind".into(), json!("mapping"));
        doc.insert("id".into(), json!(format!("{from}--{to}")));
        doc.insert(
            "title".into(),
            json!(p.title.unwrap_or_else(|| format!("{from} → {to}"))),
        );
        if let Some(d) = p.description {
            doc.insert("description".into(), json!(d));
        }
        doc.insert(
            "source".into(),
            json!(p.source.unwrap_or_else(|| name.to_owned())),
        );
        doc.insert("completeness".into(), json!("complete"));
        doc.insert("from".into(), json!(from));
        doc.insert("to".into(), json!(to));
        let mut tree = Node::from_json_at(Value::Object(doc), p.at);
        let links = p
            .links
            .into_iter()
            .map(|(link, span)| Node::from_json_at(link, span))
            .collect();
        tree.insert("links", Node::list(links, p.at));
        if !p.no_match.is_empty() {
            tree.insert(
                "no_match",
                Node::from_json_at(Value::Array(p.no_match), p.at),
            );
        }
        out.load(&source, &tree);
    }
    if out.frameworks.is_empty() && out.mappings.is_empty() && out.diagnostics.is_empty() {
        out.diagnostics.push(
            Diagnostic::in_file(
                Code::ImportInvalid,
                name,
                1,
                1,
                "no `ceasn:CompetencyFramework` or `ceterms:AlignmentMap` in the file",
            )
            .with_help(format!("{help}, each with its `@type`")),
        );
    }
    out
}

/// The IRI an export gives a framework's node: its `uri`, else a name in the engine's own
/// `urn:` space (which an import does not keep as a `uri`).
fn framework_iri(f: &crate::model::Framework) -> String {
    f.uri
        .clone()
        .unwrap_or_else(|| format!("{URN}{}", f.info.id))
}

/// The IRI an export gives an item's node.
fn item_iri(f: &crate::model::Framework, item: &crate::model::Item) -> String {
    item.uri
        .clone()
        .unwrap_or_else(|| format!("{URN}{}:{}", f.info.id, item.id))
}

/// Names an export makes up, not kept by an import.
const URN: &str = "urn:competence-engine:";

/// The context every export names.
const CONTEXT: &str = "https://credreg.net/ctdl/schema/context/json";

fn en(s: &str) -> Value {
    json!({ "en": s })
}

/// A framework as CTDL JSON-LD: a `ceasn:CompetencyFramework` and a `ceasn:Competency` per item
/// (`ceasn:competencyLabel` the title, `ceasn:competencyText` the statement or title,
/// `ceasn:codedNotation` the id, the tree as `ceasn:isChildOf`/`ceasn:hasChild`,
/// `ceasn:isTopChildOf`/`ceasn:hasTopChild`); a previous edition (`replaces`) as the framework's
/// `ceterms:previousVersion`, and items' `replaces` as `ceasn:supersedes`.
pub fn export_framework(catalog: &Catalog, f: &crate::model::Framework) -> Value {
    export_framework_with_losses(catalog, f).0
}

/// [`export_framework`], with what CTDL's shapes here have no place for (`export-loss`
/// warnings).
pub fn export_framework_with_losses(
    catalog: &Catalog,
    f: &crate::model::Framework,
) -> (Value, Vec<Diagnostic>) {
    use super::ItemField as F;
    let mut lost = super::Losses::default();
    for item in f.items() {
        lost.item_fields(
            item,
            &[
                F::Type,
                F::Optional,
                F::Tags,
                F::Units,
                F::Source,
                F::Requires,
                F::AlsoUnder,
                F::AltLabels,
                F::Related,
                F::Extensions,
            ],
        );
    }
    let mut diags = Vec::new();
    let loc = &f.info.loc;
    lost.report("CTDL", loc, &mut diags);
    let info = &f.info;
    let document: Vec<&str> = [
        ("completeness", info.completeness.is_some()),
        ("missing", !info.missing.is_empty()),
        ("note", info.note.is_some()),
        ("levels", !f.levels.is_empty()),
        ("scale", !f.scale.is_empty()),
        ("license_note", f.license_note.is_some()),
        ("extensions", f.extensions.is_some()),
    ]
    .into_iter()
    .filter(|(_, lost)| *lost)
    .map(|(w, _)| w)
    .collect();
    if !document.is_empty() {
        diags.push(Diagnostic::at(
            Code::ExportLoss,
            loc,
            format!(
                "CTDL has no place for the framework's {}: left out",
                document
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    (framework_value(catalog, f), diags)
}

fn framework_value(catalog: &Catalog, f: &crate::model::Framework) -> Value {
    let fw_iri = framework_iri(f);
    let tree = f.hierarchy();
    let mut graph = Vec::new();
    let mut top = Vec::new();
    let mut items = Vec::new();
    for (idx, item) in f.indexed() {
        let iri = item_iri(f, item);
        let mut n = Map::new();
        n.insert("@id".into(), json!(iri));
        n.insert("@type".into(), json!("ceasn:Competency"));
        n.insert("ceasn:competencyLabel".into(), en(&item.title));
        n.insert(
            "ceasn:competencyText".into(),
            en(item.statement.as_deref().unwrap_or(&item.title)),
        );
        n.insert("ceasn:codedNotation".into(), json!(item.id.as_str()));
        n.insert("ceasn:isPartOf".into(), json!(fw_iri));
        match tree.parent(idx).and_then(|p| f.item(p)) {
            Some(p) => {
                n.insert("ceasn:isChildOf".into(), json!(item_iri(f, p)));
            }
            None => {
                n.insert("ceasn:isTopChildOf".into(), json!(fw_iri));
                top.push(json!(iri));
            }
        }
        let kids: Vec<Value> = tree
            .nested_children(idx)
            .iter()
            .filter_map(|&c| f.item(c))
            .map(|c| json!(item_iri(f, c)))
            .collect();
        if !kids.is_empty() {
            n.insert("ceasn:hasChild".into(), Value::Array(kids));
        }
        if let Some(note) = &item.note {
            n.insert("ceasn:comment".into(), en(note));
        }
        if let Some(k) = &item.kind {
            n.insert("ceasn:competencyCategory".into(), en(k));
        }
        let supersedes: Vec<Value> = item
            .replaces()
            .filter_map(|r| {
                let old = catalog.framework(r.framework().as_str())?;
                let old_item = old.item(old.find(r.item_id()?.as_str())?)?;
                Some(json!(item_iri(old, old_item)))
            })
            .collect();
        if !supersedes.is_empty() {
            n.insert("ceasn:supersedes".into(), Value::Array(supersedes));
        }
        items.push(Value::Object(n));
    }
    let mut fw = Map::new();
    fw.insert("@id".into(), json!(fw_iri));
    fw.insert("@type".into(), json!("ceasn:CompetencyFramework"));
    fw.insert("ceasn:name".into(), en(&f.info.title));
    if let Some(d) = &f.info.description {
        fw.insert("ceasn:description".into(), en(d));
    }
    if let Some(s) = &f.info.source {
        fw.insert("ceasn:source".into(), json!(s));
    }
    if let Some(p) = &f.publisher {
        fw.insert("ceasn:publisherName".into(), en(p));
    }
    if let Some(v) = &f.info.version {
        fw.insert("ceasn:versionIdentifier".into(), json!(v));
    }
    if let Some(previous) = f
        .replaces
        .as_ref()
        .and_then(|p| catalog.framework(p.as_str()))
    {
        fw.insert(
            "ceterms:previousVersion".into(),
            json!(framework_iri(previous)),
        );
    }
    fw.insert("ceasn:hasTopChild".into(), Value::Array(top));
    graph.push(Value::Object(fw));
    graph.extend(items);
    json!({ "@context": CONTEXT, "@graph": graph })
}

/// A mapping as a CTDL `ceterms:AlignmentMap`: each link an `AlignmentObject` from
/// `FRAMEWORK:ITEM` to `FRAMEWORK:ITEM` with its SKOS type, and each `no_match` item one with
/// `align:NoMatch`.
pub fn export_mapping(mapping: &crate::model::Mapping) -> Value {
    let node = |r: &crate::ids::ItemRef| {
        format!(
            "{}:{}",
            r.framework(),
            r.item_id().map_or("*", |i| i.as_str())
        )
    };
    let mut parts: Vec<Value> = mapping
        .links
        .iter()
        .map(|l| {
            let kind = match l.relation {
                Relation::Exact => "skos:exactMatch",
                Relation::Close => "skos:closeMatch",
                Relation::Narrow => "skos:narrowMatch",
                Relation::Broad => "skos:broadMatch",
                Relation::Related => "skos:relatedMatch",
            };
            json!({
                "@type": "ceterms:AlignmentObject",
                "ceterms:sourceNode": node(&l.from),
                "ceterms:targetNode": node(&l.to),
                "ceterms:alignmentType": kind,
            })
        })
        .collect();
    parts.extend(mapping.no_match().map(|r| {
        json!({
            "@type": "ceterms:AlignmentObject",
            "ceterms:sourceNode": node(r),
            "ceterms:alignmentType": "align:NoMatch",
        })
    }));
    let mut m = Map::new();
    m.insert(
        "@id".into(),
        json!(format!("{URN}mapping:{}", mapping.info.id)),
    );
    m.insert("@type".into(), json!("ceterms:AlignmentMap"));
    m.insert("ceterms:name".into(), en(&mapping.info.title));
    if let Some(d) = &mapping.info.description {
        m.insert("ceterms:description".into(), en(d));
    }
    if let Some(s) = &mapping.info.source {
        m.insert("ceterms:source".into(), json!(s));
    }
    m.insert(
        "ceterms:compares".into(),
        json!([mapping.from.as_str(), mapping.to.as_str()]),
    );
    m.insert("ceterms:hasPart".into(), Value::Array(parts));
    json!({ "@context": CONTEXT, "@graph": [Value::Object(m)] })
}
