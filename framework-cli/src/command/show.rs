//! `competence show`.

use clap::Args;
use framework_core::model::{Framework, ItemIdx};
use framework_core::{Catalog, Diagnostic};
use serde::Serialize;

use crate::cli::{Format, GlobalArgs};
use crate::command::{ExitStatus, catalog_or_exit, status_of};
use crate::output::{self, Fatal};

/// Arguments of `competence show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The framework's id (see `competence list`).
    #[arg(value_name = "FRAMEWORK")]
    pub framework: String,

    /// Show only this many levels of items (1: the top-level items).
    #[arg(long, value_name = "N")]
    pub depth: Option<usize>,
}

#[derive(Serialize)]
struct ShowJson<'a> {
    #[serde(flatten)]
    framework: framework_core::model::FrameworkView<'a>,
    diagnostics: &'a [Diagnostic],
}

/// Runs `competence show`.
pub fn run(g: &GlobalArgs, args: &ShowArgs) -> ExitStatus {
    let catalog = match catalog_or_exit(g, &[]) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let Some(fw) = catalog.framework(&args.framework) else {
        return output::fatal(g.format, &not_a_framework(&catalog, &args.framework));
    };
    let written = match g.format {
        Format::Json => output::print_json(&ShowJson {
            framework: fw.document_view(args.depth),
            diagnostics: catalog.diagnostics(),
        }),
        Format::Human => {
            output::print_diagnostics(catalog.diagnostics());
            output::print_text(&tree(fw, args.depth))
        }
    };
    if written == ExitStatus::Error {
        written
    } else {
        status_of(&catalog)
    }
}

fn not_a_framework(catalog: &Catalog, id: &str) -> Fatal {
    if let Some(doc) = catalog.document(id) {
        return Fatal {
            code: "not-a-framework",
            message: format!("`{id}` is a {}, not a framework", doc.info().kind),
            help: Some(
                "`competence show` displays frameworks; run `competence list` to see them"
                    .to_owned(),
            ),
        };
    }
    Fatal {
        code: "unknown-framework",
        message: format!("unknown framework `{id}`"),
        help: Some(
            catalog
                .suggest_document(id, Some(framework_core::model::DocumentKind::Framework))
                .unwrap_or_else(|| "run `competence list` to see the frameworks".to_owned()),
        ),
    }
}

/// The framework as an indented tree.
fn tree(fw: &Framework, depth: Option<usize>) -> String {
    let info = &fw.info;
    let mut out = format!("{}  {}", info.id, info.title);
    if let Some(v) = &info.version {
        out.push_str(&format!(" ({v})"));
    }
    out.push('\n');
    if let Some(p) = &fw.publisher {
        out.push_str(&format!("publisher: {p}\n"));
    }
    if let Some(s) = &info.source {
        out.push_str(&format!("source: {s}\n"));
    }
    match info.completeness {
        Some(c) if !info.missing.is_empty() => out.push_str(&format!(
            "completeness: {c} ({} parts missing; see `--format json`)\n",
            info.missing.len()
        )),
        Some(c) => out.push_str(&format!("completeness: {c}\n")),
        None => {}
    }
    out.push_str(&format!(
        "{}, {}\n",
        output::plural(fw.items().len(), "item"),
        output::plural(fw.leaves().count(), "leaf")
    ));
    let roots: Vec<ItemIdx> = fw.roots().collect();
    branch(fw, &roots, "", depth, &mut out);
    out
}

fn branch(fw: &Framework, items: &[ItemIdx], prefix: &str, depth: Option<usize>, out: &mut String) {
    if depth == Some(0) {
        return;
    }
    for (n, &idx) in items.iter().enumerate() {
        let Some(item) = fw.item(idx) else { continue };
        let last = n + 1 == items.len();
        let mut line = format!(
            "{prefix}{}{}  {}",
            if last { "└─ " } else { "├─ " },
            item.id,
            item.title
        );
        let mut marks = Vec::new();
        if let Some(k) = &item.kind {
            marks.push(k.clone());
        }
        if item.optional {
            marks.push("optional".to_owned());
        }
        let also: Vec<&str> = item.also_under().map(|i| i.as_str()).collect();
        if !also.is_empty() {
            marks.push(format!("also under {}", also.join(", ")));
        }
        if !marks.is_empty() {
            line.push_str(&format!("  [{}]", marks.join("; ")));
        }
        out.push_str(line.trim_end());
        out.push('\n');
        let child_prefix = format!("{prefix}{}", if last { "   " } else { "│  " });
        branch(
            fw,
            fw.children(idx),
            &child_prefix,
            depth.map(|d| d - 1),
            out,
        );
    }
}
