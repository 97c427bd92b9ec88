//! The report envelope every analysis returns ([`Report`]: the analysis's own fields and every
//! diagnostic), and the typed reports of the catalog-level commands (`validate`, `list`). The
//! CLI's JSON output and the bindings' reports are the envelope's `Serialize` form (SPEC §3).

use std::collections::BTreeSet;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, DocumentRef};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::graph::ItemHandle;
use crate::ids::{DocId, ItemRef};
use crate::model::{Completeness, DocumentInfo, DocumentKind};

/// What an analysis found, and every problem met on the way: the catalog's diagnostics, then
/// the analysis's own (rows of learner records it could not read, for instance). Serializes as
/// the analysis's fields followed by `diagnostics`, as SPEC §3 has every command's JSON; reads
/// as the analysis (it dereferences to it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report<T> {
    /// The analysis's own fields.
    #[serde(flatten)]
    pub body: T,
    /// Every problem: the catalog's, then the analysis's own, each group sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl<T> Report<T> {
    /// The report of an analysis of `catalog`, carrying the catalog's diagnostics.
    pub fn new(catalog: &Catalog, body: T) -> Self {
        Self::with(catalog, body, Vec::new())
    }

    /// The report of an analysis of `catalog` that found problems of its own.
    pub fn with(catalog: &Catalog, body: T, own: Vec<Diagnostic>) -> Self {
        let mut diagnostics = catalog.diagnostics().to_vec();
        diagnostics.extend(own);
        Self { body, diagnostics }
    }

    /// Records that the result is below a threshold the caller set (`below-threshold`, an
    /// error), placed at the document the threshold concerns (or at the start of `file`).
    pub fn below_threshold(&mut self, at: Threshold<'_>, message: String, help: &str) {
        let d = match at {
            Threshold::Document(info) => Diagnostic::at(Code::BelowThreshold, &info.loc, message),
            Threshold::File(file) => Diagnostic::in_file(Code::BelowThreshold, file, 1, 1, message),
        };
        self.diagnostics.push(d.with_help(help));
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The same diagnostics around another body (a view of this one, for instance).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Report<U> {
        Report {
            body: f(self.body),
            diagnostics: self.diagnostics,
        }
    }
}

impl<T> Deref for Report<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

/// What a threshold concerns: a document (its id is where the diagnostic points), or a file.
#[derive(Debug, Clone, Copy)]
pub enum Threshold<'a> {
    /// A document of the catalog.
    Document(&'a DocumentInfo),
    /// A file (learner records).
    File(&'a str),
}

/// The result of checking a catalog (its diagnostics are the envelope's).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ValidateReport {
    /// Whether no diagnostic is an error.
    pub ok: bool,
    /// User files read (shipped documents not counted).
    pub files: usize,
    /// Documents loaded (shipped ones included).
    pub documents: usize,
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
}

/// Checks a catalog: the report of its diagnostics.
pub fn validate(catalog: &Catalog) -> Report<ValidateReport> {
    let diagnostics = catalog.diagnostics();
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .count();
    let body = ValidateReport {
        ok: errors == 0,
        files: catalog.user_files(),
        documents: catalog.documents().count(),
        errors,
        warnings: diagnostics.len() - errors,
    };
    Report::new(catalog, body)
}

/// One line of `competence list`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentSummary {
    /// The kind.
    pub kind: DocumentKind,
    /// The id.
    pub id: DocId,
    /// The title.
    pub title: String,
    /// `complete`, `partial`, or `null` when the document does not say.
    pub completeness: Option<Completeness>,
    /// Framework: its items. Curriculum: sessions and assessments. Mapping: links. Role:
    /// requirements.
    pub items: usize,
    /// Framework: the leaves that count (optional ones left out). Other kinds: the distinct
    /// framework leaves the document names (covers, links on either side, requirements).
    pub leaves: usize,
    /// The edition or version.
    pub version: Option<String>,
    /// Where the official text lives.
    pub source: Option<String>,
    /// What is not encoded (the document's `missing:` list).
    pub missing: Vec<String>,
    /// Whether the document is shipped with the engine.
    pub builtin: bool,
    /// The file it was read from.
    pub file: String,
}

/// The documents of a catalog.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListReport {
    /// One summary per document: frameworks, then curricula, mappings and roles.
    pub documents: Vec<DocumentSummary>,
}

/// Summarises every document of a catalog.
pub fn list(catalog: &Catalog) -> Report<ListReport> {
    let documents = catalog.documents().map(|d| summary(catalog, d)).collect();
    Report::new(catalog, ListReport { documents })
}

fn distinct_leaves<'a>(catalog: &Catalog, refs: impl Iterator<Item = &'a ItemRef>) -> usize {
    let mut set: BTreeSet<ItemHandle> = BTreeSet::new();
    for r in refs {
        set.extend(catalog.leaves_of(r));
    }
    set.len()
}

fn summary(catalog: &Catalog, doc: DocumentRef<'_>) -> DocumentSummary {
    let info = doc.info();
    let (items, leaves) = match doc {
        DocumentRef::Framework(f) => (f.items().len(), f.hierarchy().leaves().count()),
        DocumentRef::Curriculum(c) => (
            c.sessions.len() + c.assessments.len(),
            distinct_leaves(catalog, c.all_covers().map(|c| &c.target)),
        ),
        DocumentRef::Mapping(m) => (
            m.links.len(),
            distinct_leaves(catalog, m.links.iter().flat_map(|l| [&l.from, &l.to])),
        ),
        DocumentRef::Role(r) => (
            r.requirements.len(),
            distinct_leaves(catalog, r.requirements.iter().flat_map(|q| q.items.iter())),
        ),
    };
    DocumentSummary {
        kind: info.kind,
        id: info.id.clone(),
        title: info.title.clone(),
        completeness: info.completeness,
        items,
        leaves,
        version: info.version.clone(),
        source: info.source.clone(),
        missing: info.missing.clone(),
        builtin: info.is_builtin(),
        file: info.file().to_owned(),
    }
}
