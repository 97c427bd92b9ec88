//! The main table as Parquet (`--format parquet -o FILE`): the report's typed Arrow table (see
//! `framework_core::table`), written batch by batch, so large results go to pandas, polars,
//! DuckDB or Spark without a JSON detour, and a large table is never held whole.

use framework_core::table::Tables;
use parquet::arrow::ArrowWriter;

/// Writes the report's main table (its first) as a Parquet file; the error says why it could
/// not be made.
pub fn write(report: &impl Tables, out: &mut (dyn std::io::Write + Send)) -> Result<(), String> {
    let failed = |e: &dyn std::fmt::Display| format!("cannot make the Parquet file: {e}");
    let main = report.table_names().first().copied().unwrap_or_default();
    let Some(table) = report.table(main) else {
        return Err(failed(&"the report has no table"));
    };
    let mut writer = ArrowWriter::try_new(out, table.schema, None).map_err(|e| failed(&e))?;
    for batch in table.batches {
        writer
            .write(&batch.map_err(|e| failed(&e))?)
            .map_err(|e| failed(&e))?;
    }
    writer.close().map_err(|e| failed(&e))?;
    Ok(())
}
