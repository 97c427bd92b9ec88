//! Crosswalks: how each item of one framework reaches the other, directly or composed through
//! intermediate frameworks (SPEC §1.4, §2). Mappings are read in both directions (backwards,
//! `narrow` and `broad` swap). Along a path the weakest relation decides, in the order
//! exact > close > narrow = broad > related; a path that goes narrower one step and broader
//! another only shows the two items overlap, so it composes to `related` (see [`compose`]).
//! Where several paths lead to an item, the strongest counts; where the strongest say `narrow`
//! by one path and `broad` by another, the crosswalk cannot tell and says `related`. These rules
//! make a crosswalk read backwards the exact inverse of the crosswalk read forwards.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::catalog::Catalog;
use crate::coverage::{AnalysisError, wrong_kind};
use crate::graph::{ItemHandle, Target};
use crate::ids::{DocId, FrameworkId, ItemRef};
use crate::model::{DocumentKind, Relation};

/// How an item of the `from` framework reaches an item of the `to` framework.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
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

/// How strong a relation is: exact 4, close 3, narrow and broad 2, related 1.
fn class(r: Relation) -> u8 {
    match r {
        Relation::Exact => 4,
        Relation::Close => 3,
        Relation::Narrow | Relation::Broad => 2,
        Relation::Related => 1,
    }
}

/// The relation of a path `a` then `b` (each read "the next item is ... of the previous").
pub fn compose(a: Relation, b: Relation) -> Relation {
    use Relation::{Broad, Close, Exact, Narrow, Related};
    match (a, b) {
        (Related, _) | (_, Related) => Related,
        (Exact, x) | (x, Exact) => x,
        (Close, x) | (x, Close) => x,
        (Narrow, Narrow) => Narrow,
        (Broad, Broad) => Broad,
        // Narrower then broader (or the reverse): the two items only overlap.
        (Narrow, Broad) | (Broad, Narrow) => Related,
    }
}

/// The relations reaching an item at its best class, as bits.
fn bit(r: Relation) -> u8 {
    match r {
        Relation::Exact => 1,
        Relation::Close => 2,
        Relation::Narrow => 4,
        Relation::Broad => 8,
        Relation::Related => 16,
    }
}

/// What the search knows of an item: the best class of path reaching it, the relations reaching
/// it at that class (bits), and one step back along such a path (item, mapping).
type Reach = (u8, u8, Option<(ItemHandle, usize)>);

/// The relation a set of equally strong relations stands for.
fn resolve(mask: u8) -> Relation {
    match mask {
        1 => Relation::Exact,
        2 => Relation::Close,
        4 => Relation::Narrow,
        8 => Relation::Broad,
        _ => Relation::Related,
    }
}

fn framework(catalog: &Catalog, id: &str) -> Result<usize, AnalysisError> {
    catalog.framework_position(id).ok_or_else(|| {
        wrong_kind(catalog, id, "framework").unwrap_or_else(|| AnalysisError::UnknownFramework {
            id: id.to_owned(),
            help: catalog.suggest_document(id, Some(DocumentKind::Framework)),
        })
    })
}

/// Builds the crosswalk from framework `from` to framework `to`.
pub fn crosswalk(
    catalog: &Catalog,
    from: &str,
    to: &str,
) -> Result<CrosswalkReport, AnalysisError> {
    let f = framework(catalog, from)?;
    let t = framework(catalog, to)?;
    let graph = catalog.graph();
    let mapping_ids: Vec<DocId> = catalog
        .mappings()
        .iter()
        .map(|m| m.info.id.clone())
        .collect();

    let mut links = Vec::new();
    let fw = &catalog.frameworks()[f];
    for n in 0..fw.items().len() {
        let start = ItemHandle::new(f, crate::model::ItemIdx(n as u32));
        // Strongest paths from `start`: per item, the best class, the relations reaching it at
        // that class (bits), and one way it was reached.
        let mut best: HashMap<ItemHandle, Reach> = HashMap::new();
        best.insert(start, (4, bit(Relation::Exact), None));
        let mut buckets: [Vec<ItemHandle>; 5] = Default::default();
        buckets[4].push(start);
        for k in (1..=4).rev() {
            while let Some(x) = buckets[k].pop() {
                let Some(&(class_x, mask_x, _)) = best.get(&x) else {
                    continue;
                };
                if usize::from(class_x) != k {
                    continue;
                }
                // Paths end at the target framework and never come back through the start's.
                if x.framework_position() == t || (x != start && x.framework_position() == f) {
                    continue;
                }
                for (target, relation, mapping) in graph.mapped(x) {
                    let Target::Item(y) = target else { continue };
                    if y == start {
                        continue;
                    }
                    for m in Relation::ALL
                        .iter()
                        .copied()
                        .filter(|&m| mask_x & bit(m) != 0)
                    {
                        let r = compose(m, relation);
                        let entry = best.entry(y).or_insert((0, 0, None));
                        let changed = if class(r) > entry.0 {
                            *entry = (class(r), bit(r), Some((x, mapping)));
                            true
                        } else if class(r) == entry.0 && entry.1 & bit(r) == 0 {
                            entry.1 |= bit(r);
                            true
                        } else {
                            false
                        };
                        if changed && let Some(bucket) = buckets.get_mut(usize::from(entry.0)) {
                            bucket.push(y);
                        }
                    }
                }
            }
        }
        let mut reached: Vec<(ItemHandle, u8)> = best
            .iter()
            .filter(|(h, b)| h.framework_position() == t && **h != start && b.0 > 0)
            .map(|(h, b)| (*h, b.1))
            .collect();
        reached.sort_unstable();
        for (y, mask) in reached {
            let mut path = vec![y];
            let mut used = Vec::new();
            let mut at = y;
            while let Some(&(_, _, Some((prev, mapping)))) = best.get(&at) {
                used.push(mapping);
                path.push(prev);
                at = prev;
                if path.len() > best.len() {
                    break; // cannot happen: strengths only grow along recorded steps
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
                relation: resolve(mask),
                direct: used.len() == 1,
                path: path.iter().filter_map(|&h| catalog.item_ref(h)).collect(),
                mappings: used
                    .iter()
                    .filter_map(|&m| mapping_ids.get(m).cloned())
                    .collect(),
            });
        }
    }

    // Counterparts, one-to-many and many-to-one.
    let mut from_targets: BTreeMap<ItemRef, BTreeSet<ItemRef>> = BTreeMap::new();
    let mut to_sources: BTreeMap<ItemRef, BTreeSet<ItemRef>> = BTreeMap::new();
    for l in &links {
        from_targets
            .entry(l.from.clone())
            .or_default()
            .insert(l.to.clone());
        to_sources
            .entry(l.to.clone())
            .or_default()
            .insert(l.from.clone());
    }
    let ordered = |fw: usize, set: &BTreeMap<ItemRef, BTreeSet<ItemRef>>| -> Vec<ItemRef> {
        let framework = &catalog.frameworks()[fw];
        framework
            .items()
            .iter()
            .map(|i| ItemRef::item(framework.info.id.clone(), i.id.clone()))
            .filter(|r| set.get(r).is_some_and(|s| s.len() > 1))
            .collect()
    };
    let one_to_many = ordered(f, &from_targets);
    let many_to_one = ordered(t, &to_sources);
    let unmatched = |fw: usize, matched: &BTreeMap<ItemRef, BTreeSet<ItemRef>>| -> Vec<ItemRef> {
        graph
            .leaves_under_target(catalog, Target::Framework(fw))
            .into_iter()
            .filter(|&leaf| {
                !std::iter::once(leaf).chain(graph.ancestors(leaf)).any(|h| {
                    catalog
                        .item_ref(h)
                        .is_some_and(|r| matched.contains_key(&r))
                })
            })
            .filter_map(|h| catalog.item_ref(h))
            .collect()
    };
    Ok(CrosswalkReport {
        from: catalog.frameworks()[f].info.id.clone(),
        to: catalog.frameworks()[t].info.id.clone(),
        unmatched_from: unmatched(f, &from_targets),
        unmatched_to: unmatched(t, &to_sources),
        one_to_many,
        many_to_one,
        links,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Relation::{Broad, Close, Exact, Narrow, Related};

    #[test]
    fn composition_follows_skos() {
        assert_eq!(compose(Exact, Narrow), Narrow);
        assert_eq!(compose(Close, Close), Close);
        assert_eq!(compose(Broad, Close), Broad);
        assert_eq!(compose(Narrow, Narrow), Narrow);
        assert_eq!(compose(Broad, Broad), Broad);
        assert_eq!(compose(Narrow, Broad), Related);
        assert_eq!(compose(Related, Exact), Related);
    }

    #[test]
    fn composition_read_backwards_is_the_inverse() {
        for &a in Relation::ALL {
            for &b in Relation::ALL {
                assert_eq!(
                    compose(a, b).inverse(),
                    compose(b.inverse(), a.inverse()),
                    "{a} then {b}"
                );
            }
        }
    }
}
