//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `tests` crate's folder (fixtures are under it).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `competence` binary, run from the `tests` folder with colour off and a fixed width.
pub fn competence() -> Command {
    let mut cmd = Command::new(insta_cmd::get_cargo_bin("competence"));
    cmd.current_dir(root())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// A fixture's path relative to the `tests` folder.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from("fixtures").join(rel)
}
