//! `competence learners`.

use std::path::PathBuf;

use clap::Args;
use framework_core::learners::{
    CsvInput, EvidenceInput, LearnersReport, RecordsDialect, RecordsError, Status, XapiInput,
    learners_with,
};
use framework_core::report::Threshold;

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::output;
use crate::report::{Cell, Doc, Render, Table, Tone};
use crate::session::{ROLE, analyse_documents};
use framework_core::Diagnostic;

/// Arguments of `competence learners`.
#[derive(Debug, Args)]
pub struct LearnersArgs {
    /// The role whose requirements learners must meet: its id (see `competence list`) or the
    /// path of its file.
    #[arg(long, value_name = "ROLE")]
    pub role: String,

    /// The learners file: CSV with columns learner, role, start_date[, qualifications].
    #[arg(long, value_name = "FILE")]
    pub learners: PathBuf,

    /// The evidence file: CSV with columns learner, ref, status, date.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "xapi",
        conflicts_with = "xapi"
    )]
    pub evidence: Option<PathBuf>,

    /// Evidence from xAPI statements instead (a JSON array, or one statement per line):
    /// `completed` and `passed` are met, `failed` not met, the timestamp's date the date.
    #[arg(long, value_name = "FILE", requires = "activity_map")]
    pub xapi: Option<PathBuf>,

    /// With --xapi: a CSV `activity,ref` giving the item each activity id stands for.
    #[arg(long, value_name = "FILE", requires = "xapi")]
    pub activity_map: Option<PathBuf>,

    /// Their column names, as OURS=THEIRS pairs joined by commas (ours: learner, role,
    /// start_date, qualifications, ref, status, date), e.g. `learner=UserID,ref=Competency`.
    /// Several headers joined by `|` (`learner=UserID|Learner ID`): each file uses the first it
    /// has.
    #[arg(long, value_name = "OURS=THEIRS,...", value_parser = columns)]
    pub columns: Option<String>,

    /// Their status words, as THEIRS=STATUS pairs joined by commas (STATUS: met, not-met,
    /// exempt), e.g. `passed=met,failed=not-met`. Statuses and aliases match ignoring case,
    /// spaces, hyphens and underscores, so `MET` and `Not met` need no alias.
    #[arg(long, value_name = "THEIRS=STATUS,...", value_parser = status_aliases)]
    pub status_alias: Option<String>,

    /// Their date form, a strftime pattern such as `%d/%m/%Y` (ISO YYYY-MM-DD is read too).
    #[arg(long, value_name = "PATTERN", value_parser = date_format)]
    pub date_format: Option<String>,

    /// The date to compute statuses for, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "DATE", value_parser = as_of)]
    pub as_of: Option<jiff::civil::Date>,

    /// Report only this learner.
    #[arg(long, value_name = "ID")]
    pub learner: Option<String>,

    /// Exit with status 1 when any requirement of any learner is overdue, or expired (its
    /// refresher is due).
    #[arg(long)]
    pub fail_on_overdue: bool,
}

fn columns(s: &str) -> Result<String, String> {
    RecordsDialect::default()
        .with_columns(s)
        .map(|_| s.to_owned())
        .map_err(|e| e.to_string())
}

fn status_aliases(s: &str) -> Result<String, String> {
    RecordsDialect::default()
        .with_status_aliases(s)
        .map(|_| s.to_owned())
        .map_err(|e| e.to_string())
}

fn date_format(s: &str) -> Result<String, String> {
    RecordsDialect::default()
        .date_format(s)
        .map(|_| s.to_owned())
        .map_err(|e| e.to_string())
}

impl LearnersArgs {
    /// How the records are read (each option was checked as it was parsed).
    fn dialect(&self) -> Result<RecordsDialect, framework_core::learners::DialectError> {
        let mut d = RecordsDialect::default();
        if let Some(c) = &self.columns {
            d = d.with_columns(c)?;
        }
        if let Some(a) = &self.status_alias {
            d = d.with_status_aliases(a)?;
        }
        if let Some(f) = &self.date_format {
            d = d.date_format(f)?;
        }
        Ok(d)
    }
}

fn as_of(s: &str) -> Result<jiff::civil::Date, String> {
    framework_core::learners::date(s)
        .ok_or_else(|| format!("`{s}` is not a date: write YYYY-MM-DD"))
}

fn tone(s: Status) -> Tone {
    match s {
        Status::Met | Status::Exempt => Tone::Good,
        Status::InProgress => Tone::Plain,
        Status::Overdue | Status::Expired => Tone::Bad,
    }
}

fn date(d: Option<jiff::civil::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The main table's headers (`#`: a number).
const HEADERS: [&str; 6] = [
    "LEARNER",
    "REQUIREMENT",
    "STATUS",
    "DUE",
    "#DONE",
    "MISSING",
];

/// The main table's rows as CSV holds them, one per learner and requirement: every missing
/// leaf, joined by `;`.
fn csv_rows(r: &LearnersReport) -> impl Iterator<Item = [String; 6]> + '_ {
    r.learners.iter().flat_map(|l| {
        l.requirements.iter().map(|q| {
            let mut missing = String::new();
            for (n, leaf) in q.missing.iter().enumerate() {
                if n > 0 {
                    missing.push(';');
                }
                // Without formatting machinery: there can be millions.
                let _ = leaf.write_text(&mut missing);
            }
            [
                l.learner.clone(),
                q.id.clone(),
                q.status.as_str().to_owned(),
                date(q.due),
                format!("{:.1}%", q.done * 100.0),
                missing,
            ]
        })
    })
}

/// One row per learner and requirement, as a terminal or a page shows it (the missing leaves
/// counted when there are several).
fn table(r: &LearnersReport) -> Table {
    let mut t = Table::new(&HEADERS);
    for l in &r.learners {
        for q in &l.requirements {
            let missing = match q.missing.len() {
                0 => String::new(),
                1 => q.missing.iter().map(ToString::to_string).collect(),
                n => format!("{n} leaves"),
            };
            t.row(vec![
                l.learner.clone().into(),
                q.id.clone().into(),
                Cell::toned(q.status.as_str(), tone(q.status)),
                date(q.due).into(),
                format!("{:.1}%", q.done * 100.0).into(),
                Cell::toned(missing, Tone::Dim),
            ]);
        }
    }
    t
}

/// The last line of the learners report as JSON lines.
#[derive(serde::Serialize)]
struct LearnersRest<'a> {
    role: &'a str,
    as_of: Option<String>,
    summary: &'a framework_core::learners::Summary,
    diagnostics: &'a [Diagnostic],
}

impl Render for LearnersReport {
    /// One learner per line, from the typed report (no JSON value of the whole report), then
    /// `{"role", "as_of", "summary", "diagnostics"}`.
    fn jsonl(
        &self,
        diagnostics: &[Diagnostic],
        out: &mut dyn std::io::Write,
    ) -> Option<std::io::Result<()>> {
        let rest = LearnersRest {
            role: &self.role,
            as_of: self.as_of.map(|d| d.to_string()),
            summary: &self.summary,
            diagnostics,
        };
        Some(crate::report::json_lines(&self.learners, &rest, out))
    }

    fn doc(&self, _: &[Diagnostic]) -> Doc {
        doc(self)
    }

    fn table(&self, _: &[Diagnostic]) -> Table {
        let mut t = Table::new(&HEADERS);
        let statuses = self
            .learners
            .iter()
            .flat_map(|l| l.requirements.iter().map(|q| q.status));
        for (row, status) in csv_rows(self).zip(statuses) {
            // The status coloured, for a workbook.
            let cells = row.into_iter().enumerate().map(|(n, text)| match n {
                2 => Cell::toned(text, tone(status)),
                _ => Cell::from(text),
            });
            t.row(cells.collect());
        }
        t
    }

    fn sheet(&self, d: &[Diagnostic]) -> crate::report::Sheet<'_> {
        crate::report::Sheet::flat("learners", self.table(d))
    }

    /// Written row by row: a cohort's table can be far larger than the report.
    fn csv(&self, out: &mut dyn std::io::Write) -> Option<std::io::Result<()>> {
        let headers = HEADERS.map(|h| h.trim_start_matches('#'));
        let write = |out: &mut dyn std::io::Write| {
            let mut w = crate::report::CsvRows::new(out, &headers)?;
            for row in csv_rows(self) {
                w.row(&row)?;
            }
            w.finish()
        };
        Some(write(out))
    }
}

/// A count that is bad news when it is not zero (overdue, expired).
fn alarm(n: usize) -> Cell {
    Cell::toned(n.to_string(), if n > 0 { Tone::Bad } else { Tone::Plain })
}

fn doc(r: &LearnersReport) -> Doc {
    let s = &r.summary;
    let mut d = Doc::default();
    d.heading(format!(
        "Learners against role `{}` as of {}",
        r.role,
        date(r.as_of)
    ));
    d.text(format!(
        "{}: {} met, {} in progress, {} overdue, {} exempt, {} expired (learner × requirement)",
        output::plural(s.learners, "learner"),
        s.counts.met,
        s.counts.in_progress,
        s.counts.overdue,
        s.counts.exempt,
        s.counts.expired
    ));
    if !r.learners.is_empty() {
        d.table(table(r));
    }
    d.heading("By requirement");
    let mut t = Table::new(&[
        "REQUIREMENT",
        "#MET",
        "#IN PROGRESS",
        "#OVERDUE",
        "#EXEMPT",
        "#EXPIRED",
    ]);
    for q in &s.requirements {
        t.row(vec![
            q.id.clone().into(),
            q.counts.met.to_string().into(),
            q.counts.in_progress.to_string().into(),
            alarm(q.counts.overdue),
            q.counts.exempt.to_string().into(),
            alarm(q.counts.expired),
        ]);
    }
    d.table(t);
    if !s.most_missing.is_empty() {
        d.heading("Leaves most often missing");
        let mut t = Table::new(&["REF", "TITLE", "#LEARNERS"]);
        for m in &s.most_missing {
            t.row(vec![
                m.item.to_string().into(),
                m.title.clone().into(),
                m.learners.to_string().into(),
            ]);
        }
        d.table(t);
    }
    let skipped = s.skipped.learners + s.skipped.evidence;
    if skipped > 0 || s.other_roles > 0 {
        let reasons: Vec<String> = s
            .skipped
            .reasons
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        d.text(format!(
            "{} left out ({} learners, {} evidence{}); {} in other roles",
            output::plural(skipped, "row"),
            s.skipped.learners,
            s.skipped.evidence,
            if reasons.is_empty() {
                String::new()
            } else {
                format!("; {}", reasons.join(", "))
            },
            output::plural(s.other_roles, "learner")
        ));
    }
    d
}

fn open(path: &PathBuf) -> Result<std::fs::File, RecordsError> {
    std::fs::File::open(path).map_err(|e| RecordsError::Unreadable {
        file: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Runs `competence learners`.
pub fn run(g: &GlobalArgs, args: &LearnersArgs) -> ExitStatus {
    // The records are read, and the role's file (when given by path) loaded, before anything
    // is analysed: the spinner says "analysing" over both.
    let named = [(args.role.as_str(), ROLE)];
    let analysed = analyse_documents(g, named, |catalog, [role]| {
        let dialect = args.dialect().map_err(|e| RecordsError::Unreadable {
            file: "the command line".to_owned(),
            message: e.to_string(),
        })?;
        let l = open(&args.learners)?;
        let evidence: EvidenceInput<Box<dyn std::io::Read + Send>> =
            match (&args.evidence, &args.xapi, &args.activity_map) {
                (_, Some(x), Some(m)) => EvidenceInput::Xapi(XapiInput {
                    name: x.display().to_string(),
                    reader: Box::new(std::io::BufReader::new(open(x)?)),
                    map_name: m.display().to_string(),
                    map: Box::new(std::io::BufReader::new(open(m)?)),
                }),
                (Some(e), _, _) => EvidenceInput::from(CsvInput::new(
                    e.display().to_string(),
                    Box::new(std::io::BufReader::new(open(e)?)) as Box<dyn std::io::Read + Send>,
                )),
                // clap requires --evidence or --xapi with --activity-map.
                _ => {
                    return Err(RecordsError::Unreadable {
                        file: "the command line".to_owned(),
                        message: "give --evidence FILE, or --xapi FILE with --activity-map FILE"
                            .to_owned(),
                    });
                }
            };
        learners_with(
            catalog,
            role,
            CsvInput::new(
                args.learners.display().to_string(),
                std::io::BufReader::new(l),
            ),
            evidence,
            args.as_of.unwrap_or_else(framework_core::learners::today),
            args.learner.as_deref(),
            &dialect,
        )
    });
    let (_, mut report) = match analysed {
        Ok(done) => done,
        Err(status) => return status,
    };
    let (overdue, expired) = (report.summary.counts.overdue, report.summary.counts.expired);
    let failing = args.fail_on_overdue && overdue + expired > 0;
    if failing {
        let file = args.learners.display().to_string();
        let message = match (overdue, expired) {
            (o, 0) => format!(
                "{} overdue (`--fail-on-overdue`)",
                output::plural(o, "requirement")
            ),
            (0, e) => format!(
                "{} expired (`--fail-on-overdue`)",
                output::plural(e, "requirement")
            ),
            (o, e) => format!(
                "{} overdue and {e} expired (`--fail-on-overdue`)",
                output::plural(o, "requirement")
            ),
        };
        report.below_threshold(
            Threshold::File(&file),
            message,
            "the overdue and expired learners and requirements are listed in the report",
        );
    }
    let written = output::emit(g, &report);
    if written == ExitStatus::Error {
        return written;
    }
    if report.has_errors() {
        return ExitStatus::Failure;
    }
    ExitStatus::Success
}
