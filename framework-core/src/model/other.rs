//! Curricula, mappings and roles.

use std::fmt;

use serde::Serialize;

use super::{Depth, DocumentInfo, Justification, LocatedRef, Relation};
use crate::diagnostic::{Loc, Position};
use crate::ids::{FrameworkId, ItemRef, LocalId};

/// A curriculum: modules of sessions, and assessments, each covering framework items.
#[derive(Debug, Clone)]
pub struct Curriculum {
    /// Id, title, source, completeness and the other common fields.
    pub info: DocumentInfo,
    /// Who runs the course.
    pub provider: Option<String>,
    /// The frameworks the curriculum is mapped to.
    pub frameworks: Vec<FrameworkId>,
    /// Modules, in file order.
    pub modules: Vec<Module>,
    /// Every session, in file order (module by module).
    pub sessions: Vec<Session>,
    /// Assessments, in file order.
    pub assessments: Vec<Assessment>,
    pub(crate) framework_locs: Vec<Loc>,
}

/// A module: a titled group of sessions.
#[derive(Debug, Clone)]
pub struct Module {
    /// The id.
    pub id: LocalId,
    /// The title.
    pub title: String,
    /// A note.
    pub note: Option<String>,
    /// Positions of its sessions in [`Curriculum::sessions`].
    pub sessions: Vec<usize>,
}

/// A teaching session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The id, unique among the curriculum's sessions and assessments.
    pub id: LocalId,
    /// The title.
    pub title: String,
    /// Position of its module in [`Curriculum::modules`], if it is in one.
    pub module: Option<usize>,
    /// The day of the course it falls on.
    pub day: Option<u32>,
    /// The week of the course it falls in.
    pub week: Option<u32>,
    /// Its length in hours.
    pub hours: Option<f64>,
    /// A note (for instance, how the coverage was judged).
    pub note: Option<String>,
    /// What it covers.
    pub covers: Vec<Cover>,
    pub(crate) loc: Loc,
}

/// One item (or set of leaves) a session or assessment covers, and how deeply.
#[derive(Debug, Clone)]
pub struct Cover {
    /// The item; a non-leaf means every leaf under it, `FRAMEWORK:*` every leaf.
    pub target: ItemRef,
    /// How deeply.
    pub depth: Depth,
    /// A note.
    pub note: Option<String>,
    pub(crate) loc: Loc,
}

/// An assessment: every item it names is covered at depth `assessed`.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// The id, unique among the curriculum's sessions and assessments.
    pub id: LocalId,
    /// The title.
    pub title: String,
    /// The day of the course it falls on.
    pub day: Option<u32>,
    /// The week of the course it falls in.
    pub week: Option<u32>,
    /// A note.
    pub note: Option<String>,
    /// What it assesses (always at depth `assessed`).
    pub assesses: Vec<Cover>,
    pub(crate) loc: Loc,
}

/// A crosswalk between two frameworks.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// Id, title, source and the other common fields.
    pub info: DocumentInfo,
    /// The framework links start from.
    pub from: FrameworkId,
    /// The framework links lead to.
    pub to: FrameworkId,
    /// The links, in file order.
    pub links: Vec<Link>,
    /// Items of the `from` framework assessed and found to have no counterpart in `to` (a
    /// CTDL `NoMatch`, an SSSOM `semapv:NoMapping`): known gaps, not unmapped items.
    pub(crate) no_match: Vec<LocatedRef>,
    pub(crate) from_loc: Loc,
    pub(crate) to_loc: Loc,
}

impl Mapping {
    /// Items of the `from` framework assessed and found to have no counterpart, qualified.
    pub fn no_match(&self) -> impl ExactSizeIterator<Item = &ItemRef> + '_ {
        self.no_match.iter().map(|r| &r.r)
    }

    /// A view that serializes the mapping in its document shape (links with bare item ids).
    pub fn document_view(&self) -> MappingView<'_> {
        MappingView(self)
    }
}

/// The fields every document has, in a document's order: `kind`, `id`, `title`, then those
/// given of `version`, `description`, `source`, `completeness`, `missing` and `note`.
fn info_entries<M: serde::ser::SerializeMap>(
    out: &mut M,
    kind: &str,
    info: &DocumentInfo,
) -> Result<(), M::Error> {
    out.serialize_entry("kind", kind)?;
    out.serialize_entry("id", &info.id)?;
    out.serialize_entry("title", &info.title)?;
    for (key, value) in [
        ("version", &info.version),
        ("description", &info.description),
        ("source", &info.source),
    ] {
        if let Some(v) = value {
            out.serialize_entry(key, v)?;
        }
    }
    if let Some(v) = &info.completeness {
        out.serialize_entry("completeness", v)?;
    }
    if !info.missing.is_empty() {
        out.serialize_entry("missing", &info.missing)?;
    }
    if let Some(v) = &info.note {
        out.serialize_entry("note", v)?;
    }
    Ok(())
}

/// A mapping serialized in its document's shape; see [`Mapping::document_view`].
#[derive(Debug)]
pub struct MappingView<'a>(&'a Mapping);

impl MappingView<'_> {
    /// The mapping's id, title and the other common fields.
    pub fn info(&self) -> &DocumentInfo {
        &self.0.info
    }
}

impl Serialize for MappingView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let m = self.0;
        let mut out = s.serialize_map(None)?;
        info_entries(&mut out, "mapping", &m.info)?;
        out.serialize_entry("from", &m.from)?;
        out.serialize_entry("to", &m.to)?;
        let links: Vec<LinkView<'_>> = m.links.iter().map(LinkView).collect();
        out.serialize_entry("links", &links)?;
        if !m.no_match.is_empty() {
            let ids: Vec<String> = m
                .no_match()
                .map(|r| {
                    r.item_id()
                        .map_or_else(|| r.to_string(), ToString::to_string)
                })
                .collect();
            out.serialize_entry("no_match", &ids)?;
        }
        out.end()
    }
}

struct LinkView<'a>(&'a Link);

impl Serialize for LinkView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let l = self.0;
        // An end is written as the bare item id: the mapping's `from` and `to` say whose.
        let end = |r: &ItemRef| {
            r.item_id()
                .map_or_else(|| r.to_string(), ToString::to_string)
        };
        let mut out = s.serialize_map(None)?;
        out.serialize_entry("from", &end(&l.from))?;
        out.serialize_entry("to", &end(&l.to))?;
        out.serialize_entry("relation", &l.relation)?;
        if let Some(v) = &l.note {
            out.serialize_entry("note", v)?;
        }
        if let Some(v) = &l.confidence {
            out.serialize_entry("confidence", v)?;
        }
        if let Some(v) = &l.justification {
            out.serialize_entry("justification", v)?;
        }
        out.end()
    }
}

/// One link of a mapping.
#[derive(Debug, Clone)]
pub struct Link {
    /// The item in the `from` framework.
    pub from: ItemRef,
    /// The item in the `to` framework.
    pub to: ItemRef,
    /// How the `to` item relates to the `from` item.
    pub relation: Relation,
    /// Why the link was judged so.
    pub note: Option<String>,
    /// How sure a suggested or imported link is, from 0 to 1.
    pub confidence: Option<f64>,
    /// Why the link says what it says (a person, a lexical guess, a composition, an import).
    pub justification: Option<Justification>,
    pub(crate) from_loc: Loc,
    pub(crate) to_loc: Loc,
}

/// A role: the requirements learners in it must meet.
#[derive(Debug, Clone)]
pub struct Role {
    /// Id, title, source and the other common fields.
    pub info: DocumentInfo,
    /// The employer or organisation that sets the role's rules.
    pub organisation: Option<String>,
    /// The requirements, in file order.
    pub requirements: Vec<Requirement>,
}

impl Role {
    /// A view that serializes the role in its document shape.
    pub fn document_view(&self) -> RoleView<'_> {
        RoleView(self)
    }
}

/// A role serialized in its document's shape; see [`Role::document_view`].
#[derive(Debug)]
pub struct RoleView<'a>(&'a Role);

impl RoleView<'_> {
    /// The role's id, title and the other common fields.
    pub fn info(&self) -> &DocumentInfo {
        &self.0.info
    }
}

impl Serialize for RoleView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let r = self.0;
        let mut out = s.serialize_map(None)?;
        info_entries(&mut out, "role", &r.info)?;
        if let Some(v) = &r.organisation {
            out.serialize_entry("organisation", v)?;
        }
        let requirements: Vec<RequirementView<'_>> =
            r.requirements.iter().map(RequirementView).collect();
        out.serialize_entry("requirements", &requirements)?;
        out.end()
    }
}

struct RequirementView<'a>(&'a Requirement);

impl Serialize for RequirementView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let q = self.0;
        let mut out = s.serialize_map(None)?;
        out.serialize_entry("id", &q.id)?;
        if let Some(t) = &q.title {
            out.serialize_entry("title", t)?;
        }
        out.serialize_entry("items", &q.items)?;
        match q.rule {
            Rule::All => {}
            Rule::MinRatio(r) => {
                let mut m = serde_json::Map::new();
                m.insert("min_ratio".into(), serde_json::json!(r));
                out.serialize_entry("rule", &m)?;
            }
        }
        if let Some(w) = &q.within {
            out.serialize_entry("within", w)?;
        }
        if let Some(v) = &q.valid_for {
            out.serialize_entry("valid_for", v)?;
        }
        if !q.exempt_if.is_empty() {
            out.serialize_entry("exempt_if", &q.exempt_if)?;
        }
        if let Some(n) = &q.note {
            out.serialize_entry("note", n)?;
        }
        out.end()
    }
}

/// One requirement of a role.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// The id.
    pub id: LocalId,
    /// The title.
    pub title: Option<String>,
    /// The items to meet (each non-leaf standing for its leaves).
    pub items: Vec<ItemRef>,
    /// When the requirement counts as met.
    pub rule: Rule,
    /// The time allowed from the learner's start date.
    pub within: Option<Duration>,
    /// The refresher period: evidence older than this at the as-of date no longer counts as
    /// met (the requirement is then `expired`, SPEC §1.5).
    pub valid_for: Option<Duration>,
    /// Conditions that, all holding, exempt the learner.
    pub exempt_if: Vec<Condition>,
    /// A note.
    pub note: Option<String>,
    pub(crate) item_locs: Vec<Loc>,
}

/// When a requirement counts as met.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Every leaf must be met.
    All,
    /// At least this share of the leaves must be met (0 to 1).
    MinRatio(f64),
}

/// A length of time: `16w`, `6mo`, `5y`, `30d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Duration {
    /// How many units.
    pub amount: u32,
    /// Which unit.
    pub unit: DurationUnit,
}

/// The unit of a [`Duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DurationUnit {
    /// Days (`d`).
    Days,
    /// Weeks (`w`).
    Weeks,
    /// Calendar months (`mo`).
    Months,
    /// Calendar years (`y`).
    Years,
}

impl Duration {
    /// Reads `Nd`, `Nw`, `Nmo` or `Ny`.
    pub fn parse(s: &str) -> Option<Self> {
        let digits = s.find(|c: char| !c.is_ascii_digit())?;
        let (n, unit) = s.split_at(digits);
        let amount = n.parse().ok()?;
        let unit = match unit {
            "d" => DurationUnit::Days,
            "w" => DurationUnit::Weeks,
            "mo" => DurationUnit::Months,
            "y" => DurationUnit::Years,
            _ => return None,
        };
        Some(Self { amount, unit })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            DurationUnit::Days => "d",
            DurationUnit::Weeks => "w",
            DurationUnit::Months => "mo",
            DurationUnit::Years => "y",
        };
        write!(f, "{}{}", self.amount, unit)
    }
}

impl Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One condition of an exemption.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    /// The qualification the learner must hold.
    pub qualification: String,
    /// How long before the start date it may have been gained (any time when `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<Duration>,
}

impl Session {
    /// Where the session's id is written.
    pub fn position(&self) -> Position {
        Position::from(&self.loc)
    }
}

impl Assessment {
    /// Where the assessment's id is written.
    pub fn position(&self) -> Position {
        Position::from(&self.loc)
    }
}

impl Curriculum {
    /// Every cover of every session, then of every assessment.
    pub fn all_covers(&self) -> impl Iterator<Item = &Cover> + '_ {
        self.sessions
            .iter()
            .flat_map(|s| s.covers.iter())
            .chain(self.assessments.iter().flat_map(|a| a.assesses.iter()))
    }
}

impl Role {
    /// Every reference of every requirement, with where it was written.
    pub(crate) fn all_refs(&self) -> impl Iterator<Item = (&ItemRef, &Loc)> + '_ {
        self.requirements
            .iter()
            .flat_map(|r| r.items.iter().zip(r.item_locs.iter()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_and_print() {
        for s in ["16w", "6mo", "5y", "30d", "0d"] {
            assert_eq!(Duration::parse(s).unwrap().to_string(), s);
        }
        for s in ["", "w", "16", "16 w", "6m", "-1d", "1.5y"] {
            assert!(Duration::parse(s).is_none(), "{s}");
        }
    }
}
