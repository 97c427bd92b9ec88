//! Writing results: human diagnostics on stderr, JSON on stdout.

use std::io::{IsTerminal, Write};

use framework_core::report::Report;
use framework_core::{Code, Diagnostic};
use miette::{GraphicalReportHandler, GraphicalTheme};
use serde::Serialize;

use crate::exit::ExitStatus;
use crate::options::Format;
use crate::report::Render;

/// Whether to colour output on this stream.
pub fn colour(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn handler() -> GraphicalReportHandler {
    let theme = if colour(std::io::stderr().is_terminal()) {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1)
}

/// Runs `work`, showing a spinner with `message` on stderr while it runs when stderr is a
/// terminal (nothing when it is piped or redirected). The spinner appears only if the work
/// lasts beyond its first tick, so quick work shows nothing.
pub fn with_progress<T>(message: &str, work: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return work();
    }
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message(message.to_owned());
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let out = work();
    spinner.finish_and_clear();
    out
}

/// Renders diagnostics as people read them.
pub fn render_human(diagnostics: &[Diagnostic]) -> String {
    let handler = handler();
    let mut out = String::new();
    for (n, d) in diagnostics.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let m = d.to_miette();
        if handler.render_report(&mut out, &m).is_err() {
            out.push_str(&format!(
                "{}[{}]: {}\n",
                d.severity(),
                d.code(),
                framework_core::safe::escape(d.message())
            ));
        }
    }
    out
}

/// Writes diagnostics to stderr in human form.
pub fn print_diagnostics(diagnostics: &[Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(render_human(diagnostics).as_bytes());
    let _ = err.flush();
}

/// "1 error", "2 errors", "2 leaves".
pub fn plural(n: usize, word: &str) -> String {
    match (n, word) {
        (1, _) => format!("{n} {word}"),
        (_, "leaf") => format!("{n} leaves"),
        _ => format!("{n} {word}s"),
    }
}

/// "2 errors, 1 warning".
pub fn counts(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// Writes a value as one JSON document on stdout, through a buffer (stdout alone is
/// line-buffered: a large report would be millions of small writes).
pub fn print_json<T: Serialize>(value: &T) -> ExitStatus {
    write_out(|out| {
        write_json(&mut *out, value, true)?;
        writeln!(out)
    })
}

/// Writes a value as JSON (indented, or on one line), every string's unsafe characters as JSON
/// escapes (see [`framework_core::safe::json_escape`]): the same data, no raw control or
/// invisible character.
pub fn write_json<T: Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
    pretty: bool,
) -> std::io::Result<()> {
    let result = if pretty {
        let mut ser = serde_json::Serializer::with_formatter(
            out,
            Safe(serde_json::ser::PrettyFormatter::new()),
        );
        value.serialize(&mut ser)
    } else {
        let mut ser =
            serde_json::Serializer::with_formatter(out, Safe(serde_json::ser::CompactFormatter));
        value.serialize(&mut ser)
    };
    result.map_err(std::io::Error::from)
}

/// A JSON formatter that escapes unsafe characters in strings and otherwise does what `F` does.
struct Safe<F>(F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for Safe<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut buf = Vec::with_capacity(fragment.len());
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

/// Writes on stdout through a buffer; a closed pipe is not an error.
pub fn write_out(
    write: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock<'static>>) -> std::io::Result<()>,
) -> ExitStatus {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = write(&mut out).and_then(|()| out.flush());
    match written {
        Ok(()) => ExitStatus::Success,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitStatus::Success,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            ExitStatus::Error
        }
    }
}

/// Writes text on stdout (a closed pipe is not an error).
pub fn print_text(text: &str) -> ExitStatus {
    write_out(|out| out.write_all(text.as_bytes()))
}

/// Writes a report in the chosen format, with the emitter of that format: JSON is the
/// envelope's `Serialize` form (diagnostics inside); the others render the report (see
/// [`Render`]) on stdout and show the diagnostics on stderr.
pub fn emit<T: Serialize + Render>(format: Format, report: &Report<T>) -> ExitStatus {
    match format {
        Format::Json => print_json(report),
        Format::Jsonl => jsonl(report),
        Format::Human => human(report),
        Format::Md => markdown(report),
        Format::Csv => csv(report),
    }
}

/// The JSON-lines emitter: the report's rows one per line, then the rest; a report without a
/// list to stream says so (status 2).
fn jsonl<T: Render>(report: &Report<T>) -> ExitStatus {
    let mut missing = false;
    let status = write_out(|out| match report.body.jsonl(&report.diagnostics, out) {
        Some(written) => written,
        None => {
            missing = true;
            Ok(())
        }
    });
    if missing {
        return fatal(
            Format::Jsonl,
            &Fatal::new(
                Code::BadArguments,
                "this command has no list to write as JSON lines".to_owned(),
                Some("use `--format json`".to_owned()),
            ),
        );
    }
    status
}

/// The human emitter: each diagnostic with its source lines on stderr, the report on stdout
/// (coloured on a terminal).
fn human<T: Render>(report: &Report<T>) -> ExitStatus {
    print_diagnostics(&report.diagnostics);
    let doc = report.body.human(&report.diagnostics);
    print_text(&doc.human(colour(std::io::stdout().is_terminal())))
}

/// The Markdown emitter.
fn markdown<T: Render>(report: &Report<T>) -> ExitStatus {
    if !report.body.lists_diagnostics() {
        print_diagnostics(&report.diagnostics);
    }
    print_text(&report.body.doc(&report.diagnostics).markdown())
}

/// The CSV emitter: the report's main table.
fn csv<T: Render>(report: &Report<T>) -> ExitStatus {
    if !report.body.lists_diagnostics() {
        print_diagnostics(&report.diagnostics);
    }
    print_text(&report.body.table(&report.diagnostics).csv())
}

#[derive(Serialize)]
struct FatalJson<'a> {
    error: FatalError<'a>,
    diagnostics: &'a [Diagnostic],
}

#[derive(Serialize)]
struct FatalError<'a> {
    code: &'a str,
    message: String,
    help: Option<String>,
}

/// Reports an error that stopped the command (exit status 2), before anything was loaded.
pub fn fatal(format: Format, e: &(dyn miette::Diagnostic + Send + Sync + 'static)) -> ExitStatus {
    fatal_with(format, e, &[])
}

/// Reports an error that stopped the command (exit status 2) after the catalog was loaded, with
/// the problems found on the way: inside the JSON document, or on stderr before the error.
pub fn fatal_with(
    format: Format,
    e: &(dyn miette::Diagnostic + Send + Sync + 'static),
    diagnostics: &[Diagnostic],
) -> ExitStatus {
    match format {
        Format::Json | Format::Jsonl => {
            let code = e
                .code()
                .map(|c| c.to_string())
                .unwrap_or_else(|| "internal-error".to_owned());
            let doc = FatalJson {
                error: FatalError {
                    code: &code,
                    message: e.to_string(),
                    help: e.help().map(|h| h.to_string()),
                },
                diagnostics,
            };
            if format == Format::Jsonl {
                // One line, as every line of JSON lines is.
                write_out(|out| {
                    write_json(&mut *out, &doc, false)?;
                    writeln!(out)
                });
            } else {
                print_json(&doc);
            }
        }
        Format::Human | Format::Csv | Format::Md => {
            print_diagnostics(diagnostics);
            let mut out = match e.code() {
                Some(code) => format!("error[{code}]: "),
                None => String::from("error: "),
            };
            out.push_str(&framework_core::safe::escape(&e.to_string()));
            out.push('\n');
            if let Some(h) = e.help() {
                let h = h.to_string();
                out.push_str(&format!("  help: {}\n", framework_core::safe::escape(&h)));
            }
            let _ = std::io::stderr().write_all(out.as_bytes());
        }
    }
    ExitStatus::Error
}

/// An error that stops a command: its code (a fatal one of the one code table), a message and
/// optional help.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Fatal {
    pub code: Code,
    pub message: String,
    pub help: Option<String>,
}

impl Fatal {
    /// An error with this code, message and help.
    pub fn new(code: Code, message: String, help: Option<String>) -> Self {
        Self {
            code,
            message,
            help,
        }
    }
}

impl miette::Diagnostic for Fatal {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.code.as_str()))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
}
