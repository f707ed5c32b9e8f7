//! What the WhatsApp page and the webhook do: reach WAHA with the settings in force, keep the
//! session status in `wa_sessions`, and apply signed webhook events.

use super::{
    Me, SessionInfo, WahaClient, WahaError, WebhookTarget,
    settings::{self, WahaSettings},
};
use crate::{
    api::whatsapp::{Account, ConnectionTest, QrView, SessionView, TestSent},
    domain::whatsapp::{chat_id, normalise_number, status_label},
    error::{AppError, FieldErrors},
    server::{Config, Secret, entity::wa_sessions},
};
use base64::Engine as _;
use chrono::Utc;
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Set, sea_query::OnConflict,
};
use serde_json::Value;
use sha2::{Digest, Sha256, Sha512};
use std::sync::atomic::{AtomicI64, Ordering};

/// Shared by every request: one connection pool to WAHA, and when the navigation last asked
/// for a background status refresh.
pub struct WahaRuntime {
    pub http: reqwest::Client,
    last_refresh: AtomicI64,
}

impl WahaRuntime {
    pub fn new() -> Self {
        Self {
            http: super::http_client(super::Timeouts::default()),
            last_refresh: AtomicI64::new(0),
        }
    }

    /// True at most once per `secs` across all callers.
    pub fn refresh_due(&self, secs: i64) -> bool {
        let now = Utc::now().timestamp();
        let last = self.last_refresh.load(Ordering::Relaxed);
        now - last >= secs
            && self
                .last_refresh
                .compare_exchange(last, now, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
    }
}

impl Default for WahaRuntime {
    fn default() -> Self {
        Self::new()
    }
}

/// A WAHA server and the session to use on it.
#[derive(Debug, Clone)]
pub struct Connection {
    pub client: WahaClient,
    pub session: String,
}

/// The admin-facing error for a WAHA failure; the detail goes to the log (never the key: the
/// client scrubs it, and it only ever travels in a header).
pub fn waha_error(e: WahaError) -> AppError {
    tracing::warn!(error = %e, code = e.code(), "WAHA request failed");
    AppError::Conflict(e.user_message())
}

pub const NOT_CONFIGURED: &str =
    "Alamat server WAHA belum diatur. Isi di bagian Pengaturan koneksi.";

/// The connection the settings describe, or why there is none.
pub fn connect(http: &reqwest::Client, s: &WahaSettings) -> Result<Connection, AppError> {
    let url = s
        .url
        .clone()
        .ok_or_else(|| AppError::Conflict(NOT_CONFIGURED.into()))?;
    let client = WahaClient::with_http(http.clone(), url, s.api_key.clone()).map_err(waha_error)?;
    Ok(Connection {
        client,
        session: s.session.clone(),
    })
}

/// Loads the settings and connects.
pub async fn connection(
    db: &DatabaseConnection,
    config: &Config,
    http: &reqwest::Client,
) -> Result<Connection, AppError> {
    let s = settings::load(db, config).await?;
    connect(http, &s)
}

// ---- status ------------------------------------------------------------------------------------

/// Remembers a session's status (and account) for the navigation dot and the sending engine.
pub async fn record_status(
    db: &impl ConnectionTrait,
    name: &str,
    status: &str,
    me: Option<&Me>,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let model = wa_sessions::ActiveModel {
        name: Set(name.to_owned()),
        status: Set(Some(status.to_owned())),
        status_at: Set(Some(now)),
        me_id: Set(me.map(|m| m.id.clone())),
        me_name: Set(me.and_then(|m| m.push_name.clone())),
        updated_at: Set(now),
        // The pacing columns belong to the engine: their defaults on insert, untouched after.
        ..Default::default()
    };
    wa_sessions::Entity::insert(model)
        .on_conflict(
            OnConflict::column(wa_sessions::Column::Name)
                .update_columns([
                    wa_sessions::Column::Status,
                    wa_sessions::Column::StatusAt,
                    wa_sessions::Column::MeId,
                    wa_sessions::Column::MeName,
                    wa_sessions::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

pub async fn cached_status(
    db: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<wa_sessions::Model>, DbErr> {
    wa_sessions::Entity::find_by_id(name.to_owned())
        .one(db)
        .await
}

/// Asks WAHA for the session and records the answer. A session WAHA does not know (Plus,
/// never created) reads as STOPPED: Start creates it.
pub async fn refresh(db: &DatabaseConnection, conn: &Connection) -> Result<SessionInfo, WahaError> {
    let info = match conn.client.get_session(&conn.session).await {
        Ok(i) => i,
        Err(WahaError::SessionNotFound { .. }) => SessionInfo {
            name: conn.session.clone(),
            status: "STOPPED".into(),
            me: None,
            engine: None,
            config: None,
        },
        Err(e) => return Err(e),
    };
    if let Err(e) = record_status(db, &conn.session, &info.status, info.me.as_ref()).await {
        tracing::error!(error = %e, "cannot record the WhatsApp status");
    }
    Ok(info)
}

pub fn to_status(session: &str, info: &SessionInfo) -> SessionView {
    SessionView {
        configured: true,
        session: session.to_owned(),
        status: Some(info.status.clone()),
        label: status_label(&info.status),
        account: info
            .me
            .as_ref()
            .filter(|_| info.is_working())
            .map(|m| Account {
                number: m.number().to_owned(),
                name: m.push_name.clone(),
            }),
        error: None,
    }
}

/// The live status for the page: never an error, so the page can always draw something.
pub async fn live_status(
    db: &DatabaseConnection,
    config: &Config,
    http: &reqwest::Client,
) -> Result<SessionView, AppError> {
    let s = settings::load(db, config).await?;
    let conn = match connect(http, &s) {
        Ok(c) => c,
        Err(AppError::Conflict(msg)) => {
            return Ok(SessionView {
                configured: s.url.is_some(),
                session: s.session,
                status: None,
                label: if s.url.is_some() {
                    "Tidak terhubung"
                } else {
                    "Belum diatur"
                }
                .into(),
                account: None,
                error: Some(msg),
            });
        }
        Err(e) => return Err(e),
    };
    match refresh(db, &conn).await {
        Ok(info) => Ok(to_status(&conn.session, &info)),
        Err(e) => {
            tracing::warn!(error = %e, code = e.code(), "WAHA status check failed");
            Ok(SessionView {
                configured: true,
                session: conn.session,
                status: None,
                label: "Tidak terhubung".into(),
                account: None,
                error: Some(e.user_message()),
            })
        }
    }
}

/// A session action, then the status it left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Start,
    Stop,
    Restart,
    Logout,
}

pub async fn act(
    db: &DatabaseConnection,
    conn: &Connection,
    action: Action,
) -> Result<SessionView, AppError> {
    let (c, s) = (&conn.client, conn.session.as_str());
    match action {
        Action::Start => c.start(s).await,
        Action::Stop => c.stop(s).await,
        Action::Restart => c.restart(s).await,
        Action::Logout => c.logout(s).await,
    }
    .map_err(waha_error)?;
    tracing::info!(session = s, ?action, "WhatsApp session action");
    let info = refresh(db, conn).await.map_err(waha_error)?;
    Ok(to_status(s, &info))
}

// ---- QR, pairing, tests ------------------------------------------------------------------------

/// The QR as an SVG data URL the page shows in an `<img>` (no QR code library in the wasm).
pub fn qr_data_url(value: &str) -> Option<String> {
    let code = qrcode::QrCode::new(value.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(264, 264)
        .quiet_zone(true)
        .build();
    Some(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

/// The QR while the session waits for a scan; only the status otherwise.
pub async fn qr(db: &DatabaseConnection, conn: &Connection) -> Result<QrView, AppError> {
    let info = refresh(db, conn).await.map_err(waha_error)?;
    if info.status != "SCAN_QR_CODE" {
        return Ok(QrView {
            status: info.status.clone(),
            label: status_label(&info.status),
            image: None,
            qr_id: None,
        });
    }
    let value = match conn.client.qr_raw(&conn.session).await {
        Ok(v) => v,
        // It moved on between the two calls (scanned, failed): report what it is now.
        Err(WahaError::StatusGate { status, .. }) => {
            return Ok(QrView {
                label: status_label(&status),
                status,
                image: None,
                qr_id: None,
            });
        }
        Err(e) => return Err(waha_error(e)),
    };
    let id = hex::encode(&Sha256::digest(value.as_bytes())[..8]);
    Ok(QrView {
        status: info.status.clone(),
        label: status_label(&info.status),
        image: qr_data_url(&value),
        qr_id: Some(id),
    })
}

pub async fn pairing_code(conn: &Connection, phone: &str) -> Result<String, AppError> {
    let number = normalise_number(phone).map_err(|m| AppError::field("phone", m))?;
    conn.client
        .request_pairing_code(&conn.session, &number)
        .await
        .map_err(waha_error)
}

pub async fn test_connection(conn: &Connection) -> Result<ConnectionTest, AppError> {
    let v = conn.client.version().await.map_err(waha_error)?;
    let status = match conn.client.get_session(&conn.session).await {
        Ok(i) => Some(i.status),
        Err(WahaError::SessionNotFound { .. }) => None,
        Err(e) => return Err(waha_error(e)),
    };
    Ok(ConnectionTest {
        version: v.version,
        engine: v.engine,
        tier: v.tier,
        session_label: status
            .as_deref()
            .map(status_label)
            .unwrap_or_else(|| "Belum dibuat".into()),
        session_status: status,
    })
}

pub const TEST_TEXT: &str = "Tes pesan dari Tagih: koneksi WhatsApp berjalan.";

/// Checks the number with WhatsApp, then sends to the chat id WAHA returns.
pub async fn send_test(conn: &Connection, number: &str, text: &str) -> Result<TestSent, AppError> {
    let mut errors = FieldErrors::new();
    let number = match normalise_number(number) {
        Ok(n) => Some(n),
        Err(m) => {
            errors.add("number", m);
            None
        }
    };
    let text = if text.trim().is_empty() {
        TEST_TEXT
    } else {
        text.trim()
    };
    if text.chars().count() > 1000 {
        errors.add("text", "Pesan tes paling banyak 1000 karakter.");
    }
    errors.into_result()?;
    let number = number.unwrap_or_default();
    let check = conn
        .client
        .check_exists(&conn.session, &number)
        .await
        .map_err(waha_error)?;
    if !check.exists {
        return Err(AppError::field(
            "number",
            "Nomor ini tidak terdaftar di WhatsApp.",
        ));
    }
    let chat = check.chat_id.unwrap_or_else(|| chat_id(&number));
    let sent = conn
        .client
        .send_text(&conn.session, &chat, text)
        .await
        .map_err(waha_error)?;
    tracing::info!(chat = %chat, id = ?sent.id, "test message sent");
    Ok(TestSent {
        chat_id: chat,
        message_id: sent.id,
    })
}

/// Puts Tagih's webhook on the session with a new secret, and remembers both. The secret is
/// saved first: WAHA restarts the session to apply the hook, and the events of that restart
/// arrive signed with the new secret. If WAHA refuses, the previous secret comes back.
pub async fn register_webhook(
    db: &DatabaseConnection,
    conn: &Connection,
    url: &str,
) -> Result<(), AppError> {
    let url = settings::parse_url(url).map_err(|m| AppError::field("webhook_url", m))?;
    let secret = Secret::new(hex::encode(rand::random::<[u8; 32]>()));
    let previous = settings::load_saved(db, settings::KEY_WEBHOOK_SECRET).await?;
    settings::put(db, settings::KEY_WEBHOOK_SECRET, secret.expose()).await?;
    let registered = conn
        .client
        .register_webhook(
            &conn.session,
            &WebhookTarget {
                url: url.to_string(),
                events: vec!["session.status".into(), "message.ack".into()],
                hmac_key: secret,
            },
        )
        .await;
    if let Err(e) = registered {
        match previous {
            Some(old) => settings::put(db, settings::KEY_WEBHOOK_SECRET, &old).await?,
            None => settings::remove(db, settings::KEY_WEBHOOK_SECRET).await?,
        }
        return Err(waha_error(e));
    }
    settings::put(db, settings::KEY_WEBHOOK_URL, url.as_str()).await?;
    tracing::info!(url = %url, "WAHA webhook registered");
    Ok(())
}

// ---- webhook -----------------------------------------------------------------------------------

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("missing or bad signature")]
    BadSignature,
    #[error("unreadable body: {0}")]
    BadBody(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

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
                .filter(|_| status == "WORKING");
            record_status(db, name, status, me.as_ref()).await?;
            tracing::info!(session = name, status, "WhatsApp status from webhook");
            Ok("session.status")
        }
        "message.ack" => {
            let id = payload
                .get("id")
                .and_then(super::types::serialized_id)
                .ok_or_else(|| WebhookError::BadBody("message.ack without an id".into()))?;
            let ack = payload
                .get("ack")
                .and_then(Value::as_i64)
                .ok_or_else(|| WebhookError::BadBody("message.ack without an ack".into()))?;
            crate::server::engine::outbox::record_ack(db, &id, ack as i16, Utc::now()).await?;
            Ok("message.ack")
        }
        _ => Ok("ignored"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::testing;
    use sea_orm::{ConnectionTrait, Statement};

    fn sign(key: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha512>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
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
            let status = br#"{"event":"session.status","session":"default","me":{"id":"62812@c.us","pushName":"Toko"},"payload":{"name":"default","status":"WORKING"}}"#;

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

            let stopped = br#"{"event":"session.status","session":"default","me":null,"payload":{"name":"default","status":"STOPPED"}}"#;
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
                format!(
                    r#"{{"event":"message.ack","session":"default","payload":{{"id":"true_62811@c.us_AAA","fromMe":true,"ack":{n},"ackName":"X"}}}}"#
                )
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

    #[test]
    fn the_qr_is_an_svg_data_url() {
        let url = qr_data_url("2@abc,def,1").unwrap();
        assert!(url.starts_with("data:image/svg+xml;base64,"));
        let svg = base64::engine::general_purpose::STANDARD
            .decode(url.trim_start_matches("data:image/svg+xml;base64,"))
            .unwrap();
        assert!(String::from_utf8(svg).unwrap().contains("<svg"));
    }
}
