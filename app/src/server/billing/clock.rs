//! The one place billing reads the clock and the configured zone (for server functions and
//! the CLI); services take the results as arguments.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Today's date where the ISP is.
pub fn today(tz: Tz) -> NaiveDate {
    Utc::now().with_timezone(&tz).date_naive()
}

/// The UTC instant a local day starts.
pub fn day_start_utc(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let local = date.and_time(NaiveTime::MIN);
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        // A day starting in a DST gap (not in Indonesia): fall back to UTC midnight.
        chrono::LocalResult::None => local.and_utc(),
    }
}

/// When a payment made on `date` happened: now when it is today, otherwise local noon (safely
/// inside that day in any zone).
pub fn paid_at(date: NaiveDate, today: NaiveDate, now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    if date == today {
        now
    } else {
        day_start_utc(date, tz) + chrono::Duration::hours(12)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jakarta_days_start_at_17_utc() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let t = day_start_utc(d, chrono_tz::Asia::Jakarta);
        assert_eq!(t.to_rfc3339(), "2026-10-31T17:00:00+00:00");
        let noon = paid_at(
            d,
            d.succ_opt().unwrap(),
            Utc::now(),
            chrono_tz::Asia::Jakarta,
        );
        assert_eq!(
            noon.with_timezone(&chrono_tz::Asia::Jakarta).date_naive(),
            d
        );
    }
}
