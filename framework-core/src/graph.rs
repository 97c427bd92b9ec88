//! One graph over every framework item, curriculum session and assessment in a catalog.
//!
//! Edges are typed: an item is a child of its parent (and of the extra parents named with
//! `also_under`), requires other items, is covered by sessions and assessments at a depth, and
//! maps to items of other frameworks with a relation. petgraph is used inside; the public
//! queries speak in [`ItemHandle`]s and [`ActivityHandle`]s.

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::Direction;
use petgraph::graph::{DiGraph, EdgeReference, NodeIndex};
use petgraph::visit::{EdgeFiltered, EdgeRef};

use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic, Loc};
use crate::model::{Depth, ItemIdx, Relation};

/// A handle on one item of one framework in a catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemHandle {
    framework: u32,
    item: u32,
}

impl ItemHandle {
    pub(crate) fn new(framework: usize, item: ItemIdx) -> Self {
        Self {
            framework: framework as u32,
            item: item.0,
        }
    }

    /// The framework's position in [`Catalog::frameworks`].
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
    /// Every leaf of the framework at this position in [`Catalog::frameworks`].
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
    /// The curriculum's position in [`Catalog::curricula`].
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
    /// From an item to its parent (the one it is nested under).
    ChildOf,
    /// From an item to an extra parent named with `also_under`.
    AlsoUnder,
    /// From an item to an item (or framework) it requires.
    Requires,
    /// From a session or assessment to what it covers.
    Covers(Depth),
    /// From an item to an item of another framework, as a mapping says.
    MapsTo {
        /// The relation, read from the edge's source to its target.
        relation: Relation,
        /// The mapping's position in [`Catalog::mappings`].
        mapping: usize,
    },
}

/// The catalog's graph; see the module documentation.
#[derive(Debug, Default)]
pub struct CompetenceGraph {
    graph: DiGraph<NodeKind, EdgeKind, u32>,
    framework_nodes: Vec<NodeIndex>,
    activity_nodes: HashMap<ActivityHandle, NodeIndex>,
}

impl CompetenceGraph {
    /// Builds the graph of a catalog whose references have been checked; reports cycles.
    pub(crate) fn build(catalog: &Catalog, diags: &mut Vec<Diagnostic>) -> Self {
        let mut g = Self::default();
        let mut edges = 0;
        for (f, fw) in catalog.frameworks().iter().enumerate() {
            g.framework_nodes
                .push(g.graph.add_node(NodeKind::Framework(f)));
            for n in 0..fw.items().len() {
                g.graph
                    .add_node(NodeKind::Item(ItemHandle::new(f, ItemIdx(n as u32))));
            }
            edges += fw.items().len() * 2;
        }
        g.graph.reserve_edges(edges);
        for (f, fw) in catalog.frameworks().iter().enumerate() {
            let root = g.framework_node(f);
            for (n, item) in fw.items().iter().enumerate() {
                let node = g.item_node(ItemHandle::new(f, ItemIdx(n as u32)));
                let parent = match item.parent {
                    Some(p) => g.item_node(ItemHandle::new(f, p)),
                    None => root,
                };
                g.graph.add_edge(node, parent, EdgeKind::ChildOf);
                for &p in &item.extra_parents {
                    g.graph.add_edge(
                        node,
                        g.item_node(ItemHandle::new(f, p)),
                        EdgeKind::AlsoUnder,
                    );
                }
                for r in &item.requires {
                    if let Some(t) = catalog.resolve(&r.r) {
                        g.graph.add_edge(node, g.target_node(t), EdgeKind::Requires);
                    }
                }
            }
        }
        for (c, cur) in catalog.curricula().iter().enumerate() {
            let activities = cur
                .sessions
                .iter()
                .enumerate()
                .map(|(i, s)| (ActivityKind::Session, i, &s.covers))
                .chain(
                    cur.assessments
                        .iter()
                        .enumerate()
                        .map(|(i, a)| (ActivityKind::Assessment, i, &a.assesses)),
                );
            for (kind, index, covers) in activities {
                let h = ActivityHandle {
                    curriculum: c,
                    kind,
                    index,
                };
                let node = g.graph.add_node(NodeKind::Activity(h));
                g.activity_nodes.insert(h, node);
                for cover in covers {
                    if let Some(t) = catalog.resolve(&cover.target) {
                        g.graph
                            .add_edge(node, g.target_node(t), EdgeKind::Covers(cover.depth));
                    }
                }
            }
        }
        for (m, mapping) in catalog.mappings().iter().enumerate() {
            for link in &mapping.links {
                if let (Some(a), Some(b)) = (catalog.resolve(&link.from), catalog.resolve(&link.to))
                {
                    g.graph.add_edge(
                        g.target_node(a),
                        g.target_node(b),
                        EdgeKind::MapsTo {
                            relation: link.relation,
                            mapping: m,
                        },
                    );
                }
            }
        }
        g.report_cycles(catalog, diags);
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

    fn is_parent_edge(e: &EdgeKind) -> bool {
        matches!(e, EdgeKind::ChildOf | EdgeKind::AlsoUnder)
    }

    /// The item's children: those nested under it and those naming it in `also_under`, in
    /// file order.
    pub fn children(&self, h: ItemHandle) -> Vec<ItemHandle> {
        self.children_of_node(self.item_node(h))
    }

    /// The top-level items of a framework (its position in [`Catalog::frameworks`]).
    pub fn roots(&self, framework: usize) -> Vec<ItemHandle> {
        self.children_of_node(self.framework_node(framework))
    }

    /// The edges from an item's children (nesting and `also_under`), in no particular order.
    fn child_edges(&self, n: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph
            .edges_directed(n, Direction::Incoming)
            .filter(|e| Self::is_parent_edge(e.weight()))
            .map(|e| e.source())
    }

    /// The item's children in no particular order (cheaper than [`Self::children`]).
    pub(crate) fn children_unordered(
        &self,
        h: ItemHandle,
    ) -> impl Iterator<Item = ItemHandle> + '_ {
        self.child_edges(self.item_node(h))
            .filter_map(|n| self.item_of(n))
    }

    fn children_of_node(&self, n: NodeIndex) -> Vec<ItemHandle> {
        let mut out: Vec<ItemHandle> = self
            .graph
            .edges_directed(n, Direction::Incoming)
            .filter(|e| Self::is_parent_edge(e.weight()))
            .filter_map(|e| self.item_of(e.source()))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The item's parents: the one it is nested under first, then those named in `also_under`.
    /// Top-level items have none.
    pub fn parents(&self, h: ItemHandle) -> Vec<ItemHandle> {
        let mut out: Vec<(bool, ItemHandle)> = self
            .graph
            .edges_directed(self.item_node(h), Direction::Outgoing)
            .filter(|e| Self::is_parent_edge(e.weight()))
            .filter_map(|e| {
                Some((
                    *e.weight() == EdgeKind::AlsoUnder,
                    self.item_of(e.target())?,
                ))
            })
            .collect();
        out.sort_unstable();
        out.into_iter().map(|(_, h)| h).collect()
    }

    /// Every ancestor of the item (through all parents), nearest first, each once.
    pub fn ancestors(&self, h: ItemHandle) -> Vec<ItemHandle> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut queue: VecDeque<ItemHandle> = self.parents(h).into();
        while let Some(p) = queue.pop_front() {
            if seen.insert(p) {
                out.push(p);
                queue.extend(self.parents(p));
            }
        }
        out
    }

    /// Every path from a top-level item down to the item (one per way of reaching it through
    /// `also_under`), each listed from the top.
    pub fn paths(&self, h: ItemHandle) -> Vec<Vec<ItemHandle>> {
        let mut out = Vec::new();
        let mut path = vec![h];
        self.paths_up(h, &mut path, &mut out);
        out
    }

    fn paths_up(&self, h: ItemHandle, path: &mut Vec<ItemHandle>, out: &mut Vec<Vec<ItemHandle>>) {
        let parents = self.parents(h);
        if parents.is_empty() {
            out.push(path.iter().rev().copied().collect());
            return;
        }
        for p in parents {
            if path.contains(&p) {
                continue; // a cycle, reported when the catalog was built
            }
            path.push(p);
            self.paths_up(p, path, out);
            path.pop();
        }
    }

    /// The leaves under a target, in framework order. Optional leaves (an optional item or an
    /// item under one) are left out. A leaf target gives itself.
    pub(crate) fn leaves_under_target(&self, catalog: &Catalog, t: Target) -> Vec<ItemHandle> {
        let mut leaves = self.all_leaves_under_target(t);
        leaves.retain(|&h| catalog.item(h).is_some_and(|i| !i.is_optional()));
        leaves
    }

    /// The leaves under a target, optional ones included, in framework order.
    pub(crate) fn all_leaves_under_target(&self, t: Target) -> Vec<ItemHandle> {
        let start = self.target_node(t);
        // A leaf stands for itself (the common case: no walk, no set).
        if let Target::Item(h) = t
            && self.child_edges(start).next().is_none()
        {
            return vec![h];
        }
        let mut seen = HashSet::new();
        let mut stack = vec![start];
        let mut out = Vec::new();
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            let before = stack.len();
            stack.extend(
                self.graph
                    .edges_directed(n, Direction::Incoming)
                    .filter(|e| Self::is_parent_edge(e.weight()))
                    .map(|e| e.source()),
            );
            if stack.len() == before
                && let Some(h) = self.item_of(n)
            {
                out.push(h);
            }
        }
        out.sort_unstable();
        out
    }

    /// Every descendant of an item (through nesting and `also_under`), each once, in framework
    /// order; the item itself is not included.
    pub fn descendants(&self, h: ItemHandle) -> Vec<ItemHandle> {
        let mut seen = HashSet::new();
        let mut stack = self.children(h);
        let mut out = Vec::new();
        while let Some(c) = stack.pop() {
            if seen.insert(c) {
                out.push(c);
                stack.extend(self.children(c));
            }
        }
        out.sort_unstable();
        out
    }

    /// The top-level items above an item (itself if it is one), through every parent.
    pub fn tops(&self, h: ItemHandle) -> Vec<ItemHandle> {
        let mut out: Vec<ItemHandle> = std::iter::once(h)
            .chain(self.ancestors(h))
            .filter(|&a| self.parents(a).is_empty())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The items joined by a `related` mapping link, as pairs (either way round).
    pub(crate) fn related_links(&self) -> impl Iterator<Item = (ItemHandle, ItemHandle)> + '_ {
        self.graph
            .edge_references()
            .filter_map(|e| match e.weight() {
                EdgeKind::MapsTo {
                    relation: Relation::Related,
                    ..
                } => Some((self.item_of(e.source())?, self.item_of(e.target())?)),
                _ => None,
            })
    }

    /// Every item that has at least one mapping link, with its links (see [`Self::mapped`]).
    pub(crate) fn mapping_endpoints(&self) -> impl Iterator<Item = ItemHandle> + '_ {
        self.graph
            .edge_references()
            .filter(|e| matches!(e.weight(), EdgeKind::MapsTo { .. }))
            .flat_map(|e| [e.source(), e.target()])
            .filter_map(|n| self.item_of(n))
    }

    /// The leaves under an item (see [`Catalog::leaves_of`] to start from a reference).
    pub fn leaves_under(&self, catalog: &Catalog, h: ItemHandle) -> Vec<ItemHandle> {
        self.leaves_under_target(catalog, Target::Item(h))
    }

    /// What the item requires.
    pub fn requires(&self, h: ItemHandle) -> Vec<Target> {
        self.outgoing(self.item_node(h), |e| *e == EdgeKind::Requires)
            .filter_map(|(n, _)| self.target_of(n))
            .collect()
    }

    /// What a session or assessment covers, and how deeply.
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

    fn report_cycles(&self, catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
        self.cycles_in(catalog, |e| *e == EdgeKind::Requires, "requires", diags);
        self.cycles_in(catalog, Self::is_parent_edge, "parenthood", diags);
    }

    fn cycles_in(
        &self,
        catalog: &Catalog,
        keep: fn(&EdgeKind) -> bool,
        what: &str,
        diags: &mut Vec<Diagnostic>,
    ) {
        let view = &EdgeFiltered::from_fn(&self.graph, |e: EdgeReference<'_, EdgeKind>| {
            keep(e.weight())
        });
        for scc in petgraph::algo::tarjan_scc(view) {
            let Some(&start) = scc.iter().min() else {
                continue;
            };
            let members: HashSet<NodeIndex> = scc.iter().copied().collect();
            let next = |n: NodeIndex| -> Vec<NodeIndex> {
                let mut v: Vec<NodeIndex> = petgraph::visit::IntoNeighbors::neighbors(view, n)
                    .filter(|m| members.contains(m))
                    .collect();
                v.sort_unstable();
                v
            };
            let self_loop = next(start).contains(&start);
            if scc.len() < 2 && !self_loop {
                continue;
            }
            // The shortest way round from `start` back to itself.
            let cycle = if self_loop {
                vec![start, start]
            } else {
                let mut prev: HashMap<NodeIndex, NodeIndex> = HashMap::new();
                let mut queue = VecDeque::from([start]);
                let mut end = None;
                'bfs: while let Some(n) = queue.pop_front() {
                    for m in next(n) {
                        if m == start {
                            end = Some(n);
                            break 'bfs;
                        }
                        if let std::collections::hash_map::Entry::Vacant(e) = prev.entry(m) {
                            e.insert(n);
                            queue.push_back(m);
                        }
                    }
                }
                let mut middle = Vec::new();
                let mut n = end.unwrap_or(start);
                while n != start {
                    middle.push(n);
                    n = prev.get(&n).copied().unwrap_or(start);
                }
                middle.reverse();
                let mut path = vec![start];
                path.extend(middle);
                path.push(start);
                path
            };
            if let Some(d) = self.cycle_diagnostic(catalog, &cycle, what) {
                diags.push(d);
            }
        }
    }

    fn cycle_diagnostic(
        &self,
        catalog: &Catalog,
        cycle: &[NodeIndex],
        what: &str,
    ) -> Option<Diagnostic> {
        let handles: Vec<ItemHandle> = cycle.iter().filter_map(|&n| self.item_of(n)).collect();
        let first = *handles.first()?;
        let same_framework = handles.iter().all(|h| h.framework == first.framework);
        let names: Vec<String> = handles
            .iter()
            .filter_map(|&h| {
                if same_framework {
                    catalog.item(h).map(|i| format!("`{}`", i.id))
                } else {
                    catalog.item_ref(h).map(|r| format!("`{r}`"))
                }
            })
            .collect();
        // Point at the reference that closes the cycle's first step.
        let loc = handles
            .windows(2)
            .find_map(|w| self.edge_loc(catalog, w[0], w[1], what))?;
        let help = if what == "requires" {
            "an item cannot need, even indirectly, something that needs it: remove one of these `requires`"
        } else {
            "an item cannot be, even indirectly, under itself: remove one of these `also_under`"
        };
        Some(
            Diagnostic::at(
                Code::Cycle,
                &loc,
                format!("cycle in {what}: {}", names.join(" → ")),
            )
            .with_label("closes the cycle")
            .with_help(help),
        )
    }

    fn edge_loc(
        &self,
        catalog: &Catalog,
        from: ItemHandle,
        to: ItemHandle,
        what: &str,
    ) -> Option<Loc> {
        let item = catalog.item(from)?;
        if what == "requires" {
            item.requires
                .iter()
                .find(|r| catalog.resolve(&r.r) == Some(Target::Item(to)))
                .map(|r| r.loc.clone())
        } else {
            let to_item = catalog.item(to)?;
            item.also_under
                .iter()
                .find(|(id, _)| *id == to_item.id)
                .map(|(_, loc)| loc.clone())
        }
    }
}
