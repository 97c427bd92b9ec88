//! One graph over every framework item, curriculum session and assessment in a catalog: the
//! links between documents.
//!
//! Edges are typed: an item requires other items, is covered by sessions and assessments at a
//! depth, and maps to items of other frameworks with a relation. Which item lies under which is
//! not here but in each framework's [`crate::hierarchy::Hierarchy`]. The catalog resolves every
//! reference and hands the graph the edges; petgraph is used inside, and the public queries speak
//! in [`ItemHandle`]s and [`ActivityHandle`]s.

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::model::{Depth, ItemIdx, Relation};

/// A handle on one item of one framework in a catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemHandle {
    framework: u32,
    item: u32,
}

impl ItemHandle {
    /// The handle of an item, by its framework's position in [`crate::Catalog::frameworks`] and its
    /// position in the framework.
    pub fn new(framework: usize, item: ItemIdx) -> Self {
        Self {
            framework: framework as u32,
            item: item.0,
        }
    }

    /// The framework's position in [`Catalog::frameworks`](crate::Catalog::frameworks).
    pub fn framework_position(self) -> usize {
        self.framework as usize
    }

    /// The item's position in its framework.
    pub fn item(self) -> ItemIdx {
        ItemIdx(self.item)
    }
}

/// What a reference resolves to: an item, or a whole framework (`FRAMEWORK:*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// Every leaf of the framework at this position in [`Catalog::frameworks`](crate::Catalog::frameworks).
    Framework(usize),
    /// One item (and, when it is not a leaf, every leaf under it).
    Item(ItemHandle),
}

/// Whether an activity is a session or an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActivityKind {
    /// A teaching session.
    Session,
    /// An assessment.
    Assessment,
}

/// A handle on a session or an assessment of a curriculum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ActivityHandle {
    /// The curriculum's position in [`Catalog::curricula`](crate::Catalog::curricula).
    pub curriculum: usize,
    /// Session or assessment.
    pub kind: ActivityKind,
    /// Position in the curriculum's sessions or assessments.
    pub index: usize,
}

#[derive(Debug, Clone, Copy)]
enum NodeKind {
    Framework(usize),
    Item(ItemHandle),
    Activity(ActivityHandle),
}

/// The kind of an edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EdgeKind {
    /// From an item to an item (or framework) it requires.
    Requires,
    /// From a session or assessment to what it covers.
    Covers(Depth),
    /// From an item to an item of another framework, as a mapping says.
    MapsTo {
        /// The relation, read from the edge's source to its target.
        relation: Relation,
        /// The mapping's position in [`Catalog::mappings`](crate::Catalog::mappings).
        mapping: usize,
    },
}

/// The catalog's graph; see the module documentation.
#[derive(Debug, Default)]
pub struct CompetenceGraph {
    graph: DiGraph<NodeKind, EdgeKind, u32>,
    framework_nodes: Vec<NodeIndex>,
    activity_nodes: crate::ids::IdMap<ActivityHandle, NodeIndex>,
}

/// The edges of a catalog, with every reference resolved (see [`CompetenceGraph::build`]).
#[derive(Debug, Default)]
pub(crate) struct Edges {
    /// How many items each framework has, in catalog order.
    pub framework_sizes: Vec<usize>,
    /// An item, and what it requires.
    pub requires: Vec<(ItemHandle, Target)>,
    /// Every session and assessment, each with what it covers and how deeply.
    pub activities: Vec<(ActivityHandle, Vec<(Target, Depth)>)>,
    /// A mapping link: from, to, relation, the mapping's position.
    pub maps: Vec<(Target, Target, Relation, usize)>,
}

impl Edges {
    /// Whether these could be the edges of `catalog` when every reference in it resolves (as
    /// edges read back from the cache must: they were made for the same documents, but are
    /// checked, not trusted): one `requires` edge per `requires` of each item, from that item;
    /// one activity per session and assessment, in order, with one cover per cover; one
    /// mapping edge per link, of that mapping; every handle in range.
    pub(crate) fn fit(&self, catalog: &crate::Catalog) -> bool {
        let requires = catalog.frameworks().iter().enumerate().flat_map(|(f, fw)| {
            fw.indexed()
                .flat_map(move |(i, item)| item.requires().map(move |_| ItemHandle::new(f, i)))
        });
        let activities = catalog.curricula().iter().enumerate().flat_map(|(c, cur)| {
            let sessions = cur.sessions.iter().enumerate().map(move |(index, s)| {
                let h = ActivityHandle {
                    curriculum: c,
                    kind: ActivityKind::Session,
                    index,
                };
                (h, s.covers.len())
            });
            let assessments = cur.assessments.iter().enumerate().map(move |(index, a)| {
                let h = ActivityHandle {
                    curriculum: c,
                    kind: ActivityKind::Assessment,
                    index,
                };
                (h, a.assesses.len())
            });
            sessions.chain(assessments)
        });
        let maps = catalog
            .mappings()
            .iter()
            .enumerate()
            .flat_map(|(m, mapping)| mapping.links.iter().map(move |_| m));
        let shape = self.requires.iter().map(|(h, _)| *h).eq(requires)
            && self
                .activities
                .iter()
                .map(|(h, covers)| (*h, covers.len()))
                .eq(activities)
            && self.maps.iter().map(|(_, _, _, m)| *m).eq(maps);
        shape && self.in_range(catalog)
    }

    /// Whether every handle lies in `catalog`.
    fn in_range(&self, catalog: &crate::Catalog) -> bool {
        let sizes: Vec<usize> = catalog.sizes().collect();
        let target = |t: &Target| match *t {
            Target::Framework(f) => f < sizes.len(),
            Target::Item(h) => sizes
                .get(h.framework_position())
                .is_some_and(|&n| h.item().index() < n),
        };
        let activity = |a: &ActivityHandle| {
            catalog.curricula().get(a.curriculum).is_some_and(|c| {
                a.index
                    < match a.kind {
                        ActivityKind::Session => c.sessions.len(),
                        ActivityKind::Assessment => c.assessments.len(),
                    }
            })
        };
        self.framework_sizes == sizes
            && self
                .requires
                .iter()
                .all(|(h, t)| target(&Target::Item(*h)) && target(t))
            && self
                .activities
                .iter()
                .all(|(a, covers)| activity(a) && covers.iter().all(|(t, _)| target(t)))
            && self
                .maps
                .iter()
                .all(|(a, b, _, m)| target(a) && target(b) && *m < catalog.mappings().len())
    }
}

impl crate::cache::Stored for ItemHandle {
    fn put(&self, o: &mut crate::cache::Out<'_>) {
        self.framework.put(o);
        self.item.put(o);
    }
    fn take(i: &mut crate::cache::In<'_>) -> Option<Self> {
        Some(Self {
            framework: crate::cache::Stored::take(i)?,
            item: crate::cache::Stored::take(i)?,
        })
    }
}

impl crate::cache::Stored for Target {
    fn put(&self, o: &mut crate::cache::Out<'_>) {
        match self {
            Target::Framework(f) => {
                o.varint(0);
                f.put(o);
            }
            Target::Item(h) => {
                o.varint(1);
                h.put(o);
            }
        }
    }
    fn take(i: &mut crate::cache::In<'_>) -> Option<Self> {
        match i.varint()? {
            0 => crate::cache::Stored::take(i).map(Target::Framework),
            1 => crate::cache::Stored::take(i).map(Target::Item),
            _ => None,
        }
    }
}

impl crate::cache::Stored for ActivityKind {
    fn put(&self, o: &mut crate::cache::Out<'_>) {
        (*self == ActivityKind::Assessment).put(o);
    }
    fn take(i: &mut crate::cache::In<'_>) -> Option<Self> {
        let assessment: bool = crate::cache::Stored::take(i)?;
        Some(if assessment {
            ActivityKind::Assessment
        } else {
            ActivityKind::Session
        })
    }
}

crate::cache::record!(ActivityHandle {
    curriculum,
    kind,
    index
});

crate::cache::record!(Edges {
    framework_sizes,
    requires,
    activities,
    maps
});

impl CompetenceGraph {
    /// Builds the graph from resolved edges.
    pub(crate) fn build(edges: &Edges) -> Self {
        let mut g = Self::default();
        for (f, &n) in edges.framework_sizes.iter().enumerate() {
            g.framework_nodes
                .push(g.graph.add_node(NodeKind::Framework(f)));
            for i in 0..n {
                g.graph
                    .add_node(NodeKind::Item(ItemHandle::new(f, ItemIdx(i as u32))));
            }
        }
        g.graph
            .reserve_edges(edges.requires.len() + edges.maps.len() + edges.activities.len());
        for &(h, t) in &edges.requires {
            g.graph
                .add_edge(g.item_node(h), g.target_node(t), EdgeKind::Requires);
        }
        for (h, covers) in &edges.activities {
            let node = g.graph.add_node(NodeKind::Activity(*h));
            g.activity_nodes.insert(*h, node);
            for &(t, depth) in covers {
                g.graph
                    .add_edge(node, g.target_node(t), EdgeKind::Covers(depth));
            }
        }
        for &(a, b, relation, mapping) in &edges.maps {
            g.graph.add_edge(
                g.target_node(a),
                g.target_node(b),
                EdgeKind::MapsTo { relation, mapping },
            );
        }
        g
    }

    fn framework_node(&self, f: usize) -> NodeIndex {
        self.framework_nodes.get(f).copied().unwrap_or_default()
    }

    fn item_node(&self, h: ItemHandle) -> NodeIndex {
        NodeIndex::new(self.framework_node(h.framework as usize).index() + 1 + h.item as usize)
    }

    fn target_node(&self, t: Target) -> NodeIndex {
        match t {
            Target::Framework(f) => self.framework_node(f),
            Target::Item(h) => self.item_node(h),
        }
    }

    fn item_of(&self, n: NodeIndex) -> Option<ItemHandle> {
        match self.graph.node_weight(n) {
            Some(NodeKind::Item(h)) => Some(*h),
            _ => None,
        }
    }

    fn target_of(&self, n: NodeIndex) -> Option<Target> {
        match self.graph.node_weight(n)? {
            NodeKind::Framework(f) => Some(Target::Framework(*f)),
            NodeKind::Item(h) => Some(Target::Item(*h)),
            NodeKind::Activity(_) => None,
        }
    }

    /// What the item requires, in file order.
    pub fn requires(&self, h: ItemHandle) -> Vec<Target> {
        self.outgoing(self.item_node(h), |e| *e == EdgeKind::Requires)
            .filter_map(|(n, _)| self.target_of(n))
            .collect()
    }

    /// What a session or assessment covers, and how deeply, in file order.
    pub fn covers(&self, a: ActivityHandle) -> Vec<(Target, Depth)> {
        let Some(&n) = self.activity_nodes.get(&a) else {
            return Vec::new();
        };
        self.outgoing(n, |e| matches!(e, EdgeKind::Covers(_)))
            .filter_map(|(n, e)| match e {
                EdgeKind::Covers(d) => Some((self.target_of(n)?, d)),
                _ => None,
            })
            .collect()
    }

    /// The sessions and assessments that name this item directly, with their depth.
    pub fn covered_by(&self, h: ItemHandle) -> Vec<(ActivityHandle, Depth)> {
        self.covered_by_target(Target::Item(h))
    }

    /// The sessions and assessments that name this target (an item, or `FRAMEWORK:*`).
    pub fn covered_by_target(&self, t: Target) -> Vec<(ActivityHandle, Depth)> {
        self.graph
            .edges_directed(self.target_node(t), Direction::Incoming)
            .filter_map(|e| match (e.weight(), self.graph.node_weight(e.source())) {
                (EdgeKind::Covers(d), Some(NodeKind::Activity(a))) => Some((*a, *d)),
                _ => None,
            })
            .collect()
    }

    /// The links from this item to items of other frameworks, read in both directions (a link
    /// read backwards has its relation inverted), with the mapping each comes from.
    pub fn mapped(&self, h: ItemHandle) -> Vec<(Target, Relation, usize)> {
        self.mapped_iter(h).collect()
    }

    /// [`Self::mapped`] without collecting.
    pub(crate) fn mapped_iter(
        &self,
        h: ItemHandle,
    ) -> impl Iterator<Item = (Target, Relation, usize)> + '_ {
        let n = self.item_node(h);
        let forward = self
            .graph
            .edges_directed(n, Direction::Outgoing)
            .filter_map(|e| match e.weight() {
                EdgeKind::MapsTo { relation, mapping } => {
                    Some((self.target_of(e.target())?, *relation, *mapping))
                }
                _ => None,
            });
        let backward = self
            .graph
            .edges_directed(n, Direction::Incoming)
            .filter_map(|e| match e.weight() {
                EdgeKind::MapsTo { relation, mapping } => {
                    Some((self.target_of(e.source())?, relation.inverse(), *mapping))
                }
                _ => None,
            });
        forward.chain(backward)
    }

    /// Every item with at least one mapping link, each once, in catalog order.
    pub(crate) fn mapping_endpoints(&self) -> Vec<ItemHandle> {
        let mut items: Vec<ItemHandle> = self
            .graph
            .edge_references()
            .filter(|e| matches!(e.weight(), EdgeKind::MapsTo { .. }))
            .flat_map(|e| [e.source(), e.target()])
            .filter_map(|n| self.item_of(n))
            .collect();
        items.sort_unstable();
        items.dedup();
        items
    }

    fn outgoing(
        &self,
        n: NodeIndex,
        keep: impl Fn(&EdgeKind) -> bool,
    ) -> impl Iterator<Item = (NodeIndex, EdgeKind)> + '_ {
        let mut edges: Vec<_> = self
            .graph
            .edges_directed(n, Direction::Outgoing)
            .filter(|e| keep(e.weight()))
            .map(|e| (e.target(), *e.weight()))
            .collect();
        edges.reverse(); // petgraph lists the newest edge first; keep file order
        edges.into_iter()
    }

    /// Number of nodes (frameworks, items, sessions and assessments).
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The cycles in `requires` between items (an item that needs, even indirectly, itself),
    /// each as the shortest way round from its first item back to it.
    pub(crate) fn requires_cycles(&self) -> Vec<Vec<ItemHandle>> {
        let count = self.graph.node_count();
        crate::cycles::cycles(count, |n| {
            self.graph
                .edges_directed(NodeIndex::new(n), Direction::Outgoing)
                .filter(|e| *e.weight() == EdgeKind::Requires)
                .map(|e| e.target().index())
        })
        .into_iter()
        .map(|c| {
            c.into_iter()
                .filter_map(|n| self.item_of(NodeIndex::new(n)))
                .collect()
        })
        .collect()
    }
}

/// One value per item of every framework of a catalog, in a dense array indexed by
/// [`ItemHandle`] (what analyses keep per item).
#[derive(Debug, Clone)]
pub(crate) struct ItemTable<T> {
    offsets: Vec<usize>,
    cells: Vec<T>,
}

impl<T: Clone + Default> ItemTable<T> {
    /// A table for frameworks of these sizes (in catalog order), every cell the default.
    pub fn new(sizes: impl IntoIterator<Item = usize>) -> Self {
        let mut offsets = vec![0];
        let mut total = 0;
        for n in sizes {
            total += n;
            offsets.push(total);
        }
        Self {
            offsets,
            cells: vec![T::default(); total],
        }
    }

    fn slot(&self, h: ItemHandle) -> Option<usize> {
        let base = self.offsets.get(h.framework_position())?;
        let end = self.offsets.get(h.framework_position() + 1)?;
        let n = base + h.item().index();
        (n < *end).then_some(n)
    }

    /// The item's cell.
    pub fn get(&self, h: ItemHandle) -> Option<&T> {
        self.cells.get(self.slot(h)?)
    }

    /// The item's cell, to change.
    pub fn get_mut(&mut self, h: ItemHandle) -> Option<&mut T> {
        let n = self.slot(h)?;
        self.cells.get_mut(n)
    }
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    #[test]
    fn edges_fit_only_the_catalog_they_speak_of() {
        let mut b = crate::Catalog::builder().builtin(false);
        b.add_bytes(
            "a.yaml",
            b"kind: framework\nid: fa\ntitle: A\nitems:\n  - { id: \"1\", title: One, requires: [\"2\"] }\n  - { id: \"2\", title: Two }\n",
        );
        b.add_bytes(
            "c.yaml",
            b"kind: curriculum\nid: c\ntitle: C\nframeworks: [fa]\nsessions:\n  - { id: s, title: S, covers: [{ ref: \"1\", depth: introduced }] }\n",
        );
        let catalog = b.build();
        assert!(catalog.diagnostics().is_empty());
        let edges = || crate::validate::references(&catalog, &mut Vec::new());
        assert!(edges().fit(&catalog));
        let beyond = ItemHandle::new(0, ItemIdx(2));
        let mut e = edges();
        e.requires.push((beyond, Target::Framework(0)));
        assert!(!e.fit(&catalog));
        let mut e = edges();
        e.requires
            .push((ItemHandle::new(0, ItemIdx(0)), Target::Framework(1)));
        assert!(!e.fit(&catalog));
        let mut e = edges();
        let session = ActivityHandle {
            curriculum: 0,
            kind: ActivityKind::Session,
            index: 1,
        };
        e.activities.push((session, Vec::new()));
        assert!(!e.fit(&catalog));
        let mut e = edges();
        e.maps.push((
            Target::Framework(0),
            Target::Framework(0),
            Relation::Exact,
            0,
        ));
        assert!(!e.fit(&catalog), "no mapping at position 0");
        let mut e = edges();
        e.framework_sizes.push(1);
        assert!(!e.fit(&catalog));
    }
}
