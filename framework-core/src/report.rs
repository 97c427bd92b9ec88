//! Typed reports for the catalog-level commands. The CLI's JSON output is each report's
//! `Serialize` form (SPEC §3).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::catalog::{Catalog, DocumentRef};
use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::ItemHandle;
use crate::ids::{DocId, ItemRef};
use crate::model::{Completeness, DocumentKind};

/// The result of checking a catalog.
#[derive(Debug, Serialize)]
pub struct ValidateReport<'a> {
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
    /// Every problem, sorted by file and position.
    pub diagnostics: &'a [Diagnostic],
}

/// Checks a catalog: the report of its diagnostics.
pub fn validate(catalog: &Catalog) -> ValidateReport<'_> {
    let diagnostics = catalog.diagnostics();
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .count();
    ValidateReport {
        ok: errors == 0,
        files: catalog.user_files(),
        documents: catalog.documents().count(),
        errors,
        warnings: diagnostics.len() - errors,
        diagnostics,
    }
}

/// One line of `competence list`.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Serialize)]
pub struct ListReport<'a> {
    /// One summary per document: frameworks, then curricula, mappings and roles.
    pub documents: Vec<DocumentSummary>,
    /// The catalog's problems (the front ends show them as they show every report's).
    #[serde(skip)]
    pub diagnostics: &'a [Diagnostic],
}

/// Summarises every document of a catalog.
pub fn list(catalog: &Catalog) -> ListReport<'_> {
    let documents = catalog.documents().map(|d| summary(catalog, d)).collect();
    ListReport {
        documents,
        diagnostics: catalog.diagnostics(),
    }
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
