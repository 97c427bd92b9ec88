//! Mapping documents: links between two frameworks' items.

use super::reader::{BareRefs, Ctx, Fields, id, item_ref, list, non_negative, one_of, opt_text};
use super::{fields_with, info};

use crate::diagnostic::Code;
use crate::ids::{DocId, FrameworkId};
use crate::model::{DocumentKind, Justification, Link, LocatedRef, Mapping, Relation};
use crate::yaml::Node;

pub(crate) const MAPPING_FIELDS: &[&str] = &["from", "to", "links", "no_match"];
pub(crate) const LINK_FIELDS: &[&str] = &[
    "from",
    "to",
    "relation",
    "note",
    "confidence",
    "justification",
];

pub(super) fn mapping(ctx: &mut Ctx<'_>, node: &Node) -> Option<Mapping> {
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
    // Items of `from` assessed with no counterpart.
    let mut no_match = Vec::new();
    if let Some((from, _)) = &from {
        for n in list(ctx, f.get("no_match"), "item references") {
            if let Some((r, loc)) = item_ref(ctx, n, &BareRefs::In(from.clone())) {
                if r.framework() == from {
                    no_match.push(LocatedRef { r, loc });
                } else {
                    ctx.error(
                        Code::InvalidValue,
                        n,
                        format!("`no_match` names `{r}`, which is not an item of `{from}`"),
                    )
                    .label(format!("not in `{from}`"))
                    .help("`no_match` lists items of the mapping's `from` framework that have no counterpart in `to`");
                }
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
        no_match,
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
    let confidence = f.get("confidence").and_then(|n| {
        let v = non_negative(ctx, n, "`confidence`")?;
        if v > 1.0 {
            ctx.error(
                Code::InvalidValue,
                n,
                format!("`confidence` {v} is not between 0 and 1"),
            )
            .help("write how sure the link is as a number from 0 (a guess) to 1 (certain)");
            return None;
        }
        Some(v)
    });
    let justification = f.get("justification").and_then(|n| {
        one_of(
            ctx,
            n,
            "justification",
            Code::InvalidValue,
            Justification::ALL,
            Justification::as_str,
        )
    });
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
            confidence,
            justification,
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
