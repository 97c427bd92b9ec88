//! Framework documents: their items nested (with `also_under`), checked and indexed.

use super::reader::{
    BareRefs, Ctx, Fields, boolean, id, id_text, item_ref, list, non_negative, one_of, opt_text,
    text, text_list,
};
use super::{Seen, fields_with, info};

use crate::diagnostic::{Code, Diagnostic};
use crate::hierarchy::Hierarchy;
use crate::ids::{FrameworkId, ItemId};
use crate::model::{DocumentKind, Framework, Item, ItemIdx, ItemType, LocatedRef, ScaleLevel};
use crate::suggest::did_you_mean;
use crate::yaml::Node;

pub(crate) const FRAMEWORK_FIELDS: &[&str] = &[
    "publisher",
    "levels",
    "items",
    "license_note",
    "extensions",
    "uri",
    "replaces",
    "scale",
];
pub(crate) const SCALE_FIELDS: &[&str] = &["id", "title"];
pub(crate) const ITEM_FIELDS: &[&str] = &[
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
    "uri",
    "alt_labels",
    "note",
    "related",
    "replaces",
];

pub(super) fn framework(ctx: &mut Ctx<'_>, node: &Node) -> Option<Framework> {
    let f = fields_with(ctx, node, "a framework", FRAMEWORK_FIELDS)?;
    let info = info(ctx, &f, DocumentKind::Framework, true);
    let publisher = opt_text(ctx, &f, "publisher");
    let license_note = opt_text(ctx, &f, "license_note");
    let extensions = f.get("extensions").and_then(|n| extensions(ctx, n));
    let levels = text_list(ctx, f.get("levels"), "item kinds");
    let uri = opt_text(ctx, &f, "uri");
    let replaces = f
        .get("replaces")
        .and_then(|n| id(ctx, n, "framework id", FrameworkId::new))
        .map(|(id, _)| id);
    let scale = scale(ctx, f.get("scale"));
    let items_node = f.get("items");
    // Read items even when the id is bad, so that their problems are reported too.
    let fallback = FrameworkId::new("unnamed").ok()?;
    let fw_id = info.as_ref().map_or(&fallback, |i| &i.id).clone();
    // Bare refs in an item's `replaces` name the previous edition's items.
    let earlier = match &replaces {
        Some(previous) => BareRefs::In(previous.clone()),
        None => BareRefs::Refused(
            "this framework names no previous edition (`replaces` at its top), so a bare id cannot say which".to_owned(),
        ),
    };
    let mut b = ItemsBuilder {
        framework: fw_id.clone(),
        earlier,
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
    let index = Framework::index_of(&b.items);
    let also_under = also_under(ctx, &info.id, &b.items, &index);
    let optional: Vec<bool> = b.items.iter().map(|i| i.optional).collect();
    Some(Framework {
        info,
        publisher,
        levels,
        license_note,
        extensions,
        uri,
        replaces,
        scale,
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
        serde_json::Value::Object(map) => {
            let mut value = serde_json::Value::Object(map);
            if escape_unsafe(&mut value) {
                ctx.error(
                    Code::UnsafeCharacter,
                    node,
                    "extensions hold control or invisible characters: kept as their escapes",
                )
                .help("remove them: such characters can hide or reorder what people read");
            }
            match value {
                serde_json::Value::Object(map) => Some(map),
                _ => None,
            }
        }
        serde_json::Value::Null => None,
        _ => {
            ctx.wrong_type(node, "a mapping");
            None
        }
    }
}

/// Escapes every text (and key) of a JSON value that holds an unsafe character (see
/// `crate::safe`), without recursion; whether any did.
fn escape_unsafe(value: &mut serde_json::Value) -> bool {
    use crate::safe::{escape, has_unsafe};
    let mut changed = false;
    let mut stack: Vec<&mut serde_json::Value> = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::String(s) if has_unsafe(s) => {
                *s = escape(s).into_owned();
                changed = true;
            }
            serde_json::Value::Array(items) => stack.extend(items.iter_mut()),
            serde_json::Value::Object(map) => {
                if map.keys().any(|k| has_unsafe(k)) {
                    let old = std::mem::take(map);
                    *map = old
                        .into_iter()
                        .map(|(k, v)| (escape(&k).into_owned(), v))
                        .collect();
                    changed = true;
                }
                stack.extend(map.values_mut());
            }
            _ => {}
        }
    }
    changed
}

/// A framework's proficiency scale: levels `{id, title}`, ids unique.
fn scale(ctx: &mut Ctx<'_>, node: Option<&Node>) -> Vec<ScaleLevel> {
    let mut seen = Seen::new("scale level", "this scale".to_owned());
    let mut out = Vec::new();
    for n in list(ctx, node, "scale levels") {
        let Some(f) = Fields::read(ctx, n, "a scale level", SCALE_FIELDS) else {
            continue;
        };
        let level_id = f
            .required(ctx, "id", "a scale level")
            .and_then(|n| id_text(ctx, n, "scale level id"));
        let title = f
            .required(ctx, "title", "a scale level")
            .and_then(|n| text(ctx, n));
        if let (Some((level_id, loc)), Some(title)) = (level_id, title)
            && seen.insert(ctx, &level_id, &loc)
        {
            out.push(ScaleLevel {
                id: level_id,
                title,
            });
        }
    }
    out
}

struct ItemsBuilder {
    framework: FrameworkId,
    /// How a bare ref in `replaces` is read.
    earlier: BareRefs,
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
        let uri = opt_text(ctx, &f, "uri");
        let alt_labels = text_list(ctx, f.get("alt_labels"), "alternative labels");
        let note = opt_text(ctx, &f, "note");
        let mut related: Vec<LocatedRef> = Vec::new();
        for n in list(ctx, f.get("related"), "item references") {
            let Some((r, loc)) = item_ref(ctx, n, &bare) else {
                continue;
            };
            if r.framework() == &self.framework {
                related.push(LocatedRef { r, loc });
            } else {
                ctx.push(
                    Diagnostic::at(
                        Code::InvalidValue,
                        &loc,
                        format!("`related` names `{r}`, an item of another framework"),
                    )
                    .with_label("not in this framework")
                    .with_help("`related` links items of one framework; link frameworks with a mapping document"),
                );
            }
        }
        let replaces: Vec<LocatedRef> = list(ctx, f.get("replaces"), "item references")
            .iter()
            .filter_map(|n| item_ref(ctx, n, &self.earlier))
            .map(|(r, loc)| LocatedRef { r, loc })
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
                    uri,
                    alt_labels,
                    note,
                    extensions: extensions.map(Box::new),
                    requires,
                    also_under,
                    related,
                    replaces,
                    loc,
                });
                self.parents.push(parent);
                Some(idx)
            }
            _ => {
                self.dropped.extend(requires);
                self.dropped.extend(related);
                self.dropped.extend(replaces);
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
    index: &crate::ids::IdMap<ItemId, ItemIdx>,
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
