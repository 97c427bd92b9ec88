//! Moodle competency frameworks as CSV (`admin/tool/lpimportcsv`).
//!
//! The file is read by position, as Moodle reads it: the 14-column layout of current Moodle
//! (`Parent ID number, ID number, Short name, Description, Description format, Scale values,
//! Scale configuration, Rule type, Rule outcome, Rule config, Cross-referenced competency ID
//! numbers, Exported ID, Is framework, Taxonomy`) or the older 12-column one (without the
//! cross-references and exported id; its `Taxonomy` a JSON object), told apart by the header. The
//! row with `Is framework` = 1 is the framework; every other row is a competency under its
//! `Parent ID number` (which may come later in the file). Quoted fields may hold line breaks.
//!
//! **Import**: an item's id is its ID number (white space and `:` made `-` when the ID number has
//! them, the original kept); its title the short name; its statement the description. The
//! framework's taxonomy becomes `levels`, and each item's kind the taxonomy term of its depth.
//! Moodle's own fields (description format, scale, rules, cross-references with `%2C` for a
//! comma, exported id) are kept in `extensions.moodle` and written back by an export.
//!
//! **Export** writes the 14-column layout with its current header, the framework row first,
//! then the items in file order (parents before children). Moodle's CSV has no place for item
//! types, `optional`, tags, levels, credits, hours, `requires` or a second parent (`also_under`);
//! each export says what it leaves out (`export-loss`). Taxonomy terms must be Moodle's own
//! (behaviour, competency, concept, domain, indicator, level, outcome, practice, proficiency,
//! skill, value): a level with another name is written as `competency`.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::{Imported, put, slug};
use crate::diagnostic::{Code, Diagnostic, Loc};
use crate::model::Framework;
use crate::yaml::{self, Node};

/// The key of Moodle's own fields in a document's or item's `extensions`.
pub const KEY: &str = "moodle";

/// The header Moodle writes today.
pub const HEADER: [&str; 14] = [
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
];

/// Moodle's taxonomy terms.
pub const TAXONOMIES: &[&str] = &[
    "behaviour",
    "competency",
    "concept",
    "domain",
    "indicator",
    "level",
    "outcome",
    "practice",
    "proficiency",
    "skill",
    "value",
];

/// Moodle's plain-text description format (`FORMAT_PLAIN`), written for statements.
const PLAIN: &str = "2";
const DEFAULT_SCALE: &str = "Not yet competent,Competent";
const DEFAULT_SCALE_CONFIG: &str = r#"[{"scaleid":"1"},{"id":2,"scaledefault":1,"proficient":1}]"#;

/// Column positions of one layout.
struct Layout {
    width: usize,
    cross: Option<usize>,
    exported: Option<usize>,
    is_framework: usize,
    taxonomy: usize,
}

const MODERN: Layout = Layout {
    width: 14,
    cross: Some(10),
    exported: Some(11),
    is_framework: 12,
    taxonomy: 13,
};

const LEGACY: Layout = Layout {
    width: 12,
    cross: None,
    exported: None,
    is_framework: 10,
    taxonomy: 11,
};

struct Competency {
    id: String,
    parent: String,
    json: Map<String, Value>,
    loc: Loc,
}

/// Imports a Moodle competency framework CSV into a framework document.
pub fn import(name: &str, bytes: &[u8], id: Option<&str>) -> Imported {
    read(name, bytes, id).capped()
}

/// Imports a Moodle competency framework CSV into a framework document.
fn read(name: &str, bytes: &[u8], id: Option<&str>) -> Imported {
    let mut out = Imported::default();
    let Some(source) = out.keep(yaml::decode(name, bytes, false)) else {
        return out;
    };
    let diags = &mut out.diagnostics;
    let Some(rows) = super::rows::read(
        &source,
        0,
        b',',
        "a Moodle competency file is CSV with quoted fields where they hold commas or line breaks",
        diags,
    ) else {
        return out;
    };
    let Some((header, rows)) = rows.split_first() else {
        diags.push(
            Diagnostic::in_file(Code::ImportInvalid, name, 1, 1, "the file is empty")
                .with_help("export the framework from Moodle (Site administration > Competencies > Export competency framework)"),
        );
        return out;
    };
    let legacy = header.fields.len() == 12
        || !header
            .fields
            .iter()
            .any(|h| h.to_ascii_lowercase().contains("cross"));
    let layout = match header.fields.len() {
        14 => MODERN,
        12 if legacy => LEGACY,
        n => {
            diags.push(
                Diagnostic::at(
                    Code::ImportInvalid,
                    &header.loc,
                    format!("the header has {n} columns: a Moodle competency file has 14 (or 12, in files from before Moodle 3.2)"),
                )
                .with_help("export the framework again from Moodle, or add the missing columns"),
            );
            return out;
        }
    };

    // The framework row.
    let mut framework_row = None;
    let mut competencies: Vec<Competency> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for row in rows {
        if row.fields.len() != layout.width {
            if row.fields.iter().all(String::is_empty) {
                continue;
            }
            diags.push(
                Diagnostic::at(
                    Code::ImportInvalid,
                    &row.loc,
                    format!(
                        "this row has {} fields where the header has {}: left out",
                        row.fields.len(),
                        layout.width
                    ),
                )
                .with_help("quote fields that hold commas or line breaks"),
            );
            continue;
        }
        let f = |n: usize| row.fields.get(n).map_or("", |s| s.trim());
        if f(layout.is_framework) == "1" {
            if framework_row.is_some() {
                diags.push(Diagnostic::at(
                    Code::ImportLeniency,
                    &row.loc,
                    "a second framework row: this one is used, as Moodle does",
                ));
            }
            framework_row = Some(row);
            continue;
        }
        let (idnumber, shortname) = (f(1), f(2));
        if idnumber.is_empty() || shortname.is_empty() {
            diags.push(Diagnostic::at(
                Code::ImportLeniency,
                &row.loc,
                "a competency row without an ID number or a short name: left out, as Moodle does",
            ));
            continue;
        }
        let mut moodle = Map::new();
        let id = clean_id(idnumber);
        if id != idnumber {
            moodle.insert("idnumber".into(), json!(idnumber));
        }
        if let Some(&first) = seen.get(&id) {
            let d = Diagnostic::at(
                Code::ImportInvalid,
                &row.loc,
                format!("a second competency with ID number `{idnumber}`: left out"),
            )
            .with_related(&competencies[first].loc, "the first")
            .with_help("ID numbers must be unique in a framework");
            diags.push(d);
            continue;
        }
        let mut json = Map::new();
        json.insert("title".into(), json!(shortname));
        put(&mut json, "statement", json!(row.fields[3]));
        if f(4) != PLAIN && !row.fields[3].is_empty() {
            put(&mut moodle, "descriptionformat", json!(f(4)));
        }
        put(&mut moodle, "scalevalues", json!(f(5)));
        put(&mut moodle, "scaleconfiguration", json!(f(6)));
        put(&mut moodle, "ruletype", json!(f(7)));
        if f(8) != "0" {
            put(&mut moodle, "ruleoutcome", json!(f(8)));
        }
        if f(9) != "null" {
            put(&mut moodle, "ruleconfig", json!(f(9)));
        }
        if let Some(c) = layout.cross {
            let related: Vec<String> = f(c)
                .split(',')
                .map(|s| s.trim().replace("%2C", ","))
                .filter(|s| !s.is_empty())
                .collect();
            put(&mut moodle, "related", json!(related));
        }
        if let Some(e) = layout.exported {
            put(&mut moodle, "exportedid", json!(f(e)));
        }
        if !moodle.is_empty() {
            json.insert("extensions".into(), json!({ KEY: moodle }));
        }
        seen.insert(id.clone(), competencies.len());
        competencies.push(Competency {
            id,
            parent: f(0).to_owned(),
            json,
            loc: row.loc.clone(),
        });
    }
    let Some(fw) = framework_row else {
        diags.push(
            Diagnostic::in_file(Code::ImportInvalid, name, 1, 1, "no row has `Is framework` = 1, so there is no framework to import")
                .with_help("the framework row holds the framework's ID number, short name, scale and taxonomy; add it (Moodle cannot import the file without it either)"),
        );
        return out;
    };
    let f = |n: usize| fw.fields.get(n).map_or("", |s| s.trim());
    let framework_id = id.map_or_else(
        || slug(f(1), &slug(f(2), "moodle-framework")),
        str::to_owned,
    );
    let (levels, raw_taxonomy) = taxonomy(f(layout.taxonomy));

    // The tree: parents by ID number (forward references are fine); an unknown parent makes a
    // top-level item, as does a cycle.
    let by_idnumber: HashMap<String, usize> = competencies
        .iter()
        .enumerate()
        .map(|(n, c)| (c.id.clone(), n))
        .collect();
    // Cross-references are `related` items where they name a competency of the file; the rest
    // stay in `extensions`, with a warning.
    for c in &mut competencies {
        let Some(moodle) = c
            .json
            .get_mut("extensions")
            .and_then(|e| e.get_mut(KEY))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let Some(Value::Array(refs)) = moodle.remove("related") else {
            continue;
        };
        let (known, unknown): (Vec<Value>, Vec<Value>) = refs.into_iter().partition(|r| {
            r.as_str()
                .is_some_and(|r| by_idnumber.contains_key(&clean_id(r)))
        });
        if !unknown.is_empty() {
            let names: Vec<&str> = unknown.iter().filter_map(Value::as_str).collect();
            diags.push(Diagnostic::at(
                Code::ImportLeniency,
                &c.loc,
                format!(
                    "cross-referenced ID numbers that are not competencies of this file: kept in `extensions` ({})",
                    names.join(", ")
                ),
            ));
            moodle.insert("related".into(), Value::Array(unknown));
        }
        let empty = moodle.is_empty();
        if empty {
            c.json.remove("extensions");
        }
        let related: Vec<String> = known
            .iter()
            .filter_map(Value::as_str)
            .map(clean_id)
            .collect();
        put(&mut c.json, "related", json!(related));
    }
    let n = competencies.len();
    let mut parent: Vec<Option<usize>> = vec![None; n];
    for (i, c) in competencies.iter().enumerate() {
        if c.parent.is_empty() {
            continue;
        }
        match by_idnumber.get(&clean_id(&c.parent)) {
            Some(&p) if p != i => parent[i] = Some(p),
            _ => diags.push(Diagnostic::at(
                Code::ImportLeniency,
                &c.loc,
                format!(
                    "the parent ID number `{}` is not a competency of this file: made top-level",
                    c.parent
                ),
            )),
        }
    }
    // Parent chains that loop are cut at the looping competency that comes first in the file,
    // which becomes top-level.
    for cut in super::cut_parent_loops(&mut parent) {
        diags.push(Diagnostic::at(
            Code::ImportLeniency,
            &competencies[cut].loc,
            "this competency's parents lead back to it: made top-level",
        ));
    }
    let (children, roots) = super::children_of(&parent);
    let items = super::nest(&roots, &children, &source, diags, |i, depth| {
        let c = &competencies[i];
        let mut m = Map::new();
        m.insert("id".into(), json!(c.id));
        if let Some(k) = levels.get(depth) {
            m.insert("kind".into(), json!(k));
        }
        for (k, v) in &c.json {
            if k != "extensions" {
                m.insert(k.clone(), v.clone());
            }
        }
        if let Some(e) = c.json.get("extensions") {
            m.insert("extensions".into(), e.clone());
        }
        (m, c.loc.span)
    });

    let mut doc = Map::new();
    doc.insert("kind".into(), json!("framework"));
    doc.insert("id".into(), json!(framework_id));
    doc.insert(
        "title".into(),
        json!(if f(2).is_empty() { f(1) } else { f(2) }),
    );
    put(&mut doc, "description", json!(fw.fields[3]));
    doc.insert("completeness".into(), json!("complete"));
    put(&mut doc, "levels", json!(levels));
    let mut moodle = Map::new();
    if f(1) != framework_id {
        put(&mut moodle, "idnumber", json!(f(1)));
    }
    if f(4) != PLAIN && !fw.fields[3].is_empty() {
        put(&mut moodle, "descriptionformat", json!(f(4)));
    }
    if f(5) != DEFAULT_SCALE || f(6) != DEFAULT_SCALE_CONFIG {
        put(&mut moodle, "scalevalues", json!(f(5)));
        put(&mut moodle, "scaleconfiguration", json!(f(6)));
    }
    if let Some(t) = raw_taxonomy {
        moodle.insert("taxonomy".into(), json!(t));
    }
    if let Some(e) = layout.exported {
        put(&mut moodle, "exportedid", json!(f(e)));
    }
    if !moodle.is_empty() {
        doc.insert("extensions".into(), json!({ KEY: moodle }));
    }
    let mut tree = Node::from_json_at(Value::Object(doc), fw.loc.span);
    tree.insert("items", Node::list(items, fw.loc.span));
    out.load(&source, &tree);
    out
}

/// An ID number as an item id: white space and `:` become `-`.
fn clean_id(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| {
            if c.is_whitespace() || c == ':' {
                '-'
            } else {
                c
            }
        })
        .collect()
}

/// Warns about ID numbers Moodle's PHP reads other than as text: a competency whose ID number
/// is `0` is skipped (PHP's `empty("0")` is true), and two ID numbers that are both numbers of
/// the same value (`1.1` and `1.10`, `1` and `01`) are the same to PHP's `==`, which Moodle
/// uses to find a parent, so a child can land under the wrong one.
fn php_loose_ids(rows: &[[String; 14]], loc: &crate::diagnostic::Loc, diags: &mut Vec<Diagnostic>) {
    // The first row is the framework's; the competencies' ID numbers are column 1.
    let ids: Vec<&str> = rows.iter().skip(1).map(|r| r[1].as_str()).collect();
    if ids.contains(&"0") {
        diags.push(
            Diagnostic::at(
                Code::ExportLoss,
                loc,
                "a competency with ID number `0`: Moodle's importer skips it (PHP reads `0` as empty)",
            )
            .with_help("give the item another id before importing into Moodle"),
        );
    }
    let mut by_value: HashMap<String, Vec<&str>> = HashMap::new();
    for id in &ids {
        if let Some(v) = php_number(id) {
            by_value.entry(v).or_default().push(id);
        }
    }
    let mut clashes: Vec<String> = by_value
        .into_values()
        .filter(|v| v.len() > 1)
        .map(|v| format!("`{}`", v.join("` = `")))
        .collect();
    clashes.sort();
    if !clashes.is_empty() {
        diags.push(
            Diagnostic::at(
                Code::ExportLoss,
                loc,
                format!(
                    "ID numbers Moodle's PHP compares as equal numbers, so a parent may be found wrongly: {}",
                    clashes.join(", ")
                ),
            )
            .with_help("Moodle matches a parent's ID number with PHP's `==`; ids that differ only as written numbers (`1.1`, `1.10`) are one to it"),
        );
    }
}

/// The value PHP gives a numeric string (`1.10` → `1.1`), or `None` when it is not one.
fn php_number(s: &str) -> Option<String> {
    let t = s.trim();
    let numeric = !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && t.chars().any(|c| c.is_ascii_digit());
    let v: f64 = t.parse().ok().filter(|_| numeric)?;
    v.is_finite().then(|| format!("{v}"))
}

/// The taxonomy as levels, and the text as written when it is not the plain comma list an
/// export writes back (the older layout's JSON object).
fn taxonomy(text: &str) -> (Vec<String>, Option<String>) {
    if text.starts_with('{') {
        let levels = serde_json::from_str::<Map<String, Value>>(text)
            .map(|m| {
                let mut v: Vec<(u32, String)> = m
                    .iter()
                    .filter_map(|(k, v)| Some((k.parse().ok()?, v.as_str()?.to_owned())))
                    .collect();
                v.sort();
                v.into_iter().map(|(_, s)| s).collect()
            })
            .unwrap_or_default();
        return (levels, Some(text.to_owned()));
    }
    let levels = text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    (levels, None)
}

/// A framework as a Moodle competency CSV, and what it could not hold.
pub fn export(framework: &Framework) -> (String, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let loc = &framework.info.loc;
    let ext = super::extension(framework.extensions.as_ref(), KEY);
    let get = |m: Option<&Map<String, Value>>, k: &str| {
        m.and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let mut rows: Vec<[String; 14]> = Vec::new();
    let max_depth = framework
        .items()
        .iter()
        .enumerate()
        .map(|(n, _)| depth(framework, n))
        .max()
        .map_or(0, |d| d + 1);
    let mut terms: Vec<String> = Vec::new();
    let mut renamed = Vec::new();
    for d in 0..max_depth.max(framework.levels.len()) {
        let level = framework.levels.get(d).map(String::as_str);
        match level {
            Some(l) if TAXONOMIES.contains(&l) => terms.push(l.to_owned()),
            Some(l) => {
                renamed.push(l.to_owned());
                terms.push("competency".into());
            }
            None => terms.push("competency".into()),
        }
    }
    // A taxonomy kept from the older 12-column layout is a JSON object, which the 14-column
    // layout's importer refuses (`invalidtaxonomy`): the terms are written instead.
    let taxonomy = get(ext, "taxonomy")
        .filter(|t| !t.trim_start().starts_with('{'))
        .unwrap_or_else(|| terms.join(","));
    // The document's fields Moodle's CSV has no place for.
    let info = &framework.info;
    let document_lost: Vec<&str> = [
        ("publisher", framework.publisher.is_some()),
        ("version", info.version.is_some()),
        ("source", info.source.is_some()),
        (
            "completeness: partial",
            info.completeness == Some(crate::model::Completeness::Partial),
        ),
        ("missing", !info.missing.is_empty()),
        ("note", info.note.is_some()),
        ("license_note", framework.license_note.is_some()),
        ("uri", framework.uri.is_some()),
        ("replaces", framework.replaces.is_some()),
        (
            "scale (Moodle's scale is its own)",
            !framework.scale.is_empty(),
        ),
    ]
    .into_iter()
    .filter(|(_, lost)| *lost)
    .map(|(what, _)| what)
    .collect();
    if !document_lost.is_empty() {
        diags.push(
            Diagnostic::at(
                Code::ExportLoss,
                loc,
                format!(
                    "Moodle's CSV has no place for the framework's {}: left out",
                    document_lost
                        .iter()
                        .map(|w| format!("`{w}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .with_help("keep the framework document as the record of them; a Moodle import gives back only what the CSV holds"),
        );
    }
    let description = framework.info.description.clone().unwrap_or_default();
    rows.push([
        String::new(),
        get(ext, "idnumber").unwrap_or_else(|| framework.id().to_string()),
        framework.info.title.clone(),
        description.clone(),
        get(ext, "descriptionformat").unwrap_or_else(|| PLAIN.into()),
        get(ext, "scalevalues").unwrap_or_else(|| DEFAULT_SCALE.into()),
        get(ext, "scaleconfiguration").unwrap_or_else(|| DEFAULT_SCALE_CONFIG.into()),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        get(ext, "exportedid").unwrap_or_default(),
        "1".into(),
        taxonomy,
    ]);
    let mut lost = super::Losses::default();
    let mut long_titles = Vec::new();
    for (n, item) in framework.items().iter().enumerate() {
        let m = super::extension(item.extensions.as_deref(), KEY);
        let idnumber = |i: &crate::model::Item| {
            get(super::extension(i.extensions.as_deref(), KEY), "idnumber")
                .unwrap_or_else(|| i.id.to_string())
        };
        let parent = framework
            .hierarchy()
            .parent(crate::model::ItemIdx(n as u32))
            .and_then(|p| framework.item(p))
            .map(idnumber)
            .unwrap_or_default();
        let d = depth(framework, n);
        let expected = framework.levels.get(d);
        if item.kind.is_some()
            && (item.kind.as_ref() != expected
                || !TAXONOMIES.contains(&item.kind.as_deref().unwrap_or("")))
        {
            lost.add(
                "item kinds that are not Moodle taxonomy terms of their depth",
                item.id.as_str(),
            );
        }
        {
            use super::ItemField as F;
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
                    F::Uri,
                    F::AltLabels,
                    F::Note,
                    F::Replaces,
                ],
            );
        }
        if item.title.chars().count() > 100 {
            long_titles.push(item.id.to_string());
        }
        // Cross-references: the related items' ID numbers, then those kept from an import.
        let related: Vec<String> = item
            .related()
            .filter_map(|r| r.item_id().and_then(|id| framework.find(id.as_str())))
            .filter_map(|i| framework.item(i))
            .map(idnumber)
            .chain(
                m.and_then(|m| m.get("related"))
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned),
            )
            .map(|s| s.replace(',', "%2C"))
            .collect();
        let statement = item.statement.clone().unwrap_or_default();
        rows.push([
            parent,
            idnumber(item),
            item.title.clone(),
            statement,
            get(m, "descriptionformat").unwrap_or_else(|| PLAIN.into()),
            get(m, "scalevalues").unwrap_or_default(),
            get(m, "scaleconfiguration").unwrap_or_default(),
            get(m, "ruletype").unwrap_or_default(),
            get(m, "ruleoutcome").unwrap_or_else(|| "0".into()),
            get(m, "ruleconfig").unwrap_or_else(|| "null".into()),
            related.join(","),
            get(m, "exportedid").unwrap_or_default(),
            String::new(),
            String::new(),
        ]);
    }
    php_loose_ids(&rows, loc, &mut diags);
    if !renamed.is_empty() {
        diags.push(
            Diagnostic::at(
                Code::ExportLoss,
                loc,
                format!(
                    "Moodle's taxonomy has no {}: written as `competency`",
                    list(&renamed)
                ),
            )
            .with_help(format!("Moodle's terms are {}", TAXONOMIES.join(", "))),
        );
    }
    lost.report("Moodle's CSV", loc, &mut diags);
    if !long_titles.is_empty() {
        diags.push(Diagnostic::at(
            Code::ExportLoss,
            loc,
            format!(
                "Moodle cuts short names to 100 characters on import; these titles are longer: {}",
                list(&long_titles)
            ),
        ));
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut ok = w.write_record(HEADER).is_ok();
    for r in &rows {
        ok &= w.write_record(r).is_ok();
    }
    let bytes = w.into_inner().unwrap_or_default();
    debug_assert!(ok);
    (String::from_utf8_lossy(&bytes).into_owned(), diags)
}

fn depth(framework: &Framework, n: usize) -> usize {
    let mut d = 0;
    let mut at = crate::model::ItemIdx(n as u32);
    while let Some(p) = framework.hierarchy().parent(at) {
        d += 1;
        at = p;
    }
    d
}

fn list(ids: &[String]) -> String {
    super::listed(ids)
}
