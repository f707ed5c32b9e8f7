//! Invoice, customer and payment rules that need no database: status from the amounts,
//! "overdue", totals, and the names the UI shows.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An invoice's state. `paid` follows the allocations; `void` is set by the admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvoiceStatus {
    Unpaid,
    Partial,
    Paid,
    Void,
    /// Made by the monthly run for review ("Tinjau tagihan"): owed nowhere until issued.
    Draft,
}

impl InvoiceStatus {
    pub const ALL: [InvoiceStatus; 5] = [
        InvoiceStatus::Unpaid,
        InvoiceStatus::Partial,
        InvoiceStatus::Paid,
        InvoiceStatus::Void,
        InvoiceStatus::Draft,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Unpaid => "unpaid",
            InvoiceStatus::Partial => "partial",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Void => "void",
            InvoiceStatus::Draft => "draft",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            InvoiceStatus::Unpaid => "Belum bayar",
            InvoiceStatus::Partial => "Sebagian",
            InvoiceStatus::Paid => "Lunas",
            InvoiceStatus::Void => "Dibatalkan",
            InvoiceStatus::Draft => "Draf",
        }
    }

    /// Still expecting money.
    pub fn is_open(self) -> bool {
        matches!(self, InvoiceStatus::Unpaid | InvoiceStatus::Partial)
    }
}

/// What this period's charge still lacks: `amount - discount - paid`, never below zero.
pub fn outstanding(amount: i64, discount: i64, paid: i64) -> i64 {
    (amount - discount - paid).max(0)
}

/// What the customer is asked to pay on this invoice's message: `amount + arrears - discount`.
pub fn total(amount: i64, arrears: i64, discount: i64) -> i64 {
    (amount + arrears - discount).max(0)
}

/// The status that follows from the amounts (a voided invoice stays void).
pub fn derive_status(amount: i64, discount: i64, paid: i64) -> InvoiceStatus {
    if paid >= amount - discount {
        InvoiceStatus::Paid
    } else if paid > 0 {
        InvoiceStatus::Partial
    } else {
        InvoiceStatus::Unpaid
    }
}

/// Open and past its due date in the local zone (`today` is the local date). The due date
/// itself is not late yet.
pub fn is_overdue(status: InvoiceStatus, due_date: NaiveDate, today: NaiveDate) -> bool {
    status.is_open() && due_date < today
}

/// Days past the due date (0 when not late).
pub fn days_late(due_date: NaiveDate, today: NaiveDate) -> i64 {
    (today - due_date).num_days().max(0)
}

/// `INV-202611-00001`.
pub fn invoice_number(period: crate::domain::dates::Period, n: i64) -> String {
    format!("INV-{}-{n:05}", period.compact())
}

/// `PLG-00001`.
pub fn customer_code(n: i64) -> String {
    format!("PLG-{n:05}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CustomerStatus {
    Active,
    Suspended,
    Terminated,
}

impl CustomerStatus {
    pub const ALL: [CustomerStatus; 3] = [
        CustomerStatus::Active,
        CustomerStatus::Suspended,
        CustomerStatus::Terminated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CustomerStatus::Active => "active",
            CustomerStatus::Suspended => "suspended",
            CustomerStatus::Terminated => "terminated",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Also reads the Indonesian labels (CSV files written by people).
    pub fn parse_loose(s: &str) -> Option<Self> {
        let s = s.trim().to_lowercase();
        match s.as_str() {
            "" | "aktif" | "active" => Some(CustomerStatus::Active),
            "ditangguhkan" | "isolir" | "suspended" | "suspend" => Some(CustomerStatus::Suspended),
            "berhenti" | "terminated" | "putus" | "nonaktif" => Some(CustomerStatus::Terminated),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CustomerStatus::Active => "Aktif",
            CustomerStatus::Suspended => "Ditangguhkan",
            CustomerStatus::Terminated => "Berhenti",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    BankTransfer,
    Ewallet,
    Other,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 4] = [
        PaymentMethod::Cash,
        PaymentMethod::BankTransfer,
        PaymentMethod::Ewallet,
        PaymentMethod::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::BankTransfer => "bank_transfer",
            PaymentMethod::Ewallet => "ewallet",
            PaymentMethod::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "Tunai",
            PaymentMethod::BankTransfer => "Transfer bank",
            PaymentMethod::Ewallet => "E-wallet",
            PaymentMethod::Other => "Lainnya",
        }
    }
}

/// Billing day limits: any day of the month; late days are clamped per month.
pub const BILLING_DAY_MIN: u32 = 1;
pub const BILLING_DAY_MAX: u32 = 31;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::Period;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn status_follows_the_amounts() {
        assert_eq!(derive_status(150_000, 0, 0), InvoiceStatus::Unpaid);
        assert_eq!(derive_status(150_000, 0, 1), InvoiceStatus::Partial);
        assert_eq!(derive_status(150_000, 0, 149_999), InvoiceStatus::Partial);
        assert_eq!(derive_status(150_000, 0, 150_000), InvoiceStatus::Paid);
        assert_eq!(derive_status(150_000, 50_000, 100_000), InvoiceStatus::Paid);
        assert_eq!(derive_status(150_000, 150_000, 0), InvoiceStatus::Paid);
        assert_eq!(outstanding(150_000, 10_000, 40_000), 100_000);
        assert_eq!(outstanding(150_000, 0, 200_000), 0);
        assert_eq!(total(150_000, 300_000, 20_000), 430_000);
    }

    #[test]
    fn overdue_means_open_and_past_due() {
        let due = d("2026-11-10");
        assert!(!is_overdue(InvoiceStatus::Unpaid, due, d("2026-11-10")));
        assert!(is_overdue(InvoiceStatus::Unpaid, due, d("2026-11-11")));
        assert!(is_overdue(InvoiceStatus::Partial, due, d("2027-01-01")));
        assert!(!is_overdue(InvoiceStatus::Paid, due, d("2026-12-01")));
        assert!(!is_overdue(InvoiceStatus::Void, due, d("2026-12-01")));
        assert_eq!(days_late(due, d("2026-11-13")), 3);
        assert_eq!(days_late(due, d("2026-11-01")), 0);
    }

    #[test]
    fn numbers_and_codes() {
        let p = Period::parse("2026-11").unwrap();
        assert_eq!(invoice_number(p, 1), "INV-202611-00001");
        assert_eq!(invoice_number(p, 123_456), "INV-202611-123456");
        assert_eq!(customer_code(42), "PLG-00042");
    }

    #[test]
    fn enums_round_trip() {
        for s in InvoiceStatus::ALL {
            assert_eq!(InvoiceStatus::parse(s.as_str()), Some(s));
        }
        for s in CustomerStatus::ALL {
            assert_eq!(CustomerStatus::parse(s.as_str()), Some(s));
            assert_eq!(CustomerStatus::parse_loose(s.label()), Some(s));
        }
        for m in PaymentMethod::ALL {
            assert_eq!(PaymentMethod::parse(m.as_str()), Some(m));
        }
        assert_eq!(
            CustomerStatus::parse_loose("Isolir"),
            Some(CustomerStatus::Suspended)
        );
        assert_eq!(CustomerStatus::parse_loose("x"), None);
        assert_eq!(PaymentMethod::parse("card"), None);
    }
}

/// A change to money, as the append-only money log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoneyChange {
    Payment,
    Reversal,
    Void,
    Discount,
    AmountEdit,
    /// Money paid beyond what was owed, kept for the next invoice.
    Credit,
    /// Credit used by an invoice.
    CreditApplied,
    RunUndo,
}

impl MoneyChange {
    pub const ALL: [MoneyChange; 8] = [
        MoneyChange::Payment,
        MoneyChange::Reversal,
        MoneyChange::Void,
        MoneyChange::Discount,
        MoneyChange::AmountEdit,
        MoneyChange::Credit,
        MoneyChange::CreditApplied,
        MoneyChange::RunUndo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MoneyChange::Payment => "payment",
            MoneyChange::Reversal => "reversal",
            MoneyChange::Void => "void",
            MoneyChange::Discount => "discount",
            MoneyChange::AmountEdit => "amount_edit",
            MoneyChange::Credit => "credit",
            MoneyChange::CreditApplied => "credit_applied",
            MoneyChange::RunUndo => "run_undo",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            MoneyChange::Payment => "Pembayaran",
            MoneyChange::Reversal => "Pembayaran dibatalkan",
            MoneyChange::Void => "Tagihan dibatalkan",
            MoneyChange::Discount => "Diskon",
            MoneyChange::AmountEdit => "Jumlah diubah",
            MoneyChange::Credit => "Saldo (kelebihan bayar)",
            MoneyChange::CreditApplied => "Saldo dipakai",
            MoneyChange::RunUndo => "Run dibatalkan",
        }
    }
}

/// The admin's billing rules (a setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingRules {
    /// Days a customer billed late gets before the invoice is due.
    pub grace_days: u32,
    /// The first month of a customer who starts mid-month is charged for the days left.
    pub prorata_first_month: bool,
}

impl Default for BillingRules {
    fn default() -> Self {
        Self {
            grace_days: 7,
            prorata_first_month: false,
        }
    }
}

pub const GRACE_DAYS_MAX: u32 = 60;

impl BillingRules {
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.grace_days == 0 || self.grace_days > GRACE_DAYS_MAX {
            return Err("Masa tenggang 1 sampai 60 hari.");
        }
        Ok(())
    }

    /// The due date: the billing day in the period, or — when that day is already before the
    /// issue date (billed late) — the later of it and the issue date plus the grace days. Never
    /// before the issue date.
    pub fn due_date(
        &self,
        period: crate::domain::dates::Period,
        billing_day: u32,
        issue: NaiveDate,
    ) -> NaiveDate {
        let day = period.due_date(billing_day.max(1));
        if day >= issue {
            day
        } else {
            day.max(issue + chrono::Days::new(self.grace_days as u64))
        }
    }

    /// The charge for a period: nothing before the customer's start month; the days left in
    /// the start month when pro-rata is on (rounded to the rupiah); else the full price.
    pub fn charge(
        &self,
        period: crate::domain::dates::Period,
        price: i64,
        start: Option<NaiveDate>,
    ) -> Option<i64> {
        let Some(start) = start else {
            return Some(price);
        };
        if start > period.last_day() {
            return None;
        }
        if !self.prorata_first_month || start <= period.first_day() {
            return Some(price);
        }
        let days = period.days() as i64;
        let left = (period.last_day() - start).num_days() + 1;
        Some((price * left + days / 2) / days)
    }

    /// The rule as the run preview states it.
    pub fn describe(&self) -> String {
        let first = if self.prorata_first_month {
            "bulan pertama dihitung per hari sejak tanggal mulai"
        } else {
            "bulan pertama ditagih penuh"
        };
        format!(
            "Jatuh tempo = tanggal tagih pelanggan; bila ditagih terlambat, paling cepat {} hari setelah tanggal terbit. {}.",
            self.grace_days,
            capitalise(first)
        )
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod rules_tests {
    use super::*;
    use crate::domain::dates::Period;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_customer_billed_late_is_never_due_before_the_issue_date() {
        let r = BillingRules::default();
        let p = Period::parse("2026-12").unwrap();
        // On time: the billing day.
        assert_eq!(r.due_date(p, 10, d("2026-12-01")), d("2026-12-10"));
        assert_eq!(r.due_date(p, 10, d("2026-12-10")), d("2026-12-10"));
        // Late: issue + 7 days.
        assert_eq!(r.due_date(p, 10, d("2026-12-15")), d("2026-12-22"));
        // A day-31 customer in a short month stays clamped, and still after the issue.
        let feb = Period::parse("2027-02").unwrap();
        assert_eq!(r.due_date(feb, 31, d("2027-02-01")), d("2027-02-28"));
        let r3 = BillingRules { grace_days: 3, ..r };
        assert_eq!(r3.due_date(p, 1, d("2026-12-20")), d("2026-12-23"));
    }

    #[test]
    fn the_first_month_is_full_unless_pro_rata_is_on() {
        let p = Period::parse("2026-11").unwrap(); // 30 days
        let full = BillingRules::default();
        assert_eq!(full.charge(p, 150_000, None), Some(150_000));
        assert_eq!(
            full.charge(p, 150_000, Some(d("2026-11-16"))),
            Some(150_000)
        );
        assert_eq!(full.charge(p, 150_000, Some(d("2026-12-01"))), None);
        let pro = BillingRules {
            prorata_first_month: true,
            ..full
        };
        // 15 of 30 days.
        assert_eq!(pro.charge(p, 150_000, Some(d("2026-11-16"))), Some(75_000));
        // 1 of 30 days, rounded to the rupiah.
        assert_eq!(pro.charge(p, 100_000, Some(d("2026-11-30"))), Some(3_333));
        // Started before the month: the full price.
        assert_eq!(pro.charge(p, 150_000, Some(d("2026-10-05"))), Some(150_000));
        assert_eq!(pro.charge(p, 150_000, Some(d("2026-11-01"))), Some(150_000));
        assert!(pro.describe().contains("per hari"));
        assert!(
            BillingRules {
                grace_days: 0,
                ..full
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn money_change_kinds_round_trip() {
        for k in MoneyChange::ALL {
            assert_eq!(MoneyChange::parse(k.as_str()), Some(k));
        }
    }
}
