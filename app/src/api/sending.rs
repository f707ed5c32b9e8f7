//! Pengiriman: send jobs, their live progress and per-recipient report, and the admin's
//! controls. Everything is read from the database, so every instance shows the same.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobCounts {
    pub pending: u64,
    pub sending: u64,
    pub sent: u64,
    pub failed: u64,
    pub unknown: u64,
    pub cancelled: u64,
}

impl JobCounts {
    pub fn total(&self) -> u64 {
        self.pending + self.sending + self.sent + self.failed + self.unknown + self.cancelled
    }

    /// Items that reached a final state.
    pub fn finished(&self) -> u64 {
        self.sent + self.failed + self.unknown + self.cancelled
    }

    /// 0–100, for the progress bar.
    pub fn percent(&self) -> u32 {
        (self.finished() * 100)
            .checked_div(self.total())
            .map_or(100, |p| p as u32)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    pub id: i32,
    pub kind: String,
    pub template_label: String,
    pub state: String,
    pub state_label: String,
    /// Why it is paused, in plain Indonesian.
    pub pause_detail: Option<String>,
    /// Paused by a problem that clears by itself (e.g. the session reconnects).
    pub auto_resume: bool,
    /// Quiet hours / daily cap holding the session back, with until when.
    pub hold: Option<String>,
    pub counts: JobCounts,
    pub eta: Option<String>,
    pub pacing: String,
    pub description: Option<String>,
    pub created_at: String,
    pub finished_at: Option<String>,
}

impl JobView {
    pub fn is_active(&self) -> bool {
        matches!(self.state.as_str(), "queued" | "running" | "paused")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    pub id: i32,
    pub customer: Option<String>,
    pub customer_code: Option<String>,
    pub invoice_id: Option<i32>,
    pub wa_number: String,
    pub state: String,
    pub state_label: String,
    pub reason: Option<String>,
    pub wa_message_id: Option<String>,
    /// ✓ / ✓✓ / dibaca, from `message.ack`.
    pub tick: Option<String>,
    pub sent_at: Option<String>,
    pub attempts: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemPage {
    pub items: Vec<ItemView>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// The small indicator on every page: how many jobs are running and their overall progress.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveSummary {
    pub jobs: u64,
    pub paused: u64,
    pub finished: u64,
    pub total: u64,
}

pub fn item_state_label(state: &str) -> &'static str {
    match state {
        "pending" => "Menunggu",
        "sending" => "Mengirim",
        "sent" => "Terkirim",
        "failed" => "Gagal",
        "unknown" => "Tidak pasti",
        "cancelled" => "Dibatalkan",
        _ => "Lainnya",
    }
}

pub fn job_state_label(state: &str) -> &'static str {
    match state {
        "queued" => "Dalam antrean",
        "running" => "Berjalan",
        "paused" => "Dijeda",
        "done" => "Selesai",
        "cancelled" => "Dibatalkan",
        _ => "Lainnya",
    }
}

pub fn tick_label(ack: Option<i16>) -> Option<&'static str> {
    match ack? {
        a if a < 0 => Some("Gagal terkirim"),
        0 => Some("Menunggu"),
        1 => Some("✓ Terkirim ke server"),
        2 => Some("✓✓ Diterima"),
        _ => Some("✓✓ Dibaca"),
    }
}

#[server(endpoint = "sending/jobs")]
pub async fn list_jobs() -> Result<Vec<JobView>, AppError> {
    use crate::server::{ctx, sending};
    ctx::respond(async move {
        ctx::current_user()?;
        let state = ctx::state()?;
        sending::list_jobs(&state.db, state.config.timezone, 50).await
    })
    .await
}

#[server(endpoint = "sending/job")]
pub async fn get_job(id: i32) -> Result<JobView, AppError> {
    use crate::server::{ctx, sending};
    ctx::respond(async move {
        ctx::current_user()?;
        let state = ctx::state()?;
        sending::job_view(&state.db, state.config.timezone, id).await
    })
    .await
}

#[server(endpoint = "sending/items")]
pub async fn job_items(
    job_id: i32,
    filter: Option<String>,
    page: u64,
) -> Result<ItemPage, AppError> {
    use crate::server::{ctx, sending};
    ctx::respond(async move {
        ctx::current_user()?;
        let state = ctx::state()?;
        sending::items_page(
            &state.db,
            state.config.timezone,
            job_id,
            filter.as_deref().filter(|f| !f.is_empty()),
            page,
        )
        .await
    })
    .await
}

#[server(endpoint = "sending/active")]
pub async fn active_jobs() -> Result<ActiveSummary, AppError> {
    use crate::server::{ctx, sending};
    ctx::respond(async move {
        ctx::current_user()?;
        sending::active_summary(&ctx::state()?.db).await
    })
    .await
}

/// pause | resume | cancel | resend_failed
#[server(endpoint = "sending/control")]
pub async fn control_job(id: i32, action: String) -> Result<String, AppError> {
    use crate::server::{ctx, engine::outbox};
    ctx::respond(async move {
        let user = ctx::current_user()?;
        let state = ctx::state()?;
        let now = chrono::Utc::now();
        let db = &state.db;
        let (changed, message) = match action.as_str() {
            "pause" => (
                outbox::pause_job(db, id, now).await?,
                "Pengiriman dijeda.".to_owned(),
            ),
            "resume" => (
                outbox::resume_job(db, id, now).await?,
                "Pengiriman dilanjutkan.".to_owned(),
            ),
            "cancel" => (
                outbox::cancel_job(db, id, now).await?,
                "Pengiriman dibatalkan. Pesan yang belum terkirim tidak akan dikirim.".to_owned(),
            ),
            "resend_failed" => {
                let n = outbox::resend_failed(db, id, now).await?;
                (
                    n > 0,
                    format!("{n} pesan gagal dimasukkan lagi ke antrean."),
                )
            }
            _ => return Err(AppError::NotFound),
        };
        if !changed {
            return Err(AppError::Conflict(
                "Status pengiriman sudah berubah. Muat ulang halaman.".into(),
            ));
        }
        tracing::info!(job = id, %action, user = %user.username, "send job control");
        state.engine.wake();
        Ok(message)
    })
    .await
}

/// The admin decides an item whose delivery could not be confirmed.
#[server(endpoint = "sending/resolve")]
pub async fn resolve_item(item_id: i32, resend: bool) -> Result<(), AppError> {
    use crate::server::{ctx, engine::outbox};
    ctx::respond(async move {
        let user = ctx::current_user()?;
        let state = ctx::state()?;
        if !outbox::resolve_unknown(&state.db, item_id, resend, chrono::Utc::now()).await? {
            return Err(AppError::Conflict(
                "Pesan ini sudah tidak berstatus tidak pasti.".into(),
            ));
        }
        tracing::info!(item = item_id, resend, user = %user.username, "unknown item decided");
        state.engine.wake();
        Ok(())
    })
    .await
}
