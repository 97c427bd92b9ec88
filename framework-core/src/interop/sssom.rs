//! SSSOM (the Simple Standard for Sharing Ontological Mappings): a mapping set as TSV, its
//! metadata in `#`-prefixed YAML lines above the table.
//!
//! Import: each row's `subject_id` and `object_id` are CURIEs whose prefix is a framework's id
//! (or a prefix the `curie_map` expands to a framework's `uri`); rows are grouped into one
//! mapping document per pair of frameworks. SKOS predicates become relations
//! (`skos:exactMatch` exact, `skos:closeMatch` close, `skos:narrowMatch` narrow: the object is
//! narrower, `skos:broadMatch` broad, `skos:relatedMatch` related); `confidence` is kept, and
//! `mapping_justification` becomes the link's `justification` (`semapv:ManualMappingCuration`
//! manual, `semapv:LexicalMatching` lexical, `semapv:MappingChaining` composed, any other
//! imported, named in the note); `comment` is the note. An object `sssom:NoTermFound` puts the
//! subject in the mapping's `no_match`. A negated row (`predicate_modifier: Not`) says two items
//! are *not* related: it has no place in a mapping, and is reported.
//!
//! Export: a mapping document as an SSSOM TSV with the same columns, and the metadata SSSOM
//! requires (`mapping_set_id`, `license`, `curie_map`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use super::Imported;
use super::rows::{self, Row};
use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic, Loc};
use crate::model::{Justification, Mapping, Relation};
use crate::yaml::{self, Node};

/// The SKOS predicate of each relation, as SSSOM writes it.
fn predicate(r: Relation) -> &'static str {
    match r {
        Relation::Exact => "skos:exactMatch",
        Relation::Close => "skos:closeMatch",
        Relation::Narrow => "skos:narrowMatch",
        Relation::Broad => "skos:broadMatch",
        Relation::Related => "skos:relatedMatch",
    }
}

fn relation(p: &str) -> Option<Relation> {
    Some(match p {
        "skos:exactMatch" | "owl:equivalentClass" => Relation::Exact,
        "skos:closeMatch" => Relation::Close,
        "skos:narrowMatch" => Relation::Narrow,
        "skos:broadMatch" => Relation::Broad,
        "skos:relatedMatch" => Relation::Related,
        _ => return None,
    })
}

fn justification_of(j: Justification) -> &'static str {
    match j {
        Justification::Manual => "semapv:ManualMappingCuration",
        Justification::Lexical => "semapv:LexicalMatching",
        Justification::Composed => "semapv:MappingChaining",
        Justification::Imported => "semapv:UnspecifiedMatching",
    }
}

/// One mapping being made: its links, its items with no counterpart, where its first row is.
type Set = (Vec<Value>, Vec<Value>, Loc);

/// The object that says "no counterpart".
const NO_TERM: &str = "sssom:NoTermFound";

/// The metadata lines (`# key: value`) at the top, as YAML text, and where the table starts.
fn metadata(text: &str) -> (String, usize) {
    let mut yaml = String::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let Some(rest) = line.strip_prefix('#') else {
            break;
        };
        yaml.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        at += line.len();
    }
    (yaml, at)
}

/// Imports an SSSOM TSV file into mapping documents (one per pair of frameworks), checked
/// against the catalog's frameworks.
pub fn import(catalog: &Catalog, name: &str, bytes: &[u8]) -> Imported {
    let mut out = Imported::default();
    let Some(source) = out.keep(yaml::decode(name, bytes, false)) else {
        return out;
    };
    let text = source.text();
    let (meta_text, table_at) = metadata(text);
    let meta: Map<String, Value> = if meta_text.trim().is_empty() {
        Map::new()
    } else {
        match serde_saphyr::from_str::<Value>(&meta_text) {
            Ok(Value::Object(m)) => m,
            _ => {
                out.diagnostics.push(
                    Diagnostic::in_file(
                        Code::ImportLeniency,
                        name,
                        1,
                        1,
                        "the `#` metadata lines are not YAML: read as absent",
                    )
                    .with_help("SSSOM metadata is YAML, each line prefixed with `#`"),
                );
                Map::new()
            }
        }
    };
    let curie_map: BTreeMap<String, String> = meta
        .get("curie_map")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let help = "an SSSOM file is tab-separated, with a header row of SSSOM column names";
    let Some(rows) = rows::read(&source, table_at, b'\t', help, &mut out.diagnostics) else {
        return out;
    };
    let Some((header, rows)) = rows.split_first() else {
        out.diagnostics.push(
            Diagnostic::in_file(Code::ImportInvalid, name, 1, 1, "the file has no table")
                .with_help(help),
        );
        return out;
    };
    let col = |n: &str| rows::column(header, &[n]);
    let (Some(subject), Some(pred), Some(object)) =
        (col("subject_id"), col("predicate_id"), col("object_id"))
    else {
        out.diagnostics.push(
            Diagnostic::at(
                Code::ImportInvalid,
                &header.loc,
                "the header lacks `subject_id`, `predicate_id` or `object_id`",
            )
            .with_help(help),
        );
        return out;
    };
    let justification = col("mapping_justification");
    let confidence = col("confidence");
    let comment = col("comment");
    let modifier = col("predicate_modifier");

    // A CURIE's framework: its prefix when a framework has that id, else the framework whose
    // `uri` the curie_map expands the prefix to.
    let framework_of = |prefix: &str| -> Option<String> {
        if catalog.framework(prefix).is_some() {
            return Some(prefix.to_owned());
        }
        let expanded = curie_map.get(prefix)?;
        catalog
            .frameworks()
            .iter()
            .find(|f| {
                f.uri.as_deref().is_some_and(|u| {
                    u.trim_end_matches(['/', '#']) == expanded.trim_end_matches(['/', '#'])
                })
            })
            .map(|f| f.info.id.to_string())
    };
    // (from, to) -> (links, no_match, where the first row is)
    let mut sets: BTreeMap<(String, String), Set> = BTreeMap::new();
    let mut no_match: BTreeMap<String, (Vec<Value>, Loc)> = BTreeMap::new();
    for row in rows {
        if row.fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let split = |n: usize| -> Option<(String, String)> {
            let (p, local) = row.get(n).split_once(':')?;
            Some((p.to_owned(), local.to_owned()))
        };
        if modifier.is_some_and(|m| row.get(m).eq_ignore_ascii_case("Not")) {
            out.diagnostics.push(
                Diagnostic::at(Code::ImportLeniency, &row.loc, "a negated mapping (`predicate_modifier: Not`) says two items are not related; a mapping document has no place for it: left out")
                    .with_help("a mapping lists links that hold; an item assessed with no counterpart goes in `no_match` (SSSOM: object `sssom:NoTermFound`)"),
            );
            continue;
        }
        let Some((sp, sid)) = split(subject) else {
            bad(&mut out, row, "`subject_id` is not a CURIE (PREFIX:ID)");
            continue;
        };
        let Some(from) = framework_of(&sp) else {
            unknown_prefix(&mut out, row, &sp);
            continue;
        };
        if row.get(object) == NO_TERM {
            no_match
                .entry(from)
                .or_insert_with(|| (Vec::new(), row.loc.clone()))
                .0
                .push(json!(sid));
            continue;
        }
        let Some((op, oid)) = split(object) else {
            bad(&mut out, row, "`object_id` is not a CURIE (PREFIX:ID)");
            continue;
        };
        let Some(to) = framework_of(&op) else {
            unknown_prefix(&mut out, row, &op);
            continue;
        };
        let Some(rel) = relation(row.get(pred)) else {
            out.diagnostics.push(
                Diagnostic::at(
                    Code::ImportInvalid,
                    &row.loc,
                    format!("`{}` is not a SKOS mapping predicate: left out", crate::safe::escape(row.get(pred))),
                )
                .with_help("use skos:exactMatch, skos:closeMatch, skos:narrowMatch, skos:broadMatch or skos:relatedMatch"),
            );
            continue;
        };
        let mut link = Map::new();
        link.insert("from".into(), json!(sid));
        link.insert("to".into(), json!(oid));
        link.insert("relation".into(), json!(rel));
        let mut note = comment
            .map(|c| row.get(c).to_owned())
            .filter(|c| !c.is_empty());
        if let Some(j) = justification.map(|c| row.get(c)).filter(|j| !j.is_empty()) {
            let ours = match j {
                "semapv:ManualMappingCuration" => Justification::Manual,
                "semapv:LexicalMatching" => Justification::Lexical,
                "semapv:MappingChaining" => Justification::Composed,
                other => {
                    let said = format!("SSSOM justification: {other}");
                    note = Some(match note {
                        Some(n) => format!("{n} ({said})"),
                        None => said,
                    });
                    Justification::Imported
                }
            };
            link.insert("justification".into(), json!(ours));
        }
        if let Some(c) = confidence.map(|c| row.get(c)).filter(|c| !c.is_empty()) {
            match c.parse::<f64>() {
                Ok(v) => {
                    link.insert("confidence".into(), json!(v));
                }
                Err(_) => bad(
                    &mut out,
                    row,
                    "`confidence` is not a number: left out of the link",
                ),
            }
        }
        if let Some(n) = note {
            link.insert("note".into(), json!(n));
        }
        sets.entry((from, to))
            .or_insert_with(|| (Vec::new(), Vec::new(), row.loc.clone()))
            .0
            .push(Value::Object(link));
    }
    // Items with no counterpart join the set from their framework (a set of their own when
    // none exists).
    for (from, (items, loc)) in no_match {
        let key = sets
            .keys()
            .find(|(f, _)| *f == from)
            .cloned()
            .unwrap_or_else(|| (from.clone(), from.clone()));
        sets.entry(key)
            .or_insert_with(|| (Vec::new(), Vec::new(), loc))
            .1
            .extend(items);
    }
    let set_id = meta
        .get("mapping_set_id")
        .and_then(Value::as_str)
        .map(str::to_owned);
    for ((from, to), (links, unmatched, loc)) in sets {
        let mut doc = Map::new();
        doc.insert("kind".into(), json!("mapping"));
        doc.insert("id".into(), json!(format!("{from}--{to}")));
        let title = meta
            .get("mapping_set_title")
            .and_then(Value::as_str)
            .map_or_else(|| format!("{from} → {to} (from SSSOM)"), str::to_owned);
        doc.insert("title".into(), json!(title));
        doc.insert(
            "source".into(),
            json!(set_id.clone().unwrap_or_else(|| name.to_owned())),
        );
        if let Some(v) = meta.get("mapping_set_version").and_then(Value::as_str) {
            doc.insert("version".into(), json!(v));
        }
        if let Some(v) = meta.get("mapping_set_description").and_then(Value::as_str) {
            doc.insert("description".into(), json!(v));
        }
        doc.insert("completeness".into(), json!("complete"));
        doc.insert("from".into(), json!(from));
        doc.insert("to".into(), json!(to));
        doc.insert("links".into(), Value::Array(links));
        if !unmatched.is_empty() {
            doc.insert("no_match".into(), Value::Array(unmatched));
        }
        let tree = Node::from_json_at(Value::Object(doc), loc.span);
        out.load(&source, &tree);
    }
    out
}

fn bad(out: &mut Imported, row: &Row, message: &str) {
    out.diagnostics.push(Diagnostic::at(
        Code::ImportInvalid,
        &row.loc,
        format!("{message}: left out"),
    ));
}

fn unknown_prefix(out: &mut Imported, row: &Row, prefix: &str) {
    out.diagnostics.push(
        Diagnostic::at(
            Code::ImportInvalid,
            &row.loc,
            format!(
                "no framework in the catalog has the id `{}`, or a `uri` the curie_map gives this prefix: left out",
                crate::safe::escape(prefix)
            ),
        )
        .with_help("add the framework with `--catalog FILE`, or map the prefix to its `uri` in the file's curie_map"),
    );
}

/// A mapping as an SSSOM TSV.
pub fn export(catalog: &Catalog, mapping: &Mapping) -> String {
    export_with_losses(catalog, mapping).0
}

/// [`export`], with what SSSOM's metadata has no place for (`export-loss` warnings).
pub fn export_with_losses(catalog: &Catalog, mapping: &Mapping) -> (String, Vec<Diagnostic>) {
    let info = &mapping.info;
    let lost: Vec<&str> = [
        ("completeness", info.completeness.is_some()),
        ("missing", !info.missing.is_empty()),
        ("note", info.note.is_some()),
        ("source", info.source.is_some()),
    ]
    .into_iter()
    .filter(|(_, l)| *l)
    .map(|(w, _)| w)
    .collect();
    let mut diags = Vec::new();
    if !lost.is_empty() {
        diags.push(Diagnostic::at(
            Code::ExportLoss,
            &info.loc,
            format!(
                "SSSOM's metadata has no place for the mapping's {}: left out",
                lost.iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    (tsv(catalog, mapping), diags)
}

fn tsv(catalog: &Catalog, mapping: &Mapping) -> String {
    let title = |r: &crate::ids::ItemRef| -> String {
        catalog
            .resolve(r)
            .and_then(|t| match t {
                crate::graph::Target::Item(h) => catalog.item(h).map(|i| i.title.clone()),
                crate::graph::Target::Framework(_) => None,
            })
            .unwrap_or_default()
    };
    let uri_of = |fw: &str| -> String {
        catalog
            .framework(fw)
            .and_then(|f| f.uri.clone())
            .unwrap_or_else(|| format!("urn:competence-engine:{fw}:"))
    };
    let cell = |s: &str| s.replace(['\n', '\r'], " ");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# mapping_set_id: urn:competence-engine:mapping:{}",
        mapping.info.id
    );
    let _ = writeln!(
        out,
        "# mapping_set_title: {}",
        yaml_scalar(&mapping.info.title)
    );
    if let Some(v) = &mapping.info.version {
        let _ = writeln!(out, "# mapping_set_version: {}", yaml_scalar(v));
    }
    if let Some(v) = &mapping.info.description {
        let _ = writeln!(out, "# mapping_set_description: {}", yaml_scalar(v));
    }
    let _ = writeln!(out, "# license: https://w3id.org/sssom/license/unspecified");
    let _ = writeln!(out, "# curie_map:");
    let _ = writeln!(out, "#   skos: http://www.w3.org/2004/02/skos/core#");
    let _ = writeln!(out, "#   semapv: https://w3id.org/semapv/vocab/");
    let _ = writeln!(out, "#   sssom: https://w3id.org/sssom/");
    for fw in [mapping.from.as_str(), mapping.to.as_str()] {
        let _ = writeln!(out, "#   {fw}: {}", yaml_scalar(&uri_of(fw)));
    }
    let curie = |r: &crate::ids::ItemRef| {
        format!(
            "{}:{}",
            r.framework(),
            r.item_id().map_or("*", |i| i.as_str())
        )
    };
    // The table through a TSV writer: a field holding a quote or a tab is quoted, as readers
    // expect.
    let mut w = csv::WriterBuilder::new()
        .delimiter(b'\t')
        .from_writer(Vec::new());
    let mut rows: Vec<[String; 8]> = vec![
        [
            "subject_id",
            "subject_label",
            "predicate_id",
            "object_id",
            "object_label",
            "mapping_justification",
            "confidence",
            "comment",
        ]
        .map(str::to_owned),
    ];
    for l in &mapping.links {
        rows.push([
            curie(&l.from),
            cell(&title(&l.from)),
            predicate(l.relation).to_owned(),
            curie(&l.to),
            cell(&title(&l.to)),
            justification_of(l.justification.unwrap_or(Justification::Manual)).to_owned(),
            l.confidence.map(|c| c.to_string()).unwrap_or_default(),
            cell(l.note.as_deref().unwrap_or_default()),
        ]);
    }
    for r in mapping.no_match() {
        rows.push([
            curie(r),
            cell(&title(r)),
            "skos:exactMatch".to_owned(),
            NO_TERM.to_owned(),
            String::new(),
            "semapv:ManualMappingCuration".to_owned(),
            String::new(),
            String::new(),
        ]);
    }
    for row in &rows {
        // Writing to memory does not fail.
        let _ = w.write_record(row);
    }
    out.push_str(&String::from_utf8_lossy(
        &w.into_inner().unwrap_or_default(),
    ));
    crate::safe::escape(&out).into_owned()
}

/// Text as a YAML scalar on one line (quoted JSON-style when it needs to be).
fn yaml_scalar(s: &str) -> String {
    super::sheet::quoted(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::builtin()
    }

    #[test]
    fn a_mapping_goes_out_and_comes_back_the_same() {
        let c = catalog();
        let m = c
            .mapping("care-certificate-2015--hee-psw-2020")
            .expect("a shipped mapping");
        let tsv = export(&c, m);
        assert!(tsv.starts_with("# mapping_set_id: "));
        let back = import(&c, "m.sssom.tsv", tsv.as_bytes());
        let errors: Vec<_> = back.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        let again = &back.mappings[0];
        assert_eq!(again.links.len(), m.links.len());
        for (a, b) in again.links.iter().zip(&m.links) {
            assert_eq!((&a.from, &a.to, a.relation), (&b.from, &b.to, b.relation));
            assert_eq!(a.note, b.note);
        }
    }

    #[test]
    fn predicates_confidence_justification_and_no_match_are_read() {
        let c = catalog();
        let tsv = "# mapping_set_id: https://example.org/set\n# license: https://creativecommons.org/publicdomain/zero/1.0/\nsubject_id\tpredicate_id\tobject_id\tmapping_justification\tconfidence\tcomment\tpredicate_modifier\nsrn-peer-values:hope\tskos:broadMatch\thee-psw-2020:1.1.c1\tsemapv:LexicalMatching\t0.6\tguessed\t\nsrn-peer-values:hope\tskos:exactMatch\tsssom:NoTermFound\tsemapv:ManualMappingCuration\t\t\t\nsrn-peer-values:hope\tskos:exactMatch\thee-psw-2020:2.1\tsemapv:ManualMappingCuration\t\t\tNot\nnope:x\tskos:exactMatch\thee-psw-2020:2.1\t\t\t\t\n";
        let back = import(&c, "s.tsv", tsv.as_bytes());
        let m = &back.mappings[0];
        assert_eq!(m.links[0].relation, Relation::Broad);
        assert_eq!(m.links[0].confidence, Some(0.6));
        assert_eq!(m.links[0].justification, Some(Justification::Lexical));
        assert_eq!(m.no_match().count(), 1);
        let codes: Vec<(Code, u32)> = back
            .diagnostics
            .iter()
            .map(|d| (d.code(), d.line()))
            .collect();
        assert_eq!(
            codes,
            vec![(Code::ImportLeniency, 6), (Code::ImportInvalid, 7)]
        );
    }
}
