//! Crosswalks: how each item of one framework reaches the other, directly or composed through
//! intermediate frameworks (SPEC §1.4, §2). Mappings are read in both directions (backwards,
//! `narrow` and `broad` swap), and a path composes by SPEC §1.4's table
//! ([`crate::composition`], the one coverage and gaps use too); `overlap` is shown as `related`.
//! Where several paths lead to an item, the strongest class counts (exact > close > narrow =
//! broad > related); where the strongest say `narrow` by one path and `broad` by another, the
//! crosswalk cannot tell and says `related`. These rules make a crosswalk read backwards the
//! exact inverse of the crosswalk read forwards.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::analysis::AnalysisError;
use crate::catalog::Catalog;
use crate::composition::{Composed, Label, Reached, State, Walk};
use crate::graph::ItemHandle;
use crate::ids::{DocId, FrameworkId, ItemRef};
use crate::model::{DocumentKind, ItemIdx, Relation};
use crate::report::Report;

/// How an item of the `from` framework reaches an item of the `to` framework.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CrosswalkLink {
    /// The item in the `from` framework.
    pub from: ItemRef,
    /// The item in the `to` framework.
    pub to: ItemRef,
    /// The relation, read "the `to` item is ... of the `from` item" (the weakest on the path).
    pub relation: Relation,
    /// Whether one mapping links the two directly.
    pub direct: bool,
    /// The items on the way, from the `from` item to the `to` item inclusive.
    pub path: Vec<ItemRef>,
    /// The mappings used, in path order.
    pub mappings: Vec<DocId>,
}

/// A crosswalk between two frameworks (`competence crosswalk`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CrosswalkReport {
    /// The framework read from.
    pub from: FrameworkId,
    /// The framework read to.
    pub to: FrameworkId,
    /// Every link found, in `from` framework order, then `to` order.
    pub links: Vec<CrosswalkLink>,
    /// Leaves of `from` with no counterpart (neither they nor an item above them reach `to`).
    pub unmatched_from: Vec<ItemRef>,
    /// Leaves of `to` that nothing reaches (neither they nor an item above them).
    pub unmatched_to: Vec<ItemRef>,
    /// Items of `from` that reach more than one item of `to`.
    pub one_to_many: Vec<ItemRef>,
    /// Items of `to` reached from more than one item of `from`.
    pub many_to_one: Vec<ItemRef>,
}

/// How strong a relation is, for a crosswalk: exact 4, close 3, narrow and broad 2, related 1.
fn class(r: Relation) -> u8 {
    match r {
        Relation::Exact => 4,
        Relation::Close => 3,
        Relation::Narrow | Relation::Broad => 2,
        Relation::Related => 1,
    }
}

/// The search's label: one step back along the first path found (the state and the mapping).
#[derive(Debug, Clone, Copy)]
struct Step(Option<(State, usize)>);

impl Label for Step {
    fn better_than(&self, _other: &Self) -> bool {
        false // the first path found to a state is kept
    }
    fn through_link(&self, from: State, mapping: usize) -> Self {
        Step(Some((from, mapping)))
    }
    fn down_to_child(&self, _from: State) -> Self {
        *self
    }
}

/// Builds the crosswalk from framework `from` to framework `to`.
pub fn crosswalk(
    catalog: &Catalog,
    from: &str,
    to: &str,
) -> Result<Report<CrosswalkReport>, AnalysisError> {
    let f = catalog.position(from, DocumentKind::Framework)?;
    let t = catalog.position(to, DocumentKind::Framework)?;
    let graph = catalog.graph();
    let mapping_ids: Vec<DocId> = catalog
        .mappings()
        .iter()
        .map(|m| m.info.id.clone())
        .collect();

    let mut links = Vec::new();
    let fw = &catalog.frameworks()[f];
    let mut reached: Reached<Step> = Reached::new(catalog.sizes());
    let roots = |g: usize| catalog.roots(g);
    for (idx, _) in fw.indexed() {
        let start = ItemHandle::new(f, idx);
        // Paths end at the target framework and never come back through the start's.
        let stop = |(x, c): State| {
            x.framework_position() == t
                || (x.framework_position() == f && (x, c) != (start, Composed::Exact))
        };
        let walk = Walk {
            graph,
            children: None,
            roots: &roots,
            stop: &stop,
        };
        reached.clear();
        walk.run(&mut reached, [((start, Composed::Exact), Step(None))]);
        let mut ends: Vec<ItemHandle> = reached
            .items()
            .iter()
            .copied()
            .filter(|h| h.framework_position() == t && *h != start)
            .collect();
        ends.sort_unstable();
        for y in ends {
            // The strongest class of path reaching it; where the relations of that class
            // disagree (narrow by one path, broad by another), the crosswalk says `related`.
            let states: Vec<Composed> = reached.at(y).map(|(c, _)| c).collect();
            let Some(best) = states.iter().map(|c| class(c.relation())).max() else {
                continue;
            };
            let at_best: Vec<Composed> = states
                .into_iter()
                .filter(|c| class(c.relation()) == best)
                .collect();
            let mut relations: Vec<Relation> = at_best.iter().map(|c| c.relation()).collect();
            relations.sort_unstable();
            relations.dedup();
            let relation = match relations.as_slice() {
                [one] => *one,
                _ => Relation::Related,
            };
            let Some(&first) = at_best.first() else {
                continue;
            };
            let mut path = vec![y];
            let mut used = Vec::new();
            let mut at = (y, first);
            while let Some(Step(Some((prev, mapping)))) = reached.get(at).copied() {
                used.push(mapping);
                path.push(prev.0);
                at = prev;
                if path.len() > reached.items().len() * Composed::ALL.len() + 1 {
                    break; // cannot happen: each step was recorded once, from an earlier state
                }
            }
            path.reverse();
            used.reverse();
            let (Some(from_ref), Some(to_ref)) = (catalog.item_ref(start), catalog.item_ref(y))
            else {
                continue;
            };
            links.push(CrosswalkLink {
                from: from_ref,
                to: to_ref,
                relation,
                direct: used.len() == 1,
                path: path.iter().filter_map(|&h| catalog.item_ref(h)).collect(),
                mappings: used
                    .iter()
                    .filter_map(|&m| mapping_ids.get(m).cloned())
                    .collect(),
            });
        }
    }

    // Counterparts, one-to-many and many-to-one: per item (by position), how many distinct
    // items of the other side its links reach.
    let counterparts = |fw: usize, end: fn(&CrosswalkLink) -> (&ItemRef, &ItemRef)| {
        let framework = &catalog.frameworks()[fw];
        let mut per_item: Vec<BTreeSet<&ItemRef>> = vec![BTreeSet::new(); framework.items().len()];
        for l in &links {
            let (mine, theirs) = end(l);
            if let Some(set) = mine
                .item_id()
                .and_then(|id| framework.find(id.as_str()))
                .and_then(|i| per_item.get_mut(i.index()))
            {
                set.insert(theirs);
            }
        }
        per_item.iter().map(BTreeSet::len).collect::<Vec<usize>>()
    };
    let from_counts = counterparts(f, |l| (&l.from, &l.to));
    let to_counts = counterparts(t, |l| (&l.to, &l.from));
    let many = |fw: usize, counts: &[usize]| -> Vec<ItemRef> {
        let framework = &catalog.frameworks()[fw];
        framework
            .indexed()
            .filter(|(i, _)| counts.get(i.index()).is_some_and(|&n| n > 1))
            .map(|(_, item)| ItemRef::item(framework.info.id.clone(), item.id.clone()))
            .collect()
    };
    let one_to_many = many(f, &from_counts);
    let many_to_one = many(t, &to_counts);
    // Leaves that neither they nor an item above them have a counterpart.
    let unmatched = |fw: usize, counts: &[usize]| -> Vec<ItemRef> {
        let Some(tree) = catalog.hierarchy(fw) else {
            return Vec::new();
        };
        let matched = |i: ItemIdx| counts.get(i.index()).is_some_and(|&n| n > 0);
        tree.leaves()
            .filter(|&leaf| {
                !std::iter::once(leaf)
                    .chain(tree.ancestors(leaf))
                    .any(matched)
            })
            .filter_map(|i| catalog.item_ref(ItemHandle::new(fw, i)))
            .collect()
    };
    let body = CrosswalkReport {
        from: catalog.frameworks()[f].info.id.clone(),
        to: catalog.frameworks()[t].info.id.clone(),
        unmatched_from: unmatched(f, &from_counts),
        unmatched_to: unmatched(t, &to_counts),
        one_to_many,
        many_to_one,
        links,
    };
    Ok(Report::new(catalog, body))
}
