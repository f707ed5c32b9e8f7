//! The scheduler's lease: one row, held by one instance until it expires. Taking it is one
//! conditional UPDATE (free, expired, or already ours), atomic on SQLite and PostgreSQL alike,
//! so two instances ticking at the same moment never both act.

use crate::server::billing::sql::stmt;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbErr};

pub const NAME: &str = "scheduler";

/// How long a holder keeps the lease without ticking: a crashed instance's turn passes to
/// another after this long (ticks come every minute).
pub fn ttl() -> Duration {
    Duration::minutes(3)
}

/// Takes or renews the lease for `holder` at `now`; true when `holder` has it.
pub async fn acquire(
    db: &impl ConnectionTrait,
    holder: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    // An expired lease in the past, so the UPDATE below takes a fresh row.
    db.execute_raw(stmt(
        db,
        "INSERT INTO scheduler_lease (name, holder, expires_at, last_tick_at) VALUES (?, '', ?, NULL) \
         ON CONFLICT (name) DO NOTHING",
        vec![NAME.into(), (now - Duration::days(1)).into()],
    ))
    .await?;
    let r = db
        .execute_raw(stmt(
            db,
            "UPDATE scheduler_lease SET holder = ?, expires_at = ? \
             WHERE name = ? AND (holder = ? OR expires_at <= ?)",
            vec![
                holder.into(),
                (now + ttl()).into(),
                NAME.into(),
                holder.into(),
                now.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Gives the lease up (a clean shutdown), so a restarted instance acts at once.
pub async fn release(db: &impl ConnectionTrait, holder: &str) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        db,
        "UPDATE scheduler_lease SET expires_at = ? WHERE name = ? AND holder = ?",
        vec![
            (Utc::now() - Duration::days(1)).into(),
            NAME.into(),
            holder.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Records that the holder ticked (shown on the Jadwal page; the next tick looks back to it).
pub async fn ticked(
    db: &impl ConnectionTrait,
    holder: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        db,
        "UPDATE scheduler_lease SET last_tick_at = ? WHERE name = ? AND holder = ?",
        vec![at.into(), NAME.into(), holder.into()],
    ))
    .await?;
    Ok(())
}

/// When any instance last ticked.
pub async fn last_tick(db: &impl ConnectionTrait) -> Result<Option<DateTime<Utc>>, DbErr> {
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT last_tick_at FROM scheduler_lease WHERE name = ?",
            vec![NAME.into()],
        ))
        .await?;
    match row {
        Some(r) => r.try_get::<Option<DateTime<Utc>>>("", "last_tick_at"),
        None => Ok(None),
    }
}

/// A name for this process as a lease holder (host, pid and a random part: two processes on
/// one host, or a restarted one with a reused pid, are never the same holder).
pub fn holder_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_default();
    format!(
        "{}-{}-{:08x}",
        if host.is_empty() { "tagih" } else { &host },
        std::process::id(),
        rand::random::<u32>()
    )
}
