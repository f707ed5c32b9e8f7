//! The ISP's own details that messages carry: name, customer service, how to pay.

use crate::error::FieldErrors;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Bank or e-wallet name (BCA, BRI, DANA, OVO, ...).
    pub provider: String,
    pub number: String,
    pub holder: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanySettings {
    pub name: String,
    pub address: String,
    /// Customer service contact shown on messages (a number, a name, or both).
    pub cs_contact: String,
    pub banks: Vec<Account>,
    pub ewallets: Vec<Account>,
    /// How to pay in person (where, when).
    pub pay_in_person: String,
}

impl CompanySettings {
    /// Drops fully empty account rows (the form's spare row) and trims everything.
    pub fn cleaned(mut self) -> Self {
        let clean = |v: Vec<Account>| {
            v.into_iter()
                .map(|a| Account {
                    provider: a.provider.trim().to_owned(),
                    number: a.number.trim().to_owned(),
                    holder: a.holder.trim().to_owned(),
                })
                .filter(|a| !(a.provider.is_empty() && a.number.is_empty() && a.holder.is_empty()))
                .collect()
        };
        self.name = self.name.trim().to_owned();
        self.address = self.address.trim().to_owned();
        self.cs_contact = self.cs_contact.trim().to_owned();
        self.pay_in_person = self.pay_in_person.trim().to_owned();
        self.banks = clean(self.banks);
        self.ewallets = clean(self.ewallets);
        self
    }

    /// Field keys: `name`, `cs_contact`, `banks.N.provider|number|holder`, `ewallets.N.…`.
    pub fn validate(&self) -> FieldErrors {
        let mut e = FieldErrors::new();
        if self.name.is_empty() {
            e.add(
                "name",
                "Nama usaha wajib diisi: nama ini tampil di setiap pesan.",
            );
        } else if self.name.chars().count() > 120 {
            e.add("name", "Nama usaha paling banyak 120 karakter.");
        }
        if self.cs_contact.chars().count() > 120 {
            e.add("cs_contact", "Kontak paling banyak 120 karakter.");
        }
        if self.pay_in_person.chars().count() > 300 {
            e.add("pay_in_person", "Keterangan paling banyak 300 karakter.");
        }
        for (list, accounts) in [("banks", &self.banks), ("ewallets", &self.ewallets)] {
            for (i, a) in accounts.iter().enumerate() {
                if a.provider.is_empty() {
                    e.add(
                        &format!("{list}.{i}.provider"),
                        "Nama bank/e-wallet wajib diisi.",
                    );
                }
                if a.number.is_empty() {
                    e.add(&format!("{list}.{i}.number"), "Nomor wajib diisi.");
                } else if !a
                    .number
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.'))
                {
                    e.add(
                        &format!("{list}.{i}.number"),
                        "Nomor hanya boleh angka, spasi, titik atau tanda hubung.",
                    );
                }
                if a.holder.is_empty() {
                    e.add(
                        &format!("{list}.{i}.holder"),
                        "Nama pemilik rekening wajib diisi.",
                    );
                }
            }
        }
        e
    }

    /// The `cara_bayar` block of a message; empty when nothing is set.
    pub fn how_to_pay(&self) -> String {
        let mut lines = Vec::new();
        let list = |lines: &mut Vec<String>, title: &str, accounts: &[Account]| {
            if !accounts.is_empty() {
                lines.push(title.to_owned());
                for a in accounts {
                    lines.push(format!("• {} {} a.n. {}", a.provider, a.number, a.holder));
                }
            }
        };
        list(&mut lines, "Transfer bank:", &self.banks);
        list(&mut lines, "E-wallet:", &self.ewallets);
        if !self.pay_in_person.is_empty() {
            lines.push(format!("Bayar langsung: {}", self.pay_in_person));
        }
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acc(p: &str, n: &str, h: &str) -> Account {
        Account {
            provider: p.into(),
            number: n.into(),
            holder: h.into(),
        }
    }

    #[test]
    fn how_to_pay_lists_what_is_set() {
        let c = CompanySettings {
            name: "Net Sejahtera".into(),
            banks: vec![acc("BCA", "1234567890", "Net Sejahtera")],
            ewallets: vec![acc("DANA", "081234567890", "Budi")],
            pay_in_person: "Kantor Jl. Melati 5, 08.00–17.00".into(),
            ..Default::default()
        };
        assert_eq!(
            c.how_to_pay(),
            "Transfer bank:\n• BCA 1234567890 a.n. Net Sejahtera\nE-wallet:\n• DANA 081234567890 a.n. Budi\nBayar langsung: Kantor Jl. Melati 5, 08.00–17.00"
        );
        assert_eq!(CompanySettings::default().how_to_pay(), "");
    }

    #[test]
    fn empty_rows_are_dropped_and_half_filled_rows_are_explained() {
        let c = CompanySettings {
            name: " Net ".into(),
            banks: vec![acc("", "", ""), acc("BRI", "12ab", "")],
            ..Default::default()
        }
        .cleaned();
        assert_eq!(c.name, "Net");
        assert_eq!(c.banks.len(), 1);
        let e = c.validate();
        assert!(e.get("banks.0.number").is_some());
        assert!(e.get("banks.0.holder").is_some());
        assert!(e.get("banks.0.provider").is_none());
        assert!(CompanySettings::default().validate().get("name").is_some());
    }
}
