//! Claiming an item and recording its outcome. Every change after a claim is fenced: it applies
//! only while the item is still `sending` under the same fence.

use crate::{
    domain::sending::{ItemState, JobState},
    server::{
        db::begin_write,
        entity::{send_items as item, send_jobs as job},
    },
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, ExprTrait,
    FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
    sea_query::Expr,
};
use std::time::Duration;

use super::after;

/// Sessions with work waiting (active jobs), so a worker runs for each.
pub async fn sessions_with_work(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    #[derive(FromQueryResult)]
    struct Row {
        wa_session: String,
    }
    let rows = job::Entity::find()
        .select_only()
        .column(job::Column::WaSession)
        .distinct()
        .filter(job::Column::State.is_in([
            JobState::Queued.as_str(),
            JobState::Running.as_str(),
            JobState::Paused.as_str(),
        ]))
        .into_model::<Row>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| r.wa_session).collect())
}

/// The next item due on this session: oldest job first, then queue order.
pub async fn next_due(
    db: &impl ConnectionTrait,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Option<(item::Model, job::Model)>, DbErr> {
    let found = item::Entity::find()
        .find_also_related(job::Entity)
        .filter(job::Column::WaSession.eq(name))
        .filter(job::Column::State.is_in([JobState::Queued.as_str(), JobState::Running.as_str()]))
        .filter(item::Column::State.eq(ItemState::Pending.as_str()))
        .filter(item::Column::NextAttemptAt.lte(now))
        .order_by_asc(item::Column::JobId)
        .order_by_asc(item::Column::Id)
        .one(db)
        .await?;
    Ok(found.and_then(|(i, j)| j.map(|j| (i, j))))
}

/// When the earliest waiting retry of this session becomes due.
pub async fn next_retry_at(
    db: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let found = item::Entity::find()
        .join(JoinType::InnerJoin, item::Relation::Job.def())
        .filter(job::Column::WaSession.eq(name))
        .filter(job::Column::State.is_in([JobState::Queued.as_str(), JobState::Running.as_str()]))
        .filter(item::Column::State.eq(ItemState::Pending.as_str()))
        .order_by_asc(item::Column::NextAttemptAt)
        .one(db)
        .await?;
    Ok(found.map(|i| i.next_attempt_at))
}

/// When this session's messages were sent: the latest `n` newest first (the wave check), or the
/// first `n` oldest first (the warm-up record of an upgraded install).
pub async fn send_times(
    db: &impl ConnectionTrait,
    name: &str,
    newest_first: bool,
    n: u32,
) -> Result<Vec<DateTime<Utc>>, DbErr> {
    #[derive(FromQueryResult)]
    struct Row {
        sent_at: Option<DateTime<Utc>>,
    }
    let order = if newest_first {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    let rows = item::Entity::find()
        .select_only()
        .column(item::Column::SentAt)
        .join(JoinType::InnerJoin, item::Relation::Job.def())
        .filter(job::Column::WaSession.eq(name))
        .filter(item::Column::SentAt.is_not_null())
        .order_by(item::Column::SentAt, order)
        .limit(u64::from(n))
        .into_model::<Row>()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|r| r.sent_at).collect())
}

/// Claims a pending item: it becomes `sending` under a new fence, and its job `running`. One
/// transaction (one commit).
pub async fn claim(
    db: &DatabaseConnection,
    item_id: i32,
    owner: &str,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let txn = begin_write(db).await?;
    let fence = claim_in(&txn, item_id, owner, lease, now).await?;
    txn.commit().await?;
    Ok(fence)
}

async fn claim_in(
    db: &impl ConnectionTrait,
    item_id: i32,
    owner: &str,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let res = item::Entity::update_many()
        .col_expr(
            item::Column::State,
            Expr::value(ItemState::Sending.as_str()),
        )
        .col_expr(item::Column::ClaimedBy, Expr::value(owner))
        .col_expr(item::Column::LeaseUntil, Expr::value(after(now, lease)))
        .col_expr(item::Column::Fence, Expr::col(item::Column::Fence).add(1))
        .col_expr(
            item::Column::Attempts,
            Expr::col(item::Column::Attempts).add(1),
        )
        .col_expr(item::Column::UpdatedAt, Expr::value(now))
        .filter(item::Column::Id.eq(item_id))
        .filter(item::Column::State.eq(ItemState::Pending.as_str()))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    let Some(claimed) = item::Entity::find_by_id(item_id).one(db).await? else {
        return Ok(None);
    };
    job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(JobState::Running.as_str()))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(claimed.job_id))
        .filter(job::Column::State.eq(JobState::Queued.as_str()))
        .exec(db)
        .await?;
    Ok(Some(claimed.fence))
}

/// Keeps a long send's claim alive.
pub async fn extend_claim(
    db: &impl ConnectionTrait,
    item_id: i32,
    fence: i64,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = fenced(item_id, fence)
        .col_expr(item::Column::LeaseUntil, Expr::value(after(now, lease)))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

fn fenced(item_id: i32, fence: i64) -> sea_orm::UpdateMany<item::Entity> {
    item::Entity::update_many()
        .filter(item::Column::Id.eq(item_id))
        .filter(item::Column::Fence.eq(fence))
        .filter(item::Column::State.eq(ItemState::Sending.as_str()))
}

/// Sent: WhatsApp's message id is kept for delivery ticks.
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    item_id: i32,
    fence: i64,
    wa_message_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = fenced(item_id, fence)
        .col_expr(item::Column::State, Expr::value(ItemState::Sent.as_str()))
        .col_expr(item::Column::WaMessageId, Expr::value(wa_message_id))
        .col_expr(item::Column::SentAt, Expr::value(now))
        .col_expr(item::Column::VerifyFirst, Expr::value(false))
        .col_expr(item::Column::ClaimedBy, Expr::value(Option::<String>::None))
        .col_expr(
            item::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(item::Column::ErrorCode, Expr::value(Option::<String>::None))
        .col_expr(item::Column::Error, Expr::value(Option::<String>::None))
        .col_expr(item::Column::UpdatedAt, Expr::value(now))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// How an item goes back to the queue after a failed or interrupted send.
#[derive(Debug, Clone, Copy)]
pub struct Requeue<'a> {
    /// When it may be tried again.
    pub at: DateTime<Utc>,
    /// `false` undoes the claim's attempt (the channel, not this message, was the problem).
    pub count_attempt: bool,
    /// Look in the chat before sending again (the last try may have reached WhatsApp).
    pub verify_first: bool,
    /// The failure's code and the admin's explanation.
    pub error: Option<(&'a str, &'a str)>,
}

/// Back to the queue, under the claim's fence.
pub async fn requeue(
    db: &impl ConnectionTrait,
    item_id: i32,
    fence: i64,
    r: Requeue<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut q = fenced(item_id, fence)
        .col_expr(
            item::Column::State,
            Expr::value(ItemState::Pending.as_str()),
        )
        .col_expr(item::Column::NextAttemptAt, Expr::value(r.at))
        .col_expr(item::Column::VerifyFirst, Expr::value(r.verify_first))
        .col_expr(item::Column::ClaimedBy, Expr::value(Option::<String>::None))
        .col_expr(
            item::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(item::Column::UpdatedAt, Expr::value(now));
    if !r.count_attempt {
        q = q.col_expr(
            item::Column::Attempts,
            Expr::col(item::Column::Attempts).sub(1),
        );
    }
    if let Some((code, message)) = r.error {
        q = q
            .col_expr(item::Column::ErrorCode, Expr::value(code))
            .col_expr(item::Column::Error, Expr::value(message));
    }
    Ok(q.exec(db).await?.rows_affected == 1)
}

/// A final state other than sent, with its reason.
#[derive(Debug, Clone, Copy)]
pub struct Unsent<'a> {
    /// `Failed`, or `Unknown` (the admin decides).
    pub state: ItemState,
    pub code: &'a str,
    pub message: &'a str,
}

/// Ends a claimed item without sending it, under the claim's fence.
pub async fn finish_unsent(
    db: &impl ConnectionTrait,
    item_id: i32,
    fence: i64,
    u: Unsent<'_>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = fenced(item_id, fence)
        .col_expr(item::Column::State, Expr::value(u.state.as_str()))
        .col_expr(item::Column::ErrorCode, Expr::value(u.code))
        .col_expr(item::Column::Error, Expr::value(u.message))
        .col_expr(item::Column::ClaimedBy, Expr::value(Option::<String>::None))
        .col_expr(
            item::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(item::Column::UpdatedAt, Expr::value(now))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Items whose claimer stopped renewing (crash, kill): back to the queue, marked to be checked
/// against the chat before any resend. The fence moves on, so a late zombie cannot finish them.
pub async fn recover_stale(
    db: &impl ConnectionTrait,
    name: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let stale: Vec<i32> = item::Entity::find()
        .join(JoinType::InnerJoin, item::Relation::Job.def())
        .filter(job::Column::WaSession.eq(name))
        .filter(item::Column::State.eq(ItemState::Sending.as_str()))
        .filter(item::Column::LeaseUntil.lt(now))
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    if stale.is_empty() {
        return Ok(0);
    }
    let res = item::Entity::update_many()
        .col_expr(
            item::Column::State,
            Expr::value(ItemState::Pending.as_str()),
        )
        .col_expr(item::Column::VerifyFirst, Expr::value(true))
        .col_expr(item::Column::Fence, Expr::col(item::Column::Fence).add(1))
        .col_expr(item::Column::NextAttemptAt, Expr::value(now))
        .col_expr(item::Column::ClaimedBy, Expr::value(Option::<String>::None))
        .col_expr(
            item::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(item::Column::UpdatedAt, Expr::value(now))
        .filter(item::Column::Id.is_in(stale))
        .filter(item::Column::State.eq(ItemState::Sending.as_str()))
        .filter(item::Column::LeaseUntil.lt(now))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Marks jobs with nothing left to send as done. One statement, so an item requeued at the
/// same moment (resend, decide unknown) cannot be stranded in a job marked done.
pub async fn finish_jobs(
    db: &impl ConnectionTrait,
    name: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use sea_orm::sea_query::{Alias, Query};
    let open_items = Query::select()
        .expr(Expr::val(1))
        .from(item::Entity)
        .and_where(
            Expr::col((item::Entity, item::Column::JobId))
                .equals((Alias::new("send_jobs"), job::Column::Id)),
        )
        .and_where(
            Expr::col((item::Entity, item::Column::State))
                .is_in([ItemState::Pending.as_str(), ItemState::Sending.as_str()]),
        )
        .to_owned();
    let res = job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(JobState::Done.as_str()))
        .col_expr(job::Column::FinishedAt, Expr::value(now))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::WaSession.eq(name))
        .filter(job::Column::State.is_in([JobState::Queued.as_str(), JobState::Running.as_str()]))
        .filter(Expr::exists(open_items).not())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Records a `message.ack` delivery tick (only ever forward: READ is not undone by a late SERVER).
pub async fn record_ack(
    db: &impl ConnectionTrait,
    wa_message_id: &str,
    ack: i16,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let res = item::Entity::update_many()
        .col_expr(item::Column::Ack, Expr::value(ack))
        .col_expr(item::Column::AckAt, Expr::value(now))
        .filter(item::Column::WaMessageId.eq(wa_message_id))
        .filter(
            item::Column::Ack
                .is_null()
                .or(item::Column::Ack.lt(ack))
                .or(Expr::value(ack).lt(0)),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Not sent: it was no longer due when its turn came (the note says why, for the report).
pub async fn skip(
    db: &impl ConnectionTrait,
    item_id: i32,
    fence: i64,
    note: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = fenced(item_id, fence)
        .col_expr(
            item::Column::State,
            Expr::value(ItemState::Skipped.as_str()),
        )
        .col_expr(item::Column::Note, Expr::value(note))
        .col_expr(item::Column::ClaimedBy, Expr::value(Option::<String>::None))
        .col_expr(
            item::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(item::Column::UpdatedAt, Expr::value(now))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The text to send instead (the money changed since it was queued), under the claim's fence.
pub async fn rewrite(
    db: &impl ConnectionTrait,
    item_id: i32,
    fence: i64,
    body: &str,
    total: i64,
    note: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = fenced(item_id, fence)
        .col_expr(item::Column::Body, Expr::value(body))
        .col_expr(item::Column::StatementTotal, Expr::value(total))
        .col_expr(item::Column::Note, Expr::value(note))
        .col_expr(item::Column::UpdatedAt, Expr::value(now))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}
