//! OpenSALT's generic CSV import file: one row per CASE item, its parent named by human coding
//! scheme in `Is Child Of`, association columns holding other items' codes or URLs. Header
//! spellings vary (`Human Coding Scheme`, `HumanCodingScheme`); they are matched ignoring case,
//! spaces and punctuation.
//!
//! Each row is an item. Its id is the human coding scheme where that is a usable, unique id, else
//! the `identifier` where it is usable and not already another row's id, else `row-N` for its
//! line (`row-N-2`, ... where another row's id is `row-N`). A row whose code or identifier is
//! not its id gets a warning saying why. Its title is the abbreviated statement, else the full
//! statement (which is then the statement); `kind` the `CFItemType`; `note` the notes. Siblings
//! are ordered by `sequenceNumber`, then file order. As OpenSALT does, an abbreviated statement
//! longer than 60 characters is refused (the row is left out). What a framework document has no
//! field for (the identifier, keywords, language, education level, licence, association
//! columns) is kept in `extensions.opensalt`.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::rows::{self, Row};
use super::{Imported, valid_item_id};
use crate::diagnostic::{Code, Diagnostic};
use crate::yaml::{self, Node};

const KEY: &str = "opensalt";

/// Columns kept in `extensions.opensalt` when they hold something, with the name they are
/// kept under.
const KEPT: &[(&str, &str)] = &[
    ("identifier", "identifier"),
    ("conceptkeywords", "conceptKeywords"),
    ("language", "language"),
    ("educationlevel", "educationLevel"),
    ("license", "license"),
    (
        "cfassociationgroupidentifier",
        "CFAssociationGroupIdentifier",
    ),
    ("ispartof", "isPartOf"),
    ("replacedby", "replacedBy"),
    ("exemplar", "exemplar"),
    ("hasskilllevel", "hasSkillLevel"),
    ("isrelatedto", "isRelatedTo"),
    ("isexactmatchof", "exactMatchOf"),
    ("exactmatchof", "exactMatchOf"),
    ("precedes", "precedes"),
    ("ispeerof", "isPeerOf"),
];

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Imports an OpenSALT CSV into a framework document.
pub fn import(name: &str, bytes: &[u8], id: Option<&str>) -> Imported {
    let mut out = Imported::default();
    let Some(source) = out.keep(yaml::decode(name, bytes, false)) else {
        return out;
    };
    let help = "an OpenSALT CSV: a header row, then one row per item";
    let Some(rows) = rows::read(&source, 0, b',', help, &mut out.diagnostics) else {
        return out;
    };
    let Some((header, rows)) = rows.split_first() else {
        out.diagnostics.push(
            Diagnostic::in_file(Code::ImportInvalid, name, 1, 1, "the file is empty")
                .with_help(help),
        );
        return out;
    };
    let columns: Vec<String> = header.fields.iter().map(|h| norm(h)).collect();
    let col = |n: &str| columns.iter().position(|c| c == n);
    let Some(full) = col("fullstatement") else {
        out.diagnostics.push(
            Diagnostic::at(
                Code::ImportInvalid,
                &header.loc,
                "the header has no `fullStatement` column",
            )
            .with_help(help),
        );
        return out;
    };
    let hcs = col("humancodingscheme");
    let abbreviated = col("abbreviatedstatement");
    let parent_col = col("ischildof");
    let sequence = col("sequencenumber");
    let kind = col("cfitemtype");
    let notes = col("notes");

    struct Entry<'r> {
        row: &'r Row,
        code: String,
        parent: String,
        sequence: Option<i64>,
        json: Map<String, Value>,
    }
    let mut entries: Vec<Entry<'_>> = Vec::new();
    for row in rows {
        if row.fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |c: Option<usize>| c.map_or("", |c| row.get(c));
        let statement = row.get(full);
        let short = get(abbreviated);
        if short.chars().count() > 60 {
            out.diagnostics.push(
                Diagnostic::at(
                    Code::ImportInvalid,
                    &row.loc,
                    format!(
                        "Abbreviated statement can not be longer than 60 characters (this one has {}): the row is left out, as OpenSALT refuses it",
                        short.chars().count()
                    ),
                )
                .with_help("shorten the abbreviated statement"),
            );
            continue;
        }
        if statement.is_empty() && short.is_empty() {
            out.diagnostics.push(
                Diagnostic::at(
                    Code::ImportInvalid,
                    &row.loc,
                    "a row with no statement: left out",
                )
                .with_help("every CASE item needs a full statement"),
            );
            continue;
        }
        let mut json = Map::new();
        if short.is_empty() {
            json.insert("title".into(), json!(statement));
        } else {
            json.insert("title".into(), json!(short));
            if !statement.is_empty() {
                json.insert("statement".into(), json!(statement));
            }
        }
        let k = get(kind);
        if !k.is_empty() {
            json.insert("kind".into(), json!(k));
        }
        let n = get(notes);
        if !n.is_empty() {
            json.insert("note".into(), json!(n));
        }
        let mut kept = Map::new();
        for (column, key) in KEPT {
            let v = get(col(column));
            if !v.is_empty() {
                kept.insert((*key).into(), json!(v));
            }
        }
        if !kept.is_empty() {
            json.insert("extensions".into(), json!({ KEY: kept }));
        }
        let seq_text = get(sequence);
        let seq = seq_text.parse::<i64>().ok();
        if !seq_text.is_empty() && seq.is_none() {
            out.diagnostics.push(Diagnostic::at(
                Code::ImportLeniency,
                &row.loc,
                "`sequenceNumber` is not a whole number: the row keeps its place in the file",
            ));
        }
        entries.push(Entry {
            row,
            code: get(hcs).to_owned(),
            parent: get(parent_col).to_owned(),
            sequence: seq,
            json,
        });
    }
    // Ids: the human coding scheme where usable and unique, else the identifier, else the row.
    // A fallback that another row's id already holds gives way to the next choice, so two rows
    // never share an id.
    let mut count: HashMap<&str, usize> = HashMap::new();
    for e in &entries {
        *count.entry(e.code.as_str()).or_default() += 1;
    }
    let rows_with = |code: &str| count.get(code).copied().unwrap_or(0);
    let own_code =
        |e: &Entry<'_>| !e.code.is_empty() && rows_with(&e.code) == 1 && valid_item_id(&e.code);
    let mut taken = super::UniqueIds::default();
    for e in entries.iter().filter(|e| own_code(e)) {
        taken.take(&e.code);
    }
    let mut ids: Vec<String> = Vec::with_capacity(entries.len());
    for e in &entries {
        if own_code(e) {
            ids.push(e.code.clone());
            continue;
        }
        let identifier = e
            .json
            .get("extensions")
            .and_then(|x| x.get(KEY))
            .and_then(|x| x.get("identifier"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let id = if valid_item_id(identifier) && taken.take(identifier) {
            identifier.to_owned()
        } else {
            taken.unique(&format!("row-{}", e.row.loc.line_column().0))
        };
        // Say why the row's own code, or failing that its identifier, is not its id.
        let (what, given) = if e.code.is_empty() {
            ("identifier", identifier)
        } else {
            ("human coding scheme", e.code.as_str())
        };
        if !given.is_empty() && given != id {
            let why = match crate::ids::ItemId::new(given) {
                Err(crate::ids::IdError::BadCharacter { what, .. }) => {
                    format!("cannot be an id: it holds {what}")
                }
                Err(_) => "cannot be an id".to_owned(),
                Ok(_) if what == "identifier" => "is another row's id".to_owned(),
                Ok(_) => format!("is on {} rows", rows_with(given)),
            };
            out.diagnostics.push(Diagnostic::at(
                Code::ImportLeniency,
                &e.row.loc,
                format!(
                    "the {what} `{}` {why}: this row's id is `{id}`",
                    crate::safe::escape(given)
                ),
            ));
        }
        ids.push(id);
    }
    let by_code: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.code.is_empty())
        .map(|(n, e)| (e.code.as_str(), n))
        .collect();
    let n = entries.len();
    let mut parent_of: Vec<Option<usize>> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            by_code
                .get(e.parent.as_str())
                .copied()
                .filter(|&p| !e.parent.is_empty() && p != i)
        })
        .collect();
    // A parent chain that loops is cut at the row of the loop that comes first.
    super::cut_parent_loops(&mut parent_of);
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        match parent_of[i] {
            Some(p) => children[p].push(i),
            None => {
                if !e.parent.is_empty() {
                    out.diagnostics.push(Diagnostic::at(
                        Code::ImportLeniency,
                        &e.row.loc,
                        format!(
                            "`Is Child Of` names `{}`, which is not the human coding scheme of another row here (or makes a loop): made top-level",
                            crate::safe::escape(&e.parent)
                        ),
                    ));
                }
                roots.push(i);
            }
        }
    }
    // Siblings by sequence number, then file order.
    let order = |list: &mut Vec<usize>| {
        list.sort_by_key(|&i| (entries[i].sequence.unwrap_or(i64::MAX), i));
    };
    order(&mut roots);
    for c in &mut children {
        order(c);
    }
    let items = super::nest(&roots, &children, &source, &mut out.diagnostics, |i, _| {
        let mut m = Map::new();
        m.insert("id".into(), json!(ids[i]));
        for (k, v) in &entries[i].json {
            m.insert(k.clone(), v.clone());
        }
        (m, entries[i].row.loc.span)
    });
    let stem = std::path::Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut doc = Map::new();
    doc.insert("kind".into(), json!("framework"));
    doc.insert(
        "id".into(),
        json!(id.map_or_else(|| super::slug(&stem, "opensalt-framework"), str::to_owned)),
    );
    doc.insert("title".into(), json!(stem));
    doc.insert("source".into(), json!(name));
    doc.insert("completeness".into(), json!("complete"));
    let mut tree = Node::from_json_at(Value::Object(doc), header.loc.span);
    tree.insert("items", Node::list(items, header.loc.span));
    out.load(&source, &tree);
    out
}
