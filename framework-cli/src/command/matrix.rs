//! `competence matrix`.

use clap::Args;
use framework_core::matrix::{MatrixReport, matrix};
use framework_core::model::Depth;

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::output;
use crate::report::{Block, Cell, Doc, Render, Sheet, Table, Tone};
use crate::session::{CURRICULUM, analyse_documents, status_of};
use framework_core::Diagnostic;

/// Arguments of `competence matrix`.
#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// The curriculum: its id (see `competence list`) or the path of its file.
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

/// How the grid is laid out for a format.
#[derive(Clone, Copy)]
enum Layout {
    /// On a terminal: empty cells as `·`, long titles shortened, group rows.
    Terminal,
    /// Markdown: group rows, titles whole.
    Markdown,
    /// CSV: one row per leaf, with its top-level item and optional flag as columns.
    Csv,
}

/// The grid: one row per leaf with its title, grouped under its top-level item (a group row
/// before each group, or, in CSV, the top-level item as columns), optional leaves marked.
fn table(r: &MatrixReport, layout: Layout) -> Table {
    let csv = matches!(layout, Layout::Csv);
    let mut headers: Vec<&str> = vec!["REF", "TITLE"];
    if csv {
        headers.extend(["TOP", "TOP TITLE", "OPTIONAL"]);
    }
    headers.extend(r.columns.iter().map(|c| c.id.as_str()));
    headers.push("#TOTAL");
    let mut t = Table::new(&headers);
    let mut group = None;
    for row in &r.rows {
        if !csv && row.top != row.item && group != Some(&row.top) {
            let mut cells = vec![
                Cell::toned(item_id(&row.top), Tone::Strong),
                Cell::toned(shorten(&row.top_title, layout), Tone::Strong),
            ];
            cells.extend((0..=r.columns.len()).map(|_| Cell::new("")));
            t.row(cells);
        }
        group = Some(&row.top);
        let indent = if !csv && row.top != row.item {
            "  "
        } else {
            ""
        };
        let mut title = shorten(&row.title, layout);
        if row.optional && !csv {
            title.push_str(" (optional)");
        }
        let title_tone = if row.optional { Tone::Dim } else { Tone::Plain };
        // CSV refs are qualified, as everywhere in output meant for programs.
        let own = if csv {
            row.item.to_string()
        } else {
            format!("{indent}{}", item_id(&row.item))
        };
        let mut cells = vec![Cell::new(own), Cell::toned(title, title_tone)];
        if csv {
            cells.extend([
                Cell::new(row.top.to_string()),
                Cell::new(row.top_title.clone()),
                Cell::new(if row.optional { "yes" } else { "" }),
            ]);
        }
        for c in row.cells.iter() {
            cells.push(match c {
                Some(d) => Cell::toned(letter(Some(d)), Tone::depth(d)),
                None if matches!(layout, Layout::Terminal) => Cell::toned("·", Tone::Dim),
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
    let mut totals = vec![Cell::new("TOTAL"), Cell::new("")];
    if csv {
        totals.extend([Cell::new(""), Cell::new(""), Cell::new("")]);
    }
    totals.extend(r.columns.iter().map(|c| Cell::new(c.total.to_string())));
    totals.push(Cell::new(""));
    t.row(totals);
    t
}

/// A reference's item id (`*` for a whole framework).
fn item_id(r: &framework_core::ItemRef) -> &str {
    r.item_id().map_or("*", |i| i.as_str())
}

/// A title as the layout shows it: on a terminal, at most 48 characters.
fn shorten(title: &str, layout: Layout) -> String {
    const MAX: usize = 48;
    if matches!(layout, Layout::Terminal) && title.chars().count() > MAX {
        let mut s: String = title.chars().take(MAX - 1).collect();
        s.push('…');
        s
    } else {
        title.to_owned()
    }
}

/// The document, laid out for a terminal or for Markdown.
fn doc(report: &MatrixReport, layout: Layout) -> Doc {
    let mut d = Doc::default();
    d.heading(format!(
        "Course map of `{}` against `{}`",
        report.curriculum, report.framework
    ));
    d.text("I introduced, P practised, A assessed; columns in teaching order; leaves grouped under their top-level item.");
    d.table(table(report, layout));
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
        doc(self, Layout::Markdown)
    }

    fn human(&self, _: &[Diagnostic]) -> Doc {
        doc(self, Layout::Terminal)
    }

    fn table(&self, _: &[Diagnostic]) -> Table {
        table(self, Layout::Csv)
    }

    /// The CSV table, each leaf under a row for its top-level item.
    fn sheet(&self, d: &[Diagnostic]) -> Sheet {
        Sheet::grouped("matrix", self.table(d), 0, 2, 3)
    }

    /// The heading, the key, and the columns' table.
    fn summary(&self, d: &[Diagnostic]) -> Doc {
        let mut doc = self.doc(d);
        // The grid is the main sheet; keep the columns' key.
        if let Some(n) = doc.0.iter().position(|b| matches!(b, Block::Table(_))) {
            doc.0.remove(n);
        }
        doc
    }
}

/// Runs `competence matrix`.
pub fn run(g: &GlobalArgs, args: &MatrixArgs) -> ExitStatus {
    let named = [(args.curriculum.as_str(), CURRICULUM)];
    let (catalog, report) = match analyse_documents(g, named, |c, [curriculum]| {
        matrix(c, curriculum, args.framework.as_deref())
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
