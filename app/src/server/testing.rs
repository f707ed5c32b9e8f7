//! Test support shared by every crate's tests and the benchmarks: a migrated SQLite database in
//! a temp folder, and a fresh PostgreSQL database when `TAGIH_TEST_POSTGRES_URL` names a server
//! (CI gives one). It creates and drops databases, so it is compiled only for tests and behind
//! the `test-support` feature: never into the production binary. Only ever used against
//! loopback test servers.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::sync::atomic::{AtomicU32, Ordering};

pub const POSTGRES_ENV: &str = "TAGIH_TEST_POSTGRES_URL";

pub struct TestDb {
    pub db: DatabaseConnection,
    pub url: String,
    pub backend: &'static str,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    /// Drops the PostgreSQL database (SQLite's folder goes with the value).
    pub async fn cleanup(self) {
        let TestDb { db, pg, .. } = self;
        let _ = db.close().await;
        if let Some((admin_url, name)) = pg
            && let Ok(admin) = sea_orm::Database::connect(admin_url.as_str()).await
        {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
            let _ = admin.close().await;
        }
    }
}

/// An empty SQLite database file, not migrated.
pub async fn sqlite_empty() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
    let db = super::db::connect(&url).await.expect("open sqlite");
    TestDb {
        db,
        url,
        backend: "sqlite",
        _dir: Some(dir),
        pg: None,
    }
}

/// A migrated SQLite database.
pub async fn sqlite() -> TestDb {
    let t = sqlite_empty().await;
    Migrator::up(&t.db, None).await.expect("migrate sqlite");
    t
}

/// A fresh, empty PostgreSQL database, or `None` when no server is configured.
pub async fn postgres_empty() -> Option<TestDb> {
    let admin_url = std::env::var(POSTGRES_ENV).ok().filter(|s| !s.is_empty())?;
    Some(postgres_empty_at(&admin_url).await)
}

/// A fresh, empty database on the PostgreSQL server at `admin_url` (dropped by `cleanup`).
pub async fn postgres_empty_at(admin_url: &str) -> TestDb {
    let admin_url = admin_url.to_owned();
    static N: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "tagih_t_{}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        rand::random::<u32>()
    );
    let admin = sea_orm::Database::connect(admin_url.as_str())
        .await
        .expect("connect to the test PostgreSQL server");
    drop_stale(&admin).await;
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create test database");
    let _ = admin.close().await;
    let url = replace_db_name(&admin_url, &name);
    let db = super::db::connect(&url).await.expect("open test database");
    TestDb {
        db,
        url,
        backend: "postgres",
        _dir: None,
        pg: Some((admin_url, name)),
    }
}

pub async fn postgres() -> Option<TestDb> {
    let t = postgres_empty().await?;
    Migrator::up(&t.db, None).await.expect("migrate postgres");
    Some(t)
}

/// SQLite always, PostgreSQL too when configured: run a service test on each.
pub async fn all() -> Vec<TestDb> {
    let mut v = vec![sqlite().await];
    if let Some(pg) = postgres().await {
        v.push(pg);
    }
    v
}

/// Test databases left by test processes that no longer run (a panic skips cleanup).
async fn drop_stale(admin: &DatabaseConnection) {
    let Ok(rows) = admin
        .query_all_raw(Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'tagih_t_%'",
        ))
        .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
        }
    }
}

/// `url` with its database name replaced (`postgres://u@h/test?x` → `postgres://u@h/NAME?x`).
pub fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::replace_db_name("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::replace_db_name("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(
            super::replace_db_name("postgres://u@h", "x"),
            "postgres://u@h/x"
        );
    }
}
