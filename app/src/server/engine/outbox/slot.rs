//! The per-session send slot (a lease: one instance sends for a WhatsApp session) and the
//! pacing state kept beside it.

use crate::{
    domain::{sending::Hold, whatsapp::SessionStatus},
    server::entity::wa_sessions as session,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter, Set, sea_query::Expr,
};
use std::time::Duration;

use super::after;

/// The session's row exists (pacing and lease live there).
pub async fn ensure_session(
    db: &impl ConnectionTrait,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = session::ActiveModel {
        name: Set(name.to_owned()),
        status: Set(None),
        status_at: Set(None),
        me_id: Set(None),
        me_name: Set(None),
        next_send_at: Set(None),
        lease_owner: Set(None),
        lease_until: Set(None),
        fence: Set(0),
        sent_day: Set(None),
        sent_today: Set(0),
        slowdown: Set(1),
        hold_reason: Set(None),
        hold_until: Set(None),
        updated_at: Set(now),
    };
    session::Entity::insert(row)
        .on_conflict_do_nothing_on([session::Column::Name])
        .exec(db)
        .await?;
    Ok(())
}

pub async fn session_row(
    db: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<session::Model>, DbErr> {
    session::Entity::find_by_id(name.to_owned()).one(db).await
}

/// Takes or renews the session's send slot: at most one instance sends for a WhatsApp session.
/// The fence grows when the slot changes hands. `None`: another live instance holds it.
pub async fn acquire_session(
    db: &impl ConnectionTrait,
    name: &str,
    owner: &str,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let res = try_acquire(db, name, owner, lease, now).await?;
    let res = if res == 0 && session_row(db, name).await?.is_none() {
        // The first use of this session: create its row, then take the slot. (Not on every
        // call: an insert attempt is a write, and on SQLite every write is an fsync.)
        ensure_session(db, name, now).await?;
        try_acquire(db, name, owner, lease, now).await?
    } else {
        res
    };
    if res == 0 {
        return Ok(None);
    }
    Ok(session_row(db, name).await?.map(|s| s.fence))
}

async fn try_acquire(
    db: &impl ConnectionTrait,
    name: &str,
    owner: &str,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let res = session::Entity::update_many()
        .col_expr(
            session::Column::Fence,
            Expr::case(
                Expr::col(session::Column::LeaseOwner).eq(owner),
                Expr::col(session::Column::Fence),
            )
            .finally(Expr::col(session::Column::Fence).add(1))
            .into(),
        )
        .col_expr(session::Column::LeaseOwner, Expr::value(owner))
        .col_expr(session::Column::LeaseUntil, Expr::value(after(now, lease)))
        .col_expr(session::Column::UpdatedAt, Expr::value(now))
        .filter(session::Column::Name.eq(name))
        .filter(
            session::Column::LeaseOwner
                .is_null()
                .or(session::Column::LeaseOwner.eq(owner))
                .or(session::Column::LeaseUntil.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

pub async fn release_session(
    db: &impl ConnectionTrait,
    name: &str,
    owner: &str,
) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(
            session::Column::LeaseOwner,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            session::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(session::Column::Name.eq(name))
        .filter(session::Column::LeaseOwner.eq(owner))
        .exec(db)
        .await?;
    Ok(())
}

/// A session's pacing after a send.
#[derive(Debug, Clone, Copy)]
pub struct PacingState<'a> {
    /// When the next send may go.
    pub next_send_at: DateTime<Utc>,
    /// The local day `sent_today` counts (`YYYY-MM-DD`).
    pub day: &'a str,
    pub sent_today: i32,
    /// Gap multiplier after rate limiting (1 = normal).
    pub slowdown: i32,
}

/// After a send: when the next may go, today's count, the slow-down factor. Only the slot
/// holder may write it.
pub async fn record_pacing(
    db: &impl ConnectionTrait,
    name: &str,
    owner: &str,
    p: &PacingState<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::NextSendAt, Expr::value(p.next_send_at))
        .col_expr(session::Column::SentDay, Expr::value(p.day))
        .col_expr(session::Column::SentToday, Expr::value(p.sent_today))
        .col_expr(session::Column::Slowdown, Expr::value(p.slowdown))
        .col_expr(session::Column::UpdatedAt, Expr::value(now))
        .filter(session::Column::Name.eq(name))
        .filter(session::Column::LeaseOwner.eq(owner))
        .exec(db)
        .await?;
    Ok(())
}

/// Why the session is held back right now (shown in the UI), or `None`.
pub async fn set_hold(
    db: &impl ConnectionTrait,
    name: &str,
    hold: Option<(Hold, DateTime<Utc>)>,
) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(
            session::Column::HoldReason,
            Expr::value(hold.map(|(h, _)| h.code().to_owned())),
        )
        .col_expr(
            session::Column::HoldUntil,
            Expr::value(hold.map(|(_, u)| u)),
        )
        .filter(session::Column::Name.eq(name))
        .exec(db)
        .await?;
    Ok(())
}

/// The session's status as last seen (webhook, poll or a failed send).
pub async fn set_status(
    db: &impl ConnectionTrait,
    name: &str,
    status: &SessionStatus,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    ensure_session(db, name, now).await?;
    session::Entity::update_many()
        .col_expr(session::Column::Status, Expr::value(status.as_str()))
        .col_expr(session::Column::StatusAt, Expr::value(now))
        .filter(session::Column::Name.eq(name))
        .exec(db)
        .await?;
    Ok(())
}
