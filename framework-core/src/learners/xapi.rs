//! Learner evidence from xAPI statements (SPEC §4): a JSON array or NDJSON of statements, as a
//! learning record store exports them, with an activity map (a CSV `activity,ref`) that says
//! which framework item each activity stands for.
//!
//! A statement is evidence when its verb is `completed` or `passed` (met) or `failed`
//! (not met), its activity is in the map, and it has an actor and a timestamp; the timestamp's
//! date, as written, is the evidence date. The learner is the actor's account name, else its
//! e-mail address (without `mailto:`), else its OpenID, else its `mbox_sha1sum`. A statement
//! with another verb (`attempted`, `launched`, ...) is not evidence: such statements are
//! counted per verb and named in one warning each, not lost in silence; a statement that
//! cannot be used is a diagnostic at its line and column.
//!
//! The statements become the rows of an evidence table (learner, ref, status, date), each
//! placed at its statement's line, and are read on as `evidence.csv` is.

use std::collections::BTreeMap;
use std::io::Read;

use serde_json::Value;

use super::records::{MAX_RECORDS_BYTES, RecordsError, TextColumn, diag_at};
use crate::diagnostic::{Capped, Code};

/// xAPI statements and the activity map that reads them.
pub struct XapiInput<R> {
    /// How diagnostics name the statements.
    pub name: String,
    /// The statements: a JSON array, or one statement per line (NDJSON).
    pub reader: R,
    /// How diagnostics name the activity map.
    pub map_name: String,
    /// The activity map: a CSV with the columns `activity,ref`.
    pub map: Box<dyn Read + Send>,
}

impl<R> std::fmt::Debug for XapiInput<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XapiInput")
            .field("name", &self.name)
            .field("map_name", &self.map_name)
            .finish_non_exhaustive()
    }
}

/// The verbs that are evidence, by the last part of the verb's IRI (or its whole id).
fn verb_status(verb: &str) -> Option<&'static str> {
    let last = verb
        .trim_end_matches('/')
        .rsplit(['/', '#'])
        .next()
        .unwrap_or(verb);
    match last.to_ascii_lowercase().as_str() {
        "completed" | "passed" => Some("met"),
        "failed" => Some("not-met"),
        _ => None,
    }
}

/// The activity map: activity id → the reference text, with the line it is on.
fn read_map(
    name: &str,
    map: impl Read,
    diags: &mut Capped,
) -> Result<BTreeMap<String, String>, RecordsError> {
    let text = read_all(name, map)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader
        .headers()
        .cloned()
        .map_err(|e| RecordsError::Unreadable {
            file: name.to_owned(),
            message: e.to_string(),
        })?;
    let find = |col: &'static str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(col))
            .ok_or_else(|| RecordsError::MissingColumn {
                file: name.to_owned(),
                column: col.to_owned(),
                mapped: String::new(),
                columns: "activity, ref",
            })
    };
    let (c_activity, c_ref) = (find("activity")?, find("ref")?);
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut first: BTreeMap<String, u64> = BTreeMap::new();
    for row in reader.records() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                diags.push(diag_at(
                    Code::MalformedRow,
                    name,
                    line,
                    1,
                    "row cannot be read as CSV: it is left out".into(),
                    "check the quoting of this row",
                ));
                continue;
            }
        };
        let line = row.position().map_or(0, csv::Position::line);
        let (activity, r) = (
            row.get(c_activity).unwrap_or("").trim(),
            row.get(c_ref).unwrap_or("").trim(),
        );
        if activity.is_empty() || r.is_empty() {
            diags.push(diag_at(
                Code::MissingField,
                name,
                line,
                1,
                "row has no activity or no reference: it is left out".into(),
                "give each activity id the item it stands for, as FRAMEWORK:ITEM",
            ));
            continue;
        }
        if let Some(f) = first.get(activity) {
            diags.push(diag_at(
                Code::DuplicateId,
                name,
                line,
                1,
                format!("the activity is mapped again (first on line {f}): this row is left out"),
                "map each activity once; map a parent item to stand for several",
            ));
            continue;
        }
        first.insert(activity.to_owned(), line);
        out.insert(activity.to_owned(), r.to_owned());
    }
    Ok(out)
}

/// A file's whole text, up to [`MAX_RECORDS_BYTES`] (`unreadable` past it, or when it is not
/// UTF-8).
fn read_all(name: &str, reader: impl Read) -> Result<String, RecordsError> {
    let unreadable = |message: String| RecordsError::Unreadable {
        file: name.to_owned(),
        message,
    };
    let mut text = String::new();
    reader
        .take(MAX_RECORDS_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| unreadable(e.to_string()))?;
    if text.len() as u64 > MAX_RECORDS_BYTES {
        return Err(unreadable(format!(
            "it is longer than the limit of {MAX_RECORDS_BYTES} bytes"
        )));
    }
    Ok(text)
}

/// Where each top-level value starts and ends: the elements of an array, or the values of
/// NDJSON, found one at a time (nothing is kept of the values already passed). An `Err` is the
/// offset where the text stops being JSON values; nothing follows it.
struct Values<'a> {
    bytes: &'a [u8],
    at: usize,
    array: bool,
    base: usize,
    depth: usize,
    start: Option<usize>,
    in_string: bool,
    escaped: bool,
    closed: bool,
    done: bool,
}

fn values(text: &str) -> Values<'_> {
    let bytes = text.as_bytes();
    let first = bytes.iter().position(|b| !b.is_ascii_whitespace());
    let array = first.is_some_and(|i| bytes.get(i) == Some(&b'['));
    Values {
        bytes,
        at: 0,
        array,
        base: usize::from(array),
        depth: 0,
        start: None,
        in_string: false,
        escaped: false,
        closed: !array,
        done: false,
    }
}

impl Iterator for Values<'_> {
    type Item = Result<(usize, usize), usize>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        while let Some(&b) = self.bytes.get(self.at) {
            let i = self.at;
            self.at += 1;
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                }
                continue;
            }
            if !b.is_ascii_whitespace() && self.array && self.closed {
                // Anything after the array's end.
                self.done = true;
                return Some(Err(i));
            }
            let value = match b {
                b'"' | b'{' | b'[' => {
                    if self.depth == self.base && self.start.is_none() {
                        self.start = Some(i);
                    }
                    if b == b'"' {
                        self.in_string = true;
                    } else {
                        self.depth += 1;
                    }
                    None
                }
                b'}' | b']' => {
                    if self.depth == 0 {
                        self.done = true;
                        return Some(Err(i));
                    }
                    self.depth -= 1;
                    if self.array && self.depth == 0 {
                        self.closed = true;
                        self.start.take().map(|s| (s, i))
                    } else if self.depth == self.base {
                        self.start.take().map(|s| (s, i + 1))
                    } else {
                        None
                    }
                }
                b',' if self.depth == self.base => self.start.take().map(|s| (s, i)),
                b'\n' if !self.array && self.depth == 0 => self.start.take().map(|s| (s, i)),
                _ if b.is_ascii_whitespace() => None,
                _ => {
                    if self.depth < self.base {
                        self.done = true;
                        return Some(Err(i));
                    }
                    if self.depth == self.base && self.start.is_none() {
                        self.start = Some(i);
                    }
                    None
                }
            };
            if let Some(span) = value {
                return Some(Ok(span));
            }
        }
        self.done = true;
        if self.in_string || self.depth != 0 || !self.closed {
            return Some(Err(self.bytes.len()));
        }
        self.start.take().map(|s| Ok((s, self.bytes.len())))
    }
}

/// (line, column) of a byte offset, both 1-based, counting from `from` at `(line, col)`.
fn advance(text: &str, from: usize, to: usize, (line, col): (u64, u64)) -> (u64, u64) {
    let piece = text.get(from..to).unwrap_or("");
    match piece.rfind('\n') {
        Some(nl) => (
            line + piece.matches('\n').count() as u64,
            piece.get(nl + 1..).map_or(0, |p| p.chars().count()) as u64 + 1,
        ),
        None => (line, col + piece.chars().count() as u64),
    }
}

/// The learner an actor names (see the module documentation).
fn learner(actor: &Value) -> Option<String> {
    let account = actor.pointer("/account/name").and_then(Value::as_str);
    let mbox = actor
        .get("mbox")
        .and_then(Value::as_str)
        .map(|m| m.strip_prefix("mailto:").unwrap_or(m));
    let id = account
        .or(mbox)
        .or_else(|| actor.get("openid").and_then(Value::as_str))
        .or_else(|| actor.get("mbox_sha1sum").and_then(Value::as_str))?;
    let id = id.trim();
    (!id.is_empty()).then(|| id.to_owned())
}

/// Statements left out for one reason, counted per key (a verb, an activity): how many, and
/// where the first one is.
#[derive(Default)]
struct Tally(BTreeMap<String, (usize, u64, u64)>);

impl Tally {
    fn add(&mut self, key: &str, line: u64, column: u64) {
        self.0.entry(key.to_owned()).or_insert((0, line, column)).0 += 1;
    }

    /// One diagnostic per key, at its first statement (`say` gives the message and help from
    /// the key, escaped, and the count); every statement counted as skipped.
    fn report(
        self,
        file: &str,
        code: Code,
        diags: &mut Capped,
        skipped: &mut BTreeMap<Code, usize>,
        say: impl Fn(&str, usize) -> (String, &'static str),
    ) {
        for (key, (n, line, column)) in self.0 {
            let (message, help) = say(&crate::safe::escape(&key), n);
            diags.push(diag_at(code, file, line, column, message, help));
            *skipped.entry(code).or_default() += n;
        }
    }
}

/// The statements as an evidence table (learner, ref, status, date) with each row's line, and
/// the diagnostics and rows left out (by reason) of reading them.
pub(super) struct Statements {
    pub columns: Vec<TextColumn>,
    pub lines: Vec<u64>,
    pub skipped: BTreeMap<Code, usize>,
}

/// Reads xAPI statements and their activity map (see the module documentation).
pub(super) fn read<R: Read>(
    input: XapiInput<R>,
    diags: &mut Capped,
) -> Result<Statements, RecordsError> {
    let map = read_map(&input.map_name, input.map, diags)?;
    let file = input.name;
    let text = read_all(&file, input.reader)?;
    // A byte order mark is no part of the text (Windows tools write one).
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let stopped = |offset: usize| {
        let (line, column) = advance(text, 0, offset, (1, 1));
        RecordsError::Unreadable {
            file: file.clone(),
            message: format!(
                "line {line}, column {column}: not a JSON array of statements, nor one statement per line"
            ),
        }
    };
    let (mut learners, mut refs, mut statuses, mut dates) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut lines = Vec::new();
    let mut skipped: BTreeMap<Code, usize> = BTreeMap::new();
    // Statements that are not evidence, per verb; evidence about an activity the map does not
    // have, per activity.
    let (mut other_verbs, mut unmapped) = (Tally::default(), Tally::default());
    let mut place = (0usize, (1u64, 1u64));
    for span in values(text) {
        let (start, end) = span.map_err(stopped)?;
        let (line, column) = advance(text, place.0, start, place.1);
        place = (start, (line, column));
        let mut skip = |code: Code, message: String, help: &str| {
            diags.push(diag_at(code, &file, line, column, message, help));
            *skipped.entry(code).or_default() += 1;
        };
        let statement: Value = match text.get(start..end).map(serde_json::from_str) {
            Some(Ok(v @ Value::Object(_))) => v,
            _ => {
                skip(
                    Code::MalformedRow,
                    "this is not an xAPI statement (a JSON object): it is left out".into(),
                    "each statement is an object with actor, verb, object and timestamp",
                );
                continue;
            }
        };
        let verb = statement
            .pointer("/verb/id")
            .and_then(Value::as_str)
            .unwrap_or("");
        let Some(status) = verb_status(verb) else {
            other_verbs.add(verb, line, column);
            continue;
        };
        let Some(who) = statement.get("actor").and_then(learner) else {
            skip(
                Code::MissingField,
                "the statement's actor has no account name, mbox, openid or mbox_sha1sum: it is left out".into(),
                "give the actor an account (homePage and name) or an mbox",
            );
            continue;
        };
        let activity = statement
            .pointer("/object/id")
            .and_then(Value::as_str)
            .unwrap_or("");
        let Some(r) = map.get(activity) else {
            unmapped.add(activity, line, column);
            continue;
        };
        let stamp = statement
            .get("timestamp")
            .and_then(Value::as_str)
            .unwrap_or("");
        let date = stamp
            .parse::<jiff::Timestamp>()
            .ok()
            .and_then(|_| stamp.get(..10))
            .and_then(super::records::parse_date);
        let Some(date) = date else {
            skip(
                Code::InvalidDate,
                format!(
                    "learner `{}`: the statement has no timestamp, or not an ISO 8601 one: it is left out",
                    crate::safe::escape(&who)
                ),
                "xAPI timestamps are ISO 8601 date-times, such as 2025-02-10T09:30:00Z",
            );
            continue;
        };
        learners.push(Some(who));
        refs.push(Some(r.clone()));
        statuses.push(Some(status.to_owned()));
        dates.push(Some(date.to_string()));
        lines.push(line);
    }
    other_verbs.report(
        &file,
        Code::UnusedStatement,
        diags,
        &mut skipped,
        |verb, n| {
            let shown = if verb.is_empty() {
                "no verb".to_owned()
            } else {
                format!("the verb `{verb}`")
            };
            (
                format!(
                    "{n} statement(s) with {shown}, the first here, are not evidence: left out"
                ),
                "only completed and passed (met) and failed (not met) are evidence",
            )
        },
    );
    unmapped.report(&file, Code::UnknownRef, diags, &mut skipped, |activity, n| {
        (
            format!("{n} statement(s) about the activity `{activity}`, the first here, are left out: the activity map does not have it"),
            "add a row `activity,ref` for it to the activity map (a parent item stands for its leaves)",
        )
    });
    Ok(Statements {
        columns: vec![
            TextColumn::from_values("learner", learners),
            TextColumn::from_values("ref", refs),
            TextColumn::from_values("status", statuses),
            TextColumn::from_values("date", dates),
        ],
        lines,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_of_an_array_and_of_ndjson() {
        let all = |t: &str| values(t).collect::<Result<Vec<_>, usize>>();
        let a = r#"[ {"a": "x,]"}, {"b": [1, 2]} ]"#;
        let v = all(a).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(&a[v[0].0..v[0].1].trim(), &r#"{"a": "x,]"}"#);
        let n = "{\"a\": 1}\n\n{\"b\": \"}\"}\n";
        let v = all(n).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(&n[v[1].0..v[1].1], "{\"b\": \"}\"}");
        assert!(all("[{\"a\": 1}").is_err());
        assert!(all("{\"a\": 1}}").is_err());
        assert!(all("[1] x").is_err());
        assert!(all("[1] \"x\"").is_err());
        assert!(all("[1] {}").is_err());
        assert!(all("[1][2]").is_err());
        assert_eq!(all("{\"a\": 1}\n7\n").unwrap().len(), 2);
        assert_eq!(all("[]").unwrap(), vec![]);
        assert_eq!(all("").unwrap(), vec![]);
    }

    #[test]
    fn verbs() {
        assert_eq!(
            verb_status("http://adlnet.gov/expapi/verbs/completed"),
            Some("met")
        );
        assert_eq!(
            verb_status("http://adlnet.gov/expapi/verbs/passed"),
            Some("met")
        );
        assert_eq!(
            verb_status("http://adlnet.gov/expapi/verbs/failed"),
            Some("not-met")
        );
        assert_eq!(
            verb_status("http://adlnet.gov/expapi/verbs/attempted"),
            None
        );
        assert_eq!(verb_status(""), None);
    }
}
