//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The `tests` crate's folder (fixtures are under it).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `competence` binary, built once per test run with the cargo running the tests (a
/// package's tests do not build another package's binaries, so a fresh checkout has none).
fn binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let release = std::env::current_exe()
            .map(|p| p.components().any(|c| c.as_os_str() == "release"))
            .unwrap_or(false);
        let mut build = Command::new(env!("CARGO"));
        build.current_dir(root().join("..")).args([
            "build",
            "--quiet",
            "--package",
            "framework-cli",
            "--bin",
            "competence",
        ]);
        if release {
            build.arg("--release");
        }
        let status = build
            .status()
            .expect("cannot run cargo to build `competence`");
        assert!(status.success(), "building `competence` failed");
        insta_cmd::get_cargo_bin("competence")
    })
}

/// The `competence` binary, run from the `tests` folder with colour off and a fixed width.
pub fn competence() -> Command {
    let mut cmd = Command::new(binary());
    cmd.current_dir(root())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        // The cache of read files goes to the build's own folder, never the user's.
        .env(
            "COMPETENCE_CACHE_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("competence-cache"),
        )
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// A fixture's path relative to the `tests` folder.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from("fixtures").join(rel)
}

/// A catalog of these documents alone (no shipped ones), which must load without errors.
pub fn catalog(docs: &[&str]) -> framework_core::Catalog {
    let mut b = framework_core::Catalog::builder().builtin(false);
    for (n, d) in docs.iter().enumerate() {
        b.add_bytes(&format!("doc{n}.yaml"), d.as_bytes());
    }
    let c = b.build();
    assert!(!c.has_errors(), "{:#?}", c.diagnostics());
    c
}

/// A diagnostic on one line, for an assertion's message: `file:line:column code message`.
pub fn described(d: &framework_core::Diagnostic) -> String {
    format!(
        "{}:{}:{} {} {}",
        d.file(),
        d.line(),
        d.column(),
        d.code(),
        d.message()
    )
}

/// Asserts that a report reads back from its JSON as itself: what it reads back as writes the
/// same JSON (how the Python bindings pickle a report).
pub fn round_trips<T: serde::Serialize + serde::de::DeserializeOwned>(report: &T) {
    let json = serde_json::to_string(report).unwrap();
    let back: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
}
