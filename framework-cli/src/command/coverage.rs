//! `competence coverage`.

use clap::Args;
use framework_core::coverage::{CoverageReport, ItemCoverage, coverage};
use framework_core::report::Threshold;

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::output;
use crate::report::{Block, Cell, Doc, Render, Sheet, SheetRow, Table, Tone};
use crate::session::{CURRICULUM, analyse_documents, status_of};
use framework_core::Diagnostic;

/// Arguments of `competence coverage`.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// The curriculum: its id (see `competence list`) or the path of its file.
    #[arg(value_name = "CURRICULUM")]
    pub curriculum: String,

    /// The framework to measure against (default: the curriculum's first framework).
    #[arg(long, value_name = "FRAMEWORK")]
    pub framework: Option<String>,

    /// Exit with status 1 when fewer than this percentage of the leaves are covered (0 to 100).
    #[arg(long, value_name = "PCT", value_parser = percentage)]
    pub min_coverage: Option<f64>,
}

/// A percentage from 0 to 100.
pub fn percentage(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not between 0 and 100"))
    }
}

/// "12.5%".
pub fn percent(ratio: f64) -> String {
    format!("{:.1}%", ratio * 100.0)
}

/// Runs `competence coverage`.
pub fn run(g: &GlobalArgs, args: &CoverageArgs) -> ExitStatus {
    let named = [(args.curriculum.as_str(), CURRICULUM)];
    let (catalog, mut report) = match analyse_documents(g, named, |c, [curriculum]| {
        coverage(c, curriculum, args.framework.as_deref())
    }) {
        Ok(done) => done,
        Err(status) => return status,
    };
    let below = args.min_coverage.filter(|&min| report.ratio * 100.0 < min);
    if let (Some(min), Some(cur)) = (below, catalog.curriculum(&args.curriculum)) {
        let message = format!(
            "coverage {} is below the minimum of {min}% (`--min-coverage`)",
            percent(report.ratio)
        );
        report.below_threshold(
            Threshold::Document(&cur.info),
            message,
            "cover more of the framework's leaves, or lower `--min-coverage`",
        );
    }
    let written = output::emit(g, &report);
    if written == ExitStatus::Error {
        return written;
    }
    if below.is_some() {
        return ExitStatus::Failure;
    }
    status_of(catalog)
}

fn status_cell(i: &ItemCoverage) -> Cell {
    match (i.leaf, i.covered, i.partial) {
        _ if i.optional && !i.covered => Cell::toned("optional", Tone::Dim),
        (true, true, _) => Cell::toned("covered", Tone::Good),
        (true, false, true) => Cell::toned("partial", Tone::Warn),
        (true, false, false) => Cell::toned("uncovered", Tone::Bad),
        (false, _, _) => {
            let text = format!(
                "{}/{}",
                i.covered_leaves.unwrap_or(0),
                i.leaves.unwrap_or(0)
            );
            let tone = if i.covered {
                Tone::Good
            } else if i.partial {
                Tone::Warn
            } else {
                Tone::Bad
            };
            Cell::toned(text, tone)
        }
    }
}

/// One row per item of the framework, indented by level.
fn items_table(r: &CoverageReport) -> Table {
    let mut t = Table::new(&["REF", "TITLE", "STATUS", "DEPTH", "VIA", "SESSIONS"]);
    for i in &r.items {
        let indent = "  ".repeat(i.level);
        t.row(vec![
            format!("{indent}{}", i.item.item_id().map_or("*", |x| x.as_str())).into(),
            i.title.clone().into(),
            status_cell(i),
            i.depth.map(|d| d.to_string()).unwrap_or_default().into(),
            i.via
                .map(|v| format!("{v:?}").to_lowercase())
                .unwrap_or_default()
                .into(),
            Cell::toned(i.sessions.join(" "), Tone::Dim),
        ]);
    }
    t
}

/// The CSV form: qualified refs, no indentation, every field.
fn csv_table(r: &CoverageReport) -> Table {
    let mut t = Table::new(&[
        "ref",
        "title",
        "leaf",
        "optional",
        "covered",
        "partial",
        "depth",
        "via",
        "sessions",
        "#leaves",
        "#covered_leaves",
    ]);
    for i in &r.items {
        t.row(vec![
            i.item.to_string().into(),
            i.title.clone().into(),
            i.leaf.to_string().into(),
            i.optional.to_string().into(),
            i.covered.to_string().into(),
            i.partial.to_string().into(),
            i.depth.map(|d| d.to_string()).unwrap_or_default().into(),
            i.via
                .map(|v| format!("{v:?}").to_lowercase())
                .unwrap_or_default()
                .into(),
            i.sessions.join(";").into(),
            i.leaves.map(|n| n.to_string()).unwrap_or_default().into(),
            i.covered_leaves
                .map(|n| n.to_string())
                .unwrap_or_default()
                .into(),
        ]);
    }
    t
}

impl Render for CoverageReport {
    const ROWS: Option<&'static str> = Some("items");

    fn doc(&self, _: &[Diagnostic]) -> Doc {
        doc(self)
    }

    fn table(&self, _: &[Diagnostic]) -> Table {
        csv_table(self)
    }

    /// Every item with its title and coloured status and depth, each under the item above it
    /// (an outline level per level of the framework).
    fn sheet(&self, _: &[Diagnostic]) -> Sheet<'_> {
        let headers = [
            "REF", "TITLE", "STATUS", "DEPTH", "VIA", "SESSIONS", "#LEAVES", "#COVERED",
        ];
        let rows = self.items.iter().map(|i| {
            let title = if i.leaf {
                Cell::new(i.title.clone())
            } else {
                Cell::toned(i.title.clone(), Tone::Strong)
            };
            let cells = vec![
                i.item.to_string().into(),
                title,
                status_cell(i),
                match i.depth {
                    Some(d) => Cell::toned(d.to_string(), Tone::depth(d)),
                    None => Cell::new(""),
                },
                i.via
                    .map(|v| format!("{v:?}").to_lowercase())
                    .unwrap_or_default()
                    .into(),
                i.sessions.join(" ").into(),
                i.leaves.map(|n| n.to_string()).unwrap_or_default().into(),
                i.covered_leaves
                    .map(|n| n.to_string())
                    .unwrap_or_default()
                    .into(),
            ];
            SheetRow::of(u8::try_from(i.level).unwrap_or(7).min(7), cells)
        });
        Sheet::new("coverage", &headers, rows)
    }

    /// The heading, the counts, the hours and the sequencing findings.
    fn summary(&self, d: &[Diagnostic]) -> Doc {
        let mut doc = self.doc(d);
        // The items' table is the main sheet.
        if let Some(n) = doc.0.iter().position(|b| matches!(b, Block::Table(_))) {
            doc.0.remove(n);
        }
        doc
    }
}

fn doc(r: &CoverageReport) -> Doc {
    let mut d = Doc::default();
    d.heading(format!(
        "Coverage of `{}` by `{}`",
        r.framework, r.curriculum
    ));
    d.text(format!(
        "{} of {} leaves covered ({}), {} partial, {} uncovered",
        r.covered,
        r.leaves,
        percent(r.ratio),
        r.partial,
        r.uncovered.len()
    ));
    d.table(items_table(r));
    if r.hours.iter().any(|h| h.hours > 0.0) || r.unassigned_hours > 0.0 {
        d.heading("Hours by top-level item");
        let mut t = Table::new(&["REF", "TITLE", "#HOURS"]);
        for h in &r.hours {
            t.row(vec![
                h.item.to_string().into(),
                h.title.clone().into(),
                format!("{:.1}", h.hours).into(),
            ]);
        }
        if r.unassigned_hours > 0.0 {
            t.row(vec![
                Cell::toned("-", Tone::Dim),
                Cell::toned("sessions that touch no item", Tone::Dim),
                format!("{:.1}", r.unassigned_hours).into(),
            ]);
        }
        d.table(t);
    }
    if !r.sequencing.is_empty() {
        d.heading("Sequencing");
        let mut t = Table::new(&["REF", "FINDING"]);
        for s in &r.sequencing {
            t.row(vec![
                s.item.to_string().into(),
                Cell::toned(s.message.clone(), Tone::Warn),
            ]);
        }
        d.table(t);
    }
    d
}
