//! Backups and restore (`tagih backup`, `tagih restore`, and the daily backup inside
//! `tagih serve`).
//!
//! A backup is one `.tar.gz` file: `manifest.json` (time, schema version, row count and
//! fingerprint per table, the payload's SHA-256) and a payload taken from one consistent
//! snapshot while Tagih runs:
//! - SQLite: `VACUUM INTO` a copy (a read transaction: writers carry on);
//! - PostgreSQL: `pg_dump` at the snapshot Tagih exported (its fingerprints are computed in that
//!   same snapshot), or, without a usable `pg_dump`, a portable export;
//! - the portable export (`--format portable`, either backend): JSON lines Tagih reads back
//!   into SQLite or PostgreSQL.
//!
//! Restore checks everything it can before it touches the database (archive, checksums, schema
//! version, the rows' fingerprints), then replaces the data in ONE transaction: drop Tagih's
//! tables, migrate to the backup's schema, load, compare every table with the manifest, run the
//! newer migrations, commit. Anything wrong rolls back and the database stays as it was.

mod archive;
pub mod data;
pub mod schedule;

use chrono::{DateTime, Utc};
use data::{Cell, Column, Inserter, TABLES, TableHasher};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, IsolationLevel, Statement,
    StreamTrait, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use std::{
    io::{BufRead, BufReader, BufWriter, Write},
    path::{Path, PathBuf},
    time::Instant,
};

pub use archive::read_manifest;

/// What went wrong, worded for the operator who runs the command.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("basis data: {0}")]
    Db(#[from] DbErr),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("file ini bukan backup Tagih, atau rusak/terpotong ({0}). Database tidak diubah.")]
    Unreadable(String),
    #[error("backup rusak: {0}. Database tidak diubah.")]
    Corrupt(String),
    #[error(
        "backup ini dari Tagih yang lebih baru (skema {0}); perbarui Tagih dulu. Database tidak diubah."
    )]
    NewerSchema(String),
    #[error("skema backup tidak dikenal: {0}. Database tidak diubah.")]
    UnknownSchema(String),
    #[error("kolom {table}.{column} bertipe {declared}, yang tidak dikenal oleh backup")]
    UnsupportedColumn {
        table: String,
        column: String,
        declared: String,
    },
    #[error(
        "backup pg_dump hanya bisa dipulihkan ke PostgreSQL (buat backup dengan --format portable untuk pindah ke SQLite). Database tidak diubah."
    )]
    NeedsPostgres,
    #[error("pg_dump gagal: {0}")]
    PgDump(String),
    #[error(
        "database tujuan sudah berisi data; jalankan lagi dengan --yes untuk menggantinya dengan isi backup (data sekarang akan hilang)"
    )]
    TargetNotEmpty,
    #[error("hasil pemulihan tidak cocok dengan backup ({0}). Database tidak diubah.")]
    Mismatch(String),
    #[error("{0}")]
    Invalid(String),
}

/// The payload inside a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayloadKind {
    /// An SQLite database file made by `VACUUM INTO`.
    Sqlite,
    /// Tagih's portable export (JSON lines), restorable into either backend.
    Portable,
    /// A plain `pg_dump` script of Tagih's tables; PostgreSQL only.
    PgDump,
}

/// One table in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSummary {
    pub name: String,
    pub rows: u64,
    /// SHA-256 over the table's rows, independent of row order and backend.
    pub checksum: String,
}

pub const FORMAT: &str = "tagih-backup";
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub created_at: DateTime<Utc>,
    pub tagih_version: String,
    /// `sqlite` or `postgres`: where the data came from.
    pub source: String,
    pub kind: PayloadKind,
    /// The payload's name inside the archive.
    pub payload: String,
    pub payload_bytes: u64,
    pub payload_sha256: String,
    /// The last migration applied: the schema the data is in.
    pub schema_version: String,
    pub tables: Vec<TableSummary>,
    /// SHA-256 over every table's checksum: one number for "the same data".
    pub checksum: String,
}

impl Manifest {
    fn check_format(&self) -> Result<(), BackupError> {
        if self.format != FORMAT {
            return Err(BackupError::Unreadable(format!(
                "format '{}' bukan {FORMAT}",
                self.format
            )));
        }
        if self.format_version > FORMAT_VERSION {
            return Err(BackupError::Unreadable(format!(
                "format versi {} dari Tagih yang lebih baru",
                self.format_version
            )));
        }
        if self.payload != self.kind.payload_name() {
            return Err(BackupError::Unreadable("nama isi tidak cocok".into()));
        }
        Ok(())
    }

    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

/// One fingerprint for a set of tables.
pub fn overall_checksum(tables: &[TableSummary]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for t in tables {
        h.update(format!("{} {} {}\n", t.name, t.rows, t.checksum).as_bytes());
    }
    hex::encode(h.finalize())
}

/// Which payload to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// SQLite: a database copy; PostgreSQL: pg_dump when it works, else portable.
    #[default]
    Auto,
    /// Tagih's own export, restorable into SQLite or PostgreSQL.
    Portable,
    /// PostgreSQL only: fail rather than fall back when pg_dump does not work.
    PgDump,
}

#[derive(Debug, Clone)]
pub struct BackupOptions {
    pub dir: PathBuf,
    pub format: Format,
    /// File name prefix: `tagih` by hand, `tagih-auto` for the daily backups (which retention
    /// prunes; hand-made ones are never deleted).
    pub prefix: &'static str,
}

#[derive(Debug, Clone)]
pub struct BackupReport {
    pub path: PathBuf,
    pub manifest: Manifest,
    /// Size of the archive.
    pub bytes: u64,
    pub secs: f64,
}

fn io_err(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> BackupError {
    let what = what.into();
    move |source| BackupError::Io { what, source }
}

/// Makes a backup of `db` (reached through `database_url`) into `opts.dir`.
pub async fn create(
    db: &DatabaseConnection,
    database_url: &str,
    opts: &BackupOptions,
) -> Result<BackupReport, BackupError> {
    let started = Instant::now();
    make_private_dir(&opts.dir)?;
    let tmp = tempfile::Builder::new()
        .prefix(".tagih-backup-")
        .tempdir_in(&opts.dir)
        .map_err(io_err(format!("menulis ke {}", opts.dir.display())))?;
    let created_at = Utc::now();
    let backend = db.get_database_backend();

    let (kind, schema_version, tables) = match (backend, opts.format) {
        (DbBackend::Sqlite, Format::PgDump) => {
            return Err(BackupError::Invalid(
                "--format pg-dump hanya untuk PostgreSQL".into(),
            ));
        }
        (DbBackend::Sqlite, Format::Auto) => {
            let (v, t) =
                sqlite_copy(db, &tmp.path().join(PayloadKind::Sqlite.payload_name())).await?;
            (PayloadKind::Sqlite, v, t)
        }
        (DbBackend::Postgres, Format::Auto | Format::PgDump) => {
            let path = tmp.path().join(PayloadKind::PgDump.payload_name());
            match pg_dump(db, database_url, &path).await {
                Ok((v, t)) => (PayloadKind::PgDump, v, t),
                Err(e) if opts.format == Format::Auto => {
                    tracing::warn!(error = %e, "pg_dump not usable; writing a portable export");
                    let (v, t) =
                        portable_export(db, &tmp.path().join(PayloadKind::Portable.payload_name()))
                            .await?;
                    (PayloadKind::Portable, v, t)
                }
                Err(e) => return Err(e),
            }
        }
        _ => {
            let path = tmp.path().join(PayloadKind::Portable.payload_name());
            let (v, t) = portable_export(db, &path).await?;
            (PayloadKind::Portable, v, t)
        }
    };

    let payload = tmp.path().join(kind.payload_name());
    let (payload_sha256, payload_bytes) = archive::sha256_file(&payload)?;
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        created_at,
        tagih_version: env!("CARGO_PKG_VERSION").into(),
        source: app::server::db::backend_name(db).into(),
        kind,
        payload: kind.payload_name().into(),
        payload_bytes,
        payload_sha256,
        schema_version,
        checksum: overall_checksum(&tables),
        tables,
    };
    let path = free_name(&opts.dir, opts.prefix, created_at);
    let dest = path.clone();
    let m = manifest.clone();
    let bytes = tokio::task::spawn_blocking(move || archive::write(&dest, &m, &payload))
        .await
        .map_err(|e| BackupError::Invalid(e.to_string()))??;
    Ok(BackupReport {
        path,
        manifest,
        bytes,
        secs: started.elapsed().as_secs_f64(),
    })
}

fn make_private_dir(dir: &Path) -> Result<(), BackupError> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
        .map_err(io_err(format!("membuat folder {}", dir.display())))
}

/// `tagih-20261203-020000.tar.gz` (UTC), with `-2`, `-3` … when taken within the same second.
fn free_name(dir: &Path, prefix: &str, at: DateTime<Utc>) -> PathBuf {
    let stamp = at.format("%Y%m%d-%H%M%S");
    let mut path = dir.join(format!("{prefix}-{stamp}.tar.gz"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{prefix}-{stamp}-{n}.tar.gz"));
        n += 1;
    }
    path
}

/// The last migration applied.
async fn schema_version(db: &impl ConnectionTrait) -> Result<String, BackupError> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM seaql_migrations ORDER BY version DESC LIMIT 1",
        ))
        .await?
        .ok_or_else(|| BackupError::Invalid("database belum dimigrasi".into()))?;
    Ok(row.try_get::<String>("", "version")?)
}

/// SQLite: `VACUUM INTO` a fresh file (one read transaction, so consistent while Tagih keeps
/// writing), then clear the login sessions in the copy and fingerprint it.
async fn sqlite_copy(
    db: &DatabaseConnection,
    dest: &Path,
) -> Result<(String, Vec<TableSummary>), BackupError> {
    let target = dest.to_string_lossy().replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{target}'"))
        .await?;
    let copy = open_sqlite_file(dest, false).await?;
    let result = async {
        // Sessions are bearer tokens: not in a backup. secure_delete overwrites their pages.
        copy.execute_unprepared(
            "PRAGMA secure_delete = ON; DELETE FROM login_sessions; PRAGMA wal_checkpoint;",
        )
        .await?;
        let version = schema_version(&copy).await?;
        let tables = data::summarise(&copy).await?;
        Ok::<_, BackupError>((version, tables))
    }
    .await;
    let _ = copy.close().await;
    result
}

/// A single connection to an SQLite file outside Tagih's pool (a backup copy).
async fn open_sqlite_file(path: &Path, read_only: bool) -> Result<DatabaseConnection, BackupError> {
    let url = format!("sqlite://{}", path.display());
    let mut opts = sea_orm::ConnectOptions::new(url);
    opts.sqlx_logging(false).max_connections(1);
    opts.map_sqlx_sqlite_opts(move |o| {
        o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Delete)
            .read_only(read_only)
            .create_if_missing(false)
    });
    Ok(sea_orm::Database::connect(opts).await?)
}

/// A read-only snapshot: every table read sees the same moment.
async fn snapshot(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await
        }
        // SQLite in WAL mode: a read transaction sees one snapshot until it ends.
        _ => db.begin().await,
    }
}

/// Writes the portable export (JSON lines) from one snapshot and fingerprints it on the way.
async fn portable_export(
    db: &DatabaseConnection,
    dest: &Path,
) -> Result<(String, Vec<TableSummary>), BackupError> {
    let txn = snapshot(db).await?;
    let version = schema_version(&txn).await?;
    let file = std::fs::File::create(dest).map_err(io_err("menulis ekspor"))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let tables = write_export(&txn, &version, &mut out).await?;
    out.flush().map_err(io_err("menulis ekspor"))?;
    out.into_inner()
        .map_err(|e| BackupError::Io {
            what: "menulis ekspor".into(),
            source: e.into_error(),
        })?
        .sync_all()
        .map_err(io_err("menulis ekspor"))?;
    txn.commit().await?;
    Ok((version, tables))
}

/// The portable format: a header line, then per table a line naming its columns, one JSON
/// array per row, and an end line with the count; a last line marks the end of the export.
pub async fn write_export<C: ConnectionTrait + StreamTrait>(
    db: &C,
    schema_version: &str,
    out: &mut impl Write,
) -> Result<Vec<TableSummary>, BackupError> {
    let w = |e: std::io::Error| BackupError::Io {
        what: "menulis ekspor".into(),
        source: e,
    };
    let header = serde_json::json!({ "tagih_export": 1, "schema_version": schema_version });
    writeln!(out, "{header}").map_err(w)?;
    let mut tables = Vec::new();
    for table in data::present_tables(db).await? {
        let cols = data::columns(db, table).await?;
        let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
        writeln!(
            out,
            "{}",
            serde_json::json!({ "table": table, "columns": names })
        )
        .map_err(w)?;
        let mut hasher = TableHasher::new(&cols);
        if !data::ROWS_LEFT_OUT.contains(&table) {
            data::read_rows(db, table, &cols, |cells| {
                hasher.add(&cells);
                let row = serde_json::Value::Array(cells.iter().map(Cell::to_json).collect());
                writeln!(out, "{row}").map_err(w)
            })
            .await?;
        }
        writeln!(
            out,
            "{}",
            serde_json::json!({ "end": table, "rows": hasher.rows() })
        )
        .map_err(w)?;
        tables.push(TableSummary {
            name: table.to_owned(),
            rows: hasher.rows(),
            checksum: hasher.finish(),
        });
    }
    writeln!(out, "{}", serde_json::json!({ "end_of_export": true })).map_err(w)?;
    Ok(tables)
}

/// PostgreSQL: `pg_dump` of Tagih's tables at a snapshot exported from a transaction that
/// fingerprints the same data.
async fn pg_dump(
    db: &DatabaseConnection,
    database_url: &str,
    dest: &Path,
) -> Result<(String, Vec<TableSummary>), BackupError> {
    let txn = snapshot(db).await?;
    let row = txn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_export_snapshot() AS s, current_schema()::text AS schema",
        ))
        .await?
        .ok_or_else(|| BackupError::PgDump("no snapshot".into()))?;
    let snapshot_id: String = row.try_get("", "s")?;
    let schema: String = row.try_get("", "schema")?;
    let version = schema_version(&txn).await?;
    let present = data::present_tables(&txn).await?;

    let url = url::Url::parse(database_url).map_err(|e| BackupError::PgDump(e.to_string()))?;
    let mut conn = url.clone();
    // The password travels in the environment, not on a command line others can read.
    let _ = conn.set_password(None);
    let mut cmd = tokio::process::Command::new("pg_dump");
    cmd.arg(format!("--dbname={conn}"))
        .args([
            "--format=plain",
            "--no-owner",
            "--no-privileges",
            "--inserts",
            "--rows-per-insert=500",
            "--no-password",
        ])
        .arg(format!("--snapshot={snapshot_id}"))
        .arg(format!("--file={}", dest.display()))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    for t in present.iter().copied().chain(["seaql_migrations"]) {
        cmd.arg(format!("--table={schema}.{t}"));
    }
    for t in data::ROWS_LEFT_OUT {
        cmd.arg(format!("--exclude-table-data={schema}.{t}"));
    }
    if let Some(p) = url.password() {
        let p = percent_decode(p);
        cmd.env("PGPASSWORD", p);
    }
    let out = cmd
        .output()
        .await
        .map_err(|e| BackupError::PgDump(format!("tidak bisa menjalankan pg_dump: {e}")))?;
    if !out.status.success() {
        return Err(BackupError::PgDump(
            String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        ));
    }
    let tables = data::summarise(&txn).await?;
    txn.commit().await?;
    Ok((version, tables))
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("p={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_owned())
}

// ---- restore ---------------------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
pub struct RestoreOptions {
    /// Replace a database that already holds Tagih data.
    pub replace: bool,
}

#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub manifest: Manifest,
    /// Migrations applied after loading (the backup was from an older schema).
    pub migrated: usize,
    pub secs: f64,
}

/// Position (1-based) of the backup's schema among this binary's migrations.
fn schema_steps(version: &str) -> Result<u32, BackupError> {
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    if let Some(i) = names.iter().position(|n| n == version) {
        return Ok(i as u32 + 1);
    }
    match names.last() {
        Some(last) if version > last.as_str() => Err(BackupError::NewerSchema(version.into())),
        _ => Err(BackupError::UnknownSchema(version.into())),
    }
}

fn compare(expected: &[TableSummary], found: &[TableSummary]) -> Result<(), String> {
    for e in expected {
        match found.iter().find(|f| f.name == e.name) {
            None => return Err(format!("tabel {} tidak ada", e.name)),
            Some(f) if f.rows != e.rows => {
                return Err(format!(
                    "tabel {}: {} baris, seharusnya {}",
                    e.name, f.rows, e.rows
                ));
            }
            Some(f) if f.checksum != e.checksum => {
                return Err(format!("tabel {}: checksum berbeda", e.name));
            }
            Some(_) => {}
        }
    }
    if let Some(extra) = found
        .iter()
        .find(|f| f.rows > 0 && !expected.iter().any(|e| e.name == f.name))
    {
        return Err(format!("tabel {} tidak ada di backup", extra.name));
    }
    Ok(())
}

/// Restores `file` into the database at `database_url`.
pub async fn restore(
    database_url: &str,
    file: &Path,
    opts: &RestoreOptions,
) -> Result<RestoreReport, BackupError> {
    let started = Instant::now();
    let tmp = tempfile::Builder::new()
        .prefix("tagih-restore-")
        .tempdir()
        .map_err(io_err("membuat folder sementara"))?;
    let (manifest, payload) = {
        let (file, into) = (file.to_owned(), tmp.path().to_owned());
        tokio::task::spawn_blocking(move || archive::open(&file, &into))
            .await
            .map_err(|e| BackupError::Invalid(e.to_string()))??
    };
    let steps = schema_steps(&manifest.schema_version)?;
    if overall_checksum(&manifest.tables) != manifest.checksum {
        return Err(BackupError::Corrupt("checksum manifest tidak cocok".into()));
    }

    // Check the data itself before touching the target.
    let source = match manifest.kind {
        PayloadKind::Portable => {
            let found = scan_export(&payload, &manifest.schema_version)?;
            compare(&manifest.tables, &found).map_err(BackupError::Corrupt)?;
            None
        }
        PayloadKind::Sqlite => {
            let src = open_sqlite_file(&payload, true).await?;
            let found = data::summarise(&src).await;
            let found = match found {
                Ok(f) => f,
                Err(e) => {
                    let _ = src.close().await;
                    return Err(BackupError::Corrupt(e.to_string()));
                }
            };
            if let Err(e) = compare(&manifest.tables, &found) {
                let _ = src.close().await;
                return Err(BackupError::Corrupt(e));
            }
            Some(src)
        }
        PayloadKind::PgDump => None,
    };

    let target = app::server::db::connect(database_url).await?;
    let result = load_into(&target, &manifest, &payload, source.as_ref(), steps, opts).await;
    if let Some(src) = source {
        let _ = src.close().await;
    }
    let _ = target.close().await;
    let migrated = result?;
    Ok(RestoreReport {
        manifest,
        migrated,
        secs: started.elapsed().as_secs_f64(),
    })
}

/// Restores a bare portable export (the `data.jsonl` of a backup, or the upgrade fixture kept
/// in the repository): the same checks and the same single transaction, with the counts and
/// fingerprints read from the export itself.
pub async fn restore_export(
    database_url: &str,
    path: &Path,
    opts: &RestoreOptions,
) -> Result<RestoreReport, BackupError> {
    let started = Instant::now();
    let header = {
        let file =
            std::fs::File::open(path).map_err(io_err(format!("membuka {}", path.display())))?;
        let mut first = String::new();
        BufReader::new(file)
            .read_line(&mut first)
            .map_err(|e| BackupError::Unreadable(e.to_string()))?;
        serde_json::from_str::<serde_json::Value>(&first)
            .map_err(|e| BackupError::Unreadable(format!("bukan ekspor Tagih: {e}")))?
    };
    let version = header
        .get("schema_version")
        .and_then(|v| v.as_str())
        .ok_or_else(|| BackupError::Unreadable("bukan ekspor Tagih".into()))?
        .to_owned();
    let steps = schema_steps(&version)?;
    let tables = scan_export(path, &version)?;
    let (payload_sha256, payload_bytes) = archive::sha256_file(path)?;
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        created_at: Utc::now(),
        tagih_version: env!("CARGO_PKG_VERSION").into(),
        source: "export".into(),
        kind: PayloadKind::Portable,
        payload: PayloadKind::Portable.payload_name().into(),
        payload_bytes,
        payload_sha256,
        schema_version: version,
        checksum: overall_checksum(&tables),
        tables,
    };
    let target = app::server::db::connect(database_url).await?;
    let result = load_into(&target, &manifest, path, None, steps, opts).await;
    let _ = target.close().await;
    Ok(RestoreReport {
        migrated: result?,
        manifest,
        secs: started.elapsed().as_secs_f64(),
    })
}

/// True when the database already holds Tagih data (a user or a customer).
async fn has_data(db: &DatabaseConnection) -> Result<bool, BackupError> {
    let present = data::present_tables(db).await?;
    for t in ["users", "customers"] {
        if present.contains(&t) {
            let row = db
                .query_one_raw(Statement::from_string(
                    db.get_database_backend(),
                    format!("SELECT COUNT(*) AS n FROM {t}"),
                ))
                .await?;
            if row
                .and_then(|r| r.try_get::<i64>("", "n").ok())
                .unwrap_or(0)
                > 0
            {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

async fn load_into(
    target: &DatabaseConnection,
    manifest: &Manifest,
    payload: &Path,
    source: Option<&DatabaseConnection>,
    steps: u32,
    opts: &RestoreOptions,
) -> Result<usize, BackupError> {
    let backend = target.get_database_backend();
    if manifest.kind == PayloadKind::PgDump && backend != DbBackend::Postgres {
        return Err(BackupError::NeedsPostgres);
    }
    if !opts.replace && has_data(target).await? {
        return Err(BackupError::TargetNotEmpty);
    }
    let txn = match backend {
        DbBackend::Sqlite => {
            let txn = app::server::db::begin_write(target).await?;
            // Foreign keys are checked at COMMIT, once every table is back.
            txn.execute_unprepared("PRAGMA defer_foreign_keys = ON")
                .await?;
            txn
        }
        _ => target.begin().await?,
    };
    let cascade = if backend == DbBackend::Postgres {
        " CASCADE"
    } else {
        ""
    };
    for t in TABLES.iter().rev().chain(&["seaql_migrations"]) {
        txn.execute_unprepared(&format!("DROP TABLE IF EXISTS \"{t}\"{cascade}"))
            .await?;
    }

    match manifest.kind {
        PayloadKind::PgDump => run_pg_script(&txn, payload).await?,
        PayloadKind::Portable => {
            Migrator::up(&txn, Some(steps)).await?;
            load_export(&txn, payload).await?;
        }
        PayloadKind::Sqlite => {
            Migrator::up(&txn, Some(steps)).await?;
            let src = source.ok_or_else(|| BackupError::Invalid("no source".into()))?;
            load_database(&txn, src).await?;
        }
    }
    let present = data::present_tables(&txn).await?;
    data::reset_sequences(&txn, &present).await?;

    let found = data::summarise(&txn).await?;
    compare(&manifest.tables, &found).map_err(BackupError::Mismatch)?;

    let pending = Migrator::get_pending_migrations(&txn).await?.len();
    Migrator::up(&txn, None).await?;
    txn.commit().await?;
    Ok(pending)
}

/// Reads a whole portable export once: well-formed, complete, and each table's row count and
/// fingerprint (what a manifest records).
pub fn scan_export(path: &Path, schema_version: &str) -> Result<Vec<TableSummary>, BackupError> {
    use serde_json::Value as J;
    let bad = |m: &str| BackupError::Corrupt(m.to_owned());
    let mut tables = Vec::new();
    // (table, column count, fingerprint) of the table being read.
    let mut current: Option<(String, usize, TableHasher)> = None;
    let mut state_header = true;
    let mut finished = false;
    for_each_line(path, |line| {
        if finished {
            return Err(bad("data setelah akhir ekspor"));
        }
        let v: J = serde_json::from_str(line)
            .map_err(|e| BackupError::Corrupt(format!("baris rusak: {e}")))?;
        if std::mem::take(&mut state_header) {
            return match v.get("schema_version").and_then(J::as_str) {
                Some(s) if s == schema_version && v.get("tagih_export").is_some() => Ok(()),
                _ => Err(bad("kepala ekspor tidak cocok dengan manifest")),
            };
        }
        match v {
            J::Array(row) => {
                let Some((_, n, hasher)) = current.as_mut() else {
                    return Err(bad("baris di luar tabel"));
                };
                if row.len() != *n {
                    return Err(bad("jumlah kolom salah"));
                }
                hasher.add_json(&row);
            }
            J::Object(o) if current.is_none() && o.contains_key("table") => {
                let name = o["table"].as_str().unwrap_or_default().to_owned();
                let cols: Vec<Column> = o["columns"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|c| Column {
                                name: c.as_str().unwrap_or_default().to_owned(),
                                kind: data::Kind::Text,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                current = Some((name, cols.len(), TableHasher::new(&cols)));
            }
            J::Object(o) if o.contains_key("end") => {
                let Some((name, _, hasher)) = current.take() else {
                    return Err(bad("akhir tabel tanpa awal"));
                };
                if o["end"].as_str() != Some(name.as_str())
                    || o["rows"].as_u64() != Some(hasher.rows())
                {
                    return Err(BackupError::Corrupt(format!("jumlah baris {name} salah")));
                }
                tables.push(TableSummary {
                    rows: hasher.rows(),
                    checksum: hasher.finish(),
                    name,
                });
            }
            J::Object(o) if current.is_none() && o.contains_key("end_of_export") => {
                finished = true;
            }
            _ => return Err(bad("baris tak terduga")),
        }
        Ok(())
    })?;
    if !finished {
        return Err(bad("ekspor terpotong"));
    }
    Ok(tables)
}

fn for_each_line(
    path: &Path,
    mut f: impl FnMut(&str) -> Result<(), BackupError>,
) -> Result<(), BackupError> {
    let file = std::fs::File::open(path).map_err(io_err("membaca ekspor"))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .map_err(|e| BackupError::Corrupt(e.to_string()))?;
        if n == 0 {
            return Ok(());
        }
        let l = line.trim_end_matches(['\n', '\r']);
        if !l.is_empty() {
            f(l)?;
        }
    }
}

/// The table being loaded: where each target column is in the export's rows, the target's
/// columns, and the batch inserter.
type TableLoad<'a, C> = (Vec<Option<usize>>, Vec<Column>, Inserter<'a, C>);

/// Loads a (scanned) portable export into the migrated, empty tables of `db`.
async fn load_export<C: ConnectionTrait>(db: &C, path: &Path) -> Result<(), BackupError> {
    let file = std::fs::File::open(path).map_err(io_err("membaca ekspor"))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut line = String::new();
    let mut current: Option<TableLoad<'_, C>> = None;
    let mut first = true;
    loop {
        line.clear();
        if reader
            .read_line(&mut line)
            .map_err(|e| BackupError::Corrupt(e.to_string()))?
            == 0
        {
            break;
        }
        if std::mem::take(&mut first) {
            continue; // the header, checked by the scan
        }
        let v: serde_json::Value = serde_json::from_str(line.trim_end())
            .map_err(|e| BackupError::Corrupt(e.to_string()))?;
        match v {
            serde_json::Value::Object(o) if o.contains_key("table") => {
                let table = o["table"].as_str().unwrap_or_default().to_owned();
                if !TABLES.contains(&table.as_str()) {
                    return Err(BackupError::Corrupt(format!("tabel tak dikenal: {table}")));
                }
                let target_cols = data::columns(db, &table).await?;
                let names: Vec<String> = o["columns"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|c| c.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                // For each target column, where it is in the export's rows.
                let map: Vec<Option<usize>> = target_cols
                    .iter()
                    .map(|c| names.iter().position(|n| *n == c.name))
                    .collect();
                if let Some(missing) = names
                    .iter()
                    .find(|n| !target_cols.iter().any(|c| &c.name == *n))
                {
                    return Err(BackupError::Mismatch(format!(
                        "kolom {table}.{missing} tidak ada di skema"
                    )));
                }
                let inserter = Inserter::new(db, &table, target_cols.clone());
                current = Some((map, target_cols, inserter));
            }
            serde_json::Value::Array(row) => {
                let Some((map, cols, inserter)) = current.as_mut() else {
                    return Err(BackupError::Corrupt("baris di luar tabel".into()));
                };
                let mut cells = Vec::with_capacity(cols.len());
                for (col, idx) in cols.iter().zip(map.iter()) {
                    let v = idx
                        .and_then(|i| row.get(i))
                        .unwrap_or(&serde_json::Value::Null);
                    cells.push(Cell::from_json(v, col.kind).ok_or_else(|| {
                        BackupError::Corrupt(format!("nilai {} tidak terbaca: {v}", col.name))
                    })?);
                }
                inserter.push(&cells).await?;
            }
            serde_json::Value::Object(o) if o.contains_key("end") => {
                if let Some((_, _, mut inserter)) = current.take() {
                    inserter.flush().await?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Copies every table of an SQLite backup copy into the migrated, empty tables of `db`.
async fn load_database<C: ConnectionTrait>(
    db: &C,
    src: &DatabaseConnection,
) -> Result<(), BackupError> {
    for table in data::present_tables(src).await? {
        let cols = data::columns(src, table).await?;
        let target_cols = data::columns(db, table).await?;
        if target_cols
            .iter()
            .map(|c| &c.name)
            .ne(cols.iter().map(|c| &c.name))
        {
            return Err(BackupError::Mismatch(format!(
                "kolom tabel {table} berbeda"
            )));
        }
        let mut inserter = Inserter::new(db, table, target_cols);
        let mut after: Option<Cell> = None;
        loop {
            let page = data::read_page(src, table, &cols, after.as_ref(), 5000).await?;
            let Some(last) = page.last() else { break };
            after = Some(last[0].clone());
            for cells in &page {
                inserter.push(cells).await?;
            }
        }
        inserter.flush().await?;
    }
    Ok(())
}

/// Runs a pg_dump script inside the restore transaction. psql's own commands (`\restrict`)
/// are skipped; the script's `search_path` change is undone afterwards.
async fn run_pg_script<C: ConnectionTrait>(db: &C, path: &Path) -> Result<(), BackupError> {
    let text = std::fs::read_to_string(path).map_err(io_err("membaca dump"))?;
    let sql: String = text
        .lines()
        .filter(|l| !l.starts_with('\\'))
        .collect::<Vec<_>>()
        .join("\n");
    let saved = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_setting('search_path') AS p",
        ))
        .await?
        .and_then(|r| r.try_get::<String>("", "p").ok())
        .unwrap_or_else(|| "\"$user\", public".into());
    db.execute_unprepared(&sql).await?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT set_config('search_path', $1, false)",
        [saved.into()],
    ))
    .await?;
    Ok(())
}
