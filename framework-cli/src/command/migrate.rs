//! `competence migrate`: a curriculum or role (and a cohort's evidence) moved to a new edition.

use std::path::PathBuf;

use clap::Args;
use framework_core::Code;
use framework_core::migrate::{MigrateReport, migrate};
use serde::Serialize;

use crate::exit::ExitStatus;
use crate::options::{Format, GlobalArgs};
use crate::output::{self, Fatal};
use crate::report::{Cell, Table, Tone};
use crate::session::analyse_documents;

/// Arguments of `competence migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The curriculum or role: its id or the path of its file.
    #[arg(value_name = "CURRICULUM_OR_ROLE")]
    pub document: String,

    /// The new edition (a framework that names the old one as its `replaces`, or that a mapping
    /// links to it).
    #[arg(long, value_name = "FRAMEWORK")]
    pub to: String,

    /// Learner evidence (CSV with a `ref` column, as `learners` reads it) to re-point the same
    /// way; written to `--evidence-out`.
    #[arg(long, value_name = "FILE", requires = "evidence_out")]
    pub evidence: Option<PathBuf>,

    /// Where the re-pointed evidence goes.
    #[arg(long, value_name = "FILE", requires = "evidence")]
    pub evidence_out: Option<PathBuf>,
}

#[derive(Serialize)]
struct Json<'a> {
    #[serde(flatten)]
    report: &'a MigrateReport,
    unmapped: usize,
    file: Option<String>,
    evidence: Option<EvidenceMoved>,
    diagnostics: &'a [framework_core::Diagnostic],
}

/// What re-pointing a cohort's evidence did.
#[derive(Debug, Clone, Serialize)]
struct EvidenceMoved {
    rows: usize,
    repointed: usize,
    added_for_splits: usize,
    unmapped: usize,
}

/// Runs `competence migrate`.
pub fn run(g: &GlobalArgs, args: &MigrateArgs) -> ExitStatus {
    const KINDS: &[framework_core::model::DocumentKind] = &[
        framework_core::model::DocumentKind::Curriculum,
        framework_core::model::DocumentKind::Role,
    ];
    let named = [(args.document.as_str(), KINDS)];
    let to = args.to.clone();
    let (catalog, report) = match analyse_documents(g, named, |c, [doc]| migrate(c, doc, &to)) {
        Ok(done) => done,
        Err(status) => return status,
    };
    let origin = format!(
        "Moved from `{}` to `{}` by `competence migrate`. References with no successor are left as\nthey were: see the report, and decide each.",
        report.from, report.to
    );
    let yaml = framework_core::interop::to_yaml(&report.migrated, &origin);
    let evidence = match (&args.evidence, &args.evidence_out) {
        (Some(input), Some(out)) => match repoint_evidence(g, &report, input, out) {
            Ok(e) => Some(e),
            Err(status) => return status,
        },
        _ => None,
    };
    if let Some(out) = &g.output
        && output::write_file(g, out, yaml.as_bytes()) != ExitStatus::Success
    {
        return ExitStatus::Error;
    }
    let unmapped = report.unmapped().count();
    if matches!(g.format, Format::Json) {
        let doc = Json {
            report: &report,
            unmapped,
            file: g.output.as_ref().map(|p| p.display().to_string()),
            evidence: evidence.clone(),
            diagnostics: catalog.diagnostics(),
        };
        let w = output::print_json(&doc);
        if w == ExitStatus::Error {
            return w;
        }
    } else {
        output::print_diagnostics(catalog.diagnostics());
        let mut t = Table::new(&["WHERE", "FROM", "TO", "CHANGE"]);
        for r in &report.references {
            let to: Vec<String> = r.to.iter().map(ToString::to_string).collect();
            let (text, tone) = if to.is_empty() {
                ("no successor: left as it was".to_owned(), Tone::Bad)
            } else {
                (to.join(" "), Tone::Plain)
            };
            t.row(vec![
                r.at.clone().into(),
                r.from.to_string().into(),
                Cell::toned(text, tone),
                r.change.as_str().into(),
            ]);
        }
        let mut doc = crate::report::Doc::default();
        doc.heading(format!(
            "`{}` moved from `{}` to `{}`: {} references, {} with no successor",
            report.document,
            report.from,
            report.to,
            report.references.len(),
            unmapped
        ));
        doc.table(t);
        if let Some(e) = &evidence {
            doc.text(format!(
                "evidence: {} rows, {} re-pointed, {} added for split items, {} with no successor (kept as they were)",
                e.rows, e.repointed, e.added_for_splits, e.unmapped
            ));
        }
        eprint!("{}", doc.human(false));
        if g.output.is_none() {
            let w = output::print_text(&yaml);
            if w == ExitStatus::Error {
                return w;
            }
        }
    }
    let unmapped_evidence = evidence.as_ref().is_some_and(|e| e.unmapped > 0);
    if unmapped > 0 || unmapped_evidence || catalog.has_errors() {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

/// Re-points an evidence CSV's `ref` column: a row for an item that split is written once per
/// new item; a row whose item has no successor is kept as it was.
fn repoint_evidence(
    g: &GlobalArgs,
    report: &MigrateReport,
    input: &std::path::Path,
    out: &std::path::Path,
) -> Result<EvidenceMoved, ExitStatus> {
    let fail =
        |message: String| output::fatal(g.format, &Fatal::new(Code::Unreadable, message, None));
    let bytes = framework_core::files::read_file_limited(input, g.max_file_size)
        .map_err(|e| fail(format!("cannot read `{}`: {e}", input.display())))?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let headers = reader
        .headers()
        .map_err(|e| fail(format!("`{}` is not CSV: {e}", input.display())))?
        .clone();
    let Some(col) = headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case("ref"))
    else {
        return Err(fail(format!("`{}` has no `ref` column", input.display())));
    };
    // Old reference text -> new references (none when nothing succeeds it).
    let by_ref: std::collections::HashMap<String, Vec<String>> = report
        .successors
        .iter()
        .map(|(o, n)| (o.to_string(), n.iter().map(ToString::to_string).collect()))
        .collect();
    let old = format!("{}:", report.from);
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut moved = EvidenceMoved {
        rows: 0,
        repointed: 0,
        added_for_splits: 0,
        unmapped: 0,
    };
    let written = w.write_record(&headers);
    let mut result = written.map_err(|e| e.to_string());
    for record in reader.records() {
        let record =
            record.map_err(|e| fail(format!("`{}` cannot be read: {e}", input.display())))?;
        moved.rows += 1;
        let value = record.get(col).unwrap_or("").trim();
        let news: Vec<String> = if value.starts_with(&old) {
            by_ref.get(value).cloned().unwrap_or_default()
        } else {
            vec![value.to_owned()]
        };
        if value.starts_with(&old) && news.is_empty() {
            moved.unmapped += 1;
        }
        let targets = if news.is_empty() {
            vec![value.to_owned()]
        } else {
            news
        };
        if value.starts_with(&old) && !targets.iter().all(|t| t == value) {
            moved.repointed += 1;
            moved.added_for_splits += targets.len() - 1;
        }
        for t in targets {
            let row: Vec<&str> = record
                .iter()
                .enumerate()
                .map(|(n, f)| if n == col { t.as_str() } else { f })
                .collect();
            result = result.and_then(|()| w.write_record(&row).map_err(|e| e.to_string()));
        }
    }
    let bytes = result
        .and_then(|()| w.into_inner().map_err(|e| e.to_string()))
        .map_err(|e| fail(format!("cannot make the evidence: {e}")))?;
    if output::write_file(g, out, &bytes) != ExitStatus::Success {
        return Err(ExitStatus::Error);
    }
    Ok(moved)
}
