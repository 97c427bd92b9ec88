//! The shipped catalog: every document valid, honest about its sources and completeness,
//! listed in frameworks/README.md, and each framework's tree snapshotted.

mod common;

use common::{competence, root};
use framework_core::Catalog;
use framework_core::model::Completeness;

#[test]
fn every_shipped_document_cites_its_source_and_completeness() {
    let catalog = Catalog::builtin();
    assert!(
        catalog.diagnostics().is_empty(),
        "{:#?}",
        catalog.diagnostics()
    );
    for doc in catalog.documents() {
        let info = doc.info();
        assert!(info.is_builtin());
        assert!(
            info.source.as_deref().is_some_and(|s| !s.trim().is_empty()),
            "{} `{}` has no `source`",
            info.kind,
            info.id
        );
        match info.completeness {
            Some(Completeness::Partial) => {
                assert!(
                    !info.missing.is_empty(),
                    "`{}` is partial but lists nothing missing",
                    info.id
                )
            }
            Some(Completeness::Complete) => {}
            None => panic!(
                "{} `{}` does not say whether it is complete",
                info.kind, info.id
            ),
        }
    }
}

/// The catalog table of frameworks/README.md, made from the documents themselves.
fn catalog_table() -> String {
    let catalog = Catalog::builtin();
    let report = framework_core::report::list(&catalog);
    let mut out = String::from(
        "| document | kind | source | edition | completeness | what is missing |\n|---|---|---|---|---|---|\n",
    );
    for d in &report.documents {
        let sources: Vec<String> = d
            .source
            .as_deref()
            .unwrap_or("")
            .split(" ; ")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .enumerate()
            .map(|(n, s)| {
                if s.starts_with("http") {
                    format!("[{}]({s})", n + 1)
                } else {
                    s.to_owned()
                }
            })
            .collect();
        let counts = match d.kind {
            framework_core::model::DocumentKind::Framework => {
                format!("{} items, {} leaves", d.items, d.leaves)
            }
            framework_core::model::DocumentKind::Curriculum => {
                format!(
                    "{} sessions and assessments covering {} leaves",
                    d.items, d.leaves
                )
            }
            framework_core::model::DocumentKind::Mapping => format!("{} links", d.items),
            framework_core::model::DocumentKind::Role => {
                format!("{} requirements over {} leaves", d.items, d.leaves)
            }
        };
        let completeness = d
            .completeness
            .map_or("not stated".to_owned(), |c| c.to_string());
        let missing: Vec<String> = d
            .missing
            .iter()
            .map(|m| {
                format!(
                    "• {}",
                    m.split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .replace('|', "\\|")
                )
            })
            .collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {completeness} ({counts}) | {} |\n",
            d.id,
            d.kind,
            sources.join(", "),
            d.version.as_deref().unwrap_or(""),
            missing.join("<br>")
        ));
    }
    out
}

#[test]
fn the_frameworks_readme_table_is_current() {
    let path = root().join("../frameworks/README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find("| document | kind |")
        .expect("the table's header row");
    let table = catalog_table();
    if std::env::var_os("UPDATE_FRAMEWORKS_README").is_some() {
        std::fs::write(&path, format!("{}{table}", &readme[..start])).unwrap();
        return;
    }
    assert_eq!(
        &readme[start..],
        table,
        "frameworks/README.md is out of date: run `UPDATE_FRAMEWORKS_README=1 cargo test -p competence-tests --test catalog`"
    );
}

#[test]
fn every_shipped_framework_shows_as_a_tree() {
    let catalog = Catalog::builtin();
    for fw in catalog.frameworks() {
        let id = fw.info.id.as_str();
        let out = competence().args(["show", id]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "show {id}");
        assert!(out.stderr.is_empty(), "show {id} wrote to stderr");
        insta::assert_snapshot!(format!("show-{id}"), String::from_utf8(out.stdout).unwrap());
    }
}

#[test]
fn no_shipped_framework_copies_a_title_into_its_statement() {
    // A cheap guard for the data rule "statements in our own words": a statement that merely
    // repeats its item's title adds nothing and is usually a copy.
    let catalog = Catalog::builtin();
    for fw in catalog.frameworks() {
        for item in fw.items() {
            if let Some(s) = &item.statement {
                assert_ne!(
                    s.trim().trim_end_matches('.').to_lowercase(),
                    item.title.trim().trim_end_matches('.').to_lowercase(),
                    "{}:{} repeats its title as its statement",
                    fw.info.id,
                    item.id
                );
            }
        }
    }
}

#[test]
fn the_rqf_unit_template_validates() {
    // Not shipped (templates/ is skipped), but an organisation starts from it: it must be valid.
    let mut b = Catalog::builder();
    b.add_path(&root().join("../frameworks/templates/rqf-unit.yaml"))
        .unwrap();
    let c = b.build();
    assert!(c.diagnostics().is_empty(), "{:#?}", c.diagnostics());
    assert!(
        Catalog::builtin()
            .documents()
            .all(|d| !d.info().file().contains("templates/"))
    );
}
