//! The ban guard: what a session's recent messages did (sent, failed, refused, delivered), the
//! early signs of a ban in it, and the warning the dashboard and the WhatsApp page show.

use crate::{
    domain::sending::{BanGuard, BanSignal, GuardWindow, ItemState, JobState},
    server::{
        entity::{send_items as item, send_jobs as job},
        settings,
    },
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};

/// The pause codes that mean "WhatsApp is pushing back": only the admin resumes them, and the
/// guard starts a fresh window when they do.
pub const PUSHBACK: [&str; 2] = [BanSignal::PAUSE_CODE, "reachout_463"];

fn reset_key(session: &str) -> String {
    format!("wa.guard_reset.{session}")
}

/// The admin resumed after a pause for a ban signal: what happened before now is judged
/// already (otherwise the same window would pause the job again at once).
pub async fn reset(
    db: &impl ConnectionTrait,
    session: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    settings::set(db, &reset_key(session), &now).await
}

fn of_session(session: &str) -> sea_orm::Select<item::Entity> {
    item::Entity::find()
        .join(JoinType::InnerJoin, item::Relation::Job.def())
        .filter(job::Column::WaSession.eq(session))
}

/// What the session's messages did in the guard's window (from the last reset at the earliest).
pub async fn window(
    db: &impl ConnectionTrait,
    session: &str,
    g: &BanGuard,
    now: DateTime<Utc>,
) -> Result<GuardWindow, DbErr> {
    let reset: Option<DateTime<Utc>> = settings::get(db, &reset_key(session)).await?;
    let span = Duration::minutes(i64::from(g.window_mins));
    let start = reset.map_or(now - span, |r| r.max(now - span));
    let sent = of_session(session)
        .filter(item::Column::State.eq(ItemState::Sent.as_str()))
        .filter(item::Column::SentAt.gte(start))
        .count(db)
        .await?;
    let failed = of_session(session)
        .filter(
            item::Column::State.is_in([ItemState::Failed.as_str(), ItemState::Unknown.as_str()]),
        )
        .filter(item::Column::UpdatedAt.gte(start))
        .filter(
            Condition::any()
                .add(item::Column::ErrorCode.is_null())
                .add(item::Column::ErrorCode.ne("not_on_whatsapp")),
        )
        .count(db)
        .await?;
    // Waiting for its next try after a 463 (a claim or a send clears that).
    let refused = of_session(session)
        .filter(item::Column::State.eq(ItemState::Pending.as_str()))
        .filter(item::Column::ErrorCode.eq("reachout_463"))
        .filter(item::Column::UpdatedAt.gte(start))
        .count(db)
        .await?;
    // Old enough to be delivered: sent in a window of the same length that ends N minutes ago.
    let after = Duration::minutes(i64::from(g.undelivered_after_mins));
    let aw_start = reset.map_or(now - after - span, |r| r.max(now - after - span));
    let awaited = || {
        of_session(session)
            .filter(item::Column::State.eq(ItemState::Sent.as_str()))
            .filter(item::Column::SentAt.gte(aw_start))
            .filter(item::Column::SentAt.lte(now - after))
    };
    let awaited_n = awaited().count(db).await?;
    let undelivered = awaited()
        .filter(
            Condition::any()
                .add(item::Column::Ack.is_null())
                .add(item::Column::Ack.lt(2)),
        )
        .count(db)
        .await?;
    Ok(GuardWindow {
        sent,
        failed,
        refused,
        awaited: awaited_n,
        undelivered,
    })
}

/// The sign the session shows now, if the guard is on and sees one.
pub async fn check(
    db: &impl ConnectionTrait,
    session: &str,
    g: &BanGuard,
    now: DateTime<Utc>,
) -> Result<Option<BanSignal>, DbErr> {
    Ok(g.verdict(&window(db, session, g, now).await?))
}

/// Why the session's sending is stopped by WhatsApp's pushback, for the dashboard and the
/// WhatsApp page: the explanation of the newest job paused for it.
pub async fn warning(db: &impl ConnectionTrait, session: &str) -> Result<Option<String>, DbErr> {
    Ok(job::Entity::find()
        .filter(job::Column::WaSession.eq(session))
        .filter(job::Column::State.eq(JobState::Paused.as_str()))
        .filter(job::Column::PauseReason.is_in(PUSHBACK))
        .order_by_desc(job::Column::UpdatedAt)
        .one(db)
        .await?
        .and_then(|j| j.pause_detail))
}
