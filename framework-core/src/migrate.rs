//! A curriculum or role moved to a new edition of its framework (`competence migrate`): every
//! reference to the old edition re-pointed through the edition changes [`crate::diff`] finds
//! (the new edition's `replaces`, a mapping between the editions, the same id, similar titles),
//! and each reported: moved to one item, split into several, merged into one, or, with no
//! successor, left as it is and flagged for a person.
//!
//! The old edition is the document's framework that the new one names as its `replaces`, or
//! that a mapping links to it.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::analysis::AnalysisError;
use crate::catalog::Catalog;
use crate::diff::{Change, Evidence, diff};
use crate::ids::{FrameworkId, ItemRef};
use crate::model::{Cover, DocumentKind};

/// One reference re-pointed (or not).
#[derive(Debug, Clone, Serialize)]
pub struct Repointed {
    /// Where it is: `session day-1`, `assessment workbook`, `requirement care`.
    pub at: String,
    /// The old reference.
    pub from: ItemRef,
    /// What it now names (empty when nothing succeeds it: it is left as it was).
    pub to: Vec<ItemRef>,
    /// What became of the item between the editions.
    pub change: Change,
    /// What decided it (see [`crate::diff::Evidence`]).
    pub evidence: Option<Evidence>,
}

/// A document moved to a new edition (`competence migrate`).
#[derive(Debug, Clone, Serialize)]
pub struct MigrateReport {
    /// The document's id.
    pub document: String,
    /// Its kind (curriculum or role).
    pub kind: DocumentKind,
    /// The old edition.
    pub from: FrameworkId,
    /// The new edition.
    pub to: FrameworkId,
    /// Every reference to the old edition, where it now points.
    pub references: Vec<Repointed>,
    /// How many references each change concerned.
    pub summary: BTreeMap<Change, usize>,
    /// The document re-pointed, in its document shape.
    pub migrated: Value,
    /// What every item of the old edition becomes (empty when nothing succeeds it), for
    /// re-pointing what else names them (a cohort's evidence).
    #[serde(skip)]
    pub successors: BTreeMap<ItemRef, Vec<ItemRef>>,
}

impl MigrateReport {
    /// The references nothing succeeds (left as they were, for a person to decide).
    pub fn unmapped(&self) -> impl Iterator<Item = &Repointed> + '_ {
        self.references.iter().filter(|r| r.to.is_empty())
    }
}

/// What an old reference becomes: the new items and the change, by old item id.
type Successors = HashMap<String, (Vec<ItemRef>, Change, Option<Evidence>)>;

/// Moves a curriculum or a role (`document`) to the edition `to`.
pub fn migrate(
    catalog: &Catalog,
    document: &str,
    to: &str,
) -> Result<MigrateReport, AnalysisError> {
    let (kind, _) = catalog.locate(document, &[DocumentKind::Curriculum, DocumentKind::Role])?;
    let new = catalog.lookup_framework(to)?;
    // The frameworks the document names.
    let named: Vec<FrameworkId> = match kind {
        DocumentKind::Curriculum => catalog
            .curriculum(document)
            .map(|c| c.frameworks.clone())
            .unwrap_or_default(),
        _ => {
            let mut v: Vec<FrameworkId> = Vec::new();
            for r in catalog
                .roles()
                .iter()
                .filter(|r| r.info.id.as_str() == document)
            {
                for q in &r.requirements {
                    for i in &q.items {
                        if !v.contains(i.framework()) {
                            v.push(i.framework().clone());
                        }
                    }
                }
            }
            v
        }
    };
    let linked = |f: &FrameworkId| {
        new.replaces.as_ref() == Some(f)
            || catalog
                .mappings()
                .iter()
                .any(|m| (&m.from == f && &m.to == new.id()) || (&m.to == f && &m.from == new.id()))
    };
    let Some(old) = named.iter().find(|f| *f != new.id() && linked(f)).cloned() else {
        return Err(AnalysisError::UnknownDocument {
            id: to.to_owned(),
            what: format!("new edition of a framework `{document}` names"),
            help: Some(format!(
                "`{to}` names none of the document's frameworks ({}) as its `replaces`, and no mapping links them; write the edition mapping (`competence diff OLD {to} --format yaml`)",
                named
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        });
    };
    let changes = diff(catalog, old.as_str(), to, None)?.body;
    let mut successors: Successors = HashMap::new();
    let mut by_ref: BTreeMap<ItemRef, Vec<ItemRef>> = BTreeMap::new();
    for c in &changes.changes {
        for o in &c.old {
            if let Some(id) = o.item_id() {
                // An item in two changes keeps every successor.
                let entry = successors
                    .entry(id.to_string())
                    .or_insert_with(|| (Vec::new(), c.change, c.evidence));
                for r in &c.new {
                    if !entry.0.contains(r) {
                        entry.0.push(r.clone());
                    }
                }
                let all = by_ref.entry(o.clone()).or_default();
                for r in &c.new {
                    if !all.contains(r) {
                        all.push(r.clone());
                    }
                }
            }
        }
    }
    let mut references = Vec::new();
    let mut repoint = |at: String, r: &ItemRef| -> Vec<ItemRef> {
        if r.framework() != &old {
            return vec![r.clone()];
        }
        let (targets, change, evidence) = match r.item_id() {
            None => (
                vec![ItemRef::all(new.id().clone())],
                Change::Unchanged,
                None,
            ),
            Some(id) => {
                successors
                    .get(id.as_str())
                    .cloned()
                    .unwrap_or((Vec::new(), Change::Removed, None))
            }
        };
        let result = if targets.is_empty() {
            vec![r.clone()]
        } else {
            targets.clone()
        };
        references.push(Repointed {
            at,
            from: r.clone(),
            to: targets,
            change,
            evidence,
        });
        result
    };
    let migrated = match kind {
        DocumentKind::Curriculum => {
            let Some(c) = catalog.curriculum(document) else {
                return Err(catalog_unknown(document));
            };
            let covers = |list: &[Cover],
                          at: String,
                          repoint: &mut dyn FnMut(String, &ItemRef) -> Vec<ItemRef>,
                          assessed: bool|
             -> Value {
                let mut out: Vec<(ItemRef, Value)> = Vec::new();
                for cover in list {
                    for r in repoint(at.clone(), &cover.target) {
                        let mut m = Map::new();
                        m.insert("ref".into(), json!(r.to_string()));
                        if !assessed {
                            m.insert("depth".into(), json!(cover.depth));
                        }
                        if let Some(n) = &cover.note {
                            m.insert("note".into(), json!(n));
                        }
                        match out.iter_mut().find(|(x, _)| *x == r) {
                            // Two old items now one: once, at the deeper depth.
                            Some((_, v)) => {
                                if !assessed
                                    && v["depth"].as_str().and_then(crate::model::Depth::parse)
                                        < Some(cover.depth)
                                {
                                    v["depth"] = json!(cover.depth);
                                }
                            }
                            None => out.push((r, Value::Object(m))),
                        }
                    }
                }
                Value::Array(out.into_iter().map(|(_, v)| v).collect())
            };
            let session =
                |n: usize, repoint: &mut dyn FnMut(String, &ItemRef) -> Vec<ItemRef>| -> Value {
                    let s = &c.sessions[n];
                    let mut m = Map::new();
                    m.insert("id".into(), json!(s.id.as_str()));
                    m.insert("title".into(), json!(s.title));
                    put(&mut m, "day", json!(s.day));
                    put(&mut m, "week", json!(s.week));
                    put(&mut m, "hours", json!(s.hours));
                    put(&mut m, "note", json!(s.note));
                    m.insert(
                        "covers".into(),
                        covers(&s.covers, format!("session {}", s.id), repoint, false),
                    );
                    Value::Object(m)
                };
            let mut doc = info_fields("curriculum", &c.info);
            put(&mut doc, "provider", json!(c.provider));
            let frameworks: Vec<String> = {
                let mut v: Vec<String> = Vec::new();
                for f in &c.frameworks {
                    let f = if f == &old {
                        new.id().to_string()
                    } else {
                        f.to_string()
                    };
                    if !v.contains(&f) {
                        v.push(f);
                    }
                }
                v
            };
            doc.insert("frameworks".into(), json!(frameworks));
            let mut modules = Vec::new();
            for module in &c.modules {
                let mut m = Map::new();
                m.insert("id".into(), json!(module.id.as_str()));
                m.insert("title".into(), json!(module.title));
                put(&mut m, "note", json!(module.note));
                let sessions: Vec<Value> = module
                    .sessions
                    .iter()
                    .map(|&n| session(n, &mut repoint))
                    .collect();
                m.insert("sessions".into(), Value::Array(sessions));
                modules.push(Value::Object(m));
            }
            if !modules.is_empty() {
                doc.insert("modules".into(), Value::Array(modules));
            }
            let loose: Vec<Value> = (0..c.sessions.len())
                .filter(|&n| c.sessions[n].module.is_none())
                .map(|n| session(n, &mut repoint))
                .collect();
            if !loose.is_empty() {
                doc.insert("sessions".into(), Value::Array(loose));
            }
            let assessments: Vec<Value> = c
                .assessments
                .iter()
                .map(|a| {
                    let mut m = Map::new();
                    m.insert("id".into(), json!(a.id.as_str()));
                    m.insert("title".into(), json!(a.title));
                    put(&mut m, "day", json!(a.day));
                    put(&mut m, "week", json!(a.week));
                    put(&mut m, "note", json!(a.note));
                    m.insert(
                        "assesses".into(),
                        covers(
                            &a.assesses,
                            format!("assessment {}", a.id),
                            &mut repoint,
                            true,
                        ),
                    );
                    Value::Object(m)
                })
                .collect();
            if !assessments.is_empty() {
                doc.insert("assessments".into(), Value::Array(assessments));
            }
            Value::Object(doc)
        }
        _ => {
            let Some(role) = catalog
                .roles()
                .iter()
                .find(|r| r.info.id.as_str() == document)
            else {
                return Err(catalog_unknown(document));
            };
            let mut doc = serde_json::to_value(role.document_view()).unwrap_or(Value::Null);
            if let Some(reqs) = doc.get_mut("requirements").and_then(Value::as_array_mut) {
                for (q, v) in role.requirements.iter().zip(reqs.iter_mut()) {
                    let mut items: Vec<String> = Vec::new();
                    for r in &q.items {
                        for x in repoint(format!("requirement {}", q.id), r) {
                            let x = x.to_string();
                            if !items.contains(&x) {
                                items.push(x);
                            }
                        }
                    }
                    v["items"] = json!(items);
                }
            }
            doc
        }
    };
    let mut summary: BTreeMap<Change, usize> = BTreeMap::new();
    for r in &references {
        *summary.entry(r.change).or_default() += 1;
    }
    Ok(MigrateReport {
        document: document.to_owned(),
        kind,
        from: old,
        to: new.id().clone(),
        references,
        summary,
        migrated,
        successors: by_ref,
    })
}

fn catalog_unknown(id: &str) -> AnalysisError {
    AnalysisError::UnknownDocument {
        id: id.to_owned(),
        what: "curriculum or role".to_owned(),
        help: None,
    }
}

/// The common fields of a document, in its shape.
fn info_fields(kind: &str, info: &crate::model::DocumentInfo) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("kind".into(), json!(kind));
    m.insert("id".into(), json!(info.id.as_str()));
    m.insert("title".into(), json!(info.title));
    put(&mut m, "description", json!(info.description));
    put(&mut m, "version", json!(info.version));
    put(&mut m, "source", json!(info.source));
    put(&mut m, "completeness", json!(info.completeness));
    if !info.missing.is_empty() {
        m.insert("missing".into(), json!(info.missing));
    }
    put(&mut m, "note", json!(info.note));
    m
}

fn put(m: &mut Map<String, Value>, key: &str, v: Value) {
    if !v.is_null() {
        m.insert(key.to_owned(), v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_course_moves_to_the_new_edition_and_each_reference_is_reported() {
        let old = "kind: framework\nid: e1\ntitle: E1\nsource: t\ncompleteness: complete\nitems:\n  - { id: a, title: Attending }\n  - { id: s, title: Split me }\n  - { id: gone, title: Gone }\n";
        let new = "kind: framework\nid: e2\ntitle: E2\nsource: t\ncompleteness: complete\nreplaces: e1\nitems:\n  - { id: a, title: Attending well, replaces: [a] }\n  - { id: s1, title: Part one, replaces: [s] }\n  - { id: s2, title: Part two, replaces: [s] }\n";
        let course = "kind: curriculum\nid: c\ntitle: C\nframeworks: [e1]\nsessions:\n  - { id: d1, title: Day 1, covers: [a, { ref: s, depth: practised }, gone] }\nassessments:\n  - { id: w, title: Workbook, assesses: [a] }\n";
        let mut b = Catalog::builder().builtin(false);
        for (n, t) in [("e1.yaml", old), ("e2.yaml", new), ("c.yaml", course)] {
            b.add_bytes(n, t.as_bytes());
        }
        let c = b.build();
        assert!(c.diagnostics().is_empty(), "{:?}", c.diagnostics());
        let r = migrate(&c, "c", "e2").unwrap();
        let got: Vec<(String, String, String, Change)> = r
            .references
            .iter()
            .map(|x| {
                (
                    x.at.clone(),
                    x.from.to_string(),
                    x.to.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" "),
                    x.change,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "session d1".into(),
                    "e1:a".into(),
                    "e2:a".into(),
                    Change::Renamed
                ),
                (
                    "session d1".into(),
                    "e1:s".into(),
                    "e2:s1 e2:s2".into(),
                    Change::Split
                ),
                (
                    "session d1".into(),
                    "e1:gone".into(),
                    String::new(),
                    Change::Removed
                ),
                (
                    "assessment w".into(),
                    "e1:a".into(),
                    "e2:a".into(),
                    Change::Renamed
                ),
            ]
        );
        assert_eq!(r.unmapped().count(), 1);
        // The migrated course names the new edition, and loads beside it.
        assert_eq!(r.migrated["frameworks"], json!(["e2"]));
        let text = crate::interop::to_yaml(&r.migrated, "migrated");
        let mut b = Catalog::builder().builtin(false);
        b.add_bytes("e1.yaml", old.as_bytes());
        b.add_bytes("e2.yaml", new.as_bytes());
        b.add_bytes("c.yaml", text.as_bytes());
        let again = b.build();
        assert!(
            again.diagnostics().is_empty(),
            "{text}\n{:?}",
            again.diagnostics()
        );
    }
}
