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
}

impl InvoiceStatus {
    pub const ALL: [InvoiceStatus; 4] = [
        InvoiceStatus::Unpaid,
        InvoiceStatus::Partial,
        InvoiceStatus::Paid,
        InvoiceStatus::Void,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Unpaid => "unpaid",
            InvoiceStatus::Partial => "partial",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Void => "void",
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
