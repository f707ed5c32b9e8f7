//! Invoices (Tagihan): the monthly run, the invoice table, detail, payments, void. The CSV
//! export is a plain GET route (`/ekspor/tagihan.csv?…`) served by the server crate.

use crate::{
    domain::{
        billing::{InvoiceStatus, PaymentMethod},
        phone::PhoneStatus,
    },
    error::AppError,
};
use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PER_PAGE: u32 = 50;

/// Columns the invoice table sorts by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    #[default]
    Number,
    Customer,
    DueDate,
    Total,
    Status,
}

impl SortKey {
    pub const ALL: [SortKey; 5] = [
        SortKey::Number,
        SortKey::Customer,
        SortKey::DueDate,
        SortKey::Total,
        SortKey::Status,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Number => "number",
            SortKey::Customer => "customer",
            SortKey::DueDate => "due",
            SortKey::Total => "total",
            SortKey::Status => "status",
        }
    }

    /// Unknown text sorts by number.
    pub fn parse(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .unwrap_or_default()
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Number => "Nomor",
            SortKey::Customer => "Pelanggan",
            SortKey::DueDate => "Jatuh tempo",
            SortKey::Total => "Total",
            SortKey::Status => "Status",
        }
    }
}

/// The invoice table's filters, sort and page (also the export's filters). Text fields as in
/// the page's URL, so a link reproduces the view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceQuery {
    /// `YYYY-MM`; `current` = this month in the configured zone; empty = every period.
    #[serde(default)]
    pub period: String,
    /// `open` (unpaid or partial), `unpaid`, `partial`, `paid`, `void`; empty = all.
    #[serde(default)]
    pub status: String,
    /// Only open invoices past their due date.
    #[serde(default)]
    pub overdue: bool,
    /// Only customers with a number WhatsApp can be sent to.
    #[serde(default)]
    pub has_wa: bool,
    /// Customer name, customer code or invoice number.
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub desc: bool,
    /// 1-based.
    #[serde(default)]
    pub page: u32,
}

impl InvoiceQuery {
    /// `current` made concrete: the month of `today` (the page's default view).
    pub fn resolve_period(&mut self, today: NaiveDate) {
        if self.period == "current" {
            self.period = crate::domain::dates::Period::of(today).to_string();
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRow {
    pub id: i32,
    pub number: String,
    pub period: String,
    pub customer_id: i32,
    pub customer_code: String,
    pub customer_name: String,
    pub wa_number: Option<String>,
    pub phone_status: PhoneStatus,
    /// A WhatsApp message can be sent: a usable number WAHA has not said is unknown.
    pub wa_ok: bool,
    pub due_date: NaiveDate,
    pub package_name: Option<String>,
    pub amount: i64,
    pub arrears: i64,
    pub discount: i64,
    pub paid: i64,
    /// `amount + arrears - discount`, as on the message.
    pub total: i64,
    /// What this invoice itself still lacks.
    pub outstanding: i64,
    pub status: InvoiceStatus,
    pub overdue: bool,
}

/// How many invoices match the filters other than status/overdue, by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceCounts {
    pub all: u64,
    pub unpaid: u64,
    pub partial: u64,
    pub paid: u64,
    pub void: u64,
    pub overdue: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicePage {
    pub rows: Vec<InvoiceRow>,
    /// Rows matching every filter (for paging).
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub counts: InvoiceCounts,
    pub today: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerBrief {
    pub id: i32,
    pub code: String,
    pub name: String,
}

/// What a run for a period would do, before the admin confirms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunPreview {
    pub period: String,
    pub period_label: String,
    /// Invoices the run would create.
    pub to_create: u64,
    /// Sum of their `amount`.
    pub total_amount: i64,
    /// Active customers who already have an invoice for the period (skipped).
    pub existing: u64,
    /// Active customers without a package or price (skipped), the first few of them.
    pub no_price: Vec<CustomerBrief>,
    pub no_price_count: u64,
    /// The number the first new invoice would get.
    pub first_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunResult {
    pub period: String,
    pub period_label: String,
    pub created: u64,
    pub total_amount: i64,
    /// Already invoiced for this period: a second run creates nothing and says so here.
    pub skipped_existing: u64,
    pub skipped_no_price: u64,
    pub first_number: Option<String>,
    pub last_number: Option<String>,
}

/// One payment's share of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationView {
    pub payment_id: i32,
    pub paid_at: DateTime<Utc>,
    /// `paid_at` as a local date.
    pub paid_on: NaiveDate,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    /// Allocated to this invoice.
    pub amount: i64,
    /// The whole payment (it may have covered older invoices too).
    pub payment_amount: i64,
}

/// Everything about one invoice; also what the invoice message is rendered from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDetail {
    pub id: i32,
    pub number: String,
    pub period: String,
    /// `November 2026`.
    pub period_label: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub customer_id: i32,
    pub customer_code: String,
    pub customer_name: String,
    /// As entered.
    pub phone: Option<String>,
    pub phone_status: PhoneStatus,
    pub wa_number: Option<String>,
    pub wa_chat_id: Option<String>,
    pub wa_exists: Option<bool>,
    pub address: Option<String>,
    /// Snapshot at issue time.
    pub package_name: Option<String>,
    pub package_speed_mbps: Option<i32>,
    /// This period's charge.
    pub amount: i64,
    /// Owed on older invoices when this one was issued.
    pub arrears: i64,
    pub discount: i64,
    /// `amount + arrears - discount`: the total on the invoice message.
    pub total: i64,
    pub paid: i64,
    /// What this invoice itself still lacks.
    pub outstanding: i64,
    /// Owed on older invoices now (arrears paid since issue no longer count).
    pub current_arrears: i64,
    /// `outstanding + current_arrears`: what settles the customer up to this period.
    pub due_now: i64,
    pub status: InvoiceStatus,
    pub overdue: bool,
    /// Days past due (0 when not late).
    pub days_late: i64,
    /// Days until due (negative when late).
    pub days_until_due: i64,
    pub void_reason: Option<String>,
    pub voided_at: Option<DateTime<Utc>>,
    pub payments: Vec<AllocationView>,
    /// The local date the overdue figures were computed for.
    pub today: NaiveDate,
}

/// Where a payment went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationLine {
    pub invoice_id: i32,
    pub number: String,
    pub period: String,
    pub amount: i64,
    pub status_after: InvoiceStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentResult {
    pub payment_id: i32,
    pub customer_id: i32,
    pub amount: i64,
    pub allocations: Vec<AllocationLine>,
    /// Still owed after this payment.
    pub owed_after: i64,
}

/// Periods that have invoices (newest first) and the current one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicePeriods {
    pub current: String,
    pub periods: Vec<String>,
    pub today: NaiveDate,
}

/// The invoice table: filters, sort, a page of 50, counts. `period` may be `current` (this
/// month in the configured zone) or empty (every period).
#[server(endpoint = "billing/invoices")]
pub async fn list_invoices(query: InvoiceQuery) -> Result<InvoicePage, AppError> {
    use crate::server::{
        billing::{clock, invoices},
        ctx,
    };
    ctx::respond(async move {
        let state = ctx::state()?;
        ctx::current_user()?;
        let today = clock::today(state.config.timezone);
        let mut query = query;
        query.resolve_period(today);
        invoices::list(&state.db, &query, today).await
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
        let state = ctx::state()?;
        ctx::current_user()?;
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
        let state = ctx::state()?;
        ctx::current_user()?;
        let tz = state.config.timezone;
        invoices::detail(&state.db, id, clock::today(tz), tz).await
    })
    .await
}

/// What generating invoices for `period` would do.
#[server(endpoint = "billing/run-preview")]
pub async fn preview_run(period: String) -> Result<RunPreview, AppError> {
    use crate::server::{billing::invoices, ctx};
    ctx::respond(async move {
        let state = ctx::state()?;
        ctx::current_user()?;
        let period = invoices::parse_period(&period)?;
        invoices::preview_run(&state.db, period).await
    })
    .await
}

/// Generates the period's invoices: one per active customer, skipping those already invoiced.
#[server(endpoint = "billing/run")]
pub async fn run_invoices(period: String) -> Result<RunResult, AppError> {
    use crate::server::{
        billing::{clock, invoices},
        ctx,
    };
    ctx::respond(async move {
        let state = ctx::state()?;
        let user = ctx::current_user()?;
        let period = invoices::parse_period(&period)?;
        let today = clock::today(state.config.timezone);
        let result = invoices::run(&state.db, period, today, chrono::Utc::now()).await?;
        tracing::info!(user = %user.username, period = %result.period, created = result.created,
            skipped = result.skipped_existing, "invoice run");
        Ok(result)
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
        let state = ctx::state()?;
        let user = ctx::current_user()?;
        let tz = state.config.timezone;
        let input = payments::NewPayment {
            customer_id,
            invoice_id,
            amount,
            method,
            reference,
            paid_on,
            note,
        };
        payments::record(
            &state.db,
            &input,
            Some(user.id),
            clock::today(tz),
            chrono::Utc::now(),
            tz,
        )
        .await
    })
    .await
}

/// Cancels a payment recorded by mistake; the invoices it paid are open again.
#[server(endpoint = "billing/payment-delete")]
pub async fn delete_payment(payment_id: i32) -> Result<(), AppError> {
    use crate::server::{billing::payments, ctx};
    ctx::respond(async move {
        let state = ctx::state()?;
        let user = ctx::current_user()?;
        payments::delete(&state.db, payment_id, chrono::Utc::now()).await?;
        tracing::info!(user = %user.username, payment_id, "payment cancelled");
        Ok(())
    })
    .await
}

/// Voids an invoice that has no payments.
#[server(endpoint = "billing/invoice-void")]
pub async fn void_invoice(id: i32, reason: String) -> Result<(), AppError> {
    use crate::server::{billing::invoices, ctx};
    ctx::respond(async move {
        let state = ctx::state()?;
        let user = ctx::current_user()?;
        invoices::void(&state.db, id, &reason, chrono::Utc::now()).await?;
        tracing::info!(user = %user.username, invoice = id, "invoice voided");
        Ok(())
    })
    .await
}

/// Sets an invoice's discount (rupiah).
#[server(endpoint = "billing/invoice-discount")]
pub async fn set_discount(id: i32, discount: String) -> Result<(), AppError> {
    use crate::server::{billing::invoices, ctx};
    ctx::respond(async move {
        let state = ctx::state()?;
        ctx::current_user()?;
        invoices::set_discount(&state.db, id, &discount, chrono::Utc::now()).await
    })
    .await
}
