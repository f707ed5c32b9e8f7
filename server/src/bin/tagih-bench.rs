//! `tagih-bench`: the benchmarks kept in the repo (`make bench-billing`, `bench-engine`,
//! `bench-server`). A binary of its own, built with feature `bench`, because the benchmarks
//! share the tests' database support, which creates and drops databases and must not ship in
//! the production `tagih`.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "tagih-bench",
    about = "Tagih's benchmarks (measurements, not tests)"
)]
struct Cli {
    #[command(subcommand)]
    command: Bench,
}

#[derive(Subcommand)]
enum Bench {
    /// The invoice run and the invoice table on a fresh database (`make bench-billing`).
    Billing {
        /// Fill this (empty) database instead of a temporary SQLite file.
        #[arg(long)]
        database_url: Option<String>,
        /// Create a fresh database on this PostgreSQL server, and drop it afterwards.
        #[arg(long)]
        postgres_admin_url: Option<String>,
        #[arg(long, default_value_t = 20_000)]
        customers: usize,
        #[arg(long, default_value_t = 5)]
        months: u32,
        #[arg(long, default_value_t = 200)]
        iterations: usize,
    },
    /// The sending engine's overhead per message against a plain loop to waha-sim, and
    /// queueing a big job (`make bench-engine`).
    Engine {
        /// Create fresh databases on this PostgreSQL server (dropped afterwards); default
        /// temporary SQLite files.
        #[arg(long)]
        postgres_admin_url: Option<String>,
        #[arg(long, default_value_t = 1000)]
        messages: usize,
        #[arg(long, default_value_t = 10_000)]
        recipients: usize,
    },
    /// A real `tagih serve` (the binary beside this one) measured from outside: cold start,
    /// memory, HTTP throughput of health and server-rendered pages, a login burst, shutdown
    /// (`make bench-server`).
    Server {
        /// Demo customers in the database the pages are measured on.
        #[arg(long, default_value_t = 2_000)]
        customers: usize,
        #[arg(long, default_value_t = 3)]
        months: u32,
        /// Seconds of load per request kind.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Concurrent clients for the pages (twice as many for /healthz).
        #[arg(long, default_value_t = 32)]
        connections: usize,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let result = match Cli::parse().command {
        Bench::Billing {
            database_url,
            postgres_admin_url,
            customers,
            months,
            iterations,
        } => {
            server::bench::run(server::bench::BenchArgs {
                database_url,
                postgres_admin_url,
                customers,
                months,
                iterations,
            })
            .await
        }
        Bench::Engine {
            postgres_admin_url,
            messages,
            recipients,
        } => {
            server::bench_engine::run(server::bench_engine::EngineBenchArgs {
                postgres_admin_url,
                messages,
                recipients,
            })
            .await
        }
        Bench::Server {
            customers,
            months,
            seconds,
            connections,
        } => {
            server::bench_server::run(server::bench_server::ServerBenchArgs {
                customers,
                months,
                seconds,
                connections,
            })
            .await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tagih-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
