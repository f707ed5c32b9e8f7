//! Helpers for server functions: reach the state, the signed-in user and the session, and set
//! the HTTP status of an error in one place.

use super::AppState;
use crate::{domain::account::Role, dto::auth::CurrentUser, error::AppError};
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

/// The prologue of every server function that needs a signed-in user: who asks, whether their
/// role allows what `needed` requires (an owner may do all an admin may, an admin all a kasir
/// may), and the state. `Unauthorized` without a session, `Forbidden` for a role too low.
pub fn authorise(needed: Role) -> Result<(AppState, CurrentUser), AppError> {
    let user = current_user()?;
    if !user.role.allows(needed) {
        tracing::warn!(user = %user.username, role = user.role.as_str(), needed = needed.as_str(), "refused: role too low");
        return Err(AppError::Forbidden);
    }
    Ok((state()?, user))
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

/// The request's headers (empty outside a request).
pub fn headers() -> axum::http::HeaderMap {
    use_context::<Parts>()
        .map(|p| p.headers.clone())
        .unwrap_or_default()
}

/// The acting user, as the audit log records them.
pub fn actor(user: &CurrentUser) -> super::audit::Actor {
    super::audit::Actor {
        user_id: Some(user.id),
        username: user.username.clone(),
        role: user.role.as_str().to_owned(),
        ip: client_ip().map(|i| i.to_string()),
    }
}

/// Appends to the audit log on behalf of the signed-in `user`.
pub async fn audit(
    state: &AppState,
    user: &CurrentUser,
    action: crate::domain::audit::AuditAction,
    target: impl AsRef<str>,
    detail: impl AsRef<str>,
) {
    super::audit::record(
        &state.db,
        &actor(user),
        action,
        target.as_ref(),
        detail.as_ref(),
    )
    .await;
}
