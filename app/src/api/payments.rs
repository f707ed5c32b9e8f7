//! Pembayaran and Piutang: what came in, and who still owes. The payments CSV is a plain GET
//! route (`/ekspor/pembayaran.csv?…`) served by the server crate.
use crate::dto::{
    payments::{PaymentPage, PaymentQuery},
    receivables::AgingSummary,
};

#[cfg(feature = "ssr")]
use crate::domain::account::Role;
use crate::error::AppError;
use leptos::prelude::*;

/// Payments over a date range (default: this month), newest first, with totals.
#[server(endpoint = "billing/payments", input = server_fn::codec::Json)]
pub async fn list_payments(query: PaymentQuery) -> Result<PaymentPage, AppError> {
    use crate::server::{
        billing::{clock, payment_list},
        ctx,
    };
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        let tz = state.config.timezone;
        Ok(payment_list::list(&state.db, &query, clock::today(tz), tz).await?)
    })
    .await
}

/// Debtors by how late their oldest open invoice is.
#[server(endpoint = "billing/aging")]
pub async fn receivables_aging() -> Result<AgingSummary, AppError> {
    use crate::server::{
        billing::{clock, receivables},
        ctx,
    };
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        Ok(receivables::aging(&state.db, clock::today(state.config.timezone)).await?)
    })
    .await
}

/// Cocokkan mutasi, step 1: what Tagih proposes for each credit line of a bank statement.
#[server(endpoint = "payments/mutation-preview", input = server_fn::codec::Json)]
pub async fn mutation_preview(
    upload: crate::dto::mutation::MutationUpload,
) -> Result<crate::dto::mutation::MutationPreview, AppError> {
    use crate::server::{
        billing::{clock, mutation},
        ctx,
    };
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        let today = clock::today(state.config.timezone);
        Ok(mutation::preview(&state.db, &upload, today).await?)
    })
    .await
}

/// Cocokkan mutasi, step 2: the chosen lines recorded as payments, in one step.
#[server(endpoint = "payments/mutation-confirm", input = server_fn::codec::Json)]
pub async fn mutation_confirm(
    upload: crate::dto::mutation::MutationUpload,
    choices: Vec<crate::dto::mutation::MutationChoice>,
) -> Result<crate::dto::mutation::MutationResult, AppError> {
    use crate::server::{
        billing::{clock, mutation},
        ctx,
    };
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Kasir)?;
        let at = clock::Moment::now(state.config.timezone);
        let result = mutation::confirm(&state.db, &upload, &choices, Some(user.id), at).await?;
        for r in &result.recorded {
            ctx::audit(
                &state,
                &user,
                crate::domain::audit::AuditAction::Payment,
                format!("pelanggan #{}", r.customer_id),
                format!(
                    "pembayaran #{}: {} (mutasi bank)",
                    r.payment_id,
                    crate::domain::money::rupiah(r.amount)
                ),
            )
            .await;
        }
        tracing::info!(recorded = result.recorded.len(), already = result.already, user = %user.username, "bank statement lines recorded");
        Ok(result)
    })
    .await
}
