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
