//! The record of backups (`settings` key `backup.status`), written by `tagih backup` and the
//! daily backup in `tagih serve`, read by the dashboard and `tagih check`.

use crate::dto::system::BackupStatusView;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DbErr};
use serde::{Deserialize, Serialize};

pub const KEY: &str = "backup.status";

/// Two missed daily backups turn the dashboard card red.
pub const OVERDUE_HOURS: i64 = 48;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupStatus {
    pub last_ok_at: Option<DateTime<Utc>>,
    pub last_file: Option<String>,
    pub last_bytes: Option<u64>,
    pub last_failed_at: Option<DateTime<Utc>>,
    /// For the log and `tagih check`; the page only says that it failed.
    pub last_error: Option<String>,
}

pub async fn load(db: &impl ConnectionTrait) -> Result<BackupStatus, DbErr> {
    Ok(super::settings::get(db, KEY).await?.unwrap_or_default())
}

pub async fn record_ok(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
    file: &str,
    bytes: u64,
) -> Result<(), DbErr> {
    let mut s = load(db).await?;
    s.last_ok_at = Some(at);
    s.last_file = Some(file.to_owned());
    s.last_bytes = Some(bytes);
    s.last_failed_at = None;
    s.last_error = None;
    super::settings::set(db, KEY, &s).await
}

pub async fn record_failure(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
    error: &str,
) -> Result<(), DbErr> {
    let mut s = load(db).await?;
    s.last_failed_at = Some(at);
    s.last_error = Some(error.to_owned());
    super::settings::set(db, KEY, &s).await
}

/// True when the last good backup is older than two days, or there is none.
pub fn overdue(s: &BackupStatus, now: DateTime<Utc>) -> bool {
    s.last_ok_at
        .is_none_or(|t| (now - t).num_hours() >= OVERDUE_HOURS)
}

fn local(t: DateTime<Utc>, tz: Tz) -> String {
    let l = t.with_timezone(&tz);
    format!(
        "{} {}",
        crate::domain::dates::format_date(l.date_naive()),
        l.format("%H.%M")
    )
}

pub fn view(s: &BackupStatus, now: DateTime<Utc>, tz: Tz, keep: u32) -> BackupStatusView {
    BackupStatusView {
        automatic: keep > 0,
        keep,
        last_at: s.last_ok_at.map(|t| local(t, tz)),
        age_hours: s.last_ok_at.map(|t| (now - t).num_hours().max(0)),
        last_file: s.last_file.clone(),
        last_bytes: s.last_bytes,
        overdue: overdue(s, now),
        failed_at: s.last_failed_at.map(|t| local(t, tz)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_card_turns_red_after_two_missed_days_or_with_no_backup() {
        let now = Utc.with_ymd_and_hms(2026, 12, 5, 3, 0, 0).unwrap();
        let tz = chrono_tz::Asia::Jakarta;
        let at = |h: i64| BackupStatus {
            last_ok_at: Some(now - chrono::Duration::hours(h)),
            last_file: Some("tagih-auto-x.tar.gz".into()),
            last_bytes: Some(10),
            ..Default::default()
        };
        assert!(!view(&at(1), now, tz, 14).overdue);
        assert!(!view(&at(47), now, tz, 14).overdue, "one missed night");
        assert!(view(&at(48), now, tz, 14).overdue, "two missed nights");
        assert!(view(&BackupStatus::default(), now, tz, 14).overdue);
        let v = view(&at(1), now, tz, 14);
        assert_eq!(v.last_at.as_deref(), Some("5 Desember 2026 09.00"));
        assert_eq!(v.age_hours, Some(1));
        assert!(v.automatic);
        assert!(!view(&at(1), now, tz, 0).automatic);
    }

    #[tokio::test]
    async fn a_failure_is_kept_until_the_next_good_backup() {
        for t in crate::server::testing::all().await {
            let db = &t.db;
            let now = Utc::now();
            record_ok(db, now, "a.tar.gz", 5).await.unwrap();
            record_failure(db, now, "disk full").await.unwrap();
            let s = load(db).await.unwrap();
            assert_eq!(s.last_file.as_deref(), Some("a.tar.gz"));
            assert_eq!(s.last_error.as_deref(), Some("disk full"));
            record_ok(db, now, "b.tar.gz", 6).await.unwrap();
            let s = load(db).await.unwrap();
            assert_eq!(
                (s.last_file.as_deref(), s.last_error),
                (Some("b.tar.gz"), None)
            );
            t.cleanup().await;
        }
    }
}
