//! Coverage: how a curriculum covers a framework (SPEC §2).
//!
//! For every leaf of the framework: the sessions and assessments that cover it, the deepest
//! depth reached, and how: `direct` (a cover names the leaf), `parent` (a cover names an item
//! above it, or `FRAMEWORK:*`), or `mapping` (a chain of mapping links from an item of another
//! framework the curriculum fully covers, composed by SPEC §1.4's table: `exact`, `close` and
//! `narrow` give coverage, `broad` and `overlap` only `partial`, `related` nothing). Roll-ups for
//! every item above the leaves, the curriculum's hours per top-level item, and sequencing
//! findings.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::analysis::{
    Activities, Activity, LeafState, LeafStates, curriculum_and_framework, direct_states,
    propagate_mappings, teaching_order,
};
use crate::catalog::Catalog;
use crate::graph::{ActivityKind, ItemHandle, Target};
use crate::hierarchy::Hierarchy;
use crate::ids::{DocId, FrameworkId, ItemRef};
use crate::model::Depth;
use crate::report::Report;

pub use crate::analysis::{AnalysisError, Via};

/// A list of a curriculum's sessions and assessments, sharing one table of their ids (a report
/// can list the same sessions for a hundred thousand items). Serializes as a list of ids.
#[derive(Clone)]
pub struct Sessions {
    names: std::sync::Arc<[String]>,
    list: Vec<u32>,
}

impl Sessions {
    /// The ids, in teaching order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.list
            .iter()
            .map(|&n| self.names.get(n as usize).map_or("", String::as_str))
    }
    /// How many there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
    /// The ids joined with `sep`.
    pub fn join(&self, sep: &str) -> String {
        self.iter().collect::<Vec<_>>().join(sep)
    }
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<const N: usize> PartialEq<[&str; N]> for Sessions {
    fn eq(&self, other: &[&str; N]) -> bool {
        self.iter().eq(other.iter().copied())
    }
}

impl Serialize for Sessions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Sessions {
    /// From the list of ids (a report read back from its JSON), each its own entry.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(d)?;
        let list = (0..names.len()).map(|n| n as u32).collect();
        Ok(Self {
            names: names.into(),
            list,
        })
    }
}

/// The coverage of one item of the framework.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemCoverage {
    /// The item, qualified.
    #[serde(rename = "ref")]
    pub item: ItemRef,
    /// Its title.
    pub title: String,
    /// Whether it is a leaf.
    pub leaf: bool,
    /// Whether it is optional (left out of the counts).
    pub optional: bool,
    /// Leaf: covered (directly, through a parent, or through full-strength mappings). Other
    /// items: every leaf under it that counts is covered.
    pub covered: bool,
    /// Leaf: reached only through a `broad` mapping link. Other items: some leaf under it is
    /// covered or partial, but not all are covered.
    pub partial: bool,
    /// Leaf: the deepest depth reached. Other items: the deepest depth every leaf under it
    /// reaches (`null` unless all are covered).
    pub depth: Option<Depth>,
    /// Leaf: the most direct way it is covered (`null` when it is not).
    pub via: Option<Via>,
    /// Leaf: the sessions and assessments that cover it (through a mapping: those that cover the
    /// source item of the strongest, deepest, most direct chain). Other items: those that name
    /// the item itself. In teaching order.
    pub sessions: Sessions,
    /// Other items: the leaves under it that count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaves: Option<usize>,
    /// Other items: how many of those are covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covered_leaves: Option<usize>,
    /// Depth in the framework's tree (0 for top-level items).
    pub level: usize,
}

/// A curriculum's hours attributed to one top-level item of the framework.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HoursShare {
    /// The top-level item.
    #[serde(rename = "ref")]
    pub item: ItemRef,
    /// Its title.
    pub title: String,
    /// Hours: each session's hours shared equally among the top-level items it touches.
    pub hours: f64,
}

/// A sequencing problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequencingFinding {
    /// The item concerned.
    #[serde(rename = "ref")]
    pub item: ItemRef,
    /// What is wrong, in words.
    pub message: String,
}

/// The coverage of a framework by a curriculum (SPEC §3, `competence coverage`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CoverageReport {
    /// The curriculum.
    pub curriculum: DocId,
    /// The framework.
    pub framework: FrameworkId,
    /// Leaves that count (optional ones left out).
    pub leaves: usize,
    /// Of those, how many are covered.
    pub covered: usize,
    /// Of those, how many are only partial.
    pub partial: usize,
    /// `covered / leaves` (1 when there are no leaves).
    pub ratio: f64,
    /// The leaves neither covered nor partial, in framework order.
    pub uncovered: Vec<ItemRef>,
    /// Every item of the framework, in framework order.
    pub items: Vec<ItemCoverage>,
    /// Hours per top-level item, in framework order.
    pub hours: Vec<HoursShare>,
    /// Hours of sessions that touch no item of the framework.
    pub unassigned_hours: f64,
    /// Sequencing findings.
    pub sequencing: Vec<SequencingFinding>,
}

/// Computes the coverage of `framework` (default: the curriculum's first) by `curriculum`.
pub fn coverage(
    catalog: &Catalog,
    curriculum: &str,
    framework: Option<&str>,
) -> Result<Report<CoverageReport>, AnalysisError> {
    let (c, cur, f) = curriculum_and_framework(catalog, curriculum, framework)?;
    // Activities numbered in teaching order, so that sets of them list in that order.
    let activities = teaching_order(cur);
    let graph = catalog.graph();

    // 1. Direct and parent coverage, for leaves of every framework the curriculum touches.
    let mut leaves = direct_states(catalog, c, &activities);

    // 2. Mapping chains from fully covered items of other frameworks.
    propagate_mappings(catalog, f, &mut leaves);

    // 3. The report.
    let fw = &catalog.frameworks()[f];
    let fw_id = fw.info.id.clone();
    let table: std::sync::Arc<[String]> = activities.iter().map(|a| a.id.clone()).collect();
    let sessions = |acts: &Activities| -> Sessions {
        Sessions {
            names: table.clone(),
            list: acts.iter().map(|n| n as u32).collect(),
        }
    };
    /// What the report says of a leaf.
    #[derive(Clone, Copy, Default)]
    struct Status {
        covered: bool,
        partial: bool,
        depth: Option<Depth>,
        via: Option<Via>,
    }
    let status_of = |st: &LeafState| -> Status {
        let (covered, partial) = (st.covered(), st.partial());
        let reached = covered || partial;
        Status {
            covered,
            partial,
            depth: if reached { st.depth() } else { None },
            via: if reached {
                st.via.or((st.mapped > 0).then_some(Via::Mapping))
            } else {
                None
            },
        }
    };
    let leaf_sessions = |st: &LeafState| -> Sessions {
        if st.via.is_none() {
            return sessions(&st.mapped_activities);
        }
        if st.mapped >= 2 {
            let mut acts = st.activities.clone();
            acts.union(&st.mapped_activities);
            return sessions(&acts);
        }
        sessions(&st.activities)
    };
    // Each leaf's status, once.
    let mut status: Vec<Status> = vec![Status::default(); fw.items().len()];
    for (n, slot) in status.iter_mut().enumerate() {
        let h = ItemHandle::new(f, crate::model::ItemIdx(n as u32));
        if let Some(st) = leaves.get(h) {
            *slot = status_of(st);
        }
    }

    // Items above the leaves list the sessions and assessments that name them.
    let position: HashMap<(ActivityKind, usize), usize> = activities
        .iter()
        .enumerate()
        .map(|(n, a)| ((a.kind, a.index), n))
        .collect();
    let naming = |h: ItemHandle| -> Sessions {
        let mut acts = Activities::default();
        for (a, _) in graph.covered_by(h) {
            if a.curriculum == c
                && let Some(&n) = position.get(&(a.kind, a.index))
            {
                acts.insert(n);
            }
        }
        sessions(&acts)
    };
    let empty = Activities::default();
    let mut items = Vec::with_capacity(fw.items().len());
    let mut counted = 0;
    let mut covered_count = 0;
    let mut partial_count = 0;
    let mut uncovered = Vec::new();
    let tree: &Hierarchy = fw.hierarchy();
    for (idx, item) in fw.indexed() {
        let n = idx.index();
        let level = tree.level(idx);
        let optional = tree.is_optional(idx);
        let h = ItemHandle::new(f, idx);
        let r = ItemRef::item(fw_id.clone(), item.id.clone());
        if tree.is_leaf(idx) {
            let st = status.get(n).copied().unwrap_or_default();
            if !optional {
                counted += 1;
                if st.covered {
                    covered_count += 1;
                } else if st.partial {
                    partial_count += 1;
                } else {
                    uncovered.push(r.clone());
                }
            }
            items.push(ItemCoverage {
                item: r,
                title: item.title.clone(),
                leaf: true,
                optional,
                covered: st.covered,
                partial: st.partial,
                depth: st.depth,
                via: st.via,
                sessions: leaves
                    .get(h)
                    .map_or_else(|| sessions(&empty), leaf_sessions),
                leaves: None,
                covered_leaves: None,
                level,
            });
        } else {
            let under = catalog.leaves_under(Target::Item(h));
            let mut n_covered = 0;
            let mut any_partial = false;
            let mut min_depth: Option<Depth> = None;
            for leaf in &under {
                let st = if leaf.framework_position() == f {
                    status.get(leaf.item().index()).copied().unwrap_or_default()
                } else {
                    Status::default()
                };
                if st.covered {
                    n_covered += 1;
                    let d = st.depth.unwrap_or(Depth::Introduced);
                    min_depth = Some(min_depth.map_or(d, |m| m.min(d)));
                }
                any_partial |= st.partial;
            }
            let all_covered = !under.is_empty() && n_covered == under.len();
            items.push(ItemCoverage {
                item: r,
                title: item.title.clone(),
                leaf: false,
                optional,
                covered: all_covered,
                partial: !all_covered && (n_covered > 0 || any_partial),
                depth: if all_covered { min_depth } else { None },
                via: None,
                sessions: naming(h),
                leaves: Some(under.len()),
                covered_leaves: Some(n_covered),
                level,
            });
        }
    }

    // 4. Hours per top-level item: the activities that touch each top-level item (directly,
    // through a parent, or through full-strength mappings), then each activity's hours shared
    // equally among the top-level items it touches.
    let roots: Vec<ItemHandle> = catalog.roots(f);
    // Each top-level item's position among the roots, and (cached) the top-level items above
    // each parent, by item position.
    let item_count = tree.len();
    let mut root_pos: Vec<Option<usize>> = vec![None; item_count];
    for (n, r) in roots.iter().enumerate() {
        if let Some(slot) = root_pos.get_mut(r.item().index()) {
            *slot = Some(n);
        }
    }
    let mut touching: Vec<Activities> = vec![Activities::default(); roots.len()];
    let mut tops_cache: Vec<Option<Vec<usize>>> = vec![None; item_count + 1];
    for idx in tree.all_leaves() {
        let leaf = ItemHandle::new(f, idx);
        let Some(st) = leaves.get(leaf) else { continue };
        if !(st.via.is_some() || st.mapped >= 2) {
            continue;
        }
        // Leaves with one parent share their parent's top-level items.
        let parent = tree.parent(idx);
        let single = tree.parents(idx).len() <= 1;
        let compute = || -> Vec<usize> {
            tree.tops(idx)
                .iter()
                .filter_map(|&t| root_pos.get(t.index()).copied().flatten())
                .collect()
        };
        // Top-level leaves share the last slot.
        let slot = parent.map_or(item_count, crate::model::ItemIdx::index);
        let tops = match tops_cache.get_mut(slot) {
            Some(cached) if single => cached.get_or_insert_with(compute).clone(),
            _ => compute(),
        };
        for t in tops {
            if let Some(acts) = touching.get_mut(t) {
                acts.union(&st.activities);
                if st.mapped >= 2 {
                    acts.union(&st.mapped_activities);
                }
            }
        }
    }
    let mut spread: Vec<usize> = vec![0; activities.len()];
    for acts in &touching {
        for n in acts.iter() {
            if let Some(count) = spread.get_mut(n) {
                *count += 1;
            }
        }
    }
    let share = |n: usize| -> f64 {
        let h = activities.get(n).and_then(|a| a.hours).unwrap_or(0.0);
        match spread.get(n) {
            Some(&k) if k > 0 && h > 0.0 => h / k as f64,
            _ => 0.0,
        }
    };
    let hours: Vec<f64> = touching
        .iter()
        .map(|acts| acts.iter().map(share).fold(0.0, |a, b| a + b))
        .collect();
    let unassigned: f64 = activities
        .iter()
        .zip(&spread)
        .filter(|(_, k)| **k == 0)
        .filter_map(|(a, _)| a.hours.filter(|h| *h > 0.0))
        // Not `sum()`: a float sum of nothing is -0.0, which JSON would show as `-0.0`.
        .fold(0.0, |a, b| a + b);
    let hours = roots
        .iter()
        .zip(hours)
        .filter_map(|(&r, hours)| {
            Some(HoursShare {
                item: catalog.item_ref(r)?,
                title: catalog.item(r)?.title.clone(),
                hours,
            })
        })
        .collect();

    // 5. Sequencing.
    let sequencing = sequencing(catalog, f, &activities, &leaves);

    let body = CoverageReport {
        curriculum: cur.info.id.clone(),
        framework: fw_id,
        leaves: counted,
        covered: covered_count,
        partial: partial_count,
        ratio: if counted == 0 {
            1.0
        } else {
            covered_count as f64 / counted as f64
        },
        uncovered,
        items,
        hours,
        unassigned_hours: unassigned,
        sequencing,
    };
    Ok(Report::new(catalog, body))
}

/// Items assessed before they are taught, and items first met before what they require.
fn sequencing(
    catalog: &Catalog,
    f: usize,
    activities: &[Activity],
    leaves: &LeafStates,
) -> Vec<SequencingFinding> {
    let graph = catalog.graph();
    let name = |pos: usize| activities.get(pos).map_or("?", |a| a.id.as_str());
    let fw = &catalog.frameworks()[f];
    let mut out = Vec::new();
    for (idx, _) in fw.indexed() {
        let h = ItemHandle::new(f, idx);
        let requires = graph.requires(h);
        let assessed_first = fw.hierarchy().is_leaf(idx)
            && leaves.get(h).is_some_and(
                |st| matches!((st.first_assessed, st.first_taught), (Some(a), Some(t)) if a < t),
            );
        if requires.is_empty() && !assessed_first {
            continue;
        }
        let Some(r) = catalog.item_ref(h) else {
            continue;
        };
        if assessed_first
            && let Some(st) = leaves.get(h)
            && let (Some(a), Some(t)) = (st.first_assessed, st.first_taught)
        {
            out.push(SequencingFinding {
                item: r.clone(),
                message: format!(
                    "assessed in `{}` before it is introduced in `{}`",
                    name(a),
                    name(t)
                ),
            });
        }
        // Requires: compare when the item is first met with when what it requires is, counting
        // every way a leaf is covered (a mapping from another framework met in a session too).
        let first_met = |t: Target| -> Option<usize> {
            catalog
                .all_leaves_under(t)
                .iter()
                .filter_map(|&l| {
                    let st = leaves.get(l)?;
                    let mapped = (st.mapped >= 2).then_some(&st.mapped_activities);
                    st.activities
                        .iter()
                        .chain(mapped.into_iter().flat_map(Activities::iter))
                        .min()
                })
                .min()
        };
        let Some(mine) = first_met(Target::Item(h)) else {
            continue;
        };
        for req in requires {
            let req_name = match req {
                Target::Item(rh) => catalog.item_ref(rh).map(|r| r.to_string()),
                Target::Framework(g) => catalog
                    .frameworks()
                    .get(g)
                    .map(|fw| format!("{}:*", fw.info.id)),
            }
            .unwrap_or_default();
            match first_met(req) {
                Some(theirs) if theirs > mine => out.push(SequencingFinding {
                    item: r.clone(),
                    message: format!(
                        "first met in `{}`, before `{req_name}`, which it requires, first met in `{}`",
                        name(mine),
                        name(theirs)
                    ),
                }),
                None => out.push(SequencingFinding {
                    item: r.clone(),
                    message: format!("met in `{}`, but `{req_name}`, which it requires, is never met", name(mine)),
                }),
                Some(_) => {}
            }
        }
    }
    out
}
