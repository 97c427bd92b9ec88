//! Reports as people and spreadsheets read them: headings, text and tables, rendered as aligned
//! text (coloured on a terminal), Markdown, or CSV (the main table only).

use std::fmt::Write as _;

use framework_core::Diagnostic;

/// How a report reads in every format but JSON (which is the report envelope's `Serialize`
/// form). The emitters in `output` call these; no command writes its output itself.
pub trait Render {
    /// The report as Markdown renders it: headings, text and tables.
    fn doc(&self, diagnostics: &[Diagnostic]) -> Doc;

    /// The report on a terminal: the Markdown document, unless the report reads better
    /// otherwise there.
    fn human(&self, diagnostics: &[Diagnostic]) -> Doc {
        self.doc(diagnostics)
    }

    /// The report's main table, as CSV writes it.
    fn table(&self, diagnostics: &[Diagnostic]) -> Table;

    /// The name of the report's main list (its rows, which JSON lines write one per line).
    const ROWS: Option<&'static str> = None;

    /// The report as a document to review and keep (`--format yaml`); `None` when the report
    /// has no document form.
    fn yaml(&self) -> Option<String> {
        None
    }

    /// The report as JSON lines: each row of its main list, then one line with the rest (the
    /// envelope's `diagnostics` included). `None` when the report has no list to stream.
    fn jsonl(
        &self,
        diagnostics: &[Diagnostic],
        out: &mut dyn std::io::Write,
    ) -> Option<std::io::Result<()>>
    where
        Self: serde::Serialize + Sized,
    {
        Self::ROWS.map(|rows| json_lines_of(self, rows, diagnostics, out))
    }

    /// The main table as CSV, written as it is made (for reports too large to hold as a
    /// [`Table`]); `None` to write [`Render::table`].
    fn csv(&self, _out: &mut dyn std::io::Write) -> Option<std::io::Result<()>> {
        None
    }

    /// The main table as a workbook sheet shows it (`--format xlsx`): the CSV table unless the
    /// report lays its rows out for people there (titles, groups, colours).
    fn sheet(&self, diagnostics: &[Diagnostic]) -> Sheet<'_> {
        Sheet::flat(Self::ROWS.unwrap_or("report"), self.table(diagnostics))
    }

    /// The report as a page's body (`--format html`): the document, as [`crate::html::body`]
    /// lays it out, unless the report reads better otherwise there.
    fn html(&self, diagnostics: &[Diagnostic]) -> String {
        crate::html::body(&self.doc(diagnostics))
    }

    /// What a workbook's summary sheet shows: the document's heading, its sentences and its
    /// tables other than the main one (which has a sheet of its own).
    fn summary(&self, diagnostics: &[Diagnostic]) -> Doc {
        let mut d = self.doc(diagnostics);
        d.0.retain(|b| matches!(b, Block::Heading(_) | Block::Text(_)));
        d
    }

    /// Whether the report's document and table list the diagnostics themselves (then the
    /// emitters do not repeat them on stderr, except on a terminal, which shows each with its
    /// source lines).
    fn lists_diagnostics(&self) -> bool {
        false
    }
}

/// Writes a report as JSON lines: the elements of its list field `list`, one per line, then one
/// line with its other fields and the diagnostics. (For reports small enough to hold as a JSON
/// value; the learners report, which can be large, writes its rows from the typed report.)
pub fn json_lines_of(
    body: &impl serde::Serialize,
    list: &str,
    diagnostics: &[Diagnostic],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut value = serde_json::to_value(body).map_err(std::io::Error::from)?;
    let rows = value
        .as_object_mut()
        .and_then(|m| m.shift_remove(list))
        .and_then(|v| match v {
            serde_json::Value::Array(a) => Some(a),
            _ => None,
        })
        .unwrap_or_default();
    if let Some(m) = value.as_object_mut() {
        m.insert(
            "diagnostics".into(),
            serde_json::to_value(diagnostics).map_err(std::io::Error::from)?,
        );
    }
    json_lines(&rows, &value, out)
}

/// Writes rows as JSON lines, then `rest` as the last line.
pub fn json_lines<T: serde::Serialize>(
    rows: &[T],
    rest: &impl serde::Serialize,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for row in rows {
        crate::json::write_json(&mut *out, row, false)?;
        out.write_all(b"\n")?;
    }
    crate::json::write_json(&mut *out, rest, false)?;
    out.write_all(b"\n")
}

/// How a cell is coloured in human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// No colour.
    Plain,
    /// Green: covered, met, ok.
    Good,
    /// Yellow: partial, warning.
    Warn,
    /// Red: uncovered, a gap.
    Bad,
    /// Grey: secondary detail.
    Dim,
    /// Bold: a group's heading row (bold in Markdown too).
    Strong,
    /// A depth reached (1 introduced, 2 practised, 3 assessed): green on a terminal, shades of
    /// one colour in a workbook or page.
    Depth(u8),
}

impl Tone {
    /// The tone of a depth.
    pub fn depth(d: framework_core::model::Depth) -> Self {
        use framework_core::model::Depth;
        Tone::Depth(match d {
            Depth::Introduced => 1,
            Depth::Practised => 2,
            Depth::Assessed => 3,
        })
    }
}

impl Tone {
    fn ansi(self) -> Option<&'static str> {
        match self {
            Tone::Plain => None,
            Tone::Good => Some("32"),
            Tone::Warn => Some("33"),
            Tone::Bad => Some("31"),
            Tone::Dim => Some("2"),
            Tone::Strong => Some("1"),
            Tone::Depth(_) => Some("32"),
        }
    }
}

/// One row of a workbook sheet: its outline level (0 for a group's row or an ungrouped one,
/// more for a row inside groups) and its cells that hold something, by column. Sparse, so a
/// course map of 100,000 leaves by 5,000 sessions costs its covered cells, not its grid.
#[derive(Debug, Clone, Default)]
pub struct SheetRow {
    pub level: u8,
    pub cells: Vec<(usize, Cell)>,
}

impl SheetRow {
    /// A row of a table's cells (the empty, plain ones left out).
    pub fn of(level: u8, cells: Vec<Cell>) -> Self {
        Self {
            level,
            cells: cells
                .into_iter()
                .enumerate()
                .filter(|(_, c)| !c.text.is_empty() || c.tone != Tone::Plain)
                .collect(),
        }
    }
}

/// A report's main table laid out for a workbook sheet: its name, its headers (a `#` marks a
/// numeric column, as in [`Table::new`]) and its rows, made as the sheet is written.
pub struct Sheet<'a> {
    pub name: &'static str,
    pub table: Table,
    pub rows: Box<dyn Iterator<Item = SheetRow> + 'a>,
}

impl std::fmt::Debug for Sheet<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sheet")
            .field("name", &self.name)
            .field("headers", &self.table.headers)
            .finish_non_exhaustive()
    }
}

impl<'a> Sheet<'a> {
    /// A sheet with these headers whose rows are made by `rows`.
    pub fn new<S: AsRef<str>>(
        name: &'static str,
        headers: &[S],
        rows: impl Iterator<Item = SheetRow> + 'a,
    ) -> Self {
        Self {
            name,
            table: Table::new(headers),
            rows: Box::new(rows),
        }
    }

    /// A sheet of a table as it is, without groups.
    pub fn flat(name: &'static str, mut table: Table) -> Self {
        let rows = std::mem::take(&mut table.rows);
        Self {
            name,
            table,
            rows: Box::new(rows.into_iter().map(|r| SheetRow::of(0, r))),
        }
    }

    /// A sheet of a table whose rows are grouped by the column `top`: before each run of rows
    /// with the same value, a group row (bold) showing that value and the column `top_title`'s;
    /// the rows whose `top` is their own `own` column (a top-level item) are left ungrouped.
    pub fn grouped(
        name: &'static str,
        mut table: Table,
        own: usize,
        top: usize,
        top_title: usize,
    ) -> Self {
        let text = |row: &[Cell], n: usize| row.get(n).map(|c| c.text.clone()).unwrap_or_default();
        let rows = std::mem::take(&mut table.rows);
        let mut group: Option<String> = None;
        let grouped = rows.into_iter().flat_map(move |row| {
            let key = text(&row, top);
            if key.is_empty() || key == text(&row, own) {
                group = None;
                return vec![SheetRow::of(0, row)];
            }
            let mut out = Vec::with_capacity(2);
            if group.as_deref() != Some(key.as_str()) {
                out.push(SheetRow {
                    level: 0,
                    cells: vec![
                        (own, Cell::toned(key.clone(), Tone::Strong)),
                        (own + 1, Cell::toned(text(&row, top_title), Tone::Strong)),
                    ],
                });
                group = Some(key);
            }
            out.push(SheetRow::of(1, row));
            out
        });
        Self {
            name,
            table,
            rows: Box::new(grouped),
        }
    }
}

/// The diagnostics as a table (for a workbook's sheet or a page's section).
pub fn diagnostics_table(diagnostics: &[Diagnostic]) -> Table {
    let mut t = Table::new(&[
        "SEVERITY", "CODE", "FILE", "#LINE", "#COLUMN", "MESSAGE", "HELP",
    ]);
    for d in diagnostics {
        let tone = if d.is_error() { Tone::Bad } else { Tone::Warn };
        t.row(vec![
            Cell::toned(d.severity().to_string(), tone),
            d.code().to_string().into(),
            d.file().to_owned().into(),
            d.line().to_string().into(),
            d.column().to_string().into(),
            d.message().to_owned().into(),
            d.help().unwrap_or_default().to_owned().into(),
        ]);
    }
    t
}

/// One cell.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub tone: Tone,
}

/// Text from documents or records made safe to show (see `framework_core::safe`): every piece
/// of text a report shows passes through here as its cell or block is made, so no format can
/// write a raw control or invisible character.
fn shown(text: String) -> String {
    if framework_core::safe::has_unsafe(&text) {
        framework_core::safe::escape(&text).into_owned()
    } else {
        text
    }
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: shown(text.into()),
            tone: Tone::Plain,
        }
    }
    pub fn toned(text: impl Into<String>, tone: Tone) -> Self {
        Self {
            text: shown(text.into()),
            tone,
        }
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::new(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::new(s)
    }
}

/// A table: headers, which columns are numbers (right-aligned), rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub headers: Vec<String>,
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table with these headers; a header starting with `#` marks a numeric column (the `#`
    /// is not shown).
    pub fn new<S: AsRef<str>>(headers: &[S]) -> Self {
        Self {
            numeric: headers
                .iter()
                .map(|h| h.as_ref().starts_with('#'))
                .collect(),
            headers: headers
                .iter()
                .map(|h| shown(h.as_ref().trim_start_matches('#').to_owned()))
                .collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    fn human(&self, colour: bool, out: &mut String) {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.text.chars().count());
            }
        }
        let header: Vec<Cell> = self.headers.iter().map(|h| Cell::new(h.as_str())).collect();
        for (n, row) in std::iter::once(&header).chain(&self.rows).enumerate() {
            let mut line = String::new();
            for (i, (cell, w)) in row.iter().zip(&widths).enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let pad = " ".repeat(w.saturating_sub(cell.text.chars().count()));
                let right = self.numeric.get(i).copied().unwrap_or(false);
                let text = match (colour, cell.tone.ansi()) {
                    _ if cell.text.is_empty() => String::new(),
                    (true, Some(code)) if n > 0 => format!("\x1b[{code}m{}\x1b[0m", cell.text),
                    (true, _) if n == 0 => format!("\x1b[1m{}\x1b[0m", cell.text),
                    _ => cell.text.clone(),
                };
                if right {
                    line.push_str(&pad);
                    line.push_str(&text);
                } else {
                    line.push_str(&text);
                    line.push_str(&pad);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }

    fn markdown(&self, out: &mut String) {
        let esc = |s: &str| md_inline(s);
        let headers: Vec<String> = self.headers.iter().map(|h| esc(h)).collect();
        let _ = writeln!(out, "| {} |", headers.join(" | "));
        let rule: Vec<&str> = self
            .numeric
            .iter()
            .map(|&n| if n { "---:" } else { "---" })
            .collect();
        let _ = writeln!(out, "| {} |", rule.join(" | "));
        for row in &self.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|c| match c.tone {
                    Tone::Strong if !c.text.is_empty() => format!("**{}**", esc(&c.text)),
                    _ => esc(&c.text),
                })
                .collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
    }

    /// The table as CSV (RFC 4180). Cells a spreadsheet would run as a formula (starting with
    /// `=`, `+`, `-`, `@`, a tab or a carriage return) are prefixed with `'`.
    pub fn csv(&self) -> String {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        let _ = w.write_record(self.headers.iter().map(|h| csv_safe(h)));
        for row in &self.rows {
            let _ = w.write_record(row.iter().map(|c| csv_safe(&c.text)));
        }
        let bytes = w.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

/// Writes CSV rows as they are made, each cell shown safely (control and invisible characters
/// escaped, formulas defused) exactly as [`Table::csv`] writes a cell.
pub struct CsvRows<'a> {
    writer: csv::Writer<&'a mut dyn std::io::Write>,
}

impl<'a> CsvRows<'a> {
    /// Starts the CSV with its header row.
    pub fn new(out: &'a mut dyn std::io::Write, headers: &[&str]) -> std::io::Result<Self> {
        let mut writer = csv::WriterBuilder::new().from_writer(out);
        writer.write_record(headers.iter().map(|h| csv_safe(&shown((*h).to_owned()))))?;
        Ok(Self { writer })
    }

    /// Writes one row.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> std::io::Result<()> {
        self.writer.write_record(
            cells
                .iter()
                .map(|c| csv_safe(&framework_core::safe::escape(c.as_ref()))),
        )?;
        Ok(())
    }

    /// Ends the CSV.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

/// Text for a Markdown heading or paragraph of ours (which may hold our own code spans): a line
/// break is a space, and `<`, `>`, `[` and `]` are escaped, so text from documents is never
/// read as HTML, a link or an image, and never starts a new block.
fn html(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['<', '>', '[', ']', '\n', '\r']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Text from documents inside Markdown (a table cell, a list item): the characters that make
/// links, images, HTML, emphasis and table cells are escaped, a line break is a space, so it
/// reads as the text it is. (Backticks are kept: our messages quote ids in code spans, and a
/// code span can hold nothing harmful.)
pub fn md_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '*' | '_' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a cell so a spreadsheet never runs it as a formula.
pub fn csv_safe(text: &str) -> String {
    match text.chars().next() {
        // The formula starters, and their full-width forms, which some spreadsheets also run.
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => {
            format!("'{text}")
        }
        _ => text.to_owned(),
    }
}

/// One part of a report.
#[derive(Debug, Clone)]
pub enum Block {
    Heading(String),
    Text(String),
    Table(Table),
    /// Text already laid out (a tree, a Markdown list), written as it is.
    Raw(String),
}

/// A report for people: blocks in order.
#[derive(Debug, Clone, Default)]
pub struct Doc(pub Vec<Block>);

impl Doc {
    pub fn heading(&mut self, s: impl Into<String>) {
        self.0.push(Block::Heading(shown(s.into())));
    }
    pub fn text(&mut self, s: impl Into<String>) {
        self.0.push(Block::Text(shown(s.into())));
    }
    pub fn table(&mut self, t: Table) {
        self.0.push(Block::Table(t));
    }
    pub fn raw(&mut self, s: impl Into<String>) {
        self.0.push(Block::Raw(shown(s.into())));
    }

    pub fn human(&self, colour: bool) -> String {
        let mut out = String::new();
        for (n, b) in self.0.iter().enumerate() {
            // A blank line between blocks, but a table sits right under its heading.
            let after_heading = n > 0 && matches!(self.0.get(n - 1), Some(Block::Heading(_)));
            if n > 0 && !(after_heading && matches!(b, Block::Table(_))) {
                out.push('\n');
            }
            match b {
                Block::Heading(h) if colour => {
                    let _ = writeln!(out, "\x1b[1m{h}\x1b[0m");
                }
                Block::Heading(h) | Block::Text(h) => {
                    let _ = writeln!(out, "{h}");
                }
                Block::Table(t) => t.human(colour, &mut out),
                Block::Raw(r) => out.push_str(r),
            }
        }
        out
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        for (n, b) in self.0.iter().enumerate() {
            if n > 0 {
                out.push('\n');
            }
            match b {
                Block::Heading(h) => {
                    let level = if n == 0 { "#" } else { "##" };
                    let _ = writeln!(out, "{level} {}", html(h));
                }
                Block::Text(t) => {
                    let _ = writeln!(out, "{}", html(t));
                }
                Block::Table(t) => t.markdown(&mut out),
                // Already Markdown, made with `md_inline` around text from documents.
                Block::Raw(r) => out.push_str(r),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_run_as_formulas() {
        assert_eq!(csv_safe("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_safe("+1"), "'+1");
        assert_eq!(csv_safe("-x"), "'-x");
        assert_eq!(csv_safe("@cmd"), "'@cmd");
        assert_eq!(csv_safe("1.1a"), "1.1a");
        assert_eq!(csv_safe("＝1+1"), "'＝1+1");
        let mut h = Table::new(&["=HEADER", "ok"]);
        h.row(vec!["\u{1b}[2J".into(), "x".into()]);
        assert_eq!(h.csv(), "'=HEADER,ok\n\\u{1b}[2J,x\n");
        let mut t = Table::new(&["A", "#B"]);
        t.row(vec!["=1+1".into(), "a,\"b\"".into()]);
        assert_eq!(t.csv(), "A,B\n'=1+1,\"a,\"\"b\"\"\"\n");
    }

    #[test]
    fn tables_align_and_escape_markdown() {
        let mut t = Table::new(&["ID", "#N"]);
        t.row(vec!["a|b".into(), "7".into()]);
        t.row(vec!["long id".into(), "12".into()]);
        let mut h = String::new();
        t.human(false, &mut h);
        assert_eq!(h, "ID        N\na|b       7\nlong id  12\n");
        let mut m = String::new();
        t.markdown(&mut m);
        assert_eq!(
            m,
            "| ID | N |\n| --- | ---: |\n| a\\|b | 7 |\n| long id | 12 |\n"
        );
    }
}
