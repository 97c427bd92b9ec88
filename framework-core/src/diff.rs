//! Editions compared (`competence diff OLD NEW`): every item of both classified as added,
//! removed, renamed (same item, new title), reworded (new statement), moved (new parent), split
//! (one old item, several new), merged (several old, one new) or unchanged (SPEC §4).
//!
//! Which new item succeeds which old one is decided by the strongest evidence there is, in
//! order: the new item's `replaces`; an `exact` or `close` link of a mapping between the two
//! editions (the one given, else any in the catalog; a `narrow` link from old to new counts as
//! one of a split, `broad` as one of a merge); the same id; and, for items nothing else pairs,
//! the similarity of titles (and statements) at 0.8 or more, as a guess with its confidence.
//! Each change says which evidence decided it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::analysis::AnalysisError;
use crate::catalog::Catalog;
use crate::ids::{FrameworkId, ItemRef};
use crate::model::{DocumentKind, Framework, ItemIdx, Relation};
use crate::report::Report;

/// What became of an item between two editions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// Only in the new edition.
    Added,
    /// Only in the old edition.
    Removed,
    /// The same item, with a new title.
    Renamed,
    /// The same item, with a new statement.
    Reworded,
    /// The same item, under a new parent.
    Moved,
    /// One old item, succeeded by several new ones.
    Split,
    /// Several old items, succeeded by one new one.
    Merged,
    /// The same item, title, statement and parent.
    Unchanged,
}

impl Change {
    /// Every change, in the order summaries list them.
    pub const ALL: [Change; 8] = [
        Change::Added,
        Change::Removed,
        Change::Renamed,
        Change::Reworded,
        Change::Moved,
        Change::Split,
        Change::Merged,
        Change::Unchanged,
    ];

    /// The change as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Renamed => "renamed",
            Change::Reworded => "reworded",
            Change::Moved => "moved",
            Change::Split => "split",
            Change::Merged => "merged",
            Change::Unchanged => "unchanged",
        }
    }
}

/// What decided that a new item succeeds an old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    /// The new item's `replaces`.
    Replaces,
    /// A mapping link between the editions.
    Mapping,
    /// The same id.
    Id,
    /// Similar titles (a guess).
    Lexical,
}

/// One change.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EditionChange {
    /// What changed.
    pub change: Change,
    /// The old edition's items concerned.
    pub old: Vec<ItemRef>,
    /// The new edition's items concerned.
    pub new: Vec<ItemRef>,
    /// What decided the pairing (none for added and removed items).
    pub evidence: Option<Evidence>,
    /// How sure a guess is, from 0 to 1 (lexical evidence only).
    pub confidence: Option<f64>,
    /// The other ways the item changed (a moved item may be renamed too).
    #[serde(default)]
    pub also: Vec<Change>,
    /// What else changed, and the titles when they differ.
    pub note: Option<String>,
}

/// Two editions compared (`competence diff`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DiffReport {
    /// The old edition.
    pub old: FrameworkId,
    /// The new edition.
    pub new: FrameworkId,
    /// The mapping used, if any.
    pub mapping: Option<String>,
    /// Every change, in old-edition order (added items after, in new-edition order).
    pub changes: Vec<EditionChange>,
    /// How many of each change.
    pub summary: BTreeMap<Change, usize>,
    /// Whether the similarity of titles was left out, too many items being unpaired to compare
    /// each with each ([`MAX_LEXICAL_PAIRS`]).
    #[serde(default)]
    pub lexical_skipped: bool,
}

/// A pairing of an old item with a new one, and what decided it.
#[derive(Debug, Clone, Copy)]
struct Pair {
    old: usize,
    new: usize,
    evidence: Evidence,
    confidence: Option<f64>,
}

/// Text compared leniently: lower case, words only.
fn words(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// An item's words, compared leniently: its title's and its statement's.
struct Words {
    title: String,
    statement: Option<String>,
}

impl Words {
    fn of(item: &crate::model::Item) -> Self {
        // Long texts are cut: likeness is a guess, and must not cost more than a glance.
        let cut = |s: String| s.chars().take(400).collect::<String>();
        Self {
            title: cut(words(&item.title)),
            statement: item
                .statement
                .as_deref()
                .map(|s| cut(words(s)))
                .filter(|s| s.split(' ').count() >= 4),
        }
    }
}

/// How alike two items are, 0 to 1: their titles, or their statements when both have one of
/// four words or more; text with no words is no evidence.
fn likeness(a: &Words, b: &Words) -> f64 {
    if a.title.is_empty() || b.title.is_empty() {
        return 0.0;
    }
    let title = strsim::normalized_levenshtein(&a.title, &b.title);
    match (&a.statement, &b.statement) {
        (Some(x), Some(y)) => title.max(strsim::sorensen_dice(x, y) * 0.95),
        _ => title,
    }
}

/// The most pairs of items the lexical step compares; past it, it is left out and the report
/// says so.
pub const MAX_LEXICAL_PAIRS: usize = 4_000_000;

/// The most likeness a lexical guess needs.
const LIKENESS: f64 = 0.8;

/// Compares two editions of a framework, with `mapping` (a mapping between them, either way)
/// when given.
pub fn diff(
    catalog: &Catalog,
    old: &str,
    new: &str,
    mapping: Option<&str>,
) -> Result<Report<DiffReport>, AnalysisError> {
    let o = catalog.lookup_framework(old)?;
    let n = catalog.lookup_framework(new)?;
    if let Some(m) = mapping {
        catalog.lookup(m, &[DocumentKind::Mapping])?;
    }
    let mut pairs: Vec<Pair> = Vec::new();
    // Which pairs each old and new item is in, kept as pairs are made (no scan of all pairs).
    let mut of_old: Vec<Vec<usize>> = vec![Vec::new(); o.items().len()];
    let mut of_new: Vec<Vec<usize>> = vec![Vec::new(); n.items().len()];
    let mut add = |pairs: &mut Vec<Pair>, p: Pair| {
        if of_old[p.old].iter().any(|&k| pairs[k].new == p.new) {
            return;
        }
        of_old[p.old].push(pairs.len());
        of_new[p.new].push(pairs.len());
        pairs.push(p);
    };

    // 1. `replaces`.
    for (j, item) in n.items().iter().enumerate() {
        for r in item.replaces() {
            if r.framework() == o.id()
                && let Some(i) = r.item_id().and_then(|id| o.find(id.as_str()))
            {
                add(
                    &mut pairs,
                    Pair {
                        old: i.index(),
                        new: j,
                        evidence: Evidence::Replaces,
                        confidence: None,
                    },
                );
            }
        }
    }
    // 2. Mappings between the editions (exact, close; narrow and broad for splits and merges).
    let replaced_old: BTreeSet<usize> = pairs.iter().map(|p| p.old).collect();
    for m in catalog.mappings() {
        if mapping.is_some_and(|id| m.info.id.as_str() != id) {
            continue;
        }
        let forward = &m.from == o.id() && &m.to == n.id();
        let backward = &m.from == n.id() && &m.to == o.id();
        if !forward && !backward {
            continue;
        }
        for l in &m.links {
            let (from_old, to_new, relation) = if forward {
                (&l.from, &l.to, l.relation)
            } else {
                (&l.to, &l.from, l.relation.inverse())
            };
            if relation == Relation::Related {
                continue;
            }
            let (Some(i), Some(j)) = (
                from_old.item_id().and_then(|id| o.find(id.as_str())),
                to_new.item_id().and_then(|id| n.find(id.as_str())),
            ) else {
                continue;
            };
            if !replaced_old.contains(&i.index()) {
                add(
                    &mut pairs,
                    Pair {
                        old: i.index(),
                        new: j.index(),
                        evidence: Evidence::Mapping,
                        confidence: None,
                    },
                );
            }
        }
    }
    // 3. The same id, for items nothing above paired.
    let mut paired_old: Vec<bool> = vec![false; o.items().len()];
    let mut paired_new: Vec<bool> = vec![false; n.items().len()];
    for p in &pairs {
        paired_old[p.old] = true;
        paired_new[p.new] = true;
    }
    for (i, item) in o.items().iter().enumerate() {
        if paired_old[i] {
            continue;
        }
        if let Some(j) = n.find(item.id.as_str())
            && !paired_new[j.index()]
        {
            add(
                &mut pairs,
                Pair {
                    old: i,
                    new: j.index(),
                    evidence: Evidence::Id,
                    confidence: None,
                },
            );
            paired_old[i] = true;
            paired_new[j.index()] = true;
        }
    }
    // 4. Similar titles, best first, each item once; left out when there are too many to
    // compare each with each.
    let old_left: Vec<usize> = (0..o.items().len()).filter(|&i| !paired_old[i]).collect();
    let new_left: Vec<usize> = (0..n.items().len()).filter(|&j| !paired_new[j]).collect();
    let lexical_skipped = old_left.len().saturating_mul(new_left.len()) > MAX_LEXICAL_PAIRS;
    if !lexical_skipped {
        let old_words: Vec<Words> = old_left.iter().map(|&i| Words::of(&o.items()[i])).collect();
        let new_words: Vec<Words> = new_left.iter().map(|&j| Words::of(&n.items()[j])).collect();
        let mut guesses: Vec<(f64, usize, usize)> = Vec::new();
        for (a, &i) in old_words.iter().zip(&old_left) {
            for (b, &j) in new_words.iter().zip(&new_left) {
                let l = likeness(a, b);
                if l >= LIKENESS {
                    guesses.push((l, i, j));
                }
            }
        }
        guesses.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        for (l, i, j) in guesses {
            if !paired_old[i] && !paired_new[j] {
                add(
                    &mut pairs,
                    Pair {
                        old: i,
                        new: j,
                        evidence: Evidence::Lexical,
                        confidence: Some((l * 100.0).round() / 100.0),
                    },
                );
                paired_old[i] = true;
                paired_new[j] = true;
            }
        }
    }

    let old_ref = |i: usize| crate::ids::ItemRef::item(o.id().clone(), o.items()[i].id.clone());
    let new_ref = |j: usize| crate::ids::ItemRef::item(n.id().clone(), n.items()[j].id.clone());
    let successors = |i: usize| -> Vec<&Pair> { of_old[i].iter().map(|&k| &pairs[k]).collect() };
    let predecessors = |j: usize| -> Vec<&Pair> { of_new[j].iter().map(|&k| &pairs[k]).collect() };
    let strongest = |ps: &[&Pair]| -> (Option<Evidence>, Option<f64>) {
        let e = ps.iter().map(|p| p.evidence).min();
        let c = ps
            .iter()
            .filter(|p| Some(p.evidence) == e)
            .filter_map(|p| p.confidence)
            .reduce(f64::min);
        (e, c)
    };
    let parent_id = |f: &Framework, idx: usize| -> Option<String> {
        f.hierarchy()
            .parent(ItemIdx(idx as u32))
            .and_then(|p| f.item(p))
            .map(|p| p.id.to_string())
    };
    let mut changes = Vec::new();
    let mut merged_done: BTreeSet<usize> = BTreeSet::new();
    // An edition whose document is partial may simply not encode an item.
    let partial = |f: &Framework| f.info.completeness == Some(crate::model::Completeness::Partial);
    let not_in_new = partial(n).then(|| {
        format!(
            "`{}` is partial: this item may be in the edition but not encoded (see its `missing`)",
            n.id()
        )
    });
    let not_in_old = partial(o).then(|| {
        format!("`{}` is partial: this item may have been in that edition but not encoded (see its `missing`)", o.id())
    });
    for (i, a) in o.items().iter().enumerate() {
        let next = successors(i);
        match next.as_slice() {
            [] => changes.push(EditionChange {
                change: Change::Removed,
                old: vec![old_ref(i)],
                new: Vec::new(),
                evidence: None,
                confidence: None,
                also: Vec::new(),
                note: not_in_new.clone(),
            }),
            [one] if predecessors(one.new).len() == 1 => {
                let b = &n.items()[one.new];
                let mut what: Vec<Change> = Vec::new();
                // Moved: its parent's successor is not its new parent.
                let old_parent = o.hierarchy().parent(ItemIdx(i as u32)).map(ItemIdx::index);
                let new_parent = parent_id(n, one.new);
                let parent_follows = match old_parent {
                    None => new_parent.is_none(),
                    Some(p) => successors(p)
                        .iter()
                        .any(|s| Some(n.items()[s.new].id.to_string()) == new_parent),
                };
                if !parent_follows {
                    what.push(Change::Moved);
                }
                if words(&a.title) != words(&b.title) {
                    what.push(Change::Renamed);
                }
                if a.statement.as_deref().map(words) != b.statement.as_deref().map(words) {
                    what.push(Change::Reworded);
                }
                let change = what.first().copied().unwrap_or(Change::Unchanged);
                let mut notes: Vec<String> = what
                    .iter()
                    .skip(1)
                    .map(|c| format!("also {}", c.as_str()))
                    .collect();
                if what.contains(&Change::Renamed) {
                    notes.push(format!("title `{}` → `{}`", a.title, b.title));
                }
                if what.contains(&Change::Moved) {
                    notes.push(format!(
                        "parent `{}` → `{}`",
                        parent_id(o, i).unwrap_or_else(|| "(top)".into()),
                        new_parent.unwrap_or_else(|| "(top)".into())
                    ));
                }
                let (evidence, confidence) = strongest(&next);
                changes.push(EditionChange {
                    change,
                    old: vec![old_ref(i)],
                    new: vec![new_ref(one.new)],
                    evidence,
                    confidence,
                    also: what.iter().skip(1).copied().collect(),
                    note: (!notes.is_empty()).then(|| notes.join("; ")),
                });
            }
            [one] => {
                // One of several old items merged into one new item: reported once, at the
                // first of them.
                if merged_done.insert(one.new) {
                    // The old items that go to this one alone (one also split elsewhere is
                    // reported as a split).
                    let from: Vec<&Pair> = predecessors(one.new)
                        .into_iter()
                        .filter(|p| successors(p.old).len() == 1)
                        .collect();
                    let (evidence, confidence) = strongest(&from);
                    changes.push(EditionChange {
                        change: Change::Merged,
                        old: from.iter().map(|p| old_ref(p.old)).collect(),
                        new: vec![new_ref(one.new)],
                        evidence,
                        confidence,
                        also: Vec::new(),
                        note: None,
                    });
                }
            }
            many => {
                let (evidence, confidence) = strongest(many);
                changes.push(EditionChange {
                    change: Change::Split,
                    old: vec![old_ref(i)],
                    new: many.iter().map(|p| new_ref(p.new)).collect(),
                    evidence,
                    confidence,
                    also: Vec::new(),
                    note: None,
                });
            }
        }
    }
    for j in 0..n.items().len() {
        if predecessors(j).is_empty() {
            changes.push(EditionChange {
                change: Change::Added,
                old: Vec::new(),
                new: vec![new_ref(j)],
                evidence: None,
                confidence: None,
                also: Vec::new(),
                note: not_in_old.clone(),
            });
        }
    }
    let mut summary: BTreeMap<Change, usize> = Change::ALL.iter().map(|&c| (c, 0)).collect();
    for c in &changes {
        *summary.entry(c.change).or_default() += 1;
    }
    let body = DiffReport {
        old: o.id().clone(),
        new: n.id().clone(),
        mapping: mapping.map(str::to_owned),
        changes,
        summary,
        lexical_skipped,
    };
    Ok(Report::new(catalog, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_change_is_found_with_its_evidence() {
        let old = "kind: framework\nid: e1\ntitle: E1\nsource: t\ncompleteness: complete\nitems:\n  - id: a\n    title: Listening well\n    items:\n      - { id: a1, title: Attending, statement: Give attention }\n      - { id: a2, title: Reflecting }\n  - { id: b, title: Safety }\n  - { id: c, title: Escalation procedures }\n  - { id: d, title: Old topic }\n  - { id: s, title: Split me }\n  - { id: m1, title: Merge one }\n  - { id: m2, title: Merge two }\n";
        let new = "kind: framework\nid: e2\ntitle: E2\nsource: t\ncompleteness: complete\nitems:\n  - id: a\n    title: Listening well\n    items:\n      - { id: a1, title: Attending, statement: Pay attention to people }\n  - id: b\n    title: Keeping safe\n    items:\n      - { id: a2, title: Reflecting }\n  - { id: x, title: Escalation procedure }\n  - { id: s1, title: Split part one, replaces: [\"e1:s\"] }\n  - { id: s2, title: Split part two, replaces: [\"e1:s\"] }\n  - { id: m, title: Merged, replaces: [\"e1:m1\", \"e1:m2\"] }\n  - { id: n, title: New topic }\n";
        let mut b = Catalog::builder().builtin(false);
        b.add_bytes("e1.yaml", old.as_bytes());
        b.add_bytes("e2.yaml", new.as_bytes());
        let c = b.build();
        assert!(c.diagnostics().is_empty(), "{:?}", c.diagnostics());
        let r = diff(&c, "e1", "e2", None).unwrap().body;
        let got: Vec<(Change, String, Option<Evidence>)> = r
            .changes
            .iter()
            .map(|ch| {
                let ids: Vec<String> = ch
                    .old
                    .iter()
                    .chain(&ch.new)
                    .map(ToString::to_string)
                    .collect();
                (ch.change, ids.join(" "), ch.evidence)
            })
            .collect();
        let want = [
            (Change::Unchanged, "e1:a e2:a", Some(Evidence::Id)),
            (Change::Reworded, "e1:a1 e2:a1", Some(Evidence::Id)),
            (Change::Moved, "e1:a2 e2:a2", Some(Evidence::Id)),
            (Change::Renamed, "e1:b e2:b", Some(Evidence::Id)),
            (Change::Renamed, "e1:c e2:x", Some(Evidence::Lexical)),
            (Change::Removed, "e1:d", None),
            (Change::Split, "e1:s e2:s1 e2:s2", Some(Evidence::Replaces)),
            (Change::Merged, "e1:m1 e1:m2 e2:m", Some(Evidence::Replaces)),
            (Change::Added, "e2:n", None),
        ];
        let want: Vec<(Change, String, Option<Evidence>)> = want
            .iter()
            .map(|(c, s, e)| (*c, (*s).to_owned(), *e))
            .collect();
        assert_eq!(got, want);
        // "Escalation procedures" and "Escalation procedure" differ in a letter.
        let guess = r
            .changes
            .iter()
            .find(|c| c.evidence == Some(Evidence::Lexical))
            .unwrap();
        assert!(guess.confidence.unwrap() >= 0.9);
        assert_eq!(r.summary[&Change::Unchanged], 1);
    }
}
