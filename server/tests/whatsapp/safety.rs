//! The WAHA API key never leaves the server: after a full settings round trip (save, test,
//! start, QR, scan, test message, webhook, stop, a refused save) it is in no HTML page, no
//! server-function response, no log line and no file of the browser bundle. The simulator
//! confirms the key was really used.

use super::harness::{Tagih, sim_get, sim_post};
use serde_json::json;
use server::waha_sim::{self, SimOptions};
use std::{
    io::Write,
    sync::{Arc, Mutex, OnceLock},
};
use tracing_subscriber::{EnvFilter, fmt::MakeWriter};

const SECRET: &str = "kunci-RAHASIA-jangan-bocor-7f3c9e1b";

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Every log line of this test process, at every level of every crate.
fn logs() -> &'static Logs {
    static LOGS: OnceLock<Logs> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Logs::default();
        tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new("trace"))
            .with_writer(logs.clone())
            .with_ansi(false)
            .init();
        logs
    })
}

/// The browser bundle, wherever the build put it.
fn bundle_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let candidates = [
        std::env::var("LEPTOS_SITE_ROOT").ok().map(Into::into),
        std::env::var("CARGO_TARGET_DIR")
            .ok()
            .map(|t| std::path::PathBuf::from(t).join("site")),
        Some(root.join("target/site")),
    ];
    let mut files = Vec::new();
    for dir in candidates.into_iter().flatten() {
        let Ok(entries) = std::fs::read_dir(dir.join("pkg")) else {
            continue;
        };
        files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
    }
    files
}

#[tokio::test]
async fn the_api_key_appears_in_no_page_response_log_or_bundle() {
    let logs = logs();
    let sim = waha_sim::spawn(SimOptions::fast(SECRET)).await.unwrap();
    let t = Tagih::start(&[]).await;
    t.sign_in().await;
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut record = |what: &str, body: String| seen.push((what.to_owned(), body));

    // A refused save (bad address) must not echo the key either.
    let (status, body) = t
        .call(
            "wa/save_settings",
            &[
                ("url", "http://169.254.169.254/"),
                ("session", "default"),
                ("api_key", SECRET),
            ],
        )
        .await;
    assert_eq!(status, 422);
    record("refused save", body.to_string());

    let calls: &[(&str, &[(&str, &str)])] = &[
        (
            "wa/save_settings",
            &[
                ("url", &sim.url()),
                ("session", "default"),
                ("api_key", SECRET),
            ],
        ),
        ("wa/settings", &[]),
        ("wa/test_connection", &[]),
        ("wa/status", &[]),
        ("wa/session", &[("action", "start")]),
    ];
    for (name, form) in calls {
        let (status, body) = t.call(name, form).await;
        assert_eq!(status, 200, "{name}: {body}");
        record(name, body.to_string());
    }
    let qr = t.poll("wa/qr", |v| v["image"].is_string()).await;
    record("wa/qr", qr.to_string());
    let (_, code) = t
        .call("wa/pairing_code", &[("phone", "081299990000")])
        .await;
    record("wa/pairing_code", code.to_string());
    sim_post(&sim, "/_sim/sessions/default/scan", json!({})).await;
    let hook = format!("{}/webhooks/waha", t.url);
    let more: &[(&str, &[(&str, &str)])] = &[
        ("wa/status", &[]),
        ("wa/nav_status", &[]),
        (
            "wa/test_message",
            &[("number", "081234567890"), ("text", "")],
        ),
        ("wa/register_webhook", &[("webhook_url", &hook)]),
        ("wa/session", &[("action", "stop")]),
        ("wa/settings", &[]),
    ];
    for (name, form) in more {
        let (status, body) = t.call(name, form).await;
        assert_eq!(status, 200, "{name}: {body}");
        record(name, body.to_string());
    }
    for path in ["/whatsapp", "/", "/pengiriman"] {
        let (status, html) = t.page(path).await;
        assert_eq!(status, 200, "{path}");
        record(path, html);
    }
    // The page really rendered the settings (the key state, not the key).
    let (_, html) = t.page("/whatsapp").await;
    assert!(html.contains("API key: sudah diatur"), "{html}");

    // The key did its job: WAHA received it on every call (and never stored it).
    let reqs = sim_get(&sim, "/_sim/requests").await;
    let reqs = reqs.as_array().unwrap();
    assert!(reqs.len() > 10);
    assert!(
        reqs.iter()
            .filter(|r| r["path"] != "/ping")
            .all(|r| r["api_key"] == "ok")
    );

    for (what, body) in &seen {
        assert!(!body.contains(SECRET), "the API key leaked into {what}");
    }
    let log = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(
        log.contains("WAHA settings saved"),
        "logs were not captured"
    );
    assert!(!log.contains(SECRET), "the API key leaked into the log");

    let files = bundle_files();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        assert!(
            !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
            "the API key is in {}",
            f.display()
        );
    }
    if files.is_empty() {
        eprintln!("note: no built browser bundle found (make site); its check is in end2end too");
    }
    t.stop().await;
}
