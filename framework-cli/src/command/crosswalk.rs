//! `competence crosswalk`.

use clap::Args;
use framework_core::crosswalk::{CrosswalkReport, crosswalk};
use framework_core::model::Relation;

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::output;
use crate::report::{Cell, Doc, Render, Table, Tone};
use crate::session::{FRAMEWORK, analyse_documents, emit_with_status};
use framework_core::Diagnostic;

/// Arguments of `competence crosswalk`.
#[derive(Debug, Args)]
pub struct CrosswalkArgs {
    /// The framework to read from: its id or the path of its file.
    #[arg(value_name = "FROM")]
    pub from: String,

    /// The framework to read to: its id or the path of its file.
    #[arg(value_name = "TO")]
    pub to: String,
}

fn tone(r: Relation) -> Tone {
    match r {
        Relation::Exact | Relation::Close => Tone::Good,
        Relation::Narrow | Relation::Broad => Tone::Plain,
        Relation::Related => Tone::Dim,
    }
}

fn table(r: &CrosswalkReport, csv: bool) -> Table {
    let mut t = Table::new(&["FROM", "TO", "RELATION", "MAPPINGS", "THROUGH"]);
    let sep = if csv { ";" } else { " + " };
    for l in &r.links {
        let mappings = l
            .mappings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(sep);
        // The items between the two ends, when the link is composed.
        let through = l
            .path
            .iter()
            .skip(1)
            .take(l.path.len().saturating_sub(2))
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(if csv { ";" } else { " → " });
        t.row(vec![
            l.from.to_string().into(),
            l.to.to_string().into(),
            Cell::toned(l.relation.as_str(), tone(l.relation)),
            Cell::toned(mappings, Tone::Dim),
            Cell::toned(through, Tone::Dim),
        ]);
    }
    t
}

fn refs(list: &[framework_core::ItemRef]) -> String {
    list.iter()
        .map(|r| format!("`{r}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Render for CrosswalkReport {
    const ROWS: Option<&'static str> = Some("links");

    fn doc(&self, _: &[Diagnostic]) -> Doc {
        let report = self;
        let mut d = Doc::default();
        d.heading(format!(
            "Crosswalk from `{}` to `{}`",
            report.from, report.to
        ));
        d.text(format!(
            "{}; {} leaves of `{}` and {} of `{}` have no counterpart",
            output::plural(report.links.len(), "link"),
            report.unmatched_from.len(),
            report.from,
            report.unmatched_to.len(),
            report.to
        ));
        if !report.links.is_empty() {
            d.table(table(report, false));
        }
        if !report.one_to_many.is_empty() {
            d.heading("One to many");
            d.text(refs(&report.one_to_many));
        }
        if !report.many_to_one.is_empty() {
            d.heading("Many to one");
            d.text(refs(&report.many_to_one));
        }
        if !report.unmatched_from.is_empty() {
            d.heading(format!("No counterpart in `{}`", report.to));
            d.text(refs(&report.unmatched_from));
        }
        if !report.unmatched_to.is_empty() {
            d.heading(format!("Nothing in `{}` reaches", report.from));
            d.text(refs(&report.unmatched_to));
        }
        d
    }

    fn table(&self, _: &[Diagnostic]) -> Table {
        table(self, true)
    }
}

/// Runs `competence crosswalk`.
pub fn run(g: &GlobalArgs, args: &CrosswalkArgs) -> ExitStatus {
    let named = [
        (args.from.as_str(), FRAMEWORK),
        (args.to.as_str(), FRAMEWORK),
    ];
    let (catalog, report) =
        match analyse_documents(g, named, |c, [from, to]| crosswalk(c, from, to)) {
            Ok(done) => done,
            Err(status) => return status,
        };
    emit_with_status(g, catalog, &report)
}
