//! What the engine needs from WhatsApp, as a trait: the real WAHA client implements it, tests
//! can substitute their own. Failures arrive already classified (DESIGN §5.3).

use crate::domain::whatsapp::SessionStatus;
use async_trait::async_trait;

/// A message this account sent in a chat, as WAHA's history reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub id: String,
    pub body: String,
    /// Unix seconds.
    pub timestamp: i64,
    /// WhatsApp's delivery tick as the chat shows it (-1 error, 1 server, 2 device, 3 read).
    pub ack: Option<i16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Worth retrying later. `maybe_sent`: the request may have reached WhatsApp (timeout,
    /// connection reset, 5xx), so the chat is checked before any resend.
    Transient { maybe_sent: bool },
    /// This recipient can never get it (not on WhatsApp, invalid number).
    Recipient,
    /// The WhatsApp account cannot send now (session not WORKING, wrong key, 463 lock). Jobs
    /// pause; `auto_resume` says whether they may resume by themselves once WORKING again.
    Channel { auto_resume: bool },
    /// WAHA's `rate-overlimit`: slow down, then carry on.
    RateLimited,
}

/// A classified failure: `code` is stable (stored, filtered on), `message` is for the admin in
/// Indonesian and never carries the API key or a raw upstream body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub code: String,
    pub message: String,
}

impl Failure {
    pub fn new(kind: FailureKind, code: &str, message: impl Into<String>) -> Self {
        Self {
            kind,
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

#[async_trait]
pub trait Channel: Send + Sync + 'static {
    /// The session's status as WAHA names it (WORKING, SCAN_QR_CODE, STOPPED, ...).
    async fn status(&self, session: &str) -> Result<SessionStatus, Failure>;

    /// Whether the number has WhatsApp, and the chat id to send to (it may differ from
    /// `<digits>@c.us`). `Ok(None)`: not on WhatsApp.
    async fn check_exists(&self, session: &str, number: &str) -> Result<Option<String>, Failure>;

    /// Sends a text; the WhatsApp message id.
    async fn send_text(&self, session: &str, chat_id: &str, text: &str) -> Result<String, Failure>;

    /// Recent messages this account sent to the chat, newest first.
    async fn recent_outgoing(
        &self,
        session: &str,
        chat_id: &str,
        limit: u32,
    ) -> Result<Vec<Outgoing>, Failure>;
}
