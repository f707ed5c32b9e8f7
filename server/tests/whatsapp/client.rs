//! The WAHA client against waha-sim (in-process, free loopback port): every endpoint, every
//! engine's response shape, every injected fault, and the safety rules (no redirects, no
//! link-local, the key only in its header).

use app::server::{
    Secret,
    net::OutboundError,
    waha::{
        ErrorClass, Timeouts, WahaClient, WahaError, WebhookTarget, client::client_with_fake_dns,
    },
};
use axum::{
    Router,
    body::Bytes,
    http::{HeaderMap, StatusCode},
    response::Redirect,
    routing::{any, post},
};
use hmac::{Hmac, KeyInit, Mac};
use reqwest::Url;
use serde_json::{Value, json};
use server::waha_sim::{self, DropTo, Engine, Faults, SimHandle, SimOptions};
use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

const KEY: &str = "kunci-rahasia-uji-123";

async fn sim(opts: SimOptions) -> SimHandle {
    waha_sim::spawn(opts).await.expect("start waha-sim")
}

fn client(sim: &SimHandle) -> WahaClient {
    client_with(sim, Some(KEY), Timeouts::default())
}

fn client_with(sim: &SimHandle, key: Option<&str>, timeouts: Timeouts) -> WahaClient {
    WahaClient::with_http(
        app::server::waha::http_client(timeouts),
        Url::parse(&sim.url()).unwrap(),
        key.map(Secret::new),
    )
    .unwrap()
}

async fn control(sim: &SimHandle, method: reqwest::Method, path: &str, body: Value) -> Value {
    let resp = reqwest::Client::new()
        .request(method, format!("{}{path}", sim.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap_or(Value::Null)
}

async fn get_json(sim: &SimHandle, path: &str) -> Value {
    reqwest::get(format!("{}{path}", sim.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn scan(sim: &SimHandle) {
    control(
        sim,
        reqwest::Method::POST,
        "/_sim/sessions/default/scan",
        json!({"id": "6281299990000@c.us", "pushName": "Toko Net"}),
    )
    .await;
}

async fn set_faults(sim: &SimHandle, faults: Faults) {
    control(
        sim,
        reqwest::Method::PUT,
        "/_sim/faults",
        serde_json::to_value(faults).unwrap(),
    )
    .await;
}

/// Polls the session until it reaches `status` (or fails the test after 5 s).
async fn wait_for(c: &WahaClient, session: &str, status: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let s = c.get_session(session).await.unwrap();
        if s.status == status {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "session stayed {} instead of {status}",
            s.status
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A logged-in, WORKING `default` session.
async fn working(opts: SimOptions) -> (SimHandle, WahaClient) {
    let sim = sim(opts).await;
    let c = client(&sim);
    c.start("default").await.unwrap();
    wait_for(&c, "default", "SCAN_QR_CODE").await;
    scan(&sim).await;
    wait_for(&c, "default", "WORKING").await;
    (sim, c)
}

async fn request_paths(sim: &SimHandle) -> Vec<String> {
    get_json(sim, "/_sim/requests")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["method"].as_str().unwrap(),
                r["path"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test]
async fn version_needs_the_right_key_and_ping_does_not() {
    let sim = sim(SimOptions::fast(KEY)).await;
    let v = client(&sim).version().await.unwrap();
    assert_eq!(
        (v.version.as_str(), v.engine.as_str(), v.tier.as_str()),
        ("2026.9.1", "WEBJS", "CORE")
    );

    let wrong = client_with(&sim, Some("salah"), Timeouts::default());
    let e = wrong.version().await.unwrap_err();
    assert_eq!(e, WahaError::Unauthorized);
    assert_eq!(e.class(), ErrorClass::Channel);
    assert!(e.user_message().contains("API key WAHA ditolak"));
    let none = client_with(&sim, None, Timeouts::default());
    assert_eq!(
        none.get_session("default").await.unwrap_err(),
        WahaError::Unauthorized
    );

    let ping = reqwest::get(format!("{}/ping", sim.url())).await.unwrap();
    assert_eq!(ping.status(), StatusCode::OK);
    assert_eq!(
        ping.json::<Value>().await.unwrap(),
        json!({"message": "pong"})
    );

    // The sim saw the key in the header, right once and wrong once; it never stores its value.
    let reqs = get_json(&sim, "/_sim/requests").await;
    let states: Vec<&str> = reqs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["api_key"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["ok", "wrong", "missing", "missing"]);
    assert!(!reqs.to_string().contains(KEY));
}

#[tokio::test]
async fn session_lifecycle_start_qr_scan_stop_restart_logout() {
    let sim = sim(SimOptions::fast(KEY)).await;
    let c = client(&sim);
    let s = c.get_session("default").await.unwrap();
    assert_eq!((s.status.as_str(), s.me.is_none()), ("STOPPED", true));
    assert_eq!(s.engine.as_deref(), Some("WEBJS"));

    // Stopped: session-bound calls say "not found"; the engine pauses on it.
    let e = c.qr_raw("default").await.unwrap_err();
    assert!(matches!(e, WahaError::SessionNotFound { .. }), "{e:?}");

    c.start("default").await.unwrap();
    assert_eq!(c.get_session("default").await.unwrap().status, "STARTING");
    // Starting twice is fine (Core answers 422 "already started").
    c.start("default").await.unwrap();
    wait_for(&c, "default", "SCAN_QR_CODE").await;

    let raw = c.qr_raw("default").await.unwrap();
    assert!(raw.starts_with("2@"), "{raw}");
    let state = get_json(&sim, "/_sim/state").await;
    assert_eq!(state["sessions"][0]["qr"], json!(raw));
    let img = c.qr_image("default").await.unwrap();
    assert_eq!(img.mimetype, "image/png");
    assert_eq!(&img.data[..8], b"\x89PNG\r\n\x1a\n");

    let code = c
        .request_pairing_code("default", "6281299990000")
        .await
        .unwrap();
    assert!(
        code.len() == 9 && code.as_bytes()[4] == b'-',
        "pairing code {code}"
    );
    assert_eq!(
        get_json(&sim, "/_sim/state").await["sessions"][0]["pairingCode"],
        json!(code)
    );

    scan(&sim).await;
    let s = c.get_session("default").await.unwrap();
    assert_eq!(s.status, "WORKING");
    let me = s.me.unwrap();
    assert_eq!(me.number(), "6281299990000");
    assert_eq!(me.push_name.as_deref(), Some("Toko Net"));

    // The QR is gone once linked: the 422 gate names the real status.
    let e = c.qr_raw("default").await.unwrap_err();
    assert_eq!(
        e,
        WahaError::StatusGate {
            session: "default".into(),
            status: "WORKING".into(),
            expected: vec!["SCAN_QR_CODE".into()]
        }
    );

    c.stop("default").await.unwrap();
    assert_eq!(c.get_session("default").await.unwrap().status, "STOPPED");
    // The login survives a stop: the next start goes straight to WORKING.
    c.start("default").await.unwrap();
    wait_for(&c, "default", "WORKING").await;
    c.restart("default").await.unwrap();
    wait_for(&c, "default", "WORKING").await;

    // Logout unlinks: a fresh QR is needed.
    c.logout("default").await.unwrap();
    wait_for(&c, "default", "SCAN_QR_CODE").await;
    assert!(c.get_session("default").await.unwrap().me.is_none());

    let paths = request_paths(&sim).await;
    for p in [
        "POST /api/sessions/default/start",
        "POST /api/sessions/default/stop",
        "POST /api/sessions/default/restart",
        "POST /api/sessions/default/logout",
    ] {
        assert!(paths.iter().any(|x| x == p), "{p} not used: {paths:?}");
    }
    assert!(!paths.iter().any(|p| p == "POST /api/sessions/start"));
}

#[tokio::test]
async fn qr_rotates_then_the_session_fails_and_restart_recovers() {
    let sim = sim(SimOptions {
        qr_first_ms: 200,
        qr_next_ms: 150,
        qr_max: 3,
        ..SimOptions::fast(KEY)
    })
    .await;
    let c = client(&sim);
    c.start("default").await.unwrap();
    wait_for(&c, "default", "SCAN_QR_CODE").await;
    let first = c.qr_raw("default").await.unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;
    let second = c.qr_raw("default").await.unwrap();
    assert_ne!(first, second, "the QR must rotate");
    wait_for(&c, "default", "FAILED").await;

    let e = c.qr_raw("default").await.unwrap_err();
    assert!(
        matches!(&e, WahaError::StatusGate { status, .. } if status == "FAILED"),
        "{e:?}"
    );
    assert!(e.user_message().contains("Gagal"));
    // FAILED is "started" for WAHA: start does nothing, restart brings a new QR.
    c.start("default").await.unwrap();
    assert_eq!(c.get_session("default").await.unwrap().status, "FAILED");
    c.restart("default").await.unwrap();
    wait_for(&c, "default", "SCAN_QR_CODE").await;
}

#[tokio::test]
async fn check_exists_and_send_text_follow_the_status_gate() {
    let sim = sim(SimOptions {
        not_on_whatsapp: vec!["628999".into()],
        ..SimOptions::fast(KEY)
    })
    .await;
    let c = client(&sim);
    c.start("default").await.unwrap();
    wait_for(&c, "default", "SCAN_QR_CODE").await;

    let e = c
        .send_text("default", "6281111@c.us", "halo")
        .await
        .unwrap_err();
    assert_eq!(
        e,
        WahaError::StatusGate {
            session: "default".into(),
            status: "SCAN_QR_CODE".into(),
            expected: vec!["WORKING".into()]
        }
    );
    // Waiting for a scan will not fix itself: the channel pauses.
    assert_eq!(e.class(), ErrorClass::Channel);
    assert!(
        get_json(&sim, "/_sim/messages")
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );

    scan(&sim).await;
    let yes = c.check_exists("default", "6281111").await.unwrap();
    assert!(yes.exists);
    assert_eq!(yes.chat_id.as_deref(), Some("6281111@c.us"));
    let no = c.check_exists("default", "628999").await.unwrap();
    assert!(!no.exists && no.chat_id.is_none());
}

async fn send_and_reconcile(engine: Engine) {
    let (sim, c) = working(SimOptions {
        engine,
        ..SimOptions::fast(KEY)
    })
    .await;
    let sent = c
        .send_text("default", "6281111@c.us", "Tagihan Anda Rp 150.000")
        .await
        .unwrap();
    let msgs = get_json(&sim, "/_sim/messages").await;
    let recorded = &msgs[0];
    assert_eq!(recorded["text"], "Tagihan Anda Rp 150.000");
    assert_eq!(recorded["chatId"], "6281111@c.us");
    // One id, whatever the engine's response shape, equal to the one acks and lists use.
    assert_eq!(sent.id.as_deref(), recorded["id"].as_str(), "{engine:?}");
    assert!(sent.id.unwrap().starts_with("true_6281111@c.us_"));

    let listed = c
        .chat_messages("default", "6281111@c.us", 10)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, recorded["id"].as_str().unwrap());
    assert!(listed[0].from_me);
    assert_eq!(listed[0].body.as_deref(), Some("Tagihan Anda Rp 150.000"));
    assert_eq!(listed[0].timestamp, recorded["timestamp"].as_i64().unwrap());

    // Acks progress SERVER → DEVICE → READ.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    loop {
        let m = c
            .chat_messages("default", "6281111@c.us", 10)
            .await
            .unwrap();
        if m[0].ack == Some(3) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "no READ ack");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn send_text_id_is_normalised_for_webjs() {
    send_and_reconcile(Engine::Webjs).await;
}

#[tokio::test]
async fn send_text_id_is_normalised_for_noweb() {
    send_and_reconcile(Engine::Noweb).await;
}

#[tokio::test]
async fn send_text_id_is_normalised_for_gows() {
    send_and_reconcile(Engine::Gows).await;
}

#[tokio::test]
async fn an_empty_send_answer_is_not_a_failure_and_reconciles_through_the_chat() {
    let (sim, c) = working(SimOptions::fast(KEY)).await;
    set_faults(
        &sim,
        Faults {
            empty_send_body: true,
            ..Faults::default()
        },
    )
    .await;
    let sent = c
        .send_text("default", "6281111@c.us", "halo")
        .await
        .unwrap();
    assert_eq!(sent.id, None);
    let listed = c.chat_messages("default", "6281111@c.us", 5).await.unwrap();
    assert_eq!(listed[0].body.as_deref(), Some("halo"));
}

#[tokio::test]
async fn not_on_whatsapp_fails_the_recipient_only() {
    for engine in [Engine::Webjs, Engine::Gows] {
        let (_sim, c) = working(SimOptions {
            engine,
            not_on_whatsapp: vec!["628999".into()],
            ..SimOptions::fast(KEY)
        })
        .await;
        let e = c
            .send_text("default", "628999@c.us", "halo")
            .await
            .unwrap_err();
        assert!(
            matches!(e, WahaError::NotOnWhatsApp(_)),
            "{engine:?}: {e:?}"
        );
        assert_eq!(e.class(), ErrorClass::Recipient);
        assert_eq!(
            e.user_message(),
            "Nomor tujuan tidak terdaftar di WhatsApp."
        );
        // Other numbers still go.
        c.send_text("default", "6281111@c.us", "halo")
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn reachout_lock_after_n_sends_pauses_the_channel() {
    let (sim, c) = working(SimOptions::fast(KEY)).await;
    set_faults(
        &sim,
        Faults {
            reachout_after: Some(2),
            ..Faults::default()
        },
    )
    .await;
    c.send_text("default", "628111@c.us", "1").await.unwrap();
    c.send_text("default", "628112@c.us", "2").await.unwrap();
    let e = c
        .send_text("default", "628113@c.us", "3")
        .await
        .unwrap_err();
    assert!(matches!(e, WahaError::ReachoutLocked(_)), "{e:?}");
    assert_eq!(e.class(), ErrorClass::Channel);
    assert!(e.user_message().contains("463"));
    assert_eq!(
        get_json(&sim, "/_sim/messages")
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn rate_overlimit_on_check_exists_and_send() {
    let (sim, c) = working(SimOptions::fast(KEY)).await;
    set_faults(
        &sim,
        Faults {
            rate_overlimit: true,
            ..Faults::default()
        },
    )
    .await;
    let e = c.check_exists("default", "628111").await.unwrap_err();
    assert!(matches!(e, WahaError::RateOverlimit(_)), "{e:?}");
    assert_eq!(e.class(), ErrorClass::Channel);
    let e = c
        .send_text("default", "628111@c.us", "x")
        .await
        .unwrap_err();
    assert!(matches!(e, WahaError::RateOverlimit(_)), "{e:?}");
}

#[tokio::test]
async fn server_errors_are_transient_and_the_error_rate_is_reproducible() {
    let (first, c) = working(SimOptions::fast(KEY)).await;
    set_faults(
        &first,
        Faults {
            error_rate: 1.0,
            seed: 7,
            ..Faults::default()
        },
    )
    .await;
    let e = c
        .send_text("default", "628111@c.us", "x")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, WahaError::Server { status: 500, message } if message == "Simulated internal error"),
        "{e:?}"
    );
    assert_eq!(e.class(), ErrorClass::Transient);

    // Half the requests fail, in the same pattern for the same seed.
    async fn pattern(seed: u64) -> Vec<bool> {
        let sim = sim(SimOptions {
            faults: Faults {
                error_rate: 0.5,
                seed,
                ..Faults::default()
            },
            ..SimOptions::fast(KEY)
        })
        .await;
        let c = client(&sim);
        let mut out = Vec::new();
        for _ in 0..16 {
            out.push(c.version().await.is_ok());
        }
        out
    }
    let a = pattern(42).await;
    assert_eq!(a, pattern(42).await);
    assert!(a.contains(&true) && a.contains(&false), "{a:?}");
}

#[tokio::test]
async fn latency_beyond_the_timeout_is_a_timeout() {
    let sim = sim(SimOptions {
        faults: Faults {
            latency_ms: 1500,
            ..Faults::default()
        },
        ..SimOptions::fast(KEY)
    })
    .await;
    let c = client_with(
        &sim,
        Some(KEY),
        Timeouts {
            connect: Duration::from_secs(1),
            total: Duration::from_millis(300),
        },
    );
    let started = std::time::Instant::now();
    let e = c.version().await.unwrap_err();
    assert_eq!(e, WahaError::Timeout);
    assert_eq!(e.class(), ErrorClass::Transient);
    assert!(started.elapsed() < Duration::from_millis(1200));
    // Within the limit, the same server answers.
    set_faults(
        &sim,
        Faults {
            latency_ms: 50,
            ..Faults::default()
        },
    )
    .await;
    c.version().await.unwrap();
}

#[tokio::test]
async fn a_drop_to_starting_pauses_the_channel_and_recovers_by_itself() {
    let (_sim, c) = working(SimOptions {
        start_delay_ms: 400,
        status_wait_ms: 100,
        faults: Faults {
            drop_after: Some(1),
            drop_to: DropTo::Starting,
            ..Faults::default()
        },
        ..SimOptions::fast(KEY)
    })
    .await;
    c.send_text("default", "628111@c.us", "1").await.unwrap();
    let e = c
        .send_text("default", "628111@c.us", "2")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, WahaError::StatusGate { status, .. } if status == "STARTING"),
        "{e:?}"
    );
    // Channel-wide: the engine pauses the job rather than spend each recipient's attempts.
    assert_eq!(e.class(), ErrorClass::Channel);
    wait_for(&c, "default", "WORKING").await;
    c.send_text("default", "628111@c.us", "2").await.unwrap();
}

#[tokio::test]
async fn a_drop_to_failed_pauses_until_restart() {
    let (sim, c) = working(SimOptions {
        faults: Faults {
            drop_after: Some(1),
            drop_to: DropTo::Failed,
            ..Faults::default()
        },
        ..SimOptions::fast(KEY)
    })
    .await;
    c.send_text("default", "628111@c.us", "1").await.unwrap();
    let e = c
        .send_text("default", "628111@c.us", "2")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, WahaError::StatusGate { status, .. } if status == "FAILED"),
        "{e:?}"
    );
    assert_eq!(e.class(), ErrorClass::Channel);
    c.restart("default").await.unwrap();
    wait_for(&c, "default", "WORKING").await;
    c.send_text("default", "628111@c.us", "2").await.unwrap();
    drop(sim);
}

#[tokio::test]
async fn never_ack_leaves_messages_pending() {
    let (sim, c) = working(SimOptions::fast(KEY)).await;
    set_faults(
        &sim,
        Faults {
            never_ack: true,
            ..Faults::default()
        },
    )
    .await;
    c.send_text("default", "628111@c.us", "x").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let m = c.chat_messages("default", "628111@c.us", 5).await.unwrap();
    assert_eq!(m[0].ack, Some(0));
}

#[tokio::test]
async fn an_old_waha_gets_the_deprecated_session_api() {
    let sim = sim(SimOptions {
        legacy_api: true,
        ..SimOptions::fast(KEY)
    })
    .await;
    let c = client(&sim);
    assert_eq!(c.version().await.unwrap().version, "2024.8.2");
    c.start("default").await.unwrap();
    wait_for(&c, "default", "SCAN_QR_CODE").await;
    scan(&sim).await;
    c.stop("default").await.unwrap();
    assert_eq!(c.get_session("default").await.unwrap().status, "STOPPED");
    c.restart("default").await.unwrap();
    wait_for(&c, "default", "WORKING").await;
    c.logout("default").await.unwrap();
    // The old logout deletes the session; start creates it again, logged out.
    c.start("default").await.unwrap();
    wait_for(&c, "default", "SCAN_QR_CODE").await;

    let paths = request_paths(&sim).await;
    for p in [
        "GET /api/server/version",
        "GET /api/version",
        "POST /api/sessions/default/start",
        "POST /api/sessions/start",
        "POST /api/sessions/stop",
        "POST /api/sessions/logout",
    ] {
        assert!(paths.iter().any(|x| x == p), "{p} not used: {paths:?}");
    }
}

#[tokio::test]
async fn plus_creates_a_missing_session_and_core_allows_only_default() {
    let plus = sim(SimOptions {
        plus: true,
        ..SimOptions::fast(KEY)
    })
    .await;
    let c = client(&plus);
    assert!(matches!(
        c.get_session("toko").await.unwrap_err(),
        WahaError::SessionNotFound { .. }
    ));
    c.start("toko").await.unwrap();
    wait_for(&c, "toko", "SCAN_QR_CODE").await;
    assert_eq!(c.version().await.unwrap().tier, "PLUS");

    let core = sim(SimOptions::fast(KEY)).await;
    let e = client(&core).start("toko").await.unwrap_err();
    assert!(
        matches!(e, WahaError::Rejected { status: 422, .. }),
        "{e:?}"
    );
    assert!(
        e.user_message().contains("\"default\""),
        "{}",
        e.user_message()
    );
}

#[tokio::test]
async fn a_redirect_is_refused_and_the_key_does_not_travel_on() {
    let sim = sim(SimOptions::fast(KEY)).await;
    let target = format!("{}/api/server/version", sim.url());
    let app = Router::new().route(
        "/{*rest}",
        any(move || {
            let t = target.clone();
            async move { Redirect::temporary(&t) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let c = WahaClient::new(
        Url::parse(&format!("http://{addr}/")).unwrap(),
        Some(Secret::new(KEY)),
    )
    .unwrap();
    let e = c.version().await.unwrap_err();
    assert_eq!(e, WahaError::Redirect { status: 307 });
    assert!(e.user_message().contains("pengalihan"));
    assert!(
        request_paths(&sim).await.is_empty(),
        "the redirect was followed"
    );
}

#[tokio::test]
async fn names_resolving_to_link_local_are_refused_others_work() {
    let sim = sim(SimOptions::fast(KEY)).await;
    let port = sim.addr.port();
    let ok = client_with_fake_dns(
        Url::parse(&format!("http://waha.lan:{port}/")).unwrap(),
        Some(Secret::new(KEY)),
        Timeouts::default(),
        vec![sim.addr],
    )
    .unwrap();
    ok.version().await.unwrap();

    let bad = client_with_fake_dns(
        Url::parse(&format!("http://metadata.lan:{port}/")).unwrap(),
        Some(Secret::new(KEY)),
        Timeouts::default(),
        vec!["169.254.169.254:0".parse().unwrap()],
    )
    .unwrap();
    let e = bad.version().await.unwrap_err();
    assert_eq!(e, WahaError::AddressRefused(OutboundError::LinkLocal));
    assert!(WahaClient::new(Url::parse("http://[fe80::1]:3000/").unwrap(), None).is_err());
}

#[tokio::test]
async fn an_unreachable_server_is_transient() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = WahaClient::new(Url::parse(&format!("http://{addr}")).unwrap(), None).unwrap();
    let e = c.version().await.unwrap_err();
    assert!(matches!(e, WahaError::Unreachable(_)), "{e:?}");
    assert_eq!(e.class(), ErrorClass::Transient);
}

#[tokio::test]
async fn a_base_path_prefix_is_kept() {
    // WAHA behind a reverse proxy at /waha/: the client must not drop the prefix.
    let sim = sim(SimOptions::fast(KEY)).await;
    let c = WahaClient::new(
        Url::parse(&format!("{}/waha/", sim.url())).unwrap(),
        Some(Secret::new(KEY)),
    )
    .unwrap();
    let e = c.version().await.unwrap_err();
    assert!(matches!(e, WahaError::EndpointMissing { .. }), "{e:?}");
    assert_eq!(
        request_paths(&sim).await,
        ["GET /waha/api/server/version", "GET /waha/api/version"]
    );
}

type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

async fn receiver() -> (String, Received) {
    let got: Received = Arc::default();
    let g = got.clone();
    let app = Router::new().route(
        "/webhooks/waha",
        post(move |headers: HeaderMap, body: Bytes| {
            let g = g.clone();
            async move {
                g.lock().unwrap().push((headers, body));
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/webhooks/waha"), got)
}

#[tokio::test]
async fn registered_webhooks_are_signed_and_carry_status_and_acks_in_order() {
    let (sim, c) = working(SimOptions::fast(KEY)).await;
    let (url, got) = receiver().await;
    let secret = "rahasia-webhook-0123456789";
    c.register_webhook(
        "default",
        &WebhookTarget {
            url: url.clone(),
            events: vec!["session.status".into(), "message.ack".into()],
            hmac_key: Secret::new(secret),
        },
    )
    .await
    .unwrap();
    // WEBJS needs tag events for acks: the client turned them on, keeping the rest.
    let s = c.get_session("default").await.unwrap();
    let config = s.config.unwrap();
    assert_eq!(config["webjs"]["tagsEventsOn"], json!(true));
    assert_eq!(config["webhooks"][0]["url"], json!(url));
    // Registering again replaces, not duplicates.
    c.register_webhook(
        "default",
        &WebhookTarget {
            url: url.clone(),
            events: vec!["session.status".into(), "message.ack".into()],
            hmac_key: Secret::new(secret),
        },
    )
    .await
    .unwrap();
    wait_for(&c, "default", "WORKING").await;
    let config = c.get_session("default").await.unwrap().config.unwrap();
    assert_eq!(config["webhooks"].as_array().unwrap().len(), 1);

    let sent = c.send_text("default", "628111@c.us", "x").await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    let acks = loop {
        let acks: Vec<i64> = got
            .lock()
            .unwrap()
            .iter()
            .filter_map(|(_, b)| {
                let v: Value = serde_json::from_slice(b).ok()?;
                (v["event"] == "message.ack" && v["payload"]["id"] == json!(sent.id))
                    .then(|| v["payload"]["ack"].as_i64().unwrap())
            })
            .collect();
        if acks.len() >= 3 || tokio::time::Instant::now() > deadline {
            break acks;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!(acks, [1, 2, 3]);

    let got = got.lock().unwrap().clone();
    let statuses: Vec<String> = got
        .iter()
        .filter_map(|(_, b)| {
            let v: Value = serde_json::from_slice(b).ok()?;
            (v["event"] == "session.status")
                .then(|| v["payload"]["status"].as_str().unwrap().to_owned())
        })
        .collect();
    // The config change restarted the session: STOPPED → STARTING → WORKING (logged in).
    assert!(
        statuses.ends_with(&["STOPPED".into(), "STARTING".into(), "WORKING".into()]),
        "{statuses:?}"
    );
    for (headers, body) in got.iter() {
        let mut mac = Hmac::<sha2::Sha512>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body);
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(headers["x-webhook-hmac"], expected.as_str());
        assert_eq!(headers["x-webhook-hmac-algorithm"], "sha512");
        assert!(headers.contains_key("x-webhook-request-id"));
        assert!(headers.contains_key("x-webhook-timestamp"));
        assert!(headers["user-agent"].to_str().unwrap().starts_with("WAHA/"));
        let v: Value = serde_json::from_slice(body).unwrap();
        assert!(v["id"].as_str().unwrap().starts_with("evt_"));
        assert_eq!(v["session"], "default");
        assert_eq!(v["environment"]["tier"], "CORE");
    }
    let deliveries = get_json(&sim, "/_sim/webhooks").await;
    assert!(
        deliveries
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == 200 && d["signed"] == true)
    );
}

#[tokio::test]
async fn the_sim_serves_png_by_default_and_webjs_acks_need_tag_events() {
    let sim = sim(SimOptions::fast(KEY)).await;
    let c = client(&sim);
    c.start("default").await.unwrap();
    wait_for(&c, "default", "SCAN_QR_CODE").await;
    let png = reqwest::Client::new()
        .get(format!("{}/api/default/auth/qr", sim.url()))
        .header("X-Api-Key", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    assert_eq!(&png.bytes().await.unwrap()[..4], b"\x89PNG");

    // A global hook on WEBJS without tagsEventsOn gets status events but no acks.
    let (url, got) = receiver().await;
    let sim2 = waha_sim::spawn(SimOptions {
        webhook_url: Some(url),
        ..SimOptions::fast(KEY)
    })
    .await
    .unwrap();
    let c2 = client(&sim2);
    c2.start("default").await.unwrap();
    wait_for(&c2, "default", "SCAN_QR_CODE").await;
    scan(&sim2).await;
    c2.send_text("default", "628111@c.us", "x").await.unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let events: Vec<String> = got
        .lock()
        .unwrap()
        .iter()
        .map(|(h, b)| {
            assert!(!h.contains_key("x-webhook-hmac"), "unsigned without a key");
            serde_json::from_slice::<Value>(b).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert!(events.iter().any(|e| e == "session.status"));
    assert!(!events.iter().any(|e| e == "message.ack"), "{events:?}");
}
