//! `competence gaps`.

use clap::Args;
use framework_core::gaps::{GapReason, GapsReport, gaps};
use framework_core::model::{Depth, DocumentKind};
use framework_core::report::Threshold;

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::output;
use crate::report::{Cell, Doc, Render, Table, Tone};
use crate::session::{analyse, status_of};
use framework_core::Diagnostic;

/// Arguments of `competence gaps`.
#[derive(Debug, Args)]
pub struct GapsArgs {
    /// What must be covered: a framework (its leaves) or a role (every leaf its requirements name).
    #[arg(long, value_name = "FRAMEWORK_OR_ROLE")]
    pub target: String,

    /// What covers it: a curriculum, or a framework (read through the catalog's mappings).
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

fn table(r: &GapsReport, csv: bool) -> Table {
    let mut t = Table::new(&["REF", "TITLE", "REASON", "FILLED BY"]);
    for g in &r.gaps {
        let tone = match g.reason_code {
            GapReason::OnlyPartial | GapReason::BelowDepth => Tone::Warn,
            _ => Tone::Bad,
        };
        t.row(vec![
            g.item.to_string().into(),
            g.title.clone().into(),
            Cell::toned(g.reason.clone(), tone),
            g.filled_by.join(if csv { ";" } else { " " }).into(),
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
        if !self.gaps.is_empty() {
            d.table(table(self, false));
        }
        d
    }

    fn table(&self, _: &[Diagnostic]) -> Table {
        table(self, true)
    }
}

/// Runs `competence gaps`.
pub fn run(g: &GlobalArgs, args: &GapsArgs) -> ExitStatus {
    let (catalog, mut report) = match analyse(g, |c| {
        gaps(c, &args.target, &args.source, args.require_depth)
    }) {
        Ok(done) => done,
        Err(status) => return status,
    };
    let failing = args.fail_on_gaps && !report.gaps.is_empty();
    if failing
        && let Ok(target) =
            catalog.lookup(&args.target, &[DocumentKind::Framework, DocumentKind::Role])
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
