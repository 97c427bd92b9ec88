//! Diagnostics: every problem found while loading and checking documents.
//!
//! Each diagnostic has a stable [`Code`], a [`Severity`], the file, the 1-based line and
//! column of the offending value, a message and an optional help text. Diagnostics implement
//! [`miette::Diagnostic`], so a front end can render them with a source snippet and caret.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document is wrong: a command that finds one exits with status 1.
    Error,
    /// Worth a look, but the document is usable.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

macro_rules! codes {
    (@severity Fatal) => { Severity::Error };
    (@severity $s:ident) => { Severity::$s };
    (@fatal Fatal) => { true };
    (@fatal $s:ident) => { false };
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal, $severity:ident;)*) => {
        /// The stable code of a diagnostic, or of an error that stopped a command or call from
        /// running at all (a *fatal* code: exit status 2, a `CompetenceError` in Python). The
        /// text form (`unknown-ref`) never changes; scripts may match on it. Every code is
        /// described, with an example, in `docs/diagnostics.md`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code's stable text form.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// The severity diagnostics with this code have (fatal codes: `error`).
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => codes!(@severity $severity),)*
                }
            }

            /// Whether the code is for an error that stops a command from running (exit status
            /// 2), rather than for a problem found in a document or a record.
            pub fn is_fatal(self) -> bool {
                match self {
                    $(Code::$variant => codes!(@fatal $severity),)*
                }
            }

            /// A one-line description of the code.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => concat!($($doc),*).trim_ascii(),)*
                }
            }

            /// The code with this text form.
            pub fn parse(text: &str) -> Option<Code> {
                match text {
                    $($name => Some(Code::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    /// The file could not be read as YAML: a syntax error.
    YamlSyntax = "yaml-syntax", Error;
    /// The file could not be read as JSON: a syntax error.
    JsonSyntax = "json-syntax", Error;
    /// The file is not valid UTF-8 text.
    NotUtf8 = "not-utf8", Error;
    /// The file holds no document (it is empty, or only comments).
    EmptyFile = "empty-file", Error;
    /// The file is larger than the size limit.
    TooLarge = "too-large", Error;
    /// Reading the file would take more work than its size justifies (an alias bomb, deep nesting).
    ResourceLimit = "resource-limit", Error;
    /// The file holds more than one YAML document.
    MultipleDocuments = "multiple-documents", Error;
    /// A value has the wrong type (a list where text was expected, ...).
    WrongType = "wrong-type", Error;
    /// A field that this kind of document or entry does not have.
    UnknownField = "unknown-field", Error;
    /// A required field is missing.
    MissingField = "missing-field", Error;
    /// The same key appears twice in one mapping.
    DuplicateKey = "duplicate-key", Error;
    /// The document's `kind` is not one of `framework`, `curriculum`, `mapping`, `role`.
    UnknownKind = "unknown-kind", Error;
    /// An id that is not well formed.
    InvalidId = "invalid-id", Error;
    /// An id or reference written as an unquoted number, which YAML reads as a number.
    NumericId = "numeric-id", Error;
    /// Two items, modules, sessions, assessments or requirements share an id in one document.
    DuplicateId = "duplicate-id", Error;
    /// Two documents of the same kind share an id in the catalog.
    DuplicateDocument = "duplicate-document", Error;
    /// A user document replaces a shipped document with the same kind and id.
    ReplacesBuiltin = "replaces-builtin", Warning;
    /// A reference names a framework (or other document) that is not in the catalog.
    UnknownDocument = "unknown-document", Error;
    /// A reference names an item that the framework does not have.
    UnknownRef = "unknown-ref", Error;
    /// A bare item reference where the framework cannot be told.
    UnqualifiedRef = "unqualified-ref", Error;
    /// A cycle in `requires`, or in parenthood through `also_under`.
    Cycle = "cycle", Error;
    /// A mapping link's relation is not `exact`, `close`, `narrow`, `broad` or `related`.
    UnknownRelation = "unknown-relation", Error;
    /// A depth that is not `introduced`, `practised` or `assessed`.
    UnknownDepth = "unknown-depth", Error;
    /// A value outside its allowed set or form (an item type, a duration, negative hours, ...).
    InvalidValue = "invalid-value", Error;
    /// A curriculum session that covers nothing.
    NoCovers = "no-covers", Warning;
    /// A document marked `completeness: partial` with no `missing:` list saying what is left out.
    PartialWithoutMissing = "partial-without-missing", Warning;
    /// A learner-records row that cannot be read: the wrong number of fields, or not UTF-8.
    MalformedRow = "malformed-row", Error;
    /// An evidence row for a learner that `learners.csv` does not list.
    UnknownLearner = "unknown-learner", Error;
    /// A learner listed twice in `learners.csv`.
    DuplicateLearner = "duplicate-learner", Error;
    /// A date that is not a valid `YYYY-MM-DD` date.
    InvalidDate = "invalid-date", Error;
    /// An evidence status other than `met`, `not-met` or `exempt`.
    InvalidStatus = "invalid-status", Error;
    /// An imported file breaks its format's rules in a way real files often do; it was read
    /// anyway, as the message says (a CASE timestamp without a time zone, a number written as
    /// text, a Moodle row without an id number, a spreadsheet cell marked `x`, ...).
    ImportLeniency = "import-leniency", Warning;
    /// Part of an imported file cannot be imported (a CASE package without a `CFDocument`, an
    /// item without an identifier, a Moodle file without a framework row, a spreadsheet cell
    /// that is not a depth, ...).
    ImportInvalid = "import-invalid", Error;
    /// An export cannot hold everything in the framework (Moodle's CSV has no place for item
    /// types, tags or a second parent, for instance); the message says what is left out.
    ExportLoss = "export-loss", Warning;
    /// A text holds a control character or an invisible one (a bidi override, a zero-width
    /// space): it is kept as its escape (`\u{1b}`), so no output can carry it raw.
    UnsafeCharacter = "unsafe-character", Warning;
    /// A learner's qualification matches none the role's exemptions name (the help suggests
    /// the closest): it exempts from nothing. Names are compared without regard to case,
    /// spaces, `-` or `_`.
    UnknownQualification = "unknown-qualification", Warning;
    /// xAPI statements that are not evidence (a verb other than `completed`, `passed` or
    /// `failed`): counted per verb, and left out.
    UnusedStatement = "unused-statement", Warning;
    /// A result is below the threshold the command line set (`--min-coverage`, `--fail-on-gaps`,
    /// `--fail-on-overdue`): the command exits with status 1.
    BelowThreshold = "below-threshold", Error;

    /// A path given on the command line (or to `Catalog.load`) does not exist.
    NotFound = "not-found", Fatal;
    /// A file or folder exists but cannot be read (permissions, a broken disk).
    Unreadable = "unreadable", Fatal;
    /// An output file or folder cannot be written.
    Unwritable = "unwritable", Fatal;
    /// The command line is not valid: an unknown option or subcommand, a bad value, options that
    /// cannot go together.
    BadArguments = "bad-arguments", Fatal;
    /// No curriculum has the id asked for.
    UnknownCurriculum = "unknown-curriculum", Fatal;
    /// No framework has the id asked for.
    UnknownFramework = "unknown-framework", Fatal;
    /// No role has the id asked for.
    UnknownRole = "unknown-role", Fatal;
    /// No document of the kinds a command takes (a framework or a role, for instance) has the id
    /// asked for.
    UnknownId = "unknown-id", Fatal;
    /// The id asked for names a document of another kind than the command needs.
    WrongKind = "wrong-kind", Fatal;
    /// A curriculum lists no framework, and none was given with `--framework`.
    NoFramework = "no-framework", Fatal;
    /// The learner asked for with `--learner` is not in the learners file.
    LearnerNotFound = "learner-not-found", Fatal;
    /// A learner records file has no header row.
    EmptyRecords = "empty-records", Fatal;
    /// A learner records file lacks a required column.
    MissingColumn = "missing-column", Fatal;
    /// An import made several documents, but the output is one file: name a folder with `-o`.
    SeveralDocuments = "several-documents", Fatal;
    /// The engine failed on the way (a bug in it, never in the input): the message says where;
    /// please report it.
    InternalError = "internal-error", Fatal;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    /// A code by its name (a report read back from its JSON).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == name)
            .ok_or_else(|| serde::de::Error::custom(format_args!("no diagnostic code `{name}`")))
    }
}

/// A source text that documents were read from, with a line index for positions.
pub struct Source {
    name: String,
    text: String,
    line_starts: Vec<usize>,
    builtin: bool,
    /// The text as snippets show it (see [`Source::shown_text`]), made when first needed.
    shown: std::sync::OnceLock<Option<String>>,
    /// The text's XXH3-128 hash (see [`Source::text_hash`]), made when first needed.
    hash: std::sync::OnceLock<u128>,
}

/// The source's fields, not its hash: a memo, made when first needed, says nothing of it.
impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source")
            .field("name", &self.name)
            .field("text", &self.text)
            .field("line_starts", &self.line_starts)
            .field("builtin", &self.builtin)
            .field("shown", &self.shown)
            .finish()
    }
}

impl Source {
    /// Makes a source from its display name (a path) and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Self::with_origin(name, text, false)
    }

    pub(crate) fn with_origin(
        name: impl Into<String>,
        text: impl Into<String>,
        builtin: bool,
    ) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            name: name.into(),
            text,
            line_starts,
            builtin,
            shown: std::sync::OnceLock::new(),
            hash: std::sync::OnceLock::new(),
        }
    }

    /// The text's XXH3-128 hash, made once: what names a file's cache entries and, with the
    /// other sources', a catalog's.
    pub(crate) fn text_hash(&self) -> u128 {
        *self
            .hash
            .get_or_init(|| twox_hash::XxHash3_128::oneshot(self.text.as_bytes()))
    }

    /// The text as a snippet may show it: the same bytes, but for control and invisible
    /// characters, each replaced by `?`s of its length (see [`crate::safe`]).
    pub fn shown_text(&self) -> &str {
        self.shown
            .get_or_init(|| match crate::safe::same_length(&self.text) {
                std::borrow::Cow::Borrowed(_) => None,
                std::borrow::Cow::Owned(s) => Some(s),
            })
            .as_deref()
            .unwrap_or(&self.text)
    }

    /// Whether the lines around a span (one before, those it covers, one after) are short
    /// enough to show as a snippet: a minified file's one long line is not shown (only the
    /// position is).
    pub fn fits_snippet(&self, span: Span) -> bool {
        const MAX_LINE: usize = 1_000;
        let first = self.line_index(span.offset).saturating_sub(1);
        let last = self.line_index(span.offset + span.len) + 1;
        (first..=last.min(self.line_starts.len().saturating_sub(1))).all(|l| {
            let start = self.line_starts.get(l).copied().unwrap_or(0);
            let end = self
                .line_starts
                .get(l + 1)
                .copied()
                .unwrap_or(self.text.len());
            end.saturating_sub(start) <= MAX_LINE
        })
    }

    /// The display name (usually the path as given).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether this is one of the documents shipped inside the engine.
    pub fn is_builtin(&self) -> bool {
        self.builtin
    }

    /// The 0-based line a byte offset is on.
    fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts.partition_point(|&s| s <= offset).max(1) - 1
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (to_u32(line + 1), to_u32(column + 1))
    }

    /// The byte offset of a 1-based line and column (in characters).
    pub fn offset_of(&self, line: u32, column: u32) -> usize {
        let line = (line.max(1) - 1) as usize;
        let Some(&start) = self.line_starts.get(line) else {
            return self.text.len();
        };
        let rest = self.text.get(start..).unwrap_or("");
        let col = (column.max(1) - 1) as usize;
        start + rest.char_indices().nth(col).map_or(rest.len(), |(i, _)| i)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A byte range in a [`Source`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Byte offset of the start.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
}

impl Span {
    /// A span from an offset and a length.
    pub fn new(offset: usize, len: usize) -> Self {
        Self { offset, len }
    }
}

/// A place in a source: the source and a span in it.
#[derive(Debug, Clone)]
pub struct Loc {
    /// The source text.
    pub source: Arc<Source>,
    /// Where in it.
    pub span: Span,
}

impl Loc {
    /// The 1-based line and column of the start.
    pub fn line_column(&self) -> (u32, u32) {
        self.source.line_column(self.span.offset)
    }

    /// The text the span covers.
    pub fn text(&self) -> &str {
        self.source
            .text()
            .get(self.span.offset..self.span.offset + self.span.len)
            .unwrap_or("")
    }
}

/// A place in a file, for users: the file's name and a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The file's display name.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl From<&Loc> for Position {
    fn from(loc: &Loc) -> Self {
        let (line, column) = loc.line_column();
        Self {
            file: loc.source.name().to_owned(),
            line,
            column,
        }
    }
}

/// A secondary place a diagnostic points at, such as the first definition of a duplicate.
#[derive(Debug, Clone)]
pub struct Related {
    /// Where, for users.
    pub place: Position,
    /// Where in the source, when it is known (not in a diagnostic read back from JSON): what a
    /// snippet shows.
    pub loc: Option<Loc>,
    /// What is there.
    pub message: String,
}

/// One problem found in a document.
#[derive(Debug, Clone)]
pub struct Diagnostic(Box<Data>);

#[derive(Debug, Clone)]
struct Data {
    code: Code,
    severity: Severity,
    message: String,
    help: Option<String>,
    label: Option<String>,
    file: String,
    line: u32,
    column: u32,
    loc: Option<Loc>,
    related: Vec<Related>,
}

impl Diagnostic {
    /// A diagnostic at a place in a source, with the code's default severity.
    pub fn at(code: Code, loc: &Loc, message: impl Into<String>) -> Self {
        let (line, column) = loc.line_column();
        Self(Box::new(Data {
            code,
            severity: code.severity(),
            message: message.into(),
            help: None,
            label: None,
            file: loc.source.name().to_owned(),
            line,
            column,
            loc: Some(loc.clone()),
            related: Vec::new(),
        }))
    }

    /// A diagnostic about a whole file, pointing at its line 1, column 1 (or the given position).
    pub fn in_file(
        code: Code,
        file: impl Into<String>,
        line: u32,
        column: u32,
        message: impl Into<String>,
    ) -> Self {
        Self(Box::new(Data {
            code,
            severity: code.severity(),
            message: message.into(),
            help: None,
            label: None,
            file: file.into(),
            line: line.max(1),
            column: column.max(1),
            loc: None,
            related: Vec::new(),
        }))
    }

    /// Adds advice.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    /// Adds a label shown under the caret.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.0.label = Some(label.into());
        self
    }

    /// Adds a secondary place, such as the first definition of a duplicate.
    #[must_use]
    pub fn with_related(mut self, loc: &Loc, message: impl Into<String>) -> Self {
        self.0.related.push(Related {
            place: Position::from(loc),
            loc: Some(loc.clone()),
            message: message.into(),
        });
        self
    }

    /// Points the diagnostic and its related places elsewhere: `to` gives a location's new
    /// place, or `None` to leave it. Line and column are worked out again from the new place.
    pub(crate) fn relocate(&mut self, to: impl Fn(&Loc) -> Option<Loc>) {
        if let Some(loc) = self.0.loc.as_ref().and_then(&to) {
            let place = Position::from(&loc);
            self.0.file = place.file;
            self.0.line = place.line;
            self.0.column = place.column;
            self.0.loc = Some(loc);
        }
        for r in &mut self.0.related {
            if let Some(loc) = r.loc.as_ref().and_then(&to) {
                r.place = Position::from(&loc);
                r.loc = Some(loc);
            }
        }
    }

    /// The stable code.
    pub fn code(&self) -> Code {
        self.0.code
    }
    /// The severity.
    pub fn severity(&self) -> Severity {
        self.0.severity
    }
    /// Whether it is an error.
    pub fn is_error(&self) -> bool {
        self.0.severity == Severity::Error
    }
    /// The message: lowercase, user values in backticks.
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// Advice, if any.
    pub fn help(&self) -> Option<&str> {
        self.0.help.as_deref()
    }
    /// The file's display name.
    pub fn file(&self) -> &str {
        &self.0.file
    }
    /// 1-based line of the offending value.
    pub fn line(&self) -> u32 {
        self.0.line
    }
    /// 1-based column (in characters) of the offending value.
    pub fn column(&self) -> u32 {
        self.0.column
    }
    /// The place in the source, when the source is known.
    pub fn loc(&self) -> Option<&Loc> {
        self.0.loc.as_ref()
    }
    /// Secondary places.
    pub fn related_places(&self) -> &[Related] {
        &self.0.related
    }
}

impl Serialize for Diagnostic {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Diagnostic", 8)?;
        st.serialize_field("severity", &self.0.severity)?;
        st.serialize_field("code", &self.0.code)?;
        st.serialize_field("file", &self.0.file)?;
        st.serialize_field("line", &self.0.line)?;
        st.serialize_field("column", &self.0.column)?;
        st.serialize_field("message", &self.0.message)?;
        st.serialize_field("help", &self.0.help)?;
        let related: Vec<RelatedJson<'_>> = self
            .0
            .related
            .iter()
            .map(|r| RelatedJson {
                file: &r.place.file,
                line: r.place.line,
                column: r.place.column,
                message: &r.message,
            })
            .collect();
        st.serialize_field("related", &related)?;
        st.end()
    }
}

/// A diagnostic as its JSON has it (SPEC §3), read back: its source text is not in the JSON, so
/// it shows its position, not a snippet.
#[derive(Deserialize)]
struct DiagnosticJson {
    severity: Severity,
    code: Code,
    file: String,
    line: u32,
    column: u32,
    message: String,
    #[serde(default)]
    help: Option<String>,
    #[serde(default)]
    related: Vec<RelatedOwned>,
}

#[derive(Deserialize)]
struct RelatedOwned {
    file: String,
    line: u32,
    column: u32,
    message: String,
}

impl<'de> Deserialize<'de> for Diagnostic {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let j = DiagnosticJson::deserialize(d)?;
        Ok(Self(Box::new(Data {
            code: j.code,
            severity: j.severity,
            message: j.message,
            help: j.help,
            label: None,
            file: j.file,
            line: j.line,
            column: j.column,
            loc: None,
            related: j
                .related
                .into_iter()
                .map(|r| Related {
                    place: Position {
                        file: r.file,
                        line: r.line,
                        column: r.column,
                    },
                    loc: None,
                    message: r.message,
                })
                .collect(),
        })))
    }
}

#[derive(Serialize)]
struct RelatedJson<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Diagnostic {}

/// miette's view of a source: the text, named by its path.
#[derive(Debug)]
struct NamedText(Arc<Source>);

impl miette::SourceCode for NamedText {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner =
            self.0
                .shown_text()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            crate::safe::escape_line(self.0.name()).into_owned(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// A secondary place rendered as its own note with its own snippet.
#[derive(Debug)]
struct RelatedNote {
    message: String,
    /// The snippet's source; `None` when its lines are too long to show (the message then
    /// names the position).
    source: Option<NamedText>,
    span: Span,
}

impl fmt::Display for RelatedNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RelatedNote {}

impl miette::Diagnostic for RelatedNote {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_primary_with_span(None, (self.span.offset, self.span.len)),
        )))
    }
}

/// A diagnostic ready for miette to render: built by [`Diagnostic::to_miette`].
#[derive(Debug)]
pub struct MietteDiagnostic {
    inner: Diagnostic,
    source: Option<NamedText>,
    /// Secondary places in the same source, shown as extra labels in the same snippet.
    same_source: Vec<Related>,
    /// Secondary places in other sources, shown as notes with their own snippets.
    related: Vec<RelatedNote>,
    heading: String,
}

impl Diagnostic {
    /// A view of this diagnostic that miette renders with a snippet of its source.
    pub fn to_miette(&self) -> MietteDiagnostic {
        use crate::safe::escape;
        // A snippet only where its lines are short enough to show; otherwise the position.
        let shown = self
            .0
            .loc
            .as_ref()
            .filter(|l| l.source.fits_snippet(l.span));
        let heading = match shown {
            Some(_) => format!(
                "{}[{}]: {}",
                self.0.severity,
                self.0.code,
                escape(&self.0.message)
            ),
            None => format!(
                "{}[{}]: {}\n  --> {}:{}:{}",
                self.0.severity,
                self.0.code,
                escape(&self.0.message),
                escape(&self.0.file),
                self.0.line,
                self.0.column
            ),
        };
        let snippet = |r: &Related| r.loc.clone().filter(|l| l.source.fits_snippet(l.span));
        let same = |r: &Related| {
            shown.is_some_and(|l| {
                r.loc
                    .as_ref()
                    .is_some_and(|rl| Arc::ptr_eq(&l.source, &rl.source))
            })
        };
        let mut inner = self.clone();
        inner.0.help = inner.0.help.as_deref().map(|h| escape(h).into_owned());
        inner.0.label = inner.0.label.as_deref().map(|h| escape(h).into_owned());
        if shown.is_none() {
            inner.0.loc = None;
        }
        MietteDiagnostic {
            source: shown.map(|l| NamedText(l.source.clone())),
            same_source: self
                .0
                .related
                .iter()
                .filter(|r| same(r) && snippet(r).is_some())
                .map(|r| Related {
                    message: escape(&r.message).into_owned(),
                    ..r.clone()
                })
                .collect(),
            related: self
                .0
                .related
                .iter()
                .filter(|r| !same(r) || snippet(r).is_none())
                .map(|r| {
                    let fits = snippet(r);
                    let message = if fits.is_some() {
                        escape(&r.message).into_owned()
                    } else {
                        format!(
                            "{} (at {}:{}:{})",
                            escape(&r.message),
                            escape(&r.place.file),
                            r.place.line,
                            r.place.column
                        )
                    };
                    RelatedNote {
                        message,
                        span: fits.as_ref().map_or(Span { offset: 0, len: 0 }, |l| l.span),
                        source: fits.map(|l| NamedText(l.source)),
                    }
                })
                .collect(),
            inner,
            heading,
        }
    }
}

impl fmt::Display for MietteDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.heading)
    }
}

impl std::error::Error for MietteDiagnostic {}

impl miette::Diagnostic for MietteDiagnostic {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.inner.0.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner
            .0
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let loc = self.inner.0.loc.as_ref()?;
        let primary = miette::LabeledSpan::new_primary_with_span(
            self.inner.0.label.clone(),
            (loc.span.offset, loc.span.len),
        );
        let secondary = self.same_source.iter().filter_map(|r| {
            let l = r.loc.as_ref()?;
            Some(miette::LabeledSpan::new_with_span(
                Some(r.message.clone()),
                (l.span.offset, l.span.len),
            ))
        });
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

/// The most diagnostics of one code shown for one file; past it, the rest are counted and
/// reported as one (a file of a million bad rows gives a readable report, not a flood).
pub const MAX_PER_CODE: usize = 100;

/// Diagnostics gathered with a cap: at most [`MAX_PER_CODE`] of each code per file are kept;
/// the others are only counted, and [`Capped::finish`] reports each count as one diagnostic.
#[derive(Debug, Default)]
pub(crate) struct Capped {
    kept: Vec<Diagnostic>,
    /// (file, code) -> (kept, more)
    counts: std::collections::HashMap<(String, Code), (usize, usize)>,
}

impl Capped {
    /// Adds a diagnostic, or counts it when its file has had enough of its code.
    pub fn push(&mut self, d: Diagnostic) {
        let entry = self
            .counts
            .entry((d.file().to_owned(), d.code()))
            .or_insert((0, 0));
        if entry.0 < MAX_PER_CODE {
            entry.0 += 1;
            self.kept.push(d);
        } else {
            entry.1 += 1;
        }
    }

    /// The diagnostics kept, and one more for each (file, code) with some left out, saying how
    /// many; sorted.
    pub fn finish(self) -> Vec<Diagnostic> {
        let mut out = self.kept;
        let mut more: Vec<(&str, Code, usize)> = self
            .counts
            .iter()
            .filter(|(_, c)| c.1 > 0)
            .map(|((file, code), c)| (file.as_str(), *code, c.1))
            .collect();
        more.sort();
        for (file, code, n) in more {
            let last = out
                .iter()
                .filter(|d| d.file() == file && d.code() == code)
                .map(|d| (d.line(), d.column()))
                .max()
                .unwrap_or((1, 1));
            out.push(
                Diagnostic::in_file(
                    code,
                    file,
                    last.0,
                    last.1,
                    format!("{n} more `{code}` problems in this file are not shown"),
                )
                .with_help(format!(
                    "only the first {MAX_PER_CODE} of each code are shown per file; fix these and run again"
                )),
            );
        }
        sort(&mut out);
        out
    }
}

/// Caps a list of diagnostics as [`Capped`] does.
pub(crate) fn cap(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut c = Capped::default();
    for d in diagnostics {
        c.push(d);
    }
    c.finish()
}

/// Sorts diagnostics by file, position and code, the order they are reported in.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (
            a.0.file.as_str(),
            a.0.line,
            a.0.column,
            a.0.code,
            a.0.message.as_str(),
        )
            .cmp(&(
                b.0.file.as_str(),
                b.0.line,
                b.0.column,
                b.0.code,
                b.0.message.as_str(),
            ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_columns_count_characters() {
        let s = Source::new("x", "ab\r\nhé: x\n");
        assert_eq!(s.line_column(0), (1, 1));
        assert_eq!(s.line_column(4), (2, 1));
        // `:` after a two-byte character is the third character.
        assert_eq!(s.line_column(7), (2, 3));
        assert_eq!(s.offset_of(2, 3), 7);
        assert_eq!(s.offset_of(9, 1), s.text().len());
    }

    #[test]
    fn every_code_has_a_unique_name_and_summary() {
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
        assert!(Code::ALL.iter().all(|c| !c.summary().is_empty()));
    }
}
