//! One module per subcommand; each returns the exit status. `run` hands the parsed command
//! line to its subcommand.

pub mod coverage;
pub mod crosswalk;
pub mod gaps;
pub mod interop;
pub mod learners;
pub mod list;
pub mod matrix;
pub mod show;
pub mod validate;

use crate::cli::{Cli, Command};
use crate::exit::ExitStatus;

/// Runs the parsed command line.
pub fn run(cli: &Cli) -> ExitStatus {
    let g = &cli.global;
    match &cli.command {
        Command::Validate(args) => validate::run(g, args),
        Command::List(args) => list::run(g, args),
        Command::Show(args) => show::run(g, args),
        Command::Coverage(args) => coverage::run(g, args),
        Command::Gaps(args) => gaps::run(g, args),
        Command::Crosswalk(args) => crosswalk::run(g, args),
        Command::Matrix(args) => matrix::run(g, args),
        Command::Learners(args) => learners::run(g, args),
        Command::Import(args) => interop::run_import(g, args),
        Command::Export(args) => interop::run_export(g, args),
    }
}
