//! ESCO (European Skills, Competences, Qualifications and Occupations) skills CSVs, as the ESCO
//! portal exports them: a skills file or collection (`conceptUri`, `preferredLabel`,
//! `altLabels`, `description`, `broaderConceptUri`, ...) and the skills hierarchy (`Level 0 URI`
//! ... `Level 3 code`). Any of them, imported together, make one framework.
//!
//! Each concept is an item: its id the hierarchy's code (`S6`) where it has one, else the last
//! part of its URI; `uri` the concept URI; `title` the preferred label; `alt_labels` the
//! alternative labels (` | `- or line-separated); `statement` the description; `note` the
//! hierarchy's scope note; `type` `skill` or `knowledge` from `skillType`. A concept nests under
//! its first broader concept found in the files, and is `also_under` the others (ESCO is a
//! polyhierarchy); broader concepts not in the files are kept in `extensions.esco`, with one
//! warning. ESCO's status, concept type and reuse level are kept in `extensions.esco` too.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::Imported;
use super::rows::{self, Row};
use crate::diagnostic::{Code, Diagnostic, Loc, Source};
use crate::yaml::{self, Node};

/// The key of what ESCO fields have no place for, in `extensions`.
const KEY: &str = "esco";

/// One ESCO concept, as read.
struct Concept {
    uri: String,
    id: String,
    item: Map<String, Value>,
    esco: Map<String, Value>,
    broader: Vec<String>,
    loc: Loc,
}

/// Whether a header is an ESCO skills file's or the skills hierarchy's.
pub fn looks_like(header: &[String]) -> bool {
    let has = |n: &str| header.iter().any(|h| h.trim() == n);
    (has("conceptUri") && has("preferredLabel")) || has("Level 0 URI")
}

/// Imports ESCO skills CSVs into one framework document.
pub fn import(files: &[(&str, &[u8])], id: Option<&str>) -> Imported {
    let mut out = Imported::default();
    let mut concepts: Vec<Concept> = Vec::new();
    let mut by_uri: HashMap<String, usize> = HashMap::new();
    let mut first_source: Option<(Arc<Source>, Loc)> = None;
    for (name, bytes) in files {
        let source = match yaml::decode(name, bytes, false) {
            Ok(s) => s,
            Err(d) => {
                out.diagnostics.push(d);
                continue;
            }
        };
        let help = "an ESCO skills CSV, as the ESCO portal exports it";
        let Some(rows) = rows::read(&source, 0, b',', help, &mut out.diagnostics) else {
            continue;
        };
        let Some((header, rows)) = rows.split_first() else {
            continue;
        };
        if first_source.is_none() {
            first_source = Some((source.clone(), header.loc.clone()));
        }
        if rows::column(header, &["Level 0 URI"]).is_some() {
            hierarchy(header, rows, &mut concepts, &mut by_uri);
        } else if rows::column(header, &["conceptUri"]).is_some() {
            skills(header, rows, &mut concepts, &mut by_uri);
        } else {
            out.diagnostics.push(
                Diagnostic::at(
                    Code::ImportInvalid,
                    &header.loc,
                    "this is neither an ESCO skills file (`conceptUri`, `preferredLabel`) nor the skills hierarchy (`Level 0 URI`)",
                )
                .with_help(help),
            );
        }
    }
    let Some((source, doc_loc)) = first_source else {
        return out;
    };
    // Parents: the first broader concept in the files nests, the others are `also_under`.
    let n = concepts.len();
    let mut parent: Vec<Option<usize>> = vec![None; n];
    let mut outside = 0usize;
    for (i, c) in concepts.iter_mut().enumerate() {
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for b in &c.broader {
            match by_uri.get(b) {
                Some(&p) if p != i => found.push(p),
                Some(_) => {}
                None => missing.push(json!(b)),
            }
        }
        if !missing.is_empty() {
            outside += 1;
            c.esco.insert("broader".into(), Value::Array(missing));
        }
        if let Some((&first, rest)) = found.split_first() {
            parent[i] = Some(first);
            if !rest.is_empty() {
                c.item.insert("also_under".into(), json!(rest.to_vec()));
            }
        }
    }
    if outside > 0 {
        out.diagnostics.push(Diagnostic::at(
            Code::ImportLeniency,
            &doc_loc,
            format!("{outside} concepts name broader concepts that are not in the files: each is placed under those that are (or at the top), and the others are kept in `extensions.esco.broader`"),
        ));
    }
    // A nesting parent chain that loops is cut where it closes.
    for i in 0..n {
        let mut seen = vec![i];
        let mut at = parent[i];
        while let Some(p) = at {
            if seen.contains(&p) {
                parent[i] = None;
                break;
            }
            seen.push(p);
            at = parent[p];
        }
    }
    // `also_under` by item id, now that ids are known.
    let ids: Vec<String> = concepts.iter().map(|c| c.id.clone()).collect();
    for c in &mut concepts {
        if let Some(Value::Array(extra)) = c.item.get_mut("also_under") {
            for v in extra.iter_mut() {
                if let Some(i) = v.as_u64().and_then(|i| ids.get(i as usize)) {
                    *v = json!(i);
                }
            }
        }
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (i, p) in parent.iter().enumerate() {
        match p {
            Some(p) => children[*p].push(i),
            None => roots.push(i),
        }
    }
    let items = super::nest(&roots, &children, &source, &mut out.diagnostics, |i, _| {
        let c = &concepts[i];
        let mut m = Map::new();
        m.insert("id".into(), json!(c.id));
        for (k, v) in &c.item {
            m.insert(k.clone(), v.clone());
        }
        m.insert("uri".into(), json!(c.uri));
        if !c.esco.is_empty() {
            m.insert("extensions".into(), json!({ KEY: c.esco }));
        }
        // Rows of the first file are placed where they are; the others (another source) at
        // its header.
        let span = if Arc::ptr_eq(&c.loc.source, &source) {
            c.loc.span
        } else {
            doc_loc.span
        };
        (m, span)
    });
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    let mut doc = Map::new();
    doc.insert("kind".into(), json!("framework"));
    doc.insert("id".into(), json!(id.unwrap_or("esco-skills")));
    doc.insert("title".into(), json!("ESCO skills"));
    doc.insert(
        "publisher".into(),
        json!("European Commission (ESCO: European Skills, Competences, Qualifications and Occupations)"),
    );
    doc.insert(
        "source".into(),
        json!(format!(
            "https://esco.ec.europa.eu/ (imported from {})",
            names.join(", ")
        )),
    );
    doc.insert("completeness".into(), json!("partial"));
    doc.insert(
        "missing".into(),
        json!(["the ESCO concepts not in the files imported"]),
    );
    let mut tree = Node::from_json_at(Value::Object(doc), doc_loc.span);
    tree.insert("items", Node::list(items, doc_loc.span));
    out.load(&source, &tree);
    out
}

/// The last part of a URI, as an item id.
fn local(uri: &str) -> String {
    uri.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(uri)
        .to_owned()
}

fn add(concepts: &mut Vec<Concept>, by_uri: &mut HashMap<String, usize>, c: Concept) -> usize {
    match by_uri.get(&c.uri) {
        Some(&i) => {
            // Seen in another file: what this one adds is kept, what it repeats is not.
            let old = &mut concepts[i];
            for (k, v) in c.item {
                old.item.entry(k).or_insert(v);
            }
            for (k, v) in c.esco {
                old.esco.entry(k).or_insert(v);
            }
            for b in c.broader {
                if !old.broader.contains(&b) {
                    old.broader.push(b);
                }
            }
            i
        }
        None => {
            by_uri.insert(c.uri.clone(), concepts.len());
            concepts.push(c);
            concepts.len() - 1
        }
    }
}

/// A skills file or collection: one concept per row.
fn skills(
    header: &Row,
    rows: &[Row],
    concepts: &mut Vec<Concept>,
    by_uri: &mut HashMap<String, usize>,
) {
    let col = |n: &str| rows::column(header, &[n]);
    let (uri, label) = (col("conceptUri"), col("preferredLabel"));
    for row in rows {
        let get = |c: Option<usize>| c.map_or("", |c| row.get(c));
        let concept_uri = get(uri).to_owned();
        if concept_uri.is_empty() {
            continue;
        }
        let mut item = Map::new();
        item.insert("title".into(), json!(get(label)));
        let alt: Vec<&str> = get(col("altLabels"))
            .split(['\n', '|'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if !alt.is_empty() {
            item.insert("alt_labels".into(), json!(alt));
        }
        let description = get(col("description"));
        if !description.is_empty() {
            item.insert("statement".into(), json!(description));
        }
        match get(col("skillType")) {
            "knowledge" => {
                item.insert("type".into(), json!("knowledge"));
            }
            "skill/competence" | "skill" => {
                item.insert("type".into(), json!("skill"));
            }
            _ => {}
        }
        let mut esco = Map::new();
        for key in ["conceptType", "skillType", "reuseLevel", "status"] {
            let v = get(col(key));
            if !v.is_empty() {
                esco.insert(key.into(), json!(v));
            }
        }
        let broader = get(col("broaderConceptUri"))
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let id = local(&concept_uri);
        add(
            concepts,
            by_uri,
            Concept {
                uri: concept_uri,
                id,
                item,
                esco,
                broader,
                loc: row.loc.clone(),
            },
        );
    }
}

/// The skills hierarchy: each row's deepest level is a concept, under the level above it.
fn hierarchy(
    header: &Row,
    rows: &[Row],
    concepts: &mut Vec<Concept>,
    by_uri: &mut HashMap<String, usize>,
) {
    let col = |n: String| rows::column(header, &[n.as_str()]);
    for row in rows {
        let get = |c: Option<usize>| c.map_or("", |c| row.get(c));
        let Some(level) = (0..4)
            .rev()
            .find(|l| !get(col(format!("Level {l} URI"))).is_empty())
        else {
            continue;
        };
        let concept_uri = get(col(format!("Level {level} URI"))).to_owned();
        let code = get(col(format!("Level {level} code")));
        let mut item = Map::new();
        item.insert(
            "title".into(),
            json!(get(col(format!("Level {level} preferred term")))),
        );
        item.insert("kind".into(), json!(format!("level {level}")));
        let description = get(col("Description".into()));
        if !description.is_empty() {
            item.insert("statement".into(), json!(description));
        }
        let scope = get(col("Scope note".into()));
        if !scope.is_empty() {
            item.insert("note".into(), json!(scope));
        }
        let broader = if level > 0 {
            vec![get(col(format!("Level {} URI", level - 1))).to_owned()]
        } else {
            Vec::new()
        };
        let id = if code.is_empty() {
            local(&concept_uri)
        } else {
            code.to_owned()
        };
        let at = add(
            concepts,
            by_uri,
            Concept {
                uri: concept_uri,
                id: id.clone(),
                item,
                esco: Map::new(),
                broader,
                loc: row.loc.clone(),
            },
        );
        // The hierarchy's code wins over an id made from the URI.
        if !code.is_empty() {
            concepts[at].id = id;
        }
    }
}
