//! Sending one invoice over WhatsApp from its row: compose (preview, editable for this send),
//! queue through the outbox, follow the result; the invoice's message history; receipts.
use crate::dto::messages::{BulkPlan, BulkRequest, Compose, MessageRow, Queued, SendState};

#[cfg(feature = "ssr")]
use crate::domain::account::Role;
use crate::{domain::messages::TemplateKind, error::AppError};
use leptos::prelude::*;

#[server(endpoint = "messages/compose")]
pub async fn compose_message(
    invoice_id: i32,
    kind: Option<TemplateKind>,
) -> Result<Compose, AppError> {
    use crate::server::{ctx, messages::send};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        Ok(send::compose(&state, invoice_id, kind).await?)
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
        let (state, user) = ctx::authorise(Role::Kasir)?;
        let request = send::SendRequest {
            invoice_id,
            kind,
            text: &text,
            confirm,
        };
        let queued = send::queue(&state, user.id, request).await?;
        if let Queued::Queued { job_id, .. } = &queued {
            tracing::info!(invoice = invoice_id, job = job_id, kind = kind.code(), user = %user.username, "message queued");
            ctx::audit(
                &state,
                &user,
                crate::domain::audit::AuditAction::Send,
                format!("tagihan #{invoice_id}"),
                format!("{}, pengiriman #{job_id}", kind.label()),
            )
            .await;
        }
        Ok(queued)
    })
    .await
}

#[server(endpoint = "messages/state")]
pub async fn message_state(item_id: i32) -> Result<SendState, AppError> {
    use crate::server::{ctx, messages::send};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        Ok(send::item_state(&state.db, item_id).await?)
    })
    .await
}

#[server(endpoint = "messages/history")]
pub async fn invoice_messages(invoice_id: i32) -> Result<Vec<MessageRow>, AppError> {
    use crate::server::{ctx, messages::send};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        Ok(send::history(&state.db, state.config.timezone, invoice_id).await?)
    })
    .await
}

/// Sends the payment receipt for a payment just recorded.
#[server(endpoint = "messages/receipt")]
pub async fn send_receipt(payment_id: i32) -> Result<Queued, AppError> {
    use crate::server::{ctx, messages::send};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Kasir)?;
        let (invoice_id, facts) =
            crate::server::messages::receipt::facts(&state, payment_id).await?;
        let queued = send::queue_receipt(&state, user.id, invoice_id, facts).await?;
        tracing::info!(payment = payment_id, user = %user.username, "receipt queued");
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::Send,
            format!("pembayaran #{payment_id}"),
            "bukti pembayaran",
        )
        .await;
        Ok(queued)
    })
    .await
}

#[server(endpoint = "messages/bulk-plan", input = server_fn::codec::Json)]
pub async fn plan_bulk(request: BulkRequest) -> Result<BulkPlan, AppError> {
    use crate::server::{ctx, messages::bulk};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        Ok(bulk::plan(&state, &request).await?)
    })
    .await
}

/// Creates the bulk job; its id.
#[server(endpoint = "messages/bulk-send", input = server_fn::codec::Json)]
pub async fn send_bulk(request: BulkRequest) -> Result<i32, AppError> {
    use crate::server::{ctx, messages::bulk};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Kasir)?;
        let job = bulk::send(&state, user.id, &request).await?;
        tracing::info!(job, user = %user.username, "bulk send queued");
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::BulkSend,
            format!("pengiriman #{job}"),
            "",
        )
        .await;
        Ok(job)
    })
    .await
}
