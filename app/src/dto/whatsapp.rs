//! The WhatsApp connection: status, QR, session actions, connection settings, tests, webhook.
//! The WAHA API key and the webhook secret never appear in anything returned here.

use crate::domain::whatsapp::SessionStatus;
use serde::{Deserialize, Serialize};

/// The session as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// A WAHA address is set.
    pub configured: bool,
    pub session: String,
    /// WAHA's status (`None` when WAHA could not be asked).
    pub status: Option<SessionStatus>,
    /// The linked account while Aktif.
    pub account: Option<Account>,
    /// Why WAHA could not be asked, for the admin.
    pub error: Option<String>,
    /// A newly linked number's warm-up today ("Pemanasan: hari 3 dari 14, …").
    pub warmup: Option<String>,
    /// Sending is stopped because WhatsApp pushed back (early signs of a ban, 463): why, and
    /// what to do.
    pub warning: Option<String>,
}

impl SessionView {
    /// Indonesian: Aktif, Perlu scan QR, … or why there is no status.
    pub fn label(&self) -> String {
        match &self.status {
            Some(s) => s.label().to_owned(),
            None if self.configured => "Tidak terhubung".into(),
            None => "Belum diatur".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub number: String,
    pub name: Option<String>,
}

/// The navigation dot: the last known status, from the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavStatus {
    pub status: Option<SessionStatus>,
    /// A WAHA address is set.
    pub configured: bool,
    /// Sending is stopped because WhatsApp pushed back (see [`SessionView::warning`]).
    pub warning: Option<String>,
}

impl NavStatus {
    pub fn label(&self) -> String {
        match &self.status {
            Some(s) => s.label().to_owned(),
            None if self.configured => "Belum diketahui".into(),
            None => "Belum diatur".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrView {
    pub status: SessionStatus,
    /// `data:image/svg+xml;base64,…` while SCAN_QR_CODE.
    pub image: Option<String>,
    /// Changes when WAHA rotates the QR.
    pub qr_id: Option<String>,
}

/// The connection settings as the page may see them: whether a key is set, never the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    pub url: String,
    pub url_from_env: bool,
    pub session: String,
    pub key_set: bool,
    pub key_from_env: bool,
    pub webhook_set: bool,
    pub webhook_url: Option<String>,
    /// Where this Tagih receives webhooks, as far as it can tell.
    pub suggested_webhook_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionTest {
    pub version: String,
    pub engine: String,
    pub tier: String,
    /// `None`: the session does not exist on WAHA yet.
    pub session_status: Option<SessionStatus>,
}

impl ConnectionTest {
    pub fn session_label(&self) -> String {
        self.session_status
            .as_ref()
            .map_or_else(|| "Belum dibuat".into(), |s| s.label().to_owned())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSent {
    pub chat_id: String,
    pub message_id: Option<String>,
}
