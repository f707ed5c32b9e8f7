//! The endpoints messages go through: check-exists, sendText, a chat's recent messages.

use super::*;
use crate::server::waha::{
    error::WahaError,
    types::{ChatMessage, NumberCheck, SentMessage},
};
use reqwest::Method;
use serde_json::{Value, json};

impl WahaClient {
    // ---- messages --------------------------------------------------------------------------

    /// Asks WhatsApp whether `phone` (international digits) has an account.
    pub async fn check_exists(&self, session: &str, phone: &str) -> Result<NumberCheck, WahaError> {
        let v = self
            .json(
                self.request(Method::GET, &["api", "contacts", "check-exists"])
                    .query(&[("phone", phone), ("session", session)]),
                session,
            )
            .await?;
        let exists = v
            .get("numberExists")
            .and_then(Value::as_bool)
            .ok_or_else(|| WahaError::BadResponse("check-exists without numberExists".into()))?;
        Ok(NumberCheck {
            exists,
            chat_id: v
                .get("chatId")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        })
    }

    /// Sends a text. Answers with the message id whatever the engine's response shape.
    pub async fn send_text(
        &self,
        session: &str,
        chat_id: &str,
        text: &str,
    ) -> Result<SentMessage, WahaError> {
        let v = self
            .json(
                self.request(Method::POST, &["api", "sendText"])
                    .json(&json!({
                        "session": session,
                        "chatId": chat_id,
                        "text": text,
                    })),
                session,
            )
            .await?;
        Ok(SentMessage {
            id: sent_message_id(&v, chat_id),
            chat_id: chat_id.to_owned(),
        })
    }

    /// The chat's latest `limit` messages (any order), to find out whether a message went out.
    pub async fn chat_messages(
        &self,
        session: &str,
        chat_id: &str,
        limit: u32,
    ) -> Result<Vec<ChatMessage>, WahaError> {
        let limit = limit.to_string();
        self.typed(
            self.request(Method::GET, &["api", session, "chats", chat_id, "messages"])
                .query(&[("limit", limit.as_str()), ("downloadMedia", "false")]),
            session,
        )
        .await
    }
}
