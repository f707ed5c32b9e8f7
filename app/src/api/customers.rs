//! Customers (Pelanggan): list, form, status, CSV import. The CSV export is a plain GET
//! route (`/ekspor/pelanggan.csv`) served by the server crate.

// The customer form posts its fields flat (ActionForm names = argument names), and the
// server macro's client half does not carry an item-level allow.
#![allow(clippy::too_many_arguments)]

use crate::{
    domain::{
        billing::{CustomerStatus, InvoiceStatus},
        phone::PhoneStatus,
    },
    error::AppError,
};
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const PER_PAGE: u32 = 50;

/// One customer as lists and forms show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub id: i32,
    pub code: String,
    pub name: String,
    /// As entered.
    pub phone: Option<String>,
    pub phone_status: PhoneStatus,
    /// Normalised digits, `62812…`.
    pub wa_number: Option<String>,
    /// WAHA's chat id once checked, `<digits>@c.us` before.
    pub wa_chat_id: Option<String>,
    /// WAHA's check-exists answer; `None` = never asked.
    pub wa_exists: Option<bool>,
    pub address: Option<String>,
    pub package_id: Option<i32>,
    pub package_name: Option<String>,
    pub package_speed_mbps: Option<i32>,
    pub price_override: Option<i64>,
    /// What the next invoice will charge: the override, else the package price.
    pub monthly_price: Option<i64>,
    pub billing_day: i16,
    pub status: CustomerStatus,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerQuery {
    /// Name, code, phone number or address.
    #[serde(default)]
    pub q: String,
    /// `active`, `suspended`, `terminated`; empty = all.
    #[serde(default)]
    pub status: String,
    /// `valid`, `warning`, `missing`, `invalid`; empty = all.
    #[serde(default)]
    pub phone: String,
    /// 1-based.
    #[serde(default)]
    pub page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerPage {
    pub rows: Vec<CustomerRow>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// An invoice still expecting money, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenInvoice {
    pub id: i32,
    pub number: String,
    pub period: String,
    pub due_date: NaiveDate,
    pub amount: i64,
    pub discount: i64,
    pub paid: i64,
    pub outstanding: i64,
    pub status: InvoiceStatus,
}

/// A customer with what they owe now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetail {
    pub customer: CustomerRow,
    pub open_invoices: Vec<OpenInvoice>,
    /// Sum of the open invoices' outstanding amounts.
    pub owed: i64,
    /// The server's local date (for the payment form's default date).
    pub today: NaiveDate,
}

/// A problem in one cell of an imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowIssue {
    /// Line in the file, the header being line 1.
    pub row: usize,
    pub column: String,
    pub value: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Data rows read (the header not counted).
    pub rows: usize,
    /// Rows without errors.
    pub valid: usize,
    /// Rows saved (0 when there were errors and only-valid was not chosen).
    pub imported: usize,
    /// Rows with errors (each may have several issues).
    pub invalid_rows: usize,
    /// Errors (up to [`ISSUES_SHOWN`]); a row with an error is not imported.
    pub errors: Vec<RowIssue>,
    /// Imported anyway, but worth a look (e.g. a number WhatsApp may not know).
    pub warnings: Vec<RowIssue>,
    /// Errors and warnings not listed because there were too many.
    pub more_issues: usize,
    /// Header names not recognised (their values were not imported).
    pub ignored_columns: Vec<String>,
    /// The delimiter found: `,` or `;` (or tab).
    pub delimiter: String,
}

pub const ISSUES_SHOWN: usize = 200;

/// Customers matching a search, 50 per page.
#[server(endpoint = "billing/customers")]
pub async fn list_customers(query: CustomerQuery) -> Result<CustomerPage, AppError> {
    use crate::server::{billing::customers, ctx};
    ctx::respond(async move {
        let state = ctx::state()?;
        ctx::current_user()?;
        customers::list(&state.db, &query).await
    })
    .await
}

/// One customer with their open invoices.
#[server(endpoint = "billing/customer")]
pub async fn get_customer(id: i32) -> Result<CustomerDetail, AppError> {
    use crate::server::{
        billing::{clock, customers},
        ctx,
    };
    ctx::respond(async move {
        let state = ctx::state()?;
        ctx::current_user()?;
        customers::detail(&state.db, id, clock::today(state.config.timezone)).await
    })
    .await
}

/// Creates (no `id`) or edits a customer; fields as typed, so each problem is reported on
/// its field and nothing is saved.
#[server(endpoint = "billing/customer-save")]
pub async fn save_customer(
    id: Option<i32>,
    name: String,
    phone: String,
    address: String,
    package_id: String,
    price_override: String,
    billing_day: String,
    status: String,
    notes: String,
) -> Result<CustomerRow, AppError> {
    use crate::server::{billing::customers, ctx};
    ctx::respond(async move {
        let state = ctx::state()?;
        ctx::current_user()?;
        let input = customers::CustomerInput {
            name,
            phone,
            address,
            package_id,
            price_override,
            billing_day,
            status,
            notes,
        };
        let now = chrono::Utc::now();
        match id {
            None => customers::create(&state.db, &input, now).await,
            Some(id) => customers::update(&state.db, id, &input, now).await,
        }
    })
    .await
}

/// Active, suspended (ditangguhkan) or terminated (berhenti). Only active customers are
/// billed by the monthly run.
#[server(endpoint = "billing/customer-status")]
pub async fn set_customer_status(id: i32, status: String) -> Result<(), AppError> {
    use crate::server::{billing::customers, ctx};
    ctx::respond(async move {
        let state = ctx::state()?;
        ctx::current_user()?;
        customers::set_status(&state.db, id, &status, chrono::Utc::now()).await
    })
    .await
}

/// Imports customers from CSV text. Every row is checked first; with any error nothing is
/// saved, unless `only_valid` asks to save the rows without errors.
#[server(endpoint = "billing/customer-import")]
pub async fn import_customers(csv: String, only_valid: bool) -> Result<ImportReport, AppError> {
    use crate::server::{billing::csv_io, ctx};
    ctx::respond(async move {
        let state = ctx::state()?;
        ctx::current_user()?;
        csv_io::import_customers(&state.db, &csv, only_valid, chrono::Utc::now()).await
    })
    .await
}
