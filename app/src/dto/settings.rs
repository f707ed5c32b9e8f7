//! Pengaturan: company and payment details, the sending policy.

use crate::{
    domain::sending::{BanGuard, SendPolicy, WarmUp, Waves},
    error::AppError,
};
use serde::{Deserialize, Serialize};

/// The sending policy as the form edits it (times as `HH:MM`, cap as text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyForm {
    pub quiet_enabled: bool,
    pub quiet_start: String,
    pub quiet_end: String,
    /// Empty = no cap.
    pub daily_cap: String,
    /// Send in waves; the size and the rest (minutes) as typed.
    pub waves_enabled: bool,
    pub wave_size: String,
    pub wave_pause: String,
    /// Warm up newly linked numbers: days, day-1 cap and daily step as typed.
    pub warmup_enabled: bool,
    pub warmup_days: String,
    pub warmup_first: String,
    pub warmup_step: String,
    /// Pause on the early signs of a ban: failure share (%), undelivered share (%) and after
    /// how many minutes a message counts as undelivered, as typed.
    #[serde(default)]
    pub guard_enabled: bool,
    #[serde(default)]
    pub guard_failed_pct: String,
    #[serde(default)]
    pub guard_undelivered_pct: String,
    #[serde(default)]
    pub guard_undelivered_mins: String,
}

impl PolicyForm {
    pub fn from_policy(p: &SendPolicy) -> Self {
        let q = p.quiet.unwrap_or(crate::domain::sending::QuietHours {
            start: chrono::NaiveTime::from_hms_opt(21, 0, 0).unwrap_or_default(),
            end: chrono::NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default(),
        });
        Self {
            quiet_enabled: p.quiet.is_some(),
            quiet_start: q.start.format("%H:%M").to_string(),
            quiet_end: q.end.format("%H:%M").to_string(),
            daily_cap: p.daily_cap.map(|c| c.to_string()).unwrap_or_default(),
            waves_enabled: p.waves.is_some(),
            wave_size: p.waves.unwrap_or(Waves::DEFAULT).size.to_string(),
            wave_pause: p.waves.unwrap_or(Waves::DEFAULT).pause_mins.to_string(),
            warmup_enabled: p.warmup.is_some(),
            warmup_days: p.warmup.unwrap_or(WarmUp::DEFAULT).days.to_string(),
            warmup_first: p.warmup.unwrap_or(WarmUp::DEFAULT).first_cap.to_string(),
            warmup_step: p.warmup.unwrap_or(WarmUp::DEFAULT).step.to_string(),
            guard_enabled: p.guard.is_some(),
            guard_failed_pct: p
                .guard
                .unwrap_or(BanGuard::DEFAULT)
                .max_failed_pct
                .to_string(),
            guard_undelivered_pct: p
                .guard
                .unwrap_or(BanGuard::DEFAULT)
                .max_undelivered_pct
                .to_string(),
            guard_undelivered_mins: p
                .guard
                .unwrap_or(BanGuard::DEFAULT)
                .undelivered_after_mins
                .to_string(),
        }
    }

    pub fn to_policy(&self) -> Result<SendPolicy, AppError> {
        let mut e = crate::error::FieldErrors::new();
        let time = |s: &str| chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M").ok();
        let (start, end) = (time(&self.quiet_start), time(&self.quiet_end));
        if self.quiet_enabled {
            if start.is_none() {
                e.add("quiet_start", "Tulis jam seperti 21:00.");
            }
            if end.is_none() {
                e.add("quiet_end", "Tulis jam seperti 07:00.");
            }
            if start.is_some() && start == end {
                e.add("quiet_end", "Jam selesai harus berbeda dari jam mulai.");
            }
        }
        let cap = self.daily_cap.trim();
        let daily_cap = if cap.is_empty() {
            None
        } else {
            match cap.replace('.', "").parse::<u32>() {
                Ok(n) if (1..=100_000).contains(&n) => Some(n),
                _ => {
                    e.add(
                        "daily_cap",
                        "Isi angka 1–100.000, atau kosongkan jika tanpa batas.",
                    );
                    None
                }
            }
        };
        let number = |text: &str, range: std::ops::RangeInclusive<u32>| {
            text.trim()
                .replace('.', "")
                .parse::<u32>()
                .ok()
                .filter(|n| range.contains(n))
        };
        let waves = if self.waves_enabled {
            let size = number(&self.wave_size, 1..=1000);
            let pause = number(&self.wave_pause, 1..=720);
            if size.is_none() {
                e.add("wave_size", "Isi angka 1–1.000 pesan.");
            }
            if pause.is_none() {
                e.add("wave_pause", "Isi angka 1–720 menit.");
            }
            size.zip(pause)
                .map(|(size, pause_mins)| Waves { size, pause_mins })
        } else {
            None
        };
        let warmup = if self.warmup_enabled {
            let days = number(&self.warmup_days, 1..=90);
            let first = number(&self.warmup_first, 1..=10_000);
            let step = number(&self.warmup_step, 0..=10_000);
            if days.is_none() {
                e.add("warmup_days", "Isi angka 1–90 hari.");
            }
            if first.is_none() {
                e.add("warmup_first", "Isi angka 1–10.000 pesan.");
            }
            if step.is_none() {
                e.add("warmup_step", "Isi angka 0–10.000 pesan.");
            }
            match (days, first, step) {
                (Some(days), Some(first_cap), Some(step)) => Some(WarmUp {
                    days,
                    first_cap,
                    step,
                }),
                _ => None,
            }
        } else {
            None
        };
        let guard = if self.guard_enabled {
            let failed = number(&self.guard_failed_pct, 1..=100);
            let undelivered = number(&self.guard_undelivered_pct, 1..=100);
            let after = number(&self.guard_undelivered_mins, 5..=1440);
            if failed.is_none() {
                e.add("guard_failed_pct", "Isi angka 1–100 (persen).");
            }
            if undelivered.is_none() {
                e.add("guard_undelivered_pct", "Isi angka 1–100 (persen).");
            }
            if after.is_none() {
                e.add("guard_undelivered_mins", "Isi angka 5–1.440 menit.");
            }
            match (failed, undelivered, after) {
                (Some(max_failed_pct), Some(max_undelivered_pct), Some(undelivered_after_mins)) => {
                    Some(BanGuard {
                        max_failed_pct,
                        max_undelivered_pct,
                        undelivered_after_mins,
                        ..BanGuard::DEFAULT
                    })
                }
                _ => None,
            }
        } else {
            None
        };
        e.into_result()?;
        Ok(SendPolicy {
            guard,
            warmup,
            waves,
            daily_cap,
            quiet: match (self.quiet_enabled, start, end) {
                (true, Some(start), Some(end)) => {
                    Some(crate::domain::sending::QuietHours { start, end })
                }
                _ => None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_form_round_trips_and_explains_bad_input() {
        let p = SendPolicy::default();
        let f = PolicyForm::from_policy(&p);
        assert_eq!(
            (f.quiet_start.as_str(), f.quiet_end.as_str()),
            ("21:00", "07:00")
        );
        assert_eq!(f.to_policy().unwrap(), p);
        let bad = PolicyForm {
            quiet_enabled: true,
            quiet_start: "9 malam".into(),
            quiet_end: "07:00".into(),
            daily_cap: "-5".into(),
            waves_enabled: true,
            wave_size: "0".into(),
            wave_pause: "sejam".into(),
            warmup_enabled: true,
            warmup_days: "100".into(),
            warmup_first: "20".into(),
            warmup_step: "-1".into(),
            guard_enabled: true,
            guard_failed_pct: "150".into(),
            guard_undelivered_pct: "50".into(),
            guard_undelivered_mins: "1".into(),
        };
        let e = bad.to_policy().unwrap_err();
        let f = e.field_errors().unwrap();
        assert!(f.get("quiet_start").is_some() && f.get("daily_cap").is_some());
        assert!(f.get("wave_size").is_some() && f.get("wave_pause").is_some());
        assert!(f.get("warmup_days").is_some() && f.get("warmup_step").is_some());
        assert!(f.get("warmup_first").is_none());
        assert!(f.get("guard_failed_pct").is_some() && f.get("guard_undelivered_mins").is_some());
        assert!(f.get("guard_undelivered_pct").is_none());
        let capped = PolicyForm {
            quiet_enabled: false,
            daily_cap: "1.000".into(),
            wave_size: "40".into(),
            wave_pause: "30".into(),
            ..PolicyForm::from_policy(&p)
        };
        assert_eq!(
            capped.to_policy().unwrap(),
            SendPolicy {
                daily_cap: Some(1000),
                quiet: None,
                waves: Some(Waves {
                    size: 40,
                    pause_mins: 30
                }),
                warmup: Some(WarmUp::DEFAULT),
                guard: Some(BanGuard::DEFAULT),
            }
        );
        let unguarded = PolicyForm {
            guard_enabled: false,
            guard_failed_pct: "x".into(),
            ..PolicyForm::from_policy(&p)
        };
        assert_eq!(unguarded.to_policy().unwrap().guard, None);
        let off = PolicyForm {
            waves_enabled: false,
            wave_size: "x".into(),
            ..PolicyForm::from_policy(&p)
        };
        assert_eq!(off.to_policy().unwrap().waves, None);
        let cold = PolicyForm {
            warmup_enabled: false,
            warmup_days: "x".into(),
            ..PolicyForm::from_policy(&p)
        };
        assert_eq!(cold.to_policy().unwrap().warmup, None);
    }
}
