//! Curriculum documents: modules, sessions, covers and assessments.

use super::reader::{
    BareRefs, Ctx, Fields, id, item_ref, list, non_negative, one_of, opt_text, positive_int, text,
};
use super::{Seen, fields_with, info};

use crate::diagnostic::{Code, Diagnostic};
use crate::ids::{DocId, LocalId};
use crate::model::{
    Assessment, Cover, Curriculum, Depth, DocumentKind, LocatedRef, Module, Session,
};
use crate::yaml::{Node, Value};

pub(crate) const CURRICULUM_FIELDS: &[&str] = &[
    "provider",
    "frameworks",
    "modules",
    "sessions",
    "assessments",
];
pub(crate) const MODULE_FIELDS: &[&str] = &["id", "title", "note", "sessions"];
pub(crate) const SESSION_FIELDS: &[&str] =
    &["id", "title", "day", "week", "hours", "note", "covers"];
pub(crate) const COVER_FIELDS: &[&str] = &["ref", "depth", "note"];
pub(crate) const ASSESSMENT_FIELDS: &[&str] = &["id", "title", "day", "week", "note", "assesses"];
pub(crate) const ASSESSES_FIELDS: &[&str] = &["ref", "note"];

pub(super) fn curriculum(ctx: &mut Ctx<'_>, node: &Node) -> Option<Curriculum> {
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
        // No `covers`, or `covers: []`.
        let empty = f
            .get("covers")
            .is_none_or(|n| matches!(&n.value, Value::Seq(items) if items.is_empty()));
        if empty {
            ctx.push(
                Diagnostic::at(
                    Code::NoCovers,
                    &loc,
                    format!("session `{sid}` covers nothing"),
                )
                .with_label(if f.get("covers").is_none() {
                    "no `covers`"
                } else {
                    "`covers` is empty"
                })
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
