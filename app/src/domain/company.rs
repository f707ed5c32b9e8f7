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
    /// Opening words a message's `{{ salam }}` takes in turn ("Halo", "Selamat siang", …), so
    /// a bulk send is not one identical text (WAHA §7). Empty: always "Halo".
    #[serde(default)]
    pub greetings: Vec<String>,
}

/// Most greeting variants kept, and the longest one.
pub const MAX_GREETINGS: usize = 20;
pub const MAX_GREETING_CHARS: usize = 40;

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
        let mut greetings: Vec<String> = Vec::new();
        for g in self.greetings.iter().flat_map(|g| g.lines()) {
            let g = g.trim();
            if !g.is_empty() && !greetings.iter().any(|x| x == g) {
                greetings.push(g.to_owned());
            }
        }
        self.greetings = greetings;
        self
    }

    /// The greeting for one message: the same customer on the same day always gets the same
    /// one (the preview shows what is sent), neighbours in a bulk send mostly differ.
    pub fn greeting_for(&self, customer: &str, day: chrono::NaiveDate) -> String {
        if self.greetings.is_empty() {
            return "Halo".to_owned();
        }
        // FNV-1a: stable across builds and platforms (std's hasher is not).
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in customer.bytes().chain(day.to_string().into_bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        let i = usize::try_from(h % self.greetings.len() as u64).unwrap_or(0);
        self.greetings[i].clone()
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
        if self.greetings.len() > MAX_GREETINGS {
            e.add(
                "greetings",
                format!("Paling banyak {MAX_GREETINGS} variasi sapaan."),
            );
        } else if let Some(g) = self
            .greetings
            .iter()
            .find(|g| g.chars().count() > MAX_GREETING_CHARS)
        {
            e.add(
                "greetings",
                format!(
                    "Sapaan \"{g}\" terlalu panjang: paling banyak {MAX_GREETING_CHARS} karakter."
                ),
            );
        } else if let Some(g) = self.greetings.iter().find(|g| {
            g.contains(['{', '}', '%', '*', '_', '~']) || g.chars().any(|c| c.is_ascii_digit())
        }) {
            // A greeting is plain words: no template marks, no WhatsApp formatting, no figures
            // that could be read as an amount.
            e.add(
                "greetings",
                format!("Sapaan \"{g}\" hanya boleh berisi kata-kata, tanpa angka atau tanda {{ }} % * _ ~."),
            );
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

    #[test]
    fn greetings_take_turns_stay_stable_per_customer_and_day_and_are_plain_words() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(
            CompanySettings::default().greeting_for("PLG-1", day),
            "Halo"
        );
        let c = CompanySettings {
            name: "Net".into(),
            greetings: vec![
                " Halo \nSelamat siang\n\nHalo".into(),
                "Assalamualaikum".into(),
            ],
            ..Default::default()
        }
        .cleaned();
        assert_eq!(c.greetings, ["Halo", "Selamat siang", "Assalamualaikum"]);
        assert!(c.validate().is_empty());
        let one = c.greeting_for("PLG-00001", day);
        assert_eq!(one, c.greeting_for("PLG-00001", day), "stable");
        let used: std::collections::BTreeSet<String> = (1..=30)
            .map(|i| c.greeting_for(&format!("PLG-{i:05}"), day))
            .collect();
        assert_eq!(used.len(), 3, "every variant is used across a bulk send");
        for bad in [
            "Halo {{ total }}",
            "Bayar 150000",
            "*Halo*",
            &"a".repeat(41),
        ] {
            let c = CompanySettings {
                name: "Net".into(),
                greetings: vec![bad.to_owned()],
                ..Default::default()
            };
            assert!(c.validate().get("greetings").is_some(), "{bad}");
        }
    }
}
