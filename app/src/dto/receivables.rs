//! Piutang: who owes, bucketed by how late their oldest open invoice is.

use crate::domain::aging::AgingBucket;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgingRow {
    pub bucket: AgingBucket,
    /// Customers who owe something now.
    pub customers: u64,
    /// What they owe now (their statements' totals, credit deducted).
    pub owed: i64,
    /// Of those customers, how many can get a WhatsApp message.
    pub reachable: u64,
}

/// One debtor among the largest of a bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Debtor {
    pub customer_id: i32,
    pub code: String,
    pub name: String,
    pub owed: i64,
    pub oldest_due: NaiveDate,
    pub days_late: i64,
    pub bucket: AgingBucket,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgingSummary {
    pub today: NaiveDate,
    /// Every bucket, in order, empty ones included.
    pub rows: Vec<AgingRow>,
    pub total_customers: u64,
    pub total_owed: i64,
    /// The customers who owe the most and are late, most owed first.
    pub top: Vec<Debtor>,
}

/// How many debtors the Piutang page lists by name.
pub const TOP_DEBTORS: usize = 10;
