//! `waha-sim`: a local WAHA for tests and demos. See `docs-waha-sim.md` (README section).
//!
//! `waha-sim --bind 127.0.0.1:3900 --api-key KEY [--plus] [--engine GOWS] [timings] [faults]`

use clap::Parser;
use server::waha_sim::{SimOptions, serve};
use std::{net::SocketAddr, process::ExitCode};
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(
    name = "waha-sim",
    version,
    about = "A local WAHA simulator for Tagih's tests and demos"
)]
struct Cli {
    /// Listening address.
    #[arg(long, default_value = "127.0.0.1:3900")]
    bind: SocketAddr,
    #[command(flatten)]
    options: SimOptions,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let listener = match tokio::net::TcpListener::bind(cli.bind).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("waha-sim: cannot listen on {}: {e}", cli.bind);
            return ExitCode::FAILURE;
        }
    };
    println!(
        "waha-sim {} ({}, {}) listening on http://{}",
        cli.options.version(),
        cli.options.tier(),
        cli.options.engine.as_str(),
        cli.bind
    );
    let stop = CancellationToken::new();
    tokio::spawn({
        let stop = stop.clone();
        async move {
            let _ = tokio::signal::ctrl_c().await;
            stop.cancel();
        }
    });
    #[cfg(unix)]
    tokio::spawn({
        let stop = stop.clone();
        async move {
            if let Ok(mut s) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            {
                s.recv().await;
                stop.cancel();
            }
        }
    });
    match serve(listener, cli.options, stop).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("waha-sim: {e}");
            ExitCode::FAILURE
        }
    }
}
