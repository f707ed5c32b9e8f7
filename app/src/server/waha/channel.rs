//! The sending engine's `Channel`, backed by the WAHA client. The connection settings are read
//! for every call, so a URL or key saved on the WhatsApp page applies without a restart.

use super::{
    WahaError,
    error::ErrorClass,
    service::{self, NOT_CONFIGURED},
    settings,
};
use crate::domain::whatsapp::SessionStatus;
use crate::server::{
    Config,
    engine::{Channel, Failure, FailureKind, Outgoing},
};
use async_trait::async_trait;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

pub struct WahaChannel {
    db: DatabaseConnection,
    config: Arc<Config>,
    http: reqwest::Client,
}

impl WahaChannel {
    pub fn new(db: DatabaseConnection, config: Arc<Config>, http: reqwest::Client) -> Self {
        Self { db, config, http }
    }

    async fn client(&self) -> Result<super::WahaClient, Failure> {
        let s = settings::load(&self.db, &self.config).await.map_err(|e| {
            tracing::error!(error = %e, "cannot read the WAHA settings");
            Failure::new(
                FailureKind::Transient { maybe_sent: false },
                "database",
                "Pengaturan WhatsApp tidak dapat dibaca.",
            )
        })?;
        let Some(url) = s.url else {
            return Err(Failure::new(
                FailureKind::Channel { auto_resume: true },
                "not_configured",
                NOT_CONFIGURED,
            ));
        };
        super::WahaClient::with_http(self.http.clone(), url, s.api_key).map_err(failure)
    }
}

/// A WAHA error as the engine classifies it. "Maybe sent" is true whenever the request may
/// have reached WhatsApp (timeout, 5xx, an unreadable 2xx): the engine then looks in the chat
/// before sending again.
pub fn failure(e: WahaError) -> Failure {
    let kind = match (&e, e.class()) {
        (WahaError::RateOverlimit(_), _) => FailureKind::RateLimited,
        // WhatsApp's reach-out lock lasts hours to days: only the admin resumes.
        (WahaError::ReachoutLocked(_), _) => FailureKind::Channel { auto_resume: false },
        (_, ErrorClass::Channel) => FailureKind::Channel { auto_resume: true },
        (_, ErrorClass::Recipient) => FailureKind::Recipient,
        (WahaError::Unreachable(_), ErrorClass::Transient) => {
            FailureKind::Transient { maybe_sent: false }
        }
        (_, ErrorClass::Transient) => FailureKind::Transient { maybe_sent: true },
    };
    tracing::warn!(error = %e, code = e.code(), "WAHA call failed");
    Failure::new(kind, e.code(), e.user_message())
}

#[async_trait]
impl Channel for WahaChannel {
    async fn status(&self, session: &str) -> Result<SessionStatus, Failure> {
        match self.client().await?.get_session(session).await {
            Ok(info) => {
                if let Err(e) =
                    service::record_status(&self.db, session, &info.status, info.me.as_ref()).await
                {
                    tracing::error!(error = %e, "cannot record the WhatsApp status");
                }
                Ok(info.status)
            }
            Err(WahaError::SessionNotFound { .. }) => Ok(SessionStatus::Stopped),
            Err(e) => Err(failure(e)),
        }
    }

    async fn check_exists(&self, session: &str, number: &str) -> Result<Option<String>, Failure> {
        let check = self
            .client()
            .await?
            .check_exists(session, number)
            .await
            .map_err(failure)?;
        Ok(check
            .exists
            .then(|| check.chat_id.unwrap_or_else(|| format!("{number}@c.us"))))
    }

    async fn send_text(&self, session: &str, chat_id: &str, text: &str) -> Result<String, Failure> {
        let sent = self
            .client()
            .await?
            .send_text(session, chat_id, text)
            .await
            .map_err(failure)?;
        // Accepted without an id (a known WEBJS bug): most likely sent, so the engine must
        // look in the chat rather than send again blindly.
        sent.id.ok_or_else(|| {
            Failure::new(
                FailureKind::Transient { maybe_sent: true },
                "no_message_id",
                "WAHA menerima pesan tetapi tidak memberi ID pesan; status dicek di chat.",
            )
        })
    }

    async fn recent_outgoing(
        &self,
        session: &str,
        chat_id: &str,
        limit: u32,
    ) -> Result<Vec<Outgoing>, Failure> {
        let mut list: Vec<Outgoing> = self
            .client()
            .await?
            .chat_messages(session, chat_id, limit)
            .await
            .map_err(failure)?
            .into_iter()
            .filter(|m| m.from_me)
            .map(|m| Outgoing {
                id: m.id,
                body: m.body.unwrap_or_default(),
                timestamp: m.timestamp,
                ack: m.ack.and_then(|a| i16::try_from(a).ok()),
            })
            .collect();
        list.sort_by_key(|m| std::cmp::Reverse(m.timestamp));
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waha_errors_map_to_engine_failures() {
        let kind = |e: WahaError| failure(e).kind;
        assert_eq!(
            kind(WahaError::Timeout),
            FailureKind::Transient { maybe_sent: true }
        );
        assert_eq!(
            kind(WahaError::Unreachable("refused".into())),
            FailureKind::Transient { maybe_sent: false }
        );
        assert_eq!(
            kind(WahaError::StatusGate {
                session: "default".into(),
                status: "STARTING".into(),
                expected: vec!["WORKING".into()]
            }),
            FailureKind::Channel { auto_resume: true }
        );
        assert_eq!(
            kind(WahaError::StatusGate {
                session: "default".into(),
                status: "SCAN_QR_CODE".into(),
                expected: vec!["WORKING".into()]
            }),
            FailureKind::Channel { auto_resume: true }
        );
        assert_eq!(
            kind(WahaError::NotOnWhatsApp("x".into())),
            FailureKind::Recipient
        );
        assert_eq!(
            kind(WahaError::Unauthorized),
            FailureKind::Channel { auto_resume: true }
        );
        assert_eq!(
            kind(WahaError::ReachoutLocked("463".into())),
            FailureKind::Channel { auto_resume: false }
        );
        assert_eq!(
            kind(WahaError::RateOverlimit("x".into())),
            FailureKind::RateLimited
        );
        let f = failure(WahaError::NotOnWhatsApp("No LID for user".into()));
        assert_eq!(f.code, "not_on_whatsapp");
        assert_eq!(f.message, "Nomor tujuan tidak terdaftar di WhatsApp.");
    }
}
