//! Sending policy: pacing presets, gaps, retry backoff, quiet hours, daily cap and ETA.
//! Pure, so the bulk modal can show the same ETA the server will keep to.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// Retries after a transient failure before the item is given up as failed.
pub const MAX_ATTEMPTS: i32 = 6;

/// A send job's state. Stored as its `as_str` text; this is the one mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Paused,
    Done,
    Cancelled,
}

impl JobState {
    pub const ALL: [JobState; 5] = [
        JobState::Queued,
        JobState::Running,
        JobState::Paused,
        JobState::Done,
        JobState::Cancelled,
    ];
    /// Jobs that may still send.
    pub const ACTIVE: [JobState; 3] = [JobState::Queued, JobState::Running, JobState::Paused];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Paused => "paused",
            JobState::Done => "done",
            JobState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            JobState::Queued => "Dalam antrean",
            JobState::Running => "Berjalan",
            JobState::Paused => "Dijeda",
            JobState::Done => "Selesai",
            JobState::Cancelled => "Dibatalkan",
        }
    }

    pub fn is_active(self) -> bool {
        Self::ACTIVE.contains(&self)
    }
}

/// One message's state in the outbox. Stored as its `as_str` text; this is the one mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    Pending,
    Sending,
    Sent,
    Failed,
    /// The claimer died mid-send and the chat could not tell whether it went: the admin decides.
    Unknown,
    Cancelled,
    /// Not sent because it was no longer due when its turn came (the customer paid).
    Skipped,
}

impl ItemState {
    pub const ALL: [ItemState; 7] = [
        ItemState::Pending,
        ItemState::Sending,
        ItemState::Sent,
        ItemState::Failed,
        ItemState::Unknown,
        ItemState::Cancelled,
        ItemState::Skipped,
    ];
    /// States in which the message went, or may still go, to the customer.
    pub const LIVE: [ItemState; 4] = [
        ItemState::Pending,
        ItemState::Sending,
        ItemState::Sent,
        ItemState::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Pending => "pending",
            ItemState::Sending => "sending",
            ItemState::Sent => "sent",
            ItemState::Failed => "failed",
            ItemState::Unknown => "unknown",
            ItemState::Cancelled => "cancelled",
            ItemState::Skipped => "skipped",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ItemState::Pending => "Menunggu",
            ItemState::Sending => "Mengirim",
            ItemState::Sent => "Terkirim",
            ItemState::Failed => "Gagal",
            ItemState::Unknown => "Tidak pasti",
            ItemState::Cancelled => "Dibatalkan",
            ItemState::Skipped => "Dilewati",
        }
    }

    /// Reached a final state (nothing more will happen without the admin).
    pub fn is_final(self) -> bool {
        !matches!(self, ItemState::Pending | ItemState::Sending)
    }
}

/// Where a job came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// One message from an invoice row (or a receipt).
    Single,
    /// "Kirim Semua via WhatsApp".
    Bulk,
    /// Queued by the schedule: a reminder stage, or the statements of a published run.
    Scheduled,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Single => "single",
            JobKind::Bulk => "bulk",
            JobKind::Scheduled => "scheduled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [JobKind::Single, JobKind::Bulk, JobKind::Scheduled]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// What the admin can do to a job on the Pengiriman page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobAction {
    Pause,
    Resume,
    Cancel,
    ResendFailed,
}

impl JobAction {
    /// What the admin reads after the action; `n`: failed messages queued again.
    pub fn done_message(self, n: u64) -> String {
        match self {
            JobAction::Pause => "Pengiriman dijeda.".into(),
            JobAction::Resume => "Pengiriman dilanjutkan.".into(),
            JobAction::Cancel => {
                "Pengiriman dibatalkan. Pesan yang belum terkirim tidak akan dikirim.".into()
            }
            JobAction::ResendFailed => format!("{n} pesan gagal dimasukkan lagi ke antrean."),
        }
    }
}

/// A delivery tick from `message.ack`, as the report shows it.
pub fn tick_label(ack: Option<i16>) -> Option<&'static str> {
    match ack? {
        a if a < 0 => Some("Gagal terkirim"),
        0 => Some("Menunggu"),
        1 => Some("✓ Terkirim ke server"),
        2 => Some("✓✓ Diterima"),
        _ => Some("✓✓ Dibaca"),
    }
}

/// How messages are spaced. `jitter_ms` is added at random (0..=jitter) to every gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pacing {
    pub delay_ms: i64,
    pub jitter_ms: i64,
}

impl Pacing {
    /// The original system's fixed 2 s.
    pub const ORIGINAL: Pacing = Pacing {
        delay_ms: 2_000,
        jitter_ms: 0,
    };
    /// WAHA's own advice against bans: a random 30–60 s gap.
    pub const SAFE: Pacing = Pacing {
        delay_ms: 30_000,
        jitter_ms: 30_000,
    };

    /// "jeda 2 detik", "jeda acak 30–60 detik".
    pub fn label(&self) -> String {
        let secs = |ms: i64| {
            if ms % 1000 == 0 {
                format!("{}", ms / 1000)
            } else {
                format!("{:.1}", ms as f64 / 1000.0)
            }
        };
        if self.jitter_ms == 0 {
            format!("jeda {} detik", secs(self.delay_ms))
        } else {
            format!(
                "jeda acak {}–{} detik",
                secs(self.delay_ms),
                secs(self.delay_ms + self.jitter_ms)
            )
        }
    }

    /// Average gap, for the ETA.
    pub fn mean_ms(&self) -> i64 {
        self.delay_ms + self.jitter_ms / 2
    }

    /// The gap before the next send: delay plus `unit` (0.0..1.0) of the jitter, stretched by the
    /// slow-down factor that rate limiting has set.
    pub fn gap(&self, unit: f64, slowdown: i32) -> Duration {
        let jitter = (self.jitter_ms as f64 * unit.clamp(0.0, 1.0)) as i64;
        Duration::milliseconds((self.delay_ms + jitter) * i64::from(slowdown.max(1)))
    }
}

/// Admin-wide limits that hold messages back (Pengaturan → kebijakan pengiriman).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendPolicy {
    /// Most messages per WhatsApp session per local day; `None` = no cap.
    pub daily_cap: Option<u32>,
    /// Local quiet window, e.g. 21:00–07:00; nothing is sent inside it.
    pub quiet: Option<QuietHours>,
}

impl Default for SendPolicy {
    fn default() -> Self {
        Self {
            daily_cap: None,
            quiet: Some(QuietHours {
                start: NaiveTime::from_hms_opt(21, 0, 0).expect("valid"),
                end: NaiveTime::from_hms_opt(7, 0, 0).expect("valid"),
            }),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl QuietHours {
    /// "21:00–07:00".
    pub fn label(&self) -> String {
        format!(
            "{}–{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }

    /// When `now` (local) falls inside the window, the local moment it ends.
    pub fn until(&self, now: NaiveDateTime) -> Option<NaiveDateTime> {
        let t = now.time();
        let today = now.date();
        if self.start == self.end {
            return None;
        }
        if self.start < self.end {
            // Same-day window, e.g. 12:00–13:00.
            (t >= self.start && t < self.end).then(|| today.and_time(self.end))
        } else if t >= self.start {
            // Overnight window, evening part: ends tomorrow morning.
            Some((today + Duration::days(1)).and_time(self.end))
        } else if t < self.end {
            Some(today.and_time(self.end))
        } else {
            None
        }
    }
}

/// Why a session is not sending right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Hold {
    QuietHours,
    DailyCap,
}

impl Hold {
    pub fn code(&self) -> &'static str {
        match self {
            Hold::QuietHours => "quiet_hours",
            Hold::DailyCap => "daily_cap",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "quiet_hours" => Some(Hold::QuietHours),
            "daily_cap" => Some(Hold::DailyCap),
            _ => None,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Hold::QuietHours => "Ditahan: jam tenang",
            Hold::DailyCap => "Ditahan: batas harian tercapai",
        }
    }
}

impl SendPolicy {
    /// Whether sending must wait, and until which local moment.
    pub fn hold(&self, now: NaiveDateTime, sent_today: u32) -> Option<(Hold, NaiveDateTime)> {
        if let Some(q) = &self.quiet
            && let Some(until) = q.until(now)
        {
            return Some((Hold::QuietHours, until));
        }
        if let Some(cap) = self.daily_cap
            && sent_today >= cap
        {
            let midnight = (now.date() + Duration::days(1)).and_time(NaiveTime::MIN);
            return Some((Hold::DailyCap, midnight));
        }
        None
    }
}

/// Wait before retry `attempt` (1-based) after a transient failure: 10 s doubling, capped at
/// 5 min. Invoices go stale, so retries span minutes, not the days job queues default to.
pub fn backoff(attempt: i32, unit: f64) -> Duration {
    let exp = (attempt.max(1) - 1).min(10) as u32;
    let base_ms = (10_000i64 << exp).min(300_000);
    // ±20 % so failed items do not retry in lockstep.
    let spread = (base_ms as f64 * 0.2 * (unit.clamp(0.0, 1.0) * 2.0 - 1.0)) as i64;
    Duration::milliseconds(base_ms + spread)
}

/// Rough time to send `remaining` messages at this pacing.
pub fn eta(remaining: u64, pacing: &Pacing, slowdown: i32) -> Duration {
    let per = pacing.mean_ms() * i64::from(slowdown.max(1));
    Duration::milliseconds(per.saturating_mul(remaining.min(i64::MAX as u64) as i64))
}

/// "3 jam 20 menit", "45 detik", for the ETA.
pub fn format_duration(d: Duration) -> String {
    let secs = d.num_seconds().max(0);
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s} detik"),
        (0, m) => format!("{m} menit"),
        (h, 0) => format!("{h} jam"),
        (h, m) => format!("{h} jam {m} menit"),
    }
}

/// The local day key used for the daily cap.
pub fn day_key(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 26)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn overnight_quiet_hours_hold_until_morning() {
        let q = SendPolicy::default().quiet.unwrap();
        assert_eq!(q.until(at(22, 0)), Some(at(7, 0) + Duration::days(1)));
        assert_eq!(q.until(at(3, 30)), Some(at(7, 0)));
        assert_eq!(q.until(at(7, 0)), None);
        assert_eq!(q.until(at(20, 59)), None);
        assert_eq!(q.until(at(21, 0)), Some(at(7, 0) + Duration::days(1)));
    }

    #[test]
    fn same_day_quiet_window() {
        let q = QuietHours {
            start: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(13, 0, 0).unwrap(),
        };
        assert_eq!(q.until(at(12, 30)), Some(at(13, 0)));
        assert_eq!(q.until(at(13, 0)), None);
        assert_eq!(q.until(at(11, 59)), None);
    }

    #[test]
    fn daily_cap_holds_until_local_midnight_and_quiet_hours_win() {
        let p = SendPolicy {
            daily_cap: Some(100),
            quiet: None,
        };
        assert_eq!(p.hold(at(10, 0), 99), None);
        assert_eq!(
            p.hold(at(10, 0), 100),
            Some((Hold::DailyCap, at(0, 0) + Duration::days(1)))
        );
        let both = SendPolicy {
            daily_cap: Some(1),
            ..SendPolicy::default()
        };
        assert_eq!(both.hold(at(23, 0), 5).unwrap().0, Hold::QuietHours);
    }

    #[test]
    fn gaps_follow_delay_jitter_and_slowdown() {
        assert_eq!(Pacing::ORIGINAL.gap(0.7, 1), Duration::seconds(2));
        assert_eq!(Pacing::SAFE.gap(0.0, 1), Duration::seconds(30));
        assert_eq!(Pacing::SAFE.gap(1.0, 1), Duration::seconds(60));
        assert_eq!(Pacing::ORIGINAL.gap(0.0, 4), Duration::seconds(8));
        assert_eq!(Pacing::SAFE.mean_ms(), 45_000);
    }

    #[test]
    fn backoff_doubles_with_spread_and_caps_at_five_minutes() {
        assert_eq!(backoff(1, 0.5), Duration::seconds(10));
        assert_eq!(backoff(2, 0.5), Duration::seconds(20));
        assert_eq!(backoff(3, 0.5), Duration::seconds(40));
        assert_eq!(backoff(9, 0.5), Duration::minutes(5));
        assert!(
            backoff(1, 0.0) >= Duration::seconds(8) && backoff(1, 1.0) <= Duration::seconds(12)
        );
    }

    #[test]
    fn states_round_trip_through_their_stored_text() {
        for s in JobState::ALL {
            assert_eq!(JobState::parse(s.as_str()), Some(s));
        }
        for s in ItemState::ALL {
            assert_eq!(ItemState::parse(s.as_str()), Some(s));
        }
        assert_eq!(JobKind::parse("bulk"), Some(JobKind::Bulk));
        assert_eq!(JobState::parse("later"), None);
        assert!(ItemState::Unknown.is_final() && !ItemState::Sending.is_final());
    }

    #[test]
    fn pacing_reads_in_indonesian() {
        assert_eq!(Pacing::ORIGINAL.label(), "jeda 2 detik");
        assert_eq!(Pacing::SAFE.label(), "jeda acak 30–60 detik");
    }

    #[test]
    fn eta_reads_in_indonesian() {
        assert_eq!(format_duration(eta(300, &Pacing::ORIGINAL, 1)), "10 menit");
        assert_eq!(
            format_duration(eta(300, &Pacing::SAFE, 1)),
            "3 jam 45 menit"
        );
        assert_eq!(format_duration(Duration::seconds(42)), "42 detik");
        assert_eq!(format_duration(Duration::hours(2)), "2 jam");
    }
}
