//! Reading YAML and JSON text into a tree of values that remember where they came from.
//!
//! Serde's derived deserializers stop at the first problem. To report every problem in a
//! file in one run, documents are first read into this position-carrying tree, and then
//! checked field by field by the loader. The tree is built straight from the parser's events
//! when the document uses only plain YAML ([`events`]); otherwise, and for every error, it is
//! read with serde-saphyr's [`Spanned`] values under its resource budgets.

use std::fmt;
use std::sync::Arc;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{MessageFormatter, Spanned};

use crate::diagnostic::{Code, Diagnostic, Loc, Source, Span};

mod events;

/// Largest file accepted, in bytes (64 MiB).
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// A value read from a document, with its place in the source.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Value,
    pub span: Span,
}

/// The kinds of value a node holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// A number; its text is in the source at the node's span.
    Number(Number),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A number as YAML read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Number {
    Int(i128),
    Float(f64),
}

impl Node {
    /// The node as a JSON value; keys that are not text are written as in the source.
    pub fn to_json(&self, source: &Source) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(Number::Int(i)) => match i64::try_from(*i) {
                Ok(i) => J::from(i),
                Err(_) => u64::try_from(*i).map_or(J::from(*i as f64), J::from),
            },
            Value::Number(Number::Float(f)) => {
                serde_json::Number::from_f64(*f).map_or(J::Null, J::Number)
            }
            Value::Str(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(|n| n.to_json(source)).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| {
                        let key = match &k.value {
                            Value::Str(s) => s.clone(),
                            _ => source
                                .text()
                                .get(k.span.offset..k.span.offset + k.span.len)
                                .unwrap_or_default()
                                .to_owned(),
                        };
                        (key, v.to_json(source))
                    })
                    .collect(),
            ),
        }
    }
}

impl Value {
    /// How the value is described to users ("a list", "a number", ...).
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Number(Number::Int(_)) => "a whole number",
            Value::Number(Number::Float(_)) => "a decimal number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// The raw tree as deserialized: `Spanned` at every level.
struct Raw(RawValue);

enum RawValue {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Raw>>),
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Raw, E> {
                Ok(Raw(RawValue::Null))
            }
            fn visit_none<E>(self) -> Result<Raw, E> {
                Ok(Raw(RawValue::Null))
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Raw, D2::Error> {
                Raw::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
                Ok(Raw(RawValue::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
                Ok(Raw(RawValue::Int(v.into())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
                Ok(Raw(RawValue::Int(v.into())))
            }
            fn visit_i128<E>(self, v: i128) -> Result<Raw, E> {
                Ok(Raw(RawValue::Int(v)))
            }
            fn visit_u128<E>(self, v: u128) -> Result<Raw, E> {
                Ok(Raw(
                    i128::try_from(v).map_or(RawValue::Float(v as f64), RawValue::Int)
                ))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
                Ok(Raw(RawValue::Float(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
                Ok(Raw(RawValue::Str(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Raw, E> {
                Ok(Raw(RawValue::Str(v)))
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Raw, E> {
                Ok(Raw(RawValue::Str(String::from_utf8_lossy(v).into_owned())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut items = Vec::new();
                while let Some(x) = a.next_element::<Spanned<Raw>>()? {
                    items.push(x);
                }
                Ok(Raw(RawValue::Seq(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Raw, A::Error> {
                let mut entries = Vec::new();
                while let Some(k) = a.next_key::<Spanned<Raw>>()? {
                    let v = a.next_value::<Spanned<Raw>>()?;
                    entries.push((k, v));
                }
                Ok(Raw(RawValue::Map(entries)))
            }
        }
        d.deserialize_any(V)
    }
}

fn span_of(source: &Source, loc: &serde_saphyr::Location) -> Span {
    let s = loc.span();
    match (s.byte_offset(), s.byte_len()) {
        (Some(o), Some(l)) => Span::new(o as usize, l as usize),
        _ => Span::new(source.offset_of(loc.line() as u32, loc.column() as u32), 0),
    }
}

fn convert(source: &Source, raw: Spanned<Raw>) -> Node {
    // Aliases point at their use; the value's text (for numbers) is at its definition.
    let span = span_of(source, &raw.referenced);
    let value = match raw.value.0 {
        RawValue::Null => Value::Null,
        RawValue::Bool(b) => Value::Bool(b),
        RawValue::Int(i) => Value::Number(Number::Int(i)),
        RawValue::Float(f) => Value::Number(Number::Float(f)),
        RawValue::Str(s) => Value::Str(s),
        RawValue::Seq(items) => Value::Seq(items.into_iter().map(|x| convert(source, x)).collect()),
        RawValue::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (convert(source, k), convert(source, v)))
                .collect(),
        ),
    };
    Node { value, span }
}

fn options() -> serde_saphyr::Options {
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    // A legitimate catalog reuses little through aliases; an alias bomb replays millions of
    // events. Stop early so the bomb is rejected in milliseconds.
    alias_limits.max_total_replayed_events = 100_000;
    serde_saphyr::options! {
        // A document here is a few values per item: four million values is a framework of
        // several hundred thousand items, and keeps the tree of a 64 MiB file within about
        // half a gigabyte. Merge keys (`<<`) are rare in documents and each costs work over
        // what it merges, so few are allowed.
        budget: serde_saphyr::budget! {
            max_events: 8_000_000,
            max_nodes: 4_000_000,
            max_depth: 128,
            max_merge_keys: 64,
        },
        alias_limits: alias_limits,
        strict_booleans: true,
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::PassThrough,
    }
}

/// The text of a file, checked: UTF-8, under the size limit, BOM removed.
pub(crate) fn decode(name: &str, bytes: &[u8], builtin: bool) -> Result<Arc<Source>, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Arc::new(Source::with_origin(name, text, builtin))),
        Err(e) => {
            let good = bytes.get(..e.valid_up_to()).unwrap_or_default();
            let prefix = String::from_utf8_lossy(good);
            let source = Source::new(name, prefix.as_ref());
            let (line, column) = source.line_column(prefix.len());
            let utf16 = bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
            let help = if utf16 {
                "the file looks like UTF-16: save it as UTF-8"
            } else {
                "save the file as UTF-8 (most editors offer it under `Save as` or `Encoding`)"
            };
            Err(Diagnostic::in_file(
                Code::NotUtf8,
                name,
                line,
                column,
                format!(
                    "file is not valid UTF-8: byte {} cannot start a character",
                    e.valid_up_to()
                ),
            )
            .with_help(help))
        }
    }
}

/// Parses one YAML document (or a JSON document) into a node tree.
///
/// Returns `Ok(None)` with a diagnostic pushed when the file cannot be read.
pub(crate) fn parse(source: &Arc<Source>, json: bool) -> Result<Node, Diagnostic> {
    let text = source.text();
    if json && let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        {
            let line = u32::try_from(e.line()).unwrap_or(u32::MAX);
            let column = u32::try_from(e.column()).unwrap_or(u32::MAX);
            if e.classify() == serde_json::error::Category::Eof && text.trim().is_empty() {
                return Err(empty_file(source));
            }
            let offset = source.offset_of(line, column);
            let loc = Loc {
                source: source.clone(),
                span: Span::new(offset, 0),
            };
            let message = e.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m)
                .to_owned();
            return Err(Diagnostic::at(Code::JsonSyntax, &loc, message)
                .with_label("here")
                .with_help("check the commas, quotes and brackets around this point"));
        }
    }
    if let Some(node) = events::read(text) {
        return Ok(node);
    }
    read_general(source, json)
}

/// Reads any document with serde-saphyr, and reports what stops it.
fn read_general(source: &Arc<Source>, json: bool) -> Result<Node, Diagnostic> {
    let text = source.text();
    match serde_saphyr::from_str_with_options::<Spanned<Raw>>(text, options()) {
        Ok(raw) => {
            let node = convert(source, raw);
            if matches!(node.value, Value::Null) && is_blank(text) {
                return Err(empty_file(source));
            }
            Ok(node)
        }
        // Valid JSON is never refused: should the YAML reader balk at some corner of JSON, read
        // serde_json's tree instead (its values then point at the start of the file).
        Err(_) if json => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(value) => Ok(from_json(value)),
            Err(e) => Err(Diagnostic::in_file(
                Code::JsonSyntax,
                source.name(),
                1,
                1,
                e.to_string(),
            )),
        },
        Err(e) => Err(yaml_error(source, &e)),
    }
}

fn from_json(value: serde_json::Value) -> Node {
    Node::from_json_at(value, Span::default())
}

impl Node {
    /// A JSON value as a tree whose every node is placed at `span` (a value made in memory,
    /// such as an imported document, placed where what it was made from is written).
    pub fn from_json_at(value: serde_json::Value, span: Span) -> Node {
        use serde_json::Value as J;
        let value = match value {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(b),
            J::Number(n) => Value::Number(match n.as_i64() {
                Some(i) => Number::Int(i.into()),
                None => Number::Float(n.as_f64().unwrap_or(f64::NAN)),
            }),
            J::String(s) => Value::Str(s),
            J::Array(items) => Value::Seq(
                items
                    .into_iter()
                    .map(|v| Node::from_json_at(v, span))
                    .collect(),
            ),
            J::Object(map) => Value::Map(
                map.into_iter()
                    .map(|(k, v)| {
                        (
                            Node::from_json_at(J::String(k), span),
                            Node::from_json_at(v, span),
                        )
                    })
                    .collect(),
            ),
        };
        Node { value, span }
    }

    /// The value of a mapping's text key `key` (`None` for other nodes); of a key written twice,
    /// the last, as JSON readers and [`Node::to_json`] take it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Adds `key: value` to a mapping node (nothing for other nodes), placed at this node.
    pub fn insert(&mut self, key: &str, value: Node) {
        if let Value::Map(entries) = &mut self.value {
            let key = Node {
                value: Value::Str(key.to_owned()),
                span: self.span,
            };
            entries.push((key, value));
        }
    }

    /// A list node placed at `span`.
    pub fn list(items: Vec<Node>, span: Span) -> Node {
        Node {
            value: Value::Seq(items),
            span,
        }
    }
}

fn is_blank(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .all(|l| l.is_empty() || l.starts_with('#') || l == "---" || l == "...")
}

fn empty_file(source: &Arc<Source>) -> Diagnostic {
    Diagnostic::in_file(
        Code::EmptyFile,
        source.name(),
        1,
        1,
        "file holds no document",
    )
    .with_help("a document starts with `kind:` and `id:`; delete the file if it is not needed")
}

fn yaml_error(source: &Arc<Source>, e: &serde_saphyr::Error) -> Diagnostic {
    use serde_saphyr::Error as E;
    // The location of the outermost error (where an alias is used) is the one to show.
    let location = e.location();
    let mut inner = e;
    while let E::WithSnippet { error, .. } | E::AliasError { error, .. } = inner {
        inner = error;
    }
    let message = serde_saphyr::DefaultMessageFormatter
        .format_message(inner)
        .into_owned();
    const BOMB_HELP: &str =
        "this often means a YAML alias bomb or very deep nesting; documents here need neither";
    let (code, message, help) = match inner {
        E::Budget { breach, .. } => {
            use serde_saphyr::budget::BudgetBreach as B;
            let what = match breach {
                B::Depth { .. } => "it nests more than 128 levels deep".to_owned(),
                B::Nodes { .. } => "it holds more than 4,000,000 values".to_owned(),
                B::Events { .. } => "it holds more than 8,000,000 parser events".to_owned(),
                B::MergeKeys { .. } => "it uses more than 64 merge keys (`<<`)".to_owned(),
                B::Aliases { .. } | B::Anchors { .. } => {
                    "it uses too many YAML aliases or anchors".to_owned()
                }
                other => format!("a parser budget was exceeded ({other:?})"),
            };
            (
                Code::ResourceLimit,
                format!("file needs too much work to read: {what}"),
                BOMB_HELP,
            )
        }
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => (
            Code::ResourceLimit,
            "file needs too much work to read: its aliases expand to more than 100,000 values"
                .to_owned(),
            BOMB_HELP,
        ),
        // The scanner's own guard against deeply nested flow collections (`[[[[...`).
        _ if message.contains("recursion limit exceeded") => (
            Code::ResourceLimit,
            "file needs too much work to read: it nests too deeply".to_owned(),
            BOMB_HELP,
        ),
        E::MultipleDocuments { .. } => (
            Code::MultipleDocuments,
            "file holds more than one YAML document".to_owned(),
            "put each document in a file of its own",
        ),
        _ => (
            Code::YamlSyntax,
            message,
            "check the indentation and the `:` and `-` markers around this point",
        ),
    };
    match location {
        Some(l) if l.line() > 0 => {
            let span = span_of(source, &l);
            let loc = Loc {
                source: source.clone(),
                span: Span::new(span.offset, span.len.min(1)),
            };
            Diagnostic::at(code, &loc, message).with_help(help)
        }
        _ => Diagnostic::in_file(code, source.name(), 1, 1, message).with_help(help),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Node, Diagnostic> {
        let source = decode("t.yaml", text.as_bytes(), false)?;
        parse(&source, false)
    }

    #[test]
    fn numbers_keep_their_source_spans() {
        let text = "id: 1.10\n";
        let node = parse_str(text).unwrap();
        let Value::Map(entries) = node.value else {
            panic!()
        };
        let (_, v) = &entries[0];
        assert!(matches!(v.value, Value::Number(Number::Float(_))));
        assert_eq!(&text[v.span.offset..v.span.offset + v.span.len], "1.10");
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let node = parse_str("\u{feff}a: 1\r\nb:\r\n  - c\r\n").unwrap();
        assert!(matches!(node.value, Value::Map(ref e) if e.len() == 2));
    }

    #[test]
    fn empty_and_comment_only_files_are_reported() {
        for text in ["", "\n\n", "# only a comment\n", "---\n"] {
            assert_eq!(
                parse_str(text).unwrap_err().code(),
                Code::EmptyFile,
                "{text:?}"
            );
        }
    }

    #[test]
    fn alias_bombs_are_rejected() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for w in names.windows(2) {
            let refs = vec![format!("*{}", w[0]); 9].join(",");
            text.push_str(&format!("{}: &{} [{}]\n", w[1], w[1], refs));
        }
        assert_eq!(parse_str(&text).unwrap_err().code(), Code::ResourceLimit);
    }

    #[test]
    fn non_utf8_is_reported_at_the_bad_byte() {
        let d = decode("t.yaml", b"a: 1\nb: \xff\n", false).unwrap_err();
        assert_eq!(d.code(), Code::NotUtf8);
        assert_eq!((d.line(), d.column()), (2, 4));
    }

    #[test]
    fn duplicate_keys_reach_the_tree() {
        let node = parse_str("a: 1\na: 2\n").unwrap();
        assert!(matches!(node.value, Value::Map(ref e) if e.len() == 2));
    }

    #[test]
    fn json_falls_back_to_serde_json_without_positions() {
        let node = from_json(serde_json::json!({"id": "x", "items": [1, 2.5, null, true]}));
        let Value::Map(entries) = node.value else {
            panic!()
        };
        assert_eq!(entries.len(), 2);
        assert!(matches!(entries[1].1.value, Value::Seq(ref v) if v.len() == 4));
    }

    #[test]
    fn json_is_read_with_positions() {
        let source = decode("t.json", br#"{"id": 1.10, "x": [1, {"y": "z"}]}"#, false).unwrap();
        let node = parse(&source, true).unwrap();
        let Value::Map(entries) = node.value else {
            panic!()
        };
        assert_eq!(entries[0].1.span.offset, 7);
        let err = parse(&decode("t.json", b"{\"a\": }", false).unwrap(), true).unwrap_err();
        assert_eq!(err.code(), Code::JsonSyntax);
    }
}

#[cfg(test)]
mod fast_reader {
    //! The fast reader against the general one: same tree (values and positions) for every
    //! document it accepts.
    use super::*;
    use proptest::prelude::*;

    fn general(text: &str) -> Result<Node, Diagnostic> {
        read_general(&decode("t.yaml", text.as_bytes(), false)?, false)
    }

    fn agree(text: &str) -> bool {
        match events::read(text) {
            Some(fast) => {
                assert_eq!(general(text).ok(), Some(fast), "trees differ for {text:?}");
                true
            }
            None => false,
        }
    }

    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
                || path.parent().is_some_and(|p| p.ends_with("corpus/load"))
            {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_document_in_the_repository_reads_the_same() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut paths = Vec::new();
        for dir in [
            "catalog",
            "tests",
            "fuzz/corpus/load",
            "framework-py/tests",
            "docs",
        ] {
            files(&root.join(dir), &mut paths);
        }
        assert!(paths.len() > 100, "found {} files", paths.len());
        let fuzz = root.join("fuzz");
        let mut fast = 0;
        for path in &paths {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let accepted = agree(text);
            fast += usize::from(accepted);
            // Every readable document the project writes is plain YAML; only fuzzing inputs
            // need the general reader.
            if !path.starts_with(&fuzz) && general(text).is_ok() {
                assert!(accepted, "the fast reader gives up on {}", path.display());
            }
        }
        assert!(fast > 50, "{fast} documents read fast");
    }

    #[test]
    fn scalars_are_typed_as_the_general_reader_types_them() {
        for s in [
            "1",
            "-1",
            "+1",
            "0",
            "-0",
            "01",
            "1.10",
            "-2.5",
            "+2.5",
            "1e3",
            "1.5e-3",
            "0x1F",
            "0o17",
            "0b101",
            "1_000",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            ".5",
            ".inf",
            "-.inf",
            ".nan",
            "inf",
            "NaN",
            "Infinity",
            "true",
            "True",
            "TRUE",
            "tRue",
            "yes",
            "no",
            "on",
            "off",
            "null",
            "Null",
            "NULL",
            "~",
            "nULL",
            "2025-01-01",
            "10:30",
            "1.2.3",
            "4.1.c3",
            "1st",
            "1 2",
            "-a",
            "+",
            "-",
            "1-2",
            "1e",
            "1e+",
            "0.",
            "1.",
            "00.5",
            "t0-0",
            "<<x",
            "é",
            "1,000",
            "5 Year View",
            "v1.1",
            "1.1a",
            "16w",
            "6mo",
            "5y",
            "0x1g",
            "1st",
            "2nd",
            "1E5",
            "1ee5",
            "-1st",
            "-inf",
            "-infinity",
            "+nan",
            "0b2",
        ] {
            agree(&format!("a: {s}\n{s}: b\nc: [{s}]\n"));
        }
    }

    fn scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            "[-+.0-9eExXoObB_]{1,8}",
            "[-+]?[0-9][a-zA-Z0-9.:_+-]{0,6}",
            "[a-zA-Z0-9 .:_-]{0,12}",
            "\"[a-z\\\\n ]{0,6}\"",
            "'[a-z' ]{0,6}'",
        ]
    }

    fn document() -> impl Strategy<Value = String> {
        let leaf = scalar();
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|v| format!("[{}]", v.join(", "))),
                prop::collection::vec((scalar(), inner), 0..4).prop_map(|v| format!(
                    "{{{}}}",
                    v.iter()
                        .map(|(k, v)| format!("{k}: {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ]
        })
    }

    proptest! {
        #[test]
        fn generated_flow_documents_read_the_same(doc in document(), key in scalar()) {
            agree(&format!("{key}: {doc}\nother:\n  - {doc}\n"));
        }

        #[test]
        fn arbitrary_text_never_reads_differently(text in "[-a-z0-9:#&*!|>'\"\\[\\]{}, \n.?]{0,40}") {
            agree(&text);
        }
    }
}
