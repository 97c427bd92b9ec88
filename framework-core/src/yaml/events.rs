//! The common case read fast: the positioned tree built straight from the parser's events.
//!
//! serde-saphyr's `Spanned` values (the general reader in `yaml.rs`) cost more than parsing
//! itself. Most documents use nothing but mappings, lists and plain or quoted scalars; for
//! those this reader builds the same tree from granit-parser's events directly (the parser
//! serde-saphyr drives, with the same options). Whatever it does not read exactly as
//! serde-saphyr does — an anchor, alias, tag or merge key, a second document, a plain scalar
//! whose type needs YAML's full rules, a syntax error, or a count near one of the budgets —
//! makes it give up (`None`), and the general reader reads the file instead. Values,
//! positions and diagnostics are therefore the general reader's; the tests compare the two
//! readers on every document the fast one accepts.

use granit_parser::{Event, Parser, ScalarStyle, Span as ParserSpan};

use super::{Node, Number, Value};
use crate::diagnostic::Span;

// The general reader's budgets (`yaml::options`), with a margin: near a budget the general
// reader decides, so its count is the one that matters.
const MAX_EVENTS: usize = 7_000_000;
const MAX_NODES: usize = 3_500_000;
const MAX_DEPTH: usize = 100;
const MAX_SCALAR_BYTES: usize = 48 * 1024 * 1024;

/// A collection being read.
enum Open {
    Seq(Span, Vec<Node>),
    /// A mapping, with the key read whose value is awaited.
    Map(Span, Vec<(Node, Node)>, Option<Node>),
}

/// Reads `text` when it uses only what this reader handles exactly as the general reader does.
pub(super) fn read(text: &str) -> Option<Node> {
    let mut open: Vec<Open> = Vec::new();
    let mut root = None;
    let (mut events, mut nodes, mut scalar_bytes, mut documents) = (0usize, 0usize, 0usize, 0);
    for next in Parser::new_from_str(text) {
        let (event, span) = next.ok()?;
        events += 1;
        if events > MAX_EVENTS {
            return None;
        }
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                nodes += 1;
                scalar_bytes += text.len();
                if nodes > MAX_NODES || scalar_bytes > MAX_SCALAR_BYTES {
                    return None;
                }
                let value = if style == ScalarStyle::Plain {
                    // A merge key needs the general reader.
                    if text == "<<" && matches!(open.last(), Some(Open::Map(_, _, None))) {
                        return None;
                    }
                    plain(&text)?
                } else {
                    Value::Str(text.into_owned())
                };
                Node {
                    value,
                    span: span_of(&span)?,
                }
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                nodes += 1;
                if nodes > MAX_NODES || open.len() >= MAX_DEPTH {
                    return None;
                }
                let at = span_of(&span)?;
                open.push(if matches!(event, Event::SequenceStart(..)) {
                    Open::Seq(at, Vec::new())
                } else {
                    Open::Map(at, Vec::new(), None)
                });
                continue;
            }
            Event::SequenceEnd => match open.pop()? {
                Open::Seq(span, items) => Node {
                    value: Value::Seq(items),
                    span,
                },
                Open::Map(..) => return None,
            },
            Event::MappingEnd => match open.pop()? {
                Open::Map(span, entries, None) => Node {
                    value: Value::Map(entries),
                    span,
                },
                _ => return None,
            },
            _ => return None,
        };
        match open.last_mut() {
            Some(Open::Seq(_, items)) => items.push(node),
            Some(Open::Map(_, entries, key)) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
            None if root.is_none() => root = Some(node),
            None => return None,
        }
    }
    // An empty document and a lone null are the general reader's to judge.
    root.filter(|n| !matches!(n.value, Value::Null) && open.is_empty())
}

fn span_of(span: &ParserSpan) -> Option<Span> {
    let start = span.start.byte_offset()?;
    let end = span.end.byte_offset()?;
    Some(Span::new(start, end.saturating_sub(start)))
}

/// A plain scalar's value under the YAML 1.2 core schema as serde-saphyr applies it (strict
/// booleans), or `None` for the spellings left to it: non-decimal, underscored, exponent,
/// leading-zero and out-of-range numbers, `.inf`/`.nan` and the like.
fn plain(text: &str) -> Option<Value> {
    let value = match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => {
            let bytes = text.as_bytes();
            let first = *bytes.first()?;
            if !matches!(first, b'0'..=b'9' | b'+' | b'-' | b'.') {
                // Words that float parsers know are left to the general reader.
                let lower = text.to_ascii_lowercase();
                if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
                    return None;
                }
                return Some(Value::Str(text.to_owned()));
            }
            return numeric(text);
        }
    };
    Some(value)
}

/// A plain scalar that starts like a number.
fn numeric(text: &str) -> Option<Value> {
    let bytes = text.as_bytes();
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let leading_zero = |s: &str| s.len() > 1 && s.starts_with('0');
    if digits(unsigned) {
        if leading_zero(unsigned) {
            return None;
        }
        let int = if text.starts_with('-') {
            text.parse::<i64>().ok().map(i128::from)
        } else {
            unsigned.parse::<u64>().ok().map(i128::from)
        };
        return int.map(|i| Value::Number(Number::Int(i)));
    }
    if let Some((whole, fraction)) = unsigned.split_once('.')
        && digits(whole)
        && digits(fraction)
        && !text.starts_with('+')
    {
        let f: f64 = text.parse().ok()?;
        return f.is_finite().then_some(Value::Number(Number::Float(f)));
    }
    // No number has a second point, a sign after its first character other than an
    // exponent's, or any character outside these: such a scalar is text.
    let points = bytes.iter().filter(|&&b| b == b'.').count();
    let late_sign = bytes
        .iter()
        .enumerate()
        .skip(1)
        .any(|(i, &b)| matches!(b, b'+' | b'-') && !matches!(bytes[i - 1], b'e' | b'E'));
    let foreign = bytes
        .iter()
        .any(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.' | b'_')));
    // A number that starts with a digit holds no letter but a radix's or an exponent's.
    let wordy = unsigned.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && bytes
            .iter()
            .any(|b| b.is_ascii_alphabetic() && !b"abcdefABCDEFoOxX".contains(b));
    (points > 1 || late_sign || foreign || wordy).then(|| Value::Str(text.to_owned()))
}
