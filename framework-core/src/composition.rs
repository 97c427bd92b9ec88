//! Composing mapping relations along a path (SPEC §1.4): the one table coverage, gaps and
//! crosswalk all use, and the search that follows mapping links through a catalog with it.
//!
//! A path `A → B → C` composes "r1 then r2" into the relation of C's item to A's item. Besides
//! the five SKOS relations, a path can end in [`Composed::Overlap`]: narrower one step and broader
//! the next (the two ends share a part). A crosswalk shows it as `related`; for coverage it gives
//! `partial`.

use std::collections::VecDeque;

use serde::Serialize;

use crate::graph::{CompetenceGraph, ItemHandle, ItemTable, Target};
use crate::model::Relation;

/// The relation a path of mapping links composes to, read "the last item is ... of the first".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Composed {
    /// The same competence.
    Exact,
    /// The same competence, closely enough to use either.
    Close,
    /// The last item lies wholly inside the first.
    Narrow,
    /// The last item is broader: the first covers only part of it.
    Broad,
    /// The two share a part, and neither is known to contain the other.
    Overlap,
    /// Associated, or nothing can be said; never coverage.
    Related,
}

/// What a composed relation means for coverage: the first item covered makes the last ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reach {
    /// ... not covered (only associated).
    Nothing,
    /// ... partly covered.
    Partial,
    /// ... covered.
    Covered,
}

impl Composed {
    /// Every value, strongest first.
    pub const ALL: [Composed; 6] = [
        Composed::Exact,
        Composed::Close,
        Composed::Narrow,
        Composed::Broad,
        Composed::Overlap,
        Composed::Related,
    ];

    /// A path of one link.
    pub fn of(r: Relation) -> Self {
        match r {
            Relation::Exact => Composed::Exact,
            Relation::Close => Composed::Close,
            Relation::Narrow => Composed::Narrow,
            Relation::Broad => Composed::Broad,
            Relation::Related => Composed::Related,
        }
    }

    /// This path, then `next` (SPEC §1.4's table, with `overlap` as a path can end in it).
    pub fn then(self, next: Composed) -> Composed {
        use Composed::{Broad, Close, Exact, Narrow, Overlap, Related};
        match (self, next) {
            (Related, _) | (_, Related) => Related,
            (Exact, x) => x,
            (x, Exact) => x,
            (Close, x) | (x, Close) => x,
            (Narrow, Narrow) => Narrow,
            (Broad, Broad) => Broad,
            // Narrower, then broader: the ends share the part in between.
            (Narrow, Broad | Overlap) | (Overlap, Broad) => Overlap,
            // Broader, then narrower (or a part of a part): the end may miss what was covered.
            (Broad, Narrow | Overlap) | (Overlap, Narrow | Overlap) => Related,
        }
    }

    /// The relation read backwards: `narrow` and `broad` swap; `overlap` is symmetric.
    pub fn inverse(self) -> Self {
        match self {
            Composed::Narrow => Composed::Broad,
            Composed::Broad => Composed::Narrow,
            other => other,
        }
    }

    /// How a crosswalk shows it: `overlap` as `related`.
    pub fn relation(self) -> Relation {
        match self {
            Composed::Exact => Relation::Exact,
            Composed::Close => Relation::Close,
            Composed::Narrow => Relation::Narrow,
            Composed::Broad => Relation::Broad,
            Composed::Overlap | Composed::Related => Relation::Related,
        }
    }

    /// What it means for coverage: `covered` for exact, close and narrow; `partial` for broad
    /// and overlap; nothing for related.
    pub fn reach(self) -> Reach {
        match self {
            Composed::Exact | Composed::Close | Composed::Narrow => Reach::Covered,
            Composed::Broad | Composed::Overlap => Reach::Partial,
            Composed::Related => Reach::Nothing,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A state of the search: an item reached by a path of a composed relation.
pub(crate) type State = (ItemHandle, Composed);

/// What the search keeps on each state it reaches: a label, improved as better paths are found.
pub(crate) trait Label: Copy {
    /// Whether `self` is better than `other`, so should replace it.
    fn better_than(&self, other: &Self) -> bool;
    /// The label after following a mapping link from `from` (by the mapping at that position).
    fn through_link(&self, from: State, mapping: usize) -> Self;
    /// The label after stepping down from an item to one of its children.
    fn down_to_child(&self, from: State) -> Self;
}

/// The states reached from the seeds, with their labels: per item, one label per composed
/// relation, in a dense table.
pub(crate) struct Reached<L> {
    table: ItemTable<[Option<L>; 6]>,
    touched: Vec<ItemHandle>,
}

impl<L: Label> Reached<L> {
    /// An empty table for frameworks of these sizes (in catalog order).
    pub fn new(sizes: impl IntoIterator<Item = usize>) -> Self {
        Self {
            table: ItemTable::new(sizes),
            touched: Vec::new(),
        }
    }

    /// The label of a state, if it was reached.
    pub fn get(&self, (h, c): State) -> Option<&L> {
        self.table.get(h)?.get(c.index())?.as_ref()
    }

    /// The states of one item that were reached, strongest relation first.
    pub fn at(&self, h: ItemHandle) -> impl Iterator<Item = (Composed, &L)> + '_ {
        self.table.get(h).into_iter().flat_map(|cells| {
            Composed::ALL
                .iter()
                .zip(cells)
                .filter_map(|(&c, l)| Some((c, l.as_ref()?)))
        })
    }

    /// Every item reached, each once, in the order first reached.
    pub fn items(&self) -> &[ItemHandle] {
        &self.touched
    }

    /// Forgets every state, keeping the memory (for the next search).
    pub fn clear(&mut self) {
        for h in self.touched.drain(..) {
            if let Some(cells) = self.table.get_mut(h) {
                *cells = [None; 6];
            }
        }
    }

    /// Records a label if it is better than what the state has; whether it was.
    fn offer(&mut self, (h, c): State, label: L) -> bool {
        let Some(cells) = self.table.get_mut(h) else {
            return false;
        };
        if cells.iter().all(Option::is_none) {
            self.touched.push(h);
        }
        let Some(cell) = cells.get_mut(c.index()) else {
            return false;
        };
        match cell {
            Some(old) if !label.better_than(old) => false,
            _ => {
                *cell = Some(label);
                true
            }
        }
    }
}

/// How the search walks.
pub(crate) struct Walk<'a> {
    /// The mapping links.
    pub graph: &'a CompetenceGraph,
    /// An item's children (nesting and `also_under`), when what lies inside an item reached is
    /// reached too (coverage); `None` to follow links only (crosswalk).
    pub children: Option<&'a dyn Fn(ItemHandle) -> Vec<ItemHandle>>,
    /// The top-level items of a framework, for links to `FRAMEWORK:*`.
    pub roots: &'a dyn Fn(usize) -> Vec<ItemHandle>,
    /// States whose links are not followed further (they are still reached).
    pub stop: &'a dyn Fn(State) -> bool,
}

impl Walk<'_> {
    /// Follows mapping links (both ways, inverted backwards) from the seeds, composing the
    /// relations with [`Composed::then`], and records on every state reached its best label.
    /// Stronger states are expanded first, and within a strength the newest first.
    pub fn run<L: Label>(
        &self,
        reached: &mut Reached<L>,
        seeds: impl IntoIterator<Item = (State, L)>,
    ) {
        let mut queue: [VecDeque<State>; 6] = Default::default();
        for (state, label) in seeds {
            if reached.offer(state, label)
                && let Some(q) = queue.get_mut(state.1.index())
            {
                q.push_back(state);
            }
        }
        let mut next: Vec<(State, L)> = Vec::new();
        while let Some(state) = queue.iter_mut().find_map(VecDeque::pop_back) {
            let Some(&label) = reached.get(state) else {
                continue;
            };
            let (x, c) = state;
            if (self.stop)(state) {
                continue;
            }
            next.clear();
            for (target, relation, mapping) in self.graph.mapped_iter(x) {
                let composed = c.then(Composed::of(relation));
                let l = label.through_link(state, mapping);
                match target {
                    Target::Item(y) => next.push(((y, composed), l)),
                    Target::Framework(g) => {
                        next.extend((self.roots)(g).into_iter().map(|y| ((y, composed), l)));
                    }
                }
            }
            if let Some(children) = self.children {
                let l = label.down_to_child(state);
                next.extend(children(x).into_iter().map(|y| ((y, c), l)));
            }
            for &(s, l) in &next {
                if reached.offer(s, l)
                    && let Some(q) = queue.get_mut(s.1.index())
                {
                    q.push_back(s);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Composed::{self, Broad, Close, Exact, Narrow, Overlap, Related};
    use super::Reach;
    use crate::model::Relation;

    #[test]
    fn the_table_of_the_spec() {
        // SPEC §1.4, row by row (r1 \ r2: exact, close, narrow, broad, related).
        let rows = [
            (Exact, [Exact, Close, Narrow, Broad, Related]),
            (Close, [Close, Close, Narrow, Broad, Related]),
            (Narrow, [Narrow, Narrow, Narrow, Overlap, Related]),
            (Broad, [Broad, Broad, Related, Broad, Related]),
            (Related, [Related, Related, Related, Related, Related]),
        ];
        for (r1, row) in rows {
            for (&r2, want) in Relation::ALL.iter().zip(row) {
                assert_eq!(r1.then(Composed::of(r2)), want, "{r1:?} then {r2}");
            }
        }
    }

    #[test]
    fn composition_is_associative() {
        for a in Composed::ALL {
            for b in Composed::ALL {
                for c in Composed::ALL {
                    assert_eq!(a.then(b).then(c), a.then(b.then(c)), "{a:?} {b:?} {c:?}");
                }
            }
        }
    }

    #[test]
    fn read_backwards_a_path_gives_the_inverse() {
        for a in Composed::ALL {
            for b in Composed::ALL {
                assert_eq!(
                    a.then(b).inverse(),
                    b.inverse().then(a.inverse()),
                    "{a:?} then {b:?}"
                );
            }
        }
    }

    #[test]
    fn what_each_means_for_coverage_and_crosswalk() {
        assert_eq!(Narrow.then(Broad).reach(), Reach::Partial);
        assert_eq!(Narrow.then(Broad).relation(), Relation::Related);
        assert_eq!(Broad.then(Narrow).reach(), Reach::Nothing);
        assert_eq!(Close.then(Narrow).reach(), Reach::Covered);
    }
}
