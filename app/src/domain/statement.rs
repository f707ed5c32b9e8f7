//! A customer's statement: every open invoice with what it still lacks, and one total — what
//! the customer owes now. It is computed when read (never a figure stored at issue), and it is
//! what every message, screen and export shows as "owed now".

use super::billing::outstanding;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One open invoice on a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    pub invoice_id: i32,
    pub number: String,
    /// `YYYY-MM`.
    pub period: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    /// This period's charge.
    pub amount: i64,
    pub discount: i64,
    pub paid: i64,
    /// Snapshot at issue (for the message's package line).
    pub package_name: Option<String>,
    pub package_speed_mbps: Option<i32>,
}

impl StatementLine {
    /// What this invoice still lacks.
    pub fn owed(&self) -> i64 {
        outstanding(self.amount, self.discount, self.paid)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub customer_id: i32,
    pub customer_code: String,
    pub customer_name: String,
    pub address: Option<String>,
    pub wa_number: Option<String>,
    /// Open invoices, oldest period first.
    pub lines: Vec<StatementLine>,
    /// Paid in advance and not yet used by an invoice (applied to the next one).
    pub credit: i64,
}

impl Statement {
    /// What the customer owes now: every open invoice's remainder, less unused credit.
    pub fn owed(&self) -> i64 {
        let open: i64 = self.lines.iter().map(StatementLine::owed).sum();
        (open - self.credit).max(0)
    }

    /// Nothing to ask for.
    pub fn is_settled(&self) -> bool {
        self.owed() == 0
    }

    pub fn oldest(&self) -> Option<&StatementLine> {
        self.lines.first()
    }

    pub fn newest(&self) -> Option<&StatementLine> {
        self.lines.last()
    }

    /// Months with something still open.
    pub fn months(&self) -> usize {
        self.lines.len()
    }

    /// Owed now on the open invoices before the newest one.
    pub fn arrears(&self) -> i64 {
        let n = self.lines.len();
        self.lines
            .iter()
            .take(n.saturating_sub(1))
            .map(StatementLine::owed)
            .sum()
    }

    /// Days from `today` to the oldest open due date (negative: that many days late).
    pub fn days_to_oldest_due(&self, today: NaiveDate) -> Option<i64> {
        self.oldest().map(|l| (l.due_date - today).num_days())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(period: &str, amount: i64, paid: i64, due: &str) -> StatementLine {
        StatementLine {
            invoice_id: 1,
            number: format!("INV-{}-00001", period.replace('-', "")),
            period: period.into(),
            issue_date: NaiveDate::parse_from_str(due, "%Y-%m-%d").unwrap(),
            due_date: NaiveDate::parse_from_str(due, "%Y-%m-%d").unwrap(),
            amount,
            discount: 0,
            paid,
            package_name: None,
            package_speed_mbps: None,
        }
    }

    fn st(lines: Vec<StatementLine>, credit: i64) -> Statement {
        Statement {
            customer_id: 1,
            customer_code: "PLG-00001".into(),
            customer_name: "Ani".into(),
            address: None,
            wa_number: None,
            lines,
            credit,
        }
    }

    #[test]
    fn owed_now_counts_every_open_month_once() {
        let s = st(
            vec![
                line("2026-10", 150_000, 50_000, "2026-10-10"),
                line("2026-11", 150_000, 0, "2026-11-10"),
                line("2026-12", 150_000, 0, "2026-12-10"),
            ],
            0,
        );
        assert_eq!(s.owed(), 400_000);
        assert_eq!(s.arrears(), 250_000);
        assert_eq!(s.months(), 3);
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(s.days_to_oldest_due(today), Some(-53));
        assert_eq!(st(vec![], 20_000).owed(), 0);
        assert!(st(vec![], 0).is_settled());
    }
}
