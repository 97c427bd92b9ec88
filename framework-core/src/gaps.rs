//! Gaps: the target leaves (a framework's, or every leaf a role requires) that a source (a
//! curriculum, or a framework through mappings) leaves uncovered, each with the reason and the
//! sessions of other curricula that would fill it (SPEC §2).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::analysis::{
    AnalysisError, LeafState, LeafStates, Via, direct_states, propagate_mappings, teaching_order,
};
use crate::catalog::Catalog;
use crate::graph::{ActivityHandle, ActivityKind, ItemHandle, Target};
use crate::ids::ItemRef;
use crate::model::{Depth, DocumentKind};
use crate::report::Report;

/// Why a target leaf is a gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GapReason {
    /// Nothing in the source reaches it.
    NeverMentioned,
    /// Only mapping links that compose to `related` lead to it, which never counts as coverage.
    OnlyRelated,
    /// Only partly covered: the links that lead to it compose to `broad` or `overlap`.
    OnlyPartial,
    /// Covered, but not to the depth required (`--require-depth`).
    BelowDepth,
}

/// One gap.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Gap {
    /// The leaf, qualified.
    #[serde(rename = "ref")]
    pub item: ItemRef,
    /// Its title.
    pub title: String,
    /// The top-level item it is grouped under (itself when it is top-level).
    pub top: ItemRef,
    /// That item's title.
    pub top_title: String,
    /// For a role: the ids of the requirements that name it (in the role's order); empty for a
    /// framework.
    pub requirements: Vec<String>,
    /// Why it is a gap, in words.
    pub reason: String,
    /// Why it is a gap, as a code.
    pub reason_code: GapReason,
    /// The depth the source reaches, when it reaches one.
    pub depth: Option<Depth>,
    /// Sessions and assessments of other curricula that cover it (to the required depth), as
    /// `CURRICULUM:SESSION`.
    pub filled_by: Vec<String>,
}

/// The gaps of a target against a source (`competence gaps`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GapsReport {
    /// The target: a framework or a role.
    pub target: String,
    /// The target's kind.
    pub target_kind: DocumentKind,
    /// The source: a curriculum or a framework.
    pub source: String,
    /// The source's kind.
    pub source_kind: DocumentKind,
    /// The depth asked for, if any.
    pub require_depth: Option<Depth>,
    /// Target leaves checked (optional ones left out).
    pub leaves: usize,
    /// The gaps, in framework order.
    pub gaps: Vec<Gap>,
    /// For a role: each requirement with how many of its leaves are gaps, in the role's order;
    /// empty for a framework.
    pub by_requirement: Vec<RequirementGaps>,
}

/// How much of one requirement of a role is missing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequirementGaps {
    /// The requirement's id.
    pub id: String,
    /// Its title, if it has one.
    pub title: Option<String>,
    /// The leaves it names (optional ones left out).
    pub leaves: usize,
    /// How many of those are gaps.
    pub missing: usize,
}

/// What a target asks for: its leaves, and for a role, which requirements name each.
struct TargetLeaves {
    kind: DocumentKind,
    leaves: Vec<ItemHandle>,
    /// For a role: each requirement's id, title and leaves.
    requirements: Vec<(String, Option<String>, BTreeSet<ItemHandle>)>,
}

/// The target's leaves: a framework's (optional ones left out) or every leaf a role requires.
fn target_leaves(catalog: &Catalog, target: &str) -> Result<TargetLeaves, AnalysisError> {
    match catalog.locate(target, &[DocumentKind::Framework, DocumentKind::Role])? {
        (DocumentKind::Role, n) => {
            let mut set = BTreeSet::new();
            let mut requirements = Vec::new();
            for req in &catalog.roles()[n].requirements {
                let mut own = BTreeSet::new();
                for r in &req.items {
                    own.extend(catalog.leaves_of(r));
                }
                set.extend(own.iter().copied());
                requirements.push((req.id.to_string(), req.title.clone(), own));
            }
            Ok(TargetLeaves {
                kind: DocumentKind::Role,
                leaves: set.into_iter().collect(),
                requirements,
            })
        }
        (kind, f) => Ok(TargetLeaves {
            kind,
            leaves: catalog.leaves_under(Target::Framework(f)),
            requirements: Vec::new(),
        }),
    }
}

/// Finds the gaps of `target` (a framework or role) against `source` (a curriculum, or a
/// framework read through mappings). With `require_depth`, leaves a curriculum covers less deeply
/// are gaps too.
pub fn gaps(
    catalog: &Catalog,
    target: &str,
    source: &str,
    require_depth: Option<Depth>,
) -> Result<Report<GapsReport>, AnalysisError> {
    let TargetLeaves {
        kind: target_kind,
        leaves,
        requirements,
    } = target_leaves(catalog, target)?;

    // What the source covers, before mappings.
    let kinds = [DocumentKind::Curriculum, DocumentKind::Framework];
    let (source_kind, position) = catalog.locate(source, &kinds)?;
    let (seeds, source_curriculum) = if source_kind == DocumentKind::Curriculum {
        let activities = teaching_order(&catalog.curricula()[position]);
        (
            direct_states(catalog, position, &activities),
            Some(position),
        )
    } else {
        let mut seeds = LeafStates::new(catalog.sizes());
        for leaf in catalog.all_leaves_under(Target::Framework(position)) {
            if let Some(st) = seeds.get_mut(leaf) {
                *st = LeafState {
                    via: Some(Via::Parent),
                    ..LeafState::default()
                };
            }
        }
        (seeds, None)
    };

    // Mappings, once for each framework the target's leaves are in.
    let frameworks: BTreeSet<usize> = leaves.iter().map(|h| h.framework_position()).collect();
    let mut states: HashMap<usize, LeafStates> = HashMap::new();
    for f in frameworks {
        let mut s = seeds.clone();
        propagate_mappings(catalog, f, &mut s);
        states.insert(f, s);
    }

    // Other curricula's activities, for `filled_by`.
    let filled = FilledBy::new(catalog, source_curriculum);

    let mut out = Vec::new();
    let mut gap_leaves = BTreeSet::new();
    for &leaf in &leaves {
        let st = states
            .get(&leaf.framework_position())
            .and_then(|s| s.get(leaf));
        let (reason_code, depth) = match st {
            Some(st) if st.covered() => match (require_depth, st.depth()) {
                (Some(req), Some(d)) if d < req && source_kind == DocumentKind::Curriculum => {
                    (GapReason::BelowDepth, Some(d))
                }
                _ => continue,
            },
            Some(st) if st.partial() => (GapReason::OnlyPartial, st.depth()),
            Some(st) if st.related => (GapReason::OnlyRelated, None),
            _ => (GapReason::NeverMentioned, None),
        };
        let reason = match reason_code {
            GapReason::NeverMentioned => format!("never mentioned by `{source}`"),
            GapReason::OnlyRelated => {
                "only related: the mapping links that lead to it compose to `related`, which is not coverage"
                    .to_owned()
            }
            GapReason::OnlyPartial => {
                "only partial: the mapping links that lead to it compose to `broad` or `overlap`"
                    .to_owned()
            }
            GapReason::BelowDepth => format!(
                "{} but never {}",
                depth.map_or("reached", Depth::as_str),
                require_depth.map_or("assessed", Depth::as_str)
            ),
        };
        let (Some(item), Some(r), Some((top, top_title))) = (
            catalog.item(leaf),
            catalog.item_ref(leaf),
            catalog.top_of(leaf),
        ) else {
            continue;
        };
        gap_leaves.insert(leaf);
        out.push(Gap {
            item: r,
            title: item.title.clone(),
            top,
            top_title,
            requirements: requirements
                .iter()
                .filter(|(_, _, own)| own.contains(&leaf))
                .map(|(id, _, _)| id.clone())
                .collect(),
            reason,
            reason_code,
            depth,
            filled_by: filled.of(leaf, require_depth),
        });
    }
    let body = GapsReport {
        target: target.to_owned(),
        target_kind,
        source: source.to_owned(),
        source_kind,
        require_depth,
        leaves: leaves.len(),
        gaps: out,
        by_requirement: requirements
            .into_iter()
            .map(|(id, title, own)| RequirementGaps {
                id,
                title,
                leaves: own.len(),
                missing: own.intersection(&gap_leaves).count(),
            })
            .collect(),
    };
    Ok(Report::new(catalog, body))
}

/// The activities of the catalog's other curricula, by the leaves they cover.
struct FilledBy<'c> {
    catalog: &'c Catalog,
    names: BTreeMap<ActivityHandle, String>,
    skip: Option<usize>,
}

impl<'c> FilledBy<'c> {
    fn new(catalog: &'c Catalog, skip: Option<usize>) -> Self {
        let mut names = BTreeMap::new();
        for (c, cur) in catalog.curricula().iter().enumerate() {
            if Some(c) == skip {
                continue;
            }
            for (index, s) in cur.sessions.iter().enumerate() {
                names.insert(
                    ActivityHandle {
                        curriculum: c,
                        kind: ActivityKind::Session,
                        index,
                    },
                    format!("{}:{}", cur.info.id, s.id),
                );
            }
            for (index, a) in cur.assessments.iter().enumerate() {
                names.insert(
                    ActivityHandle {
                        curriculum: c,
                        kind: ActivityKind::Assessment,
                        index,
                    },
                    format!("{}:{}", cur.info.id, a.id),
                );
            }
        }
        Self {
            catalog,
            names,
            skip,
        }
    }

    /// Activities of other curricula that name the leaf, an item above it, or its framework, at
    /// least to `depth`; in catalog order.
    fn of(&self, leaf: ItemHandle, depth: Option<Depth>) -> Vec<String> {
        let graph = self.catalog.graph();
        let ancestors = self
            .catalog
            .hierarchy(leaf.framework_position())
            .map(|h| h.ancestors(leaf.item()))
            .unwrap_or_default();
        let targets = std::iter::once(leaf)
            .chain(
                ancestors
                    .into_iter()
                    .map(|i| ItemHandle::new(leaf.framework_position(), i)),
            )
            .map(Target::Item)
            .chain(std::iter::once(Target::Framework(
                leaf.framework_position(),
            )));
        let mut found = BTreeSet::new();
        for t in targets {
            for (a, d) in graph.covered_by_target(t) {
                if Some(a.curriculum) != self.skip && depth.is_none_or(|req| d >= req) {
                    found.insert(a);
                }
            }
        }
        found
            .into_iter()
            .filter_map(|a| self.names.get(&a).cloned())
            .collect()
    }
}
