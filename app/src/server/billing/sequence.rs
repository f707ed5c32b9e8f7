//! Gap-free numbers from the `sequences` table, taken inside the caller's transaction: a
//! rollback gives the numbers back, a commit keeps them, so there are neither gaps nor
//! collisions. The UPDATE takes the row lock on PostgreSQL, which also serialises two
//! invoice runs for the same period; on SQLite the write transaction (`begin_write`) already
//! does.

use super::sql::stmt;
use sea_orm::{ConnectionTrait, DbErr};

pub const CUSTOMER: &str = "customer";

/// The sequence of invoice numbers for one period (`invoice:2026-11`).
pub fn invoice(period: crate::domain::dates::Period) -> String {
    format!("invoice:{period}")
}

/// Locks the sequence row (creating it at 0) and returns its current value.
pub async fn lock(txn: &impl ConnectionTrait, name: &str) -> Result<i64, DbErr> {
    take(txn, name, 0).await
}

/// Reserves `n` numbers and returns the last one; the first is `last - n + 1`.
pub async fn take(txn: &impl ConnectionTrait, name: &str, n: i64) -> Result<i64, DbErr> {
    txn.execute_raw(stmt(
        txn,
        "INSERT INTO sequences (name, value) VALUES (?, 0) ON CONFLICT (name) DO NOTHING",
        vec![name.into()],
    ))
    .await?;
    let row = txn
        .query_one_raw(stmt(
            txn,
            "UPDATE sequences SET value = value + ? WHERE name = ? RETURNING value",
            vec![n.into(), name.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("sequence {name}")))?;
    row.try_get::<i64>("", "value")
}
