//! Role documents: requirements, their rules, time limits and exemptions.

use super::reader::{
    BareRefs, Ctx, Fields, id, id_text, item_ref, list, non_negative, opt_text, text,
};
use super::{Seen, fields_with, info};

use crate::diagnostic::Code;
use crate::ids::LocalId;
use crate::model::{Condition, DocumentKind, Duration, LocatedRef, Requirement, Role, Rule};
use crate::yaml::{Node, Value};

pub(crate) const ROLE_FIELDS: &[&str] = &["organisation", "requirements"];
pub(crate) const REQUIREMENT_FIELDS: &[&str] = &[
    "id",
    "title",
    "items",
    "rule",
    "within",
    "valid_for",
    "exempt_if",
    "note",
];
pub(crate) const CONDITION_FIELDS: &[&str] = &["qualification", "within"];
pub(crate) const RULE_FIELDS: &[&str] = &["min_ratio"];

pub(super) fn role(ctx: &mut Ctx<'_>, node: &Node) -> Option<Role> {
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
    let valid_for = f.get("valid_for").and_then(|n| duration(ctx, n));
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
        valid_for,
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
