//! The WhatsApp connection: status, QR, session actions, connection settings, tests, webhook.
//! The WAHA API key and the webhook secret never appear in anything returned here.
use crate::dto::whatsapp::{
    ConnectionTest, NavStatus, QrView, SessionView, SettingsView, TestSent,
};

#[cfg(feature = "ssr")]
use crate::domain::account::Role;
use crate::{domain::whatsapp::SessionAction, error::AppError};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::server::{
        AppState,
        waha::{
            service::{self, Connection},
            settings,
        },
    };

    pub async fn conn(state: &AppState) -> Result<Connection, AppError> {
        Ok(service::connection(&state.db, &state.config, &state.waha.http).await?)
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
        let (state, _) = ctx::authorise(Role::Kasir)?;
        Ok(service::live_status(&state.db, &state.config, &state.waha.http).await?)
    })
    .await
}

/// The last known status, cheap (database only). When it is more than a minute old a refresh
/// runs in the background, at most once a minute, for the next poll.
#[server(endpoint = "wa/nav_status")]
pub async fn wa_nav_status() -> Result<NavStatus, AppError> {
    use crate::{
        domain::whatsapp::SessionStatus,
        server::{
            ctx,
            waha::{service, settings},
        },
    };
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
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
        Ok(NavStatus {
            status: cached
                .and_then(|c| c.status)
                .map(|st| SessionStatus::parse(&st)),
            configured: s.url.is_some(),
            warning: crate::server::engine::guard::warning(&state.db, &s.session).await?,
        })
    })
    .await
}

/// The QR to scan while the session waits for one.
#[server(endpoint = "wa/qr")]
pub async fn wa_qr() -> Result<QrView, AppError> {
    use crate::server::{ctx, waha::service};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        let conn = ssr::conn(&state).await?;
        Ok(service::qr(&state.db, &conn).await?)
    })
    .await
}

/// Start, stop, restart or logout.
#[server(endpoint = "wa/session")]
pub async fn wa_session_action(action: SessionAction) -> Result<SessionView, AppError> {
    use crate::server::{ctx, waha::service};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Owner)?;
        let conn = ssr::conn(&state).await?;
        Ok(service::act(&state.db, &state.config, &conn, action).await?)
    })
    .await
}

/// The owner says the linked number is not new: its warm-up cap stops applying.
#[server(endpoint = "wa/skip_warmup")]
pub async fn skip_warmup() -> Result<(), AppError> {
    use crate::{
        domain::audit::AuditAction,
        server::{ctx, engine::warmup, waha::settings},
    };
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Owner)?;
        let s = settings::load(&state.db, &state.config).await?;
        let me = crate::server::waha::service::cached_status(&state.db, &s.session)
            .await?
            .and_then(|r| r.me_id)
            .ok_or_else(|| AppError::Conflict("WhatsApp belum aktif.".into()))?;
        if !warmup::skip(&state.db, &me, chrono::Utc::now()).await? {
            return Err(AppError::Conflict("Nomor ini belum tercatat aktif.".into()));
        }
        ctx::audit(
            &state,
            &user,
            AuditAction::WhatsAppChange,
            &me,
            "pemanasan dilewati: nomor lama",
        )
        .await;
        Ok(())
    })
    .await
}

/// A pairing code to enter on the phone instead of scanning.
#[server(endpoint = "wa/pairing_code")]
pub async fn wa_pairing_code(phone: String) -> Result<String, AppError> {
    use crate::server::{ctx, waha::service};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Owner)?;
        let conn = ssr::conn(&state).await?;
        Ok(service::pairing_code(&conn, &phone).await?)
    })
    .await
}

#[server(endpoint = "wa/settings")]
pub async fn wa_settings() -> Result<SettingsView, AppError> {
    use crate::server::ctx;
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Owner)?;
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
        let (state, user) = ctx::authorise(Role::Owner)?;
        let forgotten = settings::save(
            &state.db,
            &state.config,
            &settings::SaveInput {
                url,
                session,
                api_key,
                clear_key: clear_key.is_some_and(|v| !v.is_empty() && v != "false"),
            },
        )
        .await?;
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::WhatsAppChange,
            "koneksi WAHA",
            if forgotten {
                "alamat diganti; API key lama dihapus"
            } else {
                ""
            },
        )
        .await;
        ssr::settings_view(&state).await
    })
    .await
}

/// "Tes koneksi": version, engine and tier, or the exact failure.
#[server(endpoint = "wa/test_connection")]
pub async fn wa_test_connection() -> Result<ConnectionTest, AppError> {
    use crate::server::{ctx, waha::service};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Admin)?;
        let conn = ssr::conn(&state).await?;
        Ok(service::test_connection(&conn).await?)
    })
    .await
}

/// Sends a test message to a number.
#[server(endpoint = "wa/test_message")]
pub async fn wa_test_message(number: String, text: String) -> Result<TestSent, AppError> {
    use crate::server::{ctx, waha::service};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Admin)?;
        let conn = ssr::conn(&state).await?;
        Ok(service::send_test(&conn, &number, &text).await?)
    })
    .await
}

/// Registers Tagih's webhook on the session with a newly generated secret.
#[server(endpoint = "wa/register_webhook")]
pub async fn wa_register_webhook(webhook_url: String) -> Result<SettingsView, AppError> {
    use crate::server::{ctx, waha::service};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Owner)?;
        let conn = ssr::conn(&state).await?;
        service::register_webhook(&state.db, &conn, &webhook_url).await?;
        ssr::settings_view(&state).await
    })
    .await
}
