//! `competence diff`: two editions of a framework compared.

use clap::Args;
use framework_core::Diagnostic;
use framework_core::diff::{Change, DiffReport, diff};

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::report::{Cell, Doc, Render, Table, Tone};
use crate::session::{FRAMEWORK, analyse_documents, emit_with_status};

/// Arguments of `competence diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old edition: a framework's id or the path of its file.
    #[arg(value_name = "OLD")]
    pub old: String,

    /// The new edition: a framework's id or the path of its file.
    #[arg(value_name = "NEW")]
    pub new: String,

    /// A mapping between the two editions to read (default: any in the catalog).
    #[arg(long, value_name = "MAPPING")]
    pub mapping: Option<String>,
}

fn tone(c: Change) -> Tone {
    match c {
        Change::Unchanged => Tone::Dim,
        Change::Added => Tone::Good,
        Change::Removed => Tone::Bad,
        _ => Tone::Warn,
    }
}

fn refs(list: &[framework_core::ItemRef], sep: &str) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}

fn evidence(c: &framework_core::diff::EditionChange) -> String {
    match (c.evidence, c.confidence) {
        (Some(e), Some(p)) => format!("{} ({p:.2})", serde_name(e)),
        (Some(e), None) => serde_name(e).to_owned(),
        (None, _) => String::new(),
    }
}

fn serde_name(e: framework_core::diff::Evidence) -> &'static str {
    use framework_core::diff::Evidence;
    match e {
        Evidence::Replaces => "replaces",
        Evidence::Mapping => "mapping",
        Evidence::Id => "id",
        Evidence::Lexical => "lexical",
    }
}

fn table(r: &DiffReport, csv: bool) -> Table {
    let sep = if csv { ";" } else { " " };
    let mut t = Table::new(&["CHANGE", "OLD", "NEW", "EVIDENCE", "NOTE"]);
    for c in &r.changes {
        t.row(vec![
            Cell::toned(c.change.as_str(), tone(c.change)),
            refs(&c.old, sep).into(),
            refs(&c.new, sep).into(),
            evidence(c).into(),
            c.note.clone().unwrap_or_default().into(),
        ]);
    }
    t
}

impl Render for DiffReport {
    const ROWS: Option<&'static str> = Some("changes");

    fn doc(&self, _: &[Diagnostic]) -> Doc {
        let mut d = Doc::default();
        d.heading(format!("Changes from `{}` to `{}`", self.old, self.new));
        d.text("Which new item succeeds which old one is decided by `replaces`, then a mapping between the editions, then the same id, then similar titles (a guess, with its confidence).");
        let mut summary = Table::new(&["CHANGE", "#ITEMS"]);
        for c in Change::ALL {
            let n = self.summary.get(&c).copied().unwrap_or(0);
            summary.row(vec![Cell::toned(c.as_str(), tone(c)), n.to_string().into()]);
        }
        d.table(summary);
        d.heading("Changes");
        d.table(table(self, false));
        d
    }

    fn table(&self, _: &[Diagnostic]) -> Table {
        table(self, true)
    }

    /// The edition mapping the changes imply, to review and keep: a pair is `exact` when
    /// unchanged or moved, `close` when renamed or reworded; a split's parts are `narrow`, a
    /// merge's `broad`; removed items are `no_match`. Guesses say `justification: lexical` and
    /// their confidence; every link's note says what decided it.
    fn yaml(&self) -> Option<String> {
        Some(edition_mapping(self))
    }
}

/// The mapping from the old edition to the new that the changes imply (see [`Render::yaml`]).
fn edition_mapping(r: &DiffReport) -> String {
    use serde_json::{Value, json};
    let id = |x: &framework_core::ItemRef| {
        x.item_id()
            .map_or_else(|| "*".to_owned(), ToString::to_string)
    };
    let mut links = Vec::new();
    let mut no_match = Vec::new();
    for c in &r.changes {
        let changed_wording = c
            .also
            .iter()
            .any(|a| matches!(a, Change::Renamed | Change::Reworded));
        let relation = match c.change {
            Change::Moved if changed_wording => "close",
            Change::Unchanged | Change::Moved => "exact",
            Change::Renamed | Change::Reworded => "close",
            Change::Split => "narrow",
            Change::Merged => "broad",
            Change::Removed => {
                no_match.extend(c.old.iter().map(id));
                continue;
            }
            Change::Added => continue,
        };
        let said = match c.evidence {
            Some(e) => format!("{} (evidence: {})", c.change.as_str(), serde_name(e)),
            None => c.change.as_str().to_owned(),
        };
        let note = match &c.note {
            Some(n) => format!("{said}; {n}"),
            None => said,
        };
        for o in &c.old {
            for n in &c.new {
                let mut link = serde_json::Map::new();
                link.insert("from".into(), json!(id(o)));
                link.insert("to".into(), json!(id(n)));
                link.insert("relation".into(), json!(relation));
                link.insert("note".into(), json!(note));
                if c.evidence == Some(framework_core::diff::Evidence::Lexical) {
                    link.insert("justification".into(), json!("lexical"));
                    if let Some(p) = c.confidence {
                        link.insert("confidence".into(), json!(p));
                    }
                }
                links.push(Value::Object(link));
            }
        }
    }
    let mut doc = serde_json::Map::new();
    doc.insert("kind".into(), json!("mapping"));
    doc.insert("id".into(), json!(format!("{}--{}", r.old, r.new)));
    doc.insert(
        "title".into(),
        json!(format!("{} → {} (edition mapping, inferred)", r.old, r.new)),
    );
    doc.insert(
        "source".into(),
        json!(format!("inferred by `competence diff {} {}`", r.old, r.new)),
    );
    doc.insert("completeness".into(), json!("partial"));
    doc.insert(
        "missing".into(),
        json!([
            "a person's review of every link (those with `justification: lexical` are guesses)"
        ]),
    );
    doc.insert("from".into(), json!(r.old.as_str()));
    doc.insert("to".into(), json!(r.new.as_str()));
    doc.insert("links".into(), Value::Array(links));
    if !no_match.is_empty() {
        doc.insert("no_match".into(), json!(no_match));
    }
    framework_core::interop::to_yaml(
        &Value::Object(doc),
        &format!(
            "The edition mapping `competence diff {} {}` inferred. Review every link, then keep it\nas a mapping document: coverage, gaps and crosswalks read it.",
            r.old, r.new
        ),
    )
}

/// Runs `competence diff`.
pub fn run(g: &GlobalArgs, args: &DiffArgs) -> ExitStatus {
    let named = [
        (args.old.as_str(), FRAMEWORK),
        (args.new.as_str(), FRAMEWORK),
    ];
    let (catalog, report) = match analyse_documents(g, named, |c, [old, new]| {
        diff(c, old, new, args.mapping.as_deref())
    }) {
        Ok(done) => done,
        Err(status) => return status,
    };
    emit_with_status(g, catalog, &report)
}
