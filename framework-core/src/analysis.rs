//! What the analyses share: looking up the documents they are asked about (and the errors
//! when they cannot run), a curriculum's activities in teaching order, and what is known of each
//! leaf a curriculum reaches (directly, through a parent, or through mapping links).

use crate::catalog::Catalog;
use crate::model::{Curriculum, DocumentKind};

pub use crate::error::AnalysisError;

mod reach;

pub(crate) use reach::{LeafState, LeafStates, direct_states, propagate_mappings};

/// How a leaf is covered, most direct first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// A cover names the leaf itself.
    Direct,
    /// A cover names an item above the leaf (or the whole framework).
    Parent,
    /// A chain of mapping links from an item of another framework the curriculum covers.
    Mapping,
}

/// Looks up a curriculum and the framework to measure it against (default: the curriculum's
/// first).
pub(crate) fn curriculum_and_framework<'c>(
    catalog: &'c Catalog,
    curriculum: &str,
    framework: Option<&str>,
) -> Result<(usize, &'c Curriculum, usize), AnalysisError> {
    let c = catalog.position(curriculum, DocumentKind::Curriculum)?;
    let cur = &catalog.curricula()[c];
    let f = match framework {
        Some(f) => catalog.position(f, DocumentKind::Framework)?,
        None => {
            let first = cur
                .frameworks
                .first()
                .ok_or_else(|| AnalysisError::NoFramework {
                    id: curriculum.to_owned(),
                })?;
            catalog.position(first.as_str(), DocumentKind::Framework)?
        }
    };
    Ok((c, cur, f))
}

/// A set of activities (sessions and assessments of one curriculum), by their positions in
/// teaching order. Most items are named by a few activities, so a set starts as a short sorted
/// list and turns into bits (one per activity of the curriculum) once it holds more than
/// [`Activities::FEW`]: small sets cost a few bytes, large ones a bit each.
#[derive(Debug, Clone)]
pub(crate) enum Activities {
    /// Sorted, without repeats; at most [`Activities::FEW`] of them.
    Few(Vec<u32>),
    /// Bit `i` of word `i / 64` is set for activity `i`.
    Bits(Vec<u64>),
}

impl Default for Activities {
    fn default() -> Self {
        Self::Few(Vec::new())
    }
}

impl PartialEq for Activities {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Activities {}

impl Activities {
    /// How many activities a list holds before it becomes bits.
    const FEW: usize = 16;

    pub(crate) fn insert(&mut self, i: usize) {
        match self {
            Self::Few(list) => {
                let n = u32::try_from(i).ok();
                match n.map(|n| (n, list.binary_search(&n))) {
                    Some((_, Ok(_))) => {}
                    Some((n, Err(at))) if list.len() < Self::FEW => list.insert(at, n),
                    _ => self.with_bits(|words| set_bit(words, i)),
                }
            }
            Self::Bits(words) => set_bit(words, i),
        }
    }

    /// Adds `other`; whether anything was new.
    pub(crate) fn union(&mut self, other: &Activities) -> bool {
        match (&mut *self, other) {
            (Self::Few(a), Self::Few(b)) => {
                let mut merged = Vec::with_capacity(a.len() + b.len());
                let (mut x, mut y) = (a.iter().peekable(), b.iter().peekable());
                while let (Some(&&p), Some(&&q)) = (x.peek(), y.peek()) {
                    merged.push(p.min(q));
                    if p <= q {
                        x.next();
                    }
                    if q <= p {
                        y.next();
                    }
                }
                merged.extend(x.chain(y));
                if merged.len() == a.len() {
                    return false;
                }
                if merged.len() <= Self::FEW {
                    *a = merged;
                } else {
                    self.with_bits(|words| {
                        for i in merged {
                            set_bit(words, i as usize);
                        }
                    });
                }
                true
            }
            (_, Self::Few(b)) => self.with_bits(|words| {
                let mut changed = false;
                for &i in b {
                    let (w, bit) = (i as usize / 64, 1u64 << (i % 64));
                    changed |= words.get(w).is_none_or(|word| word & bit == 0);
                    set_bit(words, i as usize);
                }
                changed
            }),
            (_, Self::Bits(b)) => self.with_bits(|words| {
                if words.len() < b.len() {
                    words.resize(b.len(), 0);
                }
                let mut changed = false;
                for (a, b) in words.iter_mut().zip(b) {
                    let merged = *a | *b;
                    changed |= merged != *a;
                    *a = merged;
                }
                changed
            }),
        }
    }

    /// The activities' positions, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        let (few, words): (&[u32], &[u64]) = match self {
            Self::Few(list) => (list, &[]),
            Self::Bits(words) => (&[], words),
        };
        few.iter()
            .map(|&i| i as usize)
            .chain(words.iter().enumerate().flat_map(|(w, &word)| {
                let mut rest = word;
                std::iter::from_fn(move || {
                    if rest == 0 {
                        return None;
                    }
                    let b = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    Some(w * 64 + b)
                })
            }))
    }

    /// Runs `f` on the set as bits, turning a list into them first.
    fn with_bits<R>(&mut self, f: impl FnOnce(&mut Vec<u64>) -> R) -> R {
        let mut words = match std::mem::take(self) {
            Self::Few(list) => {
                let mut words = Vec::new();
                for i in list {
                    set_bit(&mut words, i as usize);
                }
                words
            }
            Self::Bits(words) => words,
        };
        let out = f(&mut words);
        *self = Self::Bits(words);
        out
    }
}

/// Sets bit `i`, growing the words as needed.
fn set_bit(words: &mut Vec<u64>, i: usize) {
    let (w, b) = (i / 64, i % 64);
    if words.len() <= w {
        words.resize(w + 1, 0);
    }
    if let Some(word) = words.get_mut(w) {
        *word |= 1 << b;
    }
}

/// The activities of a curriculum in teaching order, with their ids.
pub(crate) struct Activity {
    pub id: String,
    pub kind: crate::graph::ActivityKind,
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
                kind: crate::graph::ActivityKind::Session,
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
                kind: crate::graph::ActivityKind::Assessment,
                index: i,
                hours: None,
            },
        ));
    }
    keyed.sort_by_key(|(k, _)| *k);
    keyed.into_iter().map(|(_, a)| a).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::Activities;

    fn made(items: &[usize]) -> Activities {
        let mut a = Activities::default();
        for &i in items {
            a.insert(i);
        }
        a
    }

    proptest! {
        /// Lists and bits hold the same set as a plain ordered set, through inserts and unions,
        /// whichever way each set is kept.
        #[test]
        fn activities_are_a_set(
            xs in proptest::collection::vec(0usize..300, 0..40),
            ys in proptest::collection::vec(0usize..300, 0..40),
        ) {
            let (mut a, b) = (made(&xs), made(&ys));
            let want_a: BTreeSet<usize> = xs.iter().copied().collect();
            prop_assert_eq!(a.iter().collect::<Vec<_>>(), want_a.iter().copied().collect::<Vec<_>>());
            let want: BTreeSet<usize> = xs.iter().chain(&ys).copied().collect();
            let changed = a.union(&b);
            prop_assert_eq!(changed, want.len() > want_a.len());
            prop_assert_eq!(a.iter().collect::<Vec<_>>(), want.into_iter().collect::<Vec<_>>());
            // A union that adds nothing says so.
            prop_assert!(!a.union(&b));
            prop_assert_eq!(&made(&xs.iter().chain(&ys).copied().collect::<Vec<_>>()), &a);
        }
    }
}
