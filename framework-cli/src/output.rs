//! Writing results: human diagnostics on stderr, JSON on stdout.

use std::io::{IsTerminal, Write};

use framework_core::report::Report;
use framework_core::{Code, Diagnostic};
use miette::{GraphicalReportHandler, GraphicalTheme};
use serde::Serialize;

use crate::exit::ExitStatus;
use crate::options::{Format, GlobalArgs};
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
///
/// With `COMPETENCE_TIMINGS` set, the time each step took goes to stderr as `timing: STEP: N ms`
/// (for measuring, as in the README's figures).
pub fn with_progress<T>(message: &str, work: impl FnOnce() -> T) -> T {
    if std::env::var_os("COMPETENCE_TIMINGS").is_some() {
        let start = std::time::Instant::now();
        let out = work();
        eprintln!("timing: {message}: {} ms", start.elapsed().as_millis());
        return out;
    }
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
        crate::json::write_json(&mut *out, value, true)?;
        writeln!(out)
    })
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
/// [`Render`]) and show the diagnostics on stderr. The output goes to stdout, or with `-o FILE`
/// to that file (written whole or not at all); Parquet needs a file.
pub fn emit<T: Serialize + Render + framework_core::table::Tables>(
    g: &GlobalArgs,
    report: &Report<T>,
) -> ExitStatus {
    let to_file = g.output.as_deref();
    let on_stderr = match g.format {
        Format::Json | Format::Jsonl => false,
        Format::Human => true,
        Format::Md | Format::Csv | Format::Parquet | Format::Xlsx | Format::Html | Format::Yaml => {
            !report.body.lists_diagnostics()
        }
    };
    if on_stderr {
        print_diagnostics(&report.diagnostics);
    }
    let colour_on = to_file.is_none() && colour(std::io::stdout().is_terminal());
    // Parquet, workbooks and pages are made whole and need a file.
    if g.format.needs_file() {
        let Some(path) = to_file else {
            return fatal(
                g.format,
                &Fatal::new(
                    Code::BadArguments,
                    format!(
                        "`--format {}` is written to a file, not to the terminal",
                        g.format.name()
                    ),
                    Some(format!("add `-o FILE.{}`", g.format.name())),
                ),
            );
        };
        let mut failed = None;
        let written = framework_core::files::write_atomically(path, |out| {
            whole_file(g.format, report, out).map_err(|why| {
                let e = std::io::Error::other(why.message.clone());
                failed = Some(why);
                e
            })
        });
        if let Some(why) = failed {
            return fatal(g.format, &why);
        }
        return finish_file(g, path, written);
    }
    // The other formats are written as they are made: to stdout, or to a temporary file
    // renamed over the target once whole.
    let write = |out: &mut dyn Write| -> Result<(), Fatal> {
        match g.format {
            Format::Json => crate::json::write_json(&mut *out, report, true)
                .and_then(|()| writeln!(out))
                .map_err(cannot_write),
            Format::Jsonl => match report.body.jsonl(&report.diagnostics, out) {
                Some(written) => written.map_err(cannot_write),
                None => Err(Fatal::new(
                    Code::BadArguments,
                    "this command has no list to write as JSON lines".to_owned(),
                    Some("use `--format json`".to_owned()),
                )),
            },
            Format::Human => {
                let doc = report.body.human(&report.diagnostics);
                out.write_all(doc.human(colour_on).as_bytes())
                    .map_err(cannot_write)
            }
            Format::Md => {
                let doc = report.body.doc(&report.diagnostics);
                out.write_all(doc.markdown().as_bytes())
                    .map_err(cannot_write)
            }
            Format::Csv => match report.body.csv(out) {
                Some(written) => written.map_err(cannot_write),
                None => {
                    let table = Render::table(&report.body, &report.diagnostics);
                    out.write_all(table.csv().as_bytes()).map_err(cannot_write)
                }
            },
            Format::Yaml => match report.body.yaml() {
                Some(text) => out.write_all(text.as_bytes()).map_err(cannot_write),
                None => Err(Fatal::new(
                    Code::BadArguments,
                    "this command has no YAML form (`--format yaml` is for `diff`'s edition mapping)".to_owned(),
                    Some("use `--format json`".to_owned()),
                )),
            },
            // Made whole above; never streamed.
            Format::Parquet | Format::Xlsx | Format::Html => Err(cannot_write(
                std::io::Error::other("this format is not streamed"),
            )),
        }
    };
    match to_file {
        None => {
            let mut failed = None;
            let status = write_out(|out| match write(out) {
                Ok(()) => Ok(()),
                Err(f) => {
                    failed = Some(f);
                    Ok(())
                }
            });
            match failed {
                Some(f) => fatal(g.format, &f),
                None => status,
            }
        }
        Some(path) => {
            let mut failed = None;
            let written = framework_core::files::write_atomically(path, |out| match write(out) {
                Ok(()) => Ok(()),
                Err(f) => {
                    let message = f.message.clone();
                    failed = Some(f);
                    Err(std::io::Error::other(message))
                }
            });
            match failed {
                Some(f) => fatal(g.format, &f),
                None => finish_file(g, path, written),
            }
        }
    }
}

/// Writes a format made whole (Parquet, a workbook, a page) into a file.
fn whole_file<T: Serialize + Render + framework_core::table::Tables>(
    format: Format,
    report: &Report<T>,
    out: &mut (dyn Write + Send),
) -> Result<(), Fatal> {
    let bytes = match format {
        // The typed table, batch by batch, straight into the file.
        Format::Parquet => {
            return crate::parquet::write(report, out)
                .map_err(|why| Fatal::new(Code::InternalError, why, None));
        }
        Format::Xlsx => workbook(&report.body, &report.diagnostics)?,
        Format::Html => {
            // The title from the summary: a large report's document can be far larger.
            let doc = report.body.summary(&report.diagnostics);
            let mut body = report.body.html(&report.diagnostics);
            if !report.diagnostics.is_empty() {
                body.push_str("<h2>Problems found</h2>\n");
                let table = crate::report::diagnostics_table(&report.diagnostics);
                crate::html::table(&table, "", &mut body);
            }
            crate::html::page(&crate::html::title_of(&doc), &body).into_bytes()
        }
        _ => Vec::new(),
    };
    out.write_all(&bytes).map_err(cannot_write)
}

/// A report as a workbook: the summary sheet, the main table's sheet, the diagnostics' sheet.
pub fn workbook<T: Render>(body: &T, diagnostics: &[Diagnostic]) -> Result<Vec<u8>, Fatal> {
    let mut book = crate::xlsx::Book::new();
    let made = book
        .summary("summary", &body.summary(diagnostics))
        .and_then(|()| book.table(body.sheet(diagnostics)))
        .and_then(|()| book.diagnostics(diagnostics));
    made.and_then(|()| book.finish())
        .map_err(crate::xlsx::failed)
}

/// Writes bytes to a file, whole or not at all, and says so on stderr (`wrote FILE`), or why it
/// could not (`unwritable`, status 2).
pub fn write_file(g: &GlobalArgs, path: &std::path::Path, bytes: &[u8]) -> ExitStatus {
    let written = framework_core::files::write_atomically(path, |w| w.write_all(bytes));
    finish_file(g, path, written)
}

/// Says a file was written, or why it could not be.
fn finish_file(g: &GlobalArgs, path: &std::path::Path, written: std::io::Result<()>) -> ExitStatus {
    match written {
        Ok(()) => {
            eprintln!(
                "wrote {}",
                framework_core::safe::escape_line(&path.display().to_string())
            );
            ExitStatus::Success
        }
        Err(e) => fatal(
            g.format,
            &Fatal::new(
                Code::Unwritable,
                format!("cannot write `{}`: {e}", path.display()),
                None,
            ),
        ),
    }
}

fn cannot_write(e: std::io::Error) -> Fatal {
    Fatal::new(
        Code::InternalError,
        format!("cannot make the output: {e}"),
        None,
    )
}

#[derive(Serialize)]
struct FatalJson<'a> {
    error: FatalError,
    diagnostics: &'a [Diagnostic],
}

#[derive(Serialize)]
struct FatalError {
    code: String,
    message: String,
    help: Option<String>,
}

/// The JSON error document of an error that stopped a command: `{"error": {"code", "message",
/// "help"}, "diagnostics": [...]}` (the service answers its errors with it too).
pub fn error_document<'a>(
    e: &(dyn miette::Diagnostic + Send + Sync + 'static),
    diagnostics: &'a [Diagnostic],
) -> impl Serialize + 'a {
    let code = e
        .code()
        .map(|c| c.to_string())
        .unwrap_or_else(|| "internal-error".to_owned());
    FatalJson {
        error: FatalError {
            code,
            message: e.to_string(),
            help: e.help().map(|h| h.to_string()),
        },
        diagnostics,
    }
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
            let doc = error_document(e, diagnostics);
            if format == Format::Jsonl {
                // One line, as every line of JSON lines is.
                write_out(|out| {
                    crate::json::write_json(&mut *out, &doc, false)?;
                    writeln!(out)
                });
            } else {
                print_json(&doc);
            }
        }
        Format::Human
        | Format::Csv
        | Format::Md
        | Format::Parquet
        | Format::Xlsx
        | Format::Html
        | Format::Yaml => {
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
