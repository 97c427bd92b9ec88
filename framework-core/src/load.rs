//! Loading one source into a document, collecting every problem found on the way.
//!
//! This module reads what every document has (`kind`, `id`, the common fields) and hands the
//! rest to the loader of its kind: [`framework`], [`curriculum`], [`mapping`] or [`role`]. The
//! checked reading of fields, text, ids and references they share is in [`reader`]. Checks
//! across documents (references, cycles) are in `validate`.

use std::sync::Arc;

use crate::cache::Cache;
use crate::diagnostic::{Code, Diagnostic, Loc, Source};
use crate::ids::{DocId, FrameworkIds};
use crate::model::{Completeness, Document, DocumentInfo, DocumentKind};
use crate::yaml::{self, Node, Value};

pub(crate) mod curriculum;
pub(crate) mod framework;
pub(crate) mod mapping;
mod reader;
pub(crate) mod role;

use reader::{Ctx, Fields, id, one_of, opt_text, text, text_list};

pub(crate) const COMMON: &[&str] = &[
    "kind",
    "id",
    "title",
    "description",
    "version",
    "source",
    "completeness",
    "missing",
    "note",
];

/// Reads a file's bytes into a checked source, or the diagnostic that says why it cannot be.
pub(crate) fn decode(name: &str, bytes: &[u8], builtin: bool) -> Result<Arc<Source>, Diagnostic> {
    yaml::decode(name, bytes, builtin)
}

/// Loads the document in `source`; every problem goes to `diags`.
pub(crate) fn load(
    source: &Arc<Source>,
    cache: Option<&Cache>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Document> {
    let json = source.name().to_ascii_lowercase().ends_with(".json");
    // A user's file unchanged since it was last read is not read again.
    let cache = cache
        .filter(|_| !source.is_builtin())
        .map(|c| (c, Cache::key(source, json)));
    if let Some(doc) = cache.and_then(|(c, key)| c.get_document(&key, source)) {
        return Some(doc);
    }
    let cached = cache.and_then(|(c, key)| c.get(&key, source.text()));
    let fresh = cached.is_none();
    let node = match cached {
        Some(node) => node,
        None => match yaml::parse(source, json) {
            Ok(node) => node,
            Err(d) => {
                diags.push(d);
                return None;
            }
        },
    };
    let before = diags.len();
    let mut ctx = Ctx {
        source,
        diags,
        frameworks: FrameworkIds::default(),
    };
    let doc = load_node(&mut ctx, &node);
    if let Some((c, key)) = cache {
        // A clean file is kept checked; any other as its tree, to be checked again.
        match &doc {
            Some(doc) if diags.len() == before => {
                // The tree is no longer needed: freed before the entry is made.
                drop(node);
                c.put_document(&key, source, doc);
            }
            _ if fresh => c.put(&key, source.text(), &node),
            _ => {}
        }
    }
    doc
}

/// Loads a document already read into a tree (an import's, made in memory and placed in
/// `source`, the file it was imported from); every problem goes to `diags`.
pub(crate) fn load_tree(
    source: &Arc<Source>,
    node: &Node,
    diags: &mut Vec<Diagnostic>,
) -> Option<Document> {
    let mut ctx = Ctx {
        source,
        diags,
        frameworks: FrameworkIds::default(),
    };
    load_node(&mut ctx, node)
}

fn load_node(ctx: &mut Ctx<'_>, node: &Node) -> Option<Document> {
    let Value::Map(pairs) = &node.value else {
        ctx.wrong_type(
            node,
            "a document (a mapping starting with `kind:` and `id:`)",
        );
        return None;
    };
    let kind_node = pairs
        .iter()
        .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == "kind"))
        .map(|(_, v)| v);
    let Some(kind_node) = kind_node else {
        ctx.error(Code::MissingField, node, "document has no `kind`")
            .label("`kind` is required here")
            .help("start the document with `kind: framework` (or `curriculum`, `mapping`, `role`)");
        return None;
    };
    let kind = one_of(
        ctx,
        kind_node,
        "document kind",
        Code::UnknownKind,
        DocumentKind::ALL,
        DocumentKind::as_str,
    )?;
    Some(match kind {
        DocumentKind::Framework => Document::Framework(framework::framework(ctx, node)?),
        DocumentKind::Curriculum => Document::Curriculum(curriculum::curriculum(ctx, node)?),
        DocumentKind::Mapping => Document::Mapping(mapping::mapping(ctx, node)?),
        DocumentKind::Role => Document::Role(role::role(ctx, node)?),
    })
}

/// The common fields. Returns `None` when the id is missing or invalid.
pub(super) fn info(
    ctx: &mut Ctx<'_>,
    f: &Fields<'_>,
    kind: DocumentKind,
    title_required: bool,
) -> Option<DocumentInfo> {
    let what = format!("a {kind}");
    let id_node = f.required(ctx, "id", &what);
    let title = if title_required {
        f.required(ctx, "title", &what).and_then(|n| text(ctx, n))
    } else {
        opt_text(ctx, f, "title")
    };
    let completeness = f.get("completeness").and_then(|n| {
        one_of(
            ctx,
            n,
            "completeness",
            Code::InvalidValue,
            Completeness::ALL,
            Completeness::as_str,
        )
    });
    let missing = text_list(ctx, f.get("missing"), "what is not encoded");
    if completeness == Some(Completeness::Partial)
        && missing.is_empty()
        && let Some(n) = f.get("completeness")
    {
        {
            ctx.error(
                Code::PartialWithoutMissing,
                n,
                "document is marked partial but has no `missing:` list",
            )
            .label("partial")
            .help("add `missing:` with one entry for each part of the source that is not encoded");
        }
    }
    let description = opt_text(ctx, f, "description");
    let version = opt_text(ctx, f, "version");
    let source = opt_text(ctx, f, "source");
    let note = opt_text(ctx, f, "note");
    let (id, loc) = id(ctx, id_node?, &format!("{kind} id"), DocId::new)?;
    Some(DocumentInfo {
        kind,
        title: title.unwrap_or_else(|| id.to_string()),
        id,
        description,
        version,
        source,
        completeness,
        missing,
        note,
        loc,
        dropped_refs: Vec::new(),
    })
}

pub(super) fn fields_with<'n>(
    ctx: &mut Ctx<'_>,
    node: &'n Node,
    what: &str,
    own: &[&str],
) -> Option<Fields<'n>> {
    let allowed: Vec<&str> = COMMON.iter().chain(own).copied().collect();
    Fields::read(ctx, node, what, &allowed)
}

/// Remembers ids already seen, reporting `duplicate-id` at the second with the first as related.
pub(super) struct Seen<K> {
    what: &'static str,
    scope: String,
    first: crate::ids::IdMap<K, Loc>,
}

impl<K: std::hash::Hash + Eq + Clone + std::fmt::Display> Seen<K> {
    fn new(what: &'static str, scope: String) -> Self {
        Self {
            what,
            scope,
            first: crate::ids::IdMap::default(),
        }
    }

    /// Whether `id` is new; reports it otherwise.
    fn insert(&mut self, ctx: &mut Ctx<'_>, id: &K, loc: &Loc) -> bool {
        if let Some(first) = self.first.get(id) {
            ctx.push(
                Diagnostic::at(
                    Code::DuplicateId,
                    loc,
                    format!("duplicate {} id `{}` in {}", self.what, id, self.scope),
                )
                .with_label("defined again here")
                .with_related(first, format!("`{id}` first defined here"))
                .with_help(format!("give each {} a different id", self.what)),
            );
            return false;
        }
        self.first.insert(id.clone(), loc.clone());
        true
    }
}
