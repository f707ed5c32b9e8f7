//! Server, session, login (QR, pairing code) and webhook endpoints.

use super::{
    interpret::{already_started, read_limited},
    *,
};
use crate::server::waha::{
    error::WahaError,
    types::{QrImage, ServerVersion, SessionInfo, WebhookTarget},
};
use base64::Engine as _;
use reqwest::{Method, header::ACCEPT};
use serde_json::{Value, json};

impl WahaClient {
    // ---- server ----------------------------------------------------------------------------

    /// `GET /api/server/version` (falls back to the older `/api/version`). Tests the address
    /// and the key together.
    pub async fn version(&self) -> Result<ServerVersion, WahaError> {
        match self
            .typed(self.request(Method::GET, &["api", "server", "version"]), "")
            .await
        {
            Err(WahaError::EndpointMissing { .. }) => {
                self.typed(self.request(Method::GET, &["api", "version"]), "")
                    .await
            }
            other => other,
        }
    }

    // ---- sessions --------------------------------------------------------------------------

    /// `GET /api/sessions/{session}`: status, account, engine and config.
    pub async fn get_session(&self, session: &str) -> Result<SessionInfo, WahaError> {
        self.typed(
            self.request(Method::GET, &["api", "sessions", session]),
            session,
        )
        .await
    }

    /// Starts the session. Uses `POST /api/sessions/{s}/start`; when the server lacks it, or
    /// the session does not exist yet, the older `POST /api/sessions/start {name}` (which
    /// creates it). "Already started" counts as success.
    pub async fn start(&self, session: &str) -> Result<(), WahaError> {
        let granular = self
            .send(
                self.request(Method::POST, &["api", "sessions", session, "start"]),
                session,
            )
            .await;
        match granular {
            Ok(_) => Ok(()),
            Err(e) if already_started(&e) => Ok(()),
            Err(WahaError::EndpointMissing { .. } | WahaError::SessionNotFound { .. }) => {
                match self.legacy_start(session).await {
                    Err(e) if already_started(&e) => Ok(()),
                    other => other,
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn legacy_start(&self, session: &str) -> Result<(), WahaError> {
        self.send(
            self.request(Method::POST, &["api", "sessions", "start"])
                .json(&json!({ "name": session })),
            session,
        )
        .await
        .map(drop)
    }

    async fn legacy_stop(&self, session: &str) -> Result<(), WahaError> {
        self.send(
            self.request(Method::POST, &["api", "sessions", "stop"])
                .json(&json!({ "name": session, "logout": false })),
            session,
        )
        .await
        .map(drop)
    }

    /// Stops the session, keeping its login. Falls back to `POST /api/sessions/stop`.
    pub async fn stop(&self, session: &str) -> Result<(), WahaError> {
        match self
            .send(
                self.request(Method::POST, &["api", "sessions", session, "stop"]),
                session,
            )
            .await
        {
            Err(WahaError::EndpointMissing { .. }) => self.legacy_stop(session).await,
            other => other.map(drop),
        }
    }

    /// Restarts the session. Without the granular API: stop, then start.
    pub async fn restart(&self, session: &str) -> Result<(), WahaError> {
        match self
            .send(
                self.request(Method::POST, &["api", "sessions", session, "restart"]),
                session,
            )
            .await
        {
            Err(WahaError::EndpointMissing { .. }) => {
                match self.legacy_stop(session).await {
                    Ok(()) | Err(WahaError::SessionNotFound { .. }) => {}
                    Err(e) => return Err(e),
                }
                self.legacy_start(session).await
            }
            other => other.map(drop),
        }
    }

    /// Unlinks the WhatsApp account. On the current API a running session starts again and
    /// shows a new QR; the older `POST /api/sessions/logout` also deletes the session, so it
    /// is started again here.
    pub async fn logout(&self, session: &str) -> Result<(), WahaError> {
        match self
            .send(
                self.request(Method::POST, &["api", "sessions", session, "logout"]),
                session,
            )
            .await
        {
            Err(WahaError::EndpointMissing { .. }) => {
                self.send(
                    self.request(Method::POST, &["api", "sessions", "logout"])
                        .json(&json!({ "name": session })),
                    session,
                )
                .await?;
                Ok(())
            }
            other => other.map(drop),
        }
    }

    /// Puts `target` on the session's webhooks (replacing an earlier one with the same URL),
    /// keeping the rest of its config. WAHA restarts a running session to apply it.
    pub async fn register_webhook(
        &self,
        session: &str,
        target: &WebhookTarget,
    ) -> Result<(), WahaError> {
        let info = self.get_session(session).await?;
        let mut config = match info.config {
            Some(Value::Object(o)) => o,
            _ => serde_json::Map::new(),
        };
        let mut hooks: Vec<Value> = config
            .get("webhooks")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        hooks.retain(|h| h.get("url").and_then(Value::as_str) != Some(target.url.as_str()));
        hooks.push(json!({
            "url": target.url,
            "events": target.events,
            "hmac": { "key": target.hmac_key.expose() },
            "retries": { "policy": "exponential", "delaySeconds": 2, "attempts": 8 },
        }));
        config.insert("webhooks".into(), Value::Array(hooks));
        // WEBJS only sends message.ack with tag events on.
        if info.engine.as_deref() == Some("WEBJS") {
            let webjs = config
                .entry("webjs")
                .or_insert_with(|| Value::Object(Default::default()));
            if let Value::Object(w) = webjs {
                w.insert("tagsEventsOn".into(), Value::Bool(true));
            }
        }
        self.send(
            self.request(Method::PUT, &["api", "sessions", session])
                .json(&json!({ "config": config })),
            session,
        )
        .await
        .map(drop)
    }

    // ---- login -----------------------------------------------------------------------------

    /// The QR's raw value (`format=raw`), to draw it ourselves.
    pub async fn qr_raw(&self, session: &str) -> Result<String, WahaError> {
        let v = self
            .json(
                self.request(Method::GET, &["api", session, "auth", "qr"])
                    .query(&[("format", "raw")]),
                session,
            )
            .await?;
        v.get("value")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| WahaError::BadResponse("QR answer without value".into()))
    }

    /// The QR as an image: PNG bytes, or WAHA's `{mimetype, data}` (base64) when it prefers JSON.
    pub async fn qr_image(&self, session: &str) -> Result<QrImage, WahaError> {
        let resp = self
            .send(
                self.request(Method::GET, &["api", session, "auth", "qr"])
                    .query(&[("format", "image")])
                    .header(ACCEPT, "application/json"),
                session,
            )
            .await?;
        let mimetype = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = read_limited(resp).await?;
        if mimetype.starts_with("image/") {
            return Ok(QrImage {
                mimetype: mimetype.split(';').next().unwrap_or_default().to_owned(),
                data: body,
            });
        }
        let v: Value =
            serde_json::from_slice(&body).map_err(|e| WahaError::BadResponse(e.to_string()))?;
        let data = v
            .get("data")
            .and_then(Value::as_str)
            .ok_or_else(|| WahaError::BadResponse("QR answer without data".into()))?;
        let data = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| WahaError::BadResponse(e.to_string()))?;
        Ok(QrImage {
            mimetype: v
                .get("mimetype")
                .and_then(Value::as_str)
                .unwrap_or("image/png")
                .to_owned(),
            data,
        })
    }

    /// Asks for a pairing code (enter it on the phone instead of scanning). `phone`:
    /// international digits.
    pub async fn request_pairing_code(
        &self,
        session: &str,
        phone: &str,
    ) -> Result<String, WahaError> {
        let v = self
            .json(
                self.request(Method::POST, &["api", session, "auth", "request-code"])
                    .json(&json!({ "phoneNumber": phone })),
                session,
            )
            .await?;
        v.get("code")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| WahaError::BadResponse("pairing answer without code".into()))
    }
}
