//! `competence gaps`.

use clap::Args;
use framework_core::gaps::{GapReason, GapsReport, gaps};
use framework_core::model::{Depth, DocumentKind};
use framework_core::report::Threshold;

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::output;
use crate::report::{Cell, Doc, Render, Sheet, Table, Tone};
use crate::session::{SOURCE, TARGET, analyse_documents, status_of};
use framework_core::Diagnostic;

/// Arguments of `competence gaps`.
#[derive(Debug, Args)]
pub struct GapsArgs {
    /// What must be covered: a framework (its leaves) or a role (every leaf its requirements
    /// name), by id or by the path of its file.
    #[arg(long, value_name = "FRAMEWORK_OR_ROLE")]
    pub target: String,

    /// What covers it: a curriculum, or a framework (read through the catalog's mappings), by id
    /// or by the path of its file.
    #[arg(long = "from", value_name = "CURRICULUM_OR_FRAMEWORK")]
    pub source: String,

    /// Count a leaf as covered only when a curriculum reaches it at least this deeply.
    #[arg(long, value_name = "DEPTH", value_parser = depth)]
    pub require_depth: Option<Depth>,

    /// Exit with status 1 when any gap remains.
    #[arg(long)]
    pub fail_on_gaps: bool,
}

fn depth(s: &str) -> Result<Depth, String> {
    Depth::parse(s)
        .ok_or_else(|| format!("`{s}` is not a depth: use introduced, practised or assessed"))
}

/// The gaps: in CSV one row per gap with its top-level item and requirements as columns; for
/// people, grouped under a row per top-level item.
fn table(r: &GapsReport, csv: bool) -> Table {
    let role = r.target_kind == DocumentKind::Role;
    let mut headers = vec!["REF", "TITLE"];
    if csv {
        headers.extend(["TOP", "TOP TITLE"]);
    }
    if role {
        headers.push("REQUIREMENTS");
    }
    headers.extend(["REASON", "FILLED BY"]);
    let mut t = Table::new(&headers);
    let mut group = None;
    for g in &r.gaps {
        let grouped = !csv && g.top != g.item;
        if grouped && group != Some(&g.top) {
            let mut cells = vec![
                Cell::toned(g.top.to_string(), Tone::Strong),
                Cell::toned(g.top_title.clone(), Tone::Strong),
            ];
            cells.extend((2..headers.len()).map(|_| Cell::new("")));
            t.row(cells);
        }
        group = Some(&g.top);
        let tone = match g.reason_code {
            GapReason::OnlyPartial | GapReason::BelowDepth => Tone::Warn,
            _ => Tone::Bad,
        };
        let indent = if grouped { "  " } else { "" };
        let mut cells = vec![
            Cell::new(format!("{indent}{}", g.item)),
            g.title.clone().into(),
        ];
        if csv {
            cells.extend([g.top.to_string().into(), g.top_title.clone().into()]);
        }
        if role {
            cells.push(g.requirements.join(if csv { ";" } else { " " }).into());
        }
        cells.extend([
            Cell::toned(g.reason.clone(), tone),
            g.filled_by.join(if csv { ";" } else { " " }).into(),
        ]);
        t.row(cells);
    }
    t
}

/// For a role: each requirement's leaves and how many are gaps.
fn requirements(r: &GapsReport) -> Table {
    let mut t = Table::new(&["REQUIREMENT", "TITLE", "#MISSING", "#LEAVES"]);
    for q in &r.by_requirement {
        let tone = if q.missing == 0 {
            Tone::Good
        } else {
            Tone::Bad
        };
        t.row(vec![
            q.id.clone().into(),
            q.title.clone().unwrap_or_default().into(),
            Cell::toned(q.missing.to_string(), tone),
            q.leaves.to_string().into(),
        ]);
    }
    t
}

impl Render for GapsReport {
    const ROWS: Option<&'static str> = Some("gaps");

    fn doc(&self, _: &[Diagnostic]) -> Doc {
        let mut d = Doc::default();
        d.heading(format!(
            "Gaps of {} `{}` against {} `{}`",
            self.target_kind, self.target, self.source_kind, self.source
        ));
        let depth = self
            .require_depth
            .map_or(String::new(), |d| format!(" (required depth: {d})"));
        d.text(format!(
            "{} of {} leaves not covered{depth}",
            self.gaps.len(),
            self.leaves
        ));
        if !self.by_requirement.is_empty() {
            d.heading("Per requirement");
            d.table(requirements(self));
        }
        if !self.gaps.is_empty() {
            if !self.by_requirement.is_empty() {
                d.heading("Gaps");
            }
            d.table(table(self, false));
        }
        d
    }

    fn table(&self, _: &[Diagnostic]) -> Table {
        table(self, true)
    }

    /// The CSV table, each gap under a row for its top-level item.
    fn sheet(&self, d: &[Diagnostic]) -> Sheet<'_> {
        Sheet::grouped("gaps", self.table(d), 0, 2, 3)
    }

    /// The heading, the count and, for a role, the table per requirement.
    fn summary(&self, d: &[Diagnostic]) -> Doc {
        let mut doc = self.doc(d);
        doc.0
            .truncate(if self.by_requirement.is_empty() { 2 } else { 4 });
        doc
    }
}

/// Runs `competence gaps`.
pub fn run(g: &GlobalArgs, args: &GapsArgs) -> ExitStatus {
    let named = [
        (args.target.as_str(), TARGET),
        (args.source.as_str(), SOURCE),
    ];
    let (catalog, mut report) = match analyse_documents(g, named, |c, [target, source]| {
        gaps(c, target, source, args.require_depth)
    }) {
        Ok(done) => done,
        Err(status) => return status,
    };
    let failing = args.fail_on_gaps && !report.gaps.is_empty();
    if failing
        && let Ok(target) = catalog.lookup(
            &report.target,
            &[DocumentKind::Framework, DocumentKind::Role],
        )
    {
        let info = target.info();
        let message = format!(
            "{} remaining (`--fail-on-gaps`)",
            output::plural(report.gaps.len(), "gap")
        );
        report.below_threshold(
            Threshold::Document(info),
            message,
            "fill the gaps listed, or leave out `--fail-on-gaps`",
        );
    }
    let written = output::emit(g, &report);
    if written == ExitStatus::Error {
        return written;
    }
    if failing {
        return ExitStatus::Failure;
    }
    status_of(catalog)
}
