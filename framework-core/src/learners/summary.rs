//! The cohort summary: counts by status (overall and per requirement), the leaves most often
//! missing, and the rows left out.

use serde::{Deserialize, Serialize};

use super::records::{Learners, Skipped};
use super::status::{LearnerStatus, RoleLeaves, StatusCounts, Statuses};
use crate::catalog::Catalog;
use crate::ids::ItemRef;
use crate::model::Role;

/// Counts for one requirement.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequirementCounts {
    /// The requirement.
    pub id: String,
    /// Its counts.
    #[serde(flatten)]
    pub counts: StatusCounts,
}

/// A leaf, with how many learners still miss it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MissingLeaf {
    /// The leaf.
    #[serde(rename = "ref")]
    pub item: ItemRef,
    /// Its title.
    pub title: String,
    /// How many learners (not exempt from the requirement) miss it.
    pub learners: usize,
}

/// The cohort summary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    /// (learner, requirement) pairs by status (SPEC §3).
    #[serde(flatten)]
    pub counts: StatusCounts,
    /// The same, per requirement.
    pub requirements: Vec<RequirementCounts>,
    /// The leaves most often missing (at most ten), most missed first.
    pub most_missing: Vec<MissingLeaf>,
    /// Learners analysed.
    pub learners: usize,
    /// Learners of `learners.csv` with another role (not analysed).
    pub other_roles: usize,
    /// Rows that could not be used.
    pub skipped: Skipped,
}

/// Sums up the statuses: over every learner, or (with `only`) over the one learner asked for.
pub(super) fn summarise(
    catalog: &Catalog,
    role: &Role,
    leaves: &RoleLeaves,
    statuses: &Statuses,
    read: &Learners,
    skipped: Skipped,
    only: Option<&str>,
) -> Summary {
    let (counts, requirements, learners) = match only {
        // Only what was asked for: the one learner's own counts.
        Some(_) => {
            let (c, pr) = counted(&statuses.learners, role.requirements.len());
            (c, pr, statuses.learners.len())
        }
        None => (
            statuses.counts.clone(),
            statuses.per_requirement.clone(),
            read.rows.len(),
        ),
    };
    Summary {
        counts,
        requirements: role
            .requirements
            .iter()
            .zip(requirements)
            .map(|(r, counts)| RequirementCounts {
                id: r.id.to_string(),
                counts,
            })
            .collect(),
        most_missing: if only.is_some() {
            Vec::new()
        } else {
            most_missing(catalog, leaves, &statuses.missed)
        },
        learners,
        other_roles: if only.is_some() { 0 } else { read.other_roles },
        skipped,
    }
}

/// The counts over some learners' statuses, overall and per requirement.
fn counted(learners: &[LearnerStatus], requirements: usize) -> (StatusCounts, Vec<StatusCounts>) {
    let mut c = StatusCounts::default();
    let mut pr: Vec<StatusCounts> = vec![StatusCounts::default(); requirements];
    for l in learners {
        for (k, r) in l.requirements.iter().enumerate() {
            c.add(r.status);
            if let Some(p) = pr.get_mut(k) {
                p.add(r.status);
            }
        }
    }
    (c, pr)
}

/// The ten leaves most often missed, most missed first (ties in framework order).
fn most_missing(catalog: &Catalog, leaves: &RoleLeaves, missed: &[usize]) -> Vec<MissingLeaf> {
    let mut ranked: Vec<(usize, usize)> = missed
        .iter()
        .copied()
        .enumerate()
        .filter(|&(_, m)| m > 0)
        .collect();
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(leaves.leaves.get(a.0).cmp(&leaves.leaves.get(b.0)))
    });
    ranked
        .into_iter()
        .take(10)
        .filter_map(|(i, m)| {
            let h = *leaves.leaves.get(i)?;
            Some(MissingLeaf {
                item: catalog.item_ref(h)?,
                title: catalog.item(h)?.title.clone(),
                learners: m,
            })
        })
        .collect()
}
