//! Tagih's tables read and written without their entities: column kinds from the database's
//! catalog, values as [`Cell`]s, and a checksum per table that is the same on SQLite and
//! PostgreSQL for the same data (so a backup restored into the other backend verifies too).

use super::BackupError;
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use futures_util::TryStreamExt;
use sea_orm::{
    ConnectionTrait, DbBackend, QueryResult, Statement, StreamTrait, Value,
    sea_query::{Alias, Expr, Query},
};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

/// Every table of Tagih's schema, parents before children (the order rows are restored in;
/// dropped in reverse). `seaql_migrations` is not here: a restore migrates to the backup's
/// schema version, which writes it. A test checks this list against the migrated schema.
pub const TABLES: &[&str] = &[
    "users",
    "login_sessions",
    "settings",
    "sequences",
    "packages",
    "customers",
    // Before invoices: an invoice names the run that made it (PostgreSQL checks at once).
    "invoice_runs",
    "invoices",
    "payments",
    "payment_allocations",
    "message_templates",
    "wa_sessions",
    "wa_accounts",
    "send_jobs",
    "send_items",
    "money_log",
    "send_item_customers",
    "scheduler_lease",
    "schedule_runs",
    "reminder_sent",
    "webhook_events",
    "audit_log",
    "bank_lines",
];

/// Tables whose rows a backup leaves out: a login session's id is a bearer token, and a
/// restored database should ask everyone to sign in again.
/// The scheduler's lease names an instance of the old server: a restored one takes it anew.
pub const ROWS_LEFT_OUT: &[&str] = &["login_sessions", "scheduler_lease"];

/// What a column holds, as far as a backup cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    I16,
    I32,
    I64,
    Bool,
    Text,
    Time,
    Date,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// One value, the same whichever backend it was read from.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
    /// Truncated to microseconds, PostgreSQL's precision.
    Time(DateTime<Utc>),
    Date(NaiveDate),
}

impl Cell {
    /// The portable (JSON) form: what the export file holds and what the checksum hashes.
    pub fn to_json(&self) -> Json {
        match self {
            Cell::Null => Json::Null,
            Cell::Int(i) => Json::from(*i),
            Cell::Bool(b) => Json::Bool(*b),
            Cell::Text(s) => Json::String(s.clone()),
            Cell::Time(t) => Json::String(t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()),
            Cell::Date(d) => Json::String(d.format("%Y-%m-%d").to_string()),
        }
    }

    /// Reads a JSON value for a column of `kind`.
    pub fn from_json(v: &Json, kind: Kind) -> Option<Cell> {
        Some(match (v, kind) {
            (Json::Null, _) => Cell::Null,
            (Json::Number(n), Kind::I16 | Kind::I32 | Kind::I64) => Cell::Int(n.as_i64()?),
            (Json::Bool(b), Kind::Bool) => Cell::Bool(*b),
            (Json::String(s), Kind::Text) => Cell::Text(s.clone()),
            (Json::String(s), Kind::Time) => Cell::Time(
                DateTime::parse_from_rfc3339(s)
                    .ok()?
                    .with_timezone(&Utc)
                    .trunc_subsecs(6),
            ),
            (Json::String(s), Kind::Date) => {
                Cell::Date(NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?)
            }
            _ => return None,
        })
    }

    /// The value to bind when inserting into a column of `kind` (typed even when null, so
    /// PostgreSQL accepts a NULL timestamp).
    fn to_value(&self, kind: Kind, backend: DbBackend) -> Value {
        let sqlite = backend == DbBackend::Sqlite;
        match (self, kind) {
            (Cell::Int(i), Kind::I16) if !sqlite => Value::SmallInt(i16::try_from(*i).ok()),
            (Cell::Int(i), Kind::I32) if !sqlite => Value::Int(i32::try_from(*i).ok()),
            (Cell::Int(i), _) => Value::BigInt(Some(*i)),
            (Cell::Bool(b), _) => Value::Bool(Some(*b)),
            (Cell::Text(s), _) => Value::String(Some(s.clone())),
            (Cell::Time(t), _) => Value::ChronoDateTimeUtc(Some(*t)),
            (Cell::Date(d), _) => Value::ChronoDate(Some(*d)),
            (Cell::Null, Kind::I16) if !sqlite => Value::SmallInt(None),
            (Cell::Null, Kind::I32) if !sqlite => Value::Int(None),
            (Cell::Null, Kind::I16 | Kind::I32 | Kind::I64) => Value::BigInt(None),
            (Cell::Null, Kind::Bool) => Value::Bool(None),
            (Cell::Null, Kind::Text) => Value::String(None),
            (Cell::Null, Kind::Time) => Value::ChronoDateTimeUtc(None),
            (Cell::Null, Kind::Date) => Value::ChronoDate(None),
        }
    }
}

fn kind_of(declared: &str) -> Option<Kind> {
    let t = declared.to_ascii_lowercase();
    Some(if t.contains("timestamp") {
        Kind::Time
    } else if t.starts_with("date") {
        Kind::Date
    } else if t.contains("bool") {
        Kind::Bool
    } else if t == "smallint" {
        Kind::I16
    } else if t == "bigint" {
        Kind::I64
    } else if t.contains("int") {
        // SQLite's `integer` holds 64 bits; PostgreSQL's is 32.
        Kind::I32
    } else if t.contains("char") || t.contains("text") || t.contains("clob") {
        Kind::Text
    } else {
        return None;
    })
}

/// The tables of [`TABLES`] that exist in this database.
pub async fn present_tables(db: &impl ConnectionTrait) -> Result<Vec<&'static str>, BackupError> {
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table'",
        _ => {
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = current_schema()"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    let names: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get::<String>("", "name").ok())
        .collect();
    Ok(TABLES
        .iter()
        .copied()
        .filter(|t| names.iter().any(|n| n == t))
        .collect())
}

/// A table's columns in the database's order.
pub async fn columns(db: &impl ConnectionTrait, table: &str) -> Result<Vec<Column>, BackupError> {
    let backend = db.get_database_backend();
    let stmt = match backend {
        DbBackend::Sqlite => Statement::from_sql_and_values(
            backend,
            "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
            [table.into()],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "SELECT column_name::text AS name, data_type::text AS type \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            [table.into()],
        ),
    };
    let mut out = Vec::new();
    for row in db.query_all_raw(stmt).await? {
        let name: String = row.try_get("", "name")?;
        let declared: String = row.try_get("", "type")?;
        let kind = kind_of(&declared).ok_or_else(|| BackupError::UnsupportedColumn {
            table: table.to_owned(),
            column: name.clone(),
            declared: declared.clone(),
        })?;
        out.push(Column { name, kind });
    }
    Ok(out)
}

fn quote(backend: DbBackend, ident: &str) -> String {
    let _ = backend; // both backends quote identifiers with double quotes
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Reads one column of a row.
fn cell(row: &QueryResult, i: usize, kind: Kind, backend: DbBackend) -> Result<Cell, BackupError> {
    let sqlite = backend == DbBackend::Sqlite;
    let c = match kind {
        Kind::I16 if !sqlite => row
            .try_get_by_index::<Option<i16>>(i)?
            .map(|v| Cell::Int(v.into())),
        Kind::I32 if !sqlite => row
            .try_get_by_index::<Option<i32>>(i)?
            .map(|v| Cell::Int(v.into())),
        Kind::I16 | Kind::I32 | Kind::I64 => row.try_get_by_index::<Option<i64>>(i)?.map(Cell::Int),
        Kind::Bool => row.try_get_by_index::<Option<bool>>(i)?.map(Cell::Bool),
        Kind::Text => row.try_get_by_index::<Option<String>>(i)?.map(Cell::Text),
        Kind::Time => row
            .try_get_by_index::<Option<DateTime<Utc>>>(i)?
            .map(|t| Cell::Time(t.trunc_subsecs(6))),
        Kind::Date => row
            .try_get_by_index::<Option<NaiveDate>>(i)?
            .map(Cell::Date),
    };
    Ok(c.unwrap_or(Cell::Null))
}

/// Streams a table's rows (first column, the primary key, ascending) to `each`.
pub async fn read_rows<C>(
    db: &C,
    table: &str,
    cols: &[Column],
    mut each: impl FnMut(Vec<Cell>) -> Result<(), BackupError>,
) -> Result<u64, BackupError>
where
    C: ConnectionTrait + StreamTrait,
{
    let backend = ConnectionTrait::get_database_backend(db);
    let list = cols
        .iter()
        .map(|c| quote(backend, &c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("SELECT {list} FROM {} ORDER BY 1", quote(backend, table));
    let stream = db.stream_raw(Statement::from_string(backend, sql)).await?;
    let mut stream = std::pin::pin!(stream);
    let mut n = 0;
    while let Some(row) = stream.try_next().await? {
        let mut cells = Vec::with_capacity(cols.len());
        for (i, c) in cols.iter().enumerate() {
            cells.push(cell(&row, i, c.kind, backend)?);
        }
        each(cells)?;
        n += 1;
    }
    Ok(n)
}

/// Up to `limit` rows whose first column (the primary key) comes after `after`, in key order:
/// a table copied page by page without holding it all in memory.
pub async fn read_page(
    db: &impl ConnectionTrait,
    table: &str,
    cols: &[Column],
    after: Option<&Cell>,
    limit: usize,
) -> Result<Vec<Vec<Cell>>, BackupError> {
    let backend = db.get_database_backend();
    let list = cols
        .iter()
        .map(|c| quote(backend, &c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let key = quote(backend, &cols[0].name);
    let (filter, values) = match after {
        Some(c) => (
            format!("WHERE {key} > $1 "),
            vec![c.to_value(cols[0].kind, backend)],
        ),
        None => (String::new(), Vec::new()),
    };
    let sql = format!(
        "SELECT {list} FROM {} {filter}ORDER BY {key} LIMIT {limit}",
        quote(backend, table)
    );
    let mut out = Vec::new();
    for row in db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?
    {
        let mut cells = Vec::with_capacity(cols.len());
        for (i, c) in cols.iter().enumerate() {
            cells.push(cell(&row, i, c.kind, backend)?);
        }
        out.push(cells);
    }
    Ok(out)
}

/// An order-independent fingerprint of a table's rows: the sorted SHA-256 of each row's
/// portable form (columns by name), hashed with the column names. Rows come back in different
/// orders from different backends (collations); the fingerprint does not care.
#[derive(Default)]
pub struct TableHasher {
    order: Vec<usize>,
    names: Vec<String>,
    rows: Vec<[u8; 32]>,
}

impl TableHasher {
    pub fn new(cols: &[Column]) -> Self {
        let mut order: Vec<usize> = (0..cols.len()).collect();
        order.sort_by(|a, b| cols[*a].name.cmp(&cols[*b].name));
        let names = order.iter().map(|i| cols[*i].name.clone()).collect();
        Self {
            order,
            names,
            rows: Vec::new(),
        }
    }

    pub fn add(&mut self, cells: &[Cell]) {
        let canonical = Json::Array(self.order.iter().map(|i| cells[*i].to_json()).collect());
        self.rows
            .push(Sha256::digest(canonical.to_string().as_bytes()).into());
    }

    /// A row as the export file holds it (already in portable form).
    pub fn add_json(&mut self, row: &[Json]) {
        let canonical = Json::Array(
            self.order
                .iter()
                .map(|i| row.get(*i).cloned().unwrap_or(Json::Null))
                .collect(),
        );
        self.rows
            .push(Sha256::digest(canonical.to_string().as_bytes()).into());
    }

    pub fn rows(&self) -> u64 {
        self.rows.len() as u64
    }

    pub fn finish(mut self) -> String {
        self.rows.sort_unstable();
        let mut h = Sha256::new();
        h.update(self.names.join(",").as_bytes());
        h.update(b"\n");
        for r in &self.rows {
            h.update(r);
        }
        hex::encode(h.finalize())
    }
}

/// Row count and fingerprint of every table present, as they are now in `db`.
pub async fn summarise<C>(db: &C) -> Result<Vec<super::TableSummary>, BackupError>
where
    C: ConnectionTrait + StreamTrait,
{
    let mut out = Vec::new();
    for table in present_tables(db).await? {
        let cols = columns(db, table).await?;
        let mut hasher = TableHasher::new(&cols);
        // A backup never holds these rows, so neither does its fingerprint.
        if !ROWS_LEFT_OUT.contains(&table) {
            read_rows(db, table, &cols, |cells| {
                hasher.add(&cells);
                Ok(())
            })
            .await?;
        }
        out.push(super::TableSummary {
            name: table.to_owned(),
            rows: hasher.rows(),
            checksum: hasher.finish(),
        });
    }
    Ok(out)
}

/// Inserts rows in batches (bounded by the backends' limit on bound parameters).
pub struct Inserter<'a, C: ConnectionTrait> {
    db: &'a C,
    table: String,
    cols: Vec<Column>,
    batch: Vec<Vec<Expr>>,
    max_rows: usize,
    pub inserted: u64,
}

impl<'a, C: ConnectionTrait> Inserter<'a, C> {
    pub fn new(db: &'a C, table: &str, cols: Vec<Column>) -> Self {
        let max_rows = (30_000 / cols.len().max(1)).clamp(1, 500);
        Self {
            db,
            table: table.to_owned(),
            cols,
            batch: Vec::new(),
            max_rows,
            inserted: 0,
        }
    }

    pub async fn push(&mut self, cells: &[Cell]) -> Result<(), BackupError> {
        let backend = self.db.get_database_backend();
        let row = cells
            .iter()
            .zip(&self.cols)
            .map(|(c, col)| Expr::val(c.to_value(col.kind, backend)))
            .collect();
        self.batch.push(row);
        if self.batch.len() >= self.max_rows {
            self.flush().await?;
        }
        Ok(())
    }

    pub async fn flush(&mut self) -> Result<(), BackupError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let mut q = Query::insert();
        q.into_table(Alias::new(self.table.as_str()))
            .columns(self.cols.iter().map(|c| Alias::new(c.name.as_str())));
        let n = self.batch.len() as u64;
        for row in self.batch.drain(..) {
            q.values(row)
                .map_err(|e| BackupError::Invalid(format!("{}: {e}", self.table)))?;
        }
        self.db.execute(&q).await?;
        self.inserted += n;
        Ok(())
    }
}

/// After rows were inserted with their ids, PostgreSQL's sequences must continue after them.
pub async fn reset_sequences(
    db: &impl ConnectionTrait,
    tables: &[&str],
) -> Result<(), BackupError> {
    if db.get_database_backend() != DbBackend::Postgres {
        // SQLite's AUTOINCREMENT follows the largest id inserted by itself.
        return Ok(());
    }
    for t in tables {
        // Only tables keyed by an integer `id` have a sequence (login_sessions' id is text).
        let cols = columns(db, t).await?;
        if !cols
            .first()
            .is_some_and(|c| c.name == "id" && matches!(c.kind, Kind::I16 | Kind::I32 | Kind::I64))
        {
            continue;
        }
        db.execute_unprepared(&format!(
            "SELECT setval(seq, COALESCE((SELECT MAX(id) FROM \"{t}\"), 0) + 1, false) \
             FROM pg_get_serial_sequence('\"{t}\"', 'id') AS seq WHERE seq IS NOT NULL"
        ))
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_of_both_backends_map_to_kinds() {
        for (t, k) in [
            ("integer", Kind::I32),
            ("INTEGER", Kind::I32),
            ("bigint", Kind::I64),
            ("smallint", Kind::I16),
            ("boolean", Kind::Bool),
            ("varchar(64)", Kind::Text),
            ("character varying", Kind::Text),
            ("text", Kind::Text),
            ("timestamp_with_timezone_text", Kind::Time),
            ("timestamp with time zone", Kind::Time),
            ("date", Kind::Date),
            ("date_text", Kind::Date),
        ] {
            assert_eq!(kind_of(t), Some(k), "{t}");
        }
        assert_eq!(kind_of("bytea"), None);
    }

    #[test]
    fn cells_survive_their_portable_form() {
        let t = DateTime::parse_from_rfc3339("2026-12-03T02:00:00.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        for (c, k) in [
            (Cell::Int(-5), Kind::I64),
            (Cell::Bool(true), Kind::Bool),
            (Cell::Text("Budi \"B\" ü".into()), Kind::Text),
            (Cell::Time(t), Kind::Time),
            (
                Cell::Date(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()),
                Kind::Date,
            ),
            (Cell::Null, Kind::Time),
        ] {
            assert_eq!(Cell::from_json(&c.to_json(), k), Some(c));
        }
        assert_eq!(Cell::from_json(&Json::from("x"), Kind::I32), None);
    }

    #[test]
    fn the_fingerprint_ignores_row_order_but_not_content() {
        let cols = vec![
            Column {
                name: "id".into(),
                kind: Kind::I32,
            },
            Column {
                name: "a".into(),
                kind: Kind::Text,
            },
        ];
        let rows = [
            vec![Cell::Int(1), Cell::Text("x".into())],
            vec![Cell::Int(2), Cell::Text("y".into())],
        ];
        let hash = |order: &[usize]| {
            let mut h = TableHasher::new(&cols);
            for i in order {
                h.add(&rows[*i]);
            }
            h.finish()
        };
        assert_eq!(hash(&[0, 1]), hash(&[1, 0]));
        assert_ne!(hash(&[0, 1]), hash(&[0]));
        let mut h = TableHasher::new(&cols);
        h.add(&[Cell::Int(1), Cell::Text("X".into())]);
        h.add(&rows[1]);
        assert_ne!(h.finish(), hash(&[0, 1]));
    }
}
