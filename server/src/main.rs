//! `tagih`: serve (the default), demo, check, backup, restore, migrate, seed-demo. The
//! benchmarks are a separate binary, `tagih-bench` (feature `bench`), so the test support they
//! share never ships here.

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
    /// A first look: demo data in a temporary database, a simulated WhatsApp, and the app.
    Demo {
        /// How many demo customers.
        #[arg(long, default_value_t = 60)]
        customers: usize,
        /// Months of invoices and payments, the last one being this month.
        #[arg(long, default_value_t = 3)]
        months: u32,
    },
    /// Check the installation: configuration, web assets, database, migrations, WAHA, the
    /// WhatsApp session, the webhook and backups. Exits 1 when anything failed.
    Check,
    /// Write a backup of the database (consistent while Tagih runs).
    Backup {
        /// Folder to write to. Default: TAGIH_BACKUP_DIR.
        #[arg(long, value_name = "DIR")]
        to: Option<std::path::PathBuf>,
        /// What the backup holds (auto: a database copy on SQLite, pg_dump on PostgreSQL).
        #[arg(long, value_enum, default_value_t = server::backup::Format::Auto)]
        format: server::backup::Format,
    },
    /// Replace the database's data with a backup's (stop `tagih serve` first).
    Restore {
        /// The backup file (`tagih-….tar.gz`), or a bare portable export (`.jsonl`).
        file: std::path::PathBuf,
        /// Replace a database that already holds data.
        #[arg(long)]
        yes: bool,
    },
    /// Apply pending migrations and exit; with --status only list them.
    Migrate {
        /// List applied and pending migrations.
        #[arg(long)]
        status: bool,
        /// Roll back this many migrations (destroys their data).
        #[arg(long, value_name = "N")]
        rollback: Option<u32>,
    },
    /// Run one scheduler tick as if it were this local time (TAGIH_TIMEZONE): the monthly run,
    /// reminder stages. Prints one JSON line per customer or action. Without --dry-run it
    /// records and queues exactly as the live tick would; the same moment twice queues nothing.
    Schedule {
        /// Local moment, `YYYY-MM-DDTHH:MM`.
        #[arg(long, value_name = "YYYY-MM-DDTHH:MM")]
        at: String,
        /// Show what would happen; record and queue nothing.
        #[arg(long)]
        dry_run: bool,
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
        Command::Demo { customers, months } => demo(config, customers, months).await,
        Command::Check => {
            let lines = server::check::run(&config).await;
            for l in &lines {
                println!("{l}");
            }
            if server::check::failed(&lines) {
                return ExitCode::FAILURE;
            }
            Ok(())
        }
        Command::Backup { to, format } => backup(config, to, format).await,
        Command::Restore { file, yes } => restore(config, file, yes).await,
        Command::Migrate { status, rollback } => migrate(config, status, rollback).await,
        Command::Schedule { at, dry_run } => schedule(config, &at, dry_run).await,
        Command::SeedDemo {
            customers,
            months,
            seed,
        } => seed_demo(config, customers, months, seed).await,
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

async fn demo(config: Config, customers: usize, months: u32) -> Result<(), String> {
    if customers == 0 || months == 0 || months > 24 {
        return Err("--customers must be at least 1 and --months 1 to 24".into());
    }
    let stop = CancellationToken::new();
    tokio::spawn({
        let stop = stop.clone();
        async move {
            shutdown_signal().await;
            stop.cancel();
        }
    });
    server::demo::run(config, server::demo::DemoArgs { customers, months }, stop).await
}

async fn backup(
    config: Config,
    to: Option<std::path::PathBuf>,
    format: server::backup::Format,
) -> Result<(), String> {
    let db = app::server::db::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let opts = server::backup::BackupOptions {
        dir: to.unwrap_or_else(|| config.backup.dir.clone()),
        format,
        prefix: "tagih",
    };
    let result = server::backup::create(&db, &config.database_url, &opts).await;
    let r = match result {
        Ok(r) => r,
        Err(e) => {
            let _ =
                app::server::system::record_failure(&db, chrono::Utc::now(), &e.to_string()).await;
            return Err(e.to_string());
        }
    };
    let file = r
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The dashboard's "backup terakhir" counts hand-made backups too.
    if let Err(e) = app::server::system::record_ok(&db, r.manifest.created_at, &file, r.bytes).await
    {
        tracing::warn!(error = %e, "backup status not recorded");
    }
    let _ = db.close().await;
    println!("Backup selesai: {}", r.path.display());
    println!(
        "  {} byte, {} baris dari {} tabel, skema {}, isi {:?}, {:.2} detik",
        r.bytes,
        r.manifest.total_rows(),
        r.manifest.tables.len(),
        r.manifest.schema_version,
        r.manifest.kind,
        r.secs
    );
    println!("  checksum data {}", r.manifest.checksum);
    Ok(())
}

async fn restore(config: Config, file: std::path::PathBuf, yes: bool) -> Result<(), String> {
    let opts = server::backup::RestoreOptions { replace: yes };
    if file.extension().is_some_and(|e| e == "jsonl") {
        // A bare portable export (a backup's data.jsonl taken out by hand).
        let r = server::backup::restore_export(&config.database_url, &file, &opts)
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "Ekspor dipulihkan dalam {:.2} detik: {} baris di {} tabel (skema {}), {} migrasi baru.",
            r.secs,
            r.manifest.total_rows(),
            r.manifest.tables.len(),
            r.manifest.schema_version,
            r.migrated
        );
        return Ok(());
    }
    let manifest = server::backup::read_manifest(&file).map_err(|e| e.to_string())?;
    println!(
        "Memulihkan {} (dibuat {}, skema {}, {} baris) ke {}",
        file.display(),
        manifest
            .created_at
            .with_timezone(&config.timezone)
            .format("%Y-%m-%d %H:%M"),
        manifest.schema_version,
        manifest.total_rows(),
        server::check::redacted_url(&config.database_url)
    );
    let r = server::backup::restore(&config.database_url, &file, &opts)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "Pemulihan selesai dalam {:.2} detik: {} baris di {} tabel, jumlah dan checksum cocok.",
        r.secs,
        r.manifest.total_rows(),
        r.manifest.tables.len()
    );
    if r.migrated > 0 {
        println!("  {} migrasi baru diterapkan setelahnya.", r.migrated);
    }
    println!("  Semua sesi login dihapus: setiap pengguna masuk lagi.");
    Ok(())
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

async fn schedule(config: Config, at: &str, dry_run: bool) -> Result<(), String> {
    use app::server::schedule::{lease, tick};
    let local = chrono::NaiveDateTime::parse_from_str(at.trim(), "%Y-%m-%dT%H:%M")
        .map_err(|_| format!("--at {at}: expected YYYY-MM-DDTHH:MM (local time)"))?;
    let state = server::prepare(config)
        .await
        .map_err(|e| format!("database not ready: {e}"))?;
    let now = tick::instant_of(local, state.config.timezone);
    let holder = lease::holder_name();
    let t = tick::Tick {
        state: &state,
        local,
        now,
        holder: &holder,
        dry_run,
    };
    let result = tick::tick(&t).await;
    if !dry_run {
        // This process ticks once: the next instance need not wait for the lease to run out.
        let _ = lease::release(&state.db, &holder).await;
    }
    let _ = state.db.close().await;
    match result {
        Ok(Some(lines)) => {
            for l in lines {
                println!("{}", serde_json::to_string(&l).map_err(|e| e.to_string())?);
            }
            Ok(())
        }
        Ok(None) => Err(
            "another instance holds the scheduler lease (tagih serve is running it); \
             use --dry-run to preview"
                .into(),
        ),
        Err(e) => Err(format!("scheduler tick failed: {e}")),
    }
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
