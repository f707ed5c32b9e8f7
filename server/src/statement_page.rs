//! `GET /s/<token>`: a customer's own statement, without signing in. Plain HTML with no script
//! (fast on a cheap phone), `noindex`, not cached, rate-limited per address, and as slow for an
//! unknown token as for a known one, so neither the status nor the timing helps a guesser.

use app::server::{AppState, billing::statement_link, ctx::ClientIp};
use axum::{
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use std::time::Duration;

/// Every answer takes at least this long (a statement is read in a few milliseconds).
pub const FLOOR: Duration = Duration::from_millis(200);

const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                      base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub async fn show(
    State(state): State<AppState>,
    ip: Option<axum::Extension<ClientIp>>,
    Path(token): Path<String>,
) -> Response {
    let started = tokio::time::Instant::now();
    if let Err(wait) = state.link_limiter.attempt_ip(ip.map(|e| e.0.0)) {
        let mut r = (
            StatusCode::TOO_MANY_REQUESTS,
            "Terlalu banyak permintaan. Coba lagi sebentar lagi.",
        )
            .into_response();
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return r;
    }
    let today = app::server::billing::clock::today(state.config.timezone);
    let found = statement_link::page(&state.db, &token, today).await;
    tokio::time::sleep_until(started + FLOOR).await;
    let (status, body) = match found {
        Ok(Some(page)) => (StatusCode::OK, statement_link::html(Some(&page))),
        Ok(None) => (StatusCode::NOT_FOUND, statement_link::html(None)),
        Err(e) => {
            tracing::error!(error = %e, "statement page");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                statement_link::html(None),
            )
        }
    };
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(POLICY),
    );
    r
}
