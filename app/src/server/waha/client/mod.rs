//! The HTTP client for WAHA (reference: `waha-api.md`). Every request carries `X-Api-Key`,
//! connects within 5 s and finishes within 30 s, never follows a redirect, and never reaches a
//! link-local address (checked on the URL and again on every address a name resolves to).
//!
//! - [`http`]: the reqwest client (timeouts, no redirects, the guarded resolver);
//! - this file: [`WahaClient`] and the request plumbing every call shares;
//! - [`sessions`]: server, session, login (QR, pairing) and webhook endpoints;
//! - [`messages`]: check-exists, sendText, chat history;
//! - [`interpret`]: WAHA's answers and errors turned into typed values (pure, unit-tested).

mod http;
mod interpret;
mod messages;
mod sessions;

pub use http::{Timeouts, client_with_fake_dns, http_client};
pub(crate) use interpret::classify;
pub use interpret::sent_message_id;
use interpret::{error_chain, find_source, read_limited};

use crate::server::waha::{
    error::WahaError,
    types::{ChatMessage, NumberCheck, SentMessage, SessionInfo},
};
use crate::server::{
    Secret,
    net::{OutboundError, check_outbound_url},
};
use reqwest::{Method, RequestBuilder, Response, Url, header::HeaderValue};
use serde_json::Value;

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
