//! `competence`: validate, browse and analyse competence frameworks, curricula and learner records.

mod cli;
mod command;
mod output;
mod report;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    command::run(&cli).into()
}
