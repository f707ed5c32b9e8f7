//! Pengiriman: send jobs, their live progress and per-recipient report, and the admin's
//! controls. Everything is read from the database, so every instance shows the same.

use crate::domain::{
    dates::{LocalTime, format_local},
    messages::TemplateKind,
    sending::{Hold, ItemState, JobKind, JobState, Pacing, format_duration},
};
use serde::{Deserialize, Serialize};

pub use crate::domain::sending::tick_label;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobCounts {
    pub pending: u64,
    pub sending: u64,
    pub sent: u64,
    pub failed: u64,
    pub unknown: u64,
    pub cancelled: u64,
    /// Not sent: no longer due when their turn came.
    #[serde(default)]
    pub skipped: u64,
}

impl JobCounts {
    /// Adds one item state's count.
    pub fn add(&mut self, state: ItemState, n: u64) {
        match state {
            ItemState::Pending => self.pending += n,
            ItemState::Sending => self.sending += n,
            ItemState::Sent => self.sent += n,
            ItemState::Failed => self.failed += n,
            ItemState::Unknown => self.unknown += n,
            ItemState::Cancelled => self.cancelled += n,
            ItemState::Skipped => self.skipped += n,
        }
    }

    pub fn total(&self) -> u64 {
        self.pending
            + self.sending
            + self.sent
            + self.failed
            + self.unknown
            + self.cancelled
            + self.skipped
    }

    /// Items that reached a final state.
    pub fn finished(&self) -> u64 {
        self.sent + self.failed + self.unknown + self.cancelled + self.skipped
    }

    /// 0–100, for the progress bar.
    pub fn percent(&self) -> u32 {
        (self.finished() * 100)
            .checked_div(self.total())
            .map_or(100, |p| p as u32)
    }
}

/// Quiet hours or the daily cap holding a session back, until a local moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldView {
    pub reason: Hold,
    pub until: LocalTime,
}

impl HoldView {
    /// "Ditahan: jam tenang sampai 03/12/2026 07:00".
    pub fn describe(&self) -> String {
        format!(
            "{} sampai {}",
            self.reason.label(),
            format_local(&self.until)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    pub id: i32,
    pub kind: JobKind,
    /// The job's template; `None` for a kind this version does not know.
    pub template: Option<TemplateKind>,
    pub state: JobState,
    /// Why it is paused, in plain Indonesian.
    pub pause_detail: Option<String>,
    /// Paused by a problem that clears by itself (e.g. the session reconnects).
    pub auto_resume: bool,
    /// Quiet hours / daily cap holding the session back.
    pub hold: Option<HoldView>,
    pub counts: JobCounts,
    /// Seconds left at the current pace, while it runs.
    pub eta_secs: Option<i64>,
    pub pacing: Pacing,
    pub description: Option<String>,
    pub created_at: LocalTime,
    pub finished_at: Option<LocalTime>,
}

impl JobView {
    pub fn is_active(&self) -> bool {
        self.state.is_active()
    }

    pub fn template_label(&self) -> &'static str {
        self.template.map_or("Pesan", TemplateKind::label)
    }

    /// "3 jam 20 menit".
    pub fn eta_label(&self) -> Option<String> {
        self.eta_secs
            .map(|s| format_duration(chrono::Duration::seconds(s)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    pub id: i32,
    pub customer: Option<String>,
    pub customer_code: Option<String>,
    pub invoice_id: Option<i32>,
    pub wa_number: String,
    pub state: ItemState,
    pub reason: Option<String>,
    /// Re-rendered because the money changed, skipped because paid, …
    pub note: Option<String>,
    pub wa_message_id: Option<String>,
    /// WhatsApp's delivery tick from `message.ack` ([`tick_label`] reads it).
    pub ack: Option<i16>,
    pub sent_at: Option<LocalTime>,
    pub attempts: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemPage {
    pub items: Vec<ItemView>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// The small indicator on every page: how many jobs are running and their overall progress.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveSummary {
    pub jobs: u64,
    pub paused: u64,
    pub finished: u64,
    pub total: u64,
}
