//! WhatsApp rules both sides need: how a session status reads, and what a usable number is.

use super::phone::PhoneStatus;

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

/// A number typed on the WhatsApp page (test message, pairing code) as WhatsApp wants it:
/// international digits, by the customer-number rules of [`super::phone`].
pub fn normalise_number(input: &str) -> Result<String, &'static str> {
    let check = super::phone::normalise(input);
    match (check.status, check.digits) {
        (PhoneStatus::Missing, _) => Err("Nomor WhatsApp wajib diisi."),
        (_, Some(digits)) if check.status.is_usable() => Ok(digits),
        _ => Err(check.note.unwrap_or(super::phone::NOTE_NOT_A_NUMBER)),
    }
}

pub use super::phone::chat_id;

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
