//! One module per subcommand; each returns the exit status. `run` hands the parsed command
//! line to its subcommand.

pub mod coverage;
pub mod crosswalk;
pub mod diff;
pub mod gaps;
pub mod interop;
pub mod learners;
pub mod list;
pub mod matrix;
pub mod migrate;
pub mod report;
pub mod serve;
pub mod sheet;
pub mod show;
pub mod starter;
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
        Command::Diff(args) => diff::run(g, args),
        Command::Migrate(args) => migrate::run(g, args),
        Command::Matrix(args) => matrix::run(g, args),
        Command::Learners(args) => learners::run(g, args),
        Command::Import(args) => interop::run_import(g, args),
        Command::Export(args) => interop::run_export(g, args),
        Command::Report(args) => report::run(g, args),
        Command::Template(args) => sheet::run_template(g, args),
        Command::Init(args) => starter::run_init(g, args),
        Command::Schema(args) => starter::run_schema(g, args),
        Command::Serve(args) => serve::run(g, args),
    }
}
