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
