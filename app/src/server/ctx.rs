//! Helpers for server functions: reach the state, the signed-in user and the session, and set
//! the HTTP status of an error in one place.

use super::AppState;
use crate::{api::auth::CurrentUser, error::AppError};
use axum::http::{StatusCode, request::Parts};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use tower_sessions::Session;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server-fn context");
        AppError::Internal
    })
}

/// The user the request guard attached to this request, or `Unauthorized`.
pub fn current_user() -> Result<CurrentUser, AppError> {
    use_context::<Parts>()
        .and_then(|p| p.extensions.get::<CurrentUser>().cloned())
        .ok_or(AppError::Unauthorized)
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = %e, "session layer missing");
        AppError::Internal
    })
}

/// The client address the request guard recorded.
pub fn client_ip() -> Option<std::net::IpAddr> {
    use_context::<Parts>().and_then(|p| p.extensions.get::<ClientIp>().map(|c| c.0))
}

/// Inserted into request extensions by the server's guard.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub std::net::IpAddr);

/// Runs a server function body; an error also sets the response status (401, 422, 429, ...).
pub async fn respond<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let result = body.await;
    if let Err(e) = &result
        && let Some(opts) = use_context::<ResponseOptions>()
    {
        opts.set_status(
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    result
}
