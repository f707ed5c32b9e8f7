//! Pembayaran: the payments list, its totals, and the CSV export's filters.

use crate::domain::{billing::PaymentMethod, dates::LocalTime};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Filters as in the page's URL and the export link. Dates are local `YYYY-MM-DD`, both ends
/// included; empty `from` and `to` mean this month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// `cash`, `bank_transfer`, `ewallet`, `other`; empty = any.
    #[serde(default)]
    pub method: String,
    /// Who recorded it (a username); empty = anyone.
    #[serde(default)]
    pub user: String,
    /// Customer name or code.
    #[serde(default)]
    pub q: String,
    /// 1-based.
    #[serde(default)]
    pub page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentListRow {
    pub id: i32,
    pub paid_at: LocalTime,
    pub customer_id: i32,
    pub customer_code: String,
    pub customer_name: String,
    pub amount: i64,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    /// Username of who recorded it; empty for payments recorded by the system or an import.
    pub recorded_by: String,
    /// The invoices it paid (numbers), oldest first.
    pub invoices: Vec<String>,
    /// Kept as the customer's credit.
    pub credit: i64,
    pub reversed: Option<Reversal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reversal {
    pub at: LocalTime,
    pub by: String,
    pub reason: String,
}

/// A group's count and sum (live payments only; reversed ones are counted apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub key: String,
    pub label: String,
    pub count: u64,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentTotals {
    /// Money that came in: live payments only.
    pub count: u64,
    pub total: i64,
    pub reversed_count: u64,
    pub reversed_total: i64,
    pub by_method: Vec<Tally>,
    /// Key = username (empty label: "Sistem / impor").
    pub by_user: Vec<Tally>,
    /// Key = local date `YYYY-MM-DD`, newest first.
    pub by_day: Vec<Tally>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentPage {
    /// The local date (for the page's quick ranges).
    pub today: NaiveDate,
    /// The dates the filters resolved to (the defaults made concrete).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<PaymentListRow>,
    pub totals: PaymentTotals,
    pub page: u32,
    pub per_page: u32,
    /// Rows matching the filters, reversed ones included.
    pub matching: u64,
    /// Usernames that recorded payments (for the filter).
    pub users: Vec<String>,
}

pub const PAYMENTS_PER_PAGE: u32 = 50;

/// Longest range one page or export may cover (a year and a day).
pub const MAX_RANGE_DAYS: i64 = 366;
