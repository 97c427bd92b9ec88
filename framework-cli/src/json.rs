//! JSON as the CLI writes it: every string's DEL, C1 and invisible characters as JSON escapes
//! (see `framework_core::safe::json_escape`), so JSON output carries no raw control or invisible
//! character and still means the same text.

use std::io::Write;

use serde::Serialize;

/// Writes a value as JSON (indented, or on one line), every string's unsafe characters as JSON
/// escapes (see [`framework_core::safe::json_escape`]): the same data, no raw control or
/// invisible character.
pub fn write_json<T: Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
    pretty: bool,
) -> std::io::Result<()> {
    let mut chunked = Chunked {
        buf: Vec::with_capacity(4096),
        out,
    };
    let result = if pretty {
        let mut ser = serde_json::Serializer::with_formatter(
            &mut chunked,
            Safe(serde_json::ser::PrettyFormatter::new()),
        );
        value.serialize(&mut ser)
    } else {
        let mut ser = serde_json::Serializer::with_formatter(
            &mut chunked,
            Safe(serde_json::ser::CompactFormatter),
        );
        value.serialize(&mut ser)
    };
    result.map_err(std::io::Error::from)?;
    chunked.out.write_all(&chunked.buf)
}

/// How much [`Chunked`] gathers before handing it on.
const CHUNK: usize = 256 * 1024;

/// Gathers small writes in memory and hands them on in pieces of [`CHUNK`] bytes: serde_json
/// writes a value in many small fragments, and each one through `dyn Write` would be a call
/// that cannot be inlined (a third of the time of writing a large report).
struct Chunked<'a> {
    buf: Vec<u8>,
    out: &'a mut dyn Write,
}

impl Write for Chunked<'_> {
    #[inline]
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.write_all(data)?;
        Ok(data.len())
    }

    #[inline]
    fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }
}

/// A JSON formatter that escapes unsafe characters in strings and otherwise does what `F` does.
struct Safe<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for Safe<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // Plain ASCII (what almost every string is) has nothing to escape.
        if fragment.bytes().all(|b| b < 0x7f) {
            return w.write_all(fragment.as_bytes());
        }
        let mut buf = Vec::with_capacity(fragment.len() + 8);
        framework_core::safe::json_escape(fragment, &mut buf)?;
        w.write_all(&buf)
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}
