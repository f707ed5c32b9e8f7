//! `POST /webhooks/waha`: WAHA's events. Public (WAHA has no session), so the HMAC-SHA512
//! signature over the raw body is the only gate: without a valid one nothing changes.

use app::server::{
    AppState,
    waha::service::{WebhookError, handle_webhook},
};
use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::json;

pub async fn waha(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match handle_webhook(
        &state.db,
        &state.config,
        header("x-webhook-hmac"),
        header("x-webhook-hmac-algorithm"),
        &body,
    )
    .await
    {
        Ok(event) => {
            if event == "session.status" {
                // A session back at WORKING resumes paused jobs without waiting for a poll.
                state.engine.wake();
            }
            (StatusCode::OK, Json(json!({"ok": true, "event": event}))).into_response()
        }
        Err(WebhookError::BadSignature) => {
            tracing::warn!("WAHA webhook refused: missing or bad signature");
            (
                StatusCode::UNAUTHORIZED,
                Json(json!({"message": "Unauthorized"})),
            )
                .into_response()
        }
        Err(WebhookError::Stale) => {
            tracing::warn!("WAHA webhook refused: event time outside the window (replay?)");
            (
                StatusCode::UNAUTHORIZED,
                Json(json!({"message": "Stale event"})),
            )
                .into_response()
        }
        Err(WebhookError::BadBody(e)) => {
            tracing::warn!(error = %e, "WAHA webhook with an unreadable body");
            (
                StatusCode::BAD_REQUEST,
                Json(json!({"message": "Bad Request"})),
            )
                .into_response()
        }
        Err(WebhookError::Db(e)) => {
            tracing::error!(error = %e, "WAHA webhook not recorded");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
