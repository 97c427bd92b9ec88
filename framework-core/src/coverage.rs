//! Coverage: how a curriculum covers a framework (SPEC §2).
//!
//! For every leaf of the framework: the sessions and assessments that cover it, the deepest
//! depth reached, and how: `direct` (a cover names the leaf), `parent` (a cover names an item
//! above it, or `FRAMEWORK:*`), or `mapping` (a chain of mapping links from an item of another
//! framework the curriculum fully covers; `exact`, `close` and `narrow` links give coverage, a
//! `broad` link only `partial`, a `related` link nothing). Roll-ups for every item above the
//! leaves, the curriculum's hours per top-level item, and sequencing findings.

use std::collections::{BTreeSet, HashMap, HashSet};

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
    /// The sessions and assessments that cover it (for other items: that cover a leaf under it).
    pub sessions: Vec<String>,
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
        if let Some(doc) = catalog.document(curriculum) {
            return Err(AnalysisError::WrongKind {
                id: curriculum.to_owned(),
                kind: doc.info().kind.to_string(),
                expected: "curriculum".to_owned(),
            });
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
            (0..64)
                .filter(move |b| word & (1 << b) != 0)
                .map(move |b| w * 64 + b)
        })
    }
    fn is_empty(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
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

/// A label in the mapping search: the chain's strength, the depth and the activities at its source.
#[derive(Debug, Clone, Default)]
struct Label {
    strength: u8,
    depth: Option<Depth>,
    activities: Activities,
}

impl Label {
    /// Merges `other` in; whether the label changed.
    fn merge(&mut self, other: &Label) -> bool {
        if other.strength > self.strength {
            *self = other.clone();
            return true;
        }
        if other.strength < self.strength || other.strength == 0 {
            return false;
        }
        let mut changed = self.activities.union(&other.activities);
        if other.depth > self.depth {
            self.depth = other.depth;
            changed = true;
        }
        changed
    }
}

/// The activities of a curriculum in teaching order, with their ids.
pub(crate) struct Activity {
    pub id: String,
    pub kind: ActivityKind,
    pub index: usize,
    /// Position in teaching order (see [`teaching_order`]).
    pub order: usize,
    pub hours: Option<f64>,
}

/// Sessions then assessments, each with its position in teaching order: by day (or the first
/// day of its week, counting 7 days a week), sessions without a day or week taking the time of
/// the session before them, assessments without one coming after everything; ties keep file
/// order, sessions before assessments.
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
                order: 0,
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
                order: 0,
                hours: None,
            },
        ));
    }
    let mut order: Vec<usize> = (0..keyed.len()).collect();
    order.sort_by_key(|&n| keyed.get(n).map(|(k, _)| *k));
    let mut rank = vec![0; keyed.len()];
    for (pos, &n) in order.iter().enumerate() {
        if let Some(r) = rank.get_mut(n) {
            *r = pos;
        }
    }
    keyed
        .into_iter()
        .zip(rank)
        .map(|((_, mut a), r)| {
            a.order = r;
            a
        })
        .collect()
}

/// Direct and parent coverage of every leaf a curriculum's activities name (in any framework).
pub(crate) fn direct_states(
    catalog: &Catalog,
    c: usize,
    activities: &[Activity],
) -> HashMap<ItemHandle, LeafState> {
    let graph = catalog.graph();
    let mut leaves: HashMap<ItemHandle, LeafState> = HashMap::new();
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
                let st = leaves.entry(leaf).or_default();
                st.via = Some(st.via.map_or(via, |v| v.min(via)));
                st.depth = st.depth.max(Some(depth));
                st.activities.insert(n);
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
    let activities = teaching_order(cur);
    let graph = catalog.graph();

    // 1. Direct and parent coverage, for leaves of every framework the curriculum touches.
    let mut leaves = direct_states(catalog, c, &activities);

    // 2. Mapping chains from fully covered items of other frameworks.
    propagate_mappings(catalog, f, &mut leaves);

    // 3. The report.
    let fw = &catalog.frameworks()[f];
    let fw_id = fw.info.id.clone();
    let ids: Vec<&str> = activities.iter().map(|a| a.id.as_str()).collect();
    let names = |acts: &Activities| -> Vec<String> {
        acts.iter()
            .filter_map(|n| ids.get(n).map(|s| (*s).to_owned()))
            .collect()
    };
    let leaf_status = |h: ItemHandle| -> (bool, bool, Option<Depth>, Option<Via>, Activities) {
        let Some(st) = leaves.get(&h) else {
            return (false, false, None, None, Activities::default());
        };
        let (covered, partial) = (st.covered(), st.partial());
        let via = st.via.or((st.mapped > 0).then_some(Via::Mapping));
        let mut acts = if st.via.is_some() {
            st.activities.clone()
        } else {
            Activities::default()
        };
        if st.mapped >= 2 || st.via.is_none() {
            acts.union(&st.mapped_activities);
        }
        let depth = if covered || partial { st.depth() } else { None };
        (
            covered,
            partial,
            depth,
            if covered || partial { via } else { None },
            acts,
        )
    };

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
            let (covered, partial, depth, via, acts) = leaf_status(h);
            if !item.is_optional() {
                counted += 1;
                if covered {
                    covered_count += 1;
                } else if partial {
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
                covered,
                partial,
                depth,
                via,
                sessions: names(&acts),
                leaves: None,
                covered_leaves: None,
                level,
            });
        } else {
            let under = graph.leaves_under(catalog, h);
            let mut all = Activities::default();
            let mut n_covered = 0;
            let mut any_partial = false;
            let mut min_depth: Option<Depth> = None;
            for &leaf in &under {
                let (covered, partial, depth, _, acts) = leaf_status(leaf);
                all.union(&acts);
                if covered {
                    n_covered += 1;
                    min_depth = Some(min_depth.map_or(depth.unwrap_or(Depth::Introduced), |m| {
                        m.min(depth.unwrap_or(Depth::Introduced))
                    }));
                }
                any_partial |= partial;
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
                sessions: names(&all),
                leaves: Some(under.len()),
                covered_leaves: Some(n_covered),
                level,
            });
        }
    }

    // 4. Hours per top-level item.
    let roots: Vec<ItemHandle> = graph.roots(f);
    let mut hours: Vec<f64> = vec![0.0; roots.len()];
    let mut unassigned = 0.0;
    let mut tops_of: HashMap<ItemHandle, Vec<ItemHandle>> = HashMap::new();
    for (n, a) in activities.iter().enumerate() {
        let Some(h) = a.hours.filter(|h| *h > 0.0) else {
            continue;
        };
        let mut touched: BTreeSet<ItemHandle> = BTreeSet::new();
        for (leaf, st) in &leaves {
            if leaf.framework_position() != f {
                continue;
            }
            let direct = st.activities.iter().any(|x| x == n);
            let mapped = st.mapped >= 2 && st.mapped_activities.iter().any(|x| x == n);
            if direct || mapped {
                let tops = tops_of.entry(*leaf).or_insert_with(|| graph.tops(*leaf));
                touched.extend(tops.iter().copied());
            }
        }
        if touched.is_empty() {
            unassigned += h;
            continue;
        }
        let share = h / touched.len() as f64;
        for t in touched {
            if let Some(pos) = roots.iter().position(|&r| r == t)
                && let Some(slot) = hours.get_mut(pos)
            {
                *slot += share;
            }
        }
    }
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
    let sequencing = sequencing(catalog, f, c, &activities);

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
    leaves: &mut HashMap<ItemHandle, LeafState>,
) {
    let graph = catalog.graph();
    let endpoints: HashSet<ItemHandle> = graph.mapping_endpoints().collect();
    if endpoints.is_empty() {
        return;
    }
    // Seeds: mapped items outside the target whose every counted leaf is covered.
    let mut labels: HashMap<ItemHandle, Label> = HashMap::new();
    let mut buckets: [Vec<ItemHandle>; 5] = Default::default();
    for &x in &endpoints {
        if x.framework_position() == target {
            continue;
        }
        let under = graph.leaves_under(catalog, x);
        let mut label = Label {
            strength: 4,
            depth: None,
            activities: Activities::default(),
        };
        let mut ok = !under.is_empty();
        for leaf in &under {
            match leaves.get(leaf).filter(|s| s.via.is_some()) {
                Some(st) => {
                    label.depth = Some(
                        label
                            .depth
                            .map_or(st.depth.unwrap_or(Depth::Introduced), |d| {
                                d.min(st.depth.unwrap_or(Depth::Introduced))
                            }),
                    );
                    label.activities.union(&st.activities);
                }
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            labels.insert(x, label);
            buckets[4].push(x);
        }
    }
    // Widest-path search: strongest chains first; within a strength, merge depths and activities.
    for s in (1..=4).rev() {
        while let Some(x) = buckets[s].pop() {
            let Some(label) = labels.get(&x).cloned() else {
                continue;
            };
            if usize::from(label.strength) != s {
                continue;
            }
            let mut next: Vec<(ItemHandle, u8)> = Vec::new();
            for (t, relation, _) in graph.mapped(x) {
                let st = label.strength.min(strength(relation));
                if st == 0 {
                    continue;
                }
                match t {
                    Target::Item(y) => next.push((y, st)),
                    Target::Framework(g) => {
                        next.extend(graph.roots(g).into_iter().map(|y| (y, st)))
                    }
                }
            }
            // What lies inside an item reached is reached too.
            next.extend(graph.children(x).into_iter().map(|y| (y, label.strength)));
            for (y, st) in next {
                let incoming = Label {
                    strength: st,
                    depth: label.depth,
                    activities: label.activities.clone(),
                };
                let entry = labels.entry(y).or_default();
                if entry.merge(&incoming)
                    && let Some(bucket) = buckets.get_mut(usize::from(entry.strength))
                {
                    bucket.push(y);
                }
            }
        }
    }
    // `related` links from anything reached mark what they lead to (and everything under it).
    let mut related: Vec<ItemHandle> = Vec::new();
    for (&x, label) in &labels {
        if label.strength == 0 {
            continue;
        }
        for (t, relation, _) in graph.mapped(x) {
            if relation == Relation::Related
                && let Target::Item(y) = t
                && y.framework_position() == target
            {
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
        if h.framework_position() != target || label.strength == 0 {
            continue;
        }
        if !catalog.item(h).is_some_and(|i| i.is_leaf()) {
            continue;
        }
        let st = leaves.entry(h).or_default();
        // 2: full coverage (exact, close, narrow); 1: partial (a broad link on the way).
        st.mapped = if label.strength >= 2 { 2 } else { 1 };
        st.mapped_depth = label.depth;
        if !label.activities.is_empty() {
            st.mapped_activities = label.activities;
        }
    }
}

/// Items assessed before they are taught, and items first met before what they require.
fn sequencing(
    catalog: &Catalog,
    f: usize,
    c: usize,
    activities: &[Activity],
) -> Vec<SequencingFinding> {
    let graph = catalog.graph();
    // First position at which each leaf of the framework is met, taught, assessed.
    #[derive(Default, Clone, Copy)]
    struct Firsts {
        met: Option<(usize, usize)>,
        taught: Option<(usize, usize)>,
        assessed: Option<(usize, usize)>,
    }
    let mut firsts: HashMap<ItemHandle, Firsts> = HashMap::new();
    let min = |a: Option<(usize, usize)>, b: (usize, usize)| Some(a.map_or(b, |a| a.min(b)));
    for (n, a) in activities.iter().enumerate() {
        let h = crate::graph::ActivityHandle {
            curriculum: c,
            kind: a.kind,
            index: a.index,
        };
        for (target, depth) in graph.covers(h) {
            for leaf in graph.all_leaves_under_target(target) {
                let e = firsts.entry(leaf).or_default();
                let pos = (a.order, n);
                e.met = min(e.met, pos);
                if depth == Depth::Assessed {
                    e.assessed = min(e.assessed, pos);
                } else {
                    e.taught = min(e.taught, pos);
                }
            }
        }
    }
    let name = |pos: (usize, usize)| activities.get(pos.1).map_or("?", |a| a.id.as_str());
    let fw = &catalog.frameworks()[f];
    let mut out = Vec::new();
    for (n, item) in fw.items().iter().enumerate() {
        let h = ItemHandle::new(f, crate::model::ItemIdx(n as u32));
        let Some(r) = catalog.item_ref(h) else {
            continue;
        };
        if item.is_leaf()
            && let Some(fi) = firsts.get(&h)
            && let (Some(a), Some(t)) = (fi.assessed, fi.taught)
            && a < t
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
        // Requires: compare when the item is first met with when what it requires is.
        let first_met = |t: Target| -> Option<(usize, usize)> {
            graph
                .all_leaves_under_target(t)
                .iter()
                .filter_map(|l| firsts.get(l).and_then(|f| f.met))
                .min()
        };
        let Some(mine) = first_met(Target::Item(h)) else {
            continue;
        };
        for req in graph.requires(h) {
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
