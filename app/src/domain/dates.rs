//! Indonesian dates (`20 Desember 2026`) and billing periods (`2026-11`, "November 2026").
//! No clock here: callers pass "today" in the configured zone.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// `1` → `Januari`; out of range → empty.
pub fn month_name(month: u32) -> &'static str {
    MONTHS
        .get((month as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("")
}

/// `2026-12-20` → `20 Desember 2026`.
pub fn format_date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), month_name(d.month()), d.year())
}

/// `2026-12-20` → `20 Des 2026`, for narrow table cells.
pub fn format_date_short(d: NaiveDate) -> String {
    let m = month_name(d.month());
    format!("{} {} {}", d.day(), m.get(..3).unwrap_or(m), d.year())
}

/// An `<input type="date">` value (`2026-12-20`).
/// A moment as the admin reads it: in the configured zone, with its offset. The server converts
/// once; the browser formats it (no zone database in the wasm).
pub type LocalTime = chrono::DateTime<chrono::FixedOffset>;

/// `02/12/2026 14:05`.
pub fn format_local(t: &LocalTime) -> String {
    t.format("%d/%m/%Y %H:%M").to_string()
}

/// `14:05`.
pub fn format_clock(t: &LocalTime) -> String {
    t.format("%H:%M").to_string()
}

pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// A billing month. Ordered by time; stored as `YYYY-MM` text, which sorts the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    year: i32,
    month: u32,
}

pub const ERR_PERIOD: &str = "Periode harus berbentuk TTTT-BB, misalnya 2026-11.";

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=12).contains(&month) && (2000..=2200).contains(&year))
            .then_some(Period { year, month })
    }

    /// The period a date falls in.
    pub fn of(d: NaiveDate) -> Self {
        Period {
            year: d.year(),
            month: d.month(),
        }
    }

    /// `2026-11` (also accepts `2026-1` and surrounding spaces).
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let (y, m) = s.trim().split_once('-').ok_or(ERR_PERIOD)?;
        if y.len() != 4 || m.is_empty() || m.len() > 2 {
            return Err(ERR_PERIOD);
        }
        let year: i32 = y.parse().map_err(|_| ERR_PERIOD)?;
        let month: u32 = m.parse().map_err(|_| ERR_PERIOD)?;
        Period::new(year, month).ok_or(ERR_PERIOD)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// `November 2026`.
    pub fn label(self) -> String {
        format!("{} {}", month_name(self.month), self.year)
    }

    /// `202611`, as used in invoice numbers.
    pub fn compact(self) -> String {
        format!("{:04}{:02}", self.year, self.month)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("validated period")
    }

    pub fn days(self) -> u32 {
        self.next()
            .first_day()
            .signed_duration_since(self.first_day())
            .num_days() as u32
    }

    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, self.days()).expect("validated period")
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Period {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Period {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn prev(self) -> Self {
        if self.month == 1 {
            Period {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Period {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The due date in this period for a billing day; days past the month's end become its
    /// last day (31 → 28 February).
    pub fn due_date(self, billing_day: u32) -> NaiveDate {
        let day = billing_day.clamp(1, self.days());
        NaiveDate::from_ymd_opt(self.year, self.month, day).expect("clamped day")
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn indonesian_dates() {
        assert_eq!(format_date(d(2026, 12, 20)), "20 Desember 2026");
        assert_eq!(format_date(d(2027, 1, 5)), "5 Januari 2027");
        assert_eq!(format_date(d(2026, 5, 31)), "31 Mei 2026");
        assert_eq!(format_date_short(d(2026, 8, 17)), "17 Agu 2026");
        assert_eq!(month_name(0), "");
        assert_eq!(month_name(13), "");
        assert_eq!(parse_iso_date("2026-11-30"), Some(d(2026, 11, 30)));
        assert_eq!(parse_iso_date("2026-02-30"), None);
        assert_eq!(parse_iso_date("30/11/2026"), None);
    }

    #[test]
    fn periods_parse_and_print() {
        let p = Period::parse("2026-11").unwrap();
        assert_eq!(p.to_string(), "2026-11");
        assert_eq!(p.label(), "November 2026");
        assert_eq!(p.compact(), "202611");
        assert_eq!(Period::parse(" 2026-1 ").unwrap().to_string(), "2026-01");
        for bad in [
            "", "2026", "2026-13", "2026-00", "26-11", "2026/11", "abcd-ef", "2026-011",
        ] {
            assert_eq!(Period::parse(bad), Err(ERR_PERIOD), "{bad:?}");
        }
        assert_eq!(Period::of(d(2026, 12, 31)).to_string(), "2026-12");
    }

    #[test]
    fn periods_step_over_years() {
        let dec = Period::parse("2026-12").unwrap();
        assert_eq!(dec.next().to_string(), "2027-01");
        assert_eq!(dec.next().prev(), dec);
        assert_eq!(Period::parse("2027-01").unwrap().prev(), dec);
        assert!(dec < dec.next());
        // Text order is time order, which the database relies on.
        assert!("2026-12" < "2027-01" && "2026-09" < "2026-10");
    }

    #[test]
    fn due_date_is_clamped_to_the_month() {
        let feb = Period::parse("2026-02").unwrap();
        let leap = Period::parse("2028-02").unwrap();
        let apr = Period::parse("2026-04").unwrap();
        let jan = Period::parse("2026-01").unwrap();
        assert_eq!(feb.due_date(10), d(2026, 2, 10));
        assert_eq!(feb.due_date(28), d(2026, 2, 28));
        assert_eq!(feb.due_date(31), d(2026, 2, 28));
        assert_eq!(leap.due_date(30), d(2028, 2, 29));
        assert_eq!(apr.due_date(31), d(2026, 4, 30));
        assert_eq!(jan.due_date(31), d(2026, 1, 31));
        assert_eq!(jan.due_date(0), d(2026, 1, 1));
        assert_eq!(feb.days(), 28);
        assert_eq!(leap.last_day(), d(2028, 2, 29));
    }
}
