//! What the WAHA client returns: WAHA's answers reduced to what Tagih uses, the same whatever
//! the engine (WEBJS, NOWEB, GOWS) or version behind it.

use crate::domain::whatsapp::SessionStatus;
use serde::Deserialize;

/// `GET /api/server/version`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ServerVersion {
    pub version: String,
    #[serde(default)]
    pub engine: String,
    /// `CORE` or `PLUS`.
    #[serde(default)]
    pub tier: String,
}

/// The WhatsApp account a session is linked to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Me {
    /// `628123456789@c.us`.
    pub id: String,
    #[serde(rename = "pushName", default)]
    pub push_name: Option<String>,
}

impl Me {
    /// The phone number part of the id (`628123456789`).
    pub fn number(&self) -> &str {
        let user = self.id.split('@').next().unwrap_or_default();
        // Device suffixes (`62812:12@s.whatsapp.net`) are not part of the number.
        user.split(':').next().unwrap_or_default()
    }
}

/// `GET /api/sessions/{session}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SessionInfo {
    pub name: String,
    /// `STOPPED`, `STARTING`, `SCAN_QR_CODE`, `WORKING`, `FAILED`, or a newer value as it came.
    pub status: SessionStatus,
    #[serde(default)]
    pub me: Option<Me>,
    /// The engine, when WAHA says (single-session GET only).
    #[serde(default, deserialize_with = "engine_name")]
    pub engine: Option<String>,
    /// The session's config as WAHA holds it (kept whole so an update can preserve it).
    #[serde(default)]
    pub config: Option<serde_json::Value>,
}

impl SessionInfo {
    pub fn is_working(&self) -> bool {
        self.status.is_working()
    }
}

fn engine_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Object(o)) => {
            o.get("engine").and_then(|e| e.as_str()).map(str::to_owned)
        }
        _ => None,
    })
}

/// A QR code as an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrImage {
    pub mimetype: String,
    pub data: Vec<u8>,
}

/// `GET /api/contacts/check-exists`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberCheck {
    pub exists: bool,
    /// The chat id to send to (WAHA's answer wins over our own `<digits>@c.us`).
    pub chat_id: Option<String>,
}

/// The result of `sendText`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMessage {
    /// The serialised message id (`true_<chatId>_<id>`), the one `message.ack` and the chat's
    /// message list use. `None` only when WAHA accepted the message but its answer carried no
    /// id (a known WEBJS bug): the message may well be sent; reconcile through
    /// `chat_messages`, never treat it as a failure.
    pub id: Option<String>,
    pub chat_id: String,
}

/// One message of a chat, as `GET /api/{session}/chats/{chatId}/messages` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ChatMessage {
    #[serde(deserialize_with = "message_id")]
    pub id: String,
    #[serde(rename = "fromMe", default)]
    pub from_me: bool,
    #[serde(default)]
    pub body: Option<String>,
    /// Unix seconds.
    #[serde(default, deserialize_with = "unix_seconds")]
    pub timestamp: i64,
    /// -1 error, 0 pending, 1 server, 2 device, 3 read, 4 played.
    #[serde(default)]
    pub ack: Option<i32>,
}

fn message_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    serialized_id(&v).ok_or_else(|| serde::de::Error::custom("message without an id"))
}

/// A message id is a string, or (WEBJS) an object holding `_serialized`.
pub(crate) fn serialized_id(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Object(o) => o
            .get("_serialized")
            .and_then(|s| s.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        _ => None,
    }
}

fn unix_seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    let n = match v {
        Some(serde_json::Value::Number(n)) => n.as_i64().unwrap_or_default(),
        Some(serde_json::Value::String(s)) => s.parse().unwrap_or_default(),
        _ => 0,
    };
    // Some engines give milliseconds.
    Ok(if n > 100_000_000_000 { n / 1000 } else { n })
}

/// A webhook to put on a session (`config.webhooks[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookTarget {
    pub url: String,
    pub events: Vec<String>,
    /// HMAC-SHA512 key WAHA signs each delivery with.
    pub hmac_key: crate::server::Secret,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn me_number_drops_server_and_device() {
        let me = Me {
            id: "628123456789:12@s.whatsapp.net".into(),
            push_name: None,
        };
        assert_eq!(me.number(), "628123456789");
    }

    #[test]
    fn session_engine_comes_as_object_or_string() {
        let s: SessionInfo = serde_json::from_str(
            r#"{"name":"default","status":"WORKING","engine":{"engine":"GOWS"},
                "me":{"id":"62811@c.us","pushName":"Toko"}}"#,
        )
        .unwrap();
        assert_eq!(s.engine.as_deref(), Some("GOWS"));
        assert_eq!(s.me.unwrap().push_name.as_deref(), Some("Toko"));
        let s: SessionInfo =
            serde_json::from_str(r#"{"name":"x","status":"STOPPED","me":null}"#).unwrap();
        assert!(s.me.is_none() && s.engine.is_none());
    }

    #[test]
    fn chat_messages_accept_webjs_ids_and_ms_timestamps() {
        let m: ChatMessage = serde_json::from_str(
            r#"{"id":{"_serialized":"true_62811@c.us_AB"},"fromMe":true,"body":"hi",
                "timestamp":1700000000123}"#,
        )
        .unwrap();
        assert_eq!(m.id, "true_62811@c.us_AB");
        assert_eq!(m.timestamp, 1_700_000_000);
    }
}
