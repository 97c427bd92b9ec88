//! `competence`: validate, browse and analyse competence frameworks, curricula and learner records.

mod cli;
mod command;
mod exit;
mod options;
mod output;
mod report;
mod session;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    command::run(&cli).into()
}
