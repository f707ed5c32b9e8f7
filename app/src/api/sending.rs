//! Pengiriman: send jobs, their live progress and per-recipient report, and the admin's
//! controls. Everything is read from the database, so every instance shows the same.
use crate::dto::sending::{ActiveSummary, ItemPage, JobView};

#[cfg(feature = "ssr")]
use crate::domain::account::Role;
use crate::{
    domain::sending::{ItemState, JobAction},
    error::AppError,
};
use leptos::prelude::*;

#[server(endpoint = "sending/jobs")]
pub async fn list_jobs() -> Result<Vec<JobView>, AppError> {
    use crate::server::{ctx, sending};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        sending::list_jobs(&state.db, state.config.timezone, 50).await
    })
    .await
}

#[server(endpoint = "sending/job")]
pub async fn get_job(id: i32) -> Result<JobView, AppError> {
    use crate::server::{ctx, sending};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        sending::job_view(&state.db, state.config.timezone, id).await
    })
    .await
}

#[server(endpoint = "sending/items")]
pub async fn job_items(
    job_id: i32,
    filter: Option<ItemState>,
    page: u64,
) -> Result<ItemPage, AppError> {
    use crate::server::{ctx, sending};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        sending::items_page(&state.db, state.config.timezone, job_id, filter, page).await
    })
    .await
}

#[server(endpoint = "sending/active")]
pub async fn active_jobs() -> Result<ActiveSummary, AppError> {
    use crate::server::{ctx, sending};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        sending::active_summary(&state.db).await
    })
    .await
}

/// The admin pauses, resumes or cancels a job, or sends its failed messages again. Returns how
/// many failed messages went back to the queue (1 for the other actions).
#[server(endpoint = "sending/control")]
pub async fn control_job(id: i32, action: JobAction) -> Result<u64, AppError> {
    use crate::server::{ctx, engine::outbox};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Kasir)?;
        let n = outbox::control(&state.db, id, action, chrono::Utc::now()).await?;
        tracing::info!(job = id, ?action, n, user = %user.username, "send job control");
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::JobControl,
            format!("pengiriman #{id}"),
            format!("{action:?}"),
        )
        .await;
        state.engine.wake();
        Ok(n)
    })
    .await
}

/// The admin decides an item whose delivery could not be confirmed.
#[server(endpoint = "sending/resolve")]
pub async fn resolve_item(item_id: i32, resend: bool) -> Result<(), AppError> {
    use crate::server::{ctx, engine::outbox};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Kasir)?;
        outbox::decide_unknown(&state.db, item_id, resend, chrono::Utc::now()).await?;
        tracing::info!(item = item_id, resend, user = %user.username, "unknown item decided");
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::JobControl,
            format!("pesan #{item_id}"),
            if resend {
                "kirim ulang"
            } else {
                "anggap terkirim"
            },
        )
        .await;
        state.engine.wake();
        Ok(())
    })
    .await
}
