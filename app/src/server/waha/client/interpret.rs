//! WAHA's answers and errors turned into typed values (pure, unit-tested).

use super::http::MAX_BODY;
use crate::domain::whatsapp::SessionStatus;
use crate::server::waha::{error::WahaError, types::serialized_id};
use reqwest::{Response, StatusCode};
use serde_json::Value;

/// The serialised id of a sent message, in the order the reference gives: `id` as a string
/// (GOWS) → `id._serialized` (WEBJS) → `true_<chatId>_<key.id>` (NOWEB).
pub fn sent_message_id(v: &Value, chat_id: &str) -> Option<String> {
    if let Some(id) = v.get("id").and_then(serialized_id) {
        return Some(id);
    }
    let key = v.get("key")?;
    let id = key
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())?;
    let from_me = key.get("fromMe").and_then(Value::as_bool).unwrap_or(true);
    Some(format!("{from_me}_{chat_id}_{id}"))
}

pub(super) fn already_started(e: &WahaError) -> bool {
    matches!(e, WahaError::Rejected { status: 422, message } if message.contains("already started"))
}

/// The human part of a WAHA error body: NestJS `message` (string or list), the engine's
/// `exception.message`, or the status-gate `error`.
fn error_text(v: &Value) -> String {
    let pick = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Array(a) => Some(
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            _ => None,
        }
    };
    let text = v
        .get("exception")
        .and_then(|e| e.get("message"))
        .and_then(pick)
        .or_else(|| v.get("message").and_then(pick))
        .or_else(|| v.get("error").and_then(|e| e.get("message")).and_then(pick))
        .or_else(|| v.get("error").and_then(pick))
        .unwrap_or_default();
    truncate(&text, 300)
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Turns a non-2xx, non-3xx WAHA answer into a typed error.
pub(crate) fn classify(status: StatusCode, body: &[u8], session: &str) -> WahaError {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let text = error_text(&v);
    let lower = text.to_ascii_lowercase();
    let code = status.as_u16();
    match code {
        401 => WahaError::Unauthorized,
        403 => WahaError::Forbidden,
        // NestJS answers an unknown route (or method) with "Cannot POST /path".
        404 | 405 if code == 405 || text.starts_with("Cannot ") => WahaError::EndpointMissing {
            method: text.split(' ').nth(1).unwrap_or_default().to_owned(),
            path: String::new(),
            status: code,
        },
        404 => WahaError::SessionNotFound {
            session: session.to_owned(),
            message: text,
        },
        422 if v.get("expected").is_some() && v.get("status").is_some() => WahaError::StatusGate {
            session: v
                .get("session")
                .and_then(Value::as_str)
                .unwrap_or(session)
                .to_owned(),
            status: SessionStatus::parse(
                v.get("status").and_then(Value::as_str).unwrap_or_default(),
            ),
            expected: v
                .get("expected")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        },
        429 => WahaError::RateOverlimit(text),
        _ if lower.contains("rate-overlimit") => WahaError::RateOverlimit(text),
        _ if is_reachout_lock(&lower) => WahaError::ReachoutLocked(text),
        _ if is_not_on_whatsapp(&lower) => WahaError::NotOnWhatsApp(text),
        500..=599 => WahaError::Server {
            status: code,
            message: text,
        },
        _ => WahaError::Rejected {
            status: code,
            message: text,
        },
    }
}

fn is_reachout_lock(lower: &str) -> bool {
    lower.contains("error 463") || lower.contains("reachout") || lower.contains(" 463")
}

fn is_not_on_whatsapp(lower: &str) -> bool {
    lower.contains("no lid")
        || lower.contains("lid is missing")
        || lower.contains("not on whatsapp")
        || lower.contains("not registered on whatsapp")
        || lower.contains("wid error: invalid wid")
}

pub(super) async fn read_limited(mut resp: Response) -> Result<Vec<u8>, WahaError> {
    let mut out = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if out.len() + chunk.len() > MAX_BODY {
                    return Err(WahaError::BadResponse("response too large".into()));
                }
                out.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(out),
            Err(e) if e.is_timeout() => return Err(WahaError::Timeout),
            Err(e) => return Err(WahaError::BadResponse(error_chain(&e.without_url()))),
        }
    }
}

pub(super) fn find_source<'a, T: std::error::Error + 'static>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(t) = err.downcast_ref::<T>() {
            return Some(t);
        }
        cur = err.source();
    }
    None
}

pub(super) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(err) = cur {
        let s = err.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    truncate(&parts.join(": "), 300)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sent_ids_are_normalised_for_every_engine() {
        let chat = "628111@c.us";
        let gows = json!({"id": "true_628111@c.us_ABC", "_data": {}});
        let webjs = json!({"id": {"fromMe": true, "remote": chat, "id": "ABC",
                                   "_serialized": "true_628111@c.us_ABC"}, "ack": 0});
        let noweb = json!({"key": {"remoteJid": "628111@s.whatsapp.net", "fromMe": true,
                                   "id": "ABC"}, "status": "PENDING"});
        for v in [gows, webjs, noweb] {
            assert_eq!(
                sent_message_id(&v, chat).as_deref(),
                Some("true_628111@c.us_ABC")
            );
        }
        assert_eq!(sent_message_id(&Value::Null, chat), None);
        assert_eq!(sent_message_id(&json!({}), chat), None);
    }

    fn c(status: u16, body: Value) -> WahaError {
        classify(
            StatusCode::from_u16(status).unwrap(),
            body.to_string().as_bytes(),
            "default",
        )
    }

    #[test]
    fn error_bodies_become_typed_errors() {
        assert_eq!(
            c(401, json!({"message":"Unauthorized","statusCode":401})),
            WahaError::Unauthorized
        );
        assert!(matches!(
            c(
                404,
                json!({"message":"Cannot POST /api/sessions/default/start","error":"Not Found","statusCode":404})
            ),
            WahaError::EndpointMissing { status: 404, .. }
        ));
        assert!(matches!(
            c(
                404,
                json!({"message":"Session not found","error":"Not Found","statusCode":404})
            ),
            WahaError::SessionNotFound { .. }
        ));
        assert_eq!(
            c(
                422,
                json!({"error":"Session status is not as expected. Try again later or restart the session",
                       "session":"default","status":"FAILED","expected":["SCAN_QR_CODE"]})
            ),
            WahaError::StatusGate {
                session: "default".into(),
                status: "FAILED".into(),
                expected: vec!["SCAN_QR_CODE".into()]
            }
        );
        let exc = |m: &str| json!({"statusCode":500,"exception":{"message": m, "name":"Error"}});
        assert!(matches!(
            c(500, exc("2 UNKNOWN: server returned error 463")),
            WahaError::ReachoutLocked(_)
        ));
        assert!(matches!(
            c(500, exc("rate-overlimit")),
            WahaError::RateOverlimit(_)
        ));
        assert!(matches!(
            c(500, exc("No LID for user")),
            WahaError::NotOnWhatsApp(_)
        ));
        assert!(matches!(
            c(
                500,
                exc("2 UNKNOWN: no LID found for 5255@s.whatsapp.net from server")
            ),
            WahaError::NotOnWhatsApp(_)
        ));
        assert_eq!(
            c(502, Value::Null),
            WahaError::Server {
                status: 502,
                message: String::new()
            }
        );
        assert!(matches!(
            c(
                422,
                json!({"message":"Session 'default' is already started.","statusCode":422})
            ),
            WahaError::Rejected { status: 422, .. }
        ));
    }
}
