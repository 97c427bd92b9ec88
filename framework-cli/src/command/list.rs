//! `competence list`.

use clap::Args;

use crate::cli::{Format, GlobalArgs};
use crate::command::{ExitStatus, catalog_or_exit, status_of};
use crate::output;

/// Arguments of `competence list`.
#[derive(Debug, Args)]
pub struct ListArgs {}

/// Runs `competence list`.
pub fn run(g: &GlobalArgs, _args: &ListArgs) -> ExitStatus {
    let catalog = match catalog_or_exit(g, &[]) {
        Ok(c) => c,
        Err(status) => return status,
    };
    let report = framework_core::report::list(&catalog);
    let written = match g.format {
        Format::Json => output::print_json(&report),
        Format::Human => {
            output::print_diagnostics(report.diagnostics);
            let rows: Vec<[String; 6]> = report
                .documents
                .iter()
                .map(|d| {
                    let completeness = match (d.completeness, d.missing) {
                        (Some(c), 0) => c.to_string(),
                        (Some(c), n) => format!("{c} ({n} missing)"),
                        (None, _) => "-".to_owned(),
                    };
                    [
                        d.kind.to_string(),
                        d.id.to_string(),
                        d.title.clone(),
                        d.items.to_string(),
                        d.leaves.to_string(),
                        completeness,
                    ]
                })
                .collect();
            let header = ["KIND", "ID", "TITLE", "ITEMS", "LEAVES", "COMPLETENESS"];
            output::print_text(&table(
                &header,
                &rows,
                &[false, false, false, true, true, false],
            ))
        }
    };
    if written == ExitStatus::Error {
        written
    } else {
        status_of(&catalog)
    }
}

/// An aligned text table; `right[i]` right-aligns column `i`.
pub fn table<const N: usize>(
    header: &[&str; N],
    rows: &[[String; N]],
    right: &[bool; N],
) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut parts = Vec::with_capacity(N);
        for ((cell, w), r) in cells.zip(widths).zip(right) {
            let pad = w.saturating_sub(cell.chars().count());
            parts.push(if *r {
                format!("{}{cell}", " ".repeat(pad))
            } else {
                format!("{cell}{}", " ".repeat(pad))
            });
        }
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}
