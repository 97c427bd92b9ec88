//! Spreadsheet files read into [`Grid`]s of text for [`super::sheet`]: an `.xlsx` (or `.xlsm`)
//! workbook, each sheet streamed cell by cell, or a CSV (or TSV) file.
//!
//! Read under limits, so that no file can fill memory: a workbook is a zip archive, and its
//! parts are checked before any is unpacked (at most 256 MiB unpacked in all, and no part
//! unpacking to more than 1,000 times its packed size, as a zip bomb would); a sheet is read a
//! cell at a time, never as a dense range, and at most 100,000 rows, 1,000 columns, 1,000,000
//! cells with text and 10,000,000 cells in all (a row holds every cell up to its last with text)
//! are kept (a course map has a few hundred). Older formats (`.xls`, `.ods`)
//! are refused with a word on what to save them as.

use std::io::{Cursor, Read, Seek};

use calamine::{DataRef, Reader, Xlsx};

use super::sheet::Grid;

/// The most rows of a sheet read.
pub const MAX_ROWS: u32 = 100_000;
/// The most columns of a sheet read.
pub const MAX_COLUMNS: u32 = 1_000;
/// The most cells with text in a file.
pub const MAX_CELLS: usize = 1_000_000;
/// The most cells a file's sheets may span, blank ones included (a row holds every cell up to
/// its last with text): 10,000,000, about 240 MB of empty cells at worst.
pub const MAX_SPAN: usize = 10_000_000;
/// The most a workbook's parts may unpack to, together.
pub const MAX_UNPACKED: u64 = 256 * 1024 * 1024;
/// The most a part may unpack to per byte packed.
const MAX_RATIO: u64 = 1_000;

/// Reads a spreadsheet file's sheets as text, by the file's extension: `.xlsx`, `.xlsm`,
/// `.csv`, `.tsv` or `.txt` (CSV). The error says why the file cannot be read.
pub fn read(name: &str, bytes: &[u8]) -> Result<Vec<Grid>, String> {
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => csv(name, bytes, b','),
        "tsv" => csv(name, bytes, b'\t'),
        "xlsx" | "xlsm" => workbook(name, bytes),
        "xls" | "ods" | "xlsb" => Err(format!(
            "`{name}` is an .{ext} file, which is not read: save it as .xlsx (or .csv) and import that"
        )),
        _ if bytes.starts_with(b"PK") => workbook(name, bytes),
        _ => csv(name, bytes, b','),
    }
}

/// A CSV file's rows (a byte-order mark is passed over; text that is not UTF-8 is read with
/// replacement characters).
fn csv(name: &str, bytes: &[u8], delimiter: u8) -> Result<Vec<Grid>, String> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut cells = 0usize;
    let mut span = 0usize;
    for record in reader.records() {
        let record = record.map_err(|e| format!("`{name}` is not CSV: {e}"))?;
        if rows.len() >= MAX_ROWS as usize || record.len() > MAX_COLUMNS as usize {
            return Err(too_large(name));
        }
        cells += record.iter().filter(|c| !c.is_empty()).count();
        span += record.len();
        if cells > MAX_CELLS || span > MAX_SPAN {
            return Err(too_large(name));
        }
        rows.push(record.iter().map(str::to_owned).collect());
    }
    Ok(vec![Grid {
        file: name.to_owned(),
        sheet: None,
        rows,
    }])
}

fn too_large(name: &str) -> String {
    format!(
        "`{name}` is larger than a course map can be (at most {MAX_ROWS} rows, {MAX_COLUMNS} columns, {MAX_CELLS} cells with text and {MAX_SPAN} cells in all are read)"
    )
}

/// Checks a zip archive's parts before anything is unpacked.
fn check_archive(name: &str, bytes: &[u8]) -> Result<(), String> {
    let not_a_workbook =
        |e: &dyn std::fmt::Display| format!("`{name}` is not an .xlsx workbook: {e}");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_a_workbook(&e))?;
    let mut total: u64 = 0;
    for n in 0..zip.len() {
        let part = zip.by_index_raw(n).map_err(|e| not_a_workbook(&e))?;
        let (packed, unpacked) = (part.compressed_size(), part.size());
        total = total.saturating_add(unpacked);
        if total > MAX_UNPACKED || unpacked > packed.max(1).saturating_mul(MAX_RATIO) {
            return Err(format!(
                "`{name}` unpacks to more than a workbook of a course map can (a part of {packed} bytes unpacks to {unpacked}; at most {MAX_UNPACKED} bytes in all are read)"
            ));
        }
    }
    Ok(())
}

/// An `.xlsx` workbook's sheets, each read a cell at a time.
fn workbook(name: &str, bytes: &[u8]) -> Result<Vec<Grid>, String> {
    check_archive(name, bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| format!("`{name}` is not an .xlsx workbook: {e}"))?;
    let mut grids = Vec::new();
    let mut cells = 0usize;
    let mut span = 0usize;
    for sheet in book.sheet_names() {
        let rows = sheet_rows(&mut book, name, &sheet, &mut cells, &mut span)?;
        grids.push(Grid {
            file: name.to_owned(),
            sheet: Some(sheet),
            rows,
        });
    }
    Ok(grids)
}

/// One sheet's rows, as sparse as the sheet: rows up to the last with text, each up to its last
/// cell with text.
fn sheet_rows<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    name: &str,
    sheet: &str,
    cells: &mut usize,
    span: &mut usize,
) -> Result<Vec<Vec<String>>, String> {
    let mut reader = book
        .worksheet_cells_reader(sheet)
        .map_err(|e| format!("cannot read sheet `{sheet}` of `{name}`: {e}"))?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    loop {
        let cell = reader
            .next_cell()
            .map_err(|e| format!("cannot read sheet `{sheet}` of `{name}`: {e}"))?;
        let Some(cell) = cell else { break };
        let text = text(cell.get_value());
        if text.trim().is_empty() {
            continue;
        }
        let (row, column) = cell.get_position();
        if row >= MAX_ROWS || column >= MAX_COLUMNS {
            return Err(too_large(name));
        }
        *cells += 1;
        if *cells > MAX_CELLS {
            return Err(too_large(name));
        }
        let (row, column) = (row as usize, column as usize);
        if rows.len() <= row {
            rows.resize_with(row + 1, Vec::new);
        }
        if let Some(r) = rows.get_mut(row) {
            if r.len() <= column {
                // Cells up to this one are held, blank or not: counted against the span.
                *span += column + 1 - r.len();
                if *span > MAX_SPAN {
                    return Err(too_large(name));
                }
                r.resize(column + 1, String::new());
            }
            if let Some(slot) = r.get_mut(column) {
                *slot = text;
            }
        }
    }
    Ok(rows)
}

/// A cell as the spreadsheet shows it: whole numbers without `.0`.
fn text(d: &DataRef<'_>) -> String {
    match d {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_formats_are_refused_with_a_way_forward() {
        let e = read("map.xls", b"").unwrap_err();
        assert!(e.contains("save it as .xlsx"), "{e}");
    }

    #[test]
    fn a_csv_file_is_one_grid_and_a_large_one_is_refused() {
        let g = read("m.csv", "\u{feff}Ref,Day 1\n1.1,I\n".as_bytes()).unwrap();
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].rows[1], vec!["1.1", "I"]);
        let wide = format!("{}\n", vec!["x"; MAX_COLUMNS as usize + 1].join(","));
        assert!(
            read("w.csv", wide.as_bytes())
                .unwrap_err()
                .contains("larger than")
        );
    }

    #[test]
    fn bytes_that_are_not_a_workbook_say_so() {
        let e = read("m.xlsx", b"PK\x03\x04 not really").unwrap_err();
        assert!(e.contains("is not an .xlsx workbook"), "{e}");
    }
}
