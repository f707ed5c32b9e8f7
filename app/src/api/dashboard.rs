//! The dashboard's numbers.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardNumbers {
    /// This period, `YYYY-MM`, and "November 2026".
    pub period: String,
    pub period_label: String,
    pub active_customers: u64,
    /// Active customers without a usable WhatsApp number.
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
    /// Payments received this calendar month (local zone), whatever they paid for.
    pub collected_this_month: i64,
}

#[server(endpoint = "billing/dashboard")]
pub async fn load_dashboard() -> Result<DashboardNumbers, AppError> {
    use crate::server::{
        billing::{clock, dashboard},
        ctx,
    };
    ctx::respond(async move {
        let state = ctx::state()?;
        ctx::current_user()?;
        let tz = state.config.timezone;
        dashboard::numbers(&state.db, clock::today(tz), tz).await
    })
    .await
}
