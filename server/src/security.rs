//! Security headers on every response. Pages get a Content-Security-Policy with a per-response
//! nonce: Leptos puts that nonce on its own inline scripts (hydration, resolved resources), so
//! no other inline script runs. Inline *styles* stay allowed (`style=` attributes such as
//! progress-bar widths; a style cannot run code). Everything else gets a deny-all policy.

use crate::guard::client_of;
use app::server::AppState;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};
use std::net::SocketAddr;

/// The policy of a page whose inline scripts carry `nonce`.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// For everything that is not a page (server-fn answers, CSV, assets).
pub const DEFAULT_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Called while a page renders (the Leptos context): sets the page's policy with its nonce.
pub fn page_csp() {
    use leptos::prelude::use_context;
    if let (Some(nonce), Some(opts)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) && let Ok(v) = HeaderValue::from_str(&page_policy(&nonce))
    {
        opts.insert_header(header::CONTENT_SECURITY_POLICY, v);
    }
}

pub async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let https = state.config.https()
        || req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .is_some_and(|ConnectInfo(a)| client_of(&state.config, a.ip(), req.headers()).1);
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_POLICY),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    res
}
