//! Gaps: the target leaves (a framework's, or every leaf a role requires) that a source (a
//! curriculum, or a framework through mappings) leaves uncovered, each with the reason and the
//! sessions of other curricula that would fill it (SPEC §2).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::catalog::Catalog;
use crate::coverage::{
    AnalysisError, LeafState, Via, direct_states, propagate_mappings, teaching_order, wrong_kind,
};
use crate::graph::{ActivityHandle, ActivityKind, ItemHandle, Target};
use crate::ids::ItemRef;
use crate::model::{Depth, DocumentKind};

/// Why a target leaf is a gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GapReason {
    /// Nothing in the source reaches it.
    NeverMentioned,
    /// Only a `related` mapping link leads to it, which never counts as coverage.
    OnlyRelated,
    /// Only partly covered: a `broad` link on every way to it.
    OnlyPartial,
    /// Covered, but not to the depth required (`--require-depth`).
    BelowDepth,
}

/// One gap.
#[derive(Debug, Clone, Serialize)]
pub struct Gap {
    /// The leaf, qualified.
    #[serde(rename = "ref")]
    pub item: ItemRef,
    /// Its title.
    pub title: String,
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
#[derive(Debug, Clone, Serialize)]
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
}

fn not_found(catalog: &Catalog, id: &str, what: &str, kinds: &[DocumentKind]) -> AnalysisError {
    if let Some(e) = wrong_kind(catalog, id, what) {
        return e;
    }
    let help = kinds
        .iter()
        .find_map(|&k| catalog.suggest_document(id, Some(k)));
    AnalysisError::UnknownDocument {
        id: id.to_owned(),
        what: what.to_owned(),
        help,
    }
}

/// The target's leaves: a framework's (optional ones left out) or every leaf a role requires.
fn target_leaves(
    catalog: &Catalog,
    target: &str,
) -> Result<(DocumentKind, Vec<ItemHandle>), AnalysisError> {
    if let Some(f) = catalog.framework_position(target) {
        return Ok((
            DocumentKind::Framework,
            catalog
                .graph()
                .leaves_under_target(catalog, Target::Framework(f)),
        ));
    }
    if let Some(role) = catalog.role(target) {
        let mut set = BTreeSet::new();
        for req in &role.requirements {
            for r in &req.items {
                set.extend(catalog.leaves_of(r));
            }
        }
        return Ok((DocumentKind::Role, set.into_iter().collect()));
    }
    Err(not_found(
        catalog,
        target,
        "framework or role",
        &[DocumentKind::Framework, DocumentKind::Role],
    ))
}

/// Finds the gaps of `target` (a framework or role) against `source` (a curriculum, or a
/// framework read through mappings). With `require_depth`, leaves a curriculum covers less deeply
/// are gaps too.
pub fn gaps(
    catalog: &Catalog,
    target: &str,
    source: &str,
    require_depth: Option<Depth>,
) -> Result<GapsReport, AnalysisError> {
    let (target_kind, leaves) = target_leaves(catalog, target)?;
    let graph = catalog.graph();

    // What the source covers, before mappings.
    let (source_kind, seeds, source_curriculum) = if let Some(c) = catalog
        .curricula()
        .iter()
        .position(|c| c.info.id.as_str() == source)
    {
        let activities = teaching_order(&catalog.curricula()[c]);
        (
            DocumentKind::Curriculum,
            direct_states(catalog, c, &activities),
            Some(c),
        )
    } else if let Some(f) = catalog.framework_position(source) {
        let mut seeds = rustc_hash::FxHashMap::default();
        for leaf in graph.all_leaves_under_target(Target::Framework(f)) {
            seeds.insert(
                leaf,
                LeafState {
                    via: Some(Via::Parent),
                    ..LeafState::default()
                },
            );
        }
        (DocumentKind::Framework, seeds, None)
    } else {
        return Err(not_found(
            catalog,
            source,
            "curriculum or framework",
            &[DocumentKind::Curriculum, DocumentKind::Framework],
        ));
    };

    // Mappings, once for each framework the target's leaves are in.
    let frameworks: BTreeSet<usize> = leaves.iter().map(|h| h.framework_position()).collect();
    let mut states: HashMap<usize, rustc_hash::FxHashMap<ItemHandle, LeafState>> = HashMap::new();
    for f in frameworks {
        let mut s = seeds.clone();
        propagate_mappings(catalog, f, &mut s);
        states.insert(f, s);
    }

    // Other curricula's activities, for `filled_by`.
    let filled = FilledBy::new(catalog, source_curriculum);

    let mut out = Vec::new();
    for &leaf in &leaves {
        let st = states
            .get(&leaf.framework_position())
            .and_then(|s| s.get(&leaf));
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
                "only related: a `related` mapping link leads to it, which is not coverage"
                    .to_owned()
            }
            GapReason::OnlyPartial => {
                "only partial: every way to it goes through a `broad` mapping link".to_owned()
            }
            GapReason::BelowDepth => format!(
                "{} but never {}",
                depth.map_or("reached", Depth::as_str),
                require_depth.map_or("assessed", Depth::as_str)
            ),
        };
        let (Some(item), Some(r)) = (catalog.item(leaf), catalog.item_ref(leaf)) else {
            continue;
        };
        out.push(Gap {
            item: r,
            title: item.title.clone(),
            reason,
            reason_code,
            depth,
            filled_by: filled.of(leaf, require_depth),
        });
    }
    Ok(GapsReport {
        target: target.to_owned(),
        target_kind,
        source: source.to_owned(),
        source_kind,
        require_depth,
        leaves: leaves.len(),
        gaps: out,
    })
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
        let targets = std::iter::once(leaf)
            .chain(graph.ancestors(leaf))
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
