//! `competence`: validate, browse and analyse competence frameworks, curricula and learner records.

mod cli;
mod command;
mod exit;
mod html;
mod json;
mod options;
mod output;
mod parquet;
mod report;
mod serve;
mod session;
mod watch;
mod xlsx;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use framework_core::Code;

use crate::exit::ExitStatus;
use crate::options::Format;
use crate::output::Fatal;

/// The stack the work runs on. Walks over documents are iterative, but parsers and serializers
/// recurse as deep as their budgets allow (128 levels), so a roomy stack keeps every input
/// within the exit-status contract.
const STACK: usize = 64 * 1024 * 1024;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let json = wants_json(&args);
    let work = std::thread::Builder::new()
        .name("competence".into())
        .stack_size(STACK)
        .spawn(move || run(args, json));
    let status = match work.map(std::thread::JoinHandle::join) {
        Ok(Ok(status)) => status,
        // A panic (its message is already on stderr) or a thread that could not start.
        Ok(Err(payload)) => internal_error(json, &panic_message(payload.as_ref())),
        Err(e) => internal_error(json, &format!("cannot start: {e}")),
    };
    status.into()
}

/// Parses the command line and runs it. With `--format json`, a command line that does not
/// parse is reported as one JSON document (`bad-arguments`), as every other error is.
fn run(args: Vec<OsString>, json: Option<Format>) -> ExitStatus {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return bad_arguments(&e, json),
    };
    command::run(&cli)
}

/// Help and version go to stdout (status 0); any other parse error is `bad-arguments`
/// (status 2): clap's own text for people, a JSON error document with `--format json`.
fn bad_arguments(e: &clap::Error, json: Option<Format>) -> ExitStatus {
    let asked = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion);
    if asked {
        let _ = e.print();
        return ExitStatus::Success;
    }
    let Some(format) = json else {
        // clap's own text, which quotes what was typed: escaped like everything shown.
        let text = e.render().to_string();
        eprint!("{}", framework_core::safe::escape(&text));
        return ExitStatus::Error;
    };
    let text = e.render().to_string();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let message = lines
        .next()
        .unwrap_or("the command line is not valid")
        .trim_start_matches("error: ")
        .to_owned();
    let help = lines
        .find(|l| l.starts_with("tip:") || l.starts_with("For more information"))
        .map(|l| l.trim_start_matches("tip: ").to_owned())
        .or_else(|| Some("run `competence --help` for the commands and options".to_owned()));
    output::fatal(format, &Fatal::new(Code::BadArguments, message, help))
}

/// The JSON format the raw command line asks for (`--format json`, `--format=jsonl`, ...),
/// read before parsing so that a command line that does not parse is answered in JSON too.
fn wants_json(args: &[OsString]) -> Option<Format> {
    let format = |v: &OsString| match v.to_str() {
        Some("json") => Some(Format::Json),
        Some("jsonl") => Some(Format::Jsonl),
        _ => None,
    };
    let pairs = args.iter().zip(args.iter().skip(1));
    pairs
        .filter(|(a, _)| *a == "--format")
        .find_map(|(_, b)| format(b))
        .or_else(|| {
            args.iter().find_map(|a| {
                a.to_str()
                    .and_then(|a| a.strip_prefix("--format="))
                    .and_then(|v| format(&OsString::from(v)))
            })
        })
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned())
}

/// Reports a failure of the engine itself as `internal-error` (status 2, never 101).
fn internal_error(json: Option<Format>, message: &str) -> ExitStatus {
    let format = json.unwrap_or(Format::Human);
    output::fatal(
        format,
        &Fatal::new(
            Code::InternalError,
            format!("internal error: {message}"),
            Some("this is a bug in the engine, not in your files; please report it with the command line".to_owned()),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn json_is_asked_for_before_parsing() {
        assert_eq!(
            wants_json(&os(&["competence", "--format", "json", "lst"])),
            Some(Format::Json)
        );
        assert_eq!(
            wants_json(&os(&["competence", "lst", "--format=jsonl"])),
            Some(Format::Jsonl)
        );
        assert_eq!(
            wants_json(&os(&["competence", "--format", "csv", "json"])),
            None
        );
    }

    #[test]
    fn a_panic_is_an_internal_error_with_status_2() {
        assert_eq!(panic_message(&"boom"), "boom");
        assert_eq!(
            internal_error(Some(Format::Json), "boom"),
            ExitStatus::Error
        );
    }
}
