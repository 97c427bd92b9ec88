//! Learner records against a role's requirements (SPEC §1.5, §1.6, §2): per learner and
//! requirement, the status (`met`, `in-progress`, `overdue`, `exempt`, `expired`), the due
//! date and the missing leaves; and a cohort summary.
//!
//! Records may differ from SPEC §1.6 as LMS exports do ([`RecordsDialect`]: column names,
//! status words, day-first dates), and evidence may come from xAPI statements
//! ([`XapiInput`]).
//!
//! Records are read from two CSV files (`learners.csv`, `evidence.csv`), streamed. A row that
//! cannot be used becomes a diagnostic naming the file, the line and the field, and the other rows
//! are still analysed. Learner records are personal data: diagnostics carry the learner id, the
//! line and the field, never the contents of a field.
//!
//! The work is split as it is done: `records` reads the two files (every row's problems as
//! diagnostics), `status` decides each requirement's status per learner, and `summary` sums the
//! statuses up for the cohort. This module holds the report and runs the three in turn.

use std::io::Read;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::ids::ItemRef;
use crate::report::Report;

mod dialect;
mod records;
mod status;
mod summary;
mod xapi;

pub use dialect::{
    DialectError, EVIDENCE_FIELDS, EvidenceStatus, LEARNER_FIELDS, RECORD_COLUMNS, RecordsDialect,
};
pub use records::{
    CsvInput, EvidenceInput, RecordsError, RecordsInput, RowTable, Skipped, TableInput, TextColumn,
};
pub use status::{
    LearnerStatus, MissingLeaves, RequirementStatus, Status, StatusCounts, add_duration, date,
    today,
};
pub use summary::{MissingLeaf, RequirementCounts, Summary};
pub use xapi::XapiInput;

use records::Intake;
use status::{RoleLeaves, date_from_json, date_json};

/// The learners report (`competence learners`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(from = "Unshared")]
pub struct LearnersReport {
    /// The role.
    pub role: String,
    /// The date the statuses are computed for.
    #[serde(serialize_with = "date_json", deserialize_with = "date_from_json")]
    pub as_of: Option<Date>,
    /// The learners, in the order of `learners.csv`.
    pub learners: Vec<LearnerStatus>,
    /// The cohort summary.
    pub summary: Summary,
}

/// A learners report as its JSON reads back, each learner's missing leaves a list of its own.
#[derive(Deserialize)]
struct Unshared {
    role: String,
    #[serde(deserialize_with = "date_from_json")]
    as_of: Option<Date>,
    learners: Vec<LearnerStatus>,
    summary: Summary,
}

impl From<Unshared> for LearnersReport {
    /// Shares one list of leaves between every learner's missing leaves, as the analysis does
    /// (the `missing` table is keyed into it): the leaves missed by anyone, in the order met.
    /// The JSON does not hold the role's other leaves, so they are not in it.
    fn from(read: Unshared) -> Self {
        let mut leaves: Vec<ItemRef> = Vec::new();
        let mut position: crate::ids::IdMap<ItemRef, u32> = crate::ids::IdMap::default();
        let mut required: Vec<Vec<Vec<u32>>> = Vec::with_capacity(read.learners.len());
        for l in &read.learners {
            let mut per = Vec::with_capacity(l.requirements.len());
            for q in &l.requirements {
                let at: Vec<u32> = q
                    .missing
                    .iter()
                    .map(|r| {
                        *position.entry(r.clone()).or_insert_with(|| {
                            leaves.push(r.clone());
                            (leaves.len() - 1) as u32
                        })
                    })
                    .collect();
                per.push(at);
            }
            required.push(per);
        }
        let leaves: std::sync::Arc<[ItemRef]> = leaves.into();
        let mut learners = read.learners;
        for (l, per) in learners.iter_mut().zip(required) {
            for (q, at) in l.requirements.iter_mut().zip(per) {
                q.missing = MissingLeaves::all_of(&leaves, at);
            }
        }
        Self {
            role: read.role,
            as_of: read.as_of,
            learners,
            summary: read.summary,
        }
    }
}

/// Checks learner records against a role: see the module documentation. The records are CSV
/// ([`CsvInput`]) or tables of text columns ([`TableInput`]), read as SPEC §1.6 writes them.
/// `only` restricts the output to one learner. See [`learners_with`] for records that
/// differ from SPEC §1.6, and for xAPI statements.
pub fn learners<L: Read, E: Read>(
    catalog: &Catalog,
    role_id: &str,
    learners_csv: impl Into<RecordsInput<L>>,
    evidence_csv: impl Into<RecordsInput<E>>,
    as_of: Date,
    only: Option<&str>,
) -> Result<Report<LearnersReport>, RecordsError> {
    learners_with(
        catalog,
        role_id,
        learners_csv,
        evidence_csv.into(),
        as_of,
        only,
        &RecordsDialect::default(),
    )
}

/// [`learners`], with the records read through a dialect (other column names, status words,
/// a date pattern: SPEC §4) and the evidence from a records file or from xAPI statements
/// ([`XapiInput`]).
pub fn learners_with<L: Read, E: Read>(
    catalog: &Catalog,
    role_id: &str,
    learners_csv: impl Into<RecordsInput<L>>,
    evidence: impl Into<EvidenceInput<E>>,
    as_of: Date,
    only: Option<&str>,
    dialect: &RecordsDialect,
) -> Result<Report<LearnersReport>, RecordsError> {
    let (learners_csv, evidence_csv) = (learners_csv.into(), evidence.into());
    let role = &catalog.roles()[catalog.position(role_id, crate::model::DocumentKind::Role)?];
    let learners_file = match &learners_csv {
        RecordsInput::Csv(c) => c.name.clone(),
        RecordsInput::Table(t) => t.name.clone(),
    };
    let leaves = RoleLeaves::of(catalog, role);
    let mut intake = Intake::default();
    let learners = records::read_learners(catalog, role, learners_csv, dialect, &mut intake)?;
    let refreshed = role.requirements.iter().any(|r| r.valid_for.is_some());
    let evidence = records::read_evidence(
        catalog,
        &leaves.index,
        leaves.leaves.len(),
        &learners,
        evidence_csv,
        dialect,
        refreshed,
        &mut intake,
    )?;
    let statuses = status::statuses(
        catalog,
        role,
        &leaves,
        &learners.rows,
        &evidence,
        as_of,
        only,
    );
    if let Some(id) = only
        && statuses.learners.is_empty()
    {
        return Err(RecordsError::LearnerNotFound {
            learner: id.to_owned(),
            file: learners_file,
            role: role.info.id.to_string(),
        });
    }
    let Intake { diags, skipped } = intake;
    let summary = summary::summarise(catalog, role, &leaves, &statuses, &learners, skipped, only);
    let diags = diags.finish();
    let body = LearnersReport {
        role: role.info.id.to_string(),
        as_of: Some(as_of),
        learners: statuses.learners,
        summary,
    };
    // Problems in the records (file, line and field; never a field's contents) follow the
    // catalog's.
    Ok(Report::with(catalog, body, diags))
}
