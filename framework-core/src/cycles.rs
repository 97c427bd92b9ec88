//! Cycles in a directed graph given by its edges (Tarjan's strongly connected components, via
//! petgraph): used for `requires` cycles across frameworks and `also_under` cycles inside one.

use std::collections::{HashMap, HashSet, VecDeque};

use petgraph::graph::{DiGraph, NodeIndex};

/// The cycles of a directed graph of `n` nodes whose edges `next` gives: for each strongly
/// connected component that loops, the shortest way round from its smallest node back to it.
pub(crate) fn cycles<I: IntoIterator<Item = usize>>(
    n: usize,
    next: impl Fn(usize) -> I,
) -> Vec<Vec<usize>> {
    let mut g: DiGraph<(), (), u32> = DiGraph::with_capacity(n, 0);
    for _ in 0..n {
        g.add_node(());
    }
    for a in 0..n {
        for b in next(a) {
            if b < n {
                g.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
            }
        }
    }
    let mut out = Vec::new();
    if g.edge_count() == 0 {
        return out;
    }
    for scc in petgraph::algo::tarjan_scc(&g) {
        let Some(&start) = scc.iter().min() else {
            continue;
        };
        if scc.len() == 1 {
            // Most components are one node: a loop only through an edge to itself.
            if g.contains_edge(start, start) {
                out.push(vec![start.index(), start.index()]);
            }
            continue;
        }
        let members: HashSet<NodeIndex> = scc.iter().copied().collect();
        let succ = |m: NodeIndex| -> Vec<NodeIndex> {
            let mut v: Vec<NodeIndex> = g.neighbors(m).filter(|x| members.contains(x)).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let self_loop = succ(start).contains(&start);
        if scc.len() < 2 && !self_loop {
            continue;
        }
        let cycle = if self_loop {
            vec![start, start]
        } else {
            // Breadth first from `start` back to it.
            let mut prev: HashMap<NodeIndex, NodeIndex> = HashMap::new();
            let mut queue = VecDeque::from([start]);
            let mut end = None;
            'bfs: while let Some(m) = queue.pop_front() {
                for x in succ(m) {
                    if x == start {
                        end = Some(m);
                        break 'bfs;
                    }
                    if let std::collections::hash_map::Entry::Vacant(e) = prev.entry(x) {
                        e.insert(m);
                        queue.push_back(x);
                    }
                }
            }
            let mut middle = Vec::new();
            let mut m = end.unwrap_or(start);
            while m != start {
                middle.push(m);
                m = prev.get(&m).copied().unwrap_or(start);
            }
            middle.reverse();
            let mut path = vec![start];
            path.extend(middle);
            path.push(start);
            path
        };
        out.push(cycle.into_iter().map(NodeIndex::index).collect());
    }
    out
}
