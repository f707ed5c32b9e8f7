//! Sending one invoice over WhatsApp from its row: compose (preview, editable for this send),
//! queue through the outbox, follow the result; the invoice's message history; receipts.

use crate::{domain::messages::TemplateKind, error::AppError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the WhatsApp modal shows before sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compose {
    pub invoice_id: i32,
    pub invoice_number: String,
    pub period_label: String,
    pub customer_name: String,
    pub customer_code: String,
    pub wa_number: Option<String>,
    pub total: i64,
    pub due_now: i64,
    /// The template of this message, and the one the invoice's due state suggests.
    pub kind: TemplateKind,
    pub suggested: TemplateKind,
    /// The rendered message, exactly as it will be sent unless edited.
    pub text: String,
    /// Why it cannot be sent to this customer (no usable number, not on WhatsApp).
    pub problem: Option<String>,
    /// When the same template last went (or was queued) to this invoice within 24 hours.
    pub sent_recently: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Queued {
    Queued {
        job_id: i32,
        item_id: i32,
    },
    /// The same template went to this invoice at `last` (within 24 h): ask first.
    NeedsConfirmation {
        last: String,
    },
}

/// A queued message's progress, for the modal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendState {
    pub item_id: i32,
    pub job_id: i32,
    pub state: String,
    pub state_label: String,
    pub finished: bool,
    pub wa_message_id: Option<String>,
    pub error: Option<String>,
    /// Why it is still waiting (retrying, paused, ...).
    pub waiting: Option<String>,
    pub tick: Option<String>,
}

/// One message in an invoice's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRow {
    pub item_id: i32,
    pub job_id: i32,
    pub when: String,
    pub template: String,
    pub state: String,
    pub state_label: String,
    pub tick: Option<String>,
    pub error: Option<String>,
    pub wa_message_id: Option<String>,
    pub body: String,
}

#[server(endpoint = "messages/compose")]
pub async fn compose_message(
    invoice_id: i32,
    kind: Option<TemplateKind>,
) -> Result<Compose, AppError> {
    use crate::server::{ctx, messages::send};
    ctx::respond(async move {
        ctx::current_user()?;
        send::compose(&ctx::state()?, invoice_id, kind).await
    })
    .await
}

#[server(endpoint = "messages/send", input = server_fn::codec::Json)]
pub async fn send_message(
    invoice_id: i32,
    kind: TemplateKind,
    text: String,
    confirm: bool,
) -> Result<Queued, AppError> {
    use crate::server::{ctx, messages::send};
    ctx::respond(async move {
        let user = ctx::current_user()?;
        let state = ctx::state()?;
        let queued = send::queue(&state, user.id, invoice_id, kind, &text, confirm).await?;
        if let Queued::Queued { job_id, .. } = &queued {
            tracing::info!(invoice = invoice_id, job = job_id, kind = kind.code(), user = %user.username, "message queued");
        }
        Ok(queued)
    })
    .await
}

#[server(endpoint = "messages/state")]
pub async fn message_state(item_id: i32) -> Result<SendState, AppError> {
    use crate::server::{ctx, messages::send};
    ctx::respond(async move {
        ctx::current_user()?;
        send::item_state(&ctx::state()?.db, item_id).await
    })
    .await
}

#[server(endpoint = "messages/history")]
pub async fn invoice_messages(invoice_id: i32) -> Result<Vec<MessageRow>, AppError> {
    use crate::server::{ctx, messages::send};
    ctx::respond(async move {
        ctx::current_user()?;
        let state = ctx::state()?;
        send::history(&state.db, state.config.timezone, invoice_id).await
    })
    .await
}

/// Sends the payment receipt for a payment just recorded.
#[server(endpoint = "messages/receipt")]
pub async fn send_receipt(payment_id: i32) -> Result<Queued, AppError> {
    use crate::server::{ctx, messages::send};
    ctx::respond(async move {
        let user = ctx::current_user()?;
        let state = ctx::state()?;
        let (invoice_id, facts) =
            crate::server::messages::receipt::facts(&state, payment_id).await?;
        let queued = send::queue_receipt(&state, user.id, invoice_id, facts).await?;
        tracing::info!(payment = payment_id, user = %user.username, "receipt queued");
        Ok(queued)
    })
    .await
}

/// Which template a bulk send uses: by each invoice's due state, or one for all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TemplateChoice {
    Auto,
    Kind(TemplateKind),
}

/// "Kirim Semua via WhatsApp" with the table's current filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRequest {
    pub query: crate::api::invoices::InvoiceQuery,
    pub template: TemplateChoice,
    /// `original` (2 s), `safe` (random 30–60 s) or `custom`.
    pub pacing: String,
    pub delay_secs: String,
    pub jitter_secs: String,
}

/// What a bulk send would do, for the modal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkPlan {
    /// Invoices the filter selects.
    pub selected: u64,
    /// Will get a message.
    pub ready: u64,
    /// Paid or void: nothing to ask for.
    pub closed: u64,
    pub no_number: u64,
    pub invalid: u64,
    pub not_on_whatsapp: u64,
    /// Already got this template today.
    pub sent_today: u64,
    pub first_preview: Option<String>,
    pub first_to: Option<String>,
    pub eta: String,
    pub daily_cap: Option<u32>,
    pub quiet: Option<String>,
    /// Quiet hours / daily cap holding messages back right now.
    pub held_now: Option<String>,
}

#[server(endpoint = "messages/bulk-plan", input = server_fn::codec::Json)]
pub async fn plan_bulk(request: BulkRequest) -> Result<BulkPlan, AppError> {
    use crate::server::{ctx, messages::bulk};
    ctx::respond(async move {
        ctx::current_user()?;
        bulk::plan(&ctx::state()?, &request).await
    })
    .await
}

/// Creates the bulk job; its id.
#[server(endpoint = "messages/bulk-send", input = server_fn::codec::Json)]
pub async fn send_bulk(request: BulkRequest) -> Result<i32, AppError> {
    use crate::server::{ctx, messages::bulk};
    ctx::respond(async move {
        let user = ctx::current_user()?;
        let state = ctx::state()?;
        let job = bulk::send(&state, user.id, &request).await?;
        tracing::info!(job, user = %user.username, "bulk send queued");
        Ok(job)
    })
    .await
}
