//! `POST /webhooks/waha`: signed events from WAHA (`session.status`, `message.ack`).

use super::status::record_status;
use crate::{
    domain::whatsapp::SessionStatus,
    server::{
        Config, Secret,
        waha::{Me, settings},
    },
};
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{DatabaseConnection, DbErr};
use serde_json::Value;
use sha2::Sha512;

// ---- webhook -----------------------------------------------------------------------------------

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("missing or bad signature")]
    BadSignature,
    #[error("unreadable body: {0}")]
    BadBody(String),
    /// A signed event older or newer than [`WINDOW_MS`] (or without a time): a replay.
    #[error("event time outside the accepted window")]
    Stale,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// How far a signed event's own `timestamp` may be from our clock: WAHA's retries come within
/// a minute or two; a captured event replayed later is refused.
pub const WINDOW_MS: i64 = 5 * 60 * 1000;

/// True when `signature` is the hex HMAC-SHA512 of `body` under `secret` (constant time).
pub fn signature_ok(secret: &Secret, signature: &str, body: &[u8]) -> bool {
    let Ok(given) = hex::decode(signature.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha512>::new_from_slice(secret.expose().as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// `POST /webhooks/waha`: verifies the signature on the raw bytes before reading them, then
/// applies `session.status` and `message.ack`. Anything else is acknowledged and ignored.
pub async fn handle_webhook(
    db: &DatabaseConnection,
    config: &Config,
    signature: Option<&str>,
    algorithm: Option<&str>,
    body: &[u8],
) -> Result<&'static str, WebhookError> {
    let secret = settings::load(db, config).await?.webhook_secret;
    let (Some(secret), Some(signature)) = (secret, signature) else {
        return Err(WebhookError::BadSignature);
    };
    if algorithm.is_some_and(|a| !a.eq_ignore_ascii_case("sha512"))
        || !signature_ok(&secret, signature, body)
    {
        return Err(WebhookError::BadSignature);
    }
    let v: Value =
        serde_json::from_slice(body).map_err(|e| WebhookError::BadBody(e.to_string()))?;
    // Replays: the (signed) event time must be recent, and an event id is applied once.
    let at = v.get("timestamp").and_then(Value::as_i64);
    let now = chrono::Utc::now().timestamp_millis();
    if at.is_none_or(|t| (now - t).abs() > WINDOW_MS) {
        return Err(WebhookError::Stale);
    }
    if let Some(id) = v
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty() && id.len() <= 128)
        && !first_delivery(db, id).await?
    {
        tracing::info!(event_id = id, "WAHA webhook replayed or retried: ignored");
        return Ok("duplicate");
    }
    let event = v.get("event").and_then(Value::as_str).unwrap_or_default();
    let payload = v.get("payload").cloned().unwrap_or(Value::Null);
    match event {
        "session.status" => {
            let name = payload
                .get("name")
                .or_else(|| v.get("session"))
                .and_then(Value::as_str)
                .ok_or_else(|| WebhookError::BadBody("session.status without a session".into()))?;
            let status = payload
                .get("status")
                .and_then(Value::as_str)
                .ok_or_else(|| WebhookError::BadBody("session.status without a status".into()))?;
            let me: Option<Me> = v
                .get("me")
                .filter(|m| !m.is_null())
                .and_then(|m| serde_json::from_value(m.clone()).ok())
                .filter(|_| status == SessionStatus::Working.as_str());
            record_status(db, name, &SessionStatus::parse(status), me.as_ref()).await?;
            tracing::info!(session = name, status, "WhatsApp status from webhook");
            Ok("session.status")
        }
        "message.ack" => {
            let id = payload
                .get("id")
                .and_then(crate::server::waha::types::serialized_id)
                .ok_or_else(|| WebhookError::BadBody("message.ack without an id".into()))?;
            let ack = payload
                .get("ack")
                .and_then(Value::as_i64)
                .ok_or_else(|| WebhookError::BadBody("message.ack without an ack".into()))?;
            crate::server::engine::outbox::record_ack(db, &id, ack as i16, chrono::Utc::now())
                .await?;
            Ok("message.ack")
        }
        _ => Ok("ignored"),
    }
}

/// Records `id`; false when it was already there. Ids older than a day are forgotten (the
/// time window refuses such events anyway).
async fn first_delivery(db: &DatabaseConnection, id: &str) -> Result<bool, DbErr> {
    use crate::server::entity::webhook_events;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
    let now = chrono::Utc::now();
    webhook_events::Entity::delete_many()
        .filter(webhook_events::Column::ReceivedAt.lt(now - chrono::Duration::days(1)))
        .exec(db)
        .await?;
    let inserted = webhook_events::Entity::insert(webhook_events::ActiveModel {
        event_id: Set(id.to_owned()),
        received_at: Set(now),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await?;
    Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(_)))
}

#[cfg(test)]
mod tests {
    use super::{super::status::cached_status, *};
    use crate::server::testing;
    use sea_orm::{ConnectionTrait, Statement};

    fn sign(key: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha512>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    /// The body with a fresh `timestamp`, as WAHA's envelope has.
    fn stamp(body: &[u8]) -> Vec<u8> {
        let text = std::str::from_utf8(body).unwrap();
        format!(
            "{{\"timestamp\":{},{}",
            chrono::Utc::now().timestamp_millis(),
            &text[1..]
        )
        .into_bytes()
    }

    fn config() -> Config {
        Config::from_lookup(|k| (k == "WAHA_WEBHOOK_SECRET").then(|| "rahasia-hook".to_owned()))
            .unwrap()
    }

    async fn item_ack(db: &DatabaseConnection, id: &str) -> Option<i16> {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT ack FROM send_items WHERE wa_message_id = '{id}'"),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<Option<i16>>("", "ack").unwrap()
    }

    async fn seed_item(db: &DatabaseConnection, id: &str) {
        let now = "2026-11-26 00:00:00+00:00";
        for sql in [
            format!(
                "INSERT INTO send_jobs (kind, template_kind, wa_session, state, delay_ms, total, \
                 created_at, updated_at) VALUES ('single', 'test', 'default', 'running', 2000, 1, \
                 '{now}', '{now}')"
            ),
            format!(
                "INSERT INTO send_items (job_id, template_kind, chat_id, wa_number, body, state, \
                 next_attempt_at, wa_message_id, created_at, updated_at) VALUES ((SELECT MAX(id) \
                 FROM send_jobs), 'test', '62811@c.us', '62811', 'x', 'sent', '{now}', '{id}', \
                 '{now}', '{now}')"
            ),
        ] {
            db.execute_unprepared(&sql).await.unwrap();
        }
    }

    #[tokio::test]
    async fn signed_events_update_status_and_acks_bad_signatures_change_nothing() {
        let cfg = config();
        for t in testing::all().await {
            let db = &t.db;
            let status = &stamp(br#"{"event":"session.status","session":"default","me":{"id":"62812@c.us","pushName":"Toko"},"payload":{"name":"default","status":"WORKING"}}"#);

            // Missing, wrong, or for other bytes: refused, nothing recorded.
            for sig in [None, Some("00ff".to_owned()), Some(sign("lain", status))] {
                assert!(matches!(
                    handle_webhook(db, &cfg, sig.as_deref(), None, status).await,
                    Err(WebhookError::BadSignature)
                ));
            }
            let tampered = sign("rahasia-hook", b"{}");
            assert!(matches!(
                handle_webhook(db, &cfg, Some(&tampered), None, status).await,
                Err(WebhookError::BadSignature)
            ));
            assert!(matches!(
                handle_webhook(
                    db,
                    &cfg,
                    Some(&sign("rahasia-hook", status)),
                    Some("sha256"),
                    status
                )
                .await,
                Err(WebhookError::BadSignature)
            ));
            assert!(cached_status(db, "default").await.unwrap().is_none());

            let ok = handle_webhook(
                db,
                &cfg,
                Some(&sign("rahasia-hook", status)),
                Some("sha512"),
                status,
            )
            .await
            .unwrap();
            assert_eq!(ok, "session.status");
            let row = cached_status(db, "default").await.unwrap().unwrap();
            assert_eq!(row.status.as_deref(), Some("WORKING"));
            assert_eq!(row.me_id.as_deref(), Some("62812@c.us"));
            assert_eq!(row.me_name.as_deref(), Some("Toko"));

            let stopped = &stamp(br#"{"event":"session.status","session":"default","me":null,"payload":{"name":"default","status":"STOPPED"}}"#);
            handle_webhook(
                db,
                &cfg,
                Some(&sign("rahasia-hook", stopped)),
                None,
                stopped,
            )
            .await
            .unwrap();
            let row = cached_status(db, "default").await.unwrap().unwrap();
            assert_eq!((row.status.as_deref(), row.me_id), (Some("STOPPED"), None));

            // Acks move forward only.
            seed_item(db, "true_62811@c.us_AAA").await;
            let ack = |n: i32| {
                String::from_utf8(stamp(
                    format!(
                        r#"{{"event":"message.ack","session":"default","payload":{{"id":"true_62811@c.us_AAA","fromMe":true,"ack":{n},"ackName":"X"}}}}"#
                    )
                    .as_bytes(),
                ))
                .unwrap()
            };
            for (n, expect) in [(2, 2), (1, 2), (3, 3)] {
                let body = ack(n);
                handle_webhook(
                    db,
                    &cfg,
                    Some(&sign("rahasia-hook", body.as_bytes())),
                    None,
                    body.as_bytes(),
                )
                .await
                .unwrap();
                assert_eq!(item_ack(db, "true_62811@c.us_AAA").await, Some(expect));
            }
            let forged = ack(4);
            assert!(
                handle_webhook(db, &cfg, Some("deadbeef"), None, forged.as_bytes())
                    .await
                    .is_err()
            );
            assert_eq!(item_ack(db, "true_62811@c.us_AAA").await, Some(3));
            t.cleanup().await;
        }
    }

    #[tokio::test]
    async fn stale_or_replayed_events_change_nothing() {
        let cfg = config();
        for t in testing::all().await {
            let db = &t.db;
            let now = chrono::Utc::now().timestamp_millis();
            let body = |id: &str, at: i64, status: &str| {
                format!(
                    r#"{{"id":"{id}","timestamp":{at},"event":"session.status","session":"default","payload":{{"name":"default","status":"{status}"}}}}"#
                )
                .into_bytes()
            };
            let cfg = &cfg;
            let send = |b: Vec<u8>| async move {
                handle_webhook(db, cfg, Some(&sign("rahasia-hook", &b)), None, &b).await
            };
            // An hour old, from the future, or without a time: refused.
            for b in [
                body("evt_old", now - 3_600_000, "WORKING"),
                body("evt_future", now + 3_600_000, "WORKING"),
                br#"{"event":"session.status","session":"default","payload":{"name":"default","status":"WORKING"}}"#.to_vec(),
            ] {
                assert!(matches!(send(b).await, Err(WebhookError::Stale)));
            }
            assert!(cached_status(db, "default").await.unwrap().is_none());
            // WORKING, then STOPPED; the captured WORKING event replayed: ignored.
            let working = body("evt_1", now, "WORKING");
            assert_eq!(send(working.clone()).await.unwrap(), "session.status");
            send(body("evt_2", now, "STOPPED")).await.unwrap();
            assert_eq!(send(working).await.unwrap(), "duplicate");
            let row = cached_status(db, "default").await.unwrap().unwrap();
            assert_eq!(row.status.as_deref(), Some("STOPPED"));
            t.cleanup().await;
        }
    }

    #[tokio::test]
    async fn without_a_secret_every_webhook_is_refused() {
        let cfg = Config::from_lookup(|_| None).unwrap();
        let t = testing::sqlite().await;
        let body =
            br#"{"event":"session.status","session":"default","payload":{"status":"WORKING"}}"#;
        assert!(matches!(
            handle_webhook(&t.db, &cfg, Some(&sign("", body)), None, body).await,
            Err(WebhookError::BadSignature)
        ));
        t.cleanup().await;
    }
}
