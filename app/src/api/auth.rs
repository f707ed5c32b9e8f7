//! Login, logout and first-run setup.
use crate::dto::auth::CurrentUser;

#[cfg(feature = "ssr")]
use crate::domain::account::Role;
use crate::error::AppError;
use leptos::prelude::*;

/// Signs in. Rate-limited per client IP (every attempt) and per account (failures only; a
/// browser that signed in to the account before is judged by its own failures): `429`.
#[server(endpoint = "auth/login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<CurrentUser, AppError> {
    use crate::{
        domain::audit::AuditAction,
        server::{audit, auth, ctx},
    };
    ctx::respond(async move {
        let state = ctx::state()?;
        let name = username.trim();
        let mut f = crate::error::FieldErrors::new();
        if name.is_empty() {
            f.add("username", "Nama pengguna wajib diisi.");
        } else if name.chars().count() > 64 {
            // Before the limiter: an unbounded name would become a limiter key (memory).
            f.add("username", "Nama pengguna paling banyak 64 karakter.");
        }
        if password.is_empty() {
            f.add("password", "Kata sandi wajib diisi.");
        }
        f.into_result()?;
        let ip = ctx::client_ip();
        state
            .login_limiter
            .attempt_ip(ip)
            .map_err(AppError::RateLimited)?;
        let key = state.device_key().await?;
        let device = auth::device::from_headers(&ctx::headers())
            .and_then(|v| auth::device::verify(&key, name, &v));
        state
            .login_limiter
            .check_account(name, device.as_deref())
            .map_err(AppError::RateLimited)?;
        let user = match auth::service::authenticate(&state.db, name, &password).await {
            Ok(u) => u,
            Err(e) => {
                if matches!(e, auth::AuthError::BadLogin) {
                    state.login_limiter.failed(name, device.as_deref());
                    let actor = audit::Actor {
                        user_id: None,
                        username: name.to_lowercase(),
                        role: String::new(),
                        ip: ip.map(|i| i.to_string()),
                    };
                    audit::record(&state.db, &actor, AuditAction::LoginFailed, name, "").await;
                }
                return Err(e.into());
            }
        };
        start_session(user.id).await?;
        if device.is_none() {
            set_device_cookie(&state, &key, &user.username);
        }
        let current = auth::service::to_current(&user);
        tracing::info!(user = %user.username, "login");
        ctx::audit(&state, &current, AuditAction::Login, &user.username, "").await;
        leptos_axum::redirect(&crate::dto::auth::safe_next(next.as_deref()));
        Ok(current)
    })
    .await
}

/// Marks this browser as a known device of the account (HttpOnly, 180 days).
#[cfg(feature = "ssr")]
fn set_device_cookie(state: &crate::server::AppState, key: &[u8], account: &str) {
    use crate::server::auth::device;
    let value = device::issue(key, account);
    let secure = if state.config.https() { "; Secure" } else { "" };
    let cookie = format!(
        "{}={value}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        device::COOKIE,
        device::MAX_AGE_SECS
    );
    if let (Some(opts), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::HeaderValue::from_str(&cookie),
    ) {
        opts.append_header(axum::http::header::SET_COOKIE, v);
    }
}

/// Creates the owner account; only possible while no user exists. Signs the owner in.
#[server(endpoint = "auth/setup")]
pub async fn setup(
    username: String,
    display_name: String,
    password: String,
    password_confirm: String,
    #[server(default)] setup_code: Option<String>,
) -> Result<CurrentUser, AppError> {
    use crate::{
        domain::audit::AuditAction,
        server::{auth, ctx},
    };
    ctx::respond(async move {
        let state = ctx::state()?;
        if state.setup_done().await? {
            return Err(AppError::Forbidden);
        }
        if let Some(expected) = &state.setup_code {
            let given = setup_code
                .as_deref()
                .unwrap_or_default()
                .trim()
                .to_uppercase();
            let ok = given.len() == expected.len()
                && given
                    .bytes()
                    .zip(expected.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0;
            if !ok {
                state
                    .login_limiter
                    .attempt_ip(ctx::client_ip())
                    .map_err(AppError::RateLimited)?;
                return Err(AppError::field(
                    "setup_code",
                    "Kode penyiapan salah. Lihat log server Tagih (baris \"Kode penyiapan\").",
                ));
            }
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
        let current = auth::service::to_current(&user);
        ctx::audit(&state, &current, AuditAction::Setup, &user.username, "").await;
        leptos_axum::redirect("/");
        Ok(current)
    })
    .await
}

/// Ends the session on the server (the cookie becomes worthless).
#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::ctx;
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Kasir)?;
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::Logout,
            &user.username,
            "",
        )
        .await;
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
    use crate::server::ctx;
    ctx::respond(async move { Ok(ctx::authorise(Role::Kasir)?.1) }).await
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
    let now = chrono::Utc::now().timestamp();
    session
        .insert(auth::SESSION_LOGIN_AT, now)
        .await
        .map_err(fail)?;
    session
        .insert(auth::SESSION_SEEN_AT, now)
        .await
        .map_err(fail)?;
    let headers = ctx::headers();
    let agent: String = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    session
        .insert(auth::SESSION_AGENT, agent)
        .await
        .map_err(fail)?;
    session
        .insert(
            auth::SESSION_IP,
            ctx::client_ip().map(|i| i.to_string()).unwrap_or_default(),
        )
        .await
        .map_err(fail)?;
    Ok(())
}
