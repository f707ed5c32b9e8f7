//! The request guard, in front of every route: refuses cross-site mutations, attaches the
//! signed-in user, and keeps everything but the public paths behind a sign-in. Being one layer
//! for all routes, a new page or server function is protected without remembering to be.

use app::{
    dto::auth::CurrentUser,
    error::AppError,
    server::{
        AppState, Config,
        auth::{SESSION_LOGIN_AT, SESSION_SEEN_AT, SESSION_USER_ID, service},
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
use std::net::{IpAddr, SocketAddr};
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
        // A customer's own statement: the token in the path is the credential.
        || path.starts_with("/s/")
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
        let (ip, _) = client_of(&state.config, addr.ip(), req.headers());
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
        return bad_request_status(next.run(req).await).await;
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

/// The client's address and whether it reached the proxy over https. `X-Forwarded-For` and
/// `X-Forwarded-Proto` are believed only from a peer in `TAGIH_TRUSTED_PROXIES`; the client is
/// the right-most address in the chain that is not itself a trusted proxy.
pub fn client_of(config: &Config, peer: IpAddr, headers: &HeaderMap) -> (IpAddr, bool) {
    let peer = app::server::config::canonical_ip(peer);
    if !config.is_trusted_proxy(peer) {
        return (peer, false);
    }
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next_back())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    let chain: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .map(app::server::config::canonical_ip)
        .collect();
    let client = chain
        .iter()
        .rev()
        .find(|ip| !config.is_trusted_proxy(**ip))
        .or(chain.first())
        .copied()
        .unwrap_or(peer);
    (client, https)
}

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn current_user(
    state: &AppState,
    session: &Session,
) -> Result<Option<CurrentUser>, AppError> {
    let load = |e: tower_sessions::session::Error| {
        tracing::error!(error = %e, "session load failed");
        AppError::Internal
    };
    let id = session.get::<i32>(SESSION_USER_ID).await.map_err(load)?;
    let Some(id) = id else { return Ok(None) };
    // Absolute lifetime and idle time, on top of the store's own expiry.
    let now = unix_now();
    let login_at = session.get::<i64>(SESSION_LOGIN_AT).await.map_err(load)?;
    let seen_at = session
        .get::<i64>(SESSION_SEEN_AT)
        .await
        .map_err(load)?
        .or(login_at);
    let max = state.config.session_max.as_secs() as i64;
    let idle = state.config.session_idle.as_secs() as i64;
    if login_at.is_none_or(|t| now - t >= max) || seen_at.is_none_or(|t| now - t >= idle) {
        let _ = session.flush().await;
        return Ok(None);
    }
    // Activity keeps the session alive: a changed value makes the layer save the record with a
    // fresh expiry (now + idle) and re-send the cookie. At most once a minute, to spare writes.
    if seen_at.is_some_and(|t| now - t >= touch_every(idle)) {
        session.insert(SESSION_SEEN_AT, now).await.map_err(load)?;
    }
    match service::find_active(&state.db, id).await? {
        Some(u) => Ok(Some(service::to_current(&u))),
        None => {
            // The account is gone or disabled: its sessions die with it.
            let _ = session.flush().await;
            Ok(None)
        }
    }
}

/// Seconds between two refreshes of an active session: a minute, less when the idle limit is
/// shorter (tests).
fn touch_every(idle: i64) -> i64 {
    (idle / 4).clamp(1, 60)
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

/// A server function whose arguments could not be read answers 500 from the server-fn layer
/// (before any of Tagih's code runs); it is the request's fault, so say 400.
async fn bad_request_status(resp: Response) -> Response {
    if resp.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !resp.headers().contains_key("serverfnerror")
    {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if let Ok(AppError::BadRequest(_)) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
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
