//! WhatsApp rules both sides need: how a session status reads, and what a usable number is.

/// WAHA session statuses as the admin reads them; anything else is shown as it came.
pub fn status_label(status: &str) -> String {
    match status {
        "WORKING" => "Aktif",
        "SCAN_QR_CODE" => "Perlu scan QR",
        "STARTING" => "Memulai",
        "STOPPED" => "Tidak aktif",
        "FAILED" => "Gagal",
        other => other,
    }
    .to_owned()
}

/// The colour family of a status: the navigation dot and the status badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Ok,
    Warn,
    Bad,
    Idle,
}

impl Tone {
    pub fn of(status: Option<&str>) -> Tone {
        match status {
            Some("WORKING") => Tone::Ok,
            Some("SCAN_QR_CODE" | "STARTING") => Tone::Warn,
            Some("FAILED") => Tone::Bad,
            Some("STOPPED") | None => Tone::Idle,
            Some(_) => Tone::Warn,
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Tone::Ok => "tone-ok",
            Tone::Warn => "tone-warn",
            Tone::Bad => "tone-bad",
            Tone::Idle => "tone-idle",
        }
    }
}

/// A number as WhatsApp wants it (international digits), or why not.
/// Indonesian forms `+62…`, `62…`, `0…` and a bare `8…` all become `62…`; `+62 0812…` drops the
/// stray 0; another country needs its `+` code.
pub fn normalise_number(input: &str) -> Result<String, &'static str> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err("Nomor WhatsApp wajib diisi.");
    }
    if trimmed
        .chars()
        .any(|c| !(c.is_ascii_digit() || " -.()+".contains(c)))
    {
        return Err("Nomor hanya boleh berisi angka, spasi, tanda hubung atau +.");
    }
    let plus = trimmed.starts_with('+');
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = digits.strip_prefix("62") {
        rest.trim_start_matches('0').to_owned()
    } else if plus {
        // Another country: E.164 as given.
        return if (8..=15).contains(&digits.len()) {
            Ok(digits)
        } else {
            Err("Nomor internasional harus 8–15 angka.")
        };
    } else if let Some(rest) = digits.strip_prefix('0') {
        rest.to_owned()
    } else {
        digits
    };
    let number = format!("62{national}");
    if !(10..=15).contains(&number.len()) {
        return Err("Nomor terlalu pendek atau terlalu panjang.");
    }
    Ok(number)
}

/// `628123456789` → `628123456789@c.us`.
pub fn chat_id(number: &str) -> String {
    format!("{number}@c.us")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_indonesian_form_becomes_62() {
        for n in [
            "08123456789",
            "8123456789",
            "+628123456789",
            "62 812-345-6789",
            "+62 0812 3456 789",
        ] {
            assert_eq!(normalise_number(n), Ok("628123456789".into()), "{n}");
        }
        assert_eq!(chat_id("628123456789"), "628123456789@c.us");
        assert_eq!(normalise_number("+60123456789"), Ok("60123456789".into()));
        assert!(normalise_number("").is_err());
        assert!(normalise_number("0812abc").is_err());
        assert!(normalise_number("0812").is_err());
    }

    #[test]
    fn statuses_read_in_indonesian_and_unknown_ones_pass_through() {
        assert_eq!(status_label("WORKING"), "Aktif");
        assert_eq!(status_label("SCAN_QR_CODE"), "Perlu scan QR");
        assert_eq!(status_label("STARTING"), "Memulai");
        assert_eq!(status_label("STOPPED"), "Tidak aktif");
        assert_eq!(status_label("FAILED"), "Gagal");
        assert_eq!(status_label("PASSKEY_REQUIRED"), "PASSKEY_REQUIRED");
        assert_eq!(Tone::of(Some("WORKING")), Tone::Ok);
        assert_eq!(Tone::of(None), Tone::Idle);
    }
}
