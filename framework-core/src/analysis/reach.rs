//! What is known of each leaf a curriculum reaches: directly, through a parent, or through
//! chains of mapping links composed by [`crate::composition`].

use crate::catalog::Catalog;
use crate::composition::{Composed, Label, Reach, Reached, State, Walk};
use crate::graph::{ItemHandle, ItemTable, Target};
use crate::model::Depth;

use super::{Activities, Activity, Via};

/// What is known of every leaf of a catalog, in a dense table by item.
pub(crate) type LeafStates = ItemTable<LeafState>;

/// What is known of one leaf.
#[derive(Debug, Clone, Default)]
pub(crate) struct LeafState {
    pub via: Option<Via>,
    pub depth: Option<Depth>,
    pub activities: Activities,
    /// 2: covered through mappings; 1: partial (the links compose to `broad` or `overlap`);
    /// 0: not reached.
    pub mapped: u8,
    pub mapped_depth: Option<Depth>,
    pub mapped_activities: Activities,
    /// Mapping links from something covered lead to it (or to an item above it), but compose
    /// to `related`.
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

/// Direct and parent coverage of every leaf a curriculum's activities name (in any framework).
pub(crate) fn direct_states(catalog: &Catalog, c: usize, activities: &[Activity]) -> LeafStates {
    let graph = catalog.graph();
    let mut leaves = LeafStates::new(catalog.sizes());
    let first = |a: Option<usize>, b: usize| Some(a.map_or(b, |a| a.min(b)));
    for (n, a) in activities.iter().enumerate() {
        let h = crate::graph::ActivityHandle {
            curriculum: c,
            kind: a.kind,
            index: a.index,
        };
        for (target, depth) in graph.covers(h) {
            for leaf in catalog.all_leaves_under(target) {
                let via = if target == Target::Item(leaf) {
                    Via::Direct
                } else {
                    Via::Parent
                };
                let Some(st) = leaves.get_mut(leaf) else {
                    continue;
                };
                st.via = Some(st.via.map_or(via, |v| v.min(via)));
                st.depth = st.depth.max(Some(depth));
                st.activities.insert(n);
                if depth == Depth::Assessed {
                    st.first_assessed = first(st.first_assessed, n);
                } else {
                    st.first_taught = first(st.first_taught, n);
                }
            }
        }
    }
    leaves
}

/// A label of the mapping search: the depth at the chain's source, whether the item was reached
/// through a link to itself (not only as part of an item above it), and the source (seed) whose
/// sessions are reported, as its position among the seeds.
#[derive(Debug, Clone, Copy)]
struct Source {
    depth: Option<Depth>,
    linked: bool,
    seed: usize,
}

impl Label for Source {
    fn better_than(&self, other: &Self) -> bool {
        (self.depth, self.linked) > (other.depth, other.linked)
    }
    fn through_link(&self, _from: State, _mapping: usize) -> Self {
        Self {
            linked: true,
            ..*self
        }
    }
    fn down_to_child(&self, _from: State) -> Self {
        Self {
            linked: false,
            ..*self
        }
    }
}

/// How strong a composed relation is, for choosing among the ways a leaf is reached.
fn strength(c: Composed) -> u8 {
    match c {
        Composed::Exact => 4,
        Composed::Close => 3,
        Composed::Narrow => 2,
        Composed::Broad | Composed::Overlap => 1,
        Composed::Related => 0,
    }
}

/// Spreads coverage along mapping links (both directions, inverted backwards, composed by
/// [`Composed::then`]) from items of frameworks other than `target` that the curriculum covers
/// completely, and down to what lies inside each item reached; records on the target's leaves
/// the best way they are reached: covered before partial, then the strongest relation, the
/// deepest source, and a link to the leaf itself before one to an item above it.
pub(crate) fn propagate_mappings(catalog: &Catalog, target: usize, leaves: &mut LeafStates) {
    let graph = catalog.graph();
    // Seeds: mapped items outside the target whose every counted leaf is covered; the depth at
    // which all of them are covered, and the sessions that cover them.
    let mut seeds: Vec<(ItemHandle, Option<Depth>, Activities)> = Vec::new();
    for x in graph.mapping_endpoints() {
        if x.framework_position() == target {
            continue;
        }
        let under = catalog.leaves_under(Target::Item(x));
        let mut depth: Option<Depth> = None;
        let mut acts = Activities::default();
        let mut ok = !under.is_empty();
        for leaf in &under {
            match leaves.get(*leaf).filter(|s| s.via.is_some()) {
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
            seeds.push((x, depth, acts));
        }
    }
    if seeds.is_empty() {
        return;
    }
    let labels: Vec<(State, Source)> = seeds
        .iter()
        .enumerate()
        .map(|(seed, &(x, depth, _))| {
            (
                (x, Composed::Exact),
                Source {
                    depth,
                    linked: true,
                    seed,
                },
            )
        })
        .collect();
    let mut reached: Reached<Source> = Reached::new(catalog.sizes());
    let children = |h: ItemHandle| catalog.children(h);
    let roots = |f: usize| catalog.roots(f);
    Walk {
        graph,
        children: Some(&children),
        roots: &roots,
        stop: &|_: State| false,
    }
    .run(&mut reached, labels);
    for &h in reached.items() {
        if h.framework_position() != target || !catalog.is_leaf(h) {
            continue;
        }
        let best = reached
            .at(h)
            .max_by_key(|(c, l)| (c.reach(), strength(*c), l.depth, l.linked));
        let related = reached.get((h, Composed::Related)).is_some();
        let Some(st) = leaves.get_mut(h) else {
            continue;
        };
        st.related |= related;
        let Some((c, label)) = best else { continue };
        st.mapped = match c.reach() {
            Reach::Covered => 2,
            Reach::Partial => 1,
            Reach::Nothing => continue,
        };
        st.mapped_depth = label.depth;
        if let Some((_, _, acts)) = seeds.get(label.seed) {
            st.mapped_activities = acts.clone();
        }
    }
}
