//! The outbox in the database: jobs, items, the per-session send slot and pacing state.
//! Every state change that follows a claim is fenced: it applies only while the item is still
//! `sending` under the same fence, so an instance whose claim was taken over cannot finish it.

use crate::{
    domain::sending::{Hold, Pacing},
    server::{
        db::begin_write,
        entity::{send_items as item, send_jobs as job, wa_sessions as session},
    },
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    ExprTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Set,
    sea_query::Expr,
};
use std::time::Duration;

pub mod state {
    pub const PENDING: &str = "pending";
    pub const SENDING: &str = "sending";
    pub const SENT: &str = "sent";
    pub const FAILED: &str = "failed";
    pub const UNKNOWN: &str = "unknown";
    pub const CANCELLED: &str = "cancelled";

    pub const JOB_QUEUED: &str = "queued";
    pub const JOB_RUNNING: &str = "running";
    pub const JOB_PAUSED: &str = "paused";
    pub const JOB_DONE: &str = "done";
    pub const JOB_CANCELLED: &str = "cancelled";
}
use state::*;

fn after(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(d).unwrap_or_else(|_| chrono::Duration::seconds(60))
}

/// One message to queue. The body is final: rendered when queued, sent as it is.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub invoice_id: Option<i32>,
    pub customer_id: Option<i32>,
    pub wa_number: String,
    pub chat_id: String,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct NewJob {
    /// `single` or `bulk`.
    pub kind: &'static str,
    pub template_kind: String,
    pub wa_session: String,
    pub pacing: Pacing,
    pub description: Option<String>,
    pub created_by: Option<i32>,
    pub items: Vec<NewItem>,
}

/// Creates the job and all its items in one transaction: either every recipient is queued or
/// none is.
pub async fn enqueue(db: &DatabaseConnection, mut new: NewJob) -> Result<job::Model, DbErr> {
    let kind = new.template_kind.clone();
    let items = std::mem::take(&mut new.items)
        .into_iter()
        .map(|i| (kind.clone(), i))
        .collect();
    enqueue_kinds(db, new, items).await
}

/// As [`enqueue`], each item with its own template kind (a bulk send chosen by due state).
pub async fn enqueue_kinds(
    db: &DatabaseConnection,
    new: NewJob,
    items: Vec<(String, NewItem)>,
) -> Result<job::Model, DbErr> {
    let now = Utc::now();
    let txn = begin_write(db).await?;
    ensure_session(&txn, &new.wa_session, now).await?;
    let created = job::ActiveModel {
        kind: Set(new.kind.to_owned()),
        template_kind: Set(new.template_kind.clone()),
        wa_session: Set(new.wa_session.clone()),
        state: Set(JOB_QUEUED.to_owned()),
        pause_reason: Set(None),
        pause_detail: Set(None),
        auto_resume: Set(true),
        delay_ms: Set(new.pacing.delay_ms),
        jitter_ms: Set(new.pacing.jitter_ms),
        total: Set(i32::try_from(items.len()).unwrap_or(i32::MAX)),
        description: Set(new.description.clone()),
        created_by: Set(new.created_by),
        finished_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // 400 rows × 24 columns stays under every backend's bind-parameter limit.
    for chunk in items.chunks(400) {
        let rows = chunk.iter().map(|(kind, i)| item::ActiveModel {
            job_id: Set(created.id),
            invoice_id: Set(i.invoice_id),
            customer_id: Set(i.customer_id),
            template_kind: Set(kind.clone()),
            chat_id: Set(i.chat_id.clone()),
            wa_number: Set(i.wa_number.clone()),
            body: Set(i.body.clone()),
            state: Set(PENDING.to_owned()),
            attempts: Set(0),
            verify_first: Set(false),
            next_attempt_at: Set(now),
            claimed_by: Set(None),
            lease_until: Set(None),
            fence: Set(0),
            wa_message_id: Set(None),
            ack: Set(None),
            ack_at: Set(None),
            error_code: Set(None),
            error: Set(None),
            sent_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        item::Entity::insert_many(rows).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(created)
}

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

/// After a send: when the next may go, today's count, the slow-down factor. Only the slot
/// holder may write it.
#[allow(clippy::too_many_arguments)]
pub async fn record_pacing(
    db: &impl ConnectionTrait,
    name: &str,
    owner: &str,
    next_send_at: DateTime<Utc>,
    day: &str,
    sent_today: i32,
    slowdown: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    session::Entity::update_many()
        .col_expr(session::Column::NextSendAt, Expr::value(next_send_at))
        .col_expr(session::Column::SentDay, Expr::value(day))
        .col_expr(session::Column::SentToday, Expr::value(sent_today))
        .col_expr(session::Column::Slowdown, Expr::value(slowdown))
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
    status: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    ensure_session(db, name, now).await?;
    session::Entity::update_many()
        .col_expr(session::Column::Status, Expr::value(status))
        .col_expr(session::Column::StatusAt, Expr::value(now))
        .filter(session::Column::Name.eq(name))
        .exec(db)
        .await?;
    Ok(())
}

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
        .filter(job::Column::State.is_in([JOB_QUEUED, JOB_RUNNING, JOB_PAUSED]))
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
        .filter(job::Column::State.is_in([JOB_QUEUED, JOB_RUNNING]))
        .filter(item::Column::State.eq(PENDING))
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
        .filter(job::Column::State.is_in([JOB_QUEUED, JOB_RUNNING]))
        .filter(item::Column::State.eq(PENDING))
        .order_by_asc(item::Column::NextAttemptAt)
        .one(db)
        .await?;
    Ok(found.map(|i| i.next_attempt_at))
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
        .col_expr(item::Column::State, Expr::value(SENDING))
        .col_expr(item::Column::ClaimedBy, Expr::value(owner))
        .col_expr(item::Column::LeaseUntil, Expr::value(after(now, lease)))
        .col_expr(item::Column::Fence, Expr::col(item::Column::Fence).add(1))
        .col_expr(
            item::Column::Attempts,
            Expr::col(item::Column::Attempts).add(1),
        )
        .col_expr(item::Column::UpdatedAt, Expr::value(now))
        .filter(item::Column::Id.eq(item_id))
        .filter(item::Column::State.eq(PENDING))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    let Some(claimed) = item::Entity::find_by_id(item_id).one(db).await? else {
        return Ok(None);
    };
    job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(JOB_RUNNING))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(claimed.job_id))
        .filter(job::Column::State.eq(JOB_QUEUED))
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
        .filter(item::Column::State.eq(SENDING))
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
        .col_expr(item::Column::State, Expr::value(SENT))
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

/// Back to the queue. `count_attempt = false` undoes the claim's attempt (the channel, not this
/// message, was the problem). `verify_first`: look in the chat before sending again.
#[allow(clippy::too_many_arguments)]
pub async fn requeue(
    db: &impl ConnectionTrait,
    item_id: i32,
    fence: i64,
    at: DateTime<Utc>,
    count_attempt: bool,
    verify_first: bool,
    error: Option<(&str, &str)>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut q = fenced(item_id, fence)
        .col_expr(item::Column::State, Expr::value(PENDING))
        .col_expr(item::Column::NextAttemptAt, Expr::value(at))
        .col_expr(item::Column::VerifyFirst, Expr::value(verify_first))
        .col_expr(item::Column::ClaimedBy, Expr::value(Option::<String>::None))
        .col_expr(
            item::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(item::Column::UpdatedAt, Expr::value(now));
    if !count_attempt {
        q = q.col_expr(
            item::Column::Attempts,
            Expr::col(item::Column::Attempts).sub(1),
        );
    }
    if let Some((code, message)) = error {
        q = q
            .col_expr(item::Column::ErrorCode, Expr::value(code))
            .col_expr(item::Column::Error, Expr::value(message));
    }
    Ok(q.exec(db).await?.rows_affected == 1)
}

/// A final state other than sent: `failed` (with its reason) or `unknown` (ask the admin).
pub async fn finish_unsent(
    db: &impl ConnectionTrait,
    item_id: i32,
    fence: i64,
    final_state: &'static str,
    code: &str,
    message: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = fenced(item_id, fence)
        .col_expr(item::Column::State, Expr::value(final_state))
        .col_expr(item::Column::ErrorCode, Expr::value(code))
        .col_expr(item::Column::Error, Expr::value(message))
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
        .filter(item::Column::State.eq(SENDING))
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
        .col_expr(item::Column::State, Expr::value(PENDING))
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
        .filter(item::Column::State.eq(SENDING))
        .filter(item::Column::LeaseUntil.lt(now))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Pauses every active job of the session with the reason shown to the admin.
pub async fn pause_session_jobs(
    db: &impl ConnectionTrait,
    name: &str,
    code: &str,
    message: &str,
    auto_resume: bool,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let res = job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(JOB_PAUSED))
        .col_expr(job::Column::PauseReason, Expr::value(code))
        .col_expr(job::Column::PauseDetail, Expr::value(message))
        .col_expr(job::Column::AutoResume, Expr::value(auto_resume))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::WaSession.eq(name))
        .filter(job::Column::State.is_in([JOB_QUEUED, JOB_RUNNING]))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Jobs paused by a channel problem that may resume by themselves.
pub async fn auto_paused(db: &impl ConnectionTrait, name: &str) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    job::Entity::find()
        .filter(job::Column::WaSession.eq(name))
        .filter(job::Column::State.eq(JOB_PAUSED))
        .filter(job::Column::AutoResume.eq(true))
        .filter(job::Column::PauseReason.is_not_null())
        .count(db)
        .await
}

/// The session works again: jobs it paused carry on.
pub async fn resume_auto(
    db: &impl ConnectionTrait,
    name: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let res = job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(JOB_RUNNING))
        .col_expr(
            job::Column::PauseReason,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            job::Column::PauseDetail,
            Expr::value(Option::<String>::None),
        )
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::WaSession.eq(name))
        .filter(job::Column::State.eq(JOB_PAUSED))
        .filter(job::Column::AutoResume.eq(true))
        .filter(job::Column::PauseReason.is_not_null())
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
        .and_where(Expr::col((item::Entity, item::Column::State)).is_in([PENDING, SENDING]))
        .to_owned();
    let res = job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(JOB_DONE))
        .col_expr(job::Column::FinishedAt, Expr::value(now))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::WaSession.eq(name))
        .filter(job::Column::State.is_in([JOB_QUEUED, JOB_RUNNING]))
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

/// Counts per item state for one job, from the database (the same on every instance).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    pub pending: u64,
    pub sending: u64,
    pub sent: u64,
    pub failed: u64,
    pub unknown: u64,
    pub cancelled: u64,
}

impl Counts {
    pub fn total(&self) -> u64 {
        self.pending + self.sending + self.sent + self.failed + self.unknown + self.cancelled
    }
}

pub async fn counts(db: &impl ConnectionTrait, job_id: i32) -> Result<Counts, DbErr> {
    #[derive(FromQueryResult)]
    struct Row {
        state: String,
        n: i64,
    }
    let rows = item::Entity::find()
        .select_only()
        .column(item::Column::State)
        .column_as(item::Column::Id.count(), "n")
        .filter(item::Column::JobId.eq(job_id))
        .group_by(item::Column::State)
        .into_model::<Row>()
        .all(db)
        .await?;
    let mut c = Counts::default();
    for r in rows {
        let n = u64::try_from(r.n).unwrap_or(0);
        match r.state.as_str() {
            PENDING => c.pending = n,
            SENDING => c.sending = n,
            SENT => c.sent = n,
            FAILED => c.failed = n,
            UNKNOWN => c.unknown = n,
            CANCELLED => c.cancelled = n,
            _ => {}
        }
    }
    Ok(c)
}

/// The admin pauses a job: nothing more is claimed from it (an item in flight finishes).
pub async fn pause_job(
    db: &impl ConnectionTrait,
    job_id: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(JOB_PAUSED))
        .col_expr(
            job::Column::PauseReason,
            Expr::value(Option::<String>::None),
        )
        .col_expr(job::Column::PauseDetail, Expr::value("Dijeda oleh admin."))
        .col_expr(job::Column::AutoResume, Expr::value(false))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::State.is_in([JOB_QUEUED, JOB_RUNNING]))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The admin resumes a paused job (whatever paused it).
pub async fn resume_job(
    db: &impl ConnectionTrait,
    job_id: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(JOB_RUNNING))
        .col_expr(
            job::Column::PauseReason,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            job::Column::PauseDetail,
            Expr::value(Option::<String>::None),
        )
        .col_expr(job::Column::AutoResume, Expr::value(true))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::State.eq(JOB_PAUSED))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The admin cancels a job: every item not yet sent is cancelled. An item in flight finishes
/// (its outcome is still recorded).
pub async fn cancel_job(
    db: &DatabaseConnection,
    job_id: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = begin_write(db).await?;
    let res = job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(JOB_CANCELLED))
        .col_expr(job::Column::FinishedAt, Expr::value(now))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::State.is_in([JOB_QUEUED, JOB_RUNNING, JOB_PAUSED]))
        .exec(&txn)
        .await?;
    item::Entity::update_many()
        .col_expr(item::Column::State, Expr::value(CANCELLED))
        .col_expr(item::Column::UpdatedAt, Expr::value(now))
        .filter(item::Column::JobId.eq(job_id))
        .filter(item::Column::State.eq(PENDING))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(res.rows_affected == 1)
}

/// "Kirim ulang yang gagal": failed items of a job go back to the queue with fresh attempts,
/// and the job runs again. Returns how many were requeued.
pub async fn resend_failed(
    db: &DatabaseConnection,
    job_id: i32,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let txn = begin_write(db).await?;
    let res = item::Entity::update_many()
        .col_expr(item::Column::State, Expr::value(PENDING))
        .col_expr(item::Column::Attempts, Expr::value(0))
        .col_expr(item::Column::NextAttemptAt, Expr::value(now))
        .col_expr(item::Column::ErrorCode, Expr::value(Option::<String>::None))
        .col_expr(item::Column::Error, Expr::value(Option::<String>::None))
        .col_expr(item::Column::UpdatedAt, Expr::value(now))
        .filter(item::Column::JobId.eq(job_id))
        .filter(item::Column::State.eq(FAILED))
        // A number WhatsApp does not know will not start working on a retry.
        .filter(
            item::Column::ErrorCode
                .is_null()
                .or(item::Column::ErrorCode.ne("not_on_whatsapp")),
        )
        .exec(&txn)
        .await?;
    if res.rows_affected > 0 {
        reopen_job(&txn, job_id, now).await?;
    }
    txn.commit().await?;
    Ok(res.rows_affected)
}

/// The admin decides an `unknown` item: send it again (they checked the chat: it is not there)
/// or drop it (it is there).
pub async fn resolve_unknown(
    db: &DatabaseConnection,
    item_id: i32,
    resend: bool,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = begin_write(db).await?;
    let Some(found) = item::Entity::find_by_id(item_id).one(&txn).await? else {
        return Ok(false);
    };
    if found.state != UNKNOWN {
        return Ok(false);
    }
    let mut q = item::Entity::update_many()
        .col_expr(item::Column::UpdatedAt, Expr::value(now))
        .filter(item::Column::Id.eq(item_id))
        .filter(item::Column::State.eq(UNKNOWN));
    q = if resend {
        q.col_expr(item::Column::State, Expr::value(PENDING))
            .col_expr(item::Column::VerifyFirst, Expr::value(false))
            .col_expr(item::Column::Attempts, Expr::value(0))
            .col_expr(item::Column::NextAttemptAt, Expr::value(now))
    } else {
        q.col_expr(item::Column::State, Expr::value(CANCELLED))
            .col_expr(
                item::Column::Error,
                Expr::value("Dibatalkan oleh admin (status tidak pasti)."),
            )
    };
    q.exec(&txn).await?;
    if resend {
        reopen_job(&txn, found.job_id, now).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// A finished job with new work runs again.
async fn reopen_job(
    db: &impl ConnectionTrait,
    job_id: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(JOB_RUNNING))
        .col_expr(
            job::Column::FinishedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::State.is_in([JOB_DONE, JOB_QUEUED]))
        .exec(db)
        .await?;
    Ok(())
}
