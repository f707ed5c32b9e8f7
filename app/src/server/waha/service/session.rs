//! What the admin does to the session from the WhatsApp page: start, stop, restart, log out,
//! the QR or pairing code, "Tes koneksi", a test message, and registering the webhook.

use super::{
    Connection, WhatsAppError,
    status::{refresh, to_status},
};
use crate::{
    domain::whatsapp::{SessionAction, SessionStatus, chat_id, normalise_number},
    dto::whatsapp::{ConnectionTest, QrView, SessionView, TestSent},
    error::FieldErrors,
    server::{
        Config, Secret,
        waha::{WahaError, WebhookTarget, settings},
    },
};
use base64::Engine as _;
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

/// A session action, then the status it left. Starting (or restarting) a session also puts
/// Tagih's webhook on it when `TAGIH_PUBLIC_URL` says where Tagih is reachable.
pub async fn act(
    db: &DatabaseConnection,
    config: &Config,
    conn: &Connection,
    action: SessionAction,
) -> Result<SessionView, WhatsAppError> {
    let (c, s) = (&conn.client, conn.session.as_str());
    let connecting = matches!(action, SessionAction::Start | SessionAction::Restart);
    // Before starting: WAHA applies a config change to a running session by restarting it, so a
    // stopped session gets its webhook without a second start. (A session that does not exist
    // yet, on WAHA Plus, gets it after the start below.)
    let hooked = connecting && ensure_webhook(db, config, conn).await.is_ok();
    match action {
        SessionAction::Start => c.start(s).await,
        SessionAction::Stop => c.stop(s).await,
        SessionAction::Restart => c.restart(s).await,
        SessionAction::Logout => c.logout(s).await,
    }
    .map_err(WhatsAppError::Waha)?;
    tracing::info!(session = s, ?action, "WhatsApp session action");
    if connecting && !hooked {
        // Without the webhook the ticks still come, by polling: a refusal here must not
        // undo the start the admin asked for.
        if let Err(e) = ensure_webhook(db, config, conn).await {
            tracing::warn!(error = %e, "webhook not registered on start; delivery ticks are polled");
        }
    }
    let info = refresh(db, conn).await.map_err(WhatsAppError::Waha)?;
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
pub async fn qr(db: &DatabaseConnection, conn: &Connection) -> Result<QrView, WhatsAppError> {
    let info = refresh(db, conn).await.map_err(WhatsAppError::Waha)?;
    if info.status != SessionStatus::ScanQrCode {
        return Ok(QrView {
            status: info.status.clone(),
            image: None,
            qr_id: None,
        });
    }
    let value = match conn.client.qr_raw(&conn.session).await {
        Ok(v) => v,
        // It moved on between the two calls (scanned, failed): report what it is now.
        Err(WahaError::StatusGate { status, .. }) => {
            return Ok(QrView {
                status,
                image: None,
                qr_id: None,
            });
        }
        Err(e) => return Err(WhatsAppError::Waha(e)),
    };
    let id = hex::encode(&Sha256::digest(value.as_bytes())[..8]);
    Ok(QrView {
        status: info.status.clone(),
        image: qr_data_url(&value),
        qr_id: Some(id),
    })
}

pub async fn pairing_code(conn: &Connection, phone: &str) -> Result<String, WhatsAppError> {
    let number = normalise_number(phone).map_err(|m| WhatsAppError::field("phone", m))?;
    conn.client
        .request_pairing_code(&conn.session, &number)
        .await
        .map_err(WhatsAppError::Waha)
}

pub async fn test_connection(conn: &Connection) -> Result<ConnectionTest, WhatsAppError> {
    let v = conn.client.version().await.map_err(WhatsAppError::Waha)?;
    let status = match conn.client.get_session(&conn.session).await {
        Ok(i) => Some(i.status),
        Err(WahaError::SessionNotFound { .. }) => None,
        Err(e) => return Err(WhatsAppError::Waha(e)),
    };
    Ok(ConnectionTest {
        version: v.version,
        engine: v.engine,
        tier: v.tier,
        session_status: status,
    })
}

pub const TEST_TEXT: &str = "Tes pesan dari Tagih: koneksi WhatsApp berjalan.";

/// Checks the number with WhatsApp, then sends to the chat id WAHA returns.
pub async fn send_test(
    conn: &Connection,
    number: &str,
    text: &str,
) -> Result<TestSent, WhatsAppError> {
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
    errors.check()?;
    let number = number.unwrap_or_default();
    let check = conn
        .client
        .check_exists(&conn.session, &number)
        .await
        .map_err(WhatsAppError::Waha)?;
    if !check.exists {
        return Err(WhatsAppError::field(
            "number",
            "Nomor ini tidak terdaftar di WhatsApp.",
        ));
    }
    let chat = check.chat_id.unwrap_or_else(|| chat_id(&number));
    let sent = conn
        .client
        .send_text(&conn.session, &chat, text)
        .await
        .map_err(WhatsAppError::Waha)?;
    tracing::info!(chat = %chat, id = ?sent.id, "test message sent");
    Ok(TestSent {
        chat_id: chat,
        message_id: sent.id,
    })
}

/// Where WAHA reaches Tagih's webhook when Tagih has a public address.
pub fn public_webhook_url(config: &Config) -> Option<url::Url> {
    config.public_url.as_ref()?.join("/webhooks/waha").ok()
}

/// With `TAGIH_PUBLIC_URL` set, puts Tagih's webhook (`message.ack`, `session.status`) on the
/// session unless WAHA already has it there. The HMAC key is `WAHA_WEBHOOK_SECRET`, else the
/// one saved before, else a new one (saved). `Ok(false)`: nothing to do.
pub async fn ensure_webhook(
    db: &DatabaseConnection,
    config: &Config,
    conn: &Connection,
) -> Result<bool, WhatsAppError> {
    let Some(url) = public_webhook_url(config) else {
        return Ok(false);
    };
    let saved = settings::load(db, config).await?;
    if saved.webhook_url.as_deref() == Some(url.as_str())
        && saved.webhook_secret.is_some()
        && let Ok(info) = conn.client.get_session(&conn.session).await
        && info
            .config
            .as_ref()
            .and_then(|c| c.get("webhooks"))
            .and_then(serde_json::Value::as_array)
            .is_some_and(|hooks| {
                hooks
                    .iter()
                    .any(|h| h.get("url").and_then(serde_json::Value::as_str) == Some(url.as_str()))
            })
    {
        return Ok(false);
    }
    let secret = config
        .waha_webhook_secret
        .clone()
        .or(saved.webhook_secret)
        .unwrap_or_else(|| Secret::new(hex::encode(rand::random::<[u8; 32]>())));
    register_webhook_with(db, conn, url.as_str(), secret).await?;
    Ok(true)
}

/// Puts Tagih's webhook on the session with a new secret, and remembers both (the button on
/// the WhatsApp page).
pub async fn register_webhook(
    db: &DatabaseConnection,
    conn: &Connection,
    url: &str,
) -> Result<(), WhatsAppError> {
    let secret = Secret::new(hex::encode(rand::random::<[u8; 32]>()));
    register_webhook_with(db, conn, url, secret).await
}

/// The secret is saved first: WAHA restarts the session to apply the hook, and the events of
/// that restart arrive signed with it. If WAHA refuses, the previous secret comes back.
async fn register_webhook_with(
    db: &DatabaseConnection,
    conn: &Connection,
    url: &str,
    secret: Secret,
) -> Result<(), WhatsAppError> {
    let url = settings::parse_url(url).map_err(|m| WhatsAppError::field("webhook_url", m))?;
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
        return Err(WhatsAppError::Waha(e));
    }
    settings::put(db, settings::KEY_WEBHOOK_URL, url.as_str()).await?;
    tracing::info!(url = %url, "WAHA webhook registered");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
