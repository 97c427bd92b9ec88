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
//!
//! The occupation–skill relations (`occupationUri`, `relationType`, `skillUri`) make a role per
//! occupation: its essential skills a requirement, its optional skills (never required) named in
//! the role's note.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::Imported;
use super::joined::Joined;
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

/// Imports ESCO skills CSVs into one framework document.
pub fn import(files: &[(&str, &[u8])], id: Option<&str>) -> Imported {
    let mut out = Imported::default();
    let mut concepts: Vec<Concept> = Vec::new();
    let mut by_uri: HashMap<String, usize> = HashMap::new();
    let mut first_source: Option<(Arc<Source>, Loc)> = None;
    // Occupations' skills: (occupation URI, essential, skill URI, where), read after the skills.
    let mut needs: Vec<(String, bool, String, Loc)> = Vec::new();
    for (name, bytes) in files {
        let Some(source) = out.keep(yaml::decode(name, bytes, false)) else {
            continue;
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
        } else if let (Some(o), Some(k), Some(s)) = (
            rows::column(header, &["occupationUri"]),
            rows::column(header, &["relationType"]),
            rows::column(header, &["skillUri"]),
        ) {
            for row in rows {
                if row.get(o).is_empty() || row.get(s).is_empty() {
                    continue;
                }
                needs.push((
                    row.get(o).to_owned(),
                    row.get(k).eq_ignore_ascii_case("essential"),
                    row.get(s).to_owned(),
                    row.loc.clone(),
                ));
            }
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
    let cut = super::cut_parent_loops(&mut parent);
    if !cut.is_empty() {
        out.diagnostics.push(Diagnostic::at(
            Code::ImportLeniency,
            &doc_loc,
            format!(
                "{} concepts' broader concepts lead back to them: made top-level",
                cut.len()
            ),
        ));
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
    let (children, roots) = super::children_of(&parent);
    // Rows of every file are placed in their own file (see `joined`).
    let mut joined = Joined::new(source.clone());
    let from = out.diagnostics.len();
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
        (m, joined.span(&c.loc))
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
    out.load_joined(&joined, &tree, from);
    roles(
        &mut out,
        &needs,
        &concepts,
        &by_uri,
        id.unwrap_or("esco-skills"),
    );
    out
}

/// Occupations as roles: a requirement `essential` (every essential skill); the optional skills,
/// useful but never required, are named in the role's note. Skills not in the imported
/// framework are left out, with one warning per occupation.
fn roles(
    out: &mut Imported,
    needs: &[(String, bool, String, Loc)],
    concepts: &[Concept],
    by_uri: &HashMap<String, usize>,
    framework: &str,
) {
    // Rows by occupation, occupations in the order first seen (linear in the rows).
    let mut order: Vec<&str> = Vec::new();
    let mut by_occupation: HashMap<&str, Vec<&(String, bool, String, Loc)>> = HashMap::new();
    for row in needs {
        let entry = by_occupation.entry(row.0.as_str()).or_insert_with(|| {
            order.push(row.0.as_str());
            Vec::new()
        });
        entry.push(row);
    }
    for occupation in order {
        let rows: Vec<&(String, bool, String, Loc)> =
            by_occupation.remove(occupation).unwrap_or_default();
        let Some((_, _, _, loc)) = rows.first() else {
            continue;
        };
        let mut missing = 0;
        let mut refs = |essential: bool| -> Vec<String> {
            rows.iter()
                .filter(|(_, e, _, _)| *e == essential)
                .filter_map(|(_, _, s, _)| {
                    let found = by_uri.get(s).and_then(|&i| concepts.get(i));
                    if found.is_none() {
                        missing += 1;
                    }
                    found.map(|c| format!("{framework}:{}", c.id))
                })
                .collect()
        };
        let essential = refs(true);
        let optional = refs(false);
        if missing > 0 {
            out.diagnostics.push(Diagnostic::at(
                Code::ImportLeniency,
                loc,
                format!("{missing} of this occupation's skills are not in the skills files imported: left out of its role (import the skills file that holds them too)"),
            ));
        }
        let uuid = local(occupation);
        let mut requirements = Vec::new();
        if !essential.is_empty() {
            requirements.push(json!({
                "id": "essential", "title": "Essential skills and knowledge",
                "items": essential,
            }));
        }
        if requirements.is_empty() && optional.is_empty() {
            continue;
        }
        let mut doc = json!({
            "kind": "role",
            "id": super::slug(&format!("esco-occupation-{uuid}"), "esco-occupation"),
            "title": format!("ESCO occupation {uuid}"),
            "source": occupation,
            "completeness": "partial",
            "missing": ["the occupation's title and description (not in the occupation–skill relations file)"],
            "requirements": requirements,
        });
        // Optional skills are no requirement: they are named in the note.
        if !optional.is_empty() {
            doc["note"] = json!(format!(
                "Optional skills and knowledge for this occupation in ESCO (useful, never required): {}",
                optional.join(", ")
            ));
        }
        out.load(&loc.source, &Node::from_json_at(doc, loc.span));
    }
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
