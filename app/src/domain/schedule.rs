//! The month Tagih runs by itself: when the invoice run happens, the reminder stages (days from
//! the due date) and their send window, and the calendar rules the scheduler applies. Pure, so
//! the Jadwal page and `tagih schedule --at` agree with the live tick.

use super::messages::TemplateKind;
use crate::error::FieldErrors;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// What the monthly run does with the invoices it makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunMode {
    /// Drafts for the admin to review on "Tinjau tagihan", then "Terbitkan & kirim".
    Drafts,
    /// Issued at once, and one statement queued per customer.
    IssueAndSend,
}

/// A reminder stage: so many days from the due date (negative: before it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Stage(pub i32);

impl Stage {
    /// `H-3`, `H0`, `H+7`.
    pub fn label(self) -> String {
        match self.0 {
            0 => "H0".into(),
            d if d < 0 => format!("H{d}"),
            d => format!("H+{d}"),
        }
    }

    /// Stored text: the label (one mapping).
    pub fn code(self) -> String {
        self.label()
    }

    pub fn parse(s: &str) -> Option<Self> {
        let rest = s.strip_prefix('H')?;
        if rest == "0" {
            return Some(Stage(0));
        }
        rest.strip_prefix('+')
            .unwrap_or(rest)
            .parse::<i32>()
            .ok()
            .map(Stage)
    }

    /// Before due: reminder; the due date itself: reminder ("hari ini"); after: overdue.
    pub fn kind(self) -> TemplateKind {
        if self.0 > 0 {
            TemplateKind::Overdue
        } else {
            TemplateKind::Reminder
        }
    }

    /// The local date this stage falls on for an invoice due on `due`.
    pub fn date_for(self, due: NaiveDate) -> NaiveDate {
        due + Duration::days(i64::from(self.0))
    }

    /// The due date an invoice must have for this stage to fall on `day`.
    pub fn due_for(self, day: NaiveDate) -> NaiveDate {
        day - Duration::days(i64::from(self.0))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleSettings {
    /// The scheduler acts at all (the switch on the Jadwal page).
    pub enabled: bool,
    /// Day of the month the invoices are made (1–28).
    pub run_day: u32,
    pub run_time: NaiveTime,
    pub run_mode: RunMode,
    /// Reminder stages, ascending.
    pub stages: Vec<Stage>,
    /// Local window in which reminders go out.
    pub window_start: NaiveTime,
    pub window_end: NaiveTime,
}

impl Default for ScheduleSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            run_day: 1,
            run_time: NaiveTime::from_hms_opt(8, 0, 0).expect("valid"),
            run_mode: RunMode::Drafts,
            stages: vec![Stage(-3), Stage(0), Stage(3), Stage(7)],
            window_start: NaiveTime::from_hms_opt(9, 0, 0).expect("valid"),
            window_end: NaiveTime::from_hms_opt(17, 0, 0).expect("valid"),
        }
    }
}

impl ScheduleSettings {
    /// When the run for the month of `day` happens (local).
    pub fn run_moment(&self, year: i32, month: u32) -> Option<NaiveDateTime> {
        NaiveDate::from_ymd_opt(year, month, self.run_day.clamp(1, 28))
            .map(|d| d.and_time(self.run_time))
    }

    /// The window of a stage that falls on `day` (local).
    pub fn window(&self, day: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
        (
            day.and_time(self.window_start),
            day.and_time(self.window_end),
        )
    }

    /// What a stage due on `day` should do at local moment `now`.
    pub fn stage_state(&self, day: NaiveDate, now: NaiveDateTime) -> StageState {
        let (start, end) = self.window(day);
        if now < start {
            StageState::NotYet
        } else if now < end {
            StageState::Open
        } else if now < end + Duration::days(1) {
            // Passed while the server was off, less than a day ago: still worth sending once.
            StageState::CatchUp
        } else {
            StageState::Missed
        }
    }

    pub fn validate(&self) -> FieldErrors {
        let mut f = FieldErrors::new();
        if !(1..=28).contains(&self.run_day) {
            f.add("run_day", "Tanggal 1–28 (agar ada di setiap bulan).");
        }
        if self.window_start >= self.window_end {
            f.add("window_end", "Jam selesai harus sesudah jam mulai.");
        }
        if self.stages.is_empty() {
            f.add("stages", "Isi paling sedikit satu tahap, mis. -3, 0, 3, 7.");
        }
        if self.stages.iter().any(|s| !(-30..=60).contains(&s.0)) {
            f.add(
                "stages",
                "Tiap tahap antara -30 dan 60 hari dari jatuh tempo.",
            );
        }
        f
    }

    /// Stages from text like `-3, 0, 3, 7` (sorted, duplicates dropped).
    pub fn parse_stages(text: &str) -> Result<Vec<Stage>, &'static str> {
        let mut out = Vec::new();
        for part in text.split([',', ' ', ';']).filter(|p| !p.trim().is_empty()) {
            let n = part
                .trim()
                .trim_start_matches(['H', 'h'])
                .trim_start_matches('+')
                .parse::<i32>()
                .map_err(|_| "Tulis angka hari dipisah koma, mis. -3, 0, 3, 7.")?;
            out.push(Stage(n));
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// Where a stage stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageState {
    NotYet,
    Open,
    /// Its window passed less than a day ago (the server was off): sent once, now.
    CatchUp,
    /// Its window passed more than a day ago: recorded as missed, never sent late.
    Missed,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn stages_read_and_fall_on_their_days() {
        let due = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        assert_eq!(Stage(-3).label(), "H-3");
        assert_eq!(Stage(0).label(), "H0");
        assert_eq!(Stage(7).label(), "H+7");
        for s in [-3, 0, 3, 7] {
            assert_eq!(Stage::parse(&Stage(s).code()), Some(Stage(s)));
            assert_eq!(Stage(s).due_for(Stage(s).date_for(due)), due);
        }
        assert_eq!(
            Stage(-3).date_for(due),
            NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
        );
        assert_eq!(Stage(-3).kind(), TemplateKind::Reminder);
        assert_eq!(Stage(0).kind(), TemplateKind::Reminder);
        assert_eq!(Stage(3).kind(), TemplateKind::Overdue);
        assert_eq!(
            ScheduleSettings::parse_stages("H-3, 0, +3 7 7").unwrap(),
            vec![Stage(-3), Stage(0), Stage(3), Stage(7)]
        );
        assert!(ScheduleSettings::parse_stages("tiga").is_err());
    }

    #[test]
    fn a_stage_window_opens_closes_catches_up_once_then_is_missed() {
        let s = ScheduleSettings::default();
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(s.stage_state(day, at(7, 8)), StageState::NotYet);
        assert_eq!(s.stage_state(day, at(7, 9)), StageState::Open);
        assert_eq!(s.stage_state(day, at(7, 16)), StageState::Open);
        assert_eq!(s.stage_state(day, at(7, 17)), StageState::CatchUp);
        assert_eq!(s.stage_state(day, at(8, 16)), StageState::CatchUp);
        assert_eq!(s.stage_state(day, at(8, 17)), StageState::Missed);
        assert_eq!(s.run_moment(2026, 12), Some(at(1, 8)));
        assert!(s.validate().is_empty());
        let bad = ScheduleSettings { run_day: 31, ..s };
        assert!(bad.validate().get("run_day").is_some());
    }
}
