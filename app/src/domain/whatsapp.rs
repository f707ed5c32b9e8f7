//! WhatsApp rules both sides need: how a session status reads, and what a usable number is.

use super::phone::PhoneStatus;
use serde::{Deserialize, Serialize};

/// A WAHA session's status. WAHA may add statuses (e.g. `PASSKEY_REQUIRED`): those are kept
/// as they came and shown as they came. Travels and is stored as WAHA's own text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum SessionStatus {
    Working,
    ScanQrCode,
    Starting,
    Stopped,
    Failed,
    Other(String),
}

impl SessionStatus {
    /// WAHA's text, the one mapping between the wire/database text and the type.
    pub fn parse(s: &str) -> Self {
        match s {
            "WORKING" => Self::Working,
            "SCAN_QR_CODE" => Self::ScanQrCode,
            "STARTING" => Self::Starting,
            "STOPPED" => Self::Stopped,
            "FAILED" => Self::Failed,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Working => "WORKING",
            Self::ScanQrCode => "SCAN_QR_CODE",
            Self::Starting => "STARTING",
            Self::Stopped => "STOPPED",
            Self::Failed => "FAILED",
            Self::Other(s) => s,
        }
    }

    /// As the admin reads it; an unknown status is shown as it came.
    pub fn label(&self) -> &str {
        match self {
            Self::Working => "Aktif",
            Self::ScanQrCode => "Perlu scan QR",
            Self::Starting => "Memulai",
            Self::Stopped => "Tidak aktif",
            Self::Failed => "Gagal",
            Self::Other(s) => s,
        }
    }

    pub fn is_working(&self) -> bool {
        *self == Self::Working
    }
}

impl From<String> for SessionStatus {
    fn from(s: String) -> Self {
        Self::parse(&s)
    }
}

impl From<&str> for SessionStatus {
    fn from(s: &str) -> Self {
        Self::parse(s)
    }
}

/// Compares with WAHA's text (tests and WAHA's own bodies speak it).
impl PartialEq<str> for SessionStatus {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SessionStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl From<SessionStatus> for String {
    fn from(s: SessionStatus) -> Self {
        match s {
            SessionStatus::Other(s) => s,
            known => known.as_str().to_owned(),
        }
    }
}

impl std::fmt::Display for SessionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// WAHA session statuses as the admin reads them (for text that arrives untyped, e.g. a 422
/// status gate's body).
pub fn status_label(status: &str) -> String {
    SessionStatus::parse(status).label().to_owned()
}

/// What the admin can do to the session on the WhatsApp page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionAction {
    Start,
    Stop,
    Restart,
    Logout,
}

impl SessionAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Stop => "stop",
            Self::Restart => "restart",
            Self::Logout => "logout",
        }
    }
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
    pub fn of(status: Option<&SessionStatus>) -> Tone {
        match status {
            Some(SessionStatus::Working) => Tone::Ok,
            Some(SessionStatus::ScanQrCode | SessionStatus::Starting) => Tone::Warn,
            Some(SessionStatus::Failed) => Tone::Bad,
            Some(SessionStatus::Stopped) | None => Tone::Idle,
            Some(SessionStatus::Other(_)) => Tone::Warn,
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

/// Whether a customer can get a WhatsApp message, and if not, why. The one rule for the invoice
/// table, the dashboard, single and bulk sends (the server's SQL twin is
/// `server::reach::REACHABLE_SQL`, tested to agree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Reach {
    Ready,
    /// No number, or nothing that reads as one.
    NoNumber,
    /// Not a phone number.
    Invalid,
    /// WhatsApp said this number has no account.
    NotOnWhatsApp,
}

impl Reach {
    /// From what the customer record holds: the normalised number, its check, and WAHA's
    /// check-exists answer (`None` = never asked, which is still worth a try).
    pub fn of(
        wa_number: Option<&str>,
        phone: Option<PhoneStatus>,
        wa_exists: Option<bool>,
    ) -> Self {
        match phone {
            Some(PhoneStatus::Invalid) => Reach::Invalid,
            Some(PhoneStatus::Valid | PhoneStatus::Warning) if wa_number.is_some() => {
                if wa_exists == Some(false) {
                    Reach::NotOnWhatsApp
                } else {
                    Reach::Ready
                }
            }
            _ => Reach::NoNumber,
        }
    }

    pub fn is_ready(self) -> bool {
        self == Reach::Ready
    }

    /// Why a message cannot go, for the admin; `None` when it can.
    pub fn problem(self) -> Option<&'static str> {
        match self {
            Reach::Ready => None,
            Reach::NoNumber | Reach::Invalid => Some(
                "Pelanggan ini belum punya nomor WhatsApp yang valid. Perbaiki nomornya di data pelanggan.",
            ),
            Reach::NotOnWhatsApp => Some(
                "Nomor ini tidak terdaftar di WhatsApp (hasil pemeriksaan sebelumnya). Perbaiki nomornya di data pelanggan.",
            ),
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
    fn reach_needs_a_usable_number_that_whatsapp_has_not_refused() {
        use PhoneStatus::*;
        let n = Some("628123456789");
        assert_eq!(Reach::of(n, Some(Valid), None), Reach::Ready);
        assert_eq!(Reach::of(n, Some(Warning), Some(true)), Reach::Ready);
        assert_eq!(Reach::of(n, Some(Valid), Some(false)), Reach::NotOnWhatsApp);
        assert_eq!(Reach::of(None, Some(Valid), None), Reach::NoNumber);
        assert_eq!(Reach::of(None, Some(Missing), None), Reach::NoNumber);
        assert_eq!(Reach::of(n, Some(Invalid), None), Reach::Invalid);
        assert_eq!(Reach::of(n, None, None), Reach::NoNumber);
        assert!(Reach::Ready.problem().is_none() && Reach::Invalid.problem().is_some());
    }

    #[test]
    fn statuses_read_in_indonesian_and_unknown_ones_pass_through() {
        assert_eq!(status_label("WORKING"), "Aktif");
        assert_eq!(status_label("SCAN_QR_CODE"), "Perlu scan QR");
        assert_eq!(status_label("STARTING"), "Memulai");
        assert_eq!(status_label("STOPPED"), "Tidak aktif");
        assert_eq!(status_label("FAILED"), "Gagal");
        assert_eq!(status_label("PASSKEY_REQUIRED"), "PASSKEY_REQUIRED");
        assert_eq!(Tone::of(Some(&SessionStatus::Working)), Tone::Ok);
        let added: SessionStatus = serde_json::from_str("\"PASSKEY_REQUIRED\"").unwrap();
        assert_eq!(added, SessionStatus::Other("PASSKEY_REQUIRED".into()));
        assert_eq!(
            serde_json::to_string(&added).unwrap(),
            "\"PASSKEY_REQUIRED\""
        );
        assert_eq!(
            serde_json::to_string(&SessionStatus::ScanQrCode).unwrap(),
            "\"SCAN_QR_CODE\""
        );
        assert_eq!(Tone::of(None), Tone::Idle);
    }
}
