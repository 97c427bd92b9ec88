//! Validation across documents, once a catalog's documents are loaded: every reference
//! resolves, and neither `requires` nor parenthood loops (SPEC §2, validate).
//!
//! Checks inside one document (fields, ids, values) are made while loading it (`load`); checks
//! that need the whole catalog are here.

use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic, Loc};
use crate::graph::{ActivityHandle, ActivityKind, Edges, ItemHandle, Target};
use crate::ids::ItemRef;
use crate::suggest::did_you_mean;

/// Reports every reference that does not resolve (`unknown-document`, `unknown-ref`), and
/// gives the ones that do as the graph's edges: each reference is resolved once, here.
pub(crate) fn references(catalog: &Catalog, diags: &mut Vec<Diagnostic>) -> Edges {
    let mut refs = Refs {
        catalog,
        edges: Edges {
            framework_sizes: catalog.sizes().collect(),
            ..Edges::default()
        },
    };
    refs.check_refs(diags);
    refs.edges
}

/// Reports every cycle in `requires` (across frameworks) and in parenthood (`also_under`).
pub(crate) fn cycles(catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    for cycle in catalog.graph().requires_cycles() {
        diags.extend(cycle_diagnostic(catalog, &cycle, Loop::Requires));
    }
    for (f, fw) in catalog.frameworks().iter().enumerate() {
        for cycle in fw.hierarchy().cycles() {
            let handles: Vec<ItemHandle> =
                cycle.into_iter().map(|i| ItemHandle::new(f, i)).collect();
            diags.extend(cycle_diagnostic(catalog, &handles, Loop::Parenthood));
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Loop {
    Requires,
    Parenthood,
}

fn cycle_diagnostic(catalog: &Catalog, handles: &[ItemHandle], what: Loop) -> Option<Diagnostic> {
    let first = *handles.first()?;
    let same_framework = handles
        .iter()
        .all(|h| h.framework_position() == first.framework_position());
    let names: Vec<String> = handles
        .iter()
        .filter_map(|&h| {
            if same_framework {
                catalog.item(h).map(|i| format!("`{}`", i.id))
            } else {
                catalog.item_ref(h).map(|r| format!("`{r}`"))
            }
        })
        .collect();
    // Point at the reference that closes the cycle's first step.
    let loc = handles
        .windows(2)
        .find_map(|w| edge_loc(catalog, w[0], w[1], what))?;
    let (word, help) = match what {
        Loop::Requires => (
            "requires",
            "an item cannot need, even indirectly, something that needs it: remove one of these `requires`",
        ),
        Loop::Parenthood => (
            "parenthood",
            "an item cannot be, even indirectly, under itself: remove one of these `also_under`",
        ),
    };
    Some(
        Diagnostic::at(
            Code::Cycle,
            &loc,
            format!("cycle in {word}: {}", names.join(" → ")),
        )
        .with_label("closes the cycle")
        .with_help(help),
    )
}

fn edge_loc(catalog: &Catalog, from: ItemHandle, to: ItemHandle, what: Loop) -> Option<Loc> {
    let item = catalog.item(from)?;
    match what {
        Loop::Requires => item
            .requires
            .iter()
            .find(|r| catalog.resolve(&r.r) == Some(Target::Item(to)))
            .map(|r| r.loc.clone()),
        Loop::Parenthood => {
            let to_item = catalog.item(to)?;
            item.also_under
                .iter()
                .find(|(id, _)| *id == to_item.id)
                .map(|(_, loc)| loc.clone())
        }
    }
}

struct Refs<'c> {
    catalog: &'c Catalog,
    /// What the references that resolve link.
    edges: Edges,
}

impl Refs<'_> {
    /// Checks that a reference resolves; reports `unknown-document` or `unknown-ref` if not.
    fn check_ref(&self, r: &ItemRef, loc: &Loc, diags: &mut Vec<Diagnostic>) -> Option<Target> {
        if let Some(t) = self.catalog.resolve(r) {
            return Some(t);
        }
        let Some(f) = self.catalog.framework_position(r.framework().as_str()) else {
            diags.push(self.unknown_framework(r.framework().as_str(), loc));
            return None;
        };
        let t = self.catalog.resolve(r);
        if t.is_none() {
            let fw = self.catalog.frameworks().get(f)?;
            let id = r.item_id().map_or("*", |i| i.as_str());
            let mut d = Diagnostic::at(
                Code::UnknownRef,
                loc,
                format!("unknown item `{id}` in framework `{}`", fw.info.id),
            )
            .with_label(format!("not defined in `{}`", fw.info.id));
            if let Some(h) = did_you_mean(id, fw.items().iter().map(|i| i.id.as_str())) {
                d = d.with_help(h);
            }
            diags.push(d);
        }
        t
    }

    fn unknown_framework(&self, id: &str, loc: &Loc) -> Diagnostic {
        let d = Diagnostic::at(
            Code::UnknownDocument,
            loc,
            format!("unknown framework `{id}`"),
        )
        .with_label("not in the catalog");
        let suggestion = self
            .catalog
            .lookup_framework(id)
            .err()
            .and_then(|e| e.suggestion());
        match suggestion {
            Some(h) => d.with_help(h),
            None => d.with_help(
                "add the framework's file with `--catalog PATH`, or run `competence list` to see the frameworks",
            ),
        }
    }

    fn check_refs(&mut self, diags: &mut Vec<Diagnostic>) {
        for doc in self.catalog.documents() {
            for r in &doc.info().dropped_refs {
                self.check_ref(&r.r, &r.loc, diags);
            }
        }
        for (f, fw) in self.catalog.frameworks().iter().enumerate() {
            for (idx, item) in fw.indexed() {
                for r in &item.requires {
                    if let Some(t) = self.check_ref(&r.r, &r.loc, diags) {
                        self.edges.requires.push((ItemHandle::new(f, idx), t));
                    }
                }
                for r in &item.related {
                    let own = r.r.item_id() == Some(&item.id);
                    if own {
                        diags.push(
                            Diagnostic::at(
                                Code::InvalidValue,
                                &r.loc,
                                format!("item `{}` is listed as related to itself", item.id),
                            )
                            .with_label("names the item itself")
                            .with_help("remove it from `related`"),
                        );
                    } else {
                        self.check_ref(&r.r, &r.loc, diags);
                    }
                }
                for r in &item.replaces {
                    self.check_ref(&r.r, &r.loc, diags);
                }
            }
        }
        for (curriculum, c) in self.catalog.curricula().iter().enumerate() {
            let mut known = Vec::new();
            for (id, loc) in c.frameworks.iter().zip(&c.framework_locs) {
                if self.catalog.framework_position(id.as_str()).is_none() {
                    diags.push(self.unknown_framework(id.as_str(), loc));
                } else {
                    known.push(id);
                }
            }
            let sessions = c
                .sessions
                .iter()
                .map(|s| (ActivityKind::Session, &s.covers));
            let assessments = c
                .assessments
                .iter()
                .map(|a| (ActivityKind::Assessment, &a.assesses));
            let mut index = [0, 0];
            for (kind, covers) in sessions.chain(assessments) {
                let n = &mut index[usize::from(kind == ActivityKind::Assessment)];
                let h = ActivityHandle {
                    curriculum,
                    kind,
                    index: *n,
                };
                *n += 1;
                let mut resolved = Vec::with_capacity(covers.len());
                for cover in covers {
                    // An unknown framework in `frameworks` is reported once, not at every bare
                    // ref.
                    let listed_unknown = c.frameworks.contains(cover.target.framework())
                        && !known.contains(&cover.target.framework());
                    if listed_unknown {
                        continue;
                    }
                    if let Some(t) = self.check_ref(&cover.target, &cover.loc, diags) {
                        resolved.push((t, cover.depth));
                    }
                }
                self.edges.activities.push((h, resolved));
            }
        }
        for (position, m) in self.catalog.mappings().iter().enumerate() {
            let from_ok = self.catalog.framework_position(m.from.as_str()).is_some();
            let to_ok = self.catalog.framework_position(m.to.as_str()).is_some();
            if !from_ok {
                diags.push(self.unknown_framework(m.from.as_str(), &m.from_loc));
            }
            if !to_ok {
                diags.push(self.unknown_framework(m.to.as_str(), &m.to_loc));
            }
            if from_ok {
                for r in &m.no_match {
                    self.check_ref(&r.r, &r.loc, diags);
                }
            }
            for l in &m.links {
                let from = from_ok
                    .then(|| self.check_ref(&l.from, &l.from_loc, diags))
                    .flatten();
                let to = to_ok
                    .then(|| self.check_ref(&l.to, &l.to_loc, diags))
                    .flatten();
                if let (Some(a), Some(b)) = (from, to) {
                    self.edges.maps.push((a, b, l.relation, position));
                }
            }
        }
        for role in self.catalog.roles() {
            for (r, loc) in role.all_refs() {
                self.check_ref(r, loc, diags);
            }
        }
    }
}
