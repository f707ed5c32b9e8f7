//! The one place billing reads the clock and the configured zone (for server functions and
//! the CLI); services take the results as arguments.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// "Now" as billing needs it: the instant, the ISP's zone, and the local date (which a test may
/// set apart from the instant, to play a calendar).
#[derive(Debug, Clone, Copy)]
pub struct Moment {
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub tz: Tz,
}

impl Moment {
    /// The real clock in `tz`.
    pub fn now(tz: Tz) -> Self {
        let now = Utc::now();
        Self {
            today: now.with_timezone(&tz).date_naive(),
            now,
            tz,
        }
    }
}

/// Today's date where the ISP is.
pub fn today(tz: Tz) -> NaiveDate {
    Utc::now().with_timezone(&tz).date_naive()
}

/// A stored instant as the admin reads it, for the browser to format.
pub fn local(t: DateTime<Utc>, tz: Tz) -> crate::domain::dates::LocalTime {
    t.with_timezone(&tz).fixed_offset()
}

/// A local wall-clock moment (e.g. the end of quiet hours) as a zoned time.
pub fn local_from_naive(t: chrono::NaiveDateTime, tz: Tz) -> crate::domain::dates::LocalTime {
    match tz.from_local_datetime(&t) {
        chrono::LocalResult::Single(x) | chrono::LocalResult::Ambiguous(x, _) => x.fixed_offset(),
        chrono::LocalResult::None => t.and_utc().fixed_offset(),
    }
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
