//! `competence matrix`.

use clap::Args;
use framework_core::matrix::{MatrixReport, matrix};
use framework_core::model::Depth;

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::report::{Cell, Doc, Render, Sheet, SheetRow, Table, Tone};
use crate::session::{CURRICULUM, analyse_documents, emit_with_status};
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

/// The most cells the page's grid shows a leaf at a time; a larger course map is shown per
/// top-level item (a grid of 100,000 leaves by 5,000 sessions would be gigabytes of page).
pub const MAX_PAGE_CELLS: usize = 250_000;

/// The course map grid as a heatmap in a page: a row per leaf with its title, grouped under its
/// top-level item; a column per session or assessment (its title on hover and in the key). A
/// grid of more than [`MAX_PAGE_CELLS`] cells is shown per top-level item instead: each cell
/// how many of the item's leaves the session covers, shaded by the deepest depth.
pub fn grid_html(m: &MatrixReport, b: &mut String) {
    use std::fmt::Write as _;

    use crate::html::escape;

    let cells = m.rows.len().saturating_mul(m.columns.len());
    let per_top = cells > MAX_PAGE_CELLS;
    let tops = m
        .rows
        .iter()
        .zip(m.rows.iter().skip(1))
        .filter(|(a, b)| a.top != b.top)
        .count()
        + 1;
    if per_top && tops.saturating_mul(m.columns.len()) > MAX_PAGE_CELLS {
        let _ = writeln!(
            b,
            "<p>The grid has {} leaves under {tops} top-level items by {} sessions and assessments: too many cells for a page, even per top-level item. The whole grid: <code>competence matrix {} --format xlsx -o grid.xlsx</code> (or <code>--format csv</code>).</p>",
            m.rows.len(),
            m.columns.len(),
            escape(m.curriculum.as_str())
        );
        return;
    }
    if per_top {
        let _ = writeln!(
            b,
            "<p>The grid has {} leaves by {} sessions and assessments, too many cells for a page: it is shown per top-level item, each cell the number of the item's leaves the session covers, shaded by the deepest depth. The whole grid: <code>competence matrix {} --format xlsx -o grid.xlsx</code> (or <code>--format csv</code>).</p>",
            m.rows.len(),
            m.columns.len(),
            escape(m.curriculum.as_str())
        );
    }
    b.push_str("<div class=\"scroll\"><table class=\"grid\">\n<thead><tr><th scope=\"col\">REF</th><th scope=\"col\">TITLE</th>");
    for c in &m.columns {
        let _ = write!(
            b,
            "<th scope=\"col\" class=\"session\" title=\"{}\">{}</th>",
            escape(&c.title),
            escape(&c.id)
        );
    }
    b.push_str("<th scope=\"col\" class=\"num\">TOTAL</th></tr></thead>\n<tbody>\n");
    let class = |d: Depth| match d {
        Depth::Introduced => "d1",
        Depth::Practised => "d2",
        Depth::Assessed => "d3",
    };
    if per_top {
        // Rows of one top-level item are next to each other, in framework order.
        let mut start = 0;
        while start < m.rows.len() {
            let top = &m.rows[start].top;
            let end = m.rows[start..]
                .iter()
                .position(|r| &r.top != top)
                .map_or(m.rows.len(), |n| start + n);
            let group = &m.rows[start..end];
            let mut counts: Vec<(usize, Option<Depth>)> = vec![(0, None); m.columns.len()];
            for row in group {
                for (col, d) in row.cells.covered() {
                    if let Some(c) = counts.get_mut(col) {
                        c.0 += 1;
                        c.1 = c.1.max(Some(d));
                    }
                }
            }
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{} ({} leaves)</td>",
                escape(top.item_id().map_or("*", |x| x.as_str())),
                escape(&m.rows[start].top_title),
                group.len()
            );
            for (n, d) in &counts {
                match d {
                    Some(d) => {
                        let _ = write!(b, "<td class=\"cell {}\">{n}</td>", class(*d));
                    }
                    None => b.push_str("<td class=\"cell\"></td>"),
                }
            }
            let total: usize = group.iter().map(|r| r.total).sum();
            let _ = writeln!(b, "<td class=\"num\">{total}</td></tr>");
            start = end;
        }
    } else {
        let width = m.columns.len() + 1;
        let mut group = None;
        for row in &m.rows {
            if row.top != row.item && group != Some(&row.top) {
                let _ = writeln!(
                    b,
                    "<tr class=\"group\"><td>{}</td><td colspan=\"{}\">{}</td></tr>",
                    escape(row.top.item_id().map_or("*", |x| x.as_str())),
                    width + 1,
                    escape(&row.top_title)
                );
            }
            group = Some(&row.top);
            let optional = if row.optional {
                " <i>(optional)</i>"
            } else {
                ""
            };
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}{optional}</td>",
                escape(item_id(&row.item)),
                escape(&row.title)
            );
            for cell in row.cells.iter() {
                match cell {
                    Some(d) => {
                        let _ = write!(
                            b,
                            "<td class=\"cell {}\" title=\"{d}\">{}</td>",
                            class(d),
                            letter(Some(d))
                        );
                    }
                    None => b.push_str("<td class=\"cell\"></td>"),
                }
            }
            let tone = if row.total == 0 && !row.optional {
                " bad"
            } else {
                ""
            };
            let _ = writeln!(b, "<td class=\"num{tone}\">{}</td></tr>", row.total);
        }
    }
    b.push_str("<tr class=\"group\"><td colspan=\"2\">TOTAL</td>");
    for c in &m.columns {
        let _ = write!(b, "<td class=\"num\">{}</td>", c.total);
    }
    b.push_str("<td></td></tr>\n</tbody></table></div>\n");
}

/// The document: the grid laid out for a terminal or Markdown, or (`None`) without the grid,
/// for a page (which draws it as a heatmap) and a workbook's summary (whose grid is a sheet).
fn doc(report: &MatrixReport, grid: Option<Layout>) -> Doc {
    let mut d = Doc::default();
    d.heading(format!(
        "Course map of `{}` against `{}`",
        report.curriculum, report.framework
    ));
    d.text("I introduced, P practised, A assessed; columns in teaching order; leaves grouped under their top-level item.");
    if let Some(layout) = grid {
        d.table(table(report, layout));
    }
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
        doc(self, Some(Layout::Markdown))
    }

    fn human(&self, _: &[Diagnostic]) -> Doc {
        doc(self, Some(Layout::Terminal))
    }

    fn table(&self, _: &[Diagnostic]) -> Table {
        table(self, Layout::Csv)
    }

    /// Written row by row: a grid of 100,000 leaves by 5,000 sessions is not held as a table.
    fn csv(&self, out: &mut dyn std::io::Write) -> Option<std::io::Result<()>> {
        let write = |out: &mut dyn std::io::Write| {
            let headers = csv_headers(self);
            let mut w = crate::report::CsvRows::new(out, &headers)?;
            let mut line: Vec<String> = Vec::with_capacity(headers.len());
            for row in &self.rows {
                line.clear();
                line.extend([
                    row.item.to_string(),
                    row.title.clone(),
                    row.top.to_string(),
                    row.top_title.clone(),
                    if row.optional { "yes" } else { "" }.to_owned(),
                ]);
                line.extend(row.cells.iter().map(|c| letter(c).to_owned()));
                line.push(row.total.to_string());
                w.row(&line)?;
            }
            line.clear();
            line.extend(["TOTAL", "", "", "", ""].map(str::to_owned));
            line.extend(self.columns.iter().map(|c| c.total.to_string()));
            line.push(String::new());
            w.row(&line)?;
            w.finish()
        };
        Some(write(out))
    }

    /// The CSV table's columns, each leaf under a bold row for its top-level item, only the
    /// covered cells written (each in its depth's shade).
    fn sheet(&self, _: &[Diagnostic]) -> Sheet<'_> {
        let mut headers = csv_headers(self);
        if let Some(last) = headers.last_mut() {
            *last = "#TOTAL";
        }
        let width = 5 + self.columns.len();
        let mut group = None;
        let rows = self.rows.iter().flat_map(move |row| {
            let mut out = Vec::with_capacity(2);
            let grouped = row.top != row.item;
            if grouped && group != Some(&row.top) {
                out.push(SheetRow {
                    level: 0,
                    cells: vec![
                        (0, Cell::toned(row.top.to_string(), Tone::Strong)),
                        (1, Cell::toned(row.top_title.clone(), Tone::Strong)),
                    ],
                });
            }
            group = Some(&row.top);
            let title_tone = if row.optional { Tone::Dim } else { Tone::Plain };
            let mut cells = vec![
                (0, Cell::new(row.item.to_string())),
                (1, Cell::toned(row.title.clone(), title_tone)),
                (2, Cell::new(row.top.to_string())),
                (3, Cell::new(row.top_title.clone())),
            ];
            if row.optional {
                cells.push((4, Cell::new("yes")));
            }
            cells.extend(
                row.cells
                    .covered()
                    .map(|(c, d)| (5 + c, Cell::toned(letter(Some(d)), Tone::depth(d)))),
            );
            let total_tone = if row.total == 0 && !row.optional {
                Tone::Bad
            } else {
                Tone::Plain
            };
            cells.push((width, Cell::toned(row.total.to_string(), total_tone)));
            out.push(SheetRow {
                level: u8::from(grouped),
                cells,
            });
            out
        });
        let totals = std::iter::once(SheetRow {
            level: 0,
            cells: std::iter::once((0, Cell::toned("TOTAL", Tone::Strong)))
                .chain(
                    self.columns
                        .iter()
                        .enumerate()
                        .map(|(c, col)| (5 + c, Cell::new(col.total.to_string()))),
                )
                .collect(),
        });
        Sheet::new("matrix", &headers, rows.chain(totals))
    }

    /// The heading, the grid as a heatmap (per top-level item when it is large), then the
    /// columns' key.
    fn html(&self, _: &[Diagnostic]) -> String {
        let mut d = doc(self, None);
        let key = Doc(d.0.split_off(2));
        let mut b = crate::html::body(&d);
        grid_html(self, &mut b);
        b.push_str(&crate::html::body(&key));
        b
    }

    /// The heading and the columns' key (the grid is the main sheet).
    fn summary(&self, _: &[Diagnostic]) -> Doc {
        doc(self, None)
    }
}

/// The CSV header: the row's fields, a column per session and assessment, the total.
fn csv_headers(r: &MatrixReport) -> Vec<&str> {
    ["REF", "TITLE", "TOP", "TOP TITLE", "OPTIONAL"]
        .into_iter()
        .chain(r.columns.iter().map(|c| c.id.as_str()))
        .chain(std::iter::once("TOTAL"))
        .collect()
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
    emit_with_status(g, catalog, &report)
}
