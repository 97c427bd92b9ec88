//! Coverage: how a curriculum covers a framework (SPEC §2).
//!
//! For every leaf of the framework: the sessions and assessments that cover it, the deepest
//! depth reached, and how: `direct` (a cover names the leaf), `parent` (a cover names an item
//! above it, or `FRAMEWORK:*`), or `mapping` (a chain of mapping links from an item of another
//! framework the curriculum fully covers; `exact`, `close` and `narrow` links give coverage, a
//! `broad` link only `partial`, a `related` link nothing). Roll-ups for every item above the
//! leaves, the curriculum's hours per top-level item, and sequencing findings.

use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};

use serde::Serialize;

use crate::catalog::Catalog;
use crate::graph::{ActivityKind, ItemHandle, Target};
use crate::ids::{DocId, FrameworkId, ItemRef};
use crate::model::{Curriculum, Depth, Relation};

/// Why coverage cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum AnalysisError {
    /// The curriculum is not in the catalog.
    #[error("unknown curriculum `{id}`")]
    #[diagnostic(code("unknown-curriculum"))]
    UnknownCurriculum {
        /// The id asked for.
        id: String,
        /// A close id, if any.
        #[help]
        help: Option<String>,
    },
    /// The framework is not in the catalog.
    #[error("unknown framework `{id}`")]
    #[diagnostic(code("unknown-framework"))]
    UnknownFramework {
        /// The id asked for.
        id: String,
        /// A close id, if any.
        #[help]
        help: Option<String>,
    },
    /// The curriculum names no framework and none was given.
    #[error("curriculum `{id}` lists no framework")]
    #[diagnostic(code("no-framework"), help("name one with `--framework FRAMEWORK`"))]
    NoFramework {
        /// The curriculum.
        id: String,
    },
    /// A document that is not in the catalog.
    #[error("unknown {what} `{id}`")]
    #[diagnostic(code("unknown-document"))]
    UnknownDocument {
        /// The id asked for.
        id: String,
        /// What was expected ("framework or role").
        what: String,
        /// A close id, if any.
        #[help]
        help: Option<String>,
    },
    /// A document that is not of the kind the analysis needs.
    #[error("`{id}` is a {kind}, not a {expected}")]
    #[diagnostic(code("wrong-kind"))]
    WrongKind {
        /// The id.
        id: String,
        /// Its kind.
        kind: String,
        /// The kind needed.
        expected: String,
    },
}

/// How a leaf is covered, most direct first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// A cover names the leaf itself.
    Direct,
    /// A cover names an item above the leaf (or the whole framework).
    Parent,
    /// A chain of mapping links from an item of another framework the curriculum covers.
    Mapping,
}

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

/// The coverage of one item of the framework.
#[derive(Debug, Clone, Serialize)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub leaves: Option<usize>,
    /// Other items: how many of those are covered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covered_leaves: Option<usize>,
    /// Depth in the framework's tree (0 for top-level items).
    pub level: usize,
}

/// A curriculum's hours attributed to one top-level item of the framework.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SequencingFinding {
    /// The item concerned.
    #[serde(rename = "ref")]
    pub item: ItemRef,
    /// What is wrong, in words.
    pub message: String,
}

/// The coverage of a framework by a curriculum (SPEC §3, `competence coverage`).
#[derive(Debug, Clone, Serialize)]
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

/// The error for an id that names a document of another kind than `expected`, if it does.
pub(crate) fn wrong_kind(catalog: &Catalog, id: &str, expected: &str) -> Option<AnalysisError> {
    catalog.document(id).map(|doc| AnalysisError::WrongKind {
        id: id.to_owned(),
        kind: doc.info().kind.to_string(),
        expected: expected.to_owned(),
    })
}

/// Looks up a curriculum and the framework to measure it against.
pub(crate) fn curriculum_and_framework<'c>(
    catalog: &'c Catalog,
    curriculum: &str,
    framework: Option<&str>,
) -> Result<(usize, &'c Curriculum, usize), AnalysisError> {
    let Some(c) = catalog
        .curricula()
        .iter()
        .position(|c| c.info.id.as_str() == curriculum)
    else {
        if let Some(e) = wrong_kind(catalog, curriculum, "curriculum") {
            return Err(e);
        }
        return Err(AnalysisError::UnknownCurriculum {
            id: curriculum.to_owned(),
            help: catalog
                .suggest_document(curriculum, Some(crate::model::DocumentKind::Curriculum)),
        });
    };
    let cur = &catalog.curricula()[c];
    let fw_id = match framework {
        Some(f) => f.to_owned(),
        None => cur
            .frameworks
            .first()
            .map(ToString::to_string)
            .ok_or_else(|| AnalysisError::NoFramework {
                id: curriculum.to_owned(),
            })?,
    };
    let f = catalog
        .framework_position(&fw_id)
        .ok_or_else(|| AnalysisError::UnknownFramework {
            help: catalog.suggest_document(&fw_id, Some(crate::model::DocumentKind::Framework)),
            id: fw_id,
        })?;
    Ok((c, cur, f))
}

/// Strength of a mapping chain: the weakest relation on it decides.
fn strength(r: Relation) -> u8 {
    match r {
        Relation::Exact => 4,
        Relation::Close => 3,
        Relation::Narrow => 2,
        Relation::Broad => 1,
        Relation::Related => 0,
    }
}

/// A set of activities (sessions and assessments of one curriculum), as bits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Activities(Vec<u64>);

impl Activities {
    fn insert(&mut self, i: usize) {
        let (w, b) = (i / 64, i % 64);
        if self.0.len() <= w {
            self.0.resize(w + 1, 0);
        }
        if let Some(word) = self.0.get_mut(w) {
            *word |= 1 << b;
        }
    }
    /// Adds `other`; whether anything was new.
    fn union(&mut self, other: &Activities) -> bool {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        let mut changed = false;
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            let merged = *a | *b;
            changed |= merged != *a;
            *a = merged;
        }
        changed
    }
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let b = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(w * 64 + b)
            })
        })
    }
}

/// What is known of one leaf.
#[derive(Debug, Clone, Default)]
pub(crate) struct LeafState {
    pub via: Option<Via>,
    pub depth: Option<Depth>,
    pub activities: Activities,
    /// 2: covered through mappings; 1: partial (a `broad` link on the way); 0: not reached.
    pub mapped: u8,
    pub mapped_depth: Option<Depth>,
    pub mapped_activities: Activities,
    /// A `related` link leads to it (or to an item above it) from something covered.
    pub related: bool,
    /// The first activity (in teaching order) that covers it below `assessed`.
    pub first_taught: Option<usize>,
    /// The first activity that covers it at `assessed`.
    pub first_assessed: Option<usize>,
}

impl LeafState {
    /// Covered: directly, through a parent, or through full-strength mappings.
    pub fn covered(&self) -> bool {
        self.via.is_some() || self.mapped >= 2
    }
    /// Only partial (through a `broad` link).
    pub fn partial(&self) -> bool {
        !self.covered() && self.mapped == 1
    }
    /// The deepest depth reached where it is covered.
    pub fn depth(&self) -> Option<Depth> {
        if self.via.is_some() {
            if self.mapped >= 2 {
                self.depth.max(self.mapped_depth)
            } else {
                self.depth
            }
        } else {
            self.mapped_depth
        }
    }
}

/// A label in the mapping search: the chain's strength, the depth at its source, and the source
/// (seed) item whose sessions are reported.
#[derive(Debug, Clone, Copy)]
struct Reach {
    strength: u8,
    depth: Option<Depth>,
    /// Reached through a link to the item itself (not only as part of an item above it).
    linked: bool,
    seed: ItemHandle,
}

impl Reach {
    /// Whether `other` is better: stronger; as strong and deeper; or as strong and deep, and
    /// through a link to the item itself rather than as part of an item above it.
    fn improves(&self, other: &Reach) -> bool {
        (other.strength, other.depth, other.linked) > (self.strength, self.depth, self.linked)
    }
}

/// The activities of a curriculum in teaching order, with their ids.
pub(crate) struct Activity {
    pub id: String,
    pub kind: ActivityKind,
    pub index: usize,
    pub hours: Option<f64>,
}

/// The sessions and assessments in teaching order (a position in this list is an activity's
/// number everywhere): by day (or the first day of its week, counting 7 days a week), sessions
/// without a day or week taking the time of the session before them, assessments without one
/// coming after everything; ties keep file order, sessions before assessments.
pub(crate) fn teaching_order(cur: &Curriculum) -> Vec<Activity> {
    let time = |day: Option<u32>, week: Option<u32>| match (day, week) {
        (Some(d), _) => Some(u64::from(d)),
        (None, Some(w)) => Some(u64::from(w.saturating_sub(1)) * 7 + 1),
        (None, None) => None,
    };
    let mut keyed: Vec<((u64, u8, usize), Activity)> = Vec::new();
    let mut last = 0;
    for (i, s) in cur.sessions.iter().enumerate() {
        let t = time(s.day, s.week).unwrap_or(last);
        last = t;
        keyed.push((
            (t, 0, i),
            Activity {
                id: s.id.to_string(),
                kind: ActivityKind::Session,
                index: i,
                hours: s.hours,
            },
        ));
    }
    for (i, a) in cur.assessments.iter().enumerate() {
        let t = time(a.day, a.week).unwrap_or(u64::MAX);
        keyed.push((
            (t, 1, i),
            Activity {
                id: a.id.to_string(),
                kind: ActivityKind::Assessment,
                index: i,
                hours: None,
            },
        ));
    }
    keyed.sort_by_key(|(k, _)| *k);
    keyed.into_iter().map(|(_, a)| a).collect()
}

/// Direct and parent coverage of every leaf a curriculum's activities name (in any framework).
pub(crate) fn direct_states(
    catalog: &Catalog,
    c: usize,
    activities: &[Activity],
) -> FxHashMap<ItemHandle, LeafState> {
    let graph = catalog.graph();
    let mut leaves: FxHashMap<ItemHandle, LeafState> = FxHashMap::default();
    let words = activities.len().div_ceil(64);
    let first = |a: Option<usize>, b: usize| Some(a.map_or(b, |a| a.min(b)));
    for (n, a) in activities.iter().enumerate() {
        let h = crate::graph::ActivityHandle {
            curriculum: c,
            kind: a.kind,
            index: a.index,
        };
        for (target, depth) in graph.covers(h) {
            for leaf in graph.all_leaves_under_target(target) {
                let via = if target == Target::Item(leaf) {
                    Via::Direct
                } else {
                    Via::Parent
                };
                let st = leaves.entry(leaf).or_insert_with(|| LeafState {
                    activities: Activities(Vec::with_capacity(words)),
                    ..LeafState::default()
                });
                st.via = Some(st.via.map_or(via, |v| v.min(via)));
                st.depth = st.depth.max(Some(depth));
                st.activities.insert(n);
                let pos = n;
                if depth == Depth::Assessed {
                    st.first_assessed = first(st.first_assessed, pos);
                } else {
                    st.first_taught = first(st.first_taught, pos);
                }
            }
        }
    }
    leaves
}

/// Computes the coverage of `framework` (default: the curriculum's first) by `curriculum`.
pub fn coverage(
    catalog: &Catalog,
    curriculum: &str,
    framework: Option<&str>,
) -> Result<CoverageReport, AnalysisError> {
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
        if let Some(st) = leaves.get(&h) {
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
    let mut levels: Vec<usize> = vec![0; fw.items().len()];
    for (n, item) in fw.items().iter().enumerate() {
        let level = item
            .parent
            .and_then(|p| levels.get(p.index()).map(|l| l + 1))
            .unwrap_or(0);
        if let Some(l) = levels.get_mut(n) {
            *l = level;
        }
        let h = ItemHandle::new(f, crate::model::ItemIdx(n as u32));
        let r = ItemRef::item(fw_id.clone(), item.id.clone());
        if item.is_leaf() {
            let st = status.get(n).copied().unwrap_or_default();
            if !item.is_optional() {
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
                optional: item.is_optional(),
                covered: st.covered,
                partial: st.partial,
                depth: st.depth,
                via: st.via,
                sessions: leaves
                    .get(&h)
                    .map_or_else(|| sessions(&empty), leaf_sessions),
                leaves: None,
                covered_leaves: None,
                level,
            });
        } else {
            let under = graph.leaves_under(catalog, h);
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
                optional: item.is_optional(),
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
    let roots: Vec<ItemHandle> = graph.roots(f);
    let root_pos: FxHashMap<ItemHandle, usize> =
        roots.iter().enumerate().map(|(n, &r)| (r, n)).collect();
    let mut touching: Vec<Activities> = vec![Activities::default(); roots.len()];
    let mut tops_cache: FxHashMap<Option<crate::model::ItemIdx>, Vec<usize>> = FxHashMap::default();
    for (leaf, st) in &leaves {
        if leaf.framework_position() != f || !(st.via.is_some() || st.mapped >= 2) {
            continue;
        }
        // Leaves with one parent share their parent's top-level items.
        let parent = fw.parent(leaf.item());
        let single = graph.parents(*leaf).len() <= 1;
        let compute = || -> Vec<usize> {
            graph
                .tops(*leaf)
                .iter()
                .filter_map(|t| root_pos.get(t).copied())
                .collect()
        };
        let tops = if single {
            tops_cache.entry(parent).or_insert_with(compute).clone()
        } else {
            compute()
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

    Ok(CoverageReport {
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
    })
}

/// Spreads coverage along mapping links (both directions, inverted backwards) from items of
/// frameworks other than `target` that the curriculum covers completely, recording on the
/// target's leaves the strongest chain that reaches them.
pub(crate) fn propagate_mappings(
    catalog: &Catalog,
    target: usize,
    leaves: &mut FxHashMap<ItemHandle, LeafState>,
) {
    let graph = catalog.graph();
    // Only frameworks with a covered leaf can hold seeds.
    let covered_in: FxHashSet<usize> = leaves
        .iter()
        .filter(|(_, st)| st.via.is_some())
        .map(|(h, _)| h.framework_position())
        .collect();
    let endpoints: FxHashSet<ItemHandle> = graph
        .mapping_endpoints()
        .filter(|h| {
            h.framework_position() != target && covered_in.contains(&h.framework_position())
        })
        .collect();
    if endpoints.is_empty() {
        return;
    }
    // Seeds: mapped items outside the target whose every counted leaf is covered; the depth at
    // which all of them are covered, and the sessions that cover them.
    let mut seeds: FxHashMap<ItemHandle, Activities> = FxHashMap::default();
    let mut labels: FxHashMap<ItemHandle, Reach> = FxHashMap::default();
    let mut buckets: [Vec<ItemHandle>; 5] = Default::default();
    for &x in &endpoints {
        if x.framework_position() == target {
            continue;
        }
        let under = graph.leaves_under(catalog, x);
        let mut depth: Option<Depth> = None;
        let mut acts = Activities::default();
        let mut ok = !under.is_empty();
        for leaf in &under {
            match leaves.get(leaf).filter(|s| s.via.is_some()) {
                Some(st) => {
                    let d = st.depth.unwrap_or(Depth::Introduced);
                    depth = Some(depth.map_or(d, |m| m.min(d)));
                    acts.union(&st.activities);
                }
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            seeds.insert(x, acts);
            labels.insert(
                x,
                Reach {
                    strength: 4,
                    depth,
                    linked: true,
                    seed: x,
                },
            );
            buckets[4].push(x);
        }
    }
    // Strongest chains first (the weakest link of a chain decides its strength); within a
    // strength, the deepest source wins. Each item is settled at most once per strength and depth.
    let mut next: Vec<(ItemHandle, u8, bool)> = Vec::new();
    for s in (1..=4).rev() {
        while let Some(x) = buckets[s].pop() {
            let Some(&label) = labels.get(&x) else {
                continue;
            };
            if usize::from(label.strength) != s {
                continue;
            }
            next.clear();
            for (t, relation, _) in graph.mapped_iter(x) {
                let st = label.strength.min(strength(relation));
                if st == 0 {
                    continue;
                }
                match t {
                    Target::Item(y) => next.push((y, st, true)),
                    Target::Framework(g) => {
                        next.extend(graph.roots(g).into_iter().map(|y| (y, st, true)))
                    }
                }
            }
            // What lies inside an item reached is reached too.
            next.extend(
                graph
                    .children_unordered(x)
                    .map(|y| (y, label.strength, false)),
            );
            for &(y, st, linked) in &next {
                let incoming = Reach {
                    strength: st,
                    linked,
                    ..label
                };
                let better = labels.get(&y).is_none_or(|cur| cur.improves(&incoming));
                if better {
                    labels.insert(y, incoming);
                    if let Some(bucket) = buckets.get_mut(usize::from(st)) {
                        bucket.push(y);
                    }
                }
            }
        }
    }
    // `related` links from anything reached mark what they lead to (and everything under it).
    let mut related: Vec<ItemHandle> = Vec::new();
    for (a, b) in graph.related_links() {
        for (x, y) in [(a, b), (b, a)] {
            if y.framework_position() == target && labels.contains_key(&x) {
                related.push(y);
                related.extend(graph.descendants(y));
            }
        }
    }
    for y in related {
        if catalog.item(y).is_some_and(|i| i.is_leaf()) {
            leaves.entry(y).or_default().related = true;
        }
    }
    for (h, label) in labels {
        if h.framework_position() != target || !catalog.item(h).is_some_and(|i| i.is_leaf()) {
            continue;
        }
        let st = leaves.entry(h).or_default();
        // 2: full coverage (exact, close, narrow); 1: partial (a broad link on the way).
        st.mapped = if label.strength >= 2 { 2 } else { 1 };
        st.mapped_depth = label.depth;
        if let Some(acts) = seeds.get(&label.seed) {
            st.mapped_activities = acts.clone();
        }
    }
}

/// Items assessed before they are taught, and items first met before what they require.
fn sequencing(
    catalog: &Catalog,
    f: usize,
    activities: &[Activity],
    leaves: &FxHashMap<ItemHandle, LeafState>,
) -> Vec<SequencingFinding> {
    let graph = catalog.graph();
    let name = |pos: usize| activities.get(pos).map_or("?", |a| a.id.as_str());
    let fw = &catalog.frameworks()[f];
    let mut out = Vec::new();
    for (n, item) in fw.items().iter().enumerate() {
        let h = ItemHandle::new(f, crate::model::ItemIdx(n as u32));
        let requires = graph.requires(h);
        let assessed_first = item.is_leaf()
            && leaves.get(&h).is_some_and(
                |st| matches!((st.first_assessed, st.first_taught), (Some(a), Some(t)) if a < t),
            );
        if requires.is_empty() && !assessed_first {
            continue;
        }
        let Some(r) = catalog.item_ref(h) else {
            continue;
        };
        if assessed_first
            && let Some(st) = leaves.get(&h)
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
            graph
                .all_leaves_under_target(t)
                .iter()
                .filter_map(|l| {
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
