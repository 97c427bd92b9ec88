//! `--watch`: run a command again each time one of its files changes, until interrupted.
//!
//! Files are polled (their size and modification time, twice a second) rather than watched
//! through the operating system's notifications: a handful of files needs no more, and polling
//! behaves the same on every system and on network folders.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::exit::ExitStatus;

/// How often the files are looked at.
const POLL: Duration = Duration::from_millis(500);

/// What is known of one file: its size and when it last changed (`None` once it is gone).
type Stamp = Option<(u64, SystemTime)>;

/// Runs `work`, then again after every change to `paths` (files, or folders whose `.yaml`,
/// `.yml` and `.json` files are watched), for ever. Each run's status is shown on stderr.
pub fn run(paths: &[PathBuf], mut work: impl FnMut() -> ExitStatus) -> ExitStatus {
    let mut stamps = stamps(paths);
    loop {
        let status = work();
        eprintln!(
            "[watch] {} (exit status {}); watching {} file{} for changes, Ctrl-C to stop",
            match status {
                ExitStatus::Success => "done",
                ExitStatus::Failure => "problems found",
                ExitStatus::Error => "could not run",
            },
            status.code(),
            stamps.len(),
            if stamps.len() == 1 { "" } else { "s" }
        );
        loop {
            std::thread::sleep(POLL);
            let now = self::stamps(paths);
            if now != stamps {
                // Let an editor finish writing (some write a file in several steps).
                std::thread::sleep(Duration::from_millis(100));
                stamps = self::stamps(paths);
                break;
            }
        }
    }
}

/// The stamps of every watched file, by path.
fn stamps(paths: &[PathBuf]) -> Vec<(PathBuf, Stamp)> {
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files, 0);
    }
    files.sort();
    files.dedup();
    files
        .into_iter()
        .map(|f| {
            let stamp = std::fs::metadata(&f)
                .ok()
                .and_then(|m| Some((m.len(), m.modified().ok()?)));
            (f, stamp)
        })
        .collect()
}

/// A file, or a folder's document files (at most 32 levels down).
fn collect(path: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 32 {
        return;
    }
    match std::fs::read_dir(path) {
        Ok(entries) => {
            for e in entries.flatten() {
                let p = e.path();
                let is_doc = p
                    .extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| matches!(x, "yaml" | "yml" | "json"));
                if p.is_dir() {
                    collect(&p, out, depth + 1);
                } else if is_doc {
                    out.push(p);
                }
            }
        }
        Err(_) => out.push(path.to_owned()),
    }
}
