//! Pengaturan: company and payment details, the sending policy.

use crate::{domain::sending::SendPolicy, error::AppError};
use serde::{Deserialize, Serialize};

/// The sending policy as the form edits it (times as `HH:MM`, cap as text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyForm {
    pub quiet_enabled: bool,
    pub quiet_start: String,
    pub quiet_end: String,
    /// Empty = no cap.
    pub daily_cap: String,
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
        e.into_result()?;
        Ok(SendPolicy {
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
        };
        let e = bad.to_policy().unwrap_err();
        let f = e.field_errors().unwrap();
        assert!(f.get("quiet_start").is_some() && f.get("daily_cap").is_some());
        let capped = PolicyForm {
            quiet_enabled: false,
            daily_cap: "1.000".into(),
            ..PolicyForm::from_policy(&p)
        };
        assert_eq!(
            capped.to_policy().unwrap(),
            SendPolicy {
                daily_cap: Some(1000),
                quiet: None
            }
        );
    }
}
