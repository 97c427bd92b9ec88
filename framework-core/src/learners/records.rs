//! Reading learner records: `learners.csv` and `evidence.csv`, streamed. A row that cannot be
//! used becomes a diagnostic naming the file, the line and the field (never a field's
//! contents), and is counted as skipped; the other rows are read on.

use std::io::Read;

use crate::ids::IdMap;
use jiff::civil::Date;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::diagnostic::{Capped, Code, Diagnostic};
use crate::graph::ItemTable;
use crate::ids::ItemRef;
use crate::model::Role;

use super::dialect::{EvidenceStatus, RecordsDialect};
use super::status::Evidence;

/// Why learner records could not be analysed at all (exit status 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum RecordsError {
    /// The role is not in the catalog, or the id names a document of another kind.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Lookup(#[from] crate::error::AnalysisError),
    /// The learner asked for is not in the learners file with the role.
    #[error("learner `{learner}` is not in `{file}` with role `{role}`")]
    #[diagnostic(code("learner-not-found"), help("check the id and the role column"))]
    LearnerNotFound {
        /// The learner asked for.
        learner: String,
        /// The learners file.
        file: String,
        /// The role.
        role: String,
    },
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
    #[error("`{file}` has no `{column}` column{mapped}")]
    #[diagnostic(
        code("missing-column"),
        help(
            "the first row must name the columns: {columns} (name yours with --columns, such as learner=UserID)"
        )
    )]
    MissingColumn {
        /// The file.
        file: String,
        /// The missing column: its header in the file (its headers joined by `|` when
        /// `--columns` gives several).
        column: String,
        /// When `--columns` maps it: ` (our `NAME`)`; else empty.
        mapped: String,
        /// The columns expected.
        columns: &'static str,
    },
}

impl RecordsError {
    /// The error's code.
    pub fn error_code(&self) -> Code {
        match self {
            RecordsError::Lookup(e) => e.error_code(),
            RecordsError::LearnerNotFound { .. } => Code::LearnerNotFound,
            RecordsError::Unreadable { .. } => Code::Unreadable,
            RecordsError::Empty { .. } => Code::EmptyRecords,
            RecordsError::MissingColumn { .. } => Code::MissingColumn,
        }
    }
}

/// Rows that could not be used.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Skipped {
    /// Rows of `learners.csv` left out.
    pub learners: usize,
    /// Rows of `evidence.csv` left out.
    pub evidence: usize,
    /// How many rows each reason (a diagnostic code) left out.
    pub reasons: BTreeMap<String, usize>,
}

/// A CSV input: its name (for diagnostics) and its reader.
#[derive(Debug)]
pub struct CsvInput<R> {
    /// How diagnostics name it.
    pub name: String,
    /// The text.
    pub reader: R,
    /// The most bytes read from it (default [`MAX_RECORDS_BYTES`]); a longer input stops the
    /// analysis (`unreadable`). Records are streamed, so memory does not grow with this; it
    /// stops an input that never ends.
    pub max_bytes: u64,
}

impl<R: Read> CsvInput<R> {
    /// An input named `name`.
    pub fn new(name: impl Into<String>, reader: R) -> Self {
        Self {
            name: name.into(),
            reader,
            max_bytes: MAX_RECORDS_BYTES,
        }
    }

    /// The most bytes to read from it.
    #[must_use]
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = bytes;
        self
    }
}

/// Learner records as a table of text columns (a DataFrame's, handed over column by column):
/// read as the CSV of the table would be, without writing it. Its rows are placed as the CSV's
/// lines would be: the header is line 1, the first row line 2.
#[derive(Debug, Clone)]
pub struct TableInput {
    /// How diagnostics name it.
    pub name: String,
    /// The columns, in order.
    pub columns: Vec<TextColumn>,
}

/// One column of text (`None`: a null, read as an empty field).
#[derive(Debug, Clone)]
pub struct TextColumn {
    name: String,
    data: String,
    /// Where each value starts in `data`; one more than there are values.
    starts: Vec<usize>,
    /// Which values are present (none: every one).
    present: Option<Vec<bool>>,
}

impl TextColumn {
    /// A column of these values.
    pub fn from_values<S: AsRef<str>>(
        name: impl Into<String>,
        values: impl IntoIterator<Item = Option<S>>,
    ) -> Self {
        let mut data = String::new();
        let mut starts = vec![0];
        let mut present = Vec::new();
        for v in values {
            present.push(v.is_some());
            if let Some(v) = v {
                data.push_str(v.as_ref());
            }
            starts.push(data.len());
        }
        let present = (!present.iter().all(|&p| p)).then_some(present);
        Self {
            name: name.into(),
            data,
            starts,
            present,
        }
    }

    /// A column from an Arrow string array's parts: `offsets` (one more than there are values,
    /// each where a value starts in `data`), the UTF-8 `data`, and which values are present.
    /// Everything is checked: offsets in order, inside the data, on character boundaries.
    pub fn from_parts(
        name: impl Into<String>,
        offsets: Vec<usize>,
        data: Vec<u8>,
        present: Option<Vec<bool>>,
    ) -> Result<Self, String> {
        let name = name.into();
        let data = String::from_utf8(data)
            .map_err(|e| format!("column `{name}` is not valid UTF-8: {e}"))?;
        let in_order = offsets.windows(2).all(|w| w[0] <= w[1]);
        let inside = offsets.iter().all(|&o| data.is_char_boundary(o));
        if offsets.is_empty() || !in_order || !inside {
            return Err(format!(
                "column `{name}` has offsets that do not fit its data"
            ));
        }
        if present
            .as_ref()
            .is_some_and(|p| p.len() + 1 != offsets.len())
        {
            return Err(format!("column `{name}` has a validity of another length"));
        }
        Ok(Self {
            name,
            data,
            starts: offsets,
            present,
        })
    }

    /// How many values it has.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn get(&self, row: usize) -> &str {
        if self
            .present
            .as_ref()
            .is_some_and(|p| !p.get(row).copied().unwrap_or(false))
        {
            return "";
        }
        match (self.starts.get(row), self.starts.get(row + 1)) {
            (Some(&a), Some(&b)) => self.data.get(a..b).unwrap_or(""),
            _ => "",
        }
    }
}

/// Records given as rows of keys and values (Python dicts, JSON objects) made into a
/// [`TableInput`] of the columns that are read: each row's value for a column is the one under
/// the key that names it (trimmed, ignoring case, as a CSV header is matched); other keys are
/// passed over, as a CSV's other columns are, so the work is in proportion to the rows whatever
/// keys they have. The table has the columns some row names, as a CSV has the columns its header
/// names (so a column named in several ways is read from the name the rows use); with no rows,
/// it has every column, and reads as no records.
#[derive(Debug, Clone)]
pub struct RowTable {
    wanted: Vec<String>,
    values: Vec<Vec<Option<String>>>,
    /// Whether some row names each column.
    named: Vec<bool>,
    rows: usize,
}

impl RowTable {
    /// A table of these columns (their headers, in order), with no rows yet.
    pub fn new(wanted: Vec<String>) -> Self {
        let values = vec![Vec::new(); wanted.len()];
        let named = vec![false; wanted.len()];
        Self {
            wanted,
            values,
            named,
            rows: 0,
        }
    }

    /// Starts a row, every column empty.
    pub fn row(&mut self) {
        self.rows += 1;
        for column in &mut self.values {
            column.push(None);
        }
    }

    /// The column a key names, if it is one that is read.
    pub fn column(&self, key: &str) -> Option<usize> {
        self.wanted
            .iter()
            .position(|w| key.trim().eq_ignore_ascii_case(w.trim()))
    }

    /// Sets a column of the row started last (`None`: an empty field, the key still named).
    pub fn set(&mut self, column: usize, value: Option<String>) {
        if let Some(slot) = self.values.get_mut(column).and_then(|v| v.last_mut()) {
            *slot = value;
        }
        if let Some(named) = self.named.get_mut(column) {
            *named = true;
        }
    }

    /// The table, named `name` in diagnostics.
    pub fn finish(self, name: impl Into<String>) -> TableInput {
        TableInput {
            name: name.into(),
            columns: self
                .wanted
                .into_iter()
                .zip(self.values)
                .zip(self.named)
                .filter(|(_, named)| *named || self.rows == 0)
                .map(|((n, v), _)| TextColumn::from_values(n, v))
                .collect(),
        }
    }
}

/// Where learner records come from: CSV text, or a table of text columns.
#[derive(Debug)]
pub enum RecordsInput<R> {
    /// CSV text.
    Csv(CsvInput<R>),
    /// A table.
    Table(TableInput),
}

impl<R> From<CsvInput<R>> for RecordsInput<R> {
    fn from(input: CsvInput<R>) -> Self {
        Self::Csv(input)
    }
}

impl From<TableInput> for RecordsInput<std::io::Empty> {
    fn from(input: TableInput) -> Self {
        Self::Table(input)
    }
}

/// Where evidence comes from: records as `evidence.csv` holds them, or xAPI statements.
#[derive(Debug)]
pub enum EvidenceInput<R> {
    /// CSV text or a table, with the columns of `evidence.csv`.
    Records(RecordsInput<R>),
    /// xAPI statements and their activity map.
    Xapi(super::xapi::XapiInput<R>),
}

impl<R> From<RecordsInput<R>> for EvidenceInput<R> {
    fn from(input: RecordsInput<R>) -> Self {
        Self::Records(input)
    }
}

impl<R> From<CsvInput<R>> for EvidenceInput<R> {
    fn from(input: CsvInput<R>) -> Self {
        Self::Records(RecordsInput::Csv(input))
    }
}

impl From<TableInput> for EvidenceInput<std::io::Empty> {
    fn from(input: TableInput) -> Self {
        Self::Records(RecordsInput::Table(input))
    }
}

impl<R> From<super::xapi::XapiInput<R>> for EvidenceInput<R> {
    fn from(input: super::xapi::XapiInput<R>) -> Self {
        Self::Xapi(input)
    }
}

/// The rows of a table, one at a time.
struct TableRows {
    columns: Vec<TextColumn>,
    next: usize,
    /// The line each row is on in the file it came from (none: as the table's CSV).
    lines: Option<Vec<u64>>,
}

/// What records are read from.
enum Source<R> {
    Csv(CsvReader<R>),
    Table(TableRows),
}

/// A reader that counts: it stops with an error past its limit, and notes where each line
/// ends, so that rows are placed by their byte offset (right with CRLF line ends, blank lines
/// and quoted line breaks alike).
struct Counted<R> {
    inner: R,
    read: u64,
    limit: u64,
    /// Offsets of the line ends read but not yet passed (`\n`, a `\r` not followed by `\n`,
    /// so CRLF, LF and CR-only files alike): only those ahead of the row being read are kept,
    /// so memory does not grow with the file.
    ends: std::collections::VecDeque<u64>,
    /// How many line ends come before those in `ends`.
    passed: u64,
    /// The offset of the last line end read (the line being read starts after it).
    last_end: Option<u64>,
    /// A `\r` at this offset, ending a line unless a `\n` follows.
    pending_cr: Option<u64>,
}

/// The largest learner records file read by default (1 GiB): records are streamed, so this
/// only stops an input that never ends.
pub const MAX_RECORDS_BYTES: u64 = 1 << 30;

/// The longest line of a records file (1 MiB): a row is a few fields, and the CSV reader holds
/// a row whole, so a longer line (a device that never ends, a binary file) stops the reading.
pub const MAX_LINE_BYTES: u64 = 1 << 20;

/// The most line ends a [`Counted`] reader keeps (those ahead of the row being read).
const KEPT_ENDS: usize = 1 << 16;

/// The errors a [`Counted`] reader stops with.
const TOO_LONG: &str = "the file is longer than the size limit";
const LINE_TOO_LONG: &str = "a line is longer than the limit";

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.read > self.limit {
            return Err(std::io::Error::other(TOO_LONG));
        }
        let n = self.inner.read(buf)?;
        if n == 0
            && let Some(cr) = self.pending_cr.take()
        {
            self.end_line(cr);
        }
        for (i, &b) in buf.iter().take(n).enumerate() {
            let at = self.read + i as u64;
            if let Some(cr) = self.pending_cr.take()
                && b != b'\n'
            {
                self.end_line(cr);
            }
            match b {
                b'\n' => self.end_line(at),
                b'\r' => self.pending_cr = Some(at),
                _ => {}
            }
        }
        self.read += n as u64;
        if self.read > self.limit {
            return Err(std::io::Error::other(TOO_LONG));
        }
        let line_start = self.last_end.map_or(0, |e| e + 1);
        if self.read.saturating_sub(line_start) > MAX_LINE_BYTES {
            return Err(std::io::Error::other(LINE_TOO_LONG));
        }
        Ok(n)
    }
}

impl<R> Counted<R> {
    fn new(inner: R, limit: u64) -> Self {
        Self {
            inner,
            read: 0,
            limit,
            ends: std::collections::VecDeque::new(),
            passed: 0,
            last_end: None,
            pending_cr: None,
        }
    }

    fn end_line(&mut self, at: u64) {
        self.ends.push_back(at);
        self.last_end = Some(at);
        // Rows are placed by line ends near them (the CSV reader reads a few kilobytes ahead),
        // so a long run of blank lines, which the reader passes over in one go, is counted, not
        // kept.
        if self.ends.len() > KEPT_ENDS {
            self.ends.pop_front();
            self.passed += 1;
        }
    }

    /// The 1-based line of a byte offset (not before the last offset forgotten).
    fn line_of(&self, offset: u64) -> u64 {
        1 + self.passed + self.ends.partition_point(|&n| n < offset) as u64
    }

    /// The line of what ends at `end` (an offset just past a row, or past its line end).
    fn line_ending_at(&self, end: u64) -> u64 {
        let last = end.saturating_sub(1);
        if self.ends.binary_search(&last).is_ok() {
            self.line_of(last)
        } else {
            self.line_of(end)
        }
    }

    /// Forgets the line ends before `offset` (rows before it are done), keeping their count.
    fn forget_before(&mut self, offset: u64) {
        while self.ends.front().is_some_and(|&e| e < offset) {
            self.ends.pop_front();
            self.passed += 1;
        }
    }

    /// How many lines the line ends read so far make (for messages).
    fn lines(&self) -> u64 {
        self.passed + self.ends.len() as u64
    }
}

/// How many line breaks a field holds (`\r\n`, `\n` or a lone `\r` each count once).
fn line_breaks(field: &[u8]) -> u64 {
    let mut n = 0;
    let mut bytes = field.iter().peekable();
    while let Some(&b) = bytes.next() {
        match b {
            b'\n' => n += 1,
            b'\r' if bytes.peek() != Some(&&b'\n') => n += 1,
            _ => {}
        }
    }
    n
}

/// Why a counted input could not be read, in words.
fn why<R>(io: &std::io::Error, counted: &Counted<R>) -> String {
    match io.to_string().as_str() {
        TOO_LONG => format!("it is longer than the limit of {} bytes", counted.limit),
        LINE_TOO_LONG => format!(
            "line {} is longer than {MAX_LINE_BYTES} bytes: this is not a records file",
            counted.lines() + 1
        ),
        other => other.to_owned(),
    }
}

/// A CSV reader over a counted input.
type CsvReader<R> = csv::Reader<Counted<R>>;

fn source<R: Read>(input: RecordsInput<R>) -> (String, Source<R>) {
    match input {
        RecordsInput::Csv(input) => {
            let reader = csv::ReaderBuilder::new()
                .flexible(true)
                .from_reader(Counted::new(input.reader, input.max_bytes));
            (input.name, Source::Csv(reader))
        }
        RecordsInput::Table(t) => (
            t.name,
            Source::Table(TableRows {
                columns: t.columns,
                next: 0,
                lines: None,
            }),
        ),
    }
}

impl<R: Read> Source<R> {
    fn headers(&mut self) -> Result<csv::ByteRecord, RecordsError> {
        match self {
            Source::Csv(reader) => reader.byte_headers().cloned().map_err(|e| {
                let message = match e.kind() {
                    csv::ErrorKind::Io(io) => why(io, reader.get_ref()),
                    _ => e.to_string(),
                };
                RecordsError::Unreadable {
                    file: String::new(),
                    message,
                }
            }),
            Source::Table(t) => {
                let unreadable = |message: String| RecordsError::Unreadable {
                    file: String::new(),
                    message,
                };
                let rows = t.columns.first().map_or(0, TextColumn::len);
                if t.columns.iter().any(|c| c.len() != rows) {
                    return Err(unreadable(
                        "its columns have different numbers of values".to_owned(),
                    ));
                }
                // The limits of a CSV file, on the table's text.
                let bytes: u64 = t.columns.iter().map(|c| c.data.len() as u64).sum();
                if bytes > MAX_RECORDS_BYTES {
                    return Err(unreadable(format!(
                        "it is longer than the limit of {MAX_RECORDS_BYTES} bytes"
                    )));
                }
                Ok(t.columns.iter().map(|c| c.name.as_bytes()).collect())
            }
        }
    }

    fn next_row(
        &mut self,
        record: &mut csv::ByteRecord,
        file: &str,
        width: usize,
        diags: &mut Capped,
    ) -> Result<Row, RecordsError> {
        match self {
            Source::Csv(reader) => next_row(reader, record, file, width, diags),
            Source::Table(t) => {
                let rows = t.columns.first().map_or(0, TextColumn::len);
                if t.next >= rows {
                    return Ok(Row::End);
                }
                record.clear();
                for c in &t.columns {
                    record.push_field(c.get(t.next).as_bytes());
                }
                t.next += 1;
                // Where the row came from; else as the CSV of the table: the header on line 1.
                let line = t
                    .lines
                    .as_ref()
                    .and_then(|l| l.get(t.next - 1).copied())
                    .unwrap_or(t.next as u64 + 1);
                if record.as_slice().len() as u64 > MAX_LINE_BYTES {
                    return Err(RecordsError::Unreadable {
                        file: file.to_owned(),
                        message: format!(
                            "row {line} is longer than {MAX_LINE_BYTES} bytes: this is not a records table"
                        ),
                    });
                }
                // No field of learner records holds a line break, in a table as in a file.
                if record.iter().any(|f| line_breaks(f) > 0) {
                    diags.push(row_diag(
                        Code::MalformedRow,
                        file,
                        line,
                        0,
                        "a field of this row holds a line break: the row is left out".into(),
                        "no field of learner records holds a line break",
                    ));
                    return Ok(Row::Bad(1));
                }
                Ok(Row::Read(line))
            }
        }
    }
}

const LEARNER_COLUMNS: &str = "learner, role, start_date[, qualifications]";
const EVIDENCE_COLUMNS: &str = "learner, ref, status, date";

/// Reads a header and finds the named columns (in any order; other columns are ignored), each
/// under its header in the dialect, compared without regard to case or surrounding spaces.
fn columns<R: Read>(
    source: &mut Source<R>,
    file: &str,
    required: &[&'static str],
    optional: &[&'static str],
    expected: &'static str,
    dialect: &RecordsDialect,
) -> Result<Vec<Option<usize>>, RecordsError> {
    let headers = source.headers().map_err(|e| match e {
        RecordsError::Unreadable { message, .. } => RecordsError::Unreadable {
            file: file.to_owned(),
            message,
        },
        other => other,
    })?;
    if headers.is_empty() || headers.iter().all(|h| h.is_empty()) {
        return Err(RecordsError::Empty {
            file: file.to_owned(),
            columns: expected,
        });
    }
    // The first of the column's headers that the file has.
    let find = |ours: &str| {
        dialect.names(ours).into_iter().find_map(|name| {
            headers.iter().position(|h| {
                String::from_utf8_lossy(h)
                    .trim()
                    .eq_ignore_ascii_case(name.trim())
            })
        })
    };
    let mut out = Vec::new();
    for &name in required {
        out.push(Some(find(name).ok_or_else(|| {
            RecordsError::MissingColumn {
                file: file.to_owned(),
                column: dialect.header(name),
                mapped: if dialect.is_mapped(name) {
                    format!(" (our `{name}`)")
                } else {
                    String::new()
                },
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
    diag_at(code, file, line, field as u64 + 1, message, help)
}

/// A diagnostic at a line and column (both 1-based) of a records file.
pub(super) fn diag_at(
    code: Code,
    file: &str,
    line: u64,
    column: u64,
    message: String,
    help: &str,
) -> Diagnostic {
    Diagnostic::in_file(
        code,
        file,
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
        message,
    )
    .with_help(help)
}

/// What reading the next row gave.
enum Row {
    /// A row with the header's number of fields, on this line.
    Read(u64),
    /// Rows that cannot be used (more than one when a quote left open swallowed the rows
    /// after it); they have been reported.
    Bad(usize),
    /// The end of the file.
    End,
}

/// Reads the next row into `record`, skipping blank lines and reporting rows that cannot be read
/// as CSV, do not have `width` fields, or run over several lines (a quote left open swallows
/// the lines after it: they are reported, never lost in silence). Stops with an error when the
/// input cannot be read or is longer than its limit.
fn next_row<R: Read>(
    reader: &mut CsvReader<R>,
    record: &mut csv::ByteRecord,
    file: &str,
    width: usize,
    diags: &mut Capped,
) -> Result<Row, RecordsError> {
    loop {
        match reader.read_byte_record(record) {
            Ok(false) => return Ok(Row::End),
            Ok(true) => {}
            Err(e) => {
                if let csv::ErrorKind::Io(io) = e.kind() {
                    let message = why(io, reader.get_ref());
                    return Err(RecordsError::Unreadable {
                        file: file.to_owned(),
                        message,
                    });
                }
                let line = e
                    .position()
                    .map_or(0, |p| reader.get_ref().line_of(p.byte()));
                diags.push(row_diag(
                    Code::MalformedRow,
                    file,
                    line,
                    0,
                    "row cannot be read as CSV".into(),
                    "check the quoting of this row",
                ));
                return Ok(Row::Bad(1));
            }
        }
        // The csv reader places a record where the one before it ended (before its line end
        // and any blank lines), so the row is placed by where it ends: its last line, less the
        // line breaks inside its fields.
        let end = reader.position().byte();
        let last = reader.get_ref().line_ending_at(end);
        reader.get_mut().forget_before(end.saturating_sub(1));
        let inside: u64 = record.iter().map(line_breaks).sum();
        // A quote left open at the end of the file takes the file's last line break too.
        let trailing = u64::from(
            record
                .iter()
                .next_back()
                .is_some_and(|f| f.ends_with(b"\n") || f.ends_with(b"\r")),
        );
        let line = (last + trailing).saturating_sub(inside);
        if record.len() == 1 && record.get(0).is_some_and(<[u8]>::is_empty) {
            continue; // a blank line
        }
        // No field of learner records holds a line break: one that does is a quote left open.
        if inside > 0 {
            diags.push(row_diag(
                Code::MalformedRow,
                file,
                line,
                0,
                format!(
                    "a quote opened on this line is not closed: this row and the {} lines after it are read as one row, and left out",
                    inside - trailing
                ),
                "close the quote (or double a quote inside a field: \"\"); no field here holds a line break",
            ));
            return Ok(Row::Bad(1 + (inside - trailing) as usize));
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
            return Ok(Row::Bad(1));
        }
        return Ok(Row::Read(line));
    }
}

pub(super) fn field(record: &csv::ByteRecord, column: Option<usize>) -> Option<&str> {
    column
        .and_then(|c| record.get(c))
        .and_then(|b| std::str::from_utf8(b).ok())
        .map(str::trim)
}

/// A date written exactly as `YYYY-MM-DD`.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    // Exactly YYYY-MM-DD.
    if s.len() != 10 || s.as_bytes().get(4) != Some(&b'-') || s.as_bytes().get(7) != Some(&b'-') {
        return None;
    }
    s.parse().ok()
}

/// A qualification's name as compared: lower case, and each run of anything but letters and
/// digits (spaces, `-`, `_`) as one `-`, so `Recent Care_Experience` is
/// `recent-care-experience`.
pub(super) fn qualification_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// One learner as read from `learners.csv`.
pub(super) struct LearnerRow {
    pub id: String,
    pub start: Date,
    /// (qualification as compared, see [`qualification_key`]; date gained if given).
    pub qualifications: Vec<(String, Option<Date>)>,
}

/// The latest evidence for one leaf: (date, row), and what it says.
#[derive(Clone, Copy)]
struct Latest {
    date: Date,
    row: u64,
    status: EvidenceStatus,
}

/// Where the problems found in the records go, and the count of rows left out.
#[derive(Debug, Default)]
pub(super) struct Intake {
    pub diags: Capped,
    pub skipped: Skipped,
}

impl Intake {
    /// Counts a row of `learners.csv` (or of `evidence.csv`) left out, and why.
    fn skip(&mut self, learners_file: bool, code: Code, rows: usize) {
        if learners_file {
            self.skipped.learners += rows;
        } else {
            self.skipped.evidence += rows;
        }
        *self
            .skipped
            .reasons
            .entry(code.as_str().to_owned())
            .or_default() += rows;
    }
}

/// The learners of `learners.csv` with the role analysed.
pub(super) struct Learners {
    /// In file order.
    pub rows: Vec<LearnerRow>,
    /// Position in `rows` by id; `usize::MAX` for learners read but not analysed (another
    /// role, or left out).
    pub by_id: IdMap<String, usize>,
    /// Learners with another role.
    pub other_roles: usize,
}

/// Reads `learners.csv`: the learners with `role`, each with a start date and qualifications.
pub(super) fn read_learners<R: Read>(
    catalog: &Catalog,
    role: &Role,
    input: RecordsInput<R>,
    dialect: &RecordsDialect,
    intake: &mut Intake,
) -> Result<Learners, RecordsError> {
    let (file, mut reader) = source(input);
    let cols = columns(
        &mut reader,
        &file,
        &["learner", "role", "start_date"],
        &["qualifications"],
        LEARNER_COLUMNS,
        dialect,
    )?;
    let width = reader.headers().map(|h| h.len()).unwrap_or(0);
    let (c_learner, c_role, c_start, c_quals) = (cols[0], cols[1], cols[2], cols[3]);
    let mut out = Learners {
        rows: Vec::new(),
        by_id: IdMap::default(),
        other_roles: 0,
    };
    let mut first_line: IdMap<String, u64> = IdMap::default();
    // The qualifications the role's exemptions name, as compared.
    let named: Vec<String> = role
        .requirements
        .iter()
        .flat_map(|r| r.exempt_if.iter())
        .map(|c| qualification_key(&c.qualification))
        .collect();
    let named_list = {
        let mut v: Vec<&str> = named.iter().map(String::as_str).collect();
        v.sort_unstable();
        v.dedup();
        v.join(", ")
    };
    let mut record = csv::ByteRecord::new();
    loop {
        let line = match reader.next_row(&mut record, &file, width, &mut intake.diags)? {
            Row::End => break,
            Row::Bad(rows) => {
                intake.skip(true, Code::MalformedRow, rows);
                continue;
            }
            Row::Read(line) => line,
        };
        if std::str::from_utf8(record.as_slice()).is_err() {
            intake.diags.push(row_diag(
                Code::MalformedRow,
                &file,
                line,
                0,
                "row is not valid UTF-8".into(),
                "save the file as UTF-8",
            ));
            intake.skip(true, Code::MalformedRow, 1);
            continue;
        }
        let raw_id = field(&record, c_learner).unwrap_or("");
        if crate::safe::has_unsafe(raw_id) {
            intake.diags.push(row_diag(
                Code::UnsafeCharacter,
                &file,
                line,
                c_learner.unwrap_or(0),
                "the learner id holds a control or invisible character: kept as its escape".into(),
                "remove it: such characters can hide or reorder what people read",
            ));
        }
        let id = crate::safe::escape(raw_id).into_owned();
        if id.is_empty() {
            intake.diags.push(row_diag(
                Code::MissingField,
                &file,
                line,
                c_learner.unwrap_or(0),
                "row has no learner id".into(),
                "give every learner an id",
            ));
            intake.skip(true, Code::MissingField, 1);
            continue;
        }
        if let Some(first) = first_line.get(&id) {
            intake.diags.push(row_diag(
                Code::DuplicateLearner,
                &file,
                line,
                c_learner.unwrap_or(0),
                format!("learner `{id}` is listed again (first on line {first})"),
                "list each learner once; this row is left out",
            ));
            intake.skip(true, Code::DuplicateLearner, 1);
            continue;
        }
        first_line.insert(id.clone(), line);
        let role_cell = field(&record, c_role).unwrap_or("");
        if role_cell != role.info.id.as_str() {
            if catalog.role(role_cell).is_none() {
                intake.diags.push(row_diag(
                    Code::UnknownDocument,
                    &file,
                    line,
                    c_role.unwrap_or(0),
                    format!("learner `{id}` has a role that is not in the catalog"),
                    "use a role id from `competence list`; this learner is not analysed",
                ));
            }
            out.other_roles += 1;
            out.by_id.insert(id, usize::MAX);
            continue;
        }
        let Some(start) = field(&record, c_start).and_then(|d| dialect.date(d)) else {
            intake.diags.push(row_diag(
                Code::InvalidDate,
                &file,
                line,
                c_start.unwrap_or(0),
                format!("learner `{id}`: the start date is not a date"),
                &format!("{}; this learner is left out", dialect.date_help()),
            ));
            intake.skip(true, Code::InvalidDate, 1);
            out.by_id.insert(id, usize::MAX);
            continue;
        };
        // A start date so late that a due date would fall past the calendar's end.
        if let Some(req) = role.requirements.iter().find(|r| {
            r.within
                .is_some_and(|w| super::add_duration(start, w).is_none())
        }) {
            intake.diags.push(row_diag(
                Code::InvalidDate,
                &file,
                line,
                c_start.unwrap_or(0),
                format!(
                    "learner `{id}`: the start date plus requirement `{}`'s time limit falls after 9999-12-31",
                    req.id
                ),
                "check the start date; this learner is left out",
            ));
            intake.skip(true, Code::InvalidDate, 1);
            out.by_id.insert(id, usize::MAX);
            continue;
        }
        let mut qualifications = Vec::new();
        for q in field(&record, c_quals)
            .unwrap_or("")
            .split(';')
            .map(str::trim)
            .filter(|q| !q.is_empty())
        {
            let (name, date) = match q.split_once('@') {
                None => (q, None),
                Some((name, d)) => (name.trim(), Some(d.trim())),
            };
            let key = qualification_key(name);
            if !named.is_empty() && !named.contains(&key) {
                let help = match crate::suggest::closest(&key, named.iter().map(String::as_str)) {
                    Some(close) => format!(
                        "did you mean `{close}`? (names are compared without regard to case, spaces, `-` or `_`)"
                    ),
                    None => format!(
                        "the role's exemptions name: {} (compared without regard to case, spaces, `-` or `_`)",
                        named_list
                    ),
                };
                intake.diags.push(row_diag(
                    Code::UnknownQualification,
                    &file,
                    line,
                    c_quals.unwrap_or(0),
                    format!("learner `{id}`: a qualification matches none the role names, and exempts from nothing"),
                    &help,
                ));
            }
            match date {
                None => qualifications.push((key, None)),
                Some(d) => match dialect.date(d) {
                    Some(d) => qualifications.push((key, Some(d))),
                    None => intake.diags.push(row_diag(
                        Code::InvalidDate,
                        &file,
                        line,
                        c_quals.unwrap_or(0),
                        format!("learner `{id}`: a qualification's date is not a date"),
                        &format!("write qualifications as name@DATE, joined by `;`; {}; this qualification is ignored", dialect.date_help()),
                    )),
                },
            }
        }
        out.by_id.insert(id.clone(), out.rows.len());
        out.rows.push(LearnerRow {
            id,
            start,
            qualifications,
        });
    }
    Ok(out)
}

/// Reads `evidence.csv` for the learners read: per learner, the set of the role's leaves met or
/// exempt (bits numbered as `index` numbers the role's `leaves`), where for each leaf the row with the latest
/// date wins (on equal dates, the later row).
#[allow(clippy::too_many_arguments)]
pub(super) fn read_evidence<R: Read>(
    catalog: &Catalog,
    index: &ItemTable<Option<u32>>,
    leaves: usize,
    learners: &Learners,
    input: EvidenceInput<R>,
    dialect: &RecordsDialect,
    keep_dates: bool,
    intake: &mut Intake,
) -> Result<Evidence, RecordsError> {
    // The columns an xAPI table has are ours, whatever the dialect names the files' columns.
    let ours = RecordsDialect::default();
    let (efile, mut reader, columns_by) = match input {
        EvidenceInput::Records(r) => {
            let (name, reader) = source(r);
            (name, reader, dialect)
        }
        EvidenceInput::Xapi(x) => {
            let name = x.name.clone();
            let read = super::xapi::read(x, &mut intake.diags)?;
            for (code, n) in read.skipped {
                intake.skip(false, code, n);
            }
            (
                name,
                Source::Table(TableRows {
                    columns: read.columns,
                    next: 0,
                    lines: Some(read.lines),
                }),
                &ours,
            )
        }
    };
    let cols = columns(
        &mut reader,
        &efile,
        &["learner", "ref", "status", "date"],
        &[],
        EVIDENCE_COLUMNS,
        columns_by,
    )?;
    let width = reader.headers().map(|h| h.len()).unwrap_or(0);
    let (e_learner, e_ref, e_status, e_date) = (cols[0], cols[1], cols[2], cols[3]);
    // Every (leaf, evidence) pair per learner; the latest per leaf is picked once, at the end.
    let mut evidence: Vec<Vec<(u32, Latest)>> = vec![Vec::new(); learners.rows.len()];
    // Each distinct reference text resolved once: to the role's leaves it stands for.
    let mut ref_cache: IdMap<Vec<u8>, Option<usize>> = IdMap::default();
    let mut ref_targets: Vec<Vec<u32>> = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let line = match reader.next_row(&mut record, &efile, width, &mut intake.diags)? {
            Row::End => break,
            Row::Bad(rows) => {
                intake.skip(false, Code::MalformedRow, rows);
                continue;
            }
            Row::Read(line) => line,
        };
        let Some(id) = field(&record, e_learner) else {
            intake.diags.push(row_diag(
                Code::MalformedRow,
                &efile,
                line,
                0,
                "row is not valid UTF-8".into(),
                "save the file as UTF-8",
            ));
            intake.skip(false, Code::MalformedRow, 1);
            continue;
        };
        let id = crate::safe::escape(id);
        let learner = match learners.by_id.get(id.as_ref()) {
            Some(&usize::MAX) => continue, // another role, or left out above
            Some(&n) => n,
            None => {
                intake.diags.push(row_diag(
                    Code::UnknownLearner,
                    &efile,
                    line,
                    e_learner.unwrap_or(0),
                    format!("learner `{id}` is not in the learners file"),
                    "add the learner to the learners file, or correct the id; this row is left out",
                ));
                intake.skip(false, Code::UnknownLearner, 1);
                continue;
            }
        };
        let Some(status) = field(&record, e_status).and_then(|s| dialect.status(s)) else {
            intake.diags.push(row_diag(
                Code::InvalidStatus,
                &efile,
                line,
                e_status.unwrap_or(0),
                format!("learner `{id}`: the status is not `met`, `not-met` or `exempt`"),
                &format!("{}; this row is left out", dialect.status_help()),
            ));
            intake.skip(false, Code::InvalidStatus, 1);
            continue;
        };
        let Some(date) = field(&record, e_date).and_then(|d| dialect.date(d)) else {
            intake.diags.push(row_diag(
                Code::InvalidDate,
                &efile,
                line,
                e_date.unwrap_or(0),
                format!("learner `{id}`: the date is not a date"),
                &format!("{}; this row is left out", dialect.date_help()),
            ));
            intake.skip(false, Code::InvalidDate, 1);
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
                                .filter_map(|&h| index.get(h).copied().flatten())
                                .collect(),
                        );
                        ref_targets.len() - 1
                    });
                ref_cache.insert(raw.to_vec(), resolved);
                resolved
            }
        };
        let Some(targets) = cached.and_then(|c| ref_targets.get(c)) else {
            intake.diags.push(row_diag(
                Code::UnknownRef,
                &efile,
                line,
                e_ref.unwrap_or(0),
                format!("learner `{id}`: the reference is not an item of the catalog"),
                "write references as FRAMEWORK:ITEM (see `competence show FRAMEWORK`); this row is left out",
            ));
            intake.skip(false, Code::UnknownRef, 1);
            continue;
        };
        if let Some(list) = evidence.get_mut(learner) {
            list.extend(targets.iter().map(|&t| {
                (
                    t,
                    Latest {
                        date,
                        row: line,
                        status,
                    },
                )
            }));
        }
    }
    Ok(latest_done(evidence, leaves, keep_dates))
}

/// Per learner, the leaves whose latest evidence is met or exempt, as bits; and (with
/// `keep_dates`) those met, with their dates.
fn latest_done(evidence: Vec<Vec<(u32, Latest)>>, leaves: usize, keep_dates: bool) -> Evidence {
    let words = leaves.div_ceil(64);
    let mut out = Evidence::default();
    for mut list in evidence {
        list.sort_unstable_by_key(|(leaf, l)| (*leaf, l.date, l.row));
        let mut bits = vec![0u64; words];
        let mut met_on = Vec::new();
        let mut rest = list.iter().peekable();
        while let Some((leaf, l)) = rest.next() {
            let superseded = rest.peek().is_some_and(|(next, _)| next == leaf);
            if superseded || l.status == EvidenceStatus::NotMet {
                continue;
            }
            if let Some(w) = bits.get_mut(*leaf as usize / 64) {
                *w |= 1 << (leaf % 64);
            }
            if keep_dates && l.status == EvidenceStatus::Met {
                met_on.push((*leaf, l.date));
            }
        }
        out.done.push(bits);
        if keep_dates {
            out.met_on.push(met_on);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_row_table_keeps_the_columns_read_matched_as_headers_are() {
        let mut t = RowTable::new(vec!["learner".into(), "ref".into()]);
        t.row();
        for (key, value) in [(" Learner ", "A"), ("extra", "x"), ("REF", "f:1")] {
            if let Some(c) = t.column(key) {
                t.set(c, Some(value.to_owned()));
            }
        }
        t.row();
        assert_eq!(t.column("other"), None);
        let table = t.finish("rows");
        let got: Vec<Vec<&str>> = table
            .columns
            .iter()
            .map(|c| (0..c.len()).map(|r| c.get(r)).collect())
            .collect();
        assert_eq!(got, vec![vec!["A", ""], vec!["f:1", ""]]);
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

#[cfg(test)]
mod error_codes {
    use miette::Diagnostic as _;

    use super::*;

    /// The code each error carries for miette is its code of the one table.
    #[test]
    fn records_errors_carry_their_table_code() {
        let all = [
            RecordsError::LearnerNotFound {
                learner: "a".into(),
                file: "f".into(),
                role: "r".into(),
            },
            RecordsError::Unreadable {
                file: "f".into(),
                message: "m".into(),
            },
            RecordsError::Empty {
                file: "f".into(),
                columns: "c",
            },
            RecordsError::MissingColumn {
                file: "f".into(),
                column: "c".into(),
                mapped: String::new(),
                columns: "c",
            },
        ];
        for e in all {
            let code = e.code().map(|c| c.to_string());
            assert_eq!(code.as_deref(), Some(e.error_code().as_str()));
        }
    }
}
