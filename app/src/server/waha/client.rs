//! The HTTP client for WAHA (reference: `waha-api.md`). Every request carries `X-Api-Key`,
//! connects within 5 s and finishes within 30 s, never follows a redirect, and never reaches a
//! link-local address (checked on the URL and again on every address a name resolves to).

use super::{
    error::WahaError,
    types::{
        ChatMessage, NumberCheck, QrImage, SentMessage, ServerVersion, SessionInfo, WebhookTarget,
        serialized_id,
    },
};
use crate::server::{
    Secret,
    net::{OutboundError, check_ip, check_outbound_url},
};
use base64::Engine as _;
use reqwest::{
    Method, RequestBuilder, Response, StatusCode, Url,
    dns::{Addrs, Name, Resolve, Resolving},
    header::{ACCEPT, HeaderValue},
};
use serde_json::{Value, json};
use std::{future::Future, net::SocketAddr, pin::Pin, sync::Arc, time::Duration};

/// Connection and whole-request limits.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            total: Duration::from_secs(30),
        }
    }
}

/// WAHA answers are small JSON documents or one QR PNG; anything bigger is not WAHA.
const MAX_BODY: usize = 2 * 1024 * 1024;

type LookupFuture = Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send>>;
type Lookup = Arc<dyn Fn(String) -> LookupFuture + Send + Sync>;

/// Resolves names like the system does, then refuses the lot if any address is link-local, so
/// `waha.example` pointing at 169.254.169.254 is refused like the literal address.
struct GuardedResolver {
    lookup: Lookup,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let fut = (self.lookup)(name.as_str().to_owned());
        Box::pin(async move {
            let addrs = fut.await?;
            for a in &addrs {
                check_ip(a.ip())?;
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

fn system_lookup() -> Lookup {
    Arc::new(|host: String| {
        Box::pin(async move { Ok(tokio::net::lookup_host((host.as_str(), 0)).await?.collect()) })
            as LookupFuture
    })
}

/// The shared HTTP client (one connection pool for every WAHA call).
pub fn http_client(timeouts: Timeouts) -> reqwest::Client {
    http_client_with_lookup(timeouts, system_lookup())
}

fn http_client_with_lookup(timeouts: Timeouts, lookup: Lookup) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.total)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(GuardedResolver { lookup }))
        .user_agent(concat!("Tagih/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client's TLS backend initialises")
}

/// One WAHA server: its base URL and key. Cheap to build; clone it freely.
#[derive(Clone)]
pub struct WahaClient {
    http: reqwest::Client,
    base: Url,
    api_key: Option<Secret>,
}

impl std::fmt::Debug for WahaClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WahaClient")
            .field("base", &self.base.as_str())
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .finish()
    }
}

impl WahaClient {
    /// A client with its own connection pool and the default timeouts.
    pub fn new(base: Url, api_key: Option<Secret>) -> Result<Self, WahaError> {
        Self::with_http(http_client(Timeouts::default()), base, api_key)
    }

    /// A client on a shared HTTP client (see [`http_client`]). Refuses a base URL Tagih must
    /// never call.
    pub fn with_http(
        http: reqwest::Client,
        mut base: Url,
        api_key: Option<Secret>,
    ) -> Result<Self, WahaError> {
        check_outbound_url(&base).map_err(WahaError::AddressRefused)?;
        if base.cannot_be_a_base() {
            return Err(WahaError::AddressRefused(OutboundError::NoHost));
        }
        base.set_query(None);
        base.set_fragment(None);
        Ok(Self {
            http,
            base,
            api_key,
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        {
            let mut path = url
                .path_segments_mut()
                .expect("checked in with_http: the base URL has a path");
            path.pop_if_empty();
            for s in segments {
                path.push(s);
            }
        }
        url
    }

    fn request(&self, method: Method, segments: &[&str]) -> RequestBuilder {
        let mut req = self.http.request(method, self.url(segments));
        if let Some(key) = &self.api_key
            && let Ok(mut v) = HeaderValue::from_str(key.expose())
        {
            v.set_sensitive(true);
            req = req.header("X-Api-Key", v);
        }
        req
    }

    /// Sends, turns every non-2xx answer into a typed error.
    async fn send(&self, req: RequestBuilder, session: &str) -> Result<Response, WahaError> {
        let resp = req.send().await.map_err(|e| self.transport(e))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        if status.is_redirection() {
            return Err(WahaError::Redirect {
                status: status.as_u16(),
            });
        }
        let method_path = resp.url().path().to_owned();
        let body = read_limited(resp).await.unwrap_or_default();
        let mut err = classify(status, &body, session);
        if let WahaError::EndpointMissing { path, .. } = &mut err {
            *path = method_path;
        }
        Err(self.scrub(err))
    }

    async fn json(&self, req: RequestBuilder, session: &str) -> Result<Value, WahaError> {
        let resp = self.send(req, session).await?;
        let body = read_limited(resp).await?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&body).map_err(|e| WahaError::BadResponse(e.to_string()))
    }

    async fn typed<T: serde::de::DeserializeOwned>(
        &self,
        req: RequestBuilder,
        session: &str,
    ) -> Result<T, WahaError> {
        let v = self.json(req, session).await?;
        serde_json::from_value(v).map_err(|e| WahaError::BadResponse(e.to_string()))
    }

    fn transport(&self, e: reqwest::Error) -> WahaError {
        if let Some(refused) = find_source::<OutboundError>(&e) {
            return WahaError::AddressRefused(refused.clone());
        }
        if e.is_timeout() {
            return WahaError::Timeout;
        }
        let body_problem = e.is_decode() || e.is_body();
        let detail = error_chain(&e.without_url());
        if body_problem {
            WahaError::BadResponse(detail)
        } else {
            WahaError::Unreachable(detail)
        }
    }

    /// WAHA never echoes the key, but a proxy in front of it might: keep it out of every text.
    fn scrub(&self, err: WahaError) -> WahaError {
        let Some(key) = self.api_key.as_ref().map(Secret::expose) else {
            return err;
        };
        if key.len() < 4 {
            return err;
        }
        let clean = |s: String| s.replace(key, "***");
        match err {
            WahaError::Server { status, message } => WahaError::Server {
                status,
                message: clean(message),
            },
            WahaError::Rejected { status, message } => WahaError::Rejected {
                status,
                message: clean(message),
            },
            WahaError::SessionNotFound { session, message } => WahaError::SessionNotFound {
                session,
                message: clean(message),
            },
            WahaError::NotOnWhatsApp(m) => WahaError::NotOnWhatsApp(clean(m)),
            WahaError::ReachoutLocked(m) => WahaError::ReachoutLocked(clean(m)),
            WahaError::RateOverlimit(m) => WahaError::RateOverlimit(clean(m)),
            other => other,
        }
    }

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

/// What the sending engine needs from WAHA, so it can run against a fake in tests.
#[async_trait::async_trait]
pub trait WahaApi: Send + Sync {
    async fn get_session(&self, session: &str) -> Result<SessionInfo, WahaError>;
    async fn check_exists(&self, session: &str, phone: &str) -> Result<NumberCheck, WahaError>;
    async fn send_text(
        &self,
        session: &str,
        chat_id: &str,
        text: &str,
    ) -> Result<SentMessage, WahaError>;
    async fn chat_messages(
        &self,
        session: &str,
        chat_id: &str,
        limit: u32,
    ) -> Result<Vec<ChatMessage>, WahaError>;
}

#[async_trait::async_trait]
impl WahaApi for WahaClient {
    async fn get_session(&self, session: &str) -> Result<SessionInfo, WahaError> {
        WahaClient::get_session(self, session).await
    }
    async fn check_exists(&self, session: &str, phone: &str) -> Result<NumberCheck, WahaError> {
        WahaClient::check_exists(self, session, phone).await
    }
    async fn send_text(
        &self,
        session: &str,
        chat_id: &str,
        text: &str,
    ) -> Result<SentMessage, WahaError> {
        WahaClient::send_text(self, session, chat_id, text).await
    }
    async fn chat_messages(
        &self,
        session: &str,
        chat_id: &str,
        limit: u32,
    ) -> Result<Vec<ChatMessage>, WahaError> {
        WahaClient::chat_messages(self, session, chat_id, limit).await
    }
}

// ---- response interpretation (pure, unit-tested) -------------------------------------------

/// The serialised id of a sent message, in the order the reference gives: `id` as a string
/// (GOWS) → `id._serialized` (WEBJS) → `true_<chatId>_<key.id>` (NOWEB).
pub fn sent_message_id(v: &Value, chat_id: &str) -> Option<String> {
    if let Some(id) = v.get("id").and_then(serialized_id) {
        return Some(id);
    }
    let key = v.get("key")?;
    let id = key
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())?;
    let from_me = key.get("fromMe").and_then(Value::as_bool).unwrap_or(true);
    Some(format!("{from_me}_{chat_id}_{id}"))
}

fn already_started(e: &WahaError) -> bool {
    matches!(e, WahaError::Rejected { status: 422, message } if message.contains("already started"))
}

/// The human part of a WAHA error body: NestJS `message` (string or list), the engine's
/// `exception.message`, or the status-gate `error`.
fn error_text(v: &Value) -> String {
    let pick = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Array(a) => Some(
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            _ => None,
        }
    };
    let text = v
        .get("exception")
        .and_then(|e| e.get("message"))
        .and_then(pick)
        .or_else(|| v.get("message").and_then(pick))
        .or_else(|| v.get("error").and_then(|e| e.get("message")).and_then(pick))
        .or_else(|| v.get("error").and_then(pick))
        .unwrap_or_default();
    truncate(&text, 300)
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Turns a non-2xx, non-3xx WAHA answer into a typed error.
pub(crate) fn classify(status: StatusCode, body: &[u8], session: &str) -> WahaError {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let text = error_text(&v);
    let lower = text.to_ascii_lowercase();
    let code = status.as_u16();
    match code {
        401 => WahaError::Unauthorized,
        403 => WahaError::Forbidden,
        // NestJS answers an unknown route (or method) with "Cannot POST /path".
        404 | 405 if code == 405 || text.starts_with("Cannot ") => WahaError::EndpointMissing {
            method: text.split(' ').nth(1).unwrap_or_default().to_owned(),
            path: String::new(),
            status: code,
        },
        404 => WahaError::SessionNotFound {
            session: session.to_owned(),
            message: text,
        },
        422 if v.get("expected").is_some() && v.get("status").is_some() => WahaError::StatusGate {
            session: v
                .get("session")
                .and_then(Value::as_str)
                .unwrap_or(session)
                .to_owned(),
            status: v
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            expected: v
                .get("expected")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        },
        429 => WahaError::RateOverlimit(text),
        _ if lower.contains("rate-overlimit") => WahaError::RateOverlimit(text),
        _ if is_reachout_lock(&lower) => WahaError::ReachoutLocked(text),
        _ if is_not_on_whatsapp(&lower) => WahaError::NotOnWhatsApp(text),
        500..=599 => WahaError::Server {
            status: code,
            message: text,
        },
        _ => WahaError::Rejected {
            status: code,
            message: text,
        },
    }
}

fn is_reachout_lock(lower: &str) -> bool {
    lower.contains("error 463") || lower.contains("reachout") || lower.contains(" 463")
}

fn is_not_on_whatsapp(lower: &str) -> bool {
    lower.contains("no lid")
        || lower.contains("lid is missing")
        || lower.contains("not on whatsapp")
        || lower.contains("not registered on whatsapp")
        || lower.contains("wid error: invalid wid")
}

async fn read_limited(mut resp: Response) -> Result<Vec<u8>, WahaError> {
    let mut out = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if out.len() + chunk.len() > MAX_BODY {
                    return Err(WahaError::BadResponse("response too large".into()));
                }
                out.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(out),
            Err(e) if e.is_timeout() => return Err(WahaError::Timeout),
            Err(e) => return Err(WahaError::BadResponse(error_chain(&e.without_url()))),
        }
    }
}

fn find_source<'a, T: std::error::Error + 'static>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(t) = err.downcast_ref::<T>() {
            return Some(t);
        }
        cur = err.source();
    }
    None
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(err) = cur {
        let s = err.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    truncate(&parts.join(": "), 300)
}

/// Test helper: a client whose name lookups answer `addrs`.
#[doc(hidden)]
pub fn client_with_fake_dns(
    base: Url,
    api_key: Option<Secret>,
    timeouts: Timeouts,
    addrs: Vec<SocketAddr>,
) -> Result<WahaClient, WahaError> {
    let lookup: Lookup = Arc::new(move |_host| {
        let addrs = addrs.clone();
        Box::pin(async move { Ok(addrs) }) as LookupFuture
    });
    WahaClient::with_http(http_client_with_lookup(timeouts, lookup), base, api_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_ids_are_normalised_for_every_engine() {
        let chat = "628111@c.us";
        let gows = json!({"id": "true_628111@c.us_ABC", "_data": {}});
        let webjs = json!({"id": {"fromMe": true, "remote": chat, "id": "ABC",
                                   "_serialized": "true_628111@c.us_ABC"}, "ack": 0});
        let noweb = json!({"key": {"remoteJid": "628111@s.whatsapp.net", "fromMe": true,
                                   "id": "ABC"}, "status": "PENDING"});
        for v in [gows, webjs, noweb] {
            assert_eq!(
                sent_message_id(&v, chat).as_deref(),
                Some("true_628111@c.us_ABC")
            );
        }
        assert_eq!(sent_message_id(&Value::Null, chat), None);
        assert_eq!(sent_message_id(&json!({}), chat), None);
    }

    fn c(status: u16, body: Value) -> WahaError {
        classify(
            StatusCode::from_u16(status).unwrap(),
            body.to_string().as_bytes(),
            "default",
        )
    }

    #[test]
    fn error_bodies_become_typed_errors() {
        assert_eq!(
            c(401, json!({"message":"Unauthorized","statusCode":401})),
            WahaError::Unauthorized
        );
        assert!(matches!(
            c(
                404,
                json!({"message":"Cannot POST /api/sessions/default/start","error":"Not Found","statusCode":404})
            ),
            WahaError::EndpointMissing { status: 404, .. }
        ));
        assert!(matches!(
            c(
                404,
                json!({"message":"Session not found","error":"Not Found","statusCode":404})
            ),
            WahaError::SessionNotFound { .. }
        ));
        assert_eq!(
            c(
                422,
                json!({"error":"Session status is not as expected. Try again later or restart the session",
                       "session":"default","status":"FAILED","expected":["SCAN_QR_CODE"]})
            ),
            WahaError::StatusGate {
                session: "default".into(),
                status: "FAILED".into(),
                expected: vec!["SCAN_QR_CODE".into()]
            }
        );
        let exc = |m: &str| json!({"statusCode":500,"exception":{"message": m, "name":"Error"}});
        assert!(matches!(
            c(500, exc("2 UNKNOWN: server returned error 463")),
            WahaError::ReachoutLocked(_)
        ));
        assert!(matches!(
            c(500, exc("rate-overlimit")),
            WahaError::RateOverlimit(_)
        ));
        assert!(matches!(
            c(500, exc("No LID for user")),
            WahaError::NotOnWhatsApp(_)
        ));
        assert!(matches!(
            c(
                500,
                exc("2 UNKNOWN: no LID found for 5255@s.whatsapp.net from server")
            ),
            WahaError::NotOnWhatsApp(_)
        ));
        assert_eq!(
            c(502, Value::Null),
            WahaError::Server {
                status: 502,
                message: String::new()
            }
        );
        assert!(matches!(
            c(
                422,
                json!({"message":"Session 'default' is already started.","statusCode":422})
            ),
            WahaError::Rejected { status: 422, .. }
        ));
    }

    #[tokio::test]
    async fn link_local_is_refused_as_literal_and_after_name_lookup() {
        let literal = WahaClient::new(Url::parse("http://169.254.169.254/").unwrap(), None);
        assert!(matches!(
            literal,
            Err(WahaError::AddressRefused(OutboundError::LinkLocal))
        ));
        // A name that resolves to the metadata address is refused before any connection.
        let named = client_with_fake_dns(
            Url::parse("http://waha.example:3000/").unwrap(),
            Some(Secret::new("k")),
            Timeouts::default(),
            vec!["169.254.169.254:0".parse().unwrap()],
        )
        .unwrap();
        assert_eq!(
            named.version().await,
            Err(WahaError::AddressRefused(OutboundError::LinkLocal))
        );
        let v6 = client_with_fake_dns(
            Url::parse("http://waha.example/").unwrap(),
            None,
            Timeouts::default(),
            vec![
                "127.0.0.1:0".parse().unwrap(),
                "[fe80::1]:0".parse().unwrap(),
            ],
        )
        .unwrap();
        assert!(matches!(
            v6.get_session("default").await,
            Err(WahaError::AddressRefused(_))
        ));
    }
}
