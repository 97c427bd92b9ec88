//! Workbooks (`--format xlsx`, `competence report -o FILE.xlsx`, `competence template`): a
//! summary sheet, the report's main table as a sheet with a frozen, filtered header, rows
//! grouped under their top-level item, and depths and statuses in colour; and a sheet of the
//! diagnostics when there are any.
//!
//! Every cell is written as a string or a number, never as a formula, so no text from a
//! document can run in a spreadsheet; text has already been made safe to show (`report::Cell`).

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use framework_core::Diagnostic;

use crate::report::{Block, Cell, Doc, Sheet, Table, Tone};

/// The most rows a sheet holds (Excel's limit, less the header).
pub const MAX_ROWS: usize = 1_048_575;
/// The most columns a sheet holds (Excel's limit).
pub const MAX_COLUMNS: usize = 16_384;

/// The widest a column is made, in characters.
const MAX_WIDTH: usize = 60;

/// Why a workbook could not be made, as the command's error: a table too large for a sheet
/// (`bad-arguments`, with the formats that hold it), or anything else (`internal-error`).
pub fn failed(e: XlsxError) -> crate::output::Fatal {
    use framework_core::Code;
    match e {
        XlsxError::RowColumnLimitError => crate::output::Fatal::new(
            Code::BadArguments,
            format!(
                "the table is larger than a workbook sheet holds ({MAX_ROWS} rows, {MAX_COLUMNS} columns)"
            ),
            Some("use `--format csv` or `--format parquet`".to_owned()),
        ),
        other => crate::output::Fatal::new(
            Code::InternalError,
            format!("cannot make the workbook: {other}"),
            None,
        ),
    }
}

/// A workbook being made.
pub struct Book {
    workbook: Workbook,
}

impl std::fmt::Debug for Book {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Book").finish_non_exhaustive()
    }
}

impl Default for Book {
    fn default() -> Self {
        Self::new()
    }
}

impl Book {
    /// An empty workbook.
    pub fn new() -> Self {
        Self {
            workbook: Workbook::new(),
        }
    }

    /// A sheet named `name` with the document's heading, sentences and tables, one under the
    /// other (the report's summary).
    pub fn summary(&mut self, name: &str, doc: &Doc) -> Result<(), XlsxError> {
        let ws = self.workbook.add_worksheet();
        ws.set_name(name)?;
        let title = Format::new().set_bold().set_font_size(14);
        let heading = Format::new().set_bold().set_font_size(12);
        let mut row: u32 = 0;
        let mut widths = Widths::default();
        for (n, block) in doc.0.iter().enumerate() {
            match block {
                Block::Heading(h) => {
                    if n > 0 {
                        row += 1;
                    }
                    let format = if n == 0 { &title } else { &heading };
                    ws.write_string_with_format(row, 0, h, format)?;
                    row += 1;
                }
                Block::Text(t) | Block::Raw(t) => {
                    for line in t.lines() {
                        ws.write_string(row, 0, line)?;
                        row += 1;
                    }
                }
                Block::Table(t) => {
                    row = write_table(ws, row, t, &mut widths)?;
                    row += 1;
                }
            }
        }
        // The first column holds the sentences too: size it by the tables only.
        widths.apply(ws)?;
        Ok(())
    }

    /// The report's main table as a sheet: a bold header row, frozen and filtered, each row's
    /// outline level, colours by tone; its rows written as they are made.
    pub fn table(&mut self, sheet: Sheet<'_>) -> Result<(), XlsxError> {
        let columns = sheet.table.headers.len();
        if columns > MAX_COLUMNS {
            return Err(XlsxError::RowColumnLimitError);
        }
        let ws = self.workbook.add_worksheet();
        ws.set_name(sheet.name)?;
        let mut widths = Widths::default();
        let formats = Formats::new();
        write_headers(ws, 0, &sheet.table, &mut widths)?;
        // Outline groups: for each level, the row where the current run at that level or
        // deeper began.
        let mut open: [Option<u32>; 8] = [None; 8];
        let mut row: u32 = 1;
        for r in sheet.rows {
            if row as usize > MAX_ROWS {
                return Err(XlsxError::RowColumnLimitError);
            }
            write_cells(
                ws,
                row,
                &r.cells,
                &sheet.table.numeric,
                &formats,
                &mut widths,
            )?;
            close_groups(ws, &mut open, r.level.min(7), row)?;
            row += 1;
        }
        close_groups(ws, &mut open, 0, row)?;
        widths.apply(ws)?;
        ws.set_freeze_panes(1, 0)?;
        let last_column = u16::try_from(columns.saturating_sub(1)).unwrap_or(0);
        ws.autofilter(0, 0, row.saturating_sub(1).max(1), last_column)?;
        ws.set_landscape();
        ws.set_repeat_rows(0, 0)?;
        ws.set_print_fit_to_pages(1, 0);
        Ok(())
    }

    /// A sheet of the diagnostics (left out when there are none).
    pub fn diagnostics(&mut self, diagnostics: &[Diagnostic]) -> Result<(), XlsxError> {
        if diagnostics.is_empty() {
            return Ok(());
        }
        let t = crate::report::diagnostics_table(diagnostics);
        self.table(Sheet::flat("diagnostics", t))
    }

    /// The workbook's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        self.workbook.save_to_buffer()
    }
}

/// The widest cell of each column seen so far, in characters.
#[derive(Default)]
struct Widths(Vec<usize>);

impl Widths {
    fn see(&mut self, column: usize, text: &str) {
        if self.0.len() <= column {
            self.0.resize(column + 1, 0);
        }
        if let Some(w) = self.0.get_mut(column) {
            *w = (*w).max(text.chars().count());
        }
    }

    fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (n, &w) in self.0.iter().enumerate() {
            let width = (w.clamp(4, MAX_WIDTH) + 2) as f64;
            ws.set_column_width(u16::try_from(n).unwrap_or(u16::MAX), width)?;
        }
        Ok(())
    }
}

/// The fill and font of a tone.
fn format_of(tone: Tone) -> Format {
    let fill = |bg: u32, fg: u32| {
        Format::new()
            .set_background_color(Color::RGB(bg))
            .set_font_color(Color::RGB(fg))
    };
    match tone {
        Tone::Plain => Format::new(),
        Tone::Good => fill(0xC6EFCE, 0x006100),
        Tone::Warn => fill(0xFFEB9C, 0x9C5700),
        Tone::Bad => fill(0xFFC7CE, 0x9C0006),
        Tone::Dim => Format::new().set_font_color(Color::RGB(0x808080)),
        Tone::Strong => Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xF2F2F2)),
        Tone::Depth(1) => fill(0xE2F0D9, 0x385723),
        Tone::Depth(2) => fill(0xA9D18E, 0x1E3B12),
        Tone::Depth(_) => fill(0x548235, 0xFFFFFF),
    }
}

/// Opens and closes outline groups as rows go by: a row at `level` closes every group deeper
/// than it (ending on the row before) and opens the groups up to it (starting on it).
fn close_groups(
    ws: &mut Worksheet,
    open: &mut [Option<u32>; 8],
    level: u8,
    row: u32,
) -> Result<(), XlsxError> {
    for l in 1..8u8 {
        let slot = &mut open[usize::from(l)];
        if l > level {
            if let Some(first) = slot.take() {
                ws.group_rows(first, row - 1)?;
            }
        } else if slot.is_none() {
            *slot = Some(row);
        }
    }
    Ok(())
}

/// The formats of cells, made once per sheet.
struct Formats {
    percent: Format,
}

impl Formats {
    fn new() -> Self {
        Self {
            percent: Format::new().set_num_format("0.0%"),
        }
    }
}

/// Writes a table's header row at `row`.
fn write_headers(
    ws: &mut Worksheet,
    row: u32,
    t: &Table,
    widths: &mut Widths,
) -> Result<(), XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border_bottom(FormatBorder::Thin);
    for (c, h) in t.headers.iter().enumerate() {
        let col = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.write_string_with_format(row, col, h, &header)?;
        widths.see(c, h);
    }
    Ok(())
}

/// Writes one row's cells (by column) at `row`: numbers in numeric columns as numbers (a
/// percentage as a fraction shown as one), text as text (never a formula), each in its tone's
/// colours; a text longer than a cell holds is cut, and says so.
fn write_cells(
    ws: &mut Worksheet,
    row: u32,
    cells: &[(usize, Cell)],
    numeric: &[bool],
    formats: &Formats,
    widths: &mut Widths,
) -> Result<(), XlsxError> {
    for (c, cell) in cells {
        let col = u16::try_from(*c).map_err(|_| XlsxError::RowColumnLimitError)?;
        widths.see(*c, &cell.text);
        let format = format_of(cell.tone);
        let is_numeric = numeric.get(*c).copied().unwrap_or(false);
        if cell.text.is_empty() {
            ws.write_blank(row, col, &format)?;
        } else if let Some(n) = is_numeric
            .then(|| cell.text.strip_suffix('%').and_then(number))
            .flatten()
        {
            ws.write_number_with_format(row, col, n / 100.0, &formats.percent)?;
        } else if let Some(n) = is_numeric.then(|| number(&cell.text)).flatten() {
            ws.write_number_with_format(row, col, n, &format)?;
        } else {
            ws.write_string_with_format(row, col, fitted(&cell.text).as_ref(), &format)?;
        }
    }
    Ok(())
}

/// The most characters a workbook cell holds.
const MAX_CELL_CHARS: usize = 32_767;

/// Text that fits in a cell: a longer one is cut, and ends by saying so.
fn fitted(text: &str) -> std::borrow::Cow<'_, str> {
    const CUT: &str = " … (cut: the whole text is in the CSV or JSON)";
    if text.chars().count() <= MAX_CELL_CHARS {
        return std::borrow::Cow::Borrowed(text);
    }
    let keep = MAX_CELL_CHARS - CUT.chars().count();
    let mut out: String = text.chars().take(keep).collect();
    out.push_str(CUT);
    std::borrow::Cow::Owned(out)
}

/// Writes a table from `first` down: its header row, then its rows. Returns the row after it.
fn write_table(
    ws: &mut Worksheet,
    first: u32,
    t: &Table,
    widths: &mut Widths,
) -> Result<u32, XlsxError> {
    write_headers(ws, first, t, widths)?;
    let formats = Formats::new();
    let mut row = first + 1;
    for cells in &t.rows {
        let sparse = crate::report::SheetRow::of(0, cells.clone());
        write_cells(ws, row, &sparse.cells, &t.numeric, &formats, widths)?;
        row += 1;
    }
    Ok(row)
}

/// A cell's text as a number, when it is one.
fn number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}
