//! The dashboard's numbers.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardNumbers {
    /// This period, `YYYY-MM`, and "November 2026".
    pub period: String,
    pub period_label: String,
    pub active_customers: u64,
    /// Active customers a WhatsApp message cannot reach (no usable number, or not on WhatsApp).
    pub active_without_wa: u64,
    /// Invoices of this period (not void).
    pub invoices: u64,
    /// This period's charges: `amount - discount` of its invoices (arrears are not summed
    /// again: they are older invoices' money).
    pub billed: i64,
    pub paid: i64,
    pub outstanding: i64,
    /// Open invoices past their due date, any period.
    pub overdue_count: u64,
    pub overdue_sum: i64,
    /// What every customer owes now, all periods (the sum of their statements).
    pub owed_all: i64,
    /// Customers' unused credit.
    pub credit: i64,
    /// Payments received this calendar month (local zone), whatever they paid for.
    pub collected_this_month: i64,
}
