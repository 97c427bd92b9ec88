//! What the analyses share: looking up the documents they are asked about (and the errors
//! when they cannot run), a curriculum's activities in teaching order, and what is known of each
//! leaf a curriculum reaches (directly, through a parent, or through mapping links).

use crate::catalog::Catalog;
use crate::model::{Curriculum, DocumentKind};

pub use crate::error::AnalysisError;

mod reach;

pub(crate) use reach::{LeafState, LeafStates, direct_states, propagate_mappings};

/// How a leaf is covered, most direct first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
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

/// A set of activities (sessions and assessments of one curriculum), as bits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Activities(Vec<u64>);

impl Activities {
    pub(crate) fn insert(&mut self, i: usize) {
        let (w, b) = (i / 64, i % 64);
        if self.0.len() <= w {
            self.0.resize(w + 1, 0);
        }
        if let Some(word) = self.0.get_mut(w) {
            *word |= 1 << b;
        }
    }
    /// Adds `other`; whether anything was new.
    pub(crate) fn union(&mut self, other: &Activities) -> bool {
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
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let b = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(w * 64 + b)
            })
        })
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
