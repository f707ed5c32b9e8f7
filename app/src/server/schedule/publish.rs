//! "Terbitkan & kirim": the reviewed drafts of a period are issued, and each customer gets one
//! statement (the invoice template) through the engine.

use super::ScheduleError;
use crate::{
    domain::{dates::Period, messages::TemplateKind},
    dto::schedule::PublishResult,
    server::{
        AppState,
        billing::drafts,
        messages::queue::{self, StatementSend},
        waha,
    },
};
use chrono::{DateTime, NaiveDate, Utc};

pub async fn publish_and_send(
    state: &AppState,
    period: Period,
    by: Option<i32>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<PublishResult, ScheduleError> {
    let db = &state.db;
    let issued = drafts::issue(db, period, today, now).await?;
    let mut out = PublishResult {
        period: period.to_string(),
        issued: issued.count,
        total_amount: issued.total_amount,
        first_number: issued.first_number,
        last_number: issued.last_number,
        ..Default::default()
    };
    if issued.customers.is_empty() {
        return Ok(out);
    }
    let session = waha::settings::load(db, &state.config).await?.session;
    let q = queue::statements(
        db,
        StatementSend {
            customers: &issued.customers,
            kind: TemplateKind::Invoice,
            description: format!(
                "Tagihan {} · {} pelanggan",
                period.label(),
                issued.customers.len()
            ),
            created_by: by,
            today,
            now,
            tz: state.config.timezone,
            session,
            dry_run: false,
        },
    )
    .await?;
    if q.job_id.is_some() {
        state.engine.wake();
    }
    out.job_id = q.job_id;
    out.queued = q.queued().count() as u64;
    out.not_sent = q.skipped().count() as u64;
    Ok(out)
}
