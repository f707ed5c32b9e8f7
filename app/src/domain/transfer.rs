//! The unique transfer code: the amount a customer is asked to transfer is what they owe plus
//! a 1–3 digit code, so a bank transfer of exactly that amount names its customer.

use serde::{Deserialize, Serialize};

/// Codes run 1..=999: at most Rp 999 on top of the bill.
pub const MAX_CODE: i64 = 999;

/// What happens to the code's rupiah once the payment is recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeExtra {
    /// Kept as the customer's credit (used by the next bill).
    #[default]
    Credit,
    /// Not counted: the payment is recorded as the bill alone.
    WriteOff,
}

impl CodeExtra {
    pub fn label(self) -> &'static str {
        match self {
            CodeExtra::Credit => "Jadi saldo pelanggan (dipakai tagihan berikutnya)",
            CodeExtra::WriteOff => "Dihapuskan (pembayaran dicatat sebesar tagihan)",
        }
    }
}

/// Pengaturan → kode unik transfer. Off by default: a changed amount surprises customers until
/// the ISP tells them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferCodeSettings {
    pub enabled: bool,
    #[serde(default)]
    pub extra: CodeExtra,
}

/// The transfer amount for `owed`: the first amount in `owed + 1 ..= owed + 999` not `taken`,
/// starting from a point spread by the customer's id (so neighbours get different codes and a
/// customer keeps theirs when nothing else changed). `None` when every code is taken.
pub fn pick(owed: i64, customer_id: i32, taken: impl Fn(i64) -> bool) -> Option<i64> {
    if owed <= 0 {
        return None;
    }
    let start = (i64::from(customer_id).unsigned_abs() % MAX_CODE as u64) as i64;
    (0..MAX_CODE)
        .map(|k| (start + k) % MAX_CODE + 1)
        .map(|code| owed + code)
        .find(|amount| !taken(*amount))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_one_to_three_digits_and_skip_taken_amounts() {
        let a = pick(150_000, 37, |_| false).unwrap();
        assert!((150_001..=150_999).contains(&a));
        assert_eq!(pick(150_000, 37, |_| false), Some(a), "stable");
        let next = pick(150_000, 37, |x| x == a).unwrap();
        assert_ne!(next, a);
        assert_eq!(pick(0, 1, |_| false), None, "nothing owed, no code");
    }

    #[test]
    fn a_full_band_gives_no_code_rather_than_a_duplicate() {
        let mut taken = HashSet::new();
        for id in 0..MAX_CODE as i32 {
            let a = pick(100_000, id, |x| taken.contains(&x)).unwrap();
            assert!(taken.insert(a), "duplicate {a}");
        }
        assert_eq!(pick(100_000, 5000, |x| taken.contains(&x)), None);
    }
}
