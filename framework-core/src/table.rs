//! Reports as Arrow tables (feature `arrow`): typed columns, so a result goes to Parquet, pandas,
//! polars or DuckDB as it is, with no text in between.
//!
//! Every report has named tables ([`Tables`]), the main one first: the table the CLI's CSV and
//! Parquet write, and each nested list of the JSON as a table of its own. Types: a closed set
//! (status, depth, relation, reason, kind...) is a dictionary column whose values are the whole
//! set in its order, marked ordered where the order means something (depth, status), so pandas
//! reads an ordered categorical; a date is a `date32`; a list (sessions, missing leaves, a
//! path) is a list column; a count that may be absent is a nullable integer; shares are 0 to 1,
//! as in the JSON.
//!
//! A table is made in batches of rows, so a writer can take one batch at a time and a large
//! table is never held twice.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
};
use arrow_array::types::{Int8Type, Int32Type};
use arrow_array::{ArrayRef, DictionaryArray, Int8Array, Int32Array, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};

use crate::analysis::Via;
use crate::coverage::CoverageReport;
use crate::crosswalk::CrosswalkReport;
use crate::diagnostic::{Diagnostic, Severity};
use crate::gaps::{GapReason, GapsReport};
use crate::ids::ItemRef;
use crate::learners::{LearnersReport, Status};
use crate::matrix::MatrixReport;
use crate::model::{Completeness, Depth, DocumentKind, Relation};
use crate::report::{ListReport, Report, ValidateReport};

/// A table: its schema, and its rows in batches (made as they are taken).
pub struct Table<'a> {
    /// The columns' names and types.
    pub schema: SchemaRef,
    /// The rows, a batch at a time.
    pub batches: Box<dyn Iterator<Item = Result<RecordBatch, ArrowError>> + Send + 'a>,
}

impl std::fmt::Debug for Table<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

/// A report's tables.
pub trait Tables {
    /// The tables' names, the main one first (a report envelope adds `diagnostics` last).
    fn table_names(&self) -> Vec<&'static str>;
    /// A table by name (`None` for a name not in [`Tables::table_names`]).
    fn table(&self, name: &str) -> Option<Table<'_>>;
}

/// Rows per batch of a large table.
pub const ROWS_PER_BATCH: usize = 65_536;

/// Learners per batch of the learners' tables (a few requirements each, and for the missing
/// leaves, each requirement's missing leaves).
pub const LEARNERS_PER_BATCH: usize = 4096;

/// A table made whole in one batch.
fn whole(batch: Result<RecordBatch, ArrowError>) -> Table<'static> {
    match batch {
        Ok(b) => Table {
            schema: b.schema(),
            batches: Box::new(std::iter::once(Ok(b))),
        },
        Err(e) => Table {
            schema: Arc::new(Schema::empty()),
            batches: Box::new(std::iter::once(Err(e))),
        },
    }
}

/// A table of `rows` rows made `per` at a time by `make` (given a range of rows), whose schema
/// is `schema`.
fn chunked<'a>(
    schema: SchemaRef,
    rows: usize,
    per: usize,
    make: impl Fn(std::ops::Range<usize>) -> Result<RecordBatch, ArrowError> + Send + 'a,
) -> Table<'a> {
    // An empty table still has one (empty) batch, so its schema travels with it.
    let starts: Vec<usize> = if rows == 0 {
        vec![0]
    } else {
        (0..rows).step_by(per.max(1)).collect()
    };
    Table {
        schema,
        batches: Box::new(
            starts
                .into_iter()
                .map(move |start| make(start..(start + per).min(rows))),
        ),
    }
}

/// Columns as they are made, then a batch. Whether a column may hold nulls is part of its type,
/// never of its data, so every batch of every report of a kind has the same schema.
#[derive(Default)]
struct Columns {
    fields: Vec<Field>,
    arrays: Vec<ArrayRef>,
    /// The first column that could not be made: the batch is this error.
    failed: Option<ArrowError>,
}

impl Columns {
    fn push(mut self, field: Field, array: Result<ArrayRef, ArrowError>) -> Self {
        match array {
            Ok(array) => {
                self.fields.push(field);
                self.arrays.push(array);
            }
            Err(e) => {
                self.failed.get_or_insert(e);
            }
        }
        self
    }

    fn text<'s>(self, name: &str, values: impl Iterator<Item = &'s str>) -> Self {
        let array = StringArray::from_iter_values(values);
        self.push(Field::new(name, DataType::Utf8, false), Ok(Arc::new(array)))
    }

    fn opt_text<'s>(self, name: &str, values: impl Iterator<Item = Option<&'s str>>) -> Self {
        let array: StringArray = values.collect();
        self.push(Field::new(name, DataType::Utf8, true), Ok(Arc::new(array)))
    }

    fn refs<'r>(self, name: &str, values: impl Iterator<Item = &'r ItemRef>) -> Self {
        let mut b = StringBuilder::new();
        values.for_each(|r| append_ref(&mut b, r));
        self.push(
            Field::new(name, DataType::Utf8, false),
            Ok(Arc::new(b.finish())),
        )
    }

    fn opt_refs<'r>(self, name: &str, values: impl Iterator<Item = Option<&'r ItemRef>>) -> Self {
        let mut b = StringBuilder::new();
        for r in values {
            match r {
                Some(r) => append_ref(&mut b, r),
                None => b.append_null(),
            }
        }
        self.push(
            Field::new(name, DataType::Utf8, true),
            Ok(Arc::new(b.finish())),
        )
    }

    fn flag(self, name: &str, values: impl Iterator<Item = bool>) -> Self {
        let mut b = BooleanBuilder::new();
        values.for_each(|v| b.append_value(v));
        self.push(
            Field::new(name, DataType::Boolean, false),
            Ok(Arc::new(b.finish())),
        )
    }

    fn int(self, name: &str, values: impl Iterator<Item = usize>) -> Self {
        let mut b = Int64Builder::new();
        values.for_each(|v| b.append_value(i64::try_from(v).unwrap_or(i64::MAX)));
        self.push(
            Field::new(name, DataType::Int64, false),
            Ok(Arc::new(b.finish())),
        )
    }

    fn opt_int(self, name: &str, values: impl Iterator<Item = Option<usize>>) -> Self {
        let mut b = Int64Builder::new();
        values.for_each(|v| b.append_option(v.map(|v| i64::try_from(v).unwrap_or(i64::MAX))));
        self.push(
            Field::new(name, DataType::Int64, true),
            Ok(Arc::new(b.finish())),
        )
    }

    fn float(self, name: &str, values: impl Iterator<Item = f64>) -> Self {
        let mut b = Float64Builder::new();
        values.for_each(|v| b.append_value(v));
        self.push(
            Field::new(name, DataType::Float64, false),
            Ok(Arc::new(b.finish())),
        )
    }

    fn opt_float(self, name: &str, values: impl Iterator<Item = Option<f64>>) -> Self {
        let mut b = Float64Builder::new();
        values.for_each(|v| b.append_option(v));
        self.push(
            Field::new(name, DataType::Float64, true),
            Ok(Arc::new(b.finish())),
        )
    }

    fn date(self, name: &str, values: impl Iterator<Item = Option<jiff::civil::Date>>) -> Self {
        let mut b = Date32Builder::new();
        for d in values {
            b.append_option(d.map(|d| d.since(epoch()).map_or(0, |s| s.get_days())));
        }
        self.push(
            Field::new(name, DataType::Date32, true),
            Ok(Arc::new(b.finish())),
        )
    }

    /// A closed set every row has: a dictionary whose values are the whole set (`names`, in
    /// order), each row the position of its value.
    fn set(
        self,
        name: &str,
        names: &[&str],
        ordered: bool,
        values: impl Iterator<Item = usize>,
    ) -> Self {
        self.dictionary(name, names, ordered, false, values.map(Some))
    }

    /// A closed set a row may lack (null).
    fn opt_set(
        self,
        name: &str,
        names: &[&str],
        ordered: bool,
        values: impl Iterator<Item = Option<usize>>,
    ) -> Self {
        self.dictionary(name, names, ordered, true, values)
    }

    fn dictionary(
        self,
        name: &str,
        names: &[&str],
        ordered: bool,
        nullable: bool,
        values: impl Iterator<Item = Option<usize>>,
    ) -> Self {
        let keys: Int8Array = values
            .map(|v| v.and_then(|v| i8::try_from(v).ok()))
            .collect();
        let dictionary: ArrayRef = Arc::new(StringArray::from_iter_values(names.iter().copied()));
        let array =
            DictionaryArray::<Int8Type>::try_new(keys, dictionary).map(|a| Arc::new(a) as ArrayRef);
        self.push(
            Field::new_dictionary(name, DataType::Int8, DataType::Utf8, nullable)
                .with_dict_is_ordered(ordered),
            array,
        )
    }

    /// A text column of many rows repeating few values (a grid's row titles in its long form):
    /// row `n` of the column is `values[keys[n]]`, dictionary-encoded so each distinct text is
    /// held once (the dictionary's values are distinct, as dataframes' categories must be).
    fn repeated(self, name: &str, values: &[&str], keys: impl Iterator<Item = usize>) -> Self {
        let mut distinct: Vec<&str> = Vec::new();
        let mut seen: std::collections::HashMap<&str, i32> = std::collections::HashMap::new();
        let code_of: Vec<Option<i32>> = values
            .iter()
            .map(|v| {
                if let Some(&c) = seen.get(v) {
                    return Some(c);
                }
                let c = i32::try_from(distinct.len()).ok()?;
                distinct.push(v);
                seen.insert(v, c);
                Some(c)
            })
            .collect();
        let keys: Int32Array = keys.map(|k| code_of.get(k).copied().flatten()).collect();
        let dictionary: ArrayRef = Arc::new(StringArray::from_iter_values(distinct));
        let array = DictionaryArray::<Int32Type>::try_new(keys, dictionary)
            .map(|a| Arc::new(a) as ArrayRef);
        self.push(
            Field::new_dictionary(name, DataType::Int32, DataType::Utf8, false),
            array,
        )
    }

    fn list<'s, I: IntoIterator<Item = &'s str>>(
        self,
        name: &str,
        values: impl Iterator<Item = I>,
    ) -> Self {
        let mut b = ListBuilder::new(StringBuilder::new());
        for list in values {
            for v in list {
                b.values().append_value(v);
            }
            b.append(true);
        }
        self.list_column(name, b)
    }

    fn ref_list<'r, I: IntoIterator<Item = &'r ItemRef>>(
        self,
        name: &str,
        values: impl Iterator<Item = I>,
    ) -> Self {
        let mut b = ListBuilder::new(StringBuilder::new());
        for list in values {
            for r in list {
                append_ref(b.values(), r);
            }
            b.append(true);
        }
        self.list_column(name, b)
    }

    /// A list column whose items are never null.
    fn list_column(self, name: &str, mut b: ListBuilder<StringBuilder>) -> Self {
        let item = Arc::new(Field::new_list_field(DataType::Utf8, false));
        let (_, offsets, values, nulls) = b.finish().into_parts();
        let array = arrow_array::ListArray::try_new(item.clone(), offsets, values, nulls)
            .map(|a| Arc::new(a) as ArrayRef);
        self.push(Field::new(name, DataType::List(item), false), array)
    }

    fn batch(self) -> Result<RecordBatch, ArrowError> {
        match self.failed {
            Some(e) => Err(e),
            None => RecordBatch::try_new(Arc::new(Schema::new(self.fields)), self.arrays),
        }
    }
}

/// Appends a reference as its text (see [`ItemRef::write_text`]).
fn append_ref(b: &mut StringBuilder, r: &ItemRef) {
    let _ = r.write_text(b);
    b.append_value("");
}

/// Day 0 of Arrow's `date32`.
fn epoch() -> jiff::civil::Date {
    jiff::civil::date(1970, 1, 1)
}

/// The names of a closed set of the model, in order.
fn names<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|&v| as_str(v)).collect()
}

fn position<T: PartialEq>(all: &[T], v: &T) -> Option<usize> {
    all.iter().position(|x| x == v)
}

const VIAS: [&str; 3] = ["direct", "parent", "mapping"];
const STATUSES: [Status; 5] = Status::ALL;
const REASONS: [GapReason; 4] = [
    GapReason::NeverMentioned,
    GapReason::OnlyRelated,
    GapReason::OnlyPartial,
    GapReason::BelowDepth,
];

fn reason_name(r: GapReason) -> &'static str {
    match r {
        GapReason::NeverMentioned => "never-mentioned",
        GapReason::OnlyRelated => "only-related",
        GapReason::OnlyPartial => "only-partial",
        GapReason::BelowDepth => "below-depth",
    }
}

fn via_position(v: Via) -> usize {
    match v {
        Via::Direct => 0,
        Via::Parent => 1,
        Via::Mapping => 2,
    }
}

/// Every diagnostic: `severity`, `code`, `file`, `line`, `column`, `message`, `help`.
fn diagnostics(list: &[Diagnostic]) -> Table<'static> {
    let severities = ["error", "warning"];
    whole(
        Columns::default()
            .set(
                "severity",
                &severities,
                false,
                list.iter().map(|d| match d.severity() {
                    Severity::Error => 0,
                    Severity::Warning => 1,
                }),
            )
            .text("code", list.iter().map(|d| d.code().as_str()))
            .text("file", list.iter().map(Diagnostic::file))
            .int("line", list.iter().map(|d| d.line() as usize))
            .int("column", list.iter().map(|d| d.column() as usize))
            .text("message", list.iter().map(Diagnostic::message))
            .opt_text("help", list.iter().map(Diagnostic::help))
            .batch(),
    )
}

impl<T: Tables> Tables for Report<T> {
    /// The body's tables, then `diagnostics`.
    fn table_names(&self) -> Vec<&'static str> {
        let mut names = self.body.table_names();
        names.push("diagnostics");
        names
    }

    fn table(&self, name: &str) -> Option<Table<'_>> {
        match name {
            "diagnostics" => Some(diagnostics(&self.diagnostics)),
            _ => self.body.table(name),
        }
    }
}

impl Tables for CoverageReport {
    fn table_names(&self) -> Vec<&'static str> {
        vec!["items", "hours", "sequencing"]
    }

    /// `items`: every item in framework order, with its `parent` and its `top` (top-level)
    /// item, its coverage (`status`: covered, partial or uncovered) and the sessions that cover
    /// it; `hours`: per top-level item; `sequencing`: the findings.
    fn table(&self, name: &str) -> Option<Table<'_>> {
        match name {
            "items" => Some(whole(self.items_batch())),
            "hours" => Some(whole(
                Columns::default()
                    .refs("ref", self.hours.iter().map(|h| &h.item))
                    .text("title", self.hours.iter().map(|h| h.title.as_str()))
                    .float("hours", self.hours.iter().map(|h| h.hours))
                    .batch(),
            )),
            "sequencing" => Some(whole(
                Columns::default()
                    .refs("ref", self.sequencing.iter().map(|s| &s.item))
                    .text(
                        "message",
                        self.sequencing.iter().map(|s| s.message.as_str()),
                    )
                    .batch(),
            )),
            _ => None,
        }
    }
}

impl CoverageReport {
    fn items_batch(&self) -> Result<RecordBatch, ArrowError> {
        // Items are in framework order, parents before children, each with its level: an
        // item's parent is the last item before it one level up.
        let mut path: Vec<&ItemRef> = Vec::new();
        let mut parents = Vec::with_capacity(self.items.len());
        let mut tops = Vec::with_capacity(self.items.len());
        for item in &self.items {
            path.truncate(item.level);
            parents.push(path.last().copied());
            tops.push(path.first().copied().unwrap_or(&item.item));
            path.push(&item.item);
        }
        let depths = names(Depth::ALL, Depth::as_str);
        let items = &self.items;
        Columns::default()
            .refs("ref", items.iter().map(|i| &i.item))
            .text("title", items.iter().map(|i| i.title.as_str()))
            .int("level", items.iter().map(|i| i.level))
            .opt_refs("parent", parents.into_iter())
            .refs("top", tops.into_iter())
            .flag("leaf", items.iter().map(|i| i.leaf))
            .flag("optional", items.iter().map(|i| i.optional))
            .set(
                "status",
                &["uncovered", "partial", "covered"],
                true,
                items
                    .iter()
                    .map(|i| usize::from(i.partial) + 2 * usize::from(i.covered)),
            )
            .opt_set(
                "depth",
                &depths,
                true,
                items
                    .iter()
                    .map(|i| i.depth.and_then(|d| position(Depth::ALL, &d))),
            )
            .opt_set(
                "via",
                &VIAS,
                true,
                items.iter().map(|i| i.via.map(via_position)),
            )
            .list("sessions", items.iter().map(|i| i.sessions.iter()))
            .opt_int("leaves", items.iter().map(|i| i.leaves))
            .opt_int("covered_leaves", items.iter().map(|i| i.covered_leaves))
            .batch()
    }
}

impl Tables for GapsReport {
    fn table_names(&self) -> Vec<&'static str> {
        vec!["gaps", "requirements"]
    }

    /// `gaps`: each gap with its top-level item, the requirements naming it (for a role), its
    /// `reason` (a closed set), the depth reached and what fills it; `requirements`: for a role,
    /// each requirement's leaves and how many are gaps.
    fn table(&self, name: &str) -> Option<Table<'_>> {
        if name == "requirements" {
            let r = &self.by_requirement;
            return Some(whole(
                Columns::default()
                    .text("id", r.iter().map(|q| q.id.as_str()))
                    .opt_text("title", r.iter().map(|q| q.title.as_deref()))
                    .int("leaves", r.iter().map(|q| q.leaves))
                    .int("missing", r.iter().map(|q| q.missing))
                    .batch(),
            ));
        }
        if name != "gaps" {
            return None;
        }
        let gaps = &self.gaps;
        let reasons = names(&REASONS, reason_name);
        let depths = names(Depth::ALL, Depth::as_str);
        Some(whole(
            Columns::default()
                .refs("ref", gaps.iter().map(|g| &g.item))
                .text("title", gaps.iter().map(|g| g.title.as_str()))
                .refs("top", gaps.iter().map(|g| &g.top))
                .text("top_title", gaps.iter().map(|g| g.top_title.as_str()))
                .list(
                    "requirements",
                    gaps.iter()
                        .map(|g| g.requirements.iter().map(String::as_str)),
                )
                .set(
                    "reason",
                    &reasons,
                    false,
                    gaps.iter()
                        .map(|g| position(&REASONS, &g.reason_code).unwrap_or(0)),
                )
                .text("explanation", gaps.iter().map(|g| g.reason.as_str()))
                .opt_set(
                    "depth",
                    &depths,
                    true,
                    gaps.iter()
                        .map(|g| g.depth.and_then(|d| position(Depth::ALL, &d))),
                )
                .list(
                    "filled_by",
                    gaps.iter().map(|g| g.filled_by.iter().map(String::as_str)),
                )
                .batch(),
        ))
    }
}

impl Tables for crate::diff::DiffReport {
    fn table_names(&self) -> Vec<&'static str> {
        vec!["changes"]
    }

    /// `changes`: each change (a closed set), the old and new items concerned, the evidence
    /// that decided it (a closed set), a guess's confidence and the note.
    fn table(&self, name: &str) -> Option<Table<'_>> {
        use crate::diff::{Change, Evidence};
        if name != "changes" {
            return None;
        }
        let c = &self.changes;
        let kinds: Vec<&str> = Change::ALL.iter().map(|k| k.as_str()).collect();
        const EVIDENCE: [Evidence; 4] = [
            Evidence::Replaces,
            Evidence::Mapping,
            Evidence::Id,
            Evidence::Lexical,
        ];
        let evidence = ["replaces", "mapping", "id", "lexical"];
        Some(whole(
            Columns::default()
                .set(
                    "change",
                    &kinds,
                    false,
                    c.iter()
                        .map(|x| Change::ALL.iter().position(|k| *k == x.change).unwrap_or(0)),
                )
                .ref_list("old", c.iter().map(|x| x.old.iter()))
                .ref_list("new", c.iter().map(|x| x.new.iter()))
                .opt_set(
                    "evidence",
                    &evidence,
                    false,
                    c.iter().map(|x| {
                        x.evidence
                            .and_then(|e| EVIDENCE.iter().position(|k| *k == e))
                    }),
                )
                .opt_float("confidence", c.iter().map(|x| x.confidence))
                .opt_text("note", c.iter().map(|x| x.note.as_deref()))
                .batch(),
        ))
    }
}

impl Tables for CrosswalkReport {
    fn table_names(&self) -> Vec<&'static str> {
        vec!["links"]
    }

    /// `links`: each composed link, its relation, whether it is direct, its path and the
    /// mappings it goes through.
    fn table(&self, name: &str) -> Option<Table<'_>> {
        if name != "links" {
            return None;
        }
        let links = &self.links;
        let relations = names(Relation::ALL, Relation::as_str);
        Some(chunked(
            links_schema(),
            links.len(),
            ROWS_PER_BATCH,
            move |range| {
                let part = links.get(range).unwrap_or_default();
                Columns::default()
                    .refs("from", part.iter().map(|l| &l.from))
                    .refs("to", part.iter().map(|l| &l.to))
                    .set(
                        "relation",
                        &relations,
                        false,
                        part.iter()
                            .map(|l| position(Relation::ALL, &l.relation).unwrap_or(0)),
                    )
                    .flag("direct", part.iter().map(|l| l.direct))
                    .ref_list("path", part.iter().map(|l| l.path.iter()))
                    .list(
                        "mappings",
                        part.iter().map(|l| l.mappings.iter().map(|m| m.as_str())),
                    )
                    .batch()?
                    .with_schema(links_schema())
            },
        ))
    }
}

fn links_schema() -> SchemaRef {
    let list = DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, false)));
    Arc::new(Schema::new(vec![
        Field::new("from", DataType::Utf8, false),
        Field::new("to", DataType::Utf8, false),
        Field::new_dictionary("relation", DataType::Int8, DataType::Utf8, false),
        Field::new("direct", DataType::Boolean, false),
        Field::new("path", list.clone(), false),
        Field::new("mappings", list, false),
    ]))
}

impl Tables for MatrixReport {
    fn table_names(&self) -> Vec<&'static str> {
        vec!["cells", "rows", "columns"]
    }

    /// `cells`: the grid in long form, one row per item and session that covers it, with the
    /// item's title and top-level item (dictionary-encoded: held once per item; the empty cells
    /// are left out, so a large grid is not held whole); `rows`: the items; `columns`: the
    /// sessions and assessments.
    fn table(&self, name: &str) -> Option<Table<'_>> {
        let depths = names(Depth::ALL, Depth::as_str);
        match name {
            "cells" => {
                let mut refs = Vec::new();
                let mut of_row = Vec::new();
                let mut sessions = Vec::new();
                let mut depth = Vec::new();
                for (n, row) in self.rows.iter().enumerate() {
                    for (col, d) in row.cells.covered() {
                        if let Some(column) = self.columns.get(col) {
                            refs.push(&row.item);
                            of_row.push(n);
                            sessions.push(column.id.as_str());
                            depth.push(position(Depth::ALL, &d).unwrap_or(0));
                        }
                    }
                }
                // Each row's title and top-level item, held once per row.
                let titles: Vec<&str> = self.rows.iter().map(|r| r.title.as_str()).collect();
                let tops: Vec<String> = self.rows.iter().map(|r| r.top.to_string()).collect();
                let tops: Vec<&str> = tops.iter().map(String::as_str).collect();
                let top_titles: Vec<&str> =
                    self.rows.iter().map(|r| r.top_title.as_str()).collect();
                Some(whole(
                    Columns::default()
                        .refs("ref", refs.into_iter())
                        .repeated("title", &titles, of_row.iter().copied())
                        .repeated("top", &tops, of_row.iter().copied())
                        .repeated("top_title", &top_titles, of_row.iter().copied())
                        .text("session", sessions.into_iter())
                        .set("depth", &depths, true, depth.into_iter())
                        .batch(),
                ))
            }
            "rows" => Some(whole(
                Columns::default()
                    .refs("ref", self.rows.iter().map(|r| &r.item))
                    .text("title", self.rows.iter().map(|r| r.title.as_str()))
                    .refs("top", self.rows.iter().map(|r| &r.top))
                    .text("top_title", self.rows.iter().map(|r| r.top_title.as_str()))
                    .flag("optional", self.rows.iter().map(|r| r.optional))
                    .int("total", self.rows.iter().map(|r| r.total))
                    .batch(),
            )),
            "columns" => Some(whole(
                Columns::default()
                    .text("id", self.columns.iter().map(|c| c.id.as_str()))
                    .text("title", self.columns.iter().map(|c| c.title.as_str()))
                    .text("kind", self.columns.iter().map(|c| c.kind.as_ref()))
                    .opt_int(
                        "day",
                        self.columns.iter().map(|c| c.day.map(|d| d as usize)),
                    )
                    .opt_int(
                        "week",
                        self.columns.iter().map(|c| c.week.map(|w| w as usize)),
                    )
                    .int("total", self.columns.iter().map(|c| c.total))
                    .batch(),
            )),
            _ => None,
        }
    }
}

impl Tables for LearnersReport {
    fn table_names(&self) -> Vec<&'static str> {
        vec!["requirements", "missing", "summary", "most_missing"]
    }

    /// `requirements`: one row per learner and requirement (see
    /// [`learner_requirements`]); `missing`: the missing leaves in long form, one row per
    /// learner, requirement and leaf (each column a dictionary shared by every batch: tens of
    /// millions of rows cost a few bytes each); `summary`: the counts per requirement; `most_missing`:
    /// the leaves most often missing.
    fn table(&self, name: &str) -> Option<Table<'_>> {
        let n = self.learners.len();
        match name {
            "requirements" => Some(chunked(
                learner_requirements_schema(),
                n,
                LEARNERS_PER_BATCH,
                move |range| learner_requirements(self, range),
            )),
            "missing" => {
                let dictionaries = self.missing_dictionaries();
                Some(chunked(
                    missing_schema(),
                    n,
                    LEARNERS_PER_BATCH,
                    move |range| self.missing_batch(range, &dictionaries),
                ))
            }
            "summary" => {
                let rows = &self.summary.requirements;
                Some(whole(
                    Columns::default()
                        .text("requirement", rows.iter().map(|r| r.id.as_str()))
                        .int("met", rows.iter().map(|r| r.counts.met))
                        .int("in_progress", rows.iter().map(|r| r.counts.in_progress))
                        .int("overdue", rows.iter().map(|r| r.counts.overdue))
                        .int("exempt", rows.iter().map(|r| r.counts.exempt))
                        .int("expired", rows.iter().map(|r| r.counts.expired))
                        .batch(),
                ))
            }
            "most_missing" => {
                let rows = &self.summary.most_missing;
                Some(whole(
                    Columns::default()
                        .refs("ref", rows.iter().map(|r| &r.item))
                        .text("title", rows.iter().map(|r| r.title.as_str()))
                        .int("learners", rows.iter().map(|r| r.learners))
                        .batch(),
                ))
            }
            _ => None,
        }
    }
}

impl LearnersReport {
    /// The dictionaries of the `missing` table, shared by all its batches: every learner's id,
    /// the role's requirements, the role's leaves.
    fn missing_dictionaries(&self) -> [ArrayRef; 3] {
        let learners =
            StringArray::from_iter_values(self.learners.iter().map(|l| l.learner.as_str()));
        let requirements =
            StringArray::from_iter_values(self.summary.requirements.iter().map(|r| r.id.as_str()));
        let mut leaves = StringBuilder::new();
        let role_leaves = self
            .learners
            .iter()
            .flat_map(|l| l.requirements.first())
            .map(|q| q.missing.leaves().clone())
            .next();
        for r in role_leaves.iter().flat_map(|l| l.iter()) {
            append_ref(&mut leaves, r);
        }
        [
            Arc::new(learners),
            Arc::new(requirements),
            Arc::new(leaves.finish()),
        ]
    }

    fn missing_batch(
        &self,
        range: std::ops::Range<usize>,
        dictionaries: &[ArrayRef; 3],
    ) -> Result<RecordBatch, ArrowError> {
        use arrow_array::types::{Int16Type, Int32Type};
        let start = range.start;
        let part = self.learners.get(range).unwrap_or_default();
        let mut learner: Vec<i32> = Vec::new();
        let mut requirement: Vec<i16> = Vec::new();
        let mut leaf: Vec<i32> = Vec::new();
        let requirement_key = |j: usize, id: &str| {
            let by_position = self.summary.requirements.get(j).filter(|r| r.id == id);
            by_position
                .map(|_| j)
                .or_else(|| self.summary.requirements.iter().position(|r| r.id == id))
                .and_then(|k| i16::try_from(k).ok())
        };
        for (n, l) in part.iter().enumerate() {
            let Ok(who) = i32::try_from(start + n) else {
                continue;
            };
            for (j, q) in l.requirements.iter().enumerate() {
                let Some(req) = requirement_key(j, &q.id) else {
                    continue;
                };
                for position in q.missing.positions() {
                    learner.push(who);
                    requirement.push(req);
                    leaf.push(i32::try_from(position).unwrap_or(i32::MAX));
                }
            }
        }
        let [learners, requirements, leaves] = dictionaries.clone();
        RecordBatch::try_new(
            missing_schema(),
            vec![
                Arc::new(DictionaryArray::<Int32Type>::try_new(
                    learner.into(),
                    learners,
                )?),
                Arc::new(DictionaryArray::<Int16Type>::try_new(
                    requirement.into(),
                    requirements,
                )?),
                Arc::new(DictionaryArray::<Int32Type>::try_new(leaf.into(), leaves)?),
            ],
        )
    }
}

fn missing_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new_dictionary("learner", DataType::Int32, DataType::Utf8, false),
        Field::new_dictionary("requirement", DataType::Int16, DataType::Utf8, false),
        Field::new_dictionary("ref", DataType::Int32, DataType::Utf8, false),
    ]))
}

/// The schema of [`learner_requirements`]: `learner`, `requirement`, `status` (ordered
/// dictionary), `due` (date, null without a deadline), `done` (the share of the requirement's
/// leaves met or exempt, 0 to 1) and `missing` (the missing leaves' references).
pub fn learner_requirements_schema() -> SchemaRef {
    let list = DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, false)));
    Arc::new(Schema::new(vec![
        Field::new("learner", DataType::Utf8, false),
        Field::new("requirement", DataType::Utf8, false),
        Field::new_dictionary("status", DataType::Int8, DataType::Utf8, false)
            .with_dict_is_ordered(true),
        Field::new("due", DataType::Date32, true),
        Field::new("done", DataType::Float64, false),
        Field::new("missing", list, false),
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
    let rows: Vec<_> = chosen
        .iter()
        .flat_map(|l| l.requirements.iter().map(move |q| (l, q)))
        .collect();
    let statuses = names(&STATUSES, Status::as_str);
    let batch = Columns::default()
        .text("learner", rows.iter().map(|(l, _)| l.learner.as_str()))
        .text("requirement", rows.iter().map(|(_, q)| q.id.as_str()))
        .set(
            "status",
            &statuses,
            true,
            rows.iter()
                .map(|(_, q)| position(&STATUSES, &q.status).unwrap_or(0)),
        )
        .date("due", rows.iter().map(|(_, q)| q.due))
        .float("done", rows.iter().map(|(_, q)| q.done))
        .ref_list("missing", rows.iter().map(|(_, q)| q.missing.iter()))
        .batch()?;
    // The same schema for every batch, an empty one included.
    batch.with_schema(learner_requirements_schema())
}

impl Tables for crate::model::FrameworkView<'_> {
    fn table_names(&self) -> Vec<&'static str> {
        vec!["items"]
    }

    /// `items`: every item (down to the view's depth) in framework order, with its `parent` and
    /// its `top` (top-level) item as references, as coverage's `items` has them; `level` is 0
    /// for top-level items.
    fn table(&self, name: &str) -> Option<Table<'_>> {
        if name != "items" {
            return None;
        }
        let fw = self.framework();
        let tree = fw.hierarchy();
        let shown: Vec<_> = fw
            .indexed()
            .filter(|(i, _)| self.depth().is_none_or(|d| tree.level(*i) < d))
            .collect();
        let fw_id = fw.info.id.as_str();
        let ref_of = |i| {
            fw.item(i)
                .map(|item: &crate::model::Item| format!("{fw_id}:{}", item.id.as_str()))
        };
        let top = |mut i| {
            while let Some(p) = tree.parent(i) {
                i = p;
            }
            ref_of(i)
        };
        let types = names(crate::model::ItemType::ALL, crate::model::ItemType::as_str);
        let parents: Vec<Option<String>> = shown
            .iter()
            .map(|(i, _)| tree.parent(*i).and_then(ref_of))
            .collect();
        let tops: Vec<Option<String>> = shown.iter().map(|(i, _)| top(*i)).collect();
        let qualified: Vec<String> = shown
            .iter()
            .map(|(_, item)| format!("{fw_id}:{}", item.id.as_str()))
            .collect();
        Some(whole(
            Columns::default()
                .text("ref", qualified.iter().map(String::as_str))
                .text("id", shown.iter().map(|(_, item)| item.id.as_str()))
                .opt_text("parent", parents.iter().map(Option::as_deref))
                .opt_text("top", tops.iter().map(Option::as_deref))
                .int("level", shown.iter().map(|(i, _)| tree.level(*i)))
                .flag("leaf", shown.iter().map(|(i, _)| tree.is_leaf(*i)))
                .opt_text("kind", shown.iter().map(|(_, item)| item.kind.as_deref()))
                .text("title", shown.iter().map(|(_, item)| item.title.as_str()))
                .opt_set(
                    "type",
                    &types,
                    false,
                    shown.iter().map(|(_, item)| {
                        item.item_type
                            .and_then(|t| position(crate::model::ItemType::ALL, &t))
                    }),
                )
                .flag("optional", shown.iter().map(|(i, _)| tree.is_optional(*i)))
                .opt_text(
                    "statement",
                    shown.iter().map(|(_, item)| item.statement.as_deref()),
                )
                .batch(),
        ))
    }
}

impl Tables for ValidateReport {
    fn table_names(&self) -> Vec<&'static str> {
        Vec::new()
    }

    fn table(&self, _: &str) -> Option<Table<'_>> {
        None
    }
}

impl Tables for ListReport {
    fn table_names(&self) -> Vec<&'static str> {
        vec!["documents"]
    }

    /// `documents`: a row per document, with its kind, counts and what its encoding leaves out.
    fn table(&self, name: &str) -> Option<Table<'_>> {
        if name != "documents" {
            return None;
        }
        let docs = &self.documents;
        let kinds = names(DocumentKind::ALL, DocumentKind::as_str);
        let completeness = names(Completeness::ALL, Completeness::as_str);
        Some(whole(
            Columns::default()
                .set(
                    "kind",
                    &kinds,
                    false,
                    docs.iter()
                        .map(|d| position(DocumentKind::ALL, &d.kind).unwrap_or(0)),
                )
                .text("id", docs.iter().map(|d| d.id.as_str()))
                .text("title", docs.iter().map(|d| d.title.as_str()))
                .opt_set(
                    "completeness",
                    &completeness,
                    false,
                    docs.iter()
                        .map(|d| d.completeness.and_then(|c| position(Completeness::ALL, &c))),
                )
                .int("items", docs.iter().map(|d| d.items))
                .int("leaves", docs.iter().map(|d| d.leaves))
                .opt_text("version", docs.iter().map(|d| d.version.as_deref()))
                .opt_text("source", docs.iter().map(|d| d.source.as_deref()))
                .list(
                    "missing",
                    docs.iter().map(|d| d.missing.iter().map(String::as_str)),
                )
                .flag("builtin", docs.iter().map(|d| d.builtin))
                .text("file", docs.iter().map(|d| d.file.as_str()))
                .batch(),
        ))
    }
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

    #[test]
    fn the_missing_leaves_in_long_form_are_those_of_the_report() {
        use arrow_array::cast::AsArray;
        use arrow_array::types::{Int16Type, Int32Type};
        let report = cohort();
        let table = report.table("missing").unwrap();
        let mut rows = Vec::new();
        for batch in table.batches {
            let b = batch.unwrap();
            let learner = b.column(0).as_dictionary::<Int32Type>();
            let requirement = b.column(1).as_dictionary::<Int16Type>();
            let leaf = b.column(2).as_dictionary::<Int32Type>();
            let text = |values: &ArrayRef, k: usize| values.as_string::<i32>().value(k).to_owned();
            for i in 0..b.num_rows() {
                rows.push((
                    text(learner.values(), learner.keys().value(i) as usize),
                    text(requirement.values(), requirement.keys().value(i) as usize),
                    text(leaf.values(), leaf.keys().value(i) as usize),
                ));
            }
        }
        let expected: Vec<_> = report
            .learners
            .iter()
            .flat_map(|l| {
                l.requirements.iter().flat_map(move |q| {
                    q.missing
                        .iter()
                        .map(move |r| (l.learner.clone(), q.id.clone(), r.to_string()))
                })
            })
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(rows, expected);
    }

    #[test]
    fn every_table_of_every_report_is_made() {
        let catalog = crate::Catalog::builtin();
        let course = "cnwl-developing-expertise-peer-working";
        let check = |tables: &dyn Tables| {
            for name in tables.table_names() {
                let t = tables
                    .table(name)
                    .unwrap_or_else(|| panic!("no table {name}"));
                let schema = t.schema.clone();
                for batch in t.batches {
                    let batch = batch.unwrap_or_else(|e| panic!("{name}: {e}"));
                    assert_eq!(batch.schema(), schema, "{name}");
                }
            }
            assert!(tables.table("no-such-table").is_none());
        };
        check(&crate::coverage::coverage(&catalog, course, None).unwrap());
        check(&crate::gaps::gaps(&catalog, "cpft-peer-support-worker", course, None).unwrap());
        check(&crate::matrix::matrix(&catalog, course, None).unwrap());
        check(
            &crate::crosswalk::crosswalk(&catalog, "care-certificate-2015", "hee-psw-2020")
                .unwrap(),
        );
        check(&crate::report::list(&catalog));
        check(&crate::report::validate(&catalog));
        for fw in catalog.frameworks() {
            check(&fw.document_view(None));
            check(&fw.document_view(Some(1)));
        }
        check(&cohort());
    }

    /// A batch's rows as text, every column read through its type.
    fn rows_of(b: &RecordBatch) -> Vec<String> {
        use arrow_array::Array;
        use arrow_array::cast::AsArray;
        use arrow_array::types::{Date32Type, Float64Type};
        let learner = b.column(0).as_string::<i32>();
        let requirement = b.column(1).as_string::<i32>();
        let status = b.column(2).as_dictionary::<Int8Type>();
        let due = b.column(3).as_primitive::<Date32Type>();
        let done = b.column(4).as_primitive::<Float64Type>();
        let missing = b.column(5).as_list::<i32>();
        (0..b.num_rows())
            .map(|i| {
                let leaves = missing.value(i);
                let leaves: Vec<&str> = leaves.as_string::<i32>().iter().flatten().collect();
                format!(
                    "{} {} {} {:?} {} {leaves:?}",
                    learner.value(i),
                    requirement.value(i),
                    status
                        .values()
                        .as_string::<i32>()
                        .value(status.keys().value(i) as usize),
                    (!due.is_null(i)).then(|| due.value(i)),
                    done.value(i),
                )
            })
            .collect()
    }
}
