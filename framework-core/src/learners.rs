//! Learner records against a role's requirements (SPEC §1.5, §1.6, §2): per learner and
//! requirement, the status (`met`, `in-progress`, `overdue`, `exempt`), the due date and the
//! missing leaves; and a cohort summary.
//!
//! Records are read from two CSV files (`learners.csv`, `evidence.csv`), streamed. A row that
//! cannot be used becomes a diagnostic naming the file, the line and the field, and the other rows
//! are still analysed. Learner records are personal data: diagnostics carry the learner id, the
//! line and the field, never the contents of a field.

use std::collections::BTreeMap;
use std::io::Read;

use jiff::ToSpan;
use jiff::civil::Date;
use rustc_hash::FxHashMap;
use serde::{Serialize, Serializer};

use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic};
use crate::graph::ItemHandle;
use crate::ids::ItemRef;
use crate::model::{Condition, Duration, DurationUnit, Requirement, Rule};
use crate::report::Report;

/// Why learner records could not be analysed at all (exit status 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum RecordsError {
    /// The role is not in the catalog, or the id names a document of another kind.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Lookup(#[from] crate::error::AnalysisError),
    /// A file that cannot be read.
    #[error("cannot read `{file}`: {message}")]
    #[diagnostic(code("unreadable"))]
    Unreadable {
        /// The file.
        file: String,
        /// Why.
        message: String,
    },
    /// A file with no header row.
    #[error("`{file}` is empty")]
    #[diagnostic(
        code("empty-records"),
        help("the first row names the columns: {columns}")
    )]
    Empty {
        /// The file.
        file: String,
        /// The columns expected.
        columns: &'static str,
    },
    /// A header row without a required column.
    #[error("`{file}` has no `{column}` column")]
    #[diagnostic(
        code("missing-column"),
        help("the first row must name the columns: {columns}")
    )]
    MissingColumn {
        /// The file.
        file: String,
        /// The missing column.
        column: &'static str,
        /// The columns expected.
        columns: &'static str,
    },
}

impl RecordsError {
    /// The error's code.
    pub fn error_code(&self) -> Code {
        match self {
            RecordsError::Lookup(e) => e.error_code(),
            RecordsError::Unreadable { .. } => Code::Unreadable,
            RecordsError::Empty { .. } => Code::EmptyRecords,
            RecordsError::MissingColumn { .. } => Code::MissingColumn,
        }
    }
}

/// A requirement's status for one learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
}

impl Status {
    /// The status as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::InProgress => "in-progress",
            Status::Overdue => "overdue",
            Status::Exempt => "exempt",
        }
    }
}

/// A date written as `YYYY-MM-DD`.
fn date_json<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
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
    /// The missing leaves, in framework order.
    pub fn iter(&self) -> impl Iterator<Item = &ItemRef> + '_ {
        let done = self.done.as_deref();
        self.required
            .iter()
            .filter(move |i| done.is_some_and(|d| d.binary_search(i).is_err()))
            .filter_map(|&i| self.refs.get(i as usize))
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

/// One requirement for one learner.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementStatus {
    /// The requirement's id.
    pub id: String,
    /// Its status.
    pub status: Status,
    /// The due date: the start date plus the requirement's `within` (`null` without one).
    #[serde(serialize_with = "date_json")]
    pub due: Option<Date>,
    /// Leaves not yet met or exempt, in framework order (empty when the status is `exempt`).
    pub missing: MissingLeaves,
    /// The share of the requirement's leaves met or exempt, as a percentage.
    pub done: f64,
}

/// One learner.
#[derive(Debug, Clone, Serialize)]
pub struct LearnerStatus {
    /// The learner's id.
    pub learner: String,
    /// One entry per requirement of the role, in the role's order.
    pub requirements: Vec<RequirementStatus>,
}

/// Counts of (learner, requirement) pairs by status.
#[derive(Debug, Clone, Default, Serialize)]
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
}

impl StatusCounts {
    fn add(&mut self, s: Status) {
        match s {
            Status::Met => self.met += 1,
            Status::InProgress => self.in_progress += 1,
            Status::Overdue => self.overdue += 1,
            Status::Exempt => self.exempt += 1,
        }
    }
}

/// Counts for one requirement.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementCounts {
    /// The requirement.
    pub id: String,
    /// Its counts.
    #[serde(flatten)]
    pub counts: StatusCounts,
}

/// A leaf, with how many learners still miss it.
#[derive(Debug, Clone, Serialize)]
pub struct MissingLeaf {
    /// The leaf.
    #[serde(rename = "ref")]
    pub item: ItemRef,
    /// Its title.
    pub title: String,
    /// How many learners (not exempt from the requirement) miss it.
    pub learners: usize,
}

/// Rows that could not be used.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Skipped {
    /// Rows of `learners.csv` left out.
    pub learners: usize,
    /// Rows of `evidence.csv` left out.
    pub evidence: usize,
    /// How many rows each reason (a diagnostic code) left out.
    pub reasons: BTreeMap<String, usize>,
}

/// The cohort summary.
#[derive(Debug, Clone, Serialize)]
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

/// The learners report (`competence learners`).
#[derive(Debug, Clone, Serialize)]
pub struct LearnersReport {
    /// The role.
    pub role: String,
    /// The date the statuses are computed for.
    #[serde(serialize_with = "date_json")]
    pub as_of: Option<Date>,
    /// The learners, in the order of `learners.csv`.
    pub learners: Vec<LearnerStatus>,
    /// The cohort summary.
    pub summary: Summary,
}

/// A CSV input: its name (for diagnostics) and its reader.
#[derive(Debug)]
pub struct CsvInput<R> {
    /// How diagnostics name it.
    pub name: String,
    /// The text.
    pub reader: R,
}

impl<R: Read> CsvInput<R> {
    /// An input named `name`.
    pub fn new(name: impl Into<String>, reader: R) -> Self {
        Self {
            name: name.into(),
            reader,
        }
    }
}

const LEARNER_COLUMNS: &str = "learner, role, start_date[, qualifications]";
const EVIDENCE_COLUMNS: &str = "learner, ref, status, date";

/// Reads a header and finds the named columns (in any order; other columns are ignored).
fn columns<R: Read>(
    reader: &mut csv::Reader<R>,
    file: &str,
    required: &[&'static str],
    optional: &[&'static str],
    expected: &'static str,
) -> Result<Vec<Option<usize>>, RecordsError> {
    let headers = reader
        .byte_headers()
        .map_err(|e| RecordsError::Unreadable {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
    if headers.is_empty() || headers.iter().all(|h| h.is_empty()) {
        return Err(RecordsError::Empty {
            file: file.to_owned(),
            columns: expected,
        });
    }
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| String::from_utf8_lossy(h).trim().eq_ignore_ascii_case(name))
    };
    let mut out = Vec::new();
    for &name in required {
        out.push(Some(find(name).ok_or_else(|| {
            RecordsError::MissingColumn {
                file: file.to_owned(),
                column: name,
                columns: expected,
            }
        })?));
    }
    out.extend(optional.iter().map(|name| find(name)));
    Ok(out)
}

/// A diagnostic about a row: file, line, field number; a message that quotes nothing from it.
fn row_diag(
    code: Code,
    file: &str,
    line: u64,
    field: usize,
    message: String,
    help: &str,
) -> Diagnostic {
    Diagnostic::in_file(
        code,
        file,
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(field + 1).unwrap_or(u32::MAX),
        message,
    )
    .with_help(help)
}

/// What reading the next row gave.
enum Row {
    /// A row with the header's number of fields, on this line.
    Read(u64),
    /// A row that cannot be used; it has been reported.
    Bad,
    /// The end of the file.
    End,
}

/// Reads the next row into `record`, skipping blank lines and reporting rows that cannot be read
/// as CSV or do not have `width` fields.
fn next_row<R: Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
    file: &str,
    width: usize,
    diags: &mut Vec<Diagnostic>,
) -> Row {
    loop {
        match reader.read_byte_record(record) {
            Ok(false) => return Row::End,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                diags.push(row_diag(
                    Code::MalformedRow,
                    file,
                    line,
                    0,
                    "row cannot be read as CSV".into(),
                    "check the quoting of this row",
                ));
                return Row::Bad;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.len() == 1 && record.get(0).is_some_and(<[u8]>::is_empty) {
            continue; // a blank line
        }
        if record.len() != width {
            diags.push(row_diag(
                Code::MalformedRow,
                file,
                line,
                record.len().min(width),
                format!("row has {} fields, the header {}", record.len(), width),
                "every row needs as many fields as the header; quote fields that contain commas",
            ));
            return Row::Bad;
        }
        return Row::Read(line);
    }
}

fn field(record: &csv::ByteRecord, column: Option<usize>) -> Option<&str> {
    column
        .and_then(|c| record.get(c))
        .and_then(|b| std::str::from_utf8(b).ok())
        .map(str::trim)
}

fn parse_date(s: &str) -> Option<Date> {
    // Exactly YYYY-MM-DD.
    if s.len() != 10 || s.as_bytes().get(4) != Some(&b'-') || s.as_bytes().get(7) != Some(&b'-') {
        return None;
    }
    s.parse().ok()
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

/// One learner as read from `learners.csv`.
struct LearnerRow {
    id: String,
    start: Date,
    /// (qualification, date gained if given).
    qualifications: Vec<(String, Option<Date>)>,
}

/// The latest evidence for one leaf: (date, row), and whether it counts (met or exempt).
#[derive(Clone, Copy)]
struct Latest {
    date: Date,
    row: u64,
    done: bool,
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

/// Checks learner records against a role: see the module documentation. `only` restricts the
/// output to one learner.
pub fn learners<L: Read, E: Read>(
    catalog: &Catalog,
    role_id: &str,
    learners_csv: CsvInput<L>,
    evidence_csv: CsvInput<E>,
    as_of: Date,
    only: Option<&str>,
) -> Result<Report<LearnersReport>, RecordsError> {
    let role = &catalog.roles()[catalog.position(role_id, crate::model::DocumentKind::Role)?];
    let mut diags = Vec::new();
    let mut skipped = Skipped::default();
    let skip = |skipped: &mut Skipped, learners_file: bool, code: Code| {
        if learners_file {
            skipped.learners += 1;
        } else {
            skipped.evidence += 1;
        }
        *skipped.reasons.entry(code.as_str().to_owned()).or_default() += 1;
    };

    // The role's leaves, numbered.
    let mut leaf_index: FxHashMap<ItemHandle, u32> = FxHashMap::default();
    let mut leaves: Vec<ItemHandle> = Vec::new();
    let req_leaves: Vec<Vec<u32>> = role
        .requirements
        .iter()
        .map(|req| {
            let mut v: Vec<u32> = Vec::new();
            for r in &req.items {
                for h in catalog.leaves_of(r) {
                    let next = leaves.len() as u32;
                    let i = *leaf_index.entry(h).or_insert_with(|| {
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

    // learners.csv
    let file = learners_csv.name.clone();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(learners_csv.reader);
    let cols = columns(
        &mut reader,
        &file,
        &["learner", "role", "start_date"],
        &["qualifications"],
        LEARNER_COLUMNS,
    )?;
    let width = reader.byte_headers().map(|h| h.len()).unwrap_or(0);
    let (c_learner, c_role, c_start, c_quals) = (cols[0], cols[1], cols[2], cols[3]);
    let mut rows: Vec<LearnerRow> = Vec::new();
    let mut by_id: FxHashMap<String, usize> = FxHashMap::default();
    let mut first_line: FxHashMap<String, u64> = FxHashMap::default();
    let mut other_roles = 0;
    let mut record = csv::ByteRecord::new();
    loop {
        let line = match next_row(&mut reader, &mut record, &file, width, &mut diags) {
            Row::End => break,
            Row::Bad => {
                skip(&mut skipped, true, Code::MalformedRow);
                continue;
            }
            Row::Read(line) => line,
        };
        if std::str::from_utf8(record.as_slice()).is_err() {
            diags.push(row_diag(
                Code::MalformedRow,
                &file,
                line,
                0,
                "row is not valid UTF-8".into(),
                "save the file as UTF-8",
            ));
            skip(&mut skipped, true, Code::MalformedRow);
            continue;
        }
        let id = field(&record, c_learner).unwrap_or("").to_owned();
        if id.is_empty() {
            diags.push(row_diag(
                Code::MissingField,
                &file,
                line,
                c_learner.unwrap_or(0),
                "row has no learner id".into(),
                "give every learner an id",
            ));
            skip(&mut skipped, true, Code::MissingField);
            continue;
        }
        if let Some(first) = first_line.get(&id) {
            diags.push(row_diag(
                Code::DuplicateLearner,
                &file,
                line,
                c_learner.unwrap_or(0),
                format!("learner `{id}` is listed again (first on line {first})"),
                "list each learner once; this row is left out",
            ));
            skip(&mut skipped, true, Code::DuplicateLearner);
            continue;
        }
        first_line.insert(id.clone(), line);
        let role_cell = field(&record, c_role).unwrap_or("");
        if role_cell != role.info.id.as_str() {
            if catalog.role(role_cell).is_none() {
                diags.push(row_diag(
                    Code::UnknownDocument,
                    &file,
                    line,
                    c_role.unwrap_or(0),
                    format!("learner `{id}` has a role that is not in the catalog"),
                    "use a role id from `competence list`; this learner is not analysed",
                ));
            }
            other_roles += 1;
            by_id.insert(id, usize::MAX);
            continue;
        }
        let Some(start) = field(&record, c_start).and_then(parse_date) else {
            diags.push(row_diag(
                Code::InvalidDate,
                &file,
                line,
                c_start.unwrap_or(0),
                format!("learner `{id}`: the start date is not a date"),
                "write dates as YYYY-MM-DD; this learner is left out",
            ));
            skip(&mut skipped, true, Code::InvalidDate);
            by_id.insert(id, usize::MAX);
            continue;
        };
        let mut qualifications = Vec::new();
        for q in field(&record, c_quals)
            .unwrap_or("")
            .split(';')
            .map(str::trim)
            .filter(|q| !q.is_empty())
        {
            match q.split_once('@') {
                None => qualifications.push((q.to_owned(), None)),
                Some((name, d)) => match parse_date(d.trim()) {
                    Some(d) => qualifications.push((name.trim().to_owned(), Some(d))),
                    None => diags.push(row_diag(
                        Code::InvalidDate,
                        &file,
                        line,
                        c_quals.unwrap_or(0),
                        format!("learner `{id}`: a qualification's date is not a date"),
                        "write qualifications as name@YYYY-MM-DD, joined by `;`; this qualification is ignored",
                    )),
                },
            }
        }
        by_id.insert(id.clone(), rows.len());
        rows.push(LearnerRow {
            id,
            start,
            qualifications,
        });
    }

    // evidence.csv: the latest row per learner and leaf.
    let efile = evidence_csv.name.clone();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(evidence_csv.reader);
    let cols = columns(
        &mut reader,
        &efile,
        &["learner", "ref", "status", "date"],
        &[],
        EVIDENCE_COLUMNS,
    )?;
    let width = reader.byte_headers().map(|h| h.len()).unwrap_or(0);
    let (e_learner, e_ref, e_status, e_date) = (cols[0], cols[1], cols[2], cols[3]);
    // Every (leaf, evidence) pair per learner; the latest per leaf is picked once, at the end.
    let mut evidence: Vec<Vec<(u32, Latest)>> = vec![Vec::new(); rows.len()];
    // Each distinct reference text resolved once: to the role's leaves it stands for.
    let mut ref_cache: FxHashMap<Vec<u8>, Option<usize>> = FxHashMap::default();
    let mut ref_targets: Vec<Vec<u32>> = Vec::new();
    loop {
        let line = match next_row(&mut reader, &mut record, &efile, width, &mut diags) {
            Row::End => break,
            Row::Bad => {
                skip(&mut skipped, false, Code::MalformedRow);
                continue;
            }
            Row::Read(line) => line,
        };
        let Some(id) = field(&record, e_learner) else {
            diags.push(row_diag(
                Code::MalformedRow,
                &efile,
                line,
                0,
                "row is not valid UTF-8".into(),
                "save the file as UTF-8",
            ));
            skip(&mut skipped, false, Code::MalformedRow);
            continue;
        };
        let learner = match by_id.get(id) {
            Some(&usize::MAX) => continue, // another role, or left out above
            Some(&n) => n,
            None => {
                diags.push(row_diag(
                    Code::UnknownLearner,
                    &efile,
                    line,
                    e_learner.unwrap_or(0),
                    format!("learner `{id}` is not in the learners file"),
                    "add the learner to the learners file, or correct the id; this row is left out",
                ));
                skip(&mut skipped, false, Code::UnknownLearner);
                continue;
            }
        };
        let done = match field(&record, e_status) {
            Some("met") | Some("exempt") => true,
            Some("not-met") => false,
            _ => {
                diags.push(row_diag(
                    Code::InvalidStatus,
                    &efile,
                    line,
                    e_status.unwrap_or(0),
                    format!("learner `{id}`: the status is not `met`, `not-met` or `exempt`"),
                    "use one of met, not-met, exempt; this row is left out",
                ));
                skip(&mut skipped, false, Code::InvalidStatus);
                continue;
            }
        };
        let Some(date) = field(&record, e_date).and_then(parse_date) else {
            diags.push(row_diag(
                Code::InvalidDate,
                &efile,
                line,
                e_date.unwrap_or(0),
                format!("learner `{id}`: the date is not a date"),
                "write dates as YYYY-MM-DD; this row is left out",
            ));
            skip(&mut skipped, false, Code::InvalidDate);
            continue;
        };
        let raw = e_ref.and_then(|c| record.get(c)).unwrap_or_default();
        let cached = match ref_cache.get(raw) {
            Some(&c) => c,
            None => {
                let resolved = std::str::from_utf8(raw)
                    .ok()
                    .and_then(|t| ItemRef::parse_qualified(t.trim()).ok())
                    .filter(|r| catalog.resolve(r).is_some())
                    .map(|r| {
                        ref_targets.push(
                            catalog
                                .leaves_of(&r)
                                .iter()
                                .filter_map(|h| leaf_index.get(h).copied())
                                .collect(),
                        );
                        ref_targets.len() - 1
                    });
                ref_cache.insert(raw.to_vec(), resolved);
                resolved
            }
        };
        let Some(targets) = cached.and_then(|c| ref_targets.get(c)) else {
            diags.push(row_diag(
                Code::UnknownRef,
                &efile,
                line,
                e_ref.unwrap_or(0),
                format!("learner `{id}`: the reference is not an item of the catalog"),
                "write references as FRAMEWORK:ITEM (see `competence show FRAMEWORK`); this row is left out",
            ));
            skip(&mut skipped, false, Code::UnknownRef);
            continue;
        };
        if let Some(list) = evidence.get_mut(learner) {
            list.extend(targets.iter().map(|&t| {
                (
                    t,
                    Latest {
                        date,
                        row: line,
                        done,
                    },
                )
            }));
        }
    }
    // The row with the latest date wins; on equal dates, the later row. What remains is, per
    // learner, the set of leaves met or exempt (bits numbered like the role's leaves).
    let words = leaves.len().div_ceil(64);
    let done_sets: Vec<Vec<u64>> = evidence
        .into_iter()
        .map(|mut list| {
            list.sort_unstable_by_key(|(leaf, l)| (*leaf, l.date, l.row));
            let mut bits = vec![0u64; words];
            let mut rest = list.iter().peekable();
            while let Some((leaf, l)) = rest.next() {
                let superseded = rest.peek().is_some_and(|(next, _)| next == leaf);
                if !superseded
                    && l.done
                    && let Some(w) = bits.get_mut(*leaf as usize / 64)
                {
                    *w |= 1 << (leaf % 64);
                }
            }
            bits
        })
        .collect();

    // Statuses.
    let refs: std::sync::Arc<[ItemRef]> = leaves
        .iter()
        .map(|&h| {
            catalog
                .item_ref(h)
                .unwrap_or_else(|| ItemRef::all(role.info.id.clone()))
        })
        .collect();
    let required: Vec<std::sync::Arc<[u32]>> =
        req_leaves.iter().map(|v| v.as_slice().into()).collect();
    let mut out = Vec::new();
    let mut counts = StatusCounts::default();
    let mut per_req: Vec<StatusCounts> = vec![StatusCounts::default(); role.requirements.len()];
    let mut missed: Vec<usize> = vec![0; leaves.len()];
    for (n, learner) in rows.iter().enumerate() {
        let bits = done_sets.get(n);
        let mut requirements = Vec::with_capacity(role.requirements.len());
        for (k, (req, ids)) in role.requirements.iter().zip(&req_leaves).enumerate() {
            let is_done = |i: &u32| {
                bits.and_then(|b| b.get(*i as usize / 64))
                    .is_some_and(|w| w & (1 << (i % 64)) != 0)
            };
            let done = ids.iter().filter(|i| is_done(i)).count();
            let status = requirement_status(req, learner, done, ids.len(), as_of);
            let due = req.within.and_then(|w| add_duration(learner.start, w));
            let done_ids: Option<Vec<u32>> = if status == Status::Exempt {
                None
            } else {
                for i in ids.iter().filter(|i| !is_done(i)) {
                    if let Some(m) = missed.get_mut(*i as usize) {
                        *m += 1;
                    }
                }
                let mut d: Vec<u32> = ids.iter().filter(|i| is_done(i)).copied().collect();
                d.sort_unstable();
                Some(d)
            };
            counts.add(status);
            if let Some(c) = per_req.get_mut(k) {
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
                        100.0
                    } else {
                        (done as f64 * 1000.0 / ids.len() as f64).round() / 10.0
                    },
                });
            }
        }
        if only.is_none_or(|o| o == learner.id) {
            out.push(LearnerStatus {
                learner: learner.id.clone(),
                requirements,
            });
        }
    }
    let mut ranked: Vec<(usize, usize)> = missed
        .iter()
        .copied()
        .enumerate()
        .filter(|&(_, m)| m > 0)
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(leaves.get(a.0).cmp(&leaves.get(b.0))));
    let most_missing = ranked
        .into_iter()
        .take(10)
        .filter_map(|(i, m)| {
            let h = *leaves.get(i)?;
            Some(MissingLeaf {
                item: catalog.item_ref(h)?,
                title: catalog.item(h)?.title.clone(),
                learners: m,
            })
        })
        .collect();
    let (counts, requirements, learners_n) = match only {
        // Only what was asked for: the one learner's own counts.
        Some(_) => {
            let mut c = StatusCounts::default();
            let mut pr: Vec<StatusCounts> = vec![StatusCounts::default(); role.requirements.len()];
            for l in &out {
                for (k, r) in l.requirements.iter().enumerate() {
                    c.add(r.status);
                    if let Some(p) = pr.get_mut(k) {
                        p.add(r.status);
                    }
                }
            }
            (c, pr, out.len())
        }
        None => (counts, per_req, rows.len()),
    };
    diagnostic_sort(&mut diags);
    let body = LearnersReport {
        role: role.info.id.to_string(),
        as_of: Some(as_of),
        learners: out,
        summary: Summary {
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
                most_missing
            },
            learners: learners_n,
            other_roles: if only.is_some() { 0 } else { other_roles },
            skipped,
        },
    };
    // Problems in the records (file, line and field; never a field's contents) follow the
    // catalog's.
    Ok(Report::with(catalog, body, diags))
}

fn diagnostic_sort(d: &mut [Diagnostic]) {
    crate::diagnostic::sort(d);
}

/// A requirement's status for one learner (SPEC §1.5): met when the rule holds; exempt when
/// every exemption condition holds; overdue once the as-of date is past the due date; otherwise
/// in progress.
fn requirement_status(
    req: &Requirement,
    learner: &LearnerRow,
    done: usize,
    total: usize,
    as_of: Date,
) -> Status {
    let rule_holds = match req.rule {
        Rule::All => done == total,
        // Met when done/total >= ratio; compared without rounding error.
        Rule::MinRatio(r) => total == 0 || (done as f64) >= r * total as f64 - 1e-9,
    };
    if rule_holds {
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

/// Whether a learner meets an exemption condition: holds the qualification, gained (when the
/// condition has `within`) no earlier than that long before the start date and no later than it.
fn holds(c: &Condition, learner: &LearnerRow) -> bool {
    learner.qualifications.iter().any(|(name, gained)| {
        name == &c.qualification
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
    use crate::model::DurationUnit;

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

    #[test]
    fn dates_are_strictly_iso() {
        assert_eq!(parse_date("2025-03-01"), Some(d("2025-03-01")));
        for bad in [
            "2025-3-1",
            "2025-02-30",
            "01/03/2025",
            "2025-03-01T00:00",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
