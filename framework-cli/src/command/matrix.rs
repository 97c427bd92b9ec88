//! `competence matrix`.

use clap::Args;
use framework_core::matrix::{MatrixReport, matrix};
use framework_core::model::Depth;

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::output;
use crate::report::{Cell, Doc, Render, Table, Tone};
use crate::session::{analyse, status_of};
use framework_core::Diagnostic;

/// Arguments of `competence matrix`.
#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// The curriculum's id (see `competence list`).
    #[arg(value_name = "CURRICULUM")]
    pub curriculum: String,

    /// The framework whose leaves are the rows (default: the curriculum's first framework).
    #[arg(long, value_name = "FRAMEWORK")]
    pub framework: Option<String>,
}

fn letter(d: Option<Depth>) -> &'static str {
    match d {
        Some(Depth::Introduced) => "I",
        Some(Depth::Practised) => "P",
        Some(Depth::Assessed) => "A",
        None => "",
    }
}

fn table(r: &MatrixReport, dots: bool) -> Table {
    let headers: Vec<&str> = std::iter::once("REF")
        .chain(r.columns.iter().map(|c| c.id.as_str()))
        .chain(std::iter::once("#TOTAL"))
        .collect();
    let mut t = Table::new(&headers);
    for row in &r.rows {
        let mut cells = vec![Cell::new(row.item.item_id().map_or("*", |i| i.as_str()))];
        for c in row.cells.iter() {
            cells.push(match c {
                Some(d) => Cell::toned(letter(Some(d)), Tone::Good),
                None if dots => Cell::toned("·", Tone::Dim),
                None => Cell::new(""),
            });
        }
        let total_tone = if row.total == 0 && !row.optional {
            Tone::Bad
        } else {
            Tone::Plain
        };
        cells.push(Cell::toned(row.total.to_string(), total_tone));
        t.row(cells);
    }
    let mut totals = vec![Cell::new("TOTAL")];
    totals.extend(r.columns.iter().map(|c| Cell::new(c.total.to_string())));
    totals.push(Cell::new(""));
    t.row(totals);
    t
}

/// The document; `dots` marks empty cells with `·` (on a terminal).
fn doc(report: &MatrixReport, dots: bool) -> Doc {
    let mut d = Doc::default();
    d.heading(format!(
        "Course map of `{}` against `{}`",
        report.curriculum, report.framework
    ));
    d.text("I introduced, P practised, A assessed; columns in teaching order.");
    d.table(table(report, dots));
    let mut key = Table::new(&["COLUMN", "KIND", "TITLE"]);
    for c in &report.columns {
        key.row(vec![
            c.id.clone().into(),
            c.kind.to_string().into(),
            c.title.clone().into(),
        ]);
    }
    d.table(key);
    d
}

impl Render for MatrixReport {
    const ROWS: Option<&'static str> = Some("rows");

    fn doc(&self, _: &[Diagnostic]) -> Doc {
        doc(self, false)
    }

    fn human(&self, _: &[Diagnostic]) -> Doc {
        doc(self, true)
    }

    fn table(&self, _: &[Diagnostic]) -> Table {
        table(self, false)
    }
}

/// Runs `competence matrix`.
pub fn run(g: &GlobalArgs, args: &MatrixArgs) -> ExitStatus {
    let (catalog, report) = match analyse(g, |c| {
        matrix(c, &args.curriculum, args.framework.as_deref())
    }) {
        Ok(done) => done,
        Err(status) => return status,
    };
    let written = output::emit(g, &report);
    if written == ExitStatus::Error {
        written
    } else {
        status_of(catalog)
    }
}
