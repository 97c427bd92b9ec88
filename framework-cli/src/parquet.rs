//! The main table as Parquet (`--format parquet -o FILE`), with typed columns, so large
//! results go to pandas, polars, DuckDB or Spark without a JSON detour. A column the table
//! marks as numeric is a 64-bit integer (when every value is whole) or a float; a column of
//! `true`/`false` is boolean; any other is text. An empty cell is null.

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray};
use parquet::arrow::ArrowWriter;

use crate::report::Table;

/// Writes typed batches (see `Render::batches`) as a Parquet file, one batch at a time; the
/// error says why it could not be made.
pub fn write_batches(
    (schema, batches): crate::report::Batches<'_>,
    out: &mut (dyn std::io::Write + Send),
) -> Result<(), String> {
    let failed = |e: &dyn std::fmt::Display| format!("cannot make the Parquet file: {e}");
    let mut writer = ArrowWriter::try_new(out, schema, None).map_err(|e| failed(&e))?;
    for batch in batches {
        writer
            .write(&batch.map_err(|e| failed(&e))?)
            .map_err(|e| failed(&e))?;
    }
    writer.close().map_err(|e| failed(&e))?;
    Ok(())
}

/// Writes the table as a Parquet file's bytes; the error says why it could not be made.
pub fn write(table: &Table, out: &mut Vec<u8>) -> Result<(), String> {
    let columns: Vec<(String, ArrayRef)> = table
        .headers
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let cells: Vec<Option<&str>> = table
                .rows
                .iter()
                .map(|r| r.get(j).map(|c| c.text.as_str()).filter(|t| !t.is_empty()))
                .collect();
            let numeric = table.numeric.get(j).copied().unwrap_or(false);
            (name.clone(), column(&cells, numeric))
        })
        .collect();
    let failed = |e: &dyn std::fmt::Display| format!("cannot make the Parquet file: {e}");
    let batch = RecordBatch::try_from_iter(columns).map_err(|e| failed(&e))?;
    let mut writer = ArrowWriter::try_new(out, batch.schema(), None).map_err(|e| failed(&e))?;
    writer.write(&batch).map_err(|e| failed(&e))?;
    writer.close().map_err(|e| failed(&e))?;
    Ok(())
}

/// One column, typed by what its cells hold.
fn column(cells: &[Option<&str>], numeric: bool) -> ArrayRef {
    if numeric {
        let ints: Option<Vec<Option<i64>>> = cells
            .iter()
            .map(|c| match c {
                None => Some(None),
                Some(t) => t.trim().parse::<i64>().ok().map(Some),
            })
            .collect();
        if let Some(ints) = ints {
            return Arc::new(Int64Array::from(ints));
        }
        let floats: Vec<Option<f64>> = cells
            .iter()
            .map(|c| c.and_then(|t| t.trim().parse::<f64>().ok()))
            .collect();
        return Arc::new(Float64Array::from(floats));
    }
    let booleans = cells.iter().any(Option::is_some)
        && cells
            .iter()
            .all(|c| matches!(c, None | Some("true") | Some("false")));
    if booleans {
        let values: Vec<Option<bool>> = cells.iter().map(|c| c.map(|t| t == "true")).collect();
        return Arc::new(BooleanArray::from(values));
    }
    Arc::new(StringArray::from(cells.to_vec()))
}
