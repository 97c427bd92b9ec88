//! `competence import sheet` (a course map from a workbook or CSV) and `competence template`
//! (the blank grid of a framework to fill in). The reading and the grid's rows are
//! `framework_core::interop::sheet`'s; this module reads and writes the files.

use std::io::Write as _;

use clap::Args;
use framework_core::interop::sheet::{self, CourseMap, SheetOptions};
use framework_core::{Catalog, Code, Diagnostic};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatBorder, Workbook,
};
use serde::Serialize;

use crate::command::interop::ImportArgs;
use crate::exit::ExitStatus;
use crate::options::{Format as OutputFormat, GlobalArgs};
use crate::output::{self, Fatal};
use crate::session::catalog_or_exit;

/// What `import sheet` says it made (the JSON document, with the diagnostics).
#[derive(Serialize)]
struct Made<'a> {
    documents: Vec<MadeDocument<'a>>,
}

#[derive(Serialize)]
struct MadeDocument<'a> {
    kind: &'static str,
    id: &'a str,
    file: Option<String>,
    sheet: &'a str,
    shape: Option<&'static str>,
    framework: &'a str,
    sessions: usize,
    assessments: usize,
    references: usize,
}

/// Runs `competence import sheet`.
pub fn run_import(g: &GlobalArgs, args: &ImportArgs) -> ExitStatus {
    let [path] = args.files.as_slice() else {
        return output::fatal(
            g.format,
            &Fatal::new(
                Code::BadArguments,
                "`import sheet` reads one file".to_owned(),
                Some("import each course map on its own".to_owned()),
            ),
        );
    };
    let bytes = match framework_core::files::read_file_limited(path, g.max_file_size) {
        Ok(b) => b,
        Err(e) => {
            return output::fatal(
                g.format,
                &Fatal::new(
                    Code::Unreadable,
                    format!("cannot read `{}`: {e}", path.display()),
                    None,
                ),
            );
        }
    };
    let grids =
        match framework_core::interop::spreadsheet::read(&path.display().to_string(), &bytes) {
            Ok(g) => g,
            Err(why) => {
                return output::fatal(
                    g.format,
                    &Fatal::new(
                        Code::ImportInvalid,
                        why,
                        Some("give an .xlsx or .csv file".to_owned()),
                    ),
                );
            }
        };
    let catalog = match catalog_or_exit(g, &[]) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let options = SheetOptions {
        framework: args.framework.clone(),
        id: args
            .id
            .clone()
            .unwrap_or_else(|| framework_core::interop::slug(&stem, "course-map")),
        title: args.title.clone().unwrap_or_else(|| stem.clone()),
    };
    let map = match sheet::read(&catalog, &grids, &options) {
        Ok(map) => map,
        Err(e) => return output::fatal_with(g.format, &e, &[]),
    };
    let origin = format!(
        "Imported by `competence import sheet` from {}.\nCheck it with `competence validate FILE`; see it with `competence coverage FILE`.",
        framework_core::safe::escape_line(&map.place)
    );
    let yaml = map.to_yaml(&origin);
    let name = g
        .output
        .as_ref()
        .map_or_else(|| format!("{}.yaml", map.id), |p| p.display().to_string());
    let mut diagnostics = map.diagnostics.clone();
    if map.references() > 0 {
        diagnostics.extend(check(g, &name, &yaml));
    }
    framework_core::diagnostic::sort(&mut diagnostics);
    let status = if map.references() == 0 || diagnostics.iter().any(Diagnostic::is_error) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    };
    // Written whole (or not at all) before anything is said about it.
    let wrote = match &g.output {
        Some(out) if map.references() > 0 => {
            let written =
                framework_core::files::write_atomically(out, |w| w.write_all(yaml.as_bytes()));
            if let Err(e) = written {
                return output::fatal(
                    g.format,
                    &Fatal::new(
                        Code::Unwritable,
                        format!("cannot write `{}`: {e}", out.display()),
                        None,
                    ),
                );
            }
            true
        }
        _ => false,
    };
    if g.format == OutputFormat::Json {
        let body = Made {
            documents: (map.references() > 0)
                .then(|| made(&map, g.output.as_ref().map(|p| p.display().to_string())))
                .into_iter()
                .collect(),
        };
        let written = output::print_json(&framework_core::report::Report { body, diagnostics });
        return if written == ExitStatus::Error {
            written
        } else {
            status
        };
    }
    output::print_diagnostics(&diagnostics);
    summary(&map);
    if wrote {
        eprintln!("wrote {}", framework_core::safe::escape_line(&name));
    } else if map.references() > 0 {
        let written = output::print_text(&yaml);
        if written == ExitStatus::Error {
            return written;
        }
    }
    status
}

fn made(map: &CourseMap, file: Option<String>) -> MadeDocument<'_> {
    MadeDocument {
        kind: "curriculum",
        id: &map.id,
        file,
        sheet: &map.place,
        shape: map.shape.map(|s| match s {
            sheet::Shape::Grid => "grid",
            sheet::Shape::Long => "long",
        }),
        framework: &map.framework,
        sessions: map.sessions.len(),
        assessments: map.assessments.len(),
        references: map.references(),
    }
}

/// One line on stderr saying what was read.
fn summary(map: &CourseMap) {
    let errors = map.diagnostics.iter().filter(|d| d.is_error()).count();
    eprintln!(
        "read {} as a {}: {}, {}, {} against `{}`{}",
        framework_core::safe::escape_line(&map.place),
        match map.shape {
            Some(sheet::Shape::Long) => "long table",
            _ => "grid",
        },
        output::plural(map.sessions.len(), "session"),
        output::plural(map.assessments.len(), "assessment"),
        output::plural(map.references(), "reference"),
        map.framework,
        if errors > 0 {
            format!("; {} could not be read", output::plural(errors, "cell"))
        } else {
            String::new()
        }
    );
}

/// The course map checked as `validate` would check its file, with the catalog it joins.
fn check(g: &GlobalArgs, name: &str, yaml: &str) -> Vec<Diagnostic> {
    let mut builder = Catalog::builder().builtin(!g.no_builtin);
    for path in &g.catalog {
        if builder.add_path(path).is_err() {
            // Already reported when the catalog was loaded.
            continue;
        }
    }
    builder.add_bytes(name, yaml.as_bytes());
    builder
        .build()
        .diagnostics()
        .iter()
        .filter(|d| d.file() == name)
        .cloned()
        .collect()
}

/// Arguments of `competence template`.
#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// The framework whose items go down the side (see `competence list`).
    #[arg(value_name = "FRAMEWORK")]
    pub framework: String,

    /// How many session columns to leave blank (rename them to your sessions).
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u16).range(1..=500))]
    pub sessions: u16,
}

/// Runs `competence template`.
pub fn run_template(g: &GlobalArgs, args: &TemplateArgs) -> ExitStatus {
    let catalog = match catalog_or_exit(g, &[]) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let rows = match sheet::template(&catalog, &args.framework) {
        Ok(rows) => rows,
        Err(e) => return output::fatal_with(g.format, &e, catalog.diagnostics()),
    };
    let title = catalog
        .lookup_framework(&args.framework)
        .map(|f| f.info.title.clone())
        .unwrap_or_default();
    let sessions: Vec<String> = (1..=args.sessions)
        .map(|n| format!("Session {n}"))
        .collect();
    let xlsx = g
        .output
        .as_ref()
        .and_then(|p| p.extension())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
        || g.format == OutputFormat::Xlsx;
    let bytes = if xlsx {
        match workbook(&args.framework, &title, &rows, &sessions) {
            Ok(b) => b,
            Err(e) => {
                return output::fatal(
                    g.format,
                    &Fatal::new(
                        Code::InternalError,
                        format!("cannot make the workbook: {e}"),
                        None,
                    ),
                );
            }
        }
    } else {
        csv_grid(&rows, &sessions)
    };
    match &g.output {
        Some(path) => {
            let status = output::write_file(g, path, &bytes);
            if status == ExitStatus::Success {
                eprintln!(
                    "{} items of `{}`, {} session columns; fill in I, P or A, then `competence import sheet {}`",
                    rows.len(),
                    args.framework,
                    args.sessions,
                    framework_core::safe::escape_line(&path.display().to_string()),
                );
            }
            status
        }
        None if xlsx => output::fatal(
            g.format,
            &Fatal::new(
                Code::BadArguments,
                "a workbook is written to a file, not to the terminal".to_owned(),
                Some("add `-o grid.xlsx`".to_owned()),
            ),
        ),
        None => output::write_out(|out| out.write_all(&bytes)),
    }
}

/// The header of the blank grid.
const HEADER: [&str; 4] = ["Ref", "Title", "Top-level item", "Optional"];

/// The blank grid as CSV.
fn csv_grid(rows: &[sheet::TemplateRow], sessions: &[String]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header: Vec<&str> = HEADER
        .iter()
        .copied()
        .chain(sessions.iter().map(String::as_str))
        .collect();
    let blank = vec![""; sessions.len()];
    let mut result = w.write_record(&header);
    let mut hours = vec!["Hours", "", "", ""];
    hours.extend(&blank);
    result = result.and_then(|()| w.write_record(&hours));
    for r in rows {
        let mut record = vec![
            crate::report::csv_safe(&r.id),
            crate::report::csv_safe(&r.title),
            crate::report::csv_safe(&r.top),
            if r.optional { "yes" } else { "" }.to_owned(),
        ];
        record.extend(blank.iter().map(|s| (*s).to_owned()));
        result = result.and_then(|()| w.write_record(&record));
    }
    // Writing to memory does not fail.
    let _ = result;
    w.into_inner().unwrap_or_default()
}

/// The blank grid as a workbook: the grid (items with titles, each group's item in bold, an
/// `Hours` row, a drop-down of I, P and A in every cell, frozen header and labels) and a sheet
/// saying how to fill it in.
fn workbook(
    framework: &str,
    title: &str,
    rows: &[sheet::TemplateRow],
    sessions: &[String],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("course map")?;
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border_bottom(FormatBorder::Thin)
        .set_text_wrap();
    let group = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xF2F2F2));
    let hours = Format::new().set_italic();
    for (c, h) in HEADER
        .iter()
        .copied()
        .chain(sessions.iter().map(String::as_str))
        .enumerate()
    {
        ws.write_string_with_format(0, u16::try_from(c).unwrap_or(u16::MAX), h, &header)?;
    }
    ws.write_string_with_format(1, 0, "Hours", &hours)?;
    let mut width = 20usize;
    for (n, r) in rows.iter().enumerate() {
        let row = u32::try_from(n + 2).unwrap_or(u32::MAX);
        let indent = Format::new().set_indent(u8::try_from(r.level.min(8)).unwrap_or(0));
        let (id_format, title_format) = if r.leaf {
            (Format::new(), indent)
        } else {
            (
                group.clone(),
                group
                    .clone()
                    .set_indent(u8::try_from(r.level.min(8)).unwrap_or(0)),
            )
        };
        ws.write_string_with_format(row, 0, &r.id, &id_format)?;
        ws.write_string_with_format(row, 1, &r.title, &title_format)?;
        ws.write_string(row, 2, &r.top)?;
        if r.optional {
            ws.write_string(row, 3, "yes")?;
        }
        width = width.max(r.title.chars().count() + 2 * r.level);
    }
    let last_row = u32::try_from(rows.len() + 1).unwrap_or(u32::MAX);
    let last_col = u16::try_from(HEADER.len() + sessions.len() - 1).unwrap_or(u16::MAX);
    let first_session = u16::try_from(HEADER.len()).unwrap_or(u16::MAX);
    let depths = DataValidation::new()
        .allow_list_strings(&["I", "P", "A"])?
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_input_title("Depth")?
        .set_input_message(
            "I introduced, P practised, A assessed; blank if the session does not cover it",
        )?;
    ws.add_data_validation(2, first_session, last_row.max(2), last_col, &depths)?;
    ws.set_column_width(0, 12)?;
    ws.set_column_width(1, (width.min(70) + 2) as f64)?;
    ws.set_column_width(2, 10)?;
    ws.set_column_width(3, 9)?;
    for c in first_session..=last_col {
        ws.set_column_width(c, 11)?;
    }
    ws.set_freeze_panes(2, 2)?;
    ws.autofilter(0, 0, last_row, last_col)?;

    let help = book.add_worksheet();
    help.set_name("how to fill it in")?;
    let lines = [
        format!("Course map grid for {title} ({framework})"),
        String::new(),
        "1. Rename each Session column to one of your sessions (Day 1: Values, Week 3, ...). A column whose name starts with Assessment is an assessment.".to_owned(),
        "2. In each cell, write the depth the session reaches for the item: I introduced, P practised, A assessed. Leave it blank if the session does not cover it.".to_owned(),
        "3. Mark a group's row (in bold) to cover every item under it; mark an item's own row to cover just that item.".to_owned(),
        "4. Optionally, write each session's hours in the Hours row.".to_owned(),
        "5. Keep the Ref column as it is: it is how each row is matched to the framework (the Title is matched too, exactly, if a Ref is missing).".to_owned(),
        String::new(),
        "Then turn it into a course map and check it:".to_owned(),
        "  competence import sheet this-file.xlsx --id my-course -o my-course.yaml".to_owned(),
        "  competence report my-course.yaml -o report.html".to_owned(),
        "Columns with no marks are left out; every cell that cannot be read is reported with its row and column.".to_owned(),
    ];
    for (n, line) in lines.iter().enumerate() {
        help.write_string(u32::try_from(n).unwrap_or(u32::MAX), 0, line)?;
    }
    help.set_column_width(0, 120)?;
    book.save_to_buffer()
}
