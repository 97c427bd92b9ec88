//! Delimited text (CSV, TSV) read as rows, each placed at its line: what every tabular import
//! reads first. A row whose quote is left open (it would swallow the lines after it) is
//! reported and left out; a file that cannot be read as CSV at all is reported and gives
//! nothing.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Loc, Source, Span};

/// One row: its fields, and where it starts.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub fields: Vec<String>,
    pub loc: Loc,
}

impl Row {
    /// A field, trimmed (empty when the row is short).
    pub fn get(&self, n: usize) -> &str {
        self.fields.get(n).map_or("", |s| s.trim())
    }
}

/// The rows of `source` from byte `from` on, split at `delimiter`; `None` when the text cannot
/// be read as delimited text (reported, with `help`).
pub(crate) fn read(
    source: &Arc<Source>,
    from: usize,
    delimiter: u8,
    help: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Row>> {
    let at = |offset: u64| Loc {
        source: source.clone(),
        span: Span::new(usize::try_from(offset).unwrap_or(0), 0),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(source.text().get(from..).unwrap_or("").as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let text = source.text();
    let base = from as u64;
    loop {
        let offset = base + reader.position().byte();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                // The reader's offset is where the row before ended: the row starts after the
                // line ends (and blank lines) that follow.
                let from = usize::try_from(offset).unwrap_or(0).min(text.len());
                let start = from
                    + text[from..]
                        .bytes()
                        .take_while(|b| matches!(b, b'\r' | b'\n'))
                        .count();
                let end = usize::try_from(base + reader.position().byte())
                    .unwrap_or(text.len())
                    .min(text.len());
                let raw = text.get(start..end.max(start)).unwrap_or("");
                // A quoted field left open swallows every line after it into one field.
                if open_quote(raw, delimiter) {
                    let lines = raw.bytes().filter(|&b| b == b'\n').count();
                    diags.push(
                        Diagnostic::at(
                            Code::ImportInvalid,
                            &at(start as u64),
                            format!(
                                "a quote opened in this row is not closed: this row and the {lines} lines after it are read as one, and left out"
                            ),
                        )
                        .with_help("close the quote; a quote inside a field is written twice (\"\")"),
                    );
                    continue;
                }
                rows.push(Row {
                    fields: record.iter().map(str::to_owned).collect(),
                    loc: at(start as u64),
                });
            }
            Err(e) => {
                let offset = e.position().map_or(offset, |p| base + p.byte());
                diags.push(
                    Diagnostic::at(
                        Code::ImportInvalid,
                        &at(offset),
                        format!("this CSV cannot be read: {e}"),
                    )
                    .with_help(help.to_owned()),
                );
                return None;
            }
        }
    }
    Some(rows)
}

/// Whether a record's text ends inside a quoted field: a quote opens one only at a field's
/// start (elsewhere it is a character of the field, as the CSV reader takes it), and `""`
/// inside one stands for a quote.
fn open_quote(raw: &str, delimiter: u8) -> bool {
    let bytes = raw.as_bytes();
    let mut quoted = false;
    let mut field_start = true;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if quoted {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if field_start && b == b'"' {
            quoted = true;
            field_start = false;
        } else {
            field_start = b == delimiter || b == b'\n' || b == b'\r';
        }
        i += 1;
    }
    quoted
}

/// Where each column of a header is, by name compared ignoring case, spaces and punctuation.
pub(crate) fn column(header: &Row, names: &[&str]) -> Option<usize> {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    header
        .fields
        .iter()
        .position(|h| names.iter().any(|n| norm(h) == norm(n)))
}
