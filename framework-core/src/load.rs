//! Loading one source into a document, collecting every problem found on the way.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Loc, Source};
use crate::hierarchy::Hierarchy;
use crate::ids::{DocId, FrameworkId, ItemId, LocalId};
use crate::model::{
    Assessment, Completeness, Condition, Cover, Curriculum, Depth, Document, DocumentInfo,
    DocumentKind, Duration, Framework, Item, ItemIdx, ItemType, Link, LocatedRef, Mapping, Module,
    Relation, Requirement, Role, Rule, Session,
};
use crate::suggest::did_you_mean;
use crate::yaml::{self, Node, Value};

mod reader;

use reader::{
    BareRefs, Ctx, Fields, boolean, id, id_text, item_ref, list, non_negative, one_of, opt_text,
    positive_int, text, text_list,
};

const COMMON: &[&str] = &[
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
pub(crate) fn load(source: &Arc<Source>, diags: &mut Vec<Diagnostic>) -> Option<Document> {
    let json = source.name().to_ascii_lowercase().ends_with(".json");
    let node = match yaml::parse(source, json) {
        Ok(node) => node,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let mut ctx = Ctx { source, diags };
    load_node(&mut ctx, &node)
}

/// Loads a document already read into a tree (an import's, made in memory and placed in
/// `source`, the file it was imported from); every problem goes to `diags`.
pub(crate) fn load_tree(
    source: &Arc<Source>,
    node: &Node,
    diags: &mut Vec<Diagnostic>,
) -> Option<Document> {
    let mut ctx = Ctx { source, diags };
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
        DocumentKind::Framework => Document::Framework(framework(ctx, node)?),
        DocumentKind::Curriculum => Document::Curriculum(curriculum(ctx, node)?),
        DocumentKind::Mapping => Document::Mapping(mapping(ctx, node)?),
        DocumentKind::Role => Document::Role(role(ctx, node)?),
    })
}

/// The common fields. Returns `None` when the id is missing or invalid.
fn info(
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

fn fields_with<'n>(
    ctx: &mut Ctx<'_>,
    node: &'n Node,
    what: &str,
    own: &[&str],
) -> Option<Fields<'n>> {
    let allowed: Vec<&str> = COMMON.iter().chain(own).copied().collect();
    Fields::read(ctx, node, what, &allowed)
}

/// Remembers ids already seen, reporting `duplicate-id` at the second with the first as related.
struct Seen<K> {
    what: &'static str,
    scope: String,
    first: HashMap<K, Loc>,
}

impl<K: std::hash::Hash + Eq + Clone + std::fmt::Display> Seen<K> {
    fn new(what: &'static str, scope: String) -> Self {
        Self {
            what,
            scope,
            first: HashMap::new(),
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

// ---------------------------------------------------------------------------------------------
// Frameworks

const FRAMEWORK_FIELDS: &[&str] = &["publisher", "levels", "items", "license_note", "extensions"];
const ITEM_FIELDS: &[&str] = &[
    "id",
    "kind",
    "title",
    "statement",
    "type",
    "optional",
    "level",
    "credits",
    "glh",
    "tags",
    "source",
    "requires",
    "also_under",
    "items",
    "extensions",
];

fn framework(ctx: &mut Ctx<'_>, node: &Node) -> Option<Framework> {
    let f = fields_with(ctx, node, "a framework", FRAMEWORK_FIELDS)?;
    let info = info(ctx, &f, DocumentKind::Framework, true);
    let publisher = opt_text(ctx, &f, "publisher");
    let license_note = opt_text(ctx, &f, "license_note");
    let extensions = f.get("extensions").and_then(|n| extensions(ctx, n));
    let levels = text_list(ctx, f.get("levels"), "item kinds");
    let items_node = f.get("items");
    // Read items even when the id is bad, so that their problems are reported too.
    let fallback = FrameworkId::new("unnamed").ok()?;
    let fw_id = info.as_ref().map_or(&fallback, |i| &i.id).clone();
    let mut b = ItemsBuilder {
        framework: fw_id.clone(),
        items: Vec::new(),
        parents: Vec::new(),
        seen: Seen::new("item", format!("framework `{fw_id}`")),
        dropped: Vec::new(),
    };
    for n in list(ctx, items_node, "items") {
        b.item(ctx, n, None);
    }
    let mut info = info?;
    info.dropped_refs = b.dropped;
    let index: HashMap<ItemId, ItemIdx> = b
        .items
        .iter()
        .enumerate()
        .map(|(n, i)| (i.id.clone(), ItemIdx(n as u32)))
        .collect();
    let also_under = also_under(ctx, &info.id, &b.items, &index);
    let optional: Vec<bool> = b.items.iter().map(|i| i.optional).collect();
    Some(Framework {
        info,
        publisher,
        levels,
        license_note,
        extensions,
        hierarchy: Hierarchy::new(b.parents, &also_under, &optional),
        index,
        items: b.items,
    })
}

/// An `extensions` mapping: what an import found no place for in the model, kept as it was (as
/// JSON) so that an export can give it back.
fn extensions(
    ctx: &mut Ctx<'_>,
    node: &Node,
) -> Option<serde_json::Map<String, serde_json::Value>> {
    match node.to_json(ctx.source) {
        serde_json::Value::Object(map) => Some(map),
        serde_json::Value::Null => None,
        _ => {
            ctx.wrong_type(node, "a mapping");
            None
        }
    }
}

struct ItemsBuilder {
    framework: FrameworkId,
    items: Vec<Item>,
    /// Each item's nesting parent.
    parents: Vec<Option<ItemIdx>>,
    seen: Seen<ItemId>,
    dropped: Vec<LocatedRef>,
}

impl ItemsBuilder {
    fn item(&mut self, ctx: &mut Ctx<'_>, node: &Node, parent: Option<ItemIdx>) -> Option<ItemIdx> {
        let f = Fields::read(ctx, node, "an item", ITEM_FIELDS)?;
        let id_node = f.required(ctx, "id", "an item");
        let title = f
            .required(ctx, "title", "an item")
            .and_then(|n| text(ctx, n));
        let kind = opt_text(ctx, &f, "kind");
        let statement = opt_text(ctx, &f, "statement");
        let item_type = f.get("type").and_then(|n| {
            one_of(
                ctx,
                n,
                "item type",
                Code::InvalidValue,
                ItemType::ALL,
                ItemType::as_str,
            )
        });
        let optional = f
            .get("optional")
            .and_then(|n| boolean(ctx, n))
            .unwrap_or(false);
        let level = opt_text(ctx, &f, "level");
        let credits = f
            .get("credits")
            .and_then(|n| non_negative(ctx, n, "credits"));
        let glh = f
            .get("glh")
            .and_then(|n| non_negative(ctx, n, "guided learning hours"));
        let tags = text_list(ctx, f.get("tags"), "tags");
        let source = opt_text(ctx, &f, "source");
        let extensions = f.get("extensions").and_then(|n| extensions(ctx, n));
        let bare = BareRefs::In(self.framework.clone());
        let requires: Vec<LocatedRef> = list(ctx, f.get("requires"), "item references")
            .iter()
            .filter_map(|n| item_ref(ctx, n, &bare))
            .map(|(r, loc)| LocatedRef { r, loc })
            .collect();
        let also_under = list(ctx, f.get("also_under"), "item ids")
            .iter()
            .filter_map(|n| id(ctx, n, "item id", ItemId::new))
            .collect();
        let parsed_id = id_node.and_then(|n| id(ctx, n, "item id", ItemId::new));
        let children_nodes = list(ctx, f.get("items"), "items");
        let own = match parsed_id {
            Some((item_id, loc)) if self.seen.insert(ctx, &item_id, &loc) => {
                let idx = ItemIdx(self.items.len() as u32);
                self.items.push(Item {
                    id: item_id,
                    kind,
                    title: title.unwrap_or_default(),
                    statement,
                    item_type,
                    optional,
                    level,
                    credits,
                    glh,
                    tags,
                    source,
                    extensions,
                    requires,
                    also_under,
                    loc,
                });
                self.parents.push(parent);
                Some(idx)
            }
            _ => {
                self.dropped.extend(requires);
                None
            }
        };
        // Children of an item that could not be read are still checked, and attached to its parent.
        let attach_to = own.or(parent);
        for child in children_nodes {
            self.item(ctx, child, attach_to);
        }
        own
    }
}

/// Each item's extra parents (`also_under`), resolved; unknown ids and an item naming itself
/// are reported.
fn also_under(
    ctx: &mut Ctx<'_>,
    fw_id: &FrameworkId,
    items: &[Item],
    index: &HashMap<ItemId, ItemIdx>,
) -> Vec<Vec<ItemIdx>> {
    let mut out = vec![Vec::new(); items.len()];
    for (n, item) in items.iter().enumerate() {
        for (parent_id, loc) in &item.also_under {
            match index.get(parent_id) {
                Some(&p) if p.index() == n => ctx.push(
                    Diagnostic::at(
                        Code::Cycle,
                        loc,
                        format!("item `{}` is listed under itself", item.id),
                    )
                    .with_label("names the item itself")
                    .with_help("remove it from `also_under`"),
                ),
                Some(&p) => {
                    if let Some(v) = out.get_mut(n) {
                        v.push(p);
                    }
                }
                None => {
                    let help = did_you_mean(parent_id.as_str(), index.keys().map(ItemId::as_str));
                    let mut d = Diagnostic::at(
                        Code::UnknownRef,
                        loc,
                        format!("unknown item `{parent_id}` in framework `{fw_id}`"),
                    )
                    .with_label(format!("not defined in `{fw_id}`"));
                    if let Some(h) = help {
                        d = d.with_help(h);
                    }
                    ctx.push(d);
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Curricula

const CURRICULUM_FIELDS: &[&str] = &[
    "provider",
    "frameworks",
    "modules",
    "sessions",
    "assessments",
];
const MODULE_FIELDS: &[&str] = &["id", "title", "note", "sessions"];
const SESSION_FIELDS: &[&str] = &["id", "title", "day", "week", "hours", "note", "covers"];
const COVER_FIELDS: &[&str] = &["ref", "depth", "note"];
const ASSESSMENT_FIELDS: &[&str] = &["id", "title", "day", "week", "note", "assesses"];
const ASSESSES_FIELDS: &[&str] = &["ref", "note"];

fn curriculum(ctx: &mut Ctx<'_>, node: &Node) -> Option<Curriculum> {
    let f = fields_with(ctx, node, "a curriculum", CURRICULUM_FIELDS)?;
    let info = info(ctx, &f, DocumentKind::Curriculum, true);
    let provider = opt_text(ctx, &f, "provider");
    let mut frameworks = Vec::new();
    let mut framework_locs = Vec::new();
    for n in list(ctx, f.get("frameworks"), "framework ids") {
        if let Some((fw, loc)) = id(ctx, n, "framework id", DocId::new) {
            frameworks.push(fw);
            framework_locs.push(loc);
        }
    }
    let refusal = match frameworks.len() {
        0 => "this curriculum lists no `frameworks`".to_owned(),
        n => format!("this curriculum lists {n} frameworks, so a bare id is ambiguous"),
    };
    let bare = match frameworks.as_slice() {
        [only] => BareRefs::In(only.clone()),
        _ => BareRefs::Refused(refusal),
    };
    let scope = info.as_ref().map_or_else(
        || "this curriculum".to_owned(),
        |i| format!("curriculum `{}`", i.id),
    );
    let mut c = CurriculumBuilder {
        bare,
        modules: Vec::new(),
        sessions: Vec::new(),
        assessments: Vec::new(),
        module_ids: Seen::new("module", scope.clone()),
        activity_ids: Seen::new("session or assessment", scope),
        dropped: Vec::new(),
    };
    for n in list(ctx, f.get("modules"), "modules") {
        c.module(ctx, n);
    }
    for n in list(ctx, f.get("sessions"), "sessions") {
        c.session(ctx, n, None);
    }
    for n in list(ctx, f.get("assessments"), "assessments") {
        c.assessment(ctx, n);
    }
    let mut info = info?;
    info.dropped_refs = c.dropped;
    Some(Curriculum {
        info,
        provider,
        frameworks,
        modules: c.modules,
        sessions: c.sessions,
        assessments: c.assessments,
        framework_locs,
    })
}

struct CurriculumBuilder {
    bare: BareRefs,
    modules: Vec<Module>,
    sessions: Vec<Session>,
    assessments: Vec<Assessment>,
    module_ids: Seen<LocalId>,
    activity_ids: Seen<LocalId>,
    dropped: Vec<LocatedRef>,
}

fn located(covers: Vec<Cover>) -> impl Iterator<Item = LocatedRef> {
    covers.into_iter().map(|c| LocatedRef {
        r: c.target,
        loc: c.loc,
    })
}

impl CurriculumBuilder {
    fn module(&mut self, ctx: &mut Ctx<'_>, node: &Node) {
        let Some(f) = Fields::read(ctx, node, "a module", MODULE_FIELDS) else {
            return;
        };
        let id_node = f.required(ctx, "id", "a module");
        let title = f
            .required(ctx, "title", "a module")
            .and_then(|n| text(ctx, n));
        let note = opt_text(ctx, &f, "note");
        let parsed = id_node.and_then(|n| id(ctx, n, "module id", LocalId::new));
        let module = match parsed {
            Some((mid, loc)) if self.module_ids.insert(ctx, &mid, &loc) => {
                self.modules.push(Module {
                    id: mid,
                    title: title.unwrap_or_default(),
                    note,
                    sessions: Vec::new(),
                });
                Some(self.modules.len() - 1)
            }
            _ => None,
        };
        for n in list(ctx, f.get("sessions"), "sessions") {
            if let Some(s) = self.session(ctx, n, module)
                && let Some(m) = module.and_then(|m| self.modules.get_mut(m))
            {
                m.sessions.push(s);
            }
        }
    }

    fn timing(ctx: &mut Ctx<'_>, f: &Fields<'_>) -> (Option<u32>, Option<u32>) {
        let day = f.get("day").and_then(|n| positive_int(ctx, n, "day"));
        let week = f.get("week").and_then(|n| positive_int(ctx, n, "week"));
        (day, week)
    }

    fn session(&mut self, ctx: &mut Ctx<'_>, node: &Node, module: Option<usize>) -> Option<usize> {
        let f = Fields::read(ctx, node, "a session", SESSION_FIELDS)?;
        let id_node = f.required(ctx, "id", "a session");
        let title = f
            .required(ctx, "title", "a session")
            .and_then(|n| text(ctx, n));
        let (day, week) = Self::timing(ctx, &f);
        let hours = f.get("hours").and_then(|n| non_negative(ctx, n, "hours"));
        let note = opt_text(ctx, &f, "note");
        let covers: Vec<Cover> = list(ctx, f.get("covers"), "item references")
            .iter()
            .filter_map(|n| self.cover(ctx, n, true))
            .collect();
        let parsed = id_node.and_then(|n| id(ctx, n, "session id", LocalId::new));
        let Some((sid, loc)) = parsed.filter(|(sid, loc)| self.activity_ids.insert(ctx, sid, loc))
        else {
            self.dropped.extend(located(covers));
            return None;
        };
        if f.get("covers").is_none() {
            ctx.push(
                Diagnostic::at(
                    Code::NoCovers,
                    &loc,
                    format!("session `{sid}` covers nothing"),
                )
                .with_label("no `covers`")
                .with_help(
                    "list the framework items it teaches under `covers:`, or remove the session",
                ),
            );
        }
        self.sessions.push(Session {
            id: sid,
            title: title.unwrap_or_default(),
            module,
            day,
            week,
            hours,
            note,
            covers,
            loc,
        });
        Some(self.sessions.len() - 1)
    }

    fn cover(&self, ctx: &mut Ctx<'_>, node: &Node, with_depth: bool) -> Option<Cover> {
        if let Value::Map(_) = node.value {
            let allowed = if with_depth {
                COVER_FIELDS
            } else {
                ASSESSES_FIELDS
            };
            let f = Fields::read(ctx, node, "a cover", allowed)?;
            let depth = match f.get("depth") {
                Some(n) => one_of(
                    ctx,
                    n,
                    "depth",
                    Code::UnknownDepth,
                    Depth::ALL,
                    Depth::as_str,
                )?,
                None if with_depth => Depth::Introduced,
                None => Depth::Assessed,
            };
            let note = opt_text(ctx, &f, "note");
            let r = f.required(ctx, "ref", "a cover")?;
            let (target, loc) = item_ref(ctx, r, &self.bare)?;
            Some(Cover {
                target,
                depth,
                note,
                loc,
            })
        } else {
            let (target, loc) = item_ref(ctx, node, &self.bare)?;
            Some(Cover {
                target,
                depth: if with_depth {
                    Depth::Introduced
                } else {
                    Depth::Assessed
                },
                note: None,
                loc,
            })
        }
    }

    fn assessment(&mut self, ctx: &mut Ctx<'_>, node: &Node) {
        let Some(f) = Fields::read(ctx, node, "an assessment", ASSESSMENT_FIELDS) else {
            return;
        };
        let id_node = f.required(ctx, "id", "an assessment");
        let title = f
            .required(ctx, "title", "an assessment")
            .and_then(|n| text(ctx, n));
        let (day, week) = Self::timing(ctx, &f);
        let note = opt_text(ctx, &f, "note");
        let assesses: Vec<Cover> = list(ctx, f.get("assesses"), "item references")
            .iter()
            .filter_map(|n| self.cover(ctx, n, false))
            .collect();
        let parsed = id_node.and_then(|n| id(ctx, n, "assessment id", LocalId::new));
        let Some((aid, loc)) = parsed.filter(|(aid, loc)| self.activity_ids.insert(ctx, aid, loc))
        else {
            self.dropped.extend(located(assesses));
            return;
        };
        self.assessments.push(Assessment {
            id: aid,
            title: title.unwrap_or_default(),
            day,
            week,
            note,
            assesses,
            loc,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Mappings

const MAPPING_FIELDS: &[&str] = &["from", "to", "links"];
const LINK_FIELDS: &[&str] = &["from", "to", "relation", "note"];

fn mapping(ctx: &mut Ctx<'_>, node: &Node) -> Option<Mapping> {
    let f = fields_with(ctx, node, "a mapping", MAPPING_FIELDS)?;
    let info = info(ctx, &f, DocumentKind::Mapping, false);
    let from = f
        .required(ctx, "from", "a mapping")
        .and_then(|n| id(ctx, n, "framework id", DocId::new));
    let to = f
        .required(ctx, "to", "a mapping")
        .and_then(|n| id(ctx, n, "framework id", DocId::new));
    let links_node = f.required(ctx, "links", "a mapping");
    let mut links = Vec::new();
    let mut dropped = Vec::new();
    if let (Some((from, _)), Some((to, _))) = (&from, &to) {
        for n in list(ctx, links_node, "links") {
            match link(ctx, n, from, to) {
                Ok(l) => links.push(l),
                Err(refs) => dropped.extend(refs),
            }
        }
    }
    let (from, from_loc) = from?;
    let (to, to_loc) = to?;
    let mut info = info?;
    info.dropped_refs = dropped;
    if f.get("title").is_none() {
        info.title = format!("{from} → {to}");
    }
    Some(Mapping {
        info,
        from,
        to,
        links,
        from_loc,
        to_loc,
    })
}

/// A link, or (when it cannot be made) the references in it that were well formed.
fn link(
    ctx: &mut Ctx<'_>,
    node: &Node,
    from: &FrameworkId,
    to: &FrameworkId,
) -> Result<Link, Vec<LocatedRef>> {
    let Some(f) = Fields::read(ctx, node, "a link", LINK_FIELDS) else {
        return Err(Vec::new());
    };
    let from_node = f.required(ctx, "from", "a link");
    let to_node = f.required(ctx, "to", "a link");
    let relation = f.required(ctx, "relation", "a link").and_then(|n| {
        one_of(
            ctx,
            n,
            "relation",
            Code::UnknownRelation,
            Relation::ALL,
            Relation::as_str,
        )
    });
    let note = opt_text(ctx, &f, "note");
    let side = |ctx: &mut Ctx<'_>, n: &Node, fw: &FrameworkId, end: &str| {
        let (r, loc) = item_ref(ctx, n, &BareRefs::In(fw.clone()))?;
        if r.framework() != fw {
            ctx.error(
                Code::InvalidValue,
                n,
                format!("link's `{end}` is in `{}`, not in `{fw}`", r.framework()),
            )
            .label(format!("not in `{fw}`"))
            .help(format!(
                "a link's `{end}` must be an item of `{fw}`, the mapping's `{end}` framework"
            ));
            return None;
        }
        Some((r, loc))
    };
    let from_ref = from_node.and_then(|n| side(ctx, n, from, "from"));
    let to_ref = to_node.and_then(|n| side(ctx, n, to, "to"));
    match (from_ref, to_ref, relation) {
        (Some((from, from_loc)), Some((to, to_loc)), Some(relation)) => Ok(Link {
            from,
            to,
            relation,
            note,
            from_loc,
            to_loc,
        }),
        (a, b, _) => Err(a
            .into_iter()
            .chain(b)
            .map(|(r, loc)| LocatedRef { r, loc })
            .collect()),
    }
}

// ---------------------------------------------------------------------------------------------
// Roles

const ROLE_FIELDS: &[&str] = &["organisation", "requirements"];
const REQUIREMENT_FIELDS: &[&str] = &[
    "id",
    "title",
    "items",
    "rule",
    "within",
    "exempt_if",
    "note",
];
const CONDITION_FIELDS: &[&str] = &["qualification", "within"];
const RULE_FIELDS: &[&str] = &["min_ratio"];

fn role(ctx: &mut Ctx<'_>, node: &Node) -> Option<Role> {
    let f = fields_with(ctx, node, "a role", ROLE_FIELDS)?;
    let info = info(ctx, &f, DocumentKind::Role, true);
    let organisation = opt_text(ctx, &f, "organisation");
    let scope = info
        .as_ref()
        .map_or_else(|| "this role".to_owned(), |i| format!("role `{}`", i.id));
    let mut seen = Seen::new("requirement", scope);
    let mut requirements = Vec::new();
    let mut dropped = Vec::new();
    let requirements_node = f.required(ctx, "requirements", "a role");
    for n in list(ctx, requirements_node, "requirements") {
        if let Some(r) = requirement(ctx, n, &mut seen, &mut dropped) {
            requirements.push(r);
        }
    }
    let mut info = info?;
    info.dropped_refs = dropped;
    Some(Role {
        info,
        organisation,
        requirements,
    })
}

fn requirement(
    ctx: &mut Ctx<'_>,
    node: &Node,
    seen: &mut Seen<LocalId>,
    dropped: &mut Vec<LocatedRef>,
) -> Option<Requirement> {
    let f = Fields::read(ctx, node, "a requirement", REQUIREMENT_FIELDS)?;
    let id_node = f.required(ctx, "id", "a requirement");
    let title = opt_text(ctx, &f, "title");
    let bare = BareRefs::Refused("a role lists no frameworks".to_owned());
    let mut items = Vec::new();
    let mut item_locs = Vec::new();
    let items_node = f.required(ctx, "items", "a requirement");
    for n in list(ctx, items_node, "item references") {
        if let Some((r, loc)) = item_ref(ctx, n, &bare) {
            items.push(r);
            item_locs.push(loc);
        }
    }
    let rule = f.get("rule").map_or(Some(Rule::All), |n| rule(ctx, n));
    let within = f.get("within").and_then(|n| duration(ctx, n));
    let exempt_if = list(ctx, f.get("exempt_if"), "conditions")
        .iter()
        .filter_map(|n| condition(ctx, n))
        .collect();
    let note = opt_text(ctx, &f, "note");
    let parsed = id_node.and_then(|n| id(ctx, n, "requirement id", LocalId::new));
    let (Some((rid, _)), Some(rule)) =
        (parsed.filter(|(rid, loc)| seen.insert(ctx, rid, loc)), rule)
    else {
        dropped.extend(
            items
                .into_iter()
                .zip(item_locs)
                .map(|(r, loc)| LocatedRef { r, loc }),
        );
        return None;
    };
    Some(Requirement {
        id: rid,
        title,
        items,
        rule,
        within,
        exempt_if,
        note,
        item_locs,
    })
}

fn rule(ctx: &mut Ctx<'_>, node: &Node) -> Option<Rule> {
    if let Value::Map(_) = node.value {
        let f = Fields::read(ctx, node, "a rule", RULE_FIELDS)?;
        let n = f.required(ctx, "min_ratio", "a rule")?;
        let r = non_negative(ctx, n, "`min_ratio`")?;
        if r == 0.0 || r > 1.0 {
            ctx.error(
                Code::InvalidValue,
                n,
                format!("`min_ratio` {r} is not between 0 and 1"),
            )
            .label("out of range")
            .help("give the share of leaves to meet, above 0 and at most 1, such as `0.8`");
            return None;
        }
        return Some(Rule::MinRatio(r));
    }
    let s = text(ctx, node)?;
    if s == "all" {
        Some(Rule::All)
    } else {
        ctx.error(Code::InvalidValue, node, format!("unknown rule `{s}`"))
            .label("not a rule")
            .help("write `rule: all` or `rule: { min_ratio: 0.8 }`");
        None
    }
}

fn duration(ctx: &mut Ctx<'_>, node: &Node) -> Option<Duration> {
    let (s, _) = id_text(ctx, node, "duration").or_else(|| Some((String::new(), ctx.loc(node))))?;
    if let Some(d) = Duration::parse(&s) {
        return Some(d);
    }
    ctx.error(Code::InvalidValue, node, format!("`{s}` is not a duration"))
        .label("not a duration")
        .help("write a whole number and a unit: `30d`, `16w`, `6mo` or `5y`");
    None
}

fn condition(ctx: &mut Ctx<'_>, node: &Node) -> Option<Condition> {
    let f = Fields::read(ctx, node, "an exemption condition", CONDITION_FIELDS)?;
    let qualification = f
        .required(ctx, "qualification", "an exemption condition")
        .and_then(|n| text(ctx, n));
    let within = f.get("within").and_then(|n| duration(ctx, n));
    Some(Condition {
        qualification: qualification?,
        within,
    })
}
