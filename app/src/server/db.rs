//! Database connection: one pool in `AppState`, SQLite tuned for a web server, PostgreSQL as is.

use sea_orm::{
    AccessMode, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction,
    DbBackend, DbErr, IsolationLevel, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::time::Duration;

/// Opens the pool. For SQLite the file's folder is created, WAL is switched on (readers never
/// wait for the writer), writers wait up to 10 s for each other instead of failing, foreign keys
/// are enforced, commits are fsynced (`synchronous=FULL`: the outbox must survive power loss),
/// and reads go through a 256 MiB memory map plus a 16 MiB page cache per connection.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        if let Some(dir) = sqlite_file(url).and_then(|p| p.parent().map(|d| d.to_path_buf()))
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(&dir).map_err(|e| {
                DbErr::Custom(format!("cannot create the folder {}: {e}", dir.display()))
            })?;
        }
        if let Some(file) = sqlite_file(url) {
            // Created here only when the URL asks SQLite to create it (`mode=rwc`).
            owner_only(&file, url.contains("mode=rwc"))?;
        }
        opts.max_connections(if url.contains(":memory:") { 1 } else { 6 })
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                    // Reads through a shared memory map and a bigger page cache: the invoice
                    // table's queries touch index pages, not syscalls (see the billing bench).
                    .pragma("mmap_size", "268435456")
                    .pragma("cache_size", "-16384")
            });
    } else {
        opts.max_connections(10).min_connections(1);
    }
    Database::connect(opts).await
}

/// The database holds password hashes and customers' data: its file is created readable by
/// Tagih's user only (0600), and an existing file open to others is tightened. SQLite gives the
/// `-wal` and `-shm` files the database file's mode.
pub fn owner_only(file: &std::path::Path, create: bool) -> Result<(), DbErr> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let fail = |e: std::io::Error| DbErr::Custom(format!("{}: {e}", file.display()));
        match std::fs::metadata(file) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !create => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(file)
                    .map(|_| ())
                    .or_else(|e| {
                        if e.kind() == std::io::ErrorKind::AlreadyExists {
                            Ok(())
                        } else {
                            Err(fail(e))
                        }
                    })?;
            }
            Err(e) => return Err(fail(e)),
            Ok(m) if m.permissions().mode() & 0o077 != 0 => {
                std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
                    .map_err(fail)?;
                tracing::warn!(file = %file.display(), "database file was readable by others; now 0600");
            }
            Ok(_) => {}
        }
    }
    #[cfg(not(unix))]
    let _ = (file, create);
    Ok(())
}

/// The file behind an SQLite URL, if it names one.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        None
    } else {
        Some(path.into())
    }
}

/// Starts a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`IMMEDIATE`), so two writers queue on the busy timeout instead of one failing with
/// "database is locked" when its read turns into a write.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        isolation_level: None::<IsolationLevel>,
        access_mode: None::<AccessMode>,
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
    })
    .await
}

/// A cheap round trip, for `/healthz`.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}

pub fn backend_name(db: &impl ConnectionTrait) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Sqlite => "sqlite",
        DbBackend::Postgres => "postgres",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_file_is_found_in_every_url_form() {
        assert_eq!(
            sqlite_file("sqlite://data/tagih.db?mode=rwc"),
            Some("data/tagih.db".into())
        );
        assert_eq!(sqlite_file("sqlite:/tmp/x.db"), Some("/tmp/x.db".into()));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x"), None);
    }
}
