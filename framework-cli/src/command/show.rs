//! `competence show`.

use clap::Args;
use framework_core::model::{Framework, FrameworkView, ItemIdx};
use framework_core::report::Report;
use framework_core::{AnalysisError, Catalog, Diagnostic};

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::output::{self, Fatal};
use crate::report::{Doc, Render, Table, md_inline};
use crate::session::{catalog_or_exit, emit_with_status};

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

/// Runs `competence show`.
pub fn run(g: &GlobalArgs, args: &ShowArgs) -> ExitStatus {
    let catalog = match catalog_or_exit(g, &[]) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let fw = match framework_or_fatal(
        &catalog,
        &args.framework,
        "`competence show` displays frameworks",
    ) {
        Ok(fw) => fw,
        Err(e) => return output::fatal_with(g.format, &e, catalog.diagnostics()),
    };
    let report = Report::new(&catalog, fw.document_view(args.depth));
    emit_with_status(g, &catalog, &report)
}

/// A framework reads as its document (JSON), a tree (terminal), a nested list (Markdown), or a
/// row per item (CSV).
impl Render for FrameworkView<'_> {
    fn doc(&self, _: &[Diagnostic]) -> Doc {
        let mut d = Doc::default();
        d.raw(markdown(self.framework(), self.depth()));
        d
    }

    fn human(&self, _: &[Diagnostic]) -> Doc {
        let mut d = Doc::default();
        d.raw(tree(self.framework(), self.depth()));
        d
    }

    fn table(&self, _: &[Diagnostic]) -> Table {
        table(self.framework(), self.depth())
    }
}

/// The framework with this id, or why there is none: another kind of document has the id
/// (`wrong-kind`; `what` says what the command takes), or nothing has (`unknown-framework`, with
/// the closest framework id).
pub fn framework_or_fatal<'c>(
    catalog: &'c Catalog,
    id: &str,
    what: &str,
) -> Result<&'c Framework, Fatal> {
    catalog.lookup_framework(id).map_err(|e| {
        let help = match &e {
            AnalysisError::WrongKind { .. } => format!("{what}; run `competence list` to see them"),
            _ => e
                .suggestion()
                .unwrap_or_else(|| "run `competence list` to see the frameworks".to_owned()),
        };
        Fatal::new(e.error_code(), e.to_string(), Some(help))
    })
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
    if let Some(u) = &fw.uri {
        out.push_str(&format!("uri: {u}\n"));
    }
    if let Some(r) = &fw.replaces {
        out.push_str(&format!("replaces: {r}\n"));
    }
    if !fw.scale.is_empty() {
        let levels: Vec<String> = fw
            .scale
            .iter()
            .map(|l| format!("{} {}", l.id, l.title))
            .collect();
        out.push_str(&format!("scale: {}\n", levels.join(" < ")));
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
        output::plural(fw.hierarchy().leaves().count(), "leaf")
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
        if !item.alt_labels.is_empty() {
            marks.push(format!("also called {}", item.alt_labels.join(", ")));
        }
        let related: Vec<String> = item
            .related()
            .map(|r| {
                r.item_id()
                    .map_or_else(|| r.to_string(), ToString::to_string)
            })
            .collect();
        if !related.is_empty() {
            marks.push(format!("related {}", related.join(", ")));
        }
        let replaces: Vec<String> = item.replaces().map(ToString::to_string).collect();
        if !replaces.is_empty() {
            marks.push(format!("replaces {}", replaces.join(", ")));
        }
        if !marks.is_empty() {
            line.push_str(&format!("  [{}]", marks.join("; ")));
        }
        out.push_str(line.trim_end());
        out.push('\n');
        let child_prefix = format!("{prefix}{}", if last { "   " } else { "│  " });
        branch(
            fw,
            fw.hierarchy().nested_children(idx),
            &child_prefix,
            depth.map(|d| d - 1),
            out,
        );
    }
}

/// Items nested `depth` levels deep (all when `None`), in file order (each after its parent),
/// with their nesting level.
fn walk(fw: &Framework, depth: Option<usize>) -> Vec<(usize, ItemIdx)> {
    let h = fw.hierarchy();
    fw.indexed()
        .map(|(idx, _)| (h.level(idx), idx))
        .filter(|&(level, _)| depth.is_none_or(|d| level < d))
        .collect()
}

/// The framework as a Markdown list.
fn markdown(fw: &Framework, depth: Option<usize>) -> String {
    let info = &fw.info;
    let mut out = format!(
        "# {} ({})\n\n",
        md_inline(&info.title),
        md_inline(info.id.as_str())
    );
    if let Some(s) = &info.source {
        out.push_str(&format!("Source: {}\n\n", md_inline(s)));
    }
    if let Some(c) = info.completeness {
        out.push_str(&format!("Completeness: {c}\n"));
        for m in &info.missing {
            out.push_str(&format!("- missing: {}\n", md_inline(m)));
        }
        out.push('\n');
    }
    for (level, idx) in walk(fw, depth) {
        if let Some(item) = fw.item(idx) {
            let optional = if item.optional { " *(optional)*" } else { "" };
            out.push_str(&format!(
                "{}- **{}** {}{optional}\n",
                "  ".repeat(level),
                md_inline(item.id.as_str()),
                md_inline(&item.title)
            ));
        }
    }
    out
}

/// The framework's items as a table: one row per item, with its parent and level.
fn table(fw: &Framework, depth: Option<usize>) -> Table {
    let mut t = Table::new(&[
        "ID",
        "PARENT",
        "#LEVEL",
        "KIND",
        "TITLE",
        "TYPE",
        "OPTIONAL",
        "STATEMENT",
        "URI",
        "ALT LABELS",
        "NOTE",
        "RELATED",
        "REPLACES",
    ]);
    for (level, idx) in walk(fw, depth) {
        let Some(item) = fw.item(idx) else { continue };
        let parent = fw
            .hierarchy()
            .parent(idx)
            .and_then(|p| fw.item(p))
            .map(|p| p.id.to_string())
            .unwrap_or_default();
        t.row(vec![
            item.id.to_string().into(),
            parent.into(),
            (level + 1).to_string().into(),
            item.kind.clone().unwrap_or_default().into(),
            item.title.clone().into(),
            item.item_type
                .map(|t| t.to_string())
                .unwrap_or_default()
                .into(),
            item.optional.to_string().into(),
            item.statement.clone().unwrap_or_default().into(),
            item.uri.clone().unwrap_or_default().into(),
            item.alt_labels.join(";").into(),
            item.note.clone().unwrap_or_default().into(),
            item.related()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(";")
                .into(),
            item.replaces()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(";")
                .into(),
        ]);
    }
    t
}
