//! A framework's hierarchy: which items lie under which (nesting, and the extra parents named
//! with `also_under`), the leaves under an item, and which items are optional.
//!
//! This is the one place the hierarchy is stored and answered: the model's items hold only what
//! their document says, the catalog's graph holds only links between documents, and analyses and
//! bindings ask here.

use std::collections::{HashSet, VecDeque};

/// The position of an item in its framework (file order, parents before children).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemIdx(pub(crate) u32);

impl ItemIdx {
    /// The position as a `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Lists per item, packed in one vector (compressed sparse rows).
#[derive(Debug, Clone, Default)]
struct Lists {
    start: Vec<u32>,
    list: Vec<ItemIdx>,
}

impl Lists {
    fn from_vecs(vecs: Vec<Vec<ItemIdx>>) -> Self {
        let mut start = Vec::with_capacity(vecs.len() + 1);
        let mut list = Vec::with_capacity(vecs.iter().map(Vec::len).sum());
        start.push(0);
        for v in vecs {
            list.extend(v);
            start.push(list.len() as u32);
        }
        Self { start, list }
    }

    fn get(&self, i: ItemIdx) -> &[ItemIdx] {
        let n = i.index();
        match (self.start.get(n), self.start.get(n + 1)) {
            (Some(&a), Some(&b)) => self.list.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// The hierarchy of one framework's items; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct Hierarchy {
    roots: Vec<ItemIdx>,
    nested_parent: Vec<Option<ItemIdx>>,
    nested_children: Lists,
    parents: Lists,
    children: Lists,
    optional: Vec<bool>,
    level: Vec<u32>,
}

impl Hierarchy {
    /// Builds the hierarchy of `n` items in file order (parents before the items nested in
    /// them): each item's nesting parent, its extra parents (`also_under`, resolved) and whether
    /// it is itself marked optional.
    pub(crate) fn new(
        nested_parent: Vec<Option<ItemIdx>>,
        also_under: &[Vec<ItemIdx>],
        marked_optional: &[bool],
    ) -> Self {
        let n = nested_parent.len();
        let mut roots = Vec::new();
        let mut nested_children: Vec<Vec<ItemIdx>> = vec![Vec::new(); n];
        let mut children: Vec<Vec<ItemIdx>> = vec![Vec::new(); n];
        let mut parents: Vec<Vec<ItemIdx>> = vec![Vec::new(); n];
        let mut optional = vec![false; n];
        let mut level = vec![0; n];
        for (i, p) in nested_parent.iter().enumerate() {
            let me = ItemIdx(i as u32);
            let inherited = match p {
                Some(p) => {
                    if let Some(v) = nested_children.get_mut(p.index()) {
                        v.push(me);
                    }
                    if let Some(v) = children.get_mut(p.index()) {
                        v.push(me);
                    }
                    if let Some(v) = parents.get_mut(i) {
                        v.push(*p);
                    }
                    let above = level.get(p.index()).copied().unwrap_or(0);
                    if let Some(l) = level.get_mut(i) {
                        *l = above + 1;
                    }
                    optional.get(p.index()).copied().unwrap_or(false)
                }
                None => {
                    roots.push(me);
                    false
                }
            };
            if let Some(o) = optional.get_mut(i) {
                *o = inherited || marked_optional.get(i).copied().unwrap_or(false);
            }
        }
        for (i, extra) in also_under.iter().enumerate() {
            let me = ItemIdx(i as u32);
            let mut extra: Vec<ItemIdx> = extra.clone();
            extra.sort_unstable();
            extra.dedup();
            for p in extra {
                if p == me || nested_parent.get(i).copied().flatten() == Some(p) {
                    continue;
                }
                if let Some(v) = parents.get_mut(i) {
                    v.push(p);
                }
                if let Some(v) = children.get_mut(p.index()) {
                    v.push(me);
                }
            }
        }
        for v in &mut children {
            v.sort_unstable();
            v.dedup();
        }
        Self {
            roots,
            nested_parent,
            nested_children: Lists::from_vecs(nested_children),
            parents: Lists::from_vecs(parents),
            children: Lists::from_vecs(children),
            optional,
            level,
        }
    }

    /// How many items there are.
    pub fn len(&self) -> usize {
        self.nested_parent.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.nested_parent.is_empty()
    }

    /// The top-level items, in file order.
    pub fn roots(&self) -> &[ItemIdx] {
        &self.roots
    }

    /// The item it is nested under (`None` for top-level items).
    pub fn parent(&self, i: ItemIdx) -> Option<ItemIdx> {
        self.nested_parent.get(i.index()).copied().flatten()
    }

    /// Its parents: the one it is nested under first, then those named in `also_under` (in
    /// file order). Top-level items without `also_under` have none.
    pub fn parents(&self, i: ItemIdx) -> &[ItemIdx] {
        self.parents.get(i)
    }

    /// The items nested under it, in file order (without those naming it in `also_under`).
    pub fn nested_children(&self, i: ItemIdx) -> &[ItemIdx] {
        self.nested_children.get(i)
    }

    /// Its children: those nested under it and those naming it in `also_under`, in file order.
    pub fn children(&self, i: ItemIdx) -> &[ItemIdx] {
        self.children.get(i)
    }

    /// Whether it has no children (nested or through `also_under`).
    pub fn is_leaf(&self, i: ItemIdx) -> bool {
        self.children(i).is_empty()
    }

    /// Whether it, or an item it is nested under, is marked optional.
    pub fn is_optional(&self, i: ItemIdx) -> bool {
        self.optional.get(i.index()).copied().unwrap_or(false)
    }

    /// How deep it is nested (0 for top-level items).
    pub fn level(&self, i: ItemIdx) -> usize {
        self.level.get(i.index()).map_or(0, |&l| l as usize)
    }

    /// Every ancestor (through all parents), nearest first, each once.
    pub fn ancestors(&self, i: ItemIdx) -> Vec<ItemIdx> {
        let mut seen = HashSet::from([i]);
        let mut out = Vec::new();
        let mut queue: VecDeque<ItemIdx> = self.parents(i).iter().copied().collect();
        while let Some(p) = queue.pop_front() {
            if seen.insert(p) {
                out.push(p);
                queue.extend(self.parents(p).iter().copied());
            }
        }
        out
    }

    /// Every descendant (through nesting and `also_under`), each once, in file order; the item
    /// itself is not included.
    pub fn descendants(&self, i: ItemIdx) -> Vec<ItemIdx> {
        let mut seen = HashSet::from([i]);
        let mut stack: Vec<ItemIdx> = self.children(i).to_vec();
        let mut out = Vec::new();
        while let Some(c) = stack.pop() {
            if seen.insert(c) {
                out.push(c);
                stack.extend_from_slice(self.children(c));
            }
        }
        out.sort_unstable();
        out
    }

    /// The top-level items above it (itself if it is one), through every parent, in file order.
    pub fn tops(&self, i: ItemIdx) -> Vec<ItemIdx> {
        let mut out: Vec<ItemIdx> = std::iter::once(i)
            .chain(self.ancestors(i))
            .filter(|&a| self.parents(a).is_empty())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Every path from a top-level item down to it (one per way of reaching it through
    /// `also_under`), each listed from the top.
    pub fn paths(&self, i: ItemIdx) -> Vec<Vec<ItemIdx>> {
        let mut out = Vec::new();
        // Iterative: (item, path so far from the item upwards).
        let mut stack = vec![vec![i]];
        while let Some(path) = stack.pop() {
            let Some(&top) = path.last() else { continue };
            let parents = self.parents(top);
            if parents.is_empty() {
                out.push(path.iter().rev().copied().collect());
                continue;
            }
            for &p in parents.iter().rev() {
                if !path.contains(&p) {
                    let mut longer = path.clone();
                    longer.push(p);
                    stack.push(longer);
                }
            }
        }
        out
    }

    /// The leaves under it that count (optional ones left out), in file order; a leaf gives
    /// itself.
    pub fn leaves_under(&self, i: ItemIdx) -> Vec<ItemIdx> {
        let mut out = self.all_leaves_under(i);
        out.retain(|&l| !self.is_optional(l));
        out
    }

    /// The leaves under it, optional ones included, in file order; a leaf gives itself.
    pub fn all_leaves_under(&self, i: ItemIdx) -> Vec<ItemIdx> {
        if self.is_leaf(i) {
            return vec![i];
        }
        self.leaves_below(self.children(i))
    }

    /// Every leaf of the framework that counts (not optional), in file order.
    pub fn leaves(&self) -> impl Iterator<Item = ItemIdx> + '_ {
        (0..self.len())
            .map(|n| ItemIdx(n as u32))
            .filter(|&i| self.is_leaf(i) && !self.is_optional(i))
    }

    /// Every leaf of the framework, optional ones included, in file order.
    pub fn all_leaves(&self) -> impl Iterator<Item = ItemIdx> + '_ {
        (0..self.len())
            .map(|n| ItemIdx(n as u32))
            .filter(|&i| self.is_leaf(i))
    }

    fn leaves_below(&self, start: &[ItemIdx]) -> Vec<ItemIdx> {
        let mut seen = HashSet::new();
        let mut stack: Vec<ItemIdx> = start.to_vec();
        let mut out = Vec::new();
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            let children = self.children(n);
            if children.is_empty() {
                out.push(n);
            } else {
                stack.extend_from_slice(children);
            }
        }
        out.sort_unstable();
        out
    }

    /// The cycles that `also_under` makes (an item under itself, even indirectly), each as the
    /// shortest way round from its first item back to it, following parents.
    pub(crate) fn cycles(&self) -> Vec<Vec<ItemIdx>> {
        crate::cycles::cycles(self.len(), |n| {
            self.parents(ItemIdx(n as u32)).iter().map(|p| p.index())
        })
        .into_iter()
        .map(|c| c.into_iter().map(|n| ItemIdx(n as u32)).collect())
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(n: u32) -> ItemIdx {
        ItemIdx(n)
    }

    /// 0 ─ 1 ─ 2
    ///   └ 3 (optional) ─ 4
    /// 5, with 2 also under 5
    fn sample() -> Hierarchy {
        Hierarchy::new(
            vec![
                None,
                Some(idx(0)),
                Some(idx(1)),
                Some(idx(0)),
                Some(idx(3)),
                None,
            ],
            &[vec![], vec![], vec![idx(5)], vec![], vec![], vec![]],
            &[false, false, false, true, false, false],
        )
    }

    #[test]
    fn answers_every_question_about_the_tree() {
        let h = sample();
        assert_eq!(h.roots(), &[idx(0), idx(5)]);
        assert_eq!(h.parents(idx(2)), &[idx(1), idx(5)]);
        assert_eq!(h.children(idx(5)), &[idx(2)]);
        assert_eq!(h.nested_children(idx(0)), &[idx(1), idx(3)]);
        assert!(h.is_optional(idx(4)));
        assert_eq!(h.leaves().collect::<Vec<_>>(), vec![idx(2)]);
        assert_eq!(h.all_leaves_under(idx(0)), vec![idx(2), idx(4)]);
        assert_eq!(h.leaves_under(idx(0)), vec![idx(2)]);
        assert_eq!(h.ancestors(idx(2)), vec![idx(1), idx(5), idx(0)]);
        assert_eq!(h.tops(idx(2)), vec![idx(0), idx(5)]);
        assert_eq!(
            h.paths(idx(2)),
            vec![vec![idx(0), idx(1), idx(2)], vec![idx(5), idx(2)]]
        );
        assert_eq!(h.level(idx(4)), 2);
        assert!(h.cycles().is_empty());
    }

    #[test]
    fn cycles_through_also_under_are_found_and_walks_end() {
        // 0 ─ 1, and 0 also under 1.
        let h = Hierarchy::new(
            vec![None, Some(idx(0))],
            &[vec![idx(1)], vec![]],
            &[false, false],
        );
        assert_eq!(h.cycles().len(), 1);
        assert_eq!(h.ancestors(idx(1)), vec![idx(0)]);
        assert_eq!(h.descendants(idx(0)), vec![idx(1)]);
        assert_eq!(h.all_leaves_under(idx(0)), Vec::<ItemIdx>::new());
    }

    #[test]
    fn a_deep_chain_does_not_overflow() {
        let n = 100_000;
        let parents: Vec<Option<ItemIdx>> = (0..n)
            .map(|i| if i == 0 { None } else { Some(idx(i - 1)) })
            .collect();
        let h = Hierarchy::new(parents, &vec![vec![]; n as usize], &vec![false; n as usize]);
        assert_eq!(h.leaves_under(idx(0)), vec![idx(n - 1)]);
        assert_eq!(h.paths(idx(n - 1)).len(), 1);
        assert_eq!(h.level(idx(n - 1)), n as usize - 1);
    }
}

impl crate::cache::Stored for ItemIdx {
    fn put(&self, o: &mut crate::cache::Out<'_>) {
        o.varint(u64::from(self.0));
    }
    fn take(i: &mut crate::cache::In<'_>) -> Option<Self> {
        u32::try_from(i.varint()?).ok().map(ItemIdx)
    }
}

crate::cache::record!(Lists { start, list });

impl Lists {
    /// Whether the lists are well formed for `n` items, each naming one of them.
    fn holds(&self, n: usize) -> bool {
        self.start.len() == n + 1
            && self.start.first() == Some(&0)
            && self.start.windows(2).all(|w| w[0] <= w[1])
            && self
                .start
                .last()
                .is_some_and(|&e| e as usize == self.list.len())
            && self.list.iter().all(|i| i.index() < n)
    }
}

impl crate::cache::Stored for Hierarchy {
    fn put(&self, o: &mut crate::cache::Out<'_>) {
        let Self {
            roots,
            nested_parent,
            nested_children,
            parents,
            children,
            optional,
            level,
        } = self;
        roots.put(o);
        nested_parent.put(o);
        nested_children.put(o);
        parents.put(o);
        children.put(o);
        optional.put(o);
        level.put(o);
    }
    fn take(i: &mut crate::cache::In<'_>) -> Option<Self> {
        use crate::cache::Stored;
        let h = Self {
            roots: Stored::take(i)?,
            nested_parent: Stored::take(i)?,
            nested_children: Stored::take(i)?,
            parents: Stored::take(i)?,
            children: Stored::take(i)?,
            optional: Stored::take(i)?,
            level: Stored::take(i)?,
        };
        // Read back only what the walks can rely on: every index names an item.
        let n = h.nested_parent.len();
        let ok = h.optional.len() == n
            && h.level.len() == n
            && h.roots.iter().all(|r| r.index() < n)
            && h.nested_parent.iter().flatten().all(|p| p.index() < n)
            && [&h.nested_children, &h.parents, &h.children]
                .iter()
                .all(|l| l.holds(n));
        ok.then_some(h)
    }
}
