//! What the WhatsApp page and the webhook do: reach WAHA with the settings in force
//! ([`status`]), act on the session ([`session`]), and apply signed webhook events
//! ([`webhook`]). Failures are [`WhatsAppError`] values; the admin's wording is in one place.

pub mod error;
mod session;
mod status;
mod webhook;

pub use error::{NOT_CONFIGURED, WhatsAppError};
pub use session::*;
pub use status::*;
pub use webhook::*;

use super::{
    WahaClient,
    settings::{self, WahaSettings},
};
use crate::server::Config;
use chrono::Utc;
use sea_orm::DatabaseConnection;
use std::sync::atomic::{AtomicI64, Ordering};

/// Shared by every request: one connection pool to WAHA, and when the navigation last asked
/// for a background status refresh.
pub struct WahaRuntime {
    pub http: reqwest::Client,
    last_refresh: AtomicI64,
}

impl WahaRuntime {
    pub fn new() -> Self {
        Self {
            http: super::http_client(super::Timeouts::default()),
            last_refresh: AtomicI64::new(0),
        }
    }

    /// True at most once per `secs` across all callers.
    pub fn refresh_due(&self, secs: i64) -> bool {
        let now = Utc::now().timestamp();
        let last = self.last_refresh.load(Ordering::Relaxed);
        now - last >= secs
            && self
                .last_refresh
                .compare_exchange(last, now, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
    }
}

impl Default for WahaRuntime {
    fn default() -> Self {
        Self::new()
    }
}

/// A WAHA server and the session to use on it.
#[derive(Debug, Clone)]
pub struct Connection {
    pub client: WahaClient,
    pub session: String,
}

/// The connection the settings describe, or why there is none.
pub fn connect(http: &reqwest::Client, s: &WahaSettings) -> Result<Connection, WhatsAppError> {
    let url = s.url.clone().ok_or(WhatsAppError::NotConfigured)?;
    let client =
        WahaClient::with_http(http.clone(), url, s.api_key.clone()).map_err(WhatsAppError::Waha)?;
    Ok(Connection {
        client,
        session: s.session.clone(),
    })
}

/// Loads the settings and connects.
pub async fn connection(
    db: &DatabaseConnection,
    config: &Config,
    http: &reqwest::Client,
) -> Result<Connection, WhatsAppError> {
    let s = settings::load(db, config).await?;
    connect(http, &s)
}
