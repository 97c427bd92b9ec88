//! `competence init` (a commented starter course map) and `competence schema` (the documents'
//! JSON Schema, for editors).

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use framework_core::model::DocumentKind;
use framework_core::{Catalog, Code};

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::output::{self, Fatal};
use crate::session::catalog_or_exit;

/// Arguments of `competence init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The framework the course map covers (default: hee-psw-2020, or the catalog's first).
    #[arg(long, value_name = "FRAMEWORK")]
    pub framework: Option<String>,

    /// The new course map's id.
    #[arg(long, value_name = "ID", default_value = "my-course")]
    pub id: String,
}

/// Arguments of `competence schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// One kind of document (default: any of the four).
    #[arg(value_enum, value_name = "KIND")]
    pub kind: Option<Kind>,
}

/// The kinds `schema` can describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// A competence framework.
    Framework,
    /// A curriculum (a course map).
    Curriculum,
    /// A mapping between two frameworks.
    Mapping,
    /// A role's requirements.
    Role,
}

impl Kind {
    fn document(self) -> DocumentKind {
        match self {
            Kind::Framework => DocumentKind::Framework,
            Kind::Curriculum => DocumentKind::Curriculum,
            Kind::Mapping => DocumentKind::Mapping,
            Kind::Role => DocumentKind::Role,
        }
    }
}

/// The schema's text, with the catalog's ids and refs offered.
fn schema_text(catalog: &Catalog, kind: Option<Kind>) -> String {
    let schema = framework_core::schema::schema(kind.map(Kind::document));
    let schema = framework_core::schema::with_catalog(schema, catalog);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Runs `competence schema`.
pub fn run_schema(g: &GlobalArgs, args: &SchemaArgs) -> ExitStatus {
    let catalog = match catalog_or_exit(g, &[]) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let text = schema_text(&catalog, args.kind);
    match &g.output {
        Some(path) => write(g, path, &text),
        None => output::print_text(&text),
    }
}

fn write(g: &GlobalArgs, path: &Path, text: &str) -> ExitStatus {
    output::write_file(g, path, text.as_bytes())
}

/// The schema file `init` writes beside the course map.
const SCHEMA_FILE: &str = "curriculum.schema.json";

/// Runs `competence init`.
pub fn run_init(g: &GlobalArgs, args: &InitArgs) -> ExitStatus {
    let catalog = match catalog_or_exit(g, &[]) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let wanted = args.framework.clone().or_else(|| {
        let shipped = "hee-psw-2020";
        catalog
            .lookup_framework(shipped)
            .map(|_| shipped.to_owned())
            .ok()
            .or_else(|| catalog.frameworks().first().map(|f| f.info.id.to_string()))
    });
    let Some(wanted) = wanted else {
        return output::fatal(
            g.format,
            &Fatal::new(
                Code::NoFramework,
                "the catalog has no framework to start from".to_owned(),
                Some("add one with `--catalog FILE`".to_owned()),
            ),
        );
    };
    let framework = match catalog.lookup_framework(&wanted) {
        Ok(f) => f,
        Err(e) => return output::fatal_with(g.format, &e, &[]),
    };
    if framework_core::ids::DocId::new(&args.id).is_err() {
        return output::fatal(
            g.format,
            &Fatal::new(
                Code::BadArguments,
                format!("`{}` is not a document id", args.id),
                Some("use lower case letters, digits and hyphens: `my-course`".to_owned()),
            ),
        );
    }
    let text = starter(framework, &args.id);
    let Some(path) = &g.output else {
        return output::print_text(&text);
    };
    if path.exists() {
        return output::fatal(
            g.format,
            &Fatal::new(
                Code::Unwritable,
                format!("`{}` exists already", path.display()),
                Some("choose another file name; init never overwrites".to_owned()),
            ),
        );
    }
    let status = write(g, path, &text);
    if status != ExitStatus::Success {
        return status;
    }
    // The schema the starter's first line names, beside it (kept if there is one).
    let schema_path: PathBuf = path
        .parent()
        .map_or_else(|| PathBuf::from(SCHEMA_FILE), |d| d.join(SCHEMA_FILE));
    if !schema_path.exists() {
        let status = write(
            g,
            &schema_path,
            &schema_text(&catalog, Some(Kind::Curriculum)),
        );
        if status != ExitStatus::Success {
            return status;
        }
    }
    eprintln!(
        "next: edit it, then `competence validate {0}` and `competence report {0} -o report.html`",
        framework_core::safe::escape_line(&path.display().to_string())
    );
    ExitStatus::Success
}

/// The starter course map: every field explained, two sessions and an assessment that name
/// real items of the framework (so it validates as it stands), every title marked as an example.
fn starter(f: &framework_core::model::Framework, id: &str) -> String {
    let tree = f.hierarchy();
    let leaves: Vec<&framework_core::model::Item> =
        tree.leaves().filter_map(|i| f.item(i)).take(3).collect();
    let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let leaf = |n: usize| {
        leaves
            .get(n)
            .or(leaves.first())
            .map_or_else(|| "\"\"".to_owned(), |i| q(i.id.as_str()))
    };
    let title_of = |n: usize| {
        leaves
            .get(n)
            .or(leaves.first())
            .map_or_else(String::new, |i| one_line(&i.title))
    };
    let top = f
        .roots()
        .next()
        .and_then(|r| f.item(r))
        .map(|i| (q(i.id.as_str()), one_line(&i.title)));
    let fw = f.info.id.as_str();
    let mut lines: Vec<String> = vec![
        format!("# yaml-language-server: $schema=./{SCHEMA_FILE}"),
        format!("# A course map (curriculum) for `{fw}`: {}.", one_line(&f.info.title)),
        "# Made by `competence init`. Replace every EXAMPLE value with your course's own; the refs below are".into(),
        "# real items of the framework, so the file validates as it stands. See the framework's items with".into(),
        format!("#   competence show {fw}"),
        "# and check this file with".into(),
        "#   competence validate THIS-FILE        (add --watch to re-check on every save)".into(),
        "#   competence report THIS-FILE -o report.html".into(),
        format!("# With the schema beside this file ({SCHEMA_FILE}, from `competence schema curriculum`), an editor"),
        "# with a YAML language server completes field names, refs and depths.".into(),
        "kind: curriculum".into(),
        format!("id: {id}"),
        "title: \"EXAMPLE: my peer support course\"".into(),
        "provider: \"EXAMPLE: my organisation\"".into(),
        "# The frameworks the course maps to. With one, refs can be bare item ids; quote ids that look like".into(),
        "# numbers (\"1.10\"), or YAML reads them as numbers.".into(),
        format!("frameworks: [{fw}]"),
        "# Say whether every session is mapped (`complete`) or not (`partial`, then list what is not).".into(),
        "completeness: partial".into(),
        "missing:".into(),
        "  - \"EXAMPLE: the sessions after day 2 are not mapped yet\"".into(),
        "modules:".into(),
        "  - id: m1".into(),
        "    title: \"EXAMPLE: first module\"".into(),
        "    sessions:".into(),
        "      - id: day-1".into(),
        "        title: \"EXAMPLE: day 1\"".into(),
        "        day: 1        # or `week: N`; sessions are also ordered as written".into(),
        "        hours: 6".into(),
        "        # What the session covers: a ref alone is covered at depth `introduced`;".into(),
        "        # `{ ref, depth }` says more (introduced < practised < assessed).".into(),
        "        covers:".into(),
        format!("          - {}    # {}", leaf(0), title_of(0)),
        format!("          - {{ ref: {}, depth: practised }}    # {}", leaf(1), title_of(1)),
    ];
    if let Some((top_id, top_title)) = &top {
        lines.extend([
            "      - id: day-2".into(),
            "        title: \"EXAMPLE: day 2\"".into(),
            "        day: 2".into(),
            "        hours: 6".into(),
            "        covers:".into(),
            "          # A ref to an item above the leaves covers every leaf under it.".into(),
            format!("          - {top_id}    # {top_title}"),
        ]);
    }
    lines.extend([
        "# Assessments: the items each assesses are covered at depth `assessed`.".into(),
        "assessments:".into(),
        "  - id: workbook".into(),
        "    title: \"EXAMPLE: reflective workbook\"".into(),
        format!("    assesses: [{}]    # {}", leaf(2), title_of(2)),
    ]);
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Text for a comment: on one line, made safe to show.
fn one_line(text: &str) -> String {
    framework_core::safe::escape_line(text).replace(['\n', '\r'], " ")
}
