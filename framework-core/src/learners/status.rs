//! A requirement's status for each learner (SPEC §1.5): met, exempt, overdue or in progress;
//! its due date and the leaves still missing.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::records::{LearnerRow, parse_date, qualification_key};
use crate::catalog::Catalog;
use crate::graph::{ItemHandle, ItemTable};
use crate::ids::ItemRef;
use crate::model::{Condition, Duration, DurationUnit, Requirement, Role, Rule};

/// A requirement's status for one learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The requirement's rule holds over the learner's met and exempt leaves.
    Met,
    /// Not yet met, and not past its due date (or it has none).
    InProgress,
    /// Not met, and the as-of date is past the due date.
    Overdue,
    /// Every exemption condition holds.
    Exempt,
    /// It would be met but for evidence older than the requirement's `valid_for` (a refresher
    /// is due).
    Expired,
}

impl Status {
    /// Every status, in the order tables list them.
    pub const ALL: [Status; 5] = [
        Status::Met,
        Status::InProgress,
        Status::Overdue,
        Status::Exempt,
        Status::Expired,
    ];

    /// The status as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::InProgress => "in-progress",
            Status::Overdue => "overdue",
            Status::Exempt => "exempt",
            Status::Expired => "expired",
        }
    }
}

/// A date written as `YYYY-MM-DD`.
pub(super) fn date_json<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

/// A date as `date_json` writes it, read back.
pub(super) fn date_from_json<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    Option::<std::borrow::Cow<'de, str>>::deserialize(d)?
        .map(|s| s.parse::<Date>().map_err(serde::de::Error::custom))
        .transpose()
}

/// The leaves of a requirement a learner has not yet met, kept as the few that are done against
/// the requirement's shared list of leaves (a cohort of thousands shares one list). Serializes as
/// a list of qualified references, in framework order.
#[derive(Clone)]
pub struct MissingLeaves {
    refs: std::sync::Arc<[ItemRef]>,
    required: std::sync::Arc<[u32]>,
    /// Positions (in the role's leaf numbering) done, sorted; `None`: nothing is missing.
    done: Option<Vec<u32>>,
}

impl MissingLeaves {
    /// These leaves of a shared list (positions into it), every one missing.
    pub(crate) fn all_of(leaves: &std::sync::Arc<[ItemRef]>, positions: Vec<u32>) -> Self {
        Self {
            done: (!positions.is_empty()).then(Vec::new),
            refs: leaves.clone(),
            required: positions.into(),
        }
    }

    /// The missing leaves, in framework order.
    pub fn iter(&self) -> impl Iterator<Item = &ItemRef> + '_ {
        self.positions().filter_map(|i| self.refs.get(i as usize))
    }
    /// The missing leaves as positions in [`MissingLeaves::leaves`], in framework order.
    pub fn positions(&self) -> impl Iterator<Item = u32> + '_ {
        let done = self.done.as_deref();
        self.required
            .iter()
            .copied()
            .filter(move |i| done.is_some_and(|d| d.binary_search(i).is_err()))
    }
    /// Every leaf of the role, which the positions are into (shared by all learners).
    pub fn leaves(&self) -> &std::sync::Arc<[ItemRef]> {
        &self.refs
    }
    /// How many leaves are missing.
    pub fn len(&self) -> usize {
        self.done.as_ref().map_or(0, |d| {
            self.required
                .iter()
                .filter(|i| d.binary_search(i).is_err())
                .count()
        })
    }
    /// Whether nothing is missing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl std::fmt::Debug for MissingLeaves {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for MissingLeaves {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for MissingLeaves {
    /// From the list of references (a report read back from its JSON): those leaves are the
    /// requirement's, none of them done.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let refs = Vec::<ItemRef>::deserialize(d)?;
        let positions = (0..refs.len()).map(|n| n as u32).collect();
        Ok(Self::all_of(&refs.into(), positions))
    }
}

/// One requirement for one learner.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequirementStatus {
    /// The requirement's id.
    pub id: String,
    /// Its status.
    pub status: Status,
    /// The due date: the start date plus the requirement's `within` (`null` without one).
    #[serde(serialize_with = "date_json", deserialize_with = "date_from_json")]
    pub due: Option<Date>,
    /// Leaves not yet met or exempt, in framework order (empty when the status is `exempt`).
    pub missing: MissingLeaves,
    /// The share of the requirement's leaves met or exempt, from 0 to 1 (to three decimals).
    pub done: f64,
}

/// One learner.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LearnerStatus {
    /// The learner's id.
    pub learner: String,
    /// One entry per requirement of the role, in the role's order.
    pub requirements: Vec<RequirementStatus>,
}

/// A duration as a calendar span.
fn span(within: Duration) -> jiff::Span {
    let n = i64::from(within.amount);
    match within.unit {
        DurationUnit::Days => n.days(),
        DurationUnit::Weeks => n.weeks(),
        DurationUnit::Months => n.months(),
        DurationUnit::Years => n.years(),
    }
}

/// The date `d` plus a duration (month arithmetic clamps to the month's end: 31 January plus one
/// month is the last day of February).
pub fn add_duration(d: Date, within: Duration) -> Option<Date> {
    d.checked_add(span(within)).ok()
}

/// The date `d` minus a duration.
fn sub_duration(d: Date, within: Duration) -> Option<Date> {
    d.checked_sub(span(within)).ok()
}

/// Today's date (UTC), the default as-of date.
pub fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// Parses a `YYYY-MM-DD` date, as the CLI's `--as-of` does.
pub fn date(s: &str) -> Option<Date> {
    parse_date(s.trim())
}

/// Counts of (learner, requirement) pairs by status.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StatusCounts {
    /// Met.
    pub met: usize,
    /// In progress.
    #[serde(rename = "in-progress")]
    pub in_progress: usize,
    /// Overdue.
    pub overdue: usize,
    /// Exempt.
    pub exempt: usize,
    /// Expired: met but for evidence past the refresher period.
    #[serde(default)]
    pub expired: usize,
}

impl StatusCounts {
    /// Counts one more pair with this status.
    pub(super) fn add(&mut self, s: Status) {
        match s {
            Status::Met => self.met += 1,
            Status::InProgress => self.in_progress += 1,
            Status::Overdue => self.overdue += 1,
            Status::Exempt => self.exempt += 1,
            Status::Expired => self.expired += 1,
        }
    }
}

/// The leaves a role's requirements name, numbered (in the order first named), and each
/// requirement's leaves as those numbers (in framework order).
#[derive(Debug)]
pub(super) struct RoleLeaves {
    pub leaves: Vec<ItemHandle>,
    /// Each leaf's number, by handle (a dense table over the catalog's items).
    pub index: ItemTable<Option<u32>>,
    pub per_requirement: Vec<Vec<u32>>,
}

impl RoleLeaves {
    /// Numbers the leaves of `role`'s requirements.
    pub fn of(catalog: &Catalog, role: &Role) -> Self {
        let mut index: ItemTable<Option<u32>> = ItemTable::new(catalog.sizes());
        let mut leaves: Vec<ItemHandle> = Vec::new();
        let per_requirement = role
            .requirements
            .iter()
            .map(|req| {
                let mut v: Vec<u32> = Vec::new();
                for r in &req.items {
                    for h in catalog.leaves_of(r) {
                        let next = leaves.len() as u32;
                        let Some(slot) = index.get_mut(h) else {
                            continue;
                        };
                        let i = *slot.get_or_insert_with(|| {
                            leaves.push(h);
                            next
                        });
                        v.push(i);
                    }
                }
                v.sort_unstable_by_key(|&i| leaves.get(i as usize).copied());
                v.dedup();
                v
            })
            .collect();
        Self {
            leaves,
            index,
            per_requirement,
        }
    }
}

/// Every learner's statuses, and the counts the summary is made from.
#[derive(Debug)]
pub(super) struct Statuses {
    /// The learners asked for (all, or the one), in file order.
    pub learners: Vec<LearnerStatus>,
    /// (learner, requirement) pairs by status, over every learner.
    pub counts: StatusCounts,
    /// The same, per requirement.
    pub per_requirement: Vec<StatusCounts>,
    /// Per leaf (as numbered in [`RoleLeaves`]), how many learners not exempt miss it.
    pub missed: Vec<usize>,
}

/// The status of each requirement of `role` for each learner, given the leaves each has met
/// or been exempted from (`evidence.done`, bits numbered as the role's leaves) and the dates of
/// those met (`evidence.met_on`, for refresher periods). `only` keeps one learner's statuses
/// (the counts still cover every learner).
pub(super) fn statuses(
    catalog: &Catalog,
    role: &Role,
    leaves: &RoleLeaves,
    rows: &[LearnerRow],
    evidence: &Evidence,
    as_of: Date,
    only: Option<&str>,
) -> Statuses {
    let refs: std::sync::Arc<[ItemRef]> = leaves
        .leaves
        .iter()
        .map(|&h| {
            catalog
                .item_ref(h)
                .unwrap_or_else(|| ItemRef::all(role.info.id.clone()))
        })
        .collect();
    let required: Vec<std::sync::Arc<[u32]>> = leaves
        .per_requirement
        .iter()
        .map(|v| v.as_slice().into())
        .collect();
    let mut out = Statuses {
        learners: Vec::new(),
        counts: StatusCounts::default(),
        per_requirement: vec![StatusCounts::default(); role.requirements.len()],
        missed: vec![0; leaves.leaves.len()],
    };
    for (n, learner) in rows.iter().enumerate() {
        let bits = evidence.done.get(n);
        let met_on = evidence.met_on.get(n).map_or(&[][..], Vec::as_slice);
        let mut requirements = Vec::with_capacity(role.requirements.len());
        for (k, (req, ids)) in role
            .requirements
            .iter()
            .zip(&leaves.per_requirement)
            .enumerate()
        {
            let recorded = |i: &u32| {
                bits.and_then(|b| b.get(*i as usize / 64))
                    .is_some_and(|w| w & (1 << (i % 64)) != 0)
            };
            // Met on a date older than the refresher period allows: no longer counts.
            let earliest = req.valid_for.and_then(|v| sub_duration(as_of, v));
            let stale = |i: &u32| {
                earliest.is_some_and(|e| {
                    met_on
                        .binary_search_by_key(i, |&(leaf, _)| leaf)
                        .ok()
                        .and_then(|k| met_on.get(k))
                        .is_some_and(|&(_, d)| d < e)
                })
            };
            let is_done = |i: &u32| recorded(i) && !stale(i);
            let done = ids.iter().filter(|i| is_done(i)).count();
            let status = match requirement_status(req, learner, done, ids.len(), as_of) {
                Status::InProgress | Status::Overdue
                    if earliest.is_some()
                        && rule_holds(
                            req.rule,
                            ids.iter().filter(|i| recorded(i)).count(),
                            ids.len(),
                        ) =>
                {
                    Status::Expired
                }
                s => s,
            };
            let due = req.within.and_then(|w| add_duration(learner.start, w));
            let done_ids: Option<Vec<u32>> = if status == Status::Exempt {
                None
            } else {
                for i in ids.iter().filter(|i| !is_done(i)) {
                    if let Some(m) = out.missed.get_mut(*i as usize) {
                        *m += 1;
                    }
                }
                let mut d: Vec<u32> = ids.iter().filter(|i| is_done(i)).copied().collect();
                d.sort_unstable();
                Some(d)
            };
            out.counts.add(status);
            if let Some(c) = out.per_requirement.get_mut(k) {
                c.add(status);
            }
            if only.is_none_or(|o| o == learner.id) {
                requirements.push(RequirementStatus {
                    id: req.id.to_string(),
                    status,
                    due,
                    missing: MissingLeaves {
                        refs: refs.clone(),
                        required: required
                            .get(k)
                            .cloned()
                            .unwrap_or_else(|| Vec::new().into()),
                        done: done_ids,
                    },
                    done: if ids.is_empty() {
                        1.0
                    } else {
                        (done as f64 * 1000.0 / ids.len() as f64).round() / 1000.0
                    },
                });
            }
        }
        if only.is_none_or(|o| o == learner.id) {
            out.learners.push(LearnerStatus {
                learner: learner.id.clone(),
                requirements,
            });
        }
    }
    out
}

/// A requirement's status for one learner (SPEC §1.5) from the leaves done (fresh ones, when
/// it has a refresher period): met when the rule holds; exempt when every exemption condition
/// holds; overdue once the as-of date is past the due date; otherwise in progress. (`expired`
/// is decided by the caller, which knows the leaves done before the refresher period.)
fn requirement_status(
    req: &Requirement,
    learner: &LearnerRow,
    done: usize,
    total: usize,
    as_of: Date,
) -> Status {
    if rule_holds(req.rule, done, total) {
        return Status::Met;
    }
    if !req.exempt_if.is_empty() && req.exempt_if.iter().all(|c| holds(c, learner)) {
        return Status::Exempt;
    }
    match req.within.and_then(|w| add_duration(learner.start, w)) {
        Some(due) if as_of > due => Status::Overdue,
        _ => Status::InProgress,
    }
}

/// Whether a rule holds with `done` of `total` leaves done.
fn rule_holds(rule: Rule, done: usize, total: usize) -> bool {
    match rule {
        Rule::All => done == total,
        // Met when done/total >= ratio; compared without rounding error.
        Rule::MinRatio(r) => total == 0 || (done as f64) >= r * total as f64 - 1e-9,
    }
}

/// What the evidence gave, per learner (in the order of the learners read).
#[derive(Debug, Default)]
pub(super) struct Evidence {
    /// The leaves met or exempt (their latest row), as bits numbered as the role's leaves.
    pub done: Vec<Vec<u64>>,
    /// The leaves met (not exempt), with the date of their latest row, sorted by leaf; kept
    /// only when a requirement of the role has a refresher period (`valid_for`).
    pub met_on: Vec<Vec<(u32, Date)>>,
}

/// Whether a learner meets an exemption condition: holds the qualification, gained (when the
/// condition has `within`) no earlier than that long before the start date and no later than it.
fn holds(c: &Condition, learner: &LearnerRow) -> bool {
    let wanted = qualification_key(&c.qualification);
    learner.qualifications.iter().any(|(name, gained)| {
        *name == wanted
            && match c.within {
                None => true,
                Some(w) => match (gained, sub_duration(learner.start, w)) {
                    (Some(g), Some(earliest)) => *g >= earliest && *g <= learner.start,
                    _ => false,
                },
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn month_arithmetic_clamps_to_the_end_of_the_month() {
        let month = Duration {
            amount: 1,
            unit: DurationUnit::Months,
        };
        assert_eq!(add_duration(d("2025-01-31"), month), Some(d("2025-02-28")));
        assert_eq!(add_duration(d("2024-01-31"), month), Some(d("2024-02-29")));
        let year = Duration {
            amount: 1,
            unit: DurationUnit::Years,
        };
        assert_eq!(add_duration(d("2024-02-29"), year), Some(d("2025-02-28")));
        let weeks = Duration {
            amount: 16,
            unit: DurationUnit::Weeks,
        };
        assert_eq!(add_duration(d("2025-01-06"), weeks), Some(d("2025-04-28")));
    }
}
