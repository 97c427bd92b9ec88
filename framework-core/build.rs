//! Embeds the shipped documents (the workspace's `frameworks/` folder) into the library, so the
//! engine works from any directory. Templates (`frameworks/templates/`) are not documents.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            if name != "templates" {
                collect(&path, root, out);
            }
        } else if name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json") {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let rel = rel.to_string_lossy().replace('\\', "/");
            out.push((rel, path.clone()));
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    // Inside the workspace the documents are beside the crate; a packaged crate carries a copy.
    let candidates = [manifest.join("../frameworks"), manifest.join("frameworks")];
    let dir = candidates.iter().find(|d| d.is_dir());
    let mut files = Vec::new();
    if let Some(dir) = dir {
        println!("cargo:rerun-if-changed={}", dir.display());
        let root = dir.parent().unwrap_or(dir);
        collect(dir, root, &mut files);
        for (_, path) in &files {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    let mut code = String::from(
        "/// The shipped documents: (path, text).\npub(crate) const BUILTIN: &[(&str, &str)] = &[\n",
    );
    for (rel, path) in &files {
        let abs = path.canonicalize().unwrap_or_else(|_| path.clone());
        let _ = writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            abs.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("builtin.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }
}
