//! Pausing, resuming and cancelling jobs: by the admin, or by the engine when the channel fails
//! and recovers; resending failed items and deciding unknown ones.

use crate::{
    domain::sending::{ItemState, JobAction, JobState},
    server::{
        db::begin_write,
        engine::EngineError,
        entity::{send_items as item, send_jobs as job},
    },
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, ExprTrait, QueryFilter,
    sea_query::Expr,
};

/// Why the engine paused a session's jobs.
#[derive(Debug, Clone, Copy)]
pub struct PauseReason<'a> {
    pub code: &'a str,
    /// For the admin, in Indonesian.
    pub message: &'a str,
    /// Resume by itself once the session is WORKING again.
    pub auto_resume: bool,
}

/// Pauses every active job of the session with the reason shown to the admin.
pub async fn pause_session_jobs(
    db: &impl ConnectionTrait,
    name: &str,
    reason: PauseReason<'_>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let res = job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(JobState::Paused.as_str()))
        .col_expr(job::Column::PauseReason, Expr::value(reason.code))
        .col_expr(job::Column::PauseDetail, Expr::value(reason.message))
        .col_expr(job::Column::AutoResume, Expr::value(reason.auto_resume))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::WaSession.eq(name))
        .filter(job::Column::State.is_in([JobState::Queued.as_str(), JobState::Running.as_str()]))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Jobs paused by a channel problem that may resume by themselves.
pub async fn auto_paused(db: &impl ConnectionTrait, name: &str) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    job::Entity::find()
        .filter(job::Column::WaSession.eq(name))
        .filter(job::Column::State.eq(JobState::Paused.as_str()))
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
        .col_expr(job::Column::State, Expr::value(JobState::Running.as_str()))
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
        .filter(job::Column::State.eq(JobState::Paused.as_str()))
        .filter(job::Column::AutoResume.eq(true))
        .filter(job::Column::PauseReason.is_not_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// The admin pauses a job: nothing more is claimed from it (an item in flight finishes).
pub async fn pause_job(
    db: &impl ConnectionTrait,
    job_id: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(JobState::Paused.as_str()))
        .col_expr(
            job::Column::PauseReason,
            Expr::value(Option::<String>::None),
        )
        .col_expr(job::Column::PauseDetail, Expr::value("Dijeda oleh admin."))
        .col_expr(job::Column::AutoResume, Expr::value(false))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::State.is_in([JobState::Queued.as_str(), JobState::Running.as_str()]))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The admin resumes a paused job (whatever paused it). After a pause for WhatsApp's pushback
/// the ban guard starts a fresh window: the admin has judged what came before.
pub async fn resume_job(
    db: &impl ConnectionTrait,
    job_id: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if let Some(j) = job::Entity::find_by_id(job_id).one(db).await?
        && j.state == JobState::Paused.as_str()
        && j.pause_reason
            .as_deref()
            .is_some_and(|r| crate::server::engine::guard::PUSHBACK.contains(&r))
    {
        crate::server::engine::guard::reset(db, &j.wa_session, now).await?;
    }
    let res = job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(JobState::Running.as_str()))
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
        .filter(job::Column::State.eq(JobState::Paused.as_str()))
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
        .col_expr(
            job::Column::State,
            Expr::value(JobState::Cancelled.as_str()),
        )
        .col_expr(job::Column::FinishedAt, Expr::value(now))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::State.is_in([
            JobState::Queued.as_str(),
            JobState::Running.as_str(),
            JobState::Paused.as_str(),
        ]))
        .exec(&txn)
        .await?;
    item::Entity::update_many()
        .col_expr(
            item::Column::State,
            Expr::value(ItemState::Cancelled.as_str()),
        )
        .col_expr(item::Column::UpdatedAt, Expr::value(now))
        .filter(item::Column::JobId.eq(job_id))
        .filter(item::Column::State.eq(ItemState::Pending.as_str()))
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
        .col_expr(
            item::Column::State,
            Expr::value(ItemState::Pending.as_str()),
        )
        .col_expr(item::Column::Attempts, Expr::value(0))
        .col_expr(item::Column::NextAttemptAt, Expr::value(now))
        .col_expr(item::Column::ErrorCode, Expr::value(Option::<String>::None))
        .col_expr(item::Column::Error, Expr::value(Option::<String>::None))
        .col_expr(item::Column::UpdatedAt, Expr::value(now))
        .filter(item::Column::JobId.eq(job_id))
        .filter(item::Column::State.eq(ItemState::Failed.as_str()))
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
    if found.state != ItemState::Unknown.as_str() {
        return Ok(false);
    }
    let mut q = item::Entity::update_many()
        .col_expr(item::Column::UpdatedAt, Expr::value(now))
        .filter(item::Column::Id.eq(item_id))
        .filter(item::Column::State.eq(ItemState::Unknown.as_str()));
    q = if resend {
        q.col_expr(
            item::Column::State,
            Expr::value(ItemState::Pending.as_str()),
        )
        .col_expr(item::Column::VerifyFirst, Expr::value(false))
        .col_expr(item::Column::Attempts, Expr::value(0))
        .col_expr(item::Column::NextAttemptAt, Expr::value(now))
    } else {
        q.col_expr(
            item::Column::State,
            Expr::value(ItemState::Cancelled.as_str()),
        )
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
        .col_expr(job::Column::State, Expr::value(JobState::Running.as_str()))
        .col_expr(
            job::Column::FinishedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(job_id))
        .filter(job::Column::State.is_in([JobState::Done.as_str(), JobState::Queued.as_str()]))
        .exec(db)
        .await?;
    Ok(())
}

/// The admin's control of a job from the Pengiriman page. `Ok(n)`: how many failed messages
/// went back to the queue (resend), else 1 for a change made.
pub async fn control(
    db: &DatabaseConnection,
    job_id: i32,
    action: JobAction,
    now: DateTime<Utc>,
) -> Result<u64, EngineError> {
    let changed = match action {
        JobAction::Pause => u64::from(pause_job(db, job_id, now).await?),
        JobAction::Resume => u64::from(resume_job(db, job_id, now).await?),
        JobAction::Cancel => u64::from(cancel_job(db, job_id, now).await?),
        JobAction::ResendFailed => resend_failed(db, job_id, now).await?,
    };
    if changed == 0 {
        return Err(EngineError::JobChanged);
    }
    Ok(changed)
}

/// The admin decides an `unknown` item (see [`resolve_unknown`]); refused once decided.
pub async fn decide_unknown(
    db: &DatabaseConnection,
    item_id: i32,
    resend: bool,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    if resolve_unknown(db, item_id, resend, now).await? {
        Ok(())
    } else {
        Err(EngineError::NotUnknown)
    }
}
