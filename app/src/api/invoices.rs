//! Invoices (Tagihan): the monthly run, the invoice table, detail, payments, void. The CSV
//! export is a plain GET route (`/ekspor/tagihan.csv?…`) served by the server crate.
use crate::domain::billing::BillingRules;
use crate::dto::invoices::{
    InvoiceDetail, InvoicePage, InvoicePeriods, InvoiceQuery, PaymentResult, RunPreview, RunResult,
    RunView,
};

#[cfg(feature = "ssr")]
use crate::domain::account::Role;
use crate::error::AppError;
use leptos::prelude::*;

/// The invoice table: filters, sort, a page of 50, counts. `period` may be `current` (this
/// month in the configured zone) or empty (every period).
#[server(endpoint = "billing/invoices")]
pub async fn list_invoices(query: InvoiceQuery) -> Result<InvoicePage, AppError> {
    use crate::server::{
        billing::{clock, invoices},
        ctx,
    };
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        let today = clock::today(state.config.timezone);
        let mut query = query;
        query.resolve_period(today);
        Ok(invoices::list(&state.db, &query, today).await?)
    })
    .await
}

#[server(endpoint = "billing/invoice-periods")]
pub async fn load_invoice_periods() -> Result<InvoicePeriods, AppError> {
    use crate::server::{
        billing::{clock, invoices},
        ctx,
    };
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        let today = clock::today(state.config.timezone);
        Ok(InvoicePeriods {
            current: crate::domain::dates::Period::of(today).to_string(),
            periods: invoices::periods(&state.db).await?,
            today,
        })
    })
    .await
}

#[server(endpoint = "billing/invoice")]
pub async fn get_invoice(id: i32) -> Result<InvoiceDetail, AppError> {
    use crate::server::{
        billing::{clock, invoices},
        ctx,
    };
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        let tz = state.config.timezone;
        Ok(invoices::detail(&state.db, id, clock::today(tz), tz).await?)
    })
    .await
}

/// What generating invoices for `period` would do.
#[server(endpoint = "billing/run-preview")]
pub async fn preview_run(period: String) -> Result<RunPreview, AppError> {
    use crate::server::{
        billing::{clock, invoices},
        ctx,
    };
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Admin)?;
        let period = invoices::parse_period(&period)?;
        let today = clock::today(state.config.timezone);
        Ok(invoices::preview_run(&state.db, period, today).await?)
    })
    .await
}

/// Generates the period's invoices: one per active customer, skipping those already invoiced.
/// A past month needs `confirm_past`.
#[server(endpoint = "billing/run")]
pub async fn run_invoices(
    period: String,
    #[server(default)] confirm_past: bool,
) -> Result<RunResult, AppError> {
    use crate::server::{
        billing::{clock, invoices},
        ctx,
    };
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        let period = invoices::parse_period(&period)?;
        let today = clock::today(state.config.timezone);
        let mut opts =
            invoices::RunOptions::new(period, today, chrono::Utc::now()).by(Some(user.id));
        opts.confirm_past = confirm_past;
        let result = invoices::run(&state.db, &opts).await?;
        tracing::info!(user = %user.username, period = %result.period, created = result.created,
            skipped = result.skipped_existing, "invoice run");
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::InvoiceRun,
            format!("periode {}", result.period),
            format!("{} tagihan dibuat", result.created),
        )
        .await;
        Ok(result)
    })
    .await
}

/// The latest invoice runs.
#[server(endpoint = "billing/runs")]
pub async fn list_runs() -> Result<Vec<RunView>, AppError> {
    use crate::server::{billing::invoices, ctx};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Admin)?;
        Ok(invoices::recent_runs(&state.db, state.config.timezone).await?)
    })
    .await
}

/// Undoes a run whose invoices have no payment and no sent message: they are voided with the
/// reason "run dibatalkan". Returns how many.
#[server(endpoint = "billing/run-undo")]
pub async fn undo_run(run_id: i32) -> Result<u64, AppError> {
    use crate::server::{billing::invoices, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        let n = invoices::undo(&state.db, run_id, Some(user.id), chrono::Utc::now()).await?;
        tracing::info!(user = %user.username, run_id, voided = n, "invoice run undone");
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::RunUndo,
            format!("run #{run_id}"),
            format!("{n} tagihan dibatalkan"),
        )
        .await;
        Ok(n)
    })
    .await
}

#[server(endpoint = "billing/rules")]
pub async fn get_billing_rules() -> Result<BillingRules, AppError> {
    use crate::server::{billing::invoices, ctx};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Admin)?;
        Ok(invoices::rules(&state.db).await?)
    })
    .await
}

#[server(endpoint = "billing/rules-save")]
pub async fn save_billing_rules(grace_days: String, prorata: bool) -> Result<(), AppError> {
    use crate::server::{billing::invoices, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        let grace_days = grace_days.trim().parse::<u32>().map_err(|_| {
            let mut f = crate::error::FieldErrors::new();
            f.add("grace_days", "Isi jumlah hari, misalnya 7.");
            AppError::Validation(f)
        })?;
        let rules = BillingRules {
            grace_days,
            prorata_first_month: prorata,
        };
        invoices::save_rules(&state.db, &rules).await?;
        tracing::info!(user = %user.username, grace_days, prorata, "billing rules saved");
        Ok(())
    })
    .await
}

/// Records a payment for a customer, or for the customer of `invoice_id`; it is allocated to
/// their open invoices oldest first.
#[server(endpoint = "billing/payment-record")]
pub async fn record_payment(
    customer_id: Option<i32>,
    invoice_id: Option<i32>,
    amount: String,
    method: String,
    reference: String,
    paid_on: String,
    note: String,
) -> Result<PaymentResult, AppError> {
    use crate::server::{
        billing::{clock, payments},
        ctx,
    };
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Kasir)?;
        let input = payments::NewPayment {
            customer_id,
            invoice_id,
            amount,
            method,
            reference,
            paid_on,
            note,
        };
        let at = clock::Moment::now(state.config.timezone);
        let result = payments::record(&state.db, &input, Some(user.id), at).await?;
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::Payment,
            format!("pelanggan #{}", result.customer_id),
            format!(
                "pembayaran #{}: {}",
                result.payment_id,
                crate::domain::money::rupiah(result.amount)
            ),
        )
        .await;
        Ok(result)
    })
    .await
}

/// Cancels a payment recorded by mistake, with a reason: it is kept as reversed and the
/// invoices it paid are open again.
#[server(endpoint = "billing/payment-reverse")]
pub async fn reverse_payment(payment_id: i32, reason: String) -> Result<(), AppError> {
    use crate::server::{billing::payments, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        payments::reverse(
            &state.db,
            payment_id,
            &reason,
            Some(user.id),
            chrono::Utc::now(),
        )
        .await?;
        tracing::info!(user = %user.username, payment_id, "payment reversed");
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::PaymentReversed,
            format!("pembayaran #{payment_id}"),
            reason.trim(),
        )
        .await;
        Ok(())
    })
    .await
}

/// Voids an invoice that has no payments.
#[server(endpoint = "billing/invoice-void")]
pub async fn void_invoice(id: i32, reason: String) -> Result<(), AppError> {
    use crate::server::{billing::invoices, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        invoices::void(&state.db, id, &reason, Some(user.id), chrono::Utc::now()).await?;
        tracing::info!(user = %user.username, invoice = id, "invoice voided");
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::InvoiceVoid,
            format!("tagihan #{id}"),
            reason.trim(),
        )
        .await;
        Ok(())
    })
    .await
}

/// Sets an invoice's discount (rupiah).
#[server(endpoint = "billing/invoice-discount")]
pub async fn set_discount(id: i32, discount: String) -> Result<(), AppError> {
    use crate::server::{billing::invoices, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        invoices::set_discount(&state.db, id, &discount, Some(user.id), chrono::Utc::now()).await?;
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::Discount,
            format!("tagihan #{id}"),
            format!("diskon {}", discount.trim()),
        )
        .await;
        Ok(())
    })
    .await
}

/// Corrects the amount of an invoice that has no payment, with a reason.
#[server(endpoint = "billing/invoice-amount")]
pub async fn edit_amount(id: i32, amount: String, reason: String) -> Result<(), AppError> {
    use crate::server::{billing::invoices, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        invoices::edit_amount(
            &state.db,
            id,
            &amount,
            &reason,
            Some(user.id),
            chrono::Utc::now(),
        )
        .await?;
        tracing::info!(user = %user.username, invoice = id, "invoice amount edited");
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::AmountEdit,
            format!("tagihan #{id}"),
            format!("jumlah {} · {}", amount.trim(), reason.trim()),
        )
        .await;
        Ok(())
    })
    .await
}
