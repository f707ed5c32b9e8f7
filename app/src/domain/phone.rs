//! Phone numbers as admins type them, turned into WhatsApp numbers (DESIGN §4).
//!
//! Indonesia first: spaces, dashes, dots and brackets are dropped; `+62…`, `62…`, `0…` and a
//! bare `8…` all become `62…`; `+62 0812…` loses the stray trunk `0`. `^628\d{7,11}$` is a
//! valid Indonesian mobile number. Other Indonesian numbers (landlines) and foreign `+<country>`
//! E.164 numbers are accepted with a warning: WhatsApp may not know them. Written without the
//! `regex` crate: this module is compiled into the wasm too.

use serde::{Deserialize, Serialize};

/// What the normaliser made of a number; stored in `customers.phone_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhoneStatus {
    /// An Indonesian mobile number.
    Valid,
    /// Usable, but maybe not on WhatsApp (landline, foreign number).
    Warning,
    /// Nothing entered.
    Missing,
    /// Not a phone number; nothing will be sent to it.
    Invalid,
}

impl PhoneStatus {
    pub const ALL: [PhoneStatus; 4] = [
        PhoneStatus::Valid,
        PhoneStatus::Warning,
        PhoneStatus::Missing,
        PhoneStatus::Invalid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PhoneStatus::Valid => "valid",
            PhoneStatus::Warning => "warning",
            PhoneStatus::Missing => "missing",
            PhoneStatus::Invalid => "invalid",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Short badge text for the customer list.
    pub fn label(self) -> &'static str {
        match self {
            PhoneStatus::Valid => "WA valid",
            PhoneStatus::Warning => "Periksa",
            PhoneStatus::Missing => "Tidak ada",
            PhoneStatus::Invalid => "Tidak valid",
        }
    }

    /// A number that messages may be sent to.
    pub fn is_usable(self) -> bool {
        matches!(self, PhoneStatus::Valid | PhoneStatus::Warning)
    }
}

/// The result of [`normalise`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneCheck {
    pub status: PhoneStatus,
    /// International digits without `+` (`628123456789`); `None` when missing or invalid.
    pub digits: Option<String>,
    /// Why the number is a warning or invalid, for the admin.
    pub note: Option<&'static str>,
}

impl PhoneCheck {
    /// The WhatsApp chat id, `<digits>@c.us`. WAHA's check-exists answer replaces it later.
    pub fn chat_id(&self) -> Option<String> {
        self.digits.as_deref().map(chat_id)
    }

    fn missing() -> Self {
        PhoneCheck {
            status: PhoneStatus::Missing,
            digits: None,
            note: None,
        }
    }

    fn invalid(note: &'static str) -> Self {
        PhoneCheck {
            status: PhoneStatus::Invalid,
            digits: None,
            note: Some(note),
        }
    }

    fn ok(status: PhoneStatus, digits: String, note: Option<&'static str>) -> Self {
        PhoneCheck {
            status,
            digits: Some(digits),
            note,
        }
    }
}

/// `<digits>@c.us`.
pub fn chat_id(digits: &str) -> String {
    format!("{digits}@c.us")
}

pub const NOTE_NOT_A_NUMBER: &str =
    "Nomor hanya boleh berisi angka, spasi, tanda hubung, titik, kurung dan + di depan.";
pub const NOTE_TOO_SHORT: &str = "Nomor terlalu pendek.";
pub const NOTE_TOO_LONG: &str = "Nomor terlalu panjang.";
pub const NOTE_UNKNOWN: &str = "Bukan nomor Indonesia. Awali dengan 08…, 62… atau +kode negara.";
pub const NOTE_LANDLINE: &str = "Bukan nomor seluler Indonesia; mungkin tidak ada di WhatsApp.";
pub const NOTE_FOREIGN: &str = "Nomor luar negeri; pastikan nomor ini memakai WhatsApp.";

/// Normalises a phone number as entered (see the module docs for the rules).
pub fn normalise(raw: &str) -> PhoneCheck {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return PhoneCheck::missing();
    }
    let mut plus = false;
    let mut digits = String::with_capacity(trimmed.len());
    for (i, c) in trimmed.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '\u{a0}' | '\t' | '-' | '.' | '(' | ')' | '[' | ']' => {}
            '+' if i == 0 => plus = true,
            _ => return PhoneCheck::invalid(NOTE_NOT_A_NUMBER),
        }
    }
    if digits.is_empty() {
        return if plus {
            PhoneCheck::invalid(NOTE_TOO_SHORT)
        } else {
            PhoneCheck::missing()
        };
    }
    // `00` is the international call prefix: `0062…` is `+62…`.
    if !plus && let Some(rest) = digits.strip_prefix("00") {
        digits = rest.to_owned();
        plus = true;
    }

    let national = if let Some(rest) = digits.strip_prefix("62") {
        // `+62 0812…`: the trunk 0 does not belong after the country code.
        rest.strip_prefix('0').unwrap_or(rest).to_owned()
    } else if plus {
        return foreign(&digits);
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest.to_owned()
    } else if digits.starts_with('8') {
        digits.clone()
    } else {
        return PhoneCheck::invalid(NOTE_UNKNOWN);
    };
    indonesian(&national)
}

/// An Indonesian national number (after `62`, without the trunk `0`).
fn indonesian(national: &str) -> PhoneCheck {
    let len = national.len();
    if national.starts_with('8') {
        // ^628\d{7,11}$: `8` plus 7 to 11 digits.
        return match len {
            0..=7 => PhoneCheck::invalid(NOTE_TOO_SHORT),
            8..=12 => PhoneCheck::ok(PhoneStatus::Valid, format!("62{national}"), None),
            _ => PhoneCheck::invalid(NOTE_TOO_LONG),
        };
    }
    match national.chars().next() {
        // Landlines: area code (2–4 digits, never starting with 0 or 1) and the subscriber number.
        Some('2'..='9') => match len {
            0..=6 => PhoneCheck::invalid(NOTE_TOO_SHORT),
            7..=11 => PhoneCheck::ok(
                PhoneStatus::Warning,
                format!("62{national}"),
                Some(NOTE_LANDLINE),
            ),
            _ => PhoneCheck::invalid(NOTE_TOO_LONG),
        },
        None => PhoneCheck::invalid(NOTE_TOO_SHORT),
        _ => PhoneCheck::invalid(NOTE_UNKNOWN),
    }
}

/// `+<country><number>`, E.164: 8 to 15 digits, no leading 0.
fn foreign(digits: &str) -> PhoneCheck {
    if digits.starts_with('0') {
        return PhoneCheck::invalid(NOTE_UNKNOWN);
    }
    match digits.len() {
        0..=7 => PhoneCheck::invalid(NOTE_TOO_SHORT),
        8..=15 => PhoneCheck::ok(PhoneStatus::Warning, digits.to_owned(), Some(NOTE_FOREIGN)),
        _ => PhoneCheck::invalid(NOTE_TOO_LONG),
    }
}

/// A stored number for people: `+62 812-3456-7890`. Foreign numbers are shown as `+digits`.
pub fn display(digits: &str) -> String {
    match digits.strip_prefix("62") {
        Some(national) if national.starts_with('8') && national.len() >= 8 => {
            let (a, rest) = national.split_at(3);
            let (b, c) = rest.split_at(4.min(rest.len()));
            format!("+62 {a}-{b}-{c}")
        }
        Some(national) => format!("+62 {national}"),
        None => format!("+{digits}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PhoneStatus::*;

    #[test]
    fn design_examples_give_one_chat_id() {
        for raw in ["08123456789", "8123456789", "+628123456789"] {
            let c = normalise(raw);
            assert_eq!(c.status, Valid, "{raw}");
            assert_eq!(c.chat_id().as_deref(), Some("628123456789@c.us"), "{raw}");
        }
    }

    #[test]
    fn table() {
        let cases: &[(&str, PhoneStatus, Option<&str>)] = &[
            // Indonesian mobiles in the forms admins type them.
            ("08123456789", Valid, Some("628123456789")),
            ("0812-3456-789", Valid, Some("628123456789")),
            ("0812 3456 789", Valid, Some("628123456789")),
            ("0812.3456.789", Valid, Some("628123456789")),
            ("(0812) 3456789", Valid, Some("628123456789")),
            ("[0812]3456789", Valid, Some("628123456789")),
            ("62 812 3456 789", Valid, Some("628123456789")),
            ("628123456789", Valid, Some("628123456789")),
            ("+62 812-3456-789", Valid, Some("628123456789")),
            ("+62 0812 3456 789", Valid, Some("628123456789")),
            ("620812345678", Valid, Some("62812345678")),
            ("0062 812 3456 789", Valid, Some("628123456789")),
            ("  081234567890  ", Valid, Some("6281234567890")),
            ("0812\u{a0}3456\u{a0}7890", Valid, Some("6281234567890")),
            // Lengths at the edges of ^628\d{7,11}$.
            ("0812345678", Valid, Some("62812345678")), // 8 + 9 digits
            ("081234567", Valid, Some("6281234567")),   // 8 + 8
            ("08123456", Invalid, None),                // 8 + 7 digits total: too short
            ("0812345678901", Valid, Some("62812345678901")), // 8 + 12
            ("08123456789012", Invalid, None),          // too long
            // Landlines: accepted with a warning.
            ("021-5551234", Warning, Some("62215551234")),
            ("(0274) 512345", Warning, Some("62274512345")),
            ("+62 21 5551234", Warning, Some("62215551234")),
            // Foreign numbers with a country code: accepted with a warning.
            ("+60 12-345 6789", Warning, Some("60123456789")),
            ("+1 (415) 555-0123", Warning, Some("14155550123")),
            ("0065 9123 4567", Warning, Some("6591234567")),
            // Missing.
            ("", Missing, None),
            ("   ", Missing, None),
            ("- -", Missing, None),
            // Bad input.
            ("+", Invalid, None),
            ("0812-abc-789", Invalid, None),
            ("0812/3456/789", Invalid, None),
            ("tidak ada", Invalid, None),
            ("12345", Invalid, None),
            ("1234567890", Invalid, None),
            ("0123456789", Invalid, None),
            ("+62", Invalid, None),
            ("+62 12345678", Invalid, None),
            ("0812+3456789", Invalid, None),
            ("+0812345678", Invalid, None),
            ("+1234567", Invalid, None),
            ("+1234567890123456", Invalid, None),
            ("021-55", Invalid, None),
            ("08١٢٣٤٥٦٧٨٩", Invalid, None),
        ];
        for (raw, status, digits) in cases {
            let c = normalise(raw);
            assert_eq!(c.status, *status, "{raw:?} → {c:?}");
            assert_eq!(c.digits.as_deref(), *digits, "{raw:?} → {c:?}");
            match status {
                Valid | Missing => assert!(c.note.is_none(), "{raw:?}"),
                Warning | Invalid => assert!(c.note.is_some(), "{raw:?} needs a reason"),
            }
        }
    }

    #[test]
    fn chat_id_only_for_usable_numbers() {
        assert_eq!(normalise("tidak ada").chat_id(), None);
        assert_eq!(normalise("").chat_id(), None);
        assert_eq!(
            normalise("021 5551234").chat_id().as_deref(),
            Some("62215551234@c.us")
        );
    }

    #[test]
    fn status_round_trips_and_usable() {
        for s in PhoneStatus::ALL {
            assert_eq!(PhoneStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(PhoneStatus::parse("ok"), None);
        assert!(Valid.is_usable() && Warning.is_usable());
        assert!(!Missing.is_usable() && !Invalid.is_usable());
    }

    #[test]
    fn display_groups_indonesian_mobiles() {
        assert_eq!(display("6281234567890"), "+62 812-3456-7890");
        assert_eq!(display("628123456789"), "+62 812-3456-789");
        assert_eq!(display("62215551234"), "+62 215551234");
        assert_eq!(display("60123456789"), "+60123456789");
    }
}
