//! DIRECT-style linked CSVs (the Digital Research Competencies framework's layout): domains
//! (`competency_domain.csv`), competencies (`competency.csv`, each naming its domain's slug),
//! skills (`skill.csv`, each naming its competency's slug, with `|`-separated related skills,
//! tools and learning resources), proficiency levels (`skill_level.csv`) and learning resources
//! (`learning_resource.csv`). The files are told apart by their columns, so they may be given in
//! any order and under any names.
//!
//! One framework: domains, then their competencies, then their skills, each ordered by `rank`;
//! ids are the slugs; titles the names; statements the descriptions; a skill's related skills
//! are `related`. The levels are the framework's `scale`. What the model has no field for (the
//! levels' descriptions, each skill's tools and learning resources, and the resources themselves)
//! is kept in `extensions.direct`.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::Imported;
use super::joined::Joined;
use super::rows::{self, Row};
use crate::diagnostic::{Code, Diagnostic};
use crate::yaml::{self, Node};

const KEY: &str = "direct";

/// A file's rows as maps of column name to value.
type Table = Vec<(HashMap<String, String>, Row)>;

/// An item to make: its row's fields, the row, its parent's slug, and its kind.
type Pending<'t> = (
    &'t HashMap<String, String>,
    &'t Row,
    Option<String>,
    &'static str,
);

fn table(header: &Row, rows: &[Row]) -> Table {
    rows.iter()
        .filter(|r| r.fields.iter().any(|f| !f.trim().is_empty()))
        .map(|r| {
            let m = header
                .fields
                .iter()
                .enumerate()
                .map(|(i, h)| (h.trim().to_owned(), r.get(i).to_owned()))
                .collect();
            (m, r.clone())
        })
        .collect()
}

fn list(s: &str) -> Vec<String> {
    s.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Imports DIRECT-style CSVs into one framework document.
pub fn import(files: &[(&str, &[u8])], id: Option<&str>) -> Imported {
    let mut out = Imported::default();
    let (mut domains, mut competencies, mut skills, mut levels, mut resources) = (
        Table::new(),
        Table::new(),
        Table::new(),
        Table::new(),
        Table::new(),
    );
    let mut first = None;
    for (name, bytes) in files {
        let Some(source) = out.keep(yaml::decode(name, bytes, false)) else {
            continue;
        };
        let help =
            "a DIRECT CSV: competency_domain, competency, skill, skill_level or learning_resource";
        let Some(rows) = rows::read(&source, 0, b',', help, &mut out.diagnostics) else {
            continue;
        };
        let Some((header, rows)) = rows.split_first() else {
            continue;
        };
        let has = |n: &str| header.fields.iter().any(|h| h.trim() == n);
        let t = table(header, rows);
        if has("competency") && has("related_skills") {
            skills.extend(t);
        } else if has("competency_domain") {
            competencies.extend(t);
        } else if has("level") && has("short_description") {
            levels.extend(t);
        } else if has("url") && has("provider") {
            resources.extend(t);
        } else if has("slug") && has("rank") {
            domains.extend(t);
        } else {
            out.diagnostics.push(
                Diagnostic::at(
                    Code::ImportInvalid,
                    &header.loc,
                    "this is not one of DIRECT's CSVs: left out",
                )
                .with_help(help),
            );
            continue;
        }
        if first.is_none() {
            first = Some((source, header.loc.clone()));
        }
    }
    let Some((source, doc_loc)) = first else {
        return out;
    };
    let rank = |m: &HashMap<String, String>| {
        m.get("rank")
            .and_then(|r| r.parse::<i64>().ok())
            .unwrap_or(i64::MAX)
    };
    for t in [&mut domains, &mut competencies, &mut skills] {
        t.sort_by_key(|(m, _)| rank(m));
    }
    // Items: domains, competencies, skills, as one list with parents.
    let mut all: Vec<Pending<'_>> = Vec::new();
    for (m, r) in &domains {
        all.push((m, r, None, "domain"));
    }
    for (m, r) in &competencies {
        all.push((m, r, m.get("competency_domain").cloned(), "competency"));
    }
    for (m, r) in &skills {
        all.push((m, r, m.get("competency").cloned(), "skill"));
    }
    let by_slug: HashMap<&str, usize> = all
        .iter()
        .enumerate()
        .filter_map(|(i, (m, _, _, _))| Some((m.get("slug")?.as_str(), i)))
        .collect();
    // Slugs are ids: a second use of one is reported (the later row wins the slug).
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, (m, row, _, kind)) in all.iter().enumerate() {
        if let Some(slug) = m.get("slug").map(String::as_str)
            && seen.insert(slug, i).is_some()
        {
            out.diagnostics.push(
                Diagnostic::at(
                    Code::ImportInvalid,
                    &row.loc,
                    format!(
                        "this {kind}'s slug `{}` is used by another row too",
                        crate::safe::escape(slug)
                    ),
                )
                .with_help("slugs are ids: each must be unique across the files"),
            );
        }
    }
    let mut parent: Vec<Option<usize>> = vec![None; all.len()];
    for (i, (_, row, named, kind)) in all.iter().enumerate() {
        match named.as_deref().map(|p| by_slug.get(p)) {
            Some(Some(&p)) if p != i => parent[i] = Some(p),
            Some(_) => out.diagnostics.push(Diagnostic::at(
                Code::ImportLeniency,
                &row.loc,
                format!("this {kind} names a parent slug that is not in the files: made top-level"),
            )),
            None => {}
        }
    }
    for cut in super::cut_parent_loops(&mut parent) {
        out.diagnostics.push(Diagnostic::at(
            Code::ImportLeniency,
            &all[cut].1.loc,
            "this row's parents lead back to it: made top-level",
        ));
    }
    let (children, roots) = super::children_of(&parent);
    for (m, row, _, _) in &all {
        let slug = m.get("slug").map(String::as_str).unwrap_or_default();
        if m.get("related_skills")
            .is_some_and(|r| list(r).iter().any(|x| x == slug))
        {
            out.diagnostics.push(Diagnostic::at(
                Code::ImportLeniency,
                &row.loc,
                format!("`{slug}` lists itself among its related skills: that entry is left out"),
            ));
        }
    }
    // Rows of every file are placed in their own file (see `joined`).
    let mut joined = Joined::new(source.clone());
    let from = out.diagnostics.len();
    let items = super::nest(&roots, &children, &source, &mut out.diagnostics, |i, _| {
        let (m, row, _, kind) = all[i];
        let get = |k: &str| m.get(k).map(String::as_str).unwrap_or_default();
        let mut item = Map::new();
        item.insert("id".into(), json!(get("slug")));
        item.insert("kind".into(), json!(kind));
        item.insert("title".into(), json!(get("name")));
        if !get("description").is_empty() {
            item.insert("statement".into(), json!(get("description")));
        }
        let mut related = list(get("related_skills"));
        related.retain(|r| r != get("slug"));
        if !related.is_empty() {
            item.insert("related".into(), json!(related));
        }
        let mut kept = Map::new();
        for key in ["tools_languages_methodologies", "learning_resources"] {
            let v = list(get(key));
            if !v.is_empty() {
                kept.insert(key.into(), json!(v));
            }
        }
        if !kept.is_empty() {
            item.insert("extensions".into(), json!({ KEY: kept }));
        }
        (item, joined.span(&row.loc))
    });
    let mut doc = Map::new();
    doc.insert("kind".into(), json!("framework"));
    doc.insert("id".into(), json!(id.unwrap_or("direct")));
    doc.insert(
        "title".into(),
        json!("Digital Research Competencies framework (DIRECT)"),
    );
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    doc.insert(
        "source".into(),
        json!(format!("imported from {}", names.join(", "))),
    );
    doc.insert("completeness".into(), json!("complete"));
    doc.insert("levels".into(), json!(["domain", "competency", "skill"]));
    let mut sorted_levels = levels.clone();
    sorted_levels.sort_by_key(|(m, _)| {
        m.get("level")
            .and_then(|l| l.parse::<i64>().ok())
            .unwrap_or(i64::MAX)
    });
    if !sorted_levels.is_empty() {
        let scale: Vec<Value> = sorted_levels
            .iter()
            .map(|(m, _)| json!({ "id": m.get("level").cloned().unwrap_or_default(), "title": m.get("name").cloned().unwrap_or_default() }))
            .collect();
        doc.insert("scale".into(), Value::Array(scale));
    }
    let mut kept = Map::new();
    if !sorted_levels.is_empty() {
        let described: Vec<Value> = sorted_levels
            .iter()
            .map(|(m, _)| {
                json!({
                    "level": m.get("level"), "description": m.get("description"),
                    "short_description": m.get("short_description"), "focus": m.get("focus"),
                })
            })
            .collect();
        kept.insert("skill_levels".into(), Value::Array(described));
    }
    if !resources.is_empty() {
        let list: Vec<Value> = resources.iter().map(|(m, _)| json!(m)).collect();
        kept.insert("learning_resources".into(), Value::Array(list));
    }
    if !kept.is_empty() {
        doc.insert("extensions".into(), json!({ KEY: kept }));
    }
    let mut tree = Node::from_json_at(Value::Object(doc), doc_loc.span);
    tree.insert("items", Node::list(items, doc_loc.span));
    out.load_joined(&joined, &tree, from);
    out
}
