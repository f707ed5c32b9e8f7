//! The WhatsApp server functions and `POST /webhooks/waha` over HTTP: a real Tagih (temp
//! SQLite) talking to waha-sim, both in-process on free loopback ports.

use super::harness::{KEY, Tagih, sim_get, sim_post};
use serde_json::{Value, json};
use server::waha_sim::SimOptions;
use std::time::Duration;

#[tokio::test]
async fn connect_scan_test_message_webhook_and_stop() {
    let sim = server::waha_sim::spawn(SimOptions {
        not_on_whatsapp: vec!["628999000111".into()],
        ..SimOptions::fast(KEY)
    })
    .await
    .unwrap();
    let t = Tagih::start(&[("WAHA_URL", &sim.url()), ("WAHA_API_KEY", KEY)]).await;

    // Signed out: nothing answers.
    let anon = reqwest::Client::new()
        .post(format!("{}/api/wa/status", t.url))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), 401);
    t.sign_in().await;

    let s = t.call_ok("wa/settings", &[]).await;
    assert_eq!(s["url"], format!("{}/", sim.url()));
    assert_eq!(
        (s["key_set"].as_bool(), s["key_from_env"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(s["session"], "default");

    let st = t.call_ok("wa/status", &[]).await;
    assert_eq!(
        (st["status"].as_str(), st["configured"].as_bool()),
        (Some("STOPPED"), Some(true))
    );
    let nav = t.call_ok("wa/nav_status", &[]).await;
    assert_eq!(nav["status"], "STOPPED");

    let test = t.call_ok("wa/test_connection", &[]).await;
    assert_eq!(
        (
            test["version"].as_str(),
            test["engine"].as_str(),
            test["tier"].as_str()
        ),
        (Some("2026.9.1"), Some("WEBJS"), Some("CORE"))
    );

    let started = t.call_ok("wa/session", &[("action", "start")]).await;
    assert!(
        matches!(
            started["status"].as_str(),
            Some("STARTING" | "SCAN_QR_CODE")
        ),
        "{started}"
    );
    let qr = t.poll("wa/qr", |v| v["image"].is_string()).await;
    assert_eq!(qr["status"], "SCAN_QR_CODE");
    assert!(
        qr["image"]
            .as_str()
            .unwrap()
            .starts_with("data:image/svg+xml;base64,")
    );
    assert_eq!(qr["qr_id"].as_str().unwrap().len(), 16);

    let code = t
        .call_ok("wa/pairing_code", &[("phone", "0812-9999-0000")])
        .await;
    assert_eq!(code.as_str().unwrap().len(), 9);
    assert_eq!(
        sim_get(&sim, "/_sim/requests")
            .await
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["path"] == "/api/default/auth/request-code")
            .map(|r| r["body"]["phoneNumber"].clone())
            .collect::<Vec<_>>(),
        [json!("6281299990000")]
    );

    sim_post(
        &sim,
        "/_sim/sessions/default/scan",
        json!({"id": "6281299990000@c.us", "pushName": "RT Net"}),
    )
    .await;
    let st = t.call_ok("wa/status", &[]).await;
    assert_eq!(st["status"], "WORKING");
    assert_eq!(
        st["account"],
        json!({"number": "6281299990000", "name": "RT Net"})
    );
    // The QR is no longer offered.
    assert_eq!(t.call_ok("wa/qr", &[]).await["image"], Value::Null);

    // A test message goes to the chat id WhatsApp confirmed.
    let sent = t
        .call_ok(
            "wa/test_message",
            &[("number", "0812 3456 789"), ("text", "")],
        )
        .await;
    assert_eq!(sent["chat_id"], "628123456789@c.us");
    let msgs = sim_get(&sim, "/_sim/messages").await;
    assert_eq!(msgs[0]["chatId"], "628123456789@c.us");
    assert_eq!(
        msgs[0]["text"],
        "Tes pesan dari Tagih: koneksi WhatsApp berjalan."
    );
    assert_eq!(sent["message_id"], msgs[0]["id"]);
    let (status, err) = t
        .call(
            "wa/test_message",
            &[("number", "0899 9000 111"), ("text", "x")],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        err["Validation"][0],
        json!({"field": "number", "message": "Nomor ini tidak terdaftar di WhatsApp."})
    );
    let (status, err) = t
        .call("wa/test_message", &[("number", "abc"), ("text", "x")])
        .await;
    assert_eq!(status, 422);
    assert_eq!(err["Validation"][0]["field"], "number");
    assert_eq!(
        sim_get(&sim, "/_sim/messages")
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // The webhook: registered with a fresh secret, WAHA's signed events are applied.
    let hook_url = format!("{}/webhooks/waha", t.url);
    let view = t
        .call_ok("wa/register_webhook", &[("webhook_url", &hook_url)])
        .await;
    assert_eq!(
        (view["webhook_set"].as_bool(), view["webhook_url"].as_str()),
        (Some(true), Some(hook_url.as_str()))
    );
    let message_id = msgs[0]["id"].as_str().unwrap().to_owned();
    t.seed_send_item(&message_id).await;
    // The config change restarted the session; its events arrive signed and are accepted.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let hooks = sim_get(&sim, "/_sim/webhooks").await;
        let working = hooks.as_array().unwrap().iter().any(|h| {
            h["event"] == "session.status"
                && h["payload"]["status"] == "WORKING"
                && h["status"] == 200
        });
        if working {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no accepted WORKING event: {hooks}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        sim_get(&sim, "/_sim/webhooks")
            .await
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["status"] == 200 && h["signed"] == true)
    );
    let row = t.wa_row().await;
    assert_eq!(row.0.as_deref(), Some("WORKING"));
    assert_eq!(row.1.as_deref(), Some("6281299990000@c.us"));

    sim_post(
        &sim,
        &format!("/_sim/messages/{message_id}/ack"),
        json!({"ack": 3}),
    )
    .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while t.item_ack(&message_id).await != Some(3) {
        assert!(tokio::time::Instant::now() < deadline, "ack not recorded");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // A forged event changes nothing.
    let forged = reqwest::Client::new()
        .post(&hook_url)
        .header("X-Webhook-Hmac", "00".repeat(64))
        .header("Content-Type", "application/json")
        .body(r#"{"event":"session.status","session":"default","payload":{"name":"default","status":"FAILED"}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    let unsigned = reqwest::Client::new()
        .post(&hook_url)
        .body(r#"{"event":"session.status","session":"default","payload":{"name":"default","status":"FAILED"}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);
    assert_eq!(t.wa_row().await.0.as_deref(), Some("WORKING"));

    let stopped = t.call_ok("wa/session", &[("action", "stop")]).await;
    assert_eq!(stopped["status"], "STOPPED");
    let (status, _) = t.call("wa/session", &[("action", "explode")]).await;
    assert_eq!(status, 400);
    t.stop().await;
}

/// With `TAGIH_PUBLIC_URL`, connecting is all it takes: Start puts Tagih's signed webhook on
/// the session, WAHA's events are accepted, and a queued message's ticks arrive by webhook
/// (long before the poller's first look, a minute away with these settings).
#[tokio::test]
async fn starting_with_a_public_url_registers_the_webhook_and_ticks_arrive_by_it() {
    let sim = server::waha_sim::spawn(SimOptions::fast(KEY))
        .await
        .unwrap();
    let t = Tagih::start(&[
        ("WAHA_URL", &sim.url()),
        ("WAHA_API_KEY", KEY),
        ("TAGIH_PUBLIC_URL", "self"),
        // The poller asks every 2 x lease: 10 minutes here, so a tick within seconds came by
        // webhook.
        ("TAGIH_SEND_LEASE_MS", "300000"),
    ])
    .await;
    t.sign_in().await;
    let hook_url = format!("{}/webhooks/waha", t.url);
    let before = t.call_ok("wa/settings", &[]).await;
    assert_eq!(before["webhook_set"], false);

    t.call_ok("wa/session", &[("action", "start")]).await;
    let state = sim_get(&sim, "/_sim/state").await;
    let hooks = state["sessions"][0]["config"]["webhooks"].clone();
    assert_eq!(hooks.as_array().map(Vec::len), Some(1), "{state}");
    assert_eq!(hooks[0]["url"], hook_url.as_str());
    let events: Vec<&str> = hooks[0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(events.contains(&"message.ack") && events.contains(&"session.status"));
    assert!(
        hooks[0]["hmac"]["key"]
            .as_str()
            .is_some_and(|k| k.len() >= 32),
        "a secret was generated"
    );
    let after = t.call_ok("wa/settings", &[]).await;
    assert_eq!(
        (
            after["webhook_set"].as_bool(),
            after["webhook_url"].as_str()
        ),
        (Some(true), Some(hook_url.as_str()))
    );

    // The phone scans: the signed WORKING event is accepted.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while sim_get(&sim, "/_sim/state").await["sessions"][0]["status"] != "SCAN_QR_CODE" {
        assert!(tokio::time::Instant::now() < deadline, "no QR");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    sim_post(&sim, "/_sim/sessions/default/scan", json!({})).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while t.wa_row().await.0.as_deref() != Some("WORKING") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the WORKING event was not applied: {}",
            sim_get(&sim, "/_sim/webhooks").await
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Starting again does not register twice (nor restart the session for it).
    t.call_ok("wa/session", &[("action", "start")]).await;
    let hooks = sim_get(&sim, "/_sim/state").await["sessions"][0]["config"]["webhooks"].clone();
    assert_eq!(hooks.as_array().map(Vec::len), Some(1));

    // A queued message (at any hour): sent, then its ticks come by webhook up to "read".
    app::server::engine::policy::save(&t.state.db, &app::domain::sending::SendPolicy::unlimited())
        .await
        .unwrap();
    app::server::engine::outbox::enqueue(
        &t.state.db,
        super::harness::text_job(&["628120000001"], 0),
    )
    .await
    .unwrap();
    t.state.engine.wake();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let msgs = sim_get(&sim, "/_sim/messages").await;
        if let Some(id) = msgs[0]["id"].as_str()
            && t.item_ack(id).await == Some(3)
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no ticks by webhook: {}",
            sim_get(&sim, "/_sim/webhooks").await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    t.stop().await;
}

#[tokio::test]
async fn a_wrong_key_and_bad_settings_are_explained_in_indonesian() {
    let sim = server::waha_sim::spawn(SimOptions::fast(KEY))
        .await
        .unwrap();
    let t = Tagih::start(&[]).await;
    t.sign_in().await;

    // Nothing configured yet.
    let st = t.call_ok("wa/status", &[]).await;
    assert_eq!(
        (st["configured"].as_bool(), st["status"].is_null()),
        (Some(false), true)
    );
    let (status, err) = t.call("wa/test_connection", &[]).await;
    assert_eq!(status, 409);
    assert!(
        err["Conflict"].as_str().unwrap().contains("belum diatur"),
        "{err}"
    );

    let (status, err) = t
        .call(
            "wa/save_settings",
            &[
                ("url", "http://169.254.169.254/latest"),
                ("session", "a b"),
                ("api_key", ""),
            ],
        )
        .await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = err["Validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["url", "session"]);
    assert_eq!(t.call_ok("wa/settings", &[]).await["url"], "");

    let view = t
        .call_ok(
            "wa/save_settings",
            &[
                ("url", &sim.url()),
                ("session", "default"),
                ("api_key", "kunci-yang-salah"),
            ],
        )
        .await;
    assert_eq!(
        (view["key_set"].as_bool(), view["key_from_env"].as_bool()),
        (Some(true), Some(false))
    );
    let (status, err) = t.call("wa/test_connection", &[]).await;
    assert_eq!(status, 409);
    assert_eq!(
        err["Conflict"],
        "API key WAHA ditolak (401). Periksa API key di pengaturan koneksi; harus sama dengan WAHA_API_KEY di server WAHA."
    );
    let st = t.call_ok("wa/status", &[]).await;
    assert_eq!(
        (st["configured"].as_bool(), st["status"].is_null()),
        (Some(true), true)
    );
    assert!(
        st["error"]
            .as_str()
            .unwrap()
            .contains("API key WAHA ditolak")
    );

    // The right key (the URL kept, the empty key field leaves the key alone until replaced).
    t.call_ok(
        "wa/save_settings",
        &[
            ("url", &sim.url()),
            ("session", "default"),
            ("api_key", KEY),
        ],
    )
    .await;
    t.call_ok(
        "wa/save_settings",
        &[("url", &sim.url()), ("session", "default"), ("api_key", "")],
    )
    .await;
    assert_eq!(t.call_ok("wa/test_connection", &[]).await["tier"], "CORE");
    let cleared = t
        .call_ok(
            "wa/save_settings",
            &[
                ("url", &sim.url()),
                ("session", "default"),
                ("api_key", ""),
                ("clear_key", "on"),
            ],
        )
        .await;
    assert_eq!(cleared["key_set"], false);
    let (status, _) = t.call("wa/test_connection", &[]).await;
    assert_eq!(status, 409);

    // An address that answers with a redirect is refused, not followed.
    let redirector = axum::Router::new()
        .fallback(|| async { axum::response::Redirect::permanent("http://127.0.0.1:9/") });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, redirector).await });
    t.call_ok(
        "wa/save_settings",
        &[
            ("url", &format!("http://{addr}")),
            ("session", "default"),
            ("api_key", KEY),
        ],
    )
    .await;
    let (status, err) = t.call("wa/test_connection", &[]).await;
    assert_eq!(status, 409);
    assert!(
        err["Conflict"]
            .as_str()
            .unwrap()
            .contains("pengalihan (HTTP 308)"),
        "{err}"
    );
    t.stop().await;
}
