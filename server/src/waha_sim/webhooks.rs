//! Webhook delivery: one worker posts events in the order they happened, with WAHA's headers
//! and, when the hook has an HMAC key, `X-Webhook-Hmac` (hex HMAC-SHA512 of the raw body).
//! One attempt per event, recorded for `/_sim/webhooks` (WAHA's retries are not simulated).

use super::{
    Sim,
    state::{Event, WebhookRecord, now_ms},
};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha512;
use std::{sync::Weak, time::Duration};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Hex HMAC-SHA512 of `body` with `key`, as WAHA puts in `X-Webhook-Hmac`.
pub fn sign(key: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha512>::new_from_slice(key.as_bytes()).expect("HMAC takes any key");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

pub async fn worker(
    sim: Weak<Sim>,
    mut rx: mpsc::UnboundedReceiver<Event>,
    stop: CancellationToken,
) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client");
    loop {
        let event = tokio::select! {
            _ = stop.cancelled() => return,
            e = rx.recv() => match e { Some(e) => e, None => return },
        };
        let Some(sim) = sim.upgrade() else { return };
        let record = deliver(&http, &sim, event).await;
        sim.lock().webhooks.push(record);
    }
}

async fn deliver(http: &reqwest::Client, sim: &Sim, event: Event) -> WebhookRecord {
    let body = serde_json::to_vec(&event.body).unwrap_or_default();
    let request_id = {
        let mut st = sim.lock();
        format!("req_{}", st.random_id(26).to_ascii_lowercase())
    };
    let mut req = http
        .post(&event.hook.url)
        .header("Content-Type", "application/json")
        .header("User-Agent", format!("WAHA/{}", sim.opts.version()))
        .header("X-Webhook-Request-Id", &request_id)
        .header("X-Webhook-Timestamp", now_ms().to_string());
    if let Some(key) = &event.hook.hmac_key {
        req = req
            .header("X-Webhook-Hmac", sign(key, &body))
            .header("X-Webhook-Hmac-Algorithm", "sha512");
    }
    for (name, value) in &event.hook.headers {
        req = req.header(name.as_str(), value.as_str());
    }
    let result = req.body(body).send().await;
    let (status, error) = match result {
        Ok(r) => (Some(r.status().as_u16()), None),
        Err(e) => (None, Some(e.without_url().to_string())),
    };
    WebhookRecord {
        at: now_ms(),
        url: event.hook.url,
        event: event
            .body
            .get("event")
            .and_then(|e| e.as_str())
            .unwrap_or_default()
            .to_owned(),
        session: event.session,
        request_id,
        signed: event.hook.hmac_key.is_some(),
        status,
        error,
        payload: event.body.get("payload").cloned().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn signature_matches_the_reference_example() {
        // waha-api.md §8, checked with `openssl dgst -sha512 -hmac my-secret-key`.
        let sig = super::sign(
            "my-secret-key",
            br#"{"event":"message","session":"default","engine":"WEBJS"}"#,
        );
        assert!(sig.starts_with("208f8a55dde9e055"), "{sig}");
        assert!(sig.ends_with("6153fa89"), "{sig}");
        assert_eq!(sig.len(), 128);
    }
}
