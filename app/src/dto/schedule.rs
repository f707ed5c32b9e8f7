//! Wire types of the month Tagih runs by itself: the drafts on "Tinjau tagihan", the Jadwal
//! page (settings, next runs, recent runs) and the dashboard's next-action card.

use crate::domain::{dates::LocalTime, schedule::ScheduleSettings};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One draft invoice as the review lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftRow {
    pub id: i32,
    pub customer_id: i32,
    pub customer_code: String,
    pub customer_name: String,
    pub package_name: Option<String>,
    pub due_date: NaiveDate,
    pub amount: i64,
    /// The customer has a WhatsApp number the statement can go to.
    pub reachable: bool,
}

/// The drafts of one period, and the active customers the run left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftReview {
    /// `YYYY-MM`; empty when there are no drafts at all.
    pub period: String,
    pub period_label: String,
    /// Every period that has drafts, newest first.
    pub periods: Vec<String>,
    pub rows: Vec<DraftRow>,
    pub total_amount: i64,
    /// Active customers with no invoice (draft or issued) for the period.
    pub missing: Vec<MissingCustomer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingCustomer {
    pub id: i32,
    pub code: String,
    pub name: String,
    /// The price the run would charge (override, else package); `None` when it has none.
    pub price: Option<i64>,
}

/// "Terbitkan & kirim": what was issued and queued.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishResult {
    pub period: String,
    pub issued: u64,
    pub total_amount: i64,
    pub first_number: Option<String>,
    pub last_number: Option<String>,
    /// The job of the statements (none when nobody could be reached).
    pub job_id: Option<i32>,
    pub queued: u64,
    /// Customers with no message, and why (no number, already sent today…).
    pub not_sent: u64,
}

/// What one scheduled action did or would do, as the Jadwal page and `tagih schedule` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    pub id: i32,
    /// `invoice_run` or `reminder`.
    pub kind: String,
    /// `H-3`… for reminders.
    pub stage: Option<String>,
    /// The local day the action belongs to (the run's day, the stage's day).
    pub day: NaiveDate,
    /// `done`, `skipped`, `missed`.
    pub status: String,
    pub queued: i64,
    pub skipped: i64,
    /// Why customers were skipped, or why the whole action was (worded for the admin).
    pub detail: Option<String>,
    pub job_id: Option<i32>,
    pub at: LocalTime,
}

/// One upcoming action with what it would do if it ran now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextRun {
    pub kind: String,
    pub stage: Option<String>,
    pub day: NaiveDate,
    /// Local moment it happens (the run time, or the window's start).
    pub at: chrono::NaiveDateTime,
    /// Customers it would reach now (invoices for the run).
    pub customers: u64,
    /// "H-3 besok 09:00: 42 pelanggan".
    pub summary: String,
}

/// The Jadwal page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchedulePage {
    pub settings: ScheduleSettings,
    /// `TAGIH_SCHEDULER=off` on this server: the switch is shown but nothing ticks here.
    pub disabled_by_env: bool,
    /// When an instance last ticked (any instance), local.
    pub last_tick: Option<LocalTime>,
    pub next: Vec<NextRun>,
    pub recent: Vec<RunView>,
    /// Drafts waiting for review (count), with their period.
    pub drafts: u64,
    pub drafts_period: Option<String>,
}

/// The dashboard card: the next thing the scheduler (or the admin) does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextAction {
    pub enabled: bool,
    /// Drafts to review: the admin's move comes first.
    pub drafts: u64,
    pub drafts_period: Option<String>,
    pub next: Option<String>,
}

/// The schedule settings form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleForm {
    pub run_day: String,
    pub run_time: String,
    /// `drafts` or `issue_and_send`.
    pub run_mode: String,
    pub stages: String,
    pub window_start: String,
    pub window_end: String,
}
