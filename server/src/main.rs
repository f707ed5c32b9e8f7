//! `tagih`: serve (the default), migrate, seed-demo, and the hidden bench-billing,
//! bench-engine and bench-server.

use app::server::Config;
use clap::{Parser, Subcommand};
use migration::{Migrator, MigratorTrait};
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;

// mimalloc gives freed memory back to the OS; glibc's per-thread arenas kept every argon2
// buffer of a login burst (19 MiB each) resident for good (`make bench-server`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "tagih",
    version,
    about = "Tagih: billing and WhatsApp invoices for RT/RW Net"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the web app (the default).
    Serve,
    /// Apply pending migrations and exit; with --status only list them.
    Migrate {
        /// List applied and pending migrations.
        #[arg(long)]
        status: bool,
        /// Roll back this many migrations (destroys their data).
        #[arg(long, value_name = "N")]
        rollback: Option<u32>,
    },
    /// Fill the configured database with demo data: customers with Indonesian names and
    /// numbers, packages, and months of invoices and payments (ending this month).
    SeedDemo {
        /// How many customers to add.
        #[arg(long, default_value_t = 200)]
        customers: usize,
        /// Months of invoices and payments, the last one being this month.
        #[arg(long, default_value_t = 3)]
        months: u32,
        /// Random seed (the same seed gives the same people).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Measure the invoice run and the invoice table on a fresh database (`make bench-billing`).
    #[command(hide = true)]
    BenchBilling {
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
    /// Measure the sending engine's overhead per message against a plain loop to waha-sim, and
    /// queueing a big job (`make bench-engine`).
    #[command(hide = true)]
    BenchEngine {
        /// Create fresh databases on this PostgreSQL server (dropped afterwards); default
        /// temporary SQLite files.
        #[arg(long)]
        postgres_admin_url: Option<String>,
        #[arg(long, default_value_t = 1000)]
        messages: usize,
        #[arg(long, default_value_t = 10_000)]
        recipients: usize,
    },
    /// Measure a real `tagih serve` from outside: cold start, memory, HTTP throughput of health
    /// and server-rendered pages, a login burst, shutdown (`make bench-server`).
    #[command(hide = true)]
    BenchServer {
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
    // `.env` is a convenience for development; real deployments set the environment.
    let _ = dotenvy::dotenv();
    // Logs go to stderr; stdout carries only what the operator reads (the URL, results).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn,tower_sessions=warn".into()),
        )
        .init();

    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("tagih: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate { status, rollback } => migrate(config, status, rollback).await,
        Command::SeedDemo {
            customers,
            months,
            seed,
        } => seed_demo(config, customers, months, seed).await,
        Command::BenchBilling {
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
        Command::BenchEngine {
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
        Command::BenchServer {
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
            eprintln!("tagih: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let backend = if config.is_sqlite() {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    let state = server::prepare(config)
        .await
        .map_err(|e| format!("database not ready ({backend}): {e}"))?;
    let bind = state.config.bind;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    let url = match &state.config.public_url {
        Some(u) => u.to_string(),
        None => format!("http://{bind}/"),
    };
    tracing::info!(%backend, "Tagih is running at {url}");
    println!("Tagih berjalan di {url}");

    let stop = CancellationToken::new();
    tokio::spawn({
        let stop = stop.clone();
        async move {
            shutdown_signal().await;
            tracing::info!("shutting down");
            stop.cancel();
        }
    });
    server::serve_on(listener, state, stop)
        .await
        .map_err(|e| format!("server error: {e}"))
}

async fn migrate(config: Config, status: bool, rollback: Option<u32>) -> Result<(), String> {
    let db = app::server::db::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let result = if status {
        Migrator::status(&db).await
    } else if let Some(n) = rollback {
        Migrator::down(&db, Some(n)).await
    } else {
        Migrator::up(&db, None).await
    };
    result.map_err(|e| format!("migration failed: {e}"))?;
    if !status {
        let pending = Migrator::get_pending_migrations(&db)
            .await
            .map_err(|e| e.to_string())?
            .len();
        println!("Migrasi selesai; {pending} migrasi tertunda.");
    }
    Ok(())
}

async fn seed_demo(config: Config, customers: usize, months: u32, seed: u64) -> Result<(), String> {
    if customers == 0 || months == 0 || months > 120 {
        return Err("--customers must be at least 1 and --months 1 to 120".into());
    }
    let state = server::prepare(config)
        .await
        .map_err(|e| format!("database not ready: {e}"))?;
    let tz = state.config.timezone;
    let today = app::server::billing::clock::today(tz);
    let report = server::seed::seed_demo(&state.db, customers, months, today, tz, seed).await?;
    println!(
        "Data demo dibuat dalam {:.1} detik: {} pelanggan, {} paket, {} tagihan, {} pembayaran.",
        report.total_secs, report.customers, report.packages, report.invoices, report.payments
    );
    for (period, created, secs) in &report.runs {
        println!("  tagihan {period}: {created} dibuat dalam {secs:.2} detik");
    }
    let _ = state.db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
