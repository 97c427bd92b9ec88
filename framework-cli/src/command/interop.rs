//! `competence import` and `competence export`: frameworks, mappings and achievements in other
//! systems' formats (CASE, Moodle, OpenSALT CSV, ESCO, DIRECT, CTDL, SSSOM, Open Badges).

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use framework_core::interop::{self, Imported, case, moodle, ob3};
use framework_core::model::{DocumentInfo, DocumentKind, FrameworkView, MappingView, RoleView};
use framework_core::report::Report;
use framework_core::{Catalog, Code, Diagnostic};
use serde::Serialize;
use serde_json::Value;

use crate::exit::ExitStatus;
use crate::options::{Format, GlobalArgs};
use crate::output::{self, Fatal};
use crate::session::catalog_or_exit;

/// What `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// A CASE 1.0 or 1.1 package (CFPackage JSON).
    Case,
    /// A Moodle competency framework CSV (tool_lpimportcsv).
    Moodle,
    /// OpenSALT's generic CSV (one row per item, parents by human coding scheme).
    OpensaltCsv,
    /// ESCO skills CSVs (a skills file or collection, the skills hierarchy), as one framework.
    Esco,
    /// An SSSOM mapping set (TSV), as mappings between the catalog's frameworks.
    Sssom,
    /// CTDL JSON-LD: competency frameworks and alignment maps (Credential Engine).
    Ctdl,
    /// DIRECT-style linked CSVs (domains, competencies, skills, levels, resources), as one
    /// framework.
    Direct,
    /// A course map in a spreadsheet (.xlsx or .csv): a grid of items by sessions,
    /// or a long table of session, ref and depth; makes a curriculum.
    Sheet,
}

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A framework as a CASE 1.1 package (JSON).
    Case,
    /// A framework as a Moodle competency framework CSV.
    Moodle,
    /// A curriculum as an Open Badges 3.0 Achievement (JSON).
    Ob3,
    /// A mapping as an SSSOM mapping set (TSV).
    Sssom,
    /// A framework as a CTDL competency framework, or a mapping as a CTDL alignment map
    /// (JSON-LD).
    Ctdl,
}

/// Arguments of `competence import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The format of the files.
    #[arg(value_enum, value_name = "FORMAT")]
    pub from: ImportFormat,

    /// The files to import (several CASE packages are imported together: associations between
    /// them become mappings).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// The id of the document made (default: from the package's title, the Moodle
    /// framework's ID number, or the sheet's file name). Only with one file.
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    /// `sheet`: the framework the sheet's items are in (default: the one most rows name).
    #[arg(long, value_name = "FRAMEWORK")]
    pub framework: Option<String>,

    /// `sheet`: the curriculum's title (default: the file's name).
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,
}

/// Arguments of `competence export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The format to write.
    #[arg(value_enum, value_name = "FORMAT")]
    pub to: ExportFormat,

    /// The framework (case, moodle, ctdl), mapping (sssom, ctdl) or curriculum (ob3) to export
    /// (see `competence list`).
    #[arg(value_name = "ID")]
    pub document: String,

    /// Where the CASE objects are published: each object's `uri` is this followed by its
    /// identifier (default: `urn:uuid:IDENTIFIER`). For ob3, alignments then point at these uris.
    #[arg(long, value_name = "URI")]
    pub base_uri: Option<String>,

    /// case: who will read the package: `1.1` (the official CASE 1.1 schema) or `opensalt`
    /// (OpenSALT's importer: CASE 1.0's association types, no `targetType` in links).
    #[arg(long, value_enum, value_name = "PROFILE")]
    pub profile: Option<CaseProfile>,
}

/// Who a CASE export is shaped for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CaseProfile {
    /// The official CASE 1.1 schema.
    #[value(name = "1.1")]
    Case11,
    /// OpenSALT's importer (its CASE 1.0 schema and association types).
    #[value(name = "opensalt")]
    OpenSalt,
}

/// A document an import made, in its document shape.
#[derive(Serialize)]
#[serde(untagged)]
enum View<'a> {
    Framework(FrameworkView<'a>),
    Mapping(MappingView<'a>),
    Role(RoleView<'a>),
}

impl View<'_> {
    fn info(&self) -> &DocumentInfo {
        match self {
            View::Framework(v) => v.info(),
            View::Mapping(v) => v.info(),
            View::Role(v) => v.info(),
        }
    }
}

#[derive(Serialize)]
struct ImportedDocument<'a> {
    kind: DocumentKind,
    id: &'a str,
    file: Option<String>,
    document: &'a View<'a>,
}

/// What `import` made (its JSON is this in the report envelope, with the diagnostics).
#[derive(Serialize)]
struct ImportReport<'a> {
    documents: Vec<ImportedDocument<'a>>,
}

/// `import` and `export` write documents, not rows: JSON lines, Parquet, workbooks and pages
/// have nothing to hold.
fn no_rows(g: &GlobalArgs) -> Option<ExitStatus> {
    matches!(
        g.format,
        Format::Jsonl | Format::Parquet | Format::Xlsx | Format::Html
    )
    .then(|| {
        output::fatal(
            g.format,
            &Fatal::new(
                Code::BadArguments,
                format!(
                    "import and export write documents, which have no rows to write as `--format {}`",
                    g.format.name()
                ),
                Some("use `--format json`".to_owned()),
            ),
        )
    })
}

/// Runs `competence import`.
pub fn run_import(g: &GlobalArgs, args: &ImportArgs) -> ExitStatus {
    if let Some(status) = no_rows(g) {
        return status;
    }
    if args.from == ImportFormat::Sheet {
        return crate::command::sheet::run_import(g, args);
    }
    if args.framework.is_some() || args.title.is_some() {
        return output::fatal(
            g.format,
            &Fatal::new(
                Code::BadArguments,
                "`--framework` and `--title` are for `import sheet`".to_owned(),
                None,
            ),
        );
    }
    if args.id.is_some() && args.files.len() > 1 {
        return output::fatal(
            g.format,
            &Fatal {
                code: Code::BadArguments,
                message: "`--id` names one framework, but several files are given".into(),
                help: Some("import the files one at a time to name each".into()),
            },
        );
    }
    let mut read = Vec::new();
    for path in &args.files {
        match framework_core::files::read_file_limited(path, g.max_file_size) {
            Ok(bytes) => read.push((path.display().to_string(), bytes)),
            Err(e) => {
                return output::fatal(
                    g.format,
                    &Fatal {
                        code: Code::Unreadable,
                        message: if e.kind() == std::io::ErrorKind::FileTooLarge {
                            format!("cannot read `{}`: {e} (--max-file-size)", path.display())
                        } else {
                            format!("cannot read `{}`: {e}", path.display())
                        },
                        help: None,
                    },
                );
            }
        }
    }
    // A file of another format is named for what it is, not misread.
    for (name, bytes) in &read {
        let chosen = match args.from {
            ImportFormat::Case => interop::recognise::Format::Case,
            ImportFormat::Moodle => interop::recognise::Format::Moodle,
            ImportFormat::Esco => interop::recognise::Format::Esco,
            ImportFormat::OpensaltCsv => interop::recognise::Format::OpensaltCsv,
            ImportFormat::Sssom => interop::recognise::Format::Sssom,
            ImportFormat::Ctdl => interop::recognise::Format::Ctdl,
            ImportFormat::Direct => interop::recognise::Format::Direct,
            ImportFormat::Sheet => continue,
        };
        if let Some(found) = interop::recognise::recognise(bytes)
            && found != chosen
        {
            return output::fatal(
                g.format,
                &Fatal::new(
                    Code::ImportInvalid,
                    format!(
                        "`{}` looks like {}, not {}",
                        framework_core::safe::escape_line(name),
                        found.described(),
                        chosen.described()
                    ),
                    Some(format!("use `competence import {} FILE`", found.command())),
                ),
            );
        }
    }
    // SSSOM names the catalog's frameworks: it is read against them.
    let catalog = if matches!(args.from, ImportFormat::Sssom | ImportFormat::Ctdl) {
        match catalog_or_exit(g, &[]) {
            Ok(c) => Some(c),
            Err(status) => return status,
        }
    } else {
        None
    };
    let mut imported = output::with_progress("importing", || match args.from {
        ImportFormat::Case => {
            let files: Vec<(&str, &[u8])> = read
                .iter()
                .map(|(n, b)| (n.as_str(), b.as_slice()))
                .collect();
            case::import(&files, args.id.as_deref())
        }
        ImportFormat::Moodle => {
            let mut all = Imported::default();
            for (name, bytes) in &read {
                all.extend(moodle::import(name, bytes, args.id.as_deref()));
            }
            all
        }
        ImportFormat::OpensaltCsv => {
            let mut all = Imported::default();
            for (name, bytes) in &read {
                all.extend(interop::opensalt_csv::import(
                    name,
                    bytes,
                    args.id.as_deref(),
                ));
            }
            all
        }
        ImportFormat::Esco => {
            let files: Vec<(&str, &[u8])> = read
                .iter()
                .map(|(n, b)| (n.as_str(), b.as_slice()))
                .collect();
            interop::esco::import(&files, args.id.as_deref())
        }
        ImportFormat::Sssom => {
            let mut all = Imported::default();
            if let Some(catalog) = &catalog {
                for (name, bytes) in &read {
                    all.extend(interop::sssom::import(catalog, name, bytes));
                }
            }
            all
        }
        ImportFormat::Direct => {
            let files: Vec<(&str, &[u8])> = read
                .iter()
                .map(|(n, b)| (n.as_str(), b.as_slice()))
                .collect();
            interop::direct::import(&files, args.id.as_deref())
        }
        ImportFormat::Ctdl => {
            let mut all = Imported::default();
            if let Some(catalog) = &catalog {
                for (name, bytes) in &read {
                    all.extend(interop::ctdl::import(
                        catalog,
                        name,
                        bytes,
                        args.id.as_deref(),
                    ));
                }
            }
            all
        }
        // Read by `sheet::run_import` above.
        ImportFormat::Sheet => Imported::default(),
    });
    let views: Vec<View<'_>> = imported
        .frameworks
        .iter()
        .map(|f| View::Framework(f.document_view(None)))
        .chain(
            imported
                .mappings
                .iter()
                .map(|m| View::Mapping(m.document_view())),
        )
        .chain(imported.roles.iter().map(|r| View::Role(r.document_view())))
        .collect();

    // Where each document goes.
    let several = views.len() > 1;
    let folder = match &g.output {
        Some(out) if several || out.is_dir() || out.to_string_lossy().ends_with('/') => {
            Some(out.clone())
        }
        _ => None,
    };
    if several && g.output.is_none() && g.format != Format::Json {
        return output::fatal(
            g.format,
            &Fatal {
                code: Code::SeveralDocuments,
                message: format!(
                    "the import made {} documents; give a folder to write them to",
                    views.len()
                ),
                help: Some("add `-o FOLDER` (each document is written as FOLDER/ID.yaml)".into()),
            },
        );
    }
    // Each document's file: ID.yaml, or ID-2.yaml, ... when documents share an id (two
    // packages with the same title, say), so no file overwrites another.
    let mut used: std::collections::HashSet<String> = std::collections::HashSet::new();
    let names: Vec<String> = views
        .iter()
        .map(|d| {
            let id = &d.info().id;
            let stem = (1..)
                .map(|n| {
                    if n == 1 {
                        id.to_string()
                    } else {
                        format!("{id}-{n}")
                    }
                })
                .find(|stem| used.insert(stem.clone()))
                .unwrap_or_else(|| id.to_string());
            match (&folder, &g.output) {
                (Some(dir), _) => dir.join(format!("{stem}.yaml")).display().to_string(),
                (None, Some(file)) => file.display().to_string(),
                (None, None) => format!("{stem}.yaml"),
            }
        })
        .collect();
    let origin = format!(
        "Imported by `competence import {}` from {}.",
        match args.from {
            ImportFormat::Case => "case",
            ImportFormat::Moodle => "moodle",
            ImportFormat::Esco => "esco",
            ImportFormat::OpensaltCsv => "opensalt-csv",
            ImportFormat::Sssom => "sssom",
            ImportFormat::Ctdl => "ctdl",
            ImportFormat::Direct => "direct",
            ImportFormat::Sheet => "sheet",
        },
        read.iter()
            .map(|(n, _)| Path::new(n)
                .file_name()
                .map_or_else(|| n.clone(), |f| f.to_string_lossy().into_owned()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let texts: Vec<String> = views.iter().map(|d| interop::to_yaml(d, &origin)).collect();

    // The documents made must fit the catalog they will join.
    let inputs: Vec<&str> = read.iter().map(|(n, _)| n.as_str()).collect();
    let checked = check(g, &imported, &inputs);
    let diagnostics = match checked {
        Ok(more) => {
            let mut all = std::mem::take(&mut imported.diagnostics);
            all.extend(more);
            all
        }
        Err(status) => return status,
    };

    let status = if diagnostics.iter().any(Diagnostic::is_error) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    };
    if g.format == Format::Json {
        let body = ImportReport {
            documents: views
                .iter()
                .zip(&names)
                .map(|(d, name)| ImportedDocument {
                    kind: d.info().kind,
                    id: d.info().id.as_str(),
                    file: g.output.as_ref().map(|_| name.clone()),
                    document: d,
                })
                .collect(),
        };
        let report = Report {
            body,
            diagnostics: diagnostics.clone(),
        };
        if g.output.is_some()
            && let Err(s) = write_all(g, folder.as_deref(), &names, &texts)
        {
            return s;
        }
        let written = output::print_json(&report);
        return if written == ExitStatus::Error {
            written
        } else {
            status
        };
    }
    output::print_diagnostics(&diagnostics);
    if g.output.is_some() {
        if let Err(s) = write_all(g, folder.as_deref(), &names, &texts) {
            return s;
        }
        for n in &names {
            eprintln!("wrote {n}");
        }
    } else if let Some(text) = texts.first() {
        let written = output::print_text(text);
        if written == ExitStatus::Error {
            return written;
        }
    }
    status
}

/// Checks the imported documents with the catalog they will join (duplicate ids, references
/// to other documents, cycles); the problems found in them.
fn check(
    g: &GlobalArgs,
    imported: &Imported,
    inputs: &[&str],
) -> Result<Vec<Diagnostic>, ExitStatus> {
    let mut builder = Catalog::builder().builtin(!g.no_builtin);
    for path in &g.catalog {
        if let Err(e) = builder.add_path(path) {
            return Err(output::fatal(g.format, &e));
        }
    }
    for doc in imported.documents() {
        builder.add_document(doc);
    }
    let catalog = builder.build();
    Ok(catalog
        .diagnostics()
        .iter()
        .filter(|d| inputs.contains(&d.file()))
        .cloned()
        .collect())
}

fn write_all(
    g: &GlobalArgs,
    folder: Option<&Path>,
    names: &[String],
    texts: &[String],
) -> Result<(), ExitStatus> {
    if let Some(dir) = folder
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        return Err(output::fatal(
            g.format,
            &Fatal {
                code: Code::Unwritable,
                message: format!("cannot create `{}`: {e}", dir.display()),
                help: None,
            },
        ));
    }
    for (name, text) in names.iter().zip(texts) {
        write_file(g, Path::new(name), text)?;
    }
    Ok(())
}

/// Writes a file whole or not at all (see `output::write_file_atomically`).
fn write_file(g: &GlobalArgs, path: &Path, text: &str) -> Result<(), ExitStatus> {
    framework_core::files::write_atomically(path, |out| out.write_all(text.as_bytes())).map_err(
        |e| {
            output::fatal(
                g.format,
                &Fatal {
                    code: Code::Unwritable,
                    message: format!("cannot write `{}`: {e}", path.display()),
                    help: None,
                },
            )
        },
    )
}

/// What `export` wrote (its JSON is this in the report envelope, with the diagnostics).
#[derive(Serialize)]
struct ExportReport<'a> {
    format: &'a str,
    document: &'a str,
    file: Option<String>,
    output: Value,
}

/// Runs `competence export`.
pub fn run_export(g: &GlobalArgs, args: &ExportArgs) -> ExitStatus {
    if let Some(status) = no_rows(g) {
        return status;
    }
    if args.profile.is_some() && args.to != ExportFormat::Case {
        return output::fatal(
            g.format,
            &Fatal::new(
                Code::BadArguments,
                "`--profile` is for `export case`".to_owned(),
                None,
            ),
        );
    }
    let catalog = match catalog_or_exit(g, &[]) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let mut diagnostics: Vec<Diagnostic> = catalog.diagnostics().to_vec();
    let (name, output_value, text) = match args.to {
        ExportFormat::Case | ExportFormat::Moodle => {
            let what = "case and moodle export frameworks, ob3 exports curricula";
            let fw = match crate::command::show::framework_or_fatal(&catalog, &args.document, what)
            {
                Ok(fw) => fw,
                Err(why) => return output::fatal_with(g.format, &why, catalog.diagnostics()),
            };
            if args.to == ExportFormat::Case {
                let options = case::ExportOptions {
                    base_uri: args.base_uri.clone(),
                    profile: match args.profile {
                        None | Some(CaseProfile::Case11) => case::Profile::Case11,
                        Some(CaseProfile::OpenSalt) => case::Profile::OpenSalt,
                    },
                };
                let (package, lost) = case::export_with_losses(&catalog, fw, &options);
                diagnostics.extend(lost);
                let text = pretty(&package);
                ("case", package, text)
            } else {
                let (csv, lost) = moodle::export(fw);
                diagnostics.extend(lost);
                ("moodle", Value::String(csv.clone()), csv)
            }
        }
        ExportFormat::Ctdl => {
            let value = match (
                catalog.framework(&args.document),
                catalog.mapping(&args.document),
            ) {
                (Some(f), _) => {
                    let (value, lost) = interop::ctdl::export_framework_with_losses(&catalog, f);
                    diagnostics.extend(lost);
                    value
                }
                (None, Some(m)) => interop::ctdl::export_mapping(m),
                (None, None) => {
                    return output::fatal_with(
                        g.format,
                        &Fatal::new(
                            Code::UnknownId,
                            format!("no framework or mapping `{}`", args.document),
                            Some(
                                "ctdl exports a framework or a mapping; see `competence list`"
                                    .to_owned(),
                            ),
                        ),
                        catalog.diagnostics(),
                    );
                }
            };
            let text = pretty(&value);
            ("ctdl", value, text)
        }
        ExportFormat::Sssom => match catalog.mapping(&args.document) {
            Some(m) => {
                let (text, lost) = interop::sssom::export_with_losses(&catalog, m);
                diagnostics.extend(lost);
                ("sssom", Value::String(text.clone()), text)
            }
            None => {
                let e = catalog
                    .lookup(&args.document, &[DocumentKind::Mapping])
                    .err();
                let message = format!("no mapping `{}`: sssom exports a mapping", args.document);
                let help = e
                    .and_then(|e| miette::Diagnostic::help(&e).map(|h| h.to_string()))
                    .or_else(|| {
                        Some("see `competence list` for the catalog's mappings".to_owned())
                    });
                return output::fatal_with(
                    g.format,
                    &Fatal::new(Code::UnknownId, message, help),
                    catalog.diagnostics(),
                );
            }
        },
        ExportFormat::Ob3 => {
            match ob3::export(&catalog, &args.document, args.base_uri.as_deref()) {
                Ok(v) => {
                    let text = pretty(&v);
                    ("ob3", v, text)
                }
                Err(e) => return output::fatal_with(g.format, &e, catalog.diagnostics()),
            }
        }
    };
    if let Some(out) = &g.output
        && let Err(s) = write_file(g, out, &text)
    {
        return s;
    }
    let status = if catalog.has_errors() {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    };
    let written = if g.format == Format::Json {
        output::print_json(&Report {
            body: ExportReport {
                format: name,
                document: &args.document,
                file: g.output.as_ref().map(|p| p.display().to_string()),
                output: output_value,
            },
            diagnostics: diagnostics.clone(),
        })
    } else {
        output::print_diagnostics(&diagnostics);
        match &g.output {
            Some(out) => {
                eprintln!("wrote {}", out.display());
                ExitStatus::Success
            }
            None => output::print_text(&text),
        }
    };
    if written == ExitStatus::Error {
        written
    } else {
        status
    }
}

/// A JSON document as text, indented, with unsafe characters escaped (as all JSON output is).
fn pretty(v: &Value) -> String {
    let mut out = Vec::new();
    let _ = crate::json::write_json(&mut out, v, true);
    out.push(b'\n');
    String::from_utf8(out).unwrap_or_default()
}
