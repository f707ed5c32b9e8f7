//! Customers (Pelanggan): list, form, status, CSV import. The CSV export is a plain GET
//! route (`/ekspor/pelanggan.csv`) served by the server crate.
use crate::domain::{
    billing::{CustomerStatus, InvoiceStatus},
    phone::PhoneStatus,
};
use chrono::NaiveDate;
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
    /// First day of service: no invoice for periods before it.
    pub start_date: Option<NaiveDate>,
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
    /// `1`: only customers who owe something now.
    #[serde(default)]
    pub debt: String,
    /// `owed`: most owed first; anything else: by name.
    #[serde(default)]
    pub sort: String,
    /// 1-based.
    #[serde(default)]
    pub page: u32,
}

impl CustomerQuery {
    pub fn only_debtors(&self) -> bool {
        self.debt.trim() == "1"
    }

    pub fn by_owed(&self) -> bool {
        self.sort.trim() == "owed"
    }
}

/// A customer in the list, with what they owe now (the statement's figure).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerListRow {
    pub customer: CustomerRow,
    /// Open invoices' remainders less credit, never below zero.
    pub owed: i64,
    /// Months with an invoice still open.
    pub open_months: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerPage {
    pub rows: Vec<CustomerListRow>,
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
    /// What the customer owes now: the open invoices' remainders less credit.
    pub owed: i64,
    /// Paid in advance and not yet used (applied to the next invoice).
    pub credit: i64,
    /// Every change to this customer's money, newest first.
    pub money_log: Vec<crate::dto::invoices::MoneyLogView>,
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

/// A customer's statement page, as the admin copies it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatementLink {
    /// The full link (or only the path, when Tagih's public address is not set).
    pub url: String,
    /// `TAGIH_PUBLIC_URL` is set: the link works from a customer's phone.
    pub public: bool,
}
