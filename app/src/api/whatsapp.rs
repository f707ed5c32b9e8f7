//! The WhatsApp connection: status, QR, session actions, connection settings, tests, webhook.
//! The WAHA API key and the webhook secret never appear in anything returned here.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The session as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// A WAHA address is set.
    pub configured: bool,
    pub session: String,
    /// WAHA's status as it came (`None` when WAHA could not be asked).
    pub status: Option<String>,
    /// Indonesian: Aktif, Perlu scan QR, Memulai, Tidak aktif, Gagal, or the status as it came.
    pub label: String,
    /// The linked account while Aktif.
    pub account: Option<Account>,
    /// Why WAHA could not be asked, for the admin.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub number: String,
    pub name: Option<String>,
}

/// The navigation dot: the last known status, from the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavStatus {
    pub status: Option<String>,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrView {
    pub status: String,
    pub label: String,
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
    pub session_status: Option<String>,
    pub session_label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSent {
    pub chat_id: String,
    pub message_id: Option<String>,
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::{
        api::auth::CurrentUser,
        server::{
            AppState,
            waha::{
                service::{self, Connection},
                settings,
            },
        },
    };

    /// Changing the WhatsApp connection is for the owner (and admins, later).
    pub fn require_admin(user: &CurrentUser) -> Result<(), AppError> {
        match user.role.as_str() {
            "owner" | "admin" => Ok(()),
            _ => Err(AppError::Forbidden),
        }
    }

    pub async fn conn(state: &AppState) -> Result<Connection, AppError> {
        service::connection(&state.db, &state.config, &state.waha.http).await
    }

    pub async fn settings_view(state: &AppState) -> Result<SettingsView, AppError> {
        let s = settings::load(&state.db, &state.config).await?;
        Ok(SettingsView {
            url: s.url.as_ref().map(|u| u.to_string()).unwrap_or_default(),
            url_from_env: s.url_source == settings::Source::Env,
            session: s.session,
            key_set: s.api_key.is_some(),
            key_from_env: s.api_key_source == settings::Source::Env,
            webhook_set: s.webhook_secret.is_some() && s.webhook_url.is_some(),
            webhook_url: s.webhook_url,
            suggested_webhook_url: suggested_webhook_url(state),
        })
    }

    fn suggested_webhook_url(state: &AppState) -> String {
        if let Some(u) = &state.config.public_url
            && let Ok(u) = u.join("/webhooks/waha")
        {
            return u.to_string();
        }
        let host = use_context::<axum::http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(axum::http::header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| state.config.bind.to_string());
        format!("http://{host}/webhooks/waha")
    }
}

/// The live session status (asks WAHA, records the answer).
#[server(endpoint = "wa/status")]
pub async fn wa_status() -> Result<SessionView, AppError> {
    use crate::server::{ctx, waha::service};
    ctx::respond(async move {
        let state = ctx::state()?;
        ctx::current_user()?;
        service::live_status(&state.db, &state.config, &state.waha.http).await
    })
    .await
}

/// The last known status, cheap (database only). When it is more than a minute old a refresh
/// runs in the background, at most once a minute, for the next poll.
#[server(endpoint = "wa/nav_status")]
pub async fn wa_nav_status() -> Result<NavStatus, AppError> {
    use crate::{
        domain::whatsapp::status_label,
        server::{
            ctx,
            waha::{service, settings},
        },
    };
    ctx::respond(async move {
        let state = ctx::state()?;
        ctx::current_user()?;
        let s = settings::load(&state.db, &state.config).await?;
        let cached = service::cached_status(&state.db, &s.session).await?;
        let fresh = cached
            .as_ref()
            .and_then(|c| c.status_at)
            .is_some_and(|at| chrono::Utc::now() - at < chrono::Duration::seconds(60));
        if !fresh
            && s.url.is_some()
            && state.waha.refresh_due(60)
            && let Ok(conn) = service::connect(&state.waha.http, &s)
        {
            let db = state.db.clone();
            tokio::spawn(async move {
                if let Err(e) = service::refresh(&db, &conn).await {
                    tracing::debug!(error = %e, "background WhatsApp status refresh failed");
                }
            });
        }
        let status = cached.and_then(|c| c.status);
        Ok(NavStatus {
            label: match &status {
                Some(st) => status_label(st),
                None if s.url.is_none() => "Belum diatur".into(),
                None => "Belum diketahui".into(),
            },
            status,
        })
    })
    .await
}

/// The QR to scan while the session waits for one.
#[server(endpoint = "wa/qr")]
pub async fn wa_qr() -> Result<QrView, AppError> {
    use crate::server::{ctx, waha::service};
    ctx::respond(async move {
        let state = ctx::state()?;
        ctx::current_user()?;
        let conn = ssr::conn(&state).await?;
        service::qr(&state.db, &conn).await
    })
    .await
}

/// Start, stop, restart or logout (`action`: start | stop | restart | logout).
#[server(endpoint = "wa/session")]
pub async fn wa_session_action(action: String) -> Result<SessionView, AppError> {
    use crate::server::{
        ctx,
        waha::service::{self, Action},
    };
    ctx::respond(async move {
        let state = ctx::state()?;
        ssr::require_admin(&ctx::current_user()?)?;
        let action = match action.as_str() {
            "start" => Action::Start,
            "stop" => Action::Stop,
            "restart" => Action::Restart,
            "logout" => Action::Logout,
            _ => return Err(AppError::NotFound),
        };
        let conn = ssr::conn(&state).await?;
        service::act(&state.db, &conn, action).await
    })
    .await
}

/// A pairing code to enter on the phone instead of scanning.
#[server(endpoint = "wa/pairing_code")]
pub async fn wa_pairing_code(phone: String) -> Result<String, AppError> {
    use crate::server::{ctx, waha::service};
    ctx::respond(async move {
        let state = ctx::state()?;
        ssr::require_admin(&ctx::current_user()?)?;
        let conn = ssr::conn(&state).await?;
        service::pairing_code(&conn, &phone).await
    })
    .await
}

#[server(endpoint = "wa/settings")]
pub async fn wa_settings() -> Result<SettingsView, AppError> {
    use crate::server::ctx;
    ctx::respond(async move {
        let state = ctx::state()?;
        ssr::require_admin(&ctx::current_user()?)?;
        ssr::settings_view(&state).await
    })
    .await
}

/// Saves the connection settings. An empty `api_key` keeps the key; `clear_key` forgets it.
#[server(endpoint = "wa/save_settings")]
pub async fn wa_save_settings(
    url: String,
    session: String,
    api_key: String,
    #[server(default)] clear_key: Option<String>,
) -> Result<SettingsView, AppError> {
    use crate::server::{ctx, waha::settings};
    ctx::respond(async move {
        let state = ctx::state()?;
        ssr::require_admin(&ctx::current_user()?)?;
        settings::save(
            &state.db,
            &settings::SaveInput {
                url,
                session,
                api_key,
                clear_key: clear_key.is_some_and(|v| !v.is_empty() && v != "false"),
            },
        )
        .await?;
        ssr::settings_view(&state).await
    })
    .await
}

/// "Tes koneksi": version, engine and tier, or the exact failure.
#[server(endpoint = "wa/test_connection")]
pub async fn wa_test_connection() -> Result<ConnectionTest, AppError> {
    use crate::server::{ctx, waha::service};
    ctx::respond(async move {
        let state = ctx::state()?;
        ssr::require_admin(&ctx::current_user()?)?;
        let conn = ssr::conn(&state).await?;
        service::test_connection(&conn).await
    })
    .await
}

/// Sends a test message to a number.
#[server(endpoint = "wa/test_message")]
pub async fn wa_test_message(number: String, text: String) -> Result<TestSent, AppError> {
    use crate::server::{ctx, waha::service};
    ctx::respond(async move {
        let state = ctx::state()?;
        ssr::require_admin(&ctx::current_user()?)?;
        let conn = ssr::conn(&state).await?;
        service::send_test(&conn, &number, &text).await
    })
    .await
}

/// Registers Tagih's webhook on the session with a newly generated secret.
#[server(endpoint = "wa/register_webhook")]
pub async fn wa_register_webhook(webhook_url: String) -> Result<SettingsView, AppError> {
    use crate::server::{ctx, waha::service};
    ctx::respond(async move {
        let state = ctx::state()?;
        ssr::require_admin(&ctx::current_user()?)?;
        let conn = ssr::conn(&state).await?;
        service::register_webhook(&state.db, &conn, &webhook_url).await?;
        ssr::settings_view(&state).await
    })
    .await
}
