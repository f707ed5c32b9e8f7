//! Login, logout and first-run setup.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in user as the browser may see it (no hash, no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: String,
}

/// Where to go after login: only a local path, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// Signs in. Rate-limited per client IP and per account (`429` when exceeded).
#[server(endpoint = "auth/login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<CurrentUser, AppError> {
    use crate::server::{auth, ctx};
    ctx::respond(async move {
        let state = ctx::state()?;
        if username.trim().is_empty() || password.is_empty() {
            let mut f = crate::error::FieldErrors::new();
            if username.trim().is_empty() {
                f.add("username", "Nama pengguna wajib diisi.");
            }
            if password.is_empty() {
                f.add("password", "Kata sandi wajib diisi.");
            }
            return Err(AppError::Validation(f));
        }
        state
            .login_limiter
            .attempt(ctx::client_ip(), username.trim())
            .map_err(AppError::RateLimited)?;
        let user = auth::service::authenticate(&state.db, &username, &password).await?;
        start_session(user.id).await?;
        tracing::info!(user = %user.username, "login");
        leptos_axum::redirect(&safe_next(next.as_deref()));
        Ok(auth::service::to_current(&user))
    })
    .await
}

/// Creates the owner account; only possible while no user exists. Signs the owner in.
#[server(endpoint = "auth/setup")]
pub async fn setup(
    username: String,
    display_name: String,
    password: String,
    password_confirm: String,
) -> Result<CurrentUser, AppError> {
    use crate::server::{auth, ctx};
    ctx::respond(async move {
        let state = ctx::state()?;
        if state.setup_done().await? {
            return Err(AppError::Forbidden);
        }
        let user = auth::service::create_owner(
            &state.db,
            auth::service::NewOwner {
                username: &username,
                display_name: &display_name,
                password: &password,
                password_confirm: &password_confirm,
            },
        )
        .await?;
        start_session(user.id).await?;
        leptos_axum::redirect("/");
        Ok(auth::service::to_current(&user))
    })
    .await
}

/// Ends the session on the server (the cookie becomes worthless).
#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::ctx;
    ctx::respond(async move {
        ctx::current_user()?;
        let session = ctx::session().await?;
        session.flush().await.map_err(|e| {
            tracing::error!(error = %e, "session flush failed");
            AppError::Internal
        })?;
        leptos_axum::redirect("/login");
        Ok(())
    })
    .await
}

/// The signed-in user.
#[server(endpoint = "auth/me")]
pub async fn me() -> Result<CurrentUser, AppError> {
    crate::server::ctx::respond(async move { crate::server::ctx::current_user() }).await
}

/// A fresh session id at every login (no fixation), holding the user id and login time.
#[cfg(feature = "ssr")]
async fn start_session(user_id: i32) -> Result<(), AppError> {
    use crate::server::{auth, ctx};
    let session = ctx::session().await?;
    let fail = |e: tower_sessions::session::Error| {
        tracing::error!(error = %e, "session write failed");
        AppError::Internal
    };
    session.cycle_id().await.map_err(fail)?;
    session
        .insert(auth::SESSION_USER_ID, user_id)
        .await
        .map_err(fail)?;
    session
        .insert(auth::SESSION_LOGIN_AT, chrono::Utc::now().timestamp())
        .await
        .map_err(fail)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_always_a_local_path() {
        assert_eq!(
            safe_next(Some("/tagihan?status=unpaid")),
            "/tagihan?status=unpaid"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
