//! What every fuzz target checks besides "no panic": each diagnostic renders as people read it
//! (a snippet, or a position when the line is too long), and what is shown carries no raw
//! control or invisible character.

use std::sync::OnceLock;

use framework_core::{Catalog, Diagnostic};

/// The shipped catalog, loaded once for the whole run.
pub fn builtin() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::builtin)
}

/// Renders every diagnostic as the CLI does, and checks the text is safe to show.
pub fn render(diagnostics: &[Diagnostic]) {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_context_lines(1);
    for d in diagnostics {
        let mut out = String::new();
        let m = d.to_miette();
        // A rendering error is fine (the CLI falls back to one line); a panic is not.
        if handler.render_report(&mut out, &m).is_ok() {
            assert!(
                !framework_core::safe::has_unsafe(&out),
                "a rendered diagnostic carries an unsafe character: {out:?}"
            );
        }
    }
}

/// What an import made, written as YAML, loads again (nesting within the reader's budget).
pub fn reload(imported: &framework_core::interop::Imported) {
    for f in &imported.frameworks {
        let text = framework_core::interop::to_yaml(&f.document_view(None), "fuzz");
        let mut builder = framework_core::Catalog::builder().builtin(false);
        builder.add_bytes("again.yaml", text.as_bytes());
        let catalog = builder.build();
        let fatal: Vec<_> = catalog
            .diagnostics()
            .iter()
            .filter(|d| {
                matches!(
                    d.code(),
                    framework_core::Code::ResourceLimit | framework_core::Code::YamlSyntax
                )
            })
            .collect();
        assert!(
            fatal.is_empty(),
            "an import wrote YAML that does not load: {fatal:?}"
        );
    }
}
