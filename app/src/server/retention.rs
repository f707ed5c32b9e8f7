//! Message retention: the text of a message is kept only as long as the admin chose (default
//! 90 days) after it left. The outbox row stays, so the report still shows state, time and
//! WhatsApp's message id; only `body` is emptied.

use crate::{
    domain::sending::ItemState,
    server::{entity::send_items, settings},
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};

pub const KEY: &str = "message_retention_days";
pub const DEFAULT_DAYS: u32 = 90;
pub const MIN_DAYS: u32 = 1;
pub const MAX_DAYS: u32 = 3650;

pub async fn days(db: &impl ConnectionTrait) -> Result<u32, DbErr> {
    Ok(settings::get::<u32>(db, KEY)
        .await?
        .filter(|d| (MIN_DAYS..=MAX_DAYS).contains(d))
        .unwrap_or(DEFAULT_DAYS))
}

/// The admin's Indonesian message when `days` is out of range.
pub fn check(days: u32) -> Result<(), String> {
    if (MIN_DAYS..=MAX_DAYS).contains(&days) {
        Ok(())
    } else {
        Err(format!("Masa simpan pesan {MIN_DAYS}–{MAX_DAYS} hari."))
    }
}

pub async fn set_days(db: &impl ConnectionTrait, days: u32) -> Result<(), DbErr> {
    settings::set(db, KEY, &days).await
}

/// Empties the bodies of messages that left more than `days` ago: sent ones by their sent
/// time, cancelled and skipped ones (never to be sent) by their last change. Pending, failed
/// (may be resent) and unknown ones keep their text. Returns how many were emptied.
pub async fn purge(db: &impl ConnectionTrait, days: u32, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let cutoff = now - Duration::days(i64::from(days));
    let sent = send_items::Entity::update_many()
        .col_expr(send_items::Column::Body, Expr::value(""))
        .filter(send_items::Column::State.eq(ItemState::Sent.as_str()))
        .filter(send_items::Column::SentAt.lt(cutoff))
        .filter(send_items::Column::Body.ne(""))
        .exec(db)
        .await?
        .rows_affected;
    let dropped = send_items::Entity::update_many()
        .col_expr(send_items::Column::Body, Expr::value(""))
        .filter(
            send_items::Column::State
                .is_in([ItemState::Cancelled.as_str(), ItemState::Skipped.as_str()]),
        )
        .filter(send_items::Column::UpdatedAt.lt(cutoff))
        .filter(send_items::Column::Body.ne(""))
        .exec(db)
        .await?
        .rows_affected;
    Ok(sent + dropped)
}
