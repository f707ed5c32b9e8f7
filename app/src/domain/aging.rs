//! Receivables aging (Piutang): a debtor's age is the days since the due date of their oldest
//! open invoice, bucketed as bookkeepers read it. One definition for the Piutang page and the
//! invoice table's `aging` filter (which selects the bucket's customers in SQL).

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AgingBucket {
    /// Owes, but nothing is past its due date yet.
    NotDue,
    D1To30,
    D31To60,
    D61To90,
    Over90,
}

impl AgingBucket {
    pub const ALL: [AgingBucket; 5] = [
        AgingBucket::NotDue,
        AgingBucket::D1To30,
        AgingBucket::D31To60,
        AgingBucket::D61To90,
        AgingBucket::Over90,
    ];

    /// The bucket of a debtor whose oldest open invoice is `days_late` days past due
    /// (0 or less: not due yet).
    pub fn of(days_late: i64) -> Self {
        match days_late {
            ..=0 => AgingBucket::NotDue,
            1..=30 => AgingBucket::D1To30,
            31..=60 => AgingBucket::D31To60,
            61..=90 => AgingBucket::D61To90,
            _ => AgingBucket::Over90,
        }
    }

    /// As in the URL (`/tagihan?aging=31-60`).
    pub fn as_str(self) -> &'static str {
        match self {
            AgingBucket::NotDue => "belum",
            AgingBucket::D1To30 => "1-30",
            AgingBucket::D31To60 => "31-60",
            AgingBucket::D61To90 => "61-90",
            AgingBucket::Over90 => "90+",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            AgingBucket::NotDue => "Belum jatuh tempo",
            AgingBucket::D1To30 => "Terlambat 1–30 hari",
            AgingBucket::D31To60 => "Terlambat 31–60 hari",
            AgingBucket::D61To90 => "Terlambat 61–90 hari",
            AgingBucket::Over90 => "Terlambat lebih dari 90 hari",
        }
    }

    /// The oldest open due dates that fall in this bucket on `today`, both ends included
    /// (`None` = unbounded).
    pub fn due_range(self, today: NaiveDate) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let back = |d: u64| today.checked_sub_days(Days::new(d));
        match self {
            AgingBucket::NotDue => (Some(today), None),
            AgingBucket::D1To30 => (back(30), back(1)),
            AgingBucket::D31To60 => (back(60), back(31)),
            AgingBucket::D61To90 => (back(90), back(61)),
            AgingBucket::Over90 => (None, back(91)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::billing::days_late;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn buckets_have_no_gaps_or_overlaps_at_their_edges() {
        assert_eq!(AgingBucket::of(-5), AgingBucket::NotDue);
        assert_eq!(AgingBucket::of(0), AgingBucket::NotDue);
        assert_eq!(AgingBucket::of(1), AgingBucket::D1To30);
        assert_eq!(AgingBucket::of(30), AgingBucket::D1To30);
        assert_eq!(AgingBucket::of(31), AgingBucket::D31To60);
        assert_eq!(AgingBucket::of(60), AgingBucket::D31To60);
        assert_eq!(AgingBucket::of(61), AgingBucket::D61To90);
        assert_eq!(AgingBucket::of(90), AgingBucket::D61To90);
        assert_eq!(AgingBucket::of(91), AgingBucket::Over90);
    }

    #[test]
    fn the_sql_date_range_selects_exactly_the_bucket() {
        // Every due date from a year back to a month ahead lands in exactly one range, and
        // that range is the bucket `of` gives: the table filter and the page agree.
        let today = d("2026-12-03");
        let mut due = d("2025-12-01");
        while due <= d("2027-01-03") {
            let inside: Vec<AgingBucket> = AgingBucket::ALL
                .into_iter()
                .filter(|b| {
                    let (lo, hi) = b.due_range(today);
                    lo.is_none_or(|lo| due >= lo) && hi.is_none_or(|hi| due <= hi)
                })
                .collect();
            let late = if due < today {
                days_late(due, today)
            } else {
                0
            };
            assert_eq!(inside, vec![AgingBucket::of(late)], "due {due}");
            due = due.succ_opt().unwrap();
        }
    }

    #[test]
    fn url_names_round_trip() {
        for b in AgingBucket::ALL {
            assert_eq!(AgingBucket::parse(b.as_str()), Some(b));
        }
        assert_eq!(AgingBucket::parse("7-14"), None);
    }
}
