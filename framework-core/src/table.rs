//! Reports as Arrow tables (feature `arrow`): typed columns, so a large result goes to Parquet,
//! pandas, polars or DuckDB as it is, with no text in between. A status is a dictionary column
//! whose values are in the status's order (an ordered categorical in pandas), a date is a
//! `date32`, a list of references is a list column.
//!
//! Each table is made in batches of rows, so a writer can take one batch at a time and the
//! whole table is never held twice.

use std::fmt::Write as _;
use std::sync::Arc;

use arrow_array::builder::{
    Date32Builder, Float64Builder, ListBuilder, StringBuilder, StringDictionaryBuilder,
};
use arrow_array::types::{Int8Type, Int32Type};
use arrow_array::{ArrayRef, DictionaryArray, Int8Array, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};

use crate::learners::{LearnersReport, Status};

/// Learners per batch of [`learner_requirements`]: a few thousand rows per batch.
pub const LEARNERS_PER_BATCH: usize = 4096;

/// The statuses in their order, as a dictionary's values.
const STATUSES: [Status; 4] = [
    Status::Met,
    Status::InProgress,
    Status::Overdue,
    Status::Exempt,
];

/// The schema of [`learner_requirements`]: `learner`, `requirement`, `status` (ordered
/// dictionary), `due` (date, null without a deadline), `done` (percent of the requirement's
/// leaves met or exempt) and `missing` (the missing leaves' references).
pub fn learner_requirements_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("learner", DataType::Utf8, false),
        Field::new_dictionary("requirement", DataType::Int32, DataType::Utf8, false),
        Field::new_dictionary("status", DataType::Int8, DataType::Utf8, false)
            .with_dict_is_ordered(true),
        Field::new("due", DataType::Date32, true),
        Field::new("done", DataType::Float64, false),
        Field::new(
            "missing",
            DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))),
            false,
        ),
    ]))
}

/// One row per learner and requirement, for the learners in `learners` (a range of positions in
/// [`LearnersReport::learners`]; see [`LEARNERS_PER_BATCH`]).
pub fn learner_requirements(
    report: &LearnersReport,
    learners: std::ops::Range<usize>,
) -> Result<RecordBatch, ArrowError> {
    let end = learners.end.min(report.learners.len());
    let chosen = report
        .learners
        .get(learners.start.min(end)..end)
        .unwrap_or_default();
    let rows: usize = chosen.iter().map(|l| l.requirements.len()).sum();
    let mut learner = StringBuilder::with_capacity(rows, rows * 8);
    let mut requirement = StringDictionaryBuilder::<Int32Type>::new();
    let mut status = Vec::with_capacity(rows);
    let mut due = Date32Builder::with_capacity(rows);
    let mut done = Float64Builder::with_capacity(rows);
    let mut missing = ListBuilder::new(StringBuilder::new());
    for l in chosen {
        for q in &l.requirements {
            learner.append_value(&l.learner);
            requirement.append_value(&q.id);
            status.push(STATUSES.iter().position(|s| *s == q.status).unwrap_or(0) as i8);
            due.append_option(q.due.map(|d| d.since(epoch()).map_or(0, |s| s.get_days())));
            done.append_value(q.done);
            let refs = missing.values();
            for r in q.missing.iter() {
                let _ = refs.write_str(r.framework().as_str());
                let _ = refs.write_str(":");
                let _ = refs.write_str(r.item_id().map_or("*", |i| i.as_str()));
                refs.append_value("");
            }
            missing.append(true);
        }
    }
    let statuses: ArrayRef = Arc::new(StringArray::from_iter_values(
        STATUSES.iter().map(|s| s.as_str()),
    ));
    let status = DictionaryArray::<Int8Type>::try_new(Int8Array::from(status), statuses)?;
    RecordBatch::try_new(
        learner_requirements_schema(),
        vec![
            Arc::new(learner.finish()),
            Arc::new(requirement.finish()),
            Arc::new(status),
            Arc::new(due.finish()),
            Arc::new(done.finish()),
            Arc::new(missing.finish()),
        ],
    )
}

/// Day 0 of Arrow's `date32`.
fn epoch() -> jiff::civil::Date {
    jiff::civil::date(1970, 1, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learners::{CsvInput, learners};

    /// The example cohort against the shipped role.
    fn cohort() -> LearnersReport {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/cohort");
        let read = |name: &str| std::fs::read(dir.join(name)).unwrap_or_default();
        let catalog = crate::Catalog::builder().build();
        learners(
            &catalog,
            "cpft-peer-support-worker",
            CsvInput::new("learners.csv", read("learners.csv").as_slice()),
            CsvInput::new("evidence.csv", read("evidence.csv").as_slice()),
            jiff::civil::date(2025, 9, 1),
            None,
        )
        .map(|r| r.body)
        .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn batches_together_are_the_whole_table() {
        let report = cohort();
        let n = report.learners.len();
        assert!(n > 2);
        let whole = learner_requirements(&report, 0..n).unwrap();
        let rows: usize = report.learners.iter().map(|l| l.requirements.len()).sum();
        assert_eq!(whole.num_rows(), rows);
        // In pieces of two learners, the last one running past the end.
        let pieces: Vec<RecordBatch> = (0..n)
            .step_by(2)
            .map(|start| learner_requirements(&report, start..start + 2).unwrap())
            .collect();
        let joined: Vec<String> = pieces.iter().flat_map(rows_of).collect();
        assert_eq!(joined, rows_of(&whole));
        // A range wholly past the end is empty, not an error.
        assert_eq!(
            learner_requirements(&report, n + 5..n + 9)
                .unwrap()
                .num_rows(),
            0
        );
    }

    /// A batch's rows as text, every column read through its type.
    fn rows_of(b: &RecordBatch) -> Vec<String> {
        use arrow_array::Array;
        use arrow_array::cast::AsArray;
        use arrow_array::types::{Date32Type, Float64Type};
        let learner = b.column(0).as_string::<i32>();
        let requirement = b.column(1).as_dictionary::<Int32Type>();
        let status = b.column(2).as_dictionary::<Int8Type>();
        let due = b.column(3).as_primitive::<Date32Type>();
        let done = b.column(4).as_primitive::<Float64Type>();
        let missing = b.column(5).as_list::<i32>();
        (0..b.num_rows())
            .map(|i| {
                let text = |a: &ArrayRef, k: usize| a.as_string::<i32>().value(k).to_owned();
                let leaves = missing.value(i);
                let leaves: Vec<&str> = leaves.as_string::<i32>().iter().flatten().collect();
                format!(
                    "{} {} {} {:?} {} {leaves:?}",
                    learner.value(i),
                    text(requirement.values(), requirement.keys().value(i) as usize),
                    text(status.values(), status.keys().value(i) as usize),
                    (!due.is_null(i)).then(|| due.value(i)),
                    done.value(i),
                )
            })
            .collect()
    }
}
