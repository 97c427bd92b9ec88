//! `competence serve`.

use std::net::{IpAddr, SocketAddr};

use clap::Args;

use crate::exit::ExitStatus;
use crate::options::GlobalArgs;
use crate::output::{self, Fatal};
use crate::session::catalog_or_exit;
use framework_core::Code;

/// Arguments of `competence serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on. The default answers this machine only; give 0.0.0.0 to
    /// answer others (behind a proxy that adds TLS and authentication: the service has none).
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub bind: IpAddr,

    /// The port to listen on (0: any free port, said on stderr).
    #[arg(long, value_name = "PORT", default_value_t = 8080)]
    pub port: u16,

    /// The largest request body, in bytes (learner records sent to POST /api/v1/learners).
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_body: usize,

    /// The longest a request may take, in seconds (503 past it).
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0, value_parser = seconds)]
    pub timeout: f64,
}

fn seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(t) if t > 0.0 && t <= 86_400.0 => Ok(t),
        _ => Err(format!("`{s}` is not a number of seconds from 0 to 86400")),
    }
}

/// Runs `competence serve`.
pub fn run(g: &GlobalArgs, args: &ServeArgs) -> ExitStatus {
    let catalog = match catalog_or_exit(g, &[]) {
        Ok(c) => c,
        Err(status) => return status,
    };
    // The catalog's problems are said once, at the start; every answer carries them too.
    output::print_diagnostics(catalog.diagnostics());
    let catalog: &'static framework_core::Catalog = Box::leak(Box::new(catalog));
    let settings = crate::serve::Settings {
        addr: SocketAddr::new(args.bind, args.port),
        max_body: args.max_body,
        timeout: std::time::Duration::from_secs_f64(args.timeout),
    };
    match crate::serve::serve(catalog, &settings) {
        Ok(()) => ExitStatus::Success,
        Err(e) => output::fatal(
            g.format,
            &Fatal::new(
                Code::BadArguments,
                format!("cannot listen on {}: {e}", settings.addr),
                Some(
                    "choose another --port (0 takes any free one), or stop what uses it".to_owned(),
                ),
            ),
        ),
    }
}
