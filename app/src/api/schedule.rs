//! The month Tagih runs by itself: Jadwal (settings, next and recent runs, "Jalankan sekarang",
//! "Lewati", the switch), Tinjau tagihan (drafts) and the dashboard's next-action card.

use crate::{
    domain::schedule::ScheduleSettings,
    dto::schedule::{DraftReview, NextAction, PublishResult, ScheduleForm, SchedulePage},
    error::AppError,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::domain::account::Role;

#[cfg(feature = "ssr")]
fn day_of(day: &str) -> Result<chrono::NaiveDate, AppError> {
    crate::domain::dates::parse_iso_date(day).ok_or(AppError::NotFound)
}

#[server(endpoint = "schedule/page")]
pub async fn load_schedule() -> Result<SchedulePage, AppError> {
    use crate::server::{ctx, schedule::page};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Admin)?;
        Ok(page::page(&state, chrono::Utc::now()).await?)
    })
    .await
}

#[server(endpoint = "schedule/save")]
pub async fn save_schedule(form: ScheduleForm) -> Result<ScheduleSettings, AppError> {
    use crate::server::{ctx, schedule::page};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        let s = page::save_form(&state.db, &form).await?;
        tracing::info!(user = %user.username, "schedule settings saved");
        Ok(s)
    })
    .await
}

/// The on/off switch (for every instance).
#[server(endpoint = "schedule/switch")]
pub async fn set_schedule_enabled(on: bool) -> Result<(), AppError> {
    use crate::server::{ctx, schedule::page};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        page::set_enabled(&state.db, on).await?;
        tracing::info!(user = %user.username, on, "scheduler switched");
        Ok(())
    })
    .await
}

/// "Jalankan sekarang": one scheduled action now. Returns what it did, for the notice.
#[server(endpoint = "schedule/run-now")]
pub async fn schedule_run_now(
    kind: String,
    stage: String,
    day: String,
) -> Result<String, AppError> {
    use crate::server::{ctx, schedule::page};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        let holder = format!("manual-{}", user.username);
        let lines = page::run_now(
            &state,
            &kind,
            &stage,
            day_of(&day)?,
            &holder,
            chrono::Utc::now(),
        )
        .await?;
        let queued = lines.iter().filter(|l| l.outcome == "queued").count();
        let skipped = lines.iter().filter(|l| l.outcome == "skipped").count();
        tracing::info!(user = %user.username, %kind, %stage, %day, queued, "schedule run by hand");
        Ok(
            match lines
                .iter()
                .find(|l| l.kind == "invoice_run" && l.customer.is_none())
            {
                Some(run) if run.outcome == "drafts" => format!(
                    "{} draf tagihan dibuat. Tinjau lalu terbitkan.",
                    run.count.unwrap_or(0)
                ),
                _ => format!("{queued} pesan diantrekan, {skipped} dilewati."),
            },
        )
    })
    .await
}

/// "Lewati": the action will not happen.
#[server(endpoint = "schedule/skip")]
pub async fn schedule_skip(kind: String, stage: String, day: String) -> Result<(), AppError> {
    use crate::server::{ctx, schedule::page};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        page::skip(
            &state,
            &kind,
            &stage,
            day_of(&day)?,
            &user.display_name,
            chrono::Utc::now(),
        )
        .await?;
        tracing::info!(user = %user.username, %kind, %stage, %day, "scheduled action skipped");
        Ok(())
    })
    .await
}

#[server(endpoint = "schedule/next")]
pub async fn schedule_next_action() -> Result<NextAction, AppError> {
    use crate::server::{ctx, schedule::page};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        Ok(page::next_action(&state, chrono::Utc::now()).await?)
    })
    .await
}

/// The drafts of `period` (empty: the newest period with drafts).
#[server(endpoint = "drafts/list")]
pub async fn load_drafts(period: String) -> Result<DraftReview, AppError> {
    use crate::server::{
        billing::{drafts, invoices},
        ctx,
    };
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Admin)?;
        let period = if period.trim().is_empty() {
            None
        } else {
            Some(invoices::parse_period(&period)?)
        };
        Ok(drafts::review(&state.db, period).await?)
    })
    .await
}

#[server(endpoint = "drafts/amount")]
pub async fn set_draft_amount(id: i32, amount: String) -> Result<i64, AppError> {
    use crate::server::{billing::drafts, ctx};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Admin)?;
        Ok(drafts::set_amount(&state.db, id, &amount, chrono::Utc::now()).await?)
    })
    .await
}

#[server(endpoint = "drafts/remove")]
pub async fn remove_draft(id: i32) -> Result<(), AppError> {
    use crate::server::{billing::drafts, ctx};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Admin)?;
        Ok(drafts::remove(&state.db, id).await?)
    })
    .await
}

#[server(endpoint = "drafts/add")]
pub async fn add_draft(
    period: String,
    customer_id: String,
    amount: String,
) -> Result<i32, AppError> {
    use crate::server::{
        billing::{BillingError, drafts, invoices},
        ctx,
    };
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Admin)?;
        let period = invoices::parse_period(&period)?;
        let customer: i32 = customer_id
            .trim()
            .parse()
            .map_err(|_| BillingError::field("customer_id", "Pilih pelanggan."))?;
        Ok(drafts::add(&state.db, period, customer, &amount, chrono::Utc::now()).await?)
    })
    .await
}

/// "Terbitkan & kirim".
#[server(endpoint = "drafts/publish")]
pub async fn publish_drafts(period: String) -> Result<PublishResult, AppError> {
    use crate::server::{
        billing::{clock, invoices},
        ctx,
        schedule::publish,
    };
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        let period = invoices::parse_period(&period)?;
        let today = clock::today(state.config.timezone);
        let r = publish::publish_and_send(&state, period, Some(user.id), today, chrono::Utc::now())
            .await?;
        tracing::info!(user = %user.username, period = %r.period, issued = r.issued,
            queued = r.queued, "drafts published");
        Ok(r)
    })
    .await
}
