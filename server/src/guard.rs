//! The request guard, in front of every route: refuses cross-site mutations, attaches the
//! signed-in user, and keeps everything but the public paths behind a sign-in. Being one layer
//! for all routes, a new page or server function is protected without remembering to be.

use app::{
    api::auth::CurrentUser,
    error::AppError,
    server::{
        AppState,
        auth::{SESSION_USER_ID, service},
        ctx::ClientIp,
    },
};
use axum::{
    body::Body,
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use std::net::SocketAddr;
use tower_sessions::Session;

/// Server functions reachable without a session.
const PUBLIC_FNS: &[&str] = &["/api/auth/login", "/api/auth/setup"];

pub fn is_public_fn(path: &str) -> bool {
    PUBLIC_FNS.contains(&path)
}

fn is_public_path(path: &str) -> bool {
    path == "/healthz"
        || path == "/login"
        || path == "/setup"
        || path.starts_with("/pkg/")
        || path.starts_with("/webhooks/")
        || is_public_fn(path)
}

pub async fn guard(
    State(state): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();

    if !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS)
        && !path.starts_with("/webhooks/")
        && is_cross_site(req.headers(), &state)
    {
        tracing::warn!(%path, "cross-site request refused");
        return error_response(AppError::Forbidden);
    }

    if let Some(ConnectInfo(addr)) = req.extensions().get::<ConnectInfo<SocketAddr>>() {
        let ip = addr.ip();
        req.extensions_mut().insert(ClientIp(ip));
    }

    let user = match current_user(&state, &session).await {
        Ok(u) => u,
        Err(e) => return error_response(e),
    };
    if let Some(u) = &user {
        req.extensions_mut().insert(u.clone());
    }

    // First run: nothing but setup (and health, assets) until the owner exists.
    let setup_done = match state.setup_done().await {
        Ok(d) => d,
        Err(e) => return error_response(e.into()),
    };
    if method == Method::GET {
        match path.as_str() {
            "/setup" if setup_done => {
                return Redirect::to(if user.is_some() { "/" } else { "/login" }).into_response();
            }
            "/login" if !setup_done => return Redirect::to("/setup").into_response(),
            "/login" if user.is_some() => return Redirect::to("/").into_response(),
            _ => {}
        }
    }

    if user.is_some() || is_public_path(&path) {
        return next.run(req).await;
    }
    if path.starts_with("/api/") {
        return error_response(AppError::Unauthorized);
    }
    if !setup_done {
        return Redirect::to("/setup").into_response();
    }
    let target = match req.uri().path_and_query() {
        Some(pq) if pq.as_str() != "/" => format!("/login?next={}", urlencode(pq.as_str())),
        _ => "/login".to_owned(),
    };
    Redirect::to(&target).into_response()
}

async fn current_user(
    state: &AppState,
    session: &Session,
) -> Result<Option<CurrentUser>, AppError> {
    let id = session.get::<i32>(SESSION_USER_ID).await.map_err(|e| {
        tracing::error!(error = %e, "session load failed");
        AppError::Internal
    })?;
    let Some(id) = id else { return Ok(None) };
    match service::find_active(&state.db, id).await? {
        Some(u) => Ok(Some(service::to_current(&u))),
        None => {
            // The account is gone or disabled: its sessions die with it.
            let _ = session.flush().await;
            Ok(None)
        }
    }
}

/// A mutation from another site: `Sec-Fetch-Site` says so, or `Origin` names another host.
/// Requests without either (curl, scripts) are not browser CSRF and pass on to the sign-in check.
pub fn is_cross_site(headers: &HeaderMap, state: &AppState) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && (site == "cross-site" || site == "same-site")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Some(origin) = origin.to_str().ok().and_then(parse_origin) else {
        return true;
    };
    let expected = match &state.config.public_url {
        Some(u) => host_port(u),
        None => match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
            Some(h) => h.to_ascii_lowercase(),
            None => return true,
        },
    };
    host_port(&origin) != expected
}

fn parse_origin(s: &str) -> Option<url::Url> {
    url::Url::parse(s).ok().filter(|u| u.has_host())
}

fn host_port(u: &url::Url) -> String {
    let host = u.host_str().unwrap_or_default().to_ascii_lowercase();
    match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The error as a server function would have sent it, so the browser can read it.
fn error_response(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(&e).unwrap_or_default();
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("static response parts")
}
