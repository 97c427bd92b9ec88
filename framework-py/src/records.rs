//! Learner records as Python hands them over, made into the engine's input: a path (read by
//! the engine, streamed, under its limits); a DataFrame (pandas, polars, pyarrow, or anything
//! with `__arrow_c_stream__`) as the text of the columns the engine reads, taken from pyarrow's
//! buffers (no CSV written); a list of dicts as columns; or, for a DataFrame pyarrow cannot
//! read, its CSV.

use std::io::Read;

use framework_core::learners::{
    CsvInput, RecordsError, RecordsInput, RowTable, TableInput, TextColumn,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString};

/// What the engine reads the records from.
pub(crate) type Input = RecordsInput<Box<dyn Read + Send>>;

/// The records in `value`, which has the columns `wanted` (among others).
pub(crate) fn input(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    wanted: &[String],
) -> PyResult<Input> {
    let os = py.import("os")?;
    if value.is_instance_of::<PyString>() || value.is_instance(&os.getattr("PathLike")?)? {
        let path: std::path::PathBuf = os.call_method1("fspath", (value,))?.extract()?;
        let name = path.display().to_string();
        return match std::fs::File::open(&path) {
            Ok(f) => Ok(RecordsInput::Csv(CsvInput::new(
                name,
                Box::new(std::io::BufReader::new(f)) as Box<dyn Read + Send>,
            ))),
            Err(e) => Err(unreadable(py, &name, e.to_string())),
        };
    }
    if let Some(columns) = arrow_columns(py, value, wanted)? {
        return Ok(RecordsInput::Table(TableInput {
            name: "<DataFrame>".to_owned(),
            columns,
        }));
    }
    let csv = |text: Bound<'_, PyAny>| -> PyResult<Input> {
        let bytes = match text.cast::<PyBytes>() {
            Ok(b) => b.as_bytes().to_vec(),
            Err(_) => text.str()?.to_cow()?.as_bytes().to_vec(),
        };
        Ok(RecordsInput::Csv(CsvInput::new(
            "<DataFrame>",
            Box::new(std::io::Cursor::new(bytes)) as Box<dyn Read + Send>,
        )))
    };
    if let Ok(to_csv) = value.getattr("to_csv")
        && value.hasattr("columns")?
    {
        // pandas without pyarrow
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("index", false)?;
        return csv(to_csv.call((), Some(&kwargs))?);
    }
    if let Ok(write_csv) = value.getattr("write_csv") {
        return csv(write_csv.call0()?); // polars without pyarrow
    }
    if value.hasattr("__arrow_c_stream__")? {
        return Err(pyo3::exceptions::PyImportError::new_err(
            "Arrow tables as records need pyarrow: pip install pyarrow",
        ));
    }
    if let Ok(rows) = value.try_iter() {
        return dict_rows(rows, wanted);
    }
    Err(PyTypeError::new_err(format!(
        "records are a path, a DataFrame or a list of dicts, not {}",
        value.get_type().name()?
    )))
}

/// xAPI statements (a path, or a list of statement dicts) and their activity map (a path to a
/// CSV `activity,ref`, or a dict of activity id to reference).
pub(crate) fn xapi(
    py: Python<'_>,
    statements: &Bound<'_, PyAny>,
    map: &Bound<'_, PyAny>,
) -> PyResult<framework_core::learners::XapiInput<Box<dyn Read + Send>>> {
    let os = py.import("os")?;
    let is_path = |v: &Bound<'_, PyAny>| -> PyResult<bool> {
        Ok(v.is_instance_of::<PyString>() || v.is_instance(&os.getattr("PathLike")?)?)
    };
    let open = |v: &Bound<'_, PyAny>| -> PyResult<(String, Box<dyn Read + Send>)> {
        let path: std::path::PathBuf = os.call_method1("fspath", (v,))?.extract()?;
        let name = path.display().to_string();
        match std::fs::File::open(&path) {
            Ok(f) => Ok((name, Box::new(std::io::BufReader::new(f)))),
            Err(e) => Err(unreadable(py, &name, e.to_string())),
        }
    };
    let (name, reader) = if is_path(statements)? {
        open(statements)?
    } else {
        let json = py.import("json")?.call_method1("dumps", (statements,))?;
        let text: String = json.extract()?;
        (
            "<statements>".to_owned(),
            Box::new(std::io::Cursor::new(text.into_bytes())) as Box<dyn Read + Send>,
        )
    };
    let (map_name, map) = if is_path(map)? {
        open(map)?
    } else {
        let pairs: std::collections::BTreeMap<String, String> = map.extract()?;
        // As CSV, every field quoted (a quote inside doubled).
        let quote = |f: &str| format!("\"{}\"", f.replace('"', "\"\""));
        let mut text = String::from("activity,ref\n");
        for (a, r) in &pairs {
            text.push_str(&format!("{},{}\n", quote(a), quote(r)));
        }
        let bytes = text.into_bytes();
        (
            "<activity map>".to_owned(),
            Box::new(std::io::Cursor::new(bytes)) as Box<dyn Read + Send>,
        )
    };
    Ok(framework_core::learners::XapiInput {
        name,
        reader,
        map_name,
        map,
    })
}

/// The `CompetenceError` for records that cannot be read.
fn unreadable(py: Python<'_>, name: &str, message: String) -> PyErr {
    crate::error::error(
        py,
        &RecordsError::Unreadable {
            file: name.to_owned(),
            message,
        },
        Some(name.to_owned()),
    )
}

/// A list of dicts as columns: the columns the engine reads (`wanted`), each from the key that
/// names it, other keys passed over (see [`RowTable`]). `None` is an empty field; anything else
/// is read as its text (`str()`).
fn dict_rows(rows: Bound<'_, pyo3::types::PyIterator>, wanted: &[String]) -> PyResult<Input> {
    let mut table = RowTable::new(wanted.to_vec());
    for row in rows {
        let row = row?;
        table.row();
        let keys = row.call_method0("keys")?;
        for key in keys.try_iter()? {
            let key = key?;
            let Some(c) = table.column(&key.str()?.to_cow()?) else {
                continue;
            };
            let cell = match row.get_item(&key)? {
                v if v.is_none() => None,
                v => Some(v.str()?.to_string()),
            };
            table.set(c, cell);
        }
    }
    Ok(RecordsInput::Table(table.finish("<records>")))
}

/// A DataFrame's columns the engine reads (`wanted`, matched as headers are: trimmed, ignoring
/// case) as text, from pyarrow's buffers. `None` (the table then goes as CSV) when pyarrow is
/// not installed, when it is not a table, or when a column holds anything but text, whole
/// numbers or dates (a timestamp only at midnight, without a time zone), whose text would
/// differ from the CSV's.
fn arrow_columns(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    wanted: &[String],
) -> PyResult<Option<Vec<TextColumn>>> {
    let Ok(pa) = py.import("pyarrow") else {
        return Ok(None);
    };
    match table_columns(py, &pa, value, wanted) {
        Ok(found) => Ok(found),
        // A table pyarrow cannot read: written as CSV, as before.
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyException>(py) => Ok(None),
        Err(e) => Err(e),
    }
}

fn table_columns(
    py: Python<'_>,
    pa: &Bound<'_, PyModule>,
    value: &Bound<'_, PyAny>,
    wanted: &[String],
) -> PyResult<Option<Vec<TextColumn>>> {
    let table = if value.hasattr("to_csv")? && value.hasattr("columns")? {
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("preserve_index", false)?;
        pa.getattr("Table")?
            .call_method("from_pandas", (value,), Some(&kwargs))?
    } else if value.hasattr("write_csv")? && value.hasattr("to_arrow")? {
        value.call_method0("to_arrow")? // polars
    } else if value.hasattr("__arrow_c_stream__")? {
        pa.call_method1("table", (value,))?
    } else {
        return Ok(None);
    };
    let types = pa.getattr("types")?;
    let is = |name: &str, kind: &Bound<'_, PyAny>| -> PyResult<bool> {
        types.call_method1(name, (kind,))?.is_truthy()
    };
    let large_string = pa.call_method0("large_string")?;
    let names: Vec<String> = table.getattr("column_names")?.extract()?;
    let columns = table.getattr("columns")?.cast_into::<PyList>()?;
    let mut out = Vec::new();
    for (name, column) in names.into_iter().zip(columns.iter()) {
        if !wanted.iter().any(|w| w.eq_ignore_ascii_case(name.trim())) {
            continue;
        }
        let chunks: usize = column.getattr("num_chunks")?.extract()?;
        let mut array = if chunks == 1 {
            column.call_method1("chunk", (0,))?
        } else {
            column.call_method0("combine_chunks")?
        };
        if is("is_dictionary", &array.getattr("type")?)? {
            array = array.call_method0("dictionary_decode")?;
        }
        let kind = array.getattr("type")?;
        if is("is_timestamp", &kind)? {
            // A time zone or a time of day: its CSV text is not a date.
            let dates = array.call_method1("cast", (pa.call_method0("date32")?,))?;
            let back = dates.call_method1("cast", (&kind,))?;
            let same: bool = back.call_method1("equals", (&array,))?.extract()?;
            if !kind.getattr("tz")?.is_none() || !same {
                return Ok(None);
            }
            array = dates;
        } else if ![
            "is_string",
            "is_large_string",
            "is_string_view",
            "is_integer",
            "is_date",
            "is_null",
        ]
        .iter()
        .map(|t| is(t, &kind))
        .collect::<PyResult<Vec<bool>>>()?
        .into_iter()
        .any(|b| b)
        {
            return Ok(None);
        }
        let array = array.call_method1("cast", (&large_string,))?;
        let buffers = array.call_method0("buffers")?.cast_into::<PyList>()?;
        let bytes = |i: usize| -> PyResult<Option<Vec<u8>>> {
            let b = buffers.get_item(i)?;
            if b.is_none() {
                Ok(None)
            } else {
                Ok(Some(b.call_method0("to_pybytes")?.extract()?))
            }
        };
        let validity = bytes(0)?;
        let offsets = bytes(1)?.unwrap_or_default();
        let data = bytes(2)?.unwrap_or_default();
        let offset: usize = array.getattr("offset")?.extract()?;
        let length: usize = array.len()?;
        let column = parts(name, &offsets, data, validity.as_deref(), offset, length)
            .map_err(|m| unreadable(py, "<DataFrame>", m))?;
        out.push(column);
    }
    Ok((!out.is_empty()).then_some(out))
}

/// A column from an Arrow `large_string` array's parts: its offsets (little-endian 64-bit, one
/// more than its values), its UTF-8 data, its validity bitmap (none: every value present), the
/// array's offset into them, and its length. Everything is checked (see
/// `TextColumn::from_parts`).
fn parts(
    name: String,
    offsets: &[u8],
    data: Vec<u8>,
    validity: Option<&[u8]>,
    offset: usize,
    length: usize,
) -> Result<TextColumn, String> {
    if !offsets.len().is_multiple_of(8) {
        return Err(format!("column `{name}` has offsets that are not 64-bit"));
    }
    let end = offset.saturating_add(length);
    if validity.is_some_and(|bits| (bits.len() as u64) * 8 < end as u64) {
        return Err(format!(
            "column `{name}` has a validity shorter than its values"
        ));
    }
    let all: Vec<usize> = offsets
        .chunks_exact(8)
        .map(|b| {
            let mut n = [0u8; 8];
            n.copy_from_slice(b);
            usize::try_from(i64::from_le_bytes(n)).unwrap_or(usize::MAX)
        })
        .collect();
    let starts = all
        .get(offset..end.saturating_add(1))
        .ok_or_else(|| format!("column `{name}` has fewer offsets than values"))?
        .to_vec();
    let present = validity.map(|bits| {
        (offset..end)
            .map(|i| bits.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0))
            .collect()
    });
    TextColumn::from_parts(name, starts, data, present)
}

/// An as-of date as `YYYY-MM-DD`: text as it is; a `datetime` or a pandas `Timestamp` by its
/// date; a `date` as itself.
pub(crate) fn date_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(text.to_cow()?.into_owned());
    }
    let mut value = value.clone();
    if let Ok(date) = value.getattr("date")
        && date.is_callable()
    {
        value = date.call0()?;
    }
    match value.getattr("isoformat") {
        Ok(iso) if iso.is_callable() => Ok(iso.call0()?.str()?.to_string()),
        _ => Err(PyTypeError::new_err(format!(
            "as_of is a date, a datetime or YYYY-MM-DD text, not {}",
            value.get_type().name()?
        ))),
    }
}
