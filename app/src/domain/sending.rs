//! Sending policy: pacing presets, gaps, retry backoff, quiet hours, daily cap, waves and ETA.
//! Pure, so the bulk modal can show the same ETA the server will keep to.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
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

/// Stored in `ack` when a sent message got no "delivered" tick within [`ACK_TIMEOUT_HOURS`]
/// (WAHA's own codes stop at -1 = error). A tick that still comes later replaces it.
pub const ACK_NOT_DELIVERED: i16 = -2;

/// How long Tagih waits for a sent message's "delivered" tick before calling it not delivered.
pub const ACK_TIMEOUT_HOURS: i64 = 24;

/// A delivery tick from `message.ack` (or polled from the chat), as the report shows it.
pub fn tick_label(ack: Option<i16>) -> Option<&'static str> {
    match ack? {
        ACK_NOT_DELIVERED => Some("✗ Tidak diterima"),
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
    /// Send in waves with a longer pause between them; `None` = one continuous stream. A policy
    /// saved before waves existed gets the default, so upgrading makes sending safer, not faster.
    #[serde(default = "default_waves")]
    pub waves: Option<Waves>,
    /// A newly linked number's daily cap rises day by day; `None` = no warm-up.
    #[serde(default = "default_warmup")]
    pub warmup: Option<WarmUp>,
    /// Pause sending when WhatsApp shows the early signs of a ban; `None` = never.
    #[serde(default = "default_guard")]
    pub guard: Option<BanGuard>,
}

fn default_guard() -> Option<BanGuard> {
    Some(BanGuard::DEFAULT)
}

/// The early signs of a ban, watched over a rolling window per WhatsApp session (WAHA §7:
/// "stop when WhatsApp starts refusing").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BanGuard {
    /// The window looked at, in minutes.
    pub window_mins: u32,
    /// Fewer finished messages than this in the window decide nothing.
    pub min_sample: u32,
    /// Pause when more than this share (percent) of the window's messages failed.
    pub max_failed_pct: u32,
    /// A sent message is "not delivered" when its "delivered" tick has not come after this many
    /// minutes.
    pub undelivered_after_mins: u32,
    /// Pause when more than this share (percent) of the messages old enough are not delivered.
    pub max_undelivered_pct: u32,
}

impl BanGuard {
    /// WAHA's guidance is qualitative; these numbers stop a send long before the 5–10 spam
    /// reports that ban a number, while one customer with a dead phone never trips them.
    pub const DEFAULT: BanGuard = BanGuard {
        window_mins: 60,
        min_sample: 10,
        max_failed_pct: 30,
        undelivered_after_mins: 30,
        max_undelivered_pct: 50,
    };

    /// The sign the window shows, if any. The 463 refusal counts at once: WhatsApp has
    /// already stopped this number from starting chats.
    pub fn verdict(&self, w: &GuardWindow) -> Option<BanSignal> {
        if w.refused > 0 {
            return Some(BanSignal::Refused { count: w.refused });
        }
        let finished = w.sent + w.failed;
        if finished >= u64::from(self.min_sample.max(1))
            && w.failed * 100 > finished * u64::from(self.max_failed_pct)
        {
            return Some(BanSignal::Failing {
                failed: w.failed,
                of: finished,
            });
        }
        if w.awaited >= u64::from(self.min_sample.max(1))
            && w.undelivered * 100 > w.awaited * u64::from(self.max_undelivered_pct)
        {
            return Some(BanSignal::Undelivered {
                undelivered: w.undelivered,
                of: w.awaited,
                after_mins: self.undelivered_after_mins,
            });
        }
        None
    }
}

/// What a session's recent messages did, for [`BanGuard::verdict`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardWindow {
    /// Sent in the window.
    pub sent: u64,
    /// Given up in the window (not counting numbers that are not on WhatsApp: that is the
    /// customer's data, and WhatsApp was never asked to deliver them).
    pub failed: u64,
    /// WhatsApp's 463 "cannot start new chats" in the window.
    pub refused: u64,
    /// Sent messages old enough to have been delivered by now.
    pub awaited: u64,
    /// Of those, the ones without a "delivered" tick.
    pub undelivered: u64,
}

/// An early sign of a ban, explained for the admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BanSignal {
    Failing {
        failed: u64,
        of: u64,
    },
    Undelivered {
        undelivered: u64,
        of: u64,
        after_mins: u32,
    },
    Refused {
        count: u64,
    },
}

impl BanSignal {
    pub const PAUSE_CODE: &'static str = "ban_signal";

    /// What happened and what to do, in plain Indonesian.
    pub fn message(&self) -> String {
        match self {
            BanSignal::Failing { failed, of } => format!(
                "Pengiriman dihentikan sementara: {failed} dari {of} pesan terakhir gagal. Ini bisa tanda awal nomor akan diblokir WhatsApp. Buka WhatsApp di HP dan pastikan nomor masih bisa mengirim pesan biasa, tunggu beberapa jam, lalu lanjutkan dari halaman Pengiriman."
            ),
            BanSignal::Undelivered {
                undelivered,
                of,
                after_mins,
            } => format!(
                "Pengiriman dihentikan sementara: {undelivered} dari {of} pesan belum diterima pelanggan setelah {after_mins} menit. WhatsApp mungkin sedang menahan pesan dari nomor ini. Periksa nomor di HP, kirim lebih pelan (jeda acak, gelombang lebih kecil), lalu lanjutkan dari halaman Pengiriman."
            ),
            BanSignal::Refused { count } => format!(
                "Pengiriman dihentikan sementara: WhatsApp menolak memulai chat baru dari nomor ini ({count}× error 463). Pembatasan ini biasanya berlangsung beberapa jam sampai beberapa hari. Jangan kirim ke nomor baru dulu; lanjutkan dari halaman Pengiriman setelah itu."
            ),
        }
    }
}

fn default_waves() -> Option<Waves> {
    Some(Waves::DEFAULT)
}

fn default_warmup() -> Option<WarmUp> {
    Some(WarmUp::DEFAULT)
}

/// WAHA: no bulk sends from a freshly linked number. For `days` days after Tagih first saw the
/// number working, its daily cap is `first_cap` on day 1 and `step` more each day after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarmUp {
    pub days: u32,
    pub first_cap: u32,
    pub step: u32,
}

impl WarmUp {
    /// 20 messages on day 1, 40 on day 2, … 280 on day 14; no warm-up cap from day 15.
    pub const DEFAULT: WarmUp = WarmUp {
        days: 14,
        first_cap: 20,
        step: 20,
    };

    /// Which day of the warm-up `today` is (1-based) for a number first seen working on
    /// `since`; `None` once it is over.
    pub fn day(&self, since: NaiveDate, today: NaiveDate) -> Option<u32> {
        let day = (today - since).num_days().max(0) + 1;
        u32::try_from(day).ok().filter(|d| *d <= self.days)
    }

    pub fn cap_on(&self, day: u32) -> u32 {
        self.first_cap
            .saturating_add(self.step.saturating_mul(day.saturating_sub(1)))
    }

    /// "Pemanasan: hari 3 dari 14, batas hari ini 60 pesan".
    pub fn describe(&self, day: u32) -> String {
        format!(
            "Pemanasan: hari {day} dari {}, batas hari ini {} pesan",
            self.days,
            self.cap_on(day)
        )
    }
}

impl Default for SendPolicy {
    fn default() -> Self {
        Self {
            daily_cap: None,
            quiet: Some(QuietHours {
                start: NaiveTime::from_hms_opt(21, 0, 0).expect("valid"),
                end: NaiveTime::from_hms_opt(7, 0, 0).expect("valid"),
            }),
            waves: default_waves(),
            warmup: default_warmup(),
            guard: default_guard(),
        }
    }
}

/// WAHA's advice against bans: "send in packages and pause". At most `size` messages close
/// together, then at least `pause_mins` before the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waves {
    pub size: u32,
    pub pause_mins: u32,
}

impl Waves {
    /// 25 messages (about 20 minutes at the safe pacing), then 20 minutes of rest.
    pub const DEFAULT: Waves = Waves {
        size: 25,
        pause_mins: 20,
    };

    pub fn pause(&self) -> Duration {
        Duration::minutes(i64::from(self.pause_mins))
    }

    /// The end of the pause the session owes now, if any. `recent` are its latest sends, newest
    /// first (at least `size` of them when there are that many). The wave is full when the last
    /// `size` sends came with no pause between them; it is stateless, so a restart or another
    /// instance sees the same wave.
    pub fn hold_until(
        &self,
        recent: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let size = self.size as usize;
        if size == 0 || recent.len() < size {
            return None;
        }
        let wave = &recent[..size];
        if wave.windows(2).any(|w| w[0] - w[1] >= self.pause()) {
            return None;
        }
        let until = wave[0] + self.pause();
        (until > now).then_some(until)
    }

    /// Pauses on the way through `remaining` messages (none after the last one).
    pub fn pauses(&self, remaining: u64) -> u64 {
        if self.size == 0 {
            0
        } else {
            remaining.saturating_sub(1) / u64::from(self.size)
        }
    }

    /// "istirahat 20 menit setiap 25 pesan".
    pub fn label(&self) -> String {
        format!(
            "istirahat {} menit setiap {} pesan",
            self.pause_mins, self.size
        )
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
    /// A wave was sent; the session rests before the next.
    WavePause,
    /// A newly linked number reached today's warm-up cap.
    WarmUp,
}

impl Hold {
    pub fn code(&self) -> &'static str {
        match self {
            Hold::QuietHours => "quiet_hours",
            Hold::DailyCap => "daily_cap",
            Hold::WavePause => "wave_pause",
            Hold::WarmUp => "warm_up",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "quiet_hours" => Some(Hold::QuietHours),
            "daily_cap" => Some(Hold::DailyCap),
            "wave_pause" => Some(Hold::WavePause),
            "warm_up" => Some(Hold::WarmUp),
            _ => None,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Hold::QuietHours => "Ditahan: jam tenang",
            Hold::DailyCap => "Ditahan: batas harian tercapai",
            Hold::WavePause => "Ditahan: istirahat antar-gelombang",
            Hold::WarmUp => "Ditahan: batas harian pemanasan nomor baru",
        }
    }
}

impl SendPolicy {
    /// Nothing holds: no quiet hours, cap, waves or warm-up (tests and benchmarks that send
    /// at any hour, as fast as their pacing allows).
    pub fn unlimited() -> Self {
        Self {
            daily_cap: None,
            quiet: None,
            waves: None,
            warmup: None,
            guard: None,
        }
    }

    /// Whether sending must wait, and until which local moment.
    pub fn hold(&self, now: NaiveDateTime, sent_today: u32) -> Option<(Hold, NaiveDateTime)> {
        self.hold_warming(now, sent_today, None)
    }

    /// [`Self::hold`] for a number on day `warm_day` of its warm-up: the lower of the daily cap
    /// and the warm-up's cap holds.
    pub fn hold_warming(
        &self,
        now: NaiveDateTime,
        sent_today: u32,
        warm_day: Option<u32>,
    ) -> Option<(Hold, NaiveDateTime)> {
        if let Some(q) = &self.quiet
            && let Some(until) = q.until(now)
        {
            return Some((Hold::QuietHours, until));
        }
        let midnight = (now.date() + Duration::days(1)).and_time(NaiveTime::MIN);
        if let Some(cap) = self.daily_cap
            && sent_today >= cap
        {
            return Some((Hold::DailyCap, midnight));
        }
        if let (Some(w), Some(day)) = (&self.warmup, warm_day)
            && sent_today >= w.cap_on(day)
        {
            return Some((Hold::WarmUp, midnight));
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

/// [`eta`] plus the rests between waves.
pub fn eta_in_waves(
    remaining: u64,
    pacing: &Pacing,
    slowdown: i32,
    waves: Option<&Waves>,
) -> Duration {
    let rests = waves.map_or(Duration::zero(), |w| {
        w.pause() * i32::try_from(w.pauses(remaining)).unwrap_or(i32::MAX)
    });
    eta(remaining, pacing, slowdown) + rests
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
            ..SendPolicy::unlimited()
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
    fn a_full_wave_rests_and_a_rest_already_taken_starts_a_new_wave() {
        let w = Waves {
            size: 3,
            pause_mins: 20,
        };
        let t0 = DateTime::parse_from_rfc3339("2026-12-03T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let min = |m: i64| t0 + Duration::minutes(m);
        // Two sends: the wave is not full.
        assert_eq!(w.hold_until(&[min(1), min(0)], min(2)), None);
        // Three a minute apart: rest 20 minutes from the last one.
        let full = [min(2), min(1), min(0)];
        assert_eq!(w.hold_until(&full, min(3)), Some(min(22)));
        assert_eq!(w.hold_until(&full, min(22)), None, "rested enough");
        // After the rest, one more send: a new wave has begun, not a full one.
        assert_eq!(w.hold_until(&[min(23), min(2), min(1)], min(24)), None);
        assert_eq!(
            w.hold_until(&[min(25), min(24), min(23)], min(26)),
            Some(min(45))
        );
        // Sends spread over the day never make a wave.
        assert_eq!(w.hold_until(&[min(90), min(60), min(30)], min(91)), None);
        assert_eq!(w.pauses(1), 0);
        assert_eq!(w.pauses(3), 0);
        assert_eq!(w.pauses(4), 1);
        assert_eq!(w.pauses(7), 2);
        assert_eq!(Waves::DEFAULT.label(), "istirahat 20 menit setiap 25 pesan");
    }

    #[test]
    fn a_new_number_warms_up_day_by_day_and_the_lower_cap_holds() {
        let w = WarmUp::DEFAULT;
        let linked = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let day = |d: u32| w.day(linked, NaiveDate::from_ymd_opt(2026, 12, d).unwrap());
        assert_eq!(day(1), Some(1));
        assert_eq!(day(3), Some(3));
        assert_eq!(day(14), Some(14));
        assert_eq!(day(15), None, "warm-up over");
        assert_eq!((w.cap_on(1), w.cap_on(3), w.cap_on(14)), (20, 60, 280));
        assert_eq!(
            w.describe(3),
            "Pemanasan: hari 3 dari 14, batas hari ini 60 pesan"
        );
        let p = SendPolicy {
            daily_cap: Some(50),
            warmup: Some(w),
            ..SendPolicy::unlimited()
        };
        let midnight = at(0, 0) + Duration::days(1);
        assert_eq!(
            p.hold_warming(at(10, 0), 59, Some(3)),
            Some((Hold::DailyCap, midnight))
        );
        assert_eq!(p.hold_warming(at(10, 0), 19, Some(1)), None);
        assert_eq!(
            p.hold_warming(at(10, 0), 20, Some(1)),
            Some((Hold::WarmUp, midnight))
        );
        assert_eq!(p.hold_warming(at(10, 0), 20, None), None, "not warming up");
    }

    #[test]
    fn a_policy_saved_before_waves_existed_gets_the_default_waves() {
        let old: SendPolicy = serde_json::from_str(r#"{"daily_cap":null,"quiet":null}"#).unwrap();
        assert_eq!(old.waves, Some(Waves::DEFAULT));
        assert_eq!(old.warmup, Some(WarmUp::DEFAULT));
        assert_eq!(old.guard, Some(BanGuard::DEFAULT));
        let off: SendPolicy =
            serde_json::from_str(r#"{"daily_cap":null,"quiet":null,"waves":null}"#).unwrap();
        assert_eq!(off.waves, None);
        assert_eq!(SendPolicy::default().waves, Some(Waves::DEFAULT));
    }

    #[test]
    fn the_ban_guard_pauses_on_failures_undelivered_messages_or_any_463() {
        let g = BanGuard::DEFAULT;
        let w = |sent, failed, refused, awaited, undelivered| GuardWindow {
            sent,
            failed,
            refused,
            awaited,
            undelivered,
        };
        // A quiet hour, a few failures among many, one dead phone: nothing.
        assert_eq!(g.verdict(&w(0, 0, 0, 0, 0)), None);
        assert_eq!(g.verdict(&w(40, 5, 0, 30, 1)), None);
        // Too few messages to judge, even all failed.
        assert_eq!(g.verdict(&w(0, 9, 0, 0, 0)), None);
        // 4 of 10 failed: more than 30 %.
        assert_eq!(
            g.verdict(&w(6, 4, 0, 0, 0)),
            Some(BanSignal::Failing { failed: 4, of: 10 })
        );
        assert_eq!(
            g.verdict(&w(7, 3, 0, 0, 0)),
            None,
            "exactly 30 % is allowed"
        );
        // 6 of 10 old enough are not delivered.
        assert_eq!(
            g.verdict(&w(20, 0, 0, 10, 6)),
            Some(BanSignal::Undelivered {
                undelivered: 6,
                of: 10,
                after_mins: 30
            })
        );
        // One 463 is enough.
        assert_eq!(
            g.verdict(&w(1, 0, 1, 0, 0)),
            Some(BanSignal::Refused { count: 1 })
        );
        let m = BanSignal::Failing { failed: 4, of: 10 }.message();
        assert!(m.contains("4 dari 10 pesan terakhir gagal") && m.contains("halaman Pengiriman"));
    }

    #[test]
    fn a_tick_that_never_came_reads_as_not_delivered() {
        assert_eq!(
            tick_label(Some(ACK_NOT_DELIVERED)),
            Some("✗ Tidak diterima")
        );
        assert_eq!(tick_label(Some(-1)), Some("Gagal terkirim"));
        assert_eq!(tick_label(Some(2)), Some("✓✓ Diterima"));
        assert_eq!(tick_label(None), None);
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
        // 100 messages at 30–60 s in waves of 25: 75 minutes of sending, three 20-minute rests.
        assert_eq!(
            format_duration(eta_in_waves(100, &Pacing::SAFE, 1, Some(&Waves::DEFAULT))),
            "2 jam 15 menit"
        );
        assert_eq!(format_duration(Duration::seconds(42)), "42 detik");
        assert_eq!(format_duration(Duration::hours(2)), "2 jam");
    }
}
