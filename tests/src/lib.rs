//! Test-only crate: see the `tests/` folder.
