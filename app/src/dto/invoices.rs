//! Invoices (Tagihan): the monthly run, the invoice table, detail, payments, void. The CSV
//! export is a plain GET route (`/ekspor/tagihan.csv?…`) served by the server crate.

use crate::domain::{
    billing::{InvoiceStatus, MoneyChange, PaymentMethod},
    dates::LocalTime,
    phone::PhoneStatus,
};
use chrono::{DateTime, NaiveDate, Utc};
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
            SortKey::Total => "Tagihan",
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
    /// Piutang bucket (`1-30`, `31-60`, `61-90`, `90+`, `belum`): open invoices of the
    /// customers whose oldest open invoice is that late.
    #[serde(default)]
    pub aging: String,
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
    /// Snapshot at issue: what older invoices lacked then (a record, not owed money).
    pub arrears: i64,
    pub discount: i64,
    pub paid: i64,
    /// What this invoice itself still lacks.
    pub outstanding: i64,
    /// What the customer owes now over every open invoice, less credit (their statement).
    pub owed_now: i64,
    /// Open invoices of the customer (this one included when open).
    pub open_months: u32,
    pub status: InvoiceStatus,
    pub overdue: bool,
}

impl InvoiceRow {
    /// This period's bill: `amount - discount`.
    pub fn billed(&self) -> i64 {
        self.amount - self.discount
    }
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
    /// The period is before this month: the run must be confirmed by name.
    pub past: bool,
    /// Who would be invoiced (the first few), so a past run names them.
    pub who: Vec<CustomerBrief>,
    /// Customers whose first month is charged pro-rata.
    pub prorata: u64,
    /// Customers billed late, whose due date is the issue date plus the grace days.
    pub late_due: u64,
    /// The due-date and first-month rule, in words.
    pub rule: String,
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
    /// The run's record (for undo); `None` when it created nothing.
    pub run_id: Option<i32>,
    /// Customer credit used by the new invoices.
    pub credit_applied: i64,
}

/// A past invoice run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    pub id: i32,
    pub period: String,
    pub period_label: String,
    pub created: i32,
    pub total_amount: i64,
    pub at: LocalTime,
    pub by: Option<String>,
    pub undone_at: Option<LocalTime>,
}

/// One line of the money log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyLogView {
    pub at: LocalTime,
    pub kind: MoneyChange,
    pub who: Option<String>,
    pub invoice_number: Option<String>,
    pub before: Option<i64>,
    pub after: Option<i64>,
    pub reason: Option<String>,
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
    /// Cancelled (kept, no longer counted), with when and why.
    pub reversed_at: Option<LocalTime>,
    pub reverse_reason: Option<String>,
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
    /// Snapshot: owed on older invoices when this one was issued (a record; see `other_open`).
    pub arrears: i64,
    pub discount: i64,
    /// `amount - discount`: this period's bill.
    pub billed: i64,
    pub paid: i64,
    /// What this invoice itself still lacks.
    pub outstanding: i64,
    /// Owed now on the customer's other open invoices.
    pub other_open: i64,
    /// The customer's unused credit.
    pub credit: i64,
    /// What the customer owes now: their statement (every open invoice, less credit).
    pub due_now: i64,
    /// No payment has touched it and it is not void: the amount may be corrected.
    pub amount_editable: bool,
    pub money_log: Vec<MoneyLogView>,
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
    /// Paid beyond what was owed: kept as the customer's credit.
    pub credit_added: i64,
}

/// Periods that have invoices (newest first) and the current one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicePeriods {
    pub current: String,
    pub periods: Vec<String>,
    pub today: NaiveDate,
}
