//! The attacks a security review found, each performed over HTTP against the real router.
//! Every test here failed on the code before the fixes (see README "Keamanan").

mod common;

use app::server::{Config, testing};
use common::{OWNER, TestApp};
use reqwest::Client;
use std::time::Duration;

const WRONG: &str = "salah-salah-123";

/// Behind a reverse proxy on loopback: `X-Forwarded-For` names the client.
async fn behind_proxy(tweak: impl FnOnce(&mut Config)) -> TestApp {
    TestApp::start_with(testing::sqlite().await, |c| {
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        tweak(c);
    })
    .await
}

async fn login_from(
    app: &TestApp,
    c: &Client,
    client_ip: &str,
    user: &str,
    password: &str,
) -> reqwest::Response {
    c.post(app.url("/api/auth/login"))
        .header("Origin", &app.base)
        .header("Accept", "application/json")
        .header("X-Forwarded-For", client_ip)
        .form(&[("username", user), ("password", password)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn strangers_failures_do_not_lock_the_owner_out_of_a_browser_that_signed_in_before() {
    let app = behind_proxy(|_| {}).await;
    app.owner().await;
    // The owner's phone signed in before (it holds the device cookie), then signed out.
    let phone = app.client();
    let r = login_from(&app, &phone, "198.51.100.7", OWNER.0, OWNER.2).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        app.call(&phone, "/api/auth/logout", &[]).await.status(),
        200
    );
    // Attackers from many addresses guess the owner's password.
    for i in 0..30 {
        let r = login_from(
            &app,
            &app.client(),
            &format!("203.0.113.{i}"),
            OWNER.0,
            WRONG,
        )
        .await;
        assert!(matches!(r.status().as_u16(), 401 | 429), "{}", r.status());
    }
    // The account is locked for unknown browsers ...
    let r = login_from(&app, &app.client(), "192.0.2.1", OWNER.0, OWNER.2).await;
    assert_eq!(r.status(), 429, "an unknown browser waits");
    // ... but not for the owner's own phone.
    let r = login_from(&app, &phone, "198.51.100.7", OWNER.0, OWNER.2).await;
    assert_eq!(
        r.status(),
        200,
        "the known device is judged by its own failures"
    );
    app.stop().await;
}

#[tokio::test]
async fn attempts_the_address_limit_refused_do_not_count_against_the_account() {
    let app = behind_proxy(|_| {}).await;
    app.owner().await;
    let attacker = app.client();
    // Five failures on the owner and five on a made-up name spend the address's ten tokens.
    for _ in 0..5 {
        login_from(&app, &attacker, "203.0.113.9", OWNER.0, WRONG).await;
        login_from(&app, &attacker, "203.0.113.9", "tidak-ada", WRONG).await;
    }
    // Twenty more against the owner: all refused by the address limit.
    for _ in 0..20 {
        let r = login_from(&app, &attacker, "203.0.113.9", OWNER.0, WRONG).await;
        assert_eq!(r.status(), 429);
    }
    // The owner's account saw five failures, not twenty-five: a new browser still gets in.
    let r = login_from(&app, &app.client(), "192.0.2.44", OWNER.0, OWNER.2).await;
    assert_eq!(r.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn overlong_names_are_refused_before_the_limiter_so_memory_does_not_grow() {
    let app = TestApp::start(testing::sqlite().await).await;
    app.owner().await;
    let c = app.client();
    let before = app.state.login_limiter.keys();
    for i in 0..5 {
        let name = format!("{i}{}", "x".repeat(100_000));
        let r = app.login(&c, &name, WRONG).await;
        assert_eq!(r.status(), 422, "a 100 kB name is a field error");
        let e: app::error::AppError = r.json().await.unwrap();
        assert!(e.field_errors().unwrap().get("username").is_some());
    }
    assert_eq!(
        app.state.login_limiter.keys(),
        before,
        "no limiter key was made"
    );
    // 64 characters is still a (wrong) name like any other.
    let r = app.login(&c, &"y".repeat(64), WRONG).await;
    assert_eq!(r.status(), 401);
    app.stop().await;
}

#[tokio::test]
async fn forwarded_headers_are_believed_only_from_trusted_proxies() {
    // Not trusted: a client cannot escape the address limit by inventing X-Forwarded-For.
    let app = TestApp::start(testing::sqlite().await).await;
    app.owner().await;
    for i in 0..10 {
        let r = login_from(&app, &app.client(), &format!("10.9.9.{i}"), OWNER.0, WRONG).await;
        assert_eq!(r.status(), 401, "attempt {i}");
    }
    let r = login_from(&app, &app.client(), "10.9.9.200", "orang-lain", WRONG).await;
    assert_eq!(r.status(), 429, "all of them came from 127.0.0.1");
    let page = app
        .client()
        .get(app.url("/login"))
        .header("X-Forwarded-Proto", "https")
        .send()
        .await
        .unwrap();
    assert!(page.headers().get("strict-transport-security").is_none());
    app.stop().await;

    // Behind a trusted proxy: each client has its own bucket, and https is believed.
    let app = behind_proxy(|_| {}).await;
    app.owner().await;
    for _ in 0..10 {
        login_from(&app, &app.client(), "203.0.113.1", "orang-lain", WRONG).await;
    }
    let r = login_from(&app, &app.client(), "203.0.113.1", "orang-lain", WRONG).await;
    assert_eq!(r.status(), 429);
    let r = login_from(&app, &app.client(), "203.0.113.2", OWNER.0, OWNER.2).await;
    assert_eq!(r.status(), 200, "another client behind the same proxy");
    let page = app
        .client()
        .get(app.url("/login"))
        .header("X-Forwarded-Proto", "https")
        .send()
        .await
        .unwrap();
    assert!(page.headers().get("strict-transport-security").is_some());
    app.stop().await;
}

#[tokio::test]
async fn next_after_login_never_leaves_the_site_and_never_panics() {
    let app = TestApp::start(testing::sqlite().await).await;
    app.owner().await;
    for next in [
        "/\t/evil.example",
        "/\r\n/evil.example",
        "/\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        " /\t/evil.example",
    ] {
        // A plain form post (no JavaScript), as the login page sends without hydration.
        let r = app
            .client()
            .post(app.url("/api/auth/login"))
            .header("Origin", &app.base)
            .form(&[("username", OWNER.0), ("password", OWNER.2), ("next", next)])
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_redirection() || r.status().is_success(),
            "{next:?}: {}",
            r.status()
        );
        let loc = r
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        assert_eq!(loc.as_deref(), Some("/"), "{next:?} → {loc:?}");
    }
    let r = app
        .client()
        .post(app.url("/api/auth/login"))
        .header("Origin", &app.base)
        .form(&[
            ("username", OWNER.0),
            ("password", OWNER.2),
            ("next", "/tagihan?status=unpaid"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/tagihan?status=unpaid");
    app.stop().await;
}

#[tokio::test]
async fn exports_defuse_formulas_in_every_cell() {
    for db in testing::all().await {
        let app = TestApp::start(db).await;
        let c = app.owner().await;
        let pkg: serde_json::Value = app
            .call(
                &c,
                "/api/billing/package-save",
                &[
                    ("name", "Rumahan"),
                    ("speed_mbps", "10"),
                    ("price", "150000"),
                    ("description", ""),
                ],
            )
            .await
            .json()
            .await
            .unwrap();
        let pkg_id = pkg["id"].as_i64().unwrap().to_string();
        for name in [
            "=HYPERLINK(\"http://evil.example\",\"klik\")",
            "\t=1+1",
            "@SUM(A1)",
        ] {
            let r = app
                .call(
                    &c,
                    "/api/billing/customer-save",
                    &[
                        ("name", name),
                        ("phone", "081234567890"),
                        ("address", "+62 jalan"),
                        ("package_id", &pkg_id),
                        ("price_override", ""),
                        ("billing_day", "5"),
                        ("status", "active"),
                        ("notes", "-1"),
                    ],
                )
                .await;
            assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        }
        // Next month: the furthest a run may go.
        let next = app::domain::dates::Period::of(
            chrono::Utc::now()
                .with_timezone(&chrono_tz::Asia::Jakarta)
                .date_naive(),
        )
        .next()
        .to_string();
        app.call(&c, "/api/billing/run", &[("period", next.as_str())])
            .await;
        let invoices_csv = format!("/ekspor/tagihan.csv?period={next}");
        for path in [
            "/ekspor/pelanggan.csv",
            invoices_csv.as_str(),
            "/ekspor/log-aktivitas.csv",
        ] {
            let body = c
                .get(app.url(path))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let mut rdr = csv::ReaderBuilder::new()
                .from_reader(body.trim_start_matches('\u{feff}').as_bytes());
            let mut cells = 0;
            for rec in rdr.records() {
                for cell in rec.unwrap().iter() {
                    cells += 1;
                    assert!(
                        !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                        "{path}: live formula cell {cell:?}"
                    );
                }
            }
            assert!(cells > 0, "{path} is empty");
        }
        assert!(
            c.get(app.url("/ekspor/pelanggan.csv"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
                .contains("'=HYPERLINK"),
            "the name is kept, as text"
        );
        app.stop().await;
    }
}

#[tokio::test]
async fn activity_keeps_a_session_alive_idleness_ends_it_and_no_session_outlives_the_cap() {
    let app = TestApp::start_with(testing::sqlite().await, |c| {
        c.session_idle = Duration::from_secs(3);
        c.session_max = Duration::from_secs(60);
    })
    .await;
    let c = app.owner().await;
    // Seven seconds of activity, a request every second: the 3 s idle limit never trips.
    for _ in 0..7 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(
            app.call(&c, "/api/auth/me", &[]).await.status(),
            200,
            "active session ended"
        );
    }
    tokio::time::sleep(Duration::from_millis(4200)).await;
    assert_eq!(
        app.call(&c, "/api/auth/me", &[]).await.status(),
        401,
        "idle session lives"
    );
    app.stop().await;

    let app = TestApp::start_with(testing::sqlite().await, |c| {
        c.session_idle = Duration::from_secs(60);
        // Room for a loaded machine: three requests a second apart stay well inside it.
        c.session_max = Duration::from_secs(6);
    })
    .await;
    let c = app.owner().await;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(app.call(&c, "/api/auth/me", &[]).await.status(), 200);
    }
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(
        app.call(&c, "/api/auth/me", &[]).await.status(),
        401,
        "past the absolute cap"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_copy_of_the_sessions_table_signs_nobody_in() {
    for db in testing::all().await {
        let app = TestApp::start(db).await;
        app.owner().await;
        let c = app.client();
        let r = app.login(&c, OWNER.0, OWNER.2).await;
        let cookie = common::session_cookie(&r);
        let raw = cookie.split_once('=').unwrap().1.to_owned();
        use sea_orm::EntityTrait;
        let rows = app::server::entity::login_sessions::Entity::find()
            .all(&app.state.db)
            .await
            .unwrap();
        assert!(!rows.is_empty());
        for row in &rows {
            assert_ne!(row.id, raw, "the cookie's id is stored as is");
            // Presenting a stored id as a cookie gets nowhere.
            let r = reqwest::Client::new()
                .post(app.url("/api/auth/me"))
                .header("Origin", &app.base)
                .header("Cookie", format!("tagih_sid={}", row.id))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 401);
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn the_sqlite_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("baru.db");
    let db = app::server::db::connect(&format!("sqlite://{}?mode=rwc", file.display()))
        .await
        .unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(&db, "CREATE TABLE t (x INTEGER)")
        .await
        .unwrap();
    db.close().await.unwrap();
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    // A file left open to others is tightened at start.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let db = app::server::db::connect(&format!("sqlite://{}?mode=rwc", file.display()))
        .await
        .unwrap();
    db.close().await.unwrap();
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[tokio::test]
async fn a_dns_rebinding_page_cannot_finish_setup_without_the_code_from_the_log() {
    let app = TestApp::start(testing::sqlite().await).await;
    let code = app.setup_code().to_owned();
    assert_eq!(code.len(), 12, "no public URL: a setup code is required");
    // The rebinding page's requests carry its own name in both Host and Origin.
    let host = format!("rebind.evil.example:{}", app.addr.port());
    let attempt = |code: &str| {
        app.client()
            .post(app.url("/api/auth/setup"))
            .header("Host", &host)
            .header("Origin", format!("http://{host}"))
            .header("Accept", "application/json")
            .form(&[
                ("username", "penyusup"),
                ("display_name", "Penyusup"),
                ("password", "kuda-laut-biru-7"),
                ("password_confirm", "kuda-laut-biru-7"),
                ("setup_code", code),
            ])
            .send()
    };
    for guess in ["", "AAAAAAAAAAAA", &code[..11]] {
        let r = attempt(guess).await.unwrap();
        assert_eq!(r.status(), 422, "guess {guess:?}");
        let e: app::error::AppError = r.json().await.unwrap();
        assert!(e.field_errors().unwrap().get("setup_code").is_some());
    }
    assert_eq!(
        app::server::auth::service::user_count(&app.state.db)
            .await
            .unwrap(),
        0
    );
    // The operator, who can read the log, types it (any case).
    let r = attempt(&code.to_lowercase()).await.unwrap();
    assert_eq!(r.status(), 200);
    app.stop().await;

    // With TAGIH_PUBLIC_URL the browser's origin is checked instead, and no code is asked.
    let app = TestApp::start_with(testing::sqlite().await, |c| {
        c.public_url = Some("https://tagih.example.net".parse().unwrap());
    })
    .await;
    assert!(app.state.setup_code.is_none());
    let r = app
        .client()
        .post(app.url("/api/auth/setup"))
        .header(
            "Origin",
            format!("http://rebind.evil.example:{}", app.addr.port()),
        )
        .form(&[
            ("username", "penyusup"),
            ("display_name", "P"),
            ("password", "kuda-laut-biru-7"),
            ("password_confirm", "kuda-laut-biru-7"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    app.stop().await;
}

#[tokio::test]
async fn pages_and_answers_carry_the_security_headers() {
    let app = TestApp::start(testing::sqlite().await).await;
    let c = app.owner().await;
    let page = c.get(app.url("/tagihan")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let h = page.headers().clone();
    let csp = h["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("a script nonce")
        .to_owned();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert!(
        h.get("strict-transport-security").is_none(),
        "plain http: no HSTS"
    );
    let html = page.text().await.unwrap();
    // Every inline script Leptos wrote carries this response's nonce.
    let mut scripts = 0;
    for tag in html.split("<script").skip(1) {
        let open = tag.split('>').next().unwrap();
        if open.contains("src=") {
            continue;
        }
        scripts += 1;
        assert!(
            open.contains(&format!("nonce=\"{nonce}\"")),
            "inline script without the nonce: <script{open}>"
        );
    }
    assert!(scripts > 0, "hydration script expected");
    // A second response gets another nonce.
    let again = c.get(app.url("/tagihan")).send().await.unwrap();
    assert!(
        !again.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains(&nonce)
    );
    // Server-function answers and downloads are covered too.
    let r = app.call(&c, "/api/auth/me", &[]).await;
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    app.stop().await;

    // Behind https (public URL): HSTS.
    let app = TestApp::start_with(testing::sqlite().await, |c| {
        c.public_url = Some("https://tagih.example.net".parse().unwrap());
    })
    .await;
    let r = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert!(
        r.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
    app.stop().await;
}

#[tokio::test]
async fn changing_the_waha_address_forgets_the_saved_key() {
    let app = TestApp::start(testing::sqlite().await).await;
    let c = app.owner().await;
    let save = |url: &'static str, key: &'static str| {
        let (app, c) = (&app, &c);
        async move {
            app.call(
                c,
                "/api/wa/save_settings",
                &[("url", url), ("session", "default"), ("api_key", key)],
            )
            .await
        }
    };
    let r = save("http://127.0.0.1:3999", "kunci-rahasia-1").await;
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["key_set"], true);
    // Pointing Tagih at another host without typing the key again: the key is gone.
    let r = save("http://attacker.example:3000", "").await;
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["key_set"], false, "{v}");
    let s = app::server::waha::settings::load(&app.state.db, &app.state.config)
        .await
        .unwrap();
    assert!(s.api_key.is_none());
    // Same host, other settings: the key stays.
    save("http://127.0.0.1:3999", "kunci-rahasia-2").await;
    let v: serde_json::Value = save("http://127.0.0.1:3999/", "")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["key_set"], true);
    app.stop().await;
}

#[tokio::test]
async fn a_template_cannot_build_a_huge_string() {
    let app = TestApp::start(testing::sqlite().await).await;
    let c = app.owner().await;
    for body in [
        "{% set s = nama %}{% for t in tagihan_terbuka %}{% set s = s ~ s ~ s ~ s %}{% endfor %}{{ s }}",
        "{{ nama * 100000000 }}",
        "{{ 'a\nb' | indent(100000000) }}",
    ] {
        let r = c
            .post(app.url("/api/templates/save"))
            .header("Origin", &app.base)
            .json(&serde_json::json!({"kind": "Invoice", "body": body}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{body}: {}", r.text().await.unwrap());
    }
    app.stop().await;
}

#[tokio::test]
async fn a_replayed_webhook_changes_nothing() {
    let app = TestApp::start_with(testing::sqlite().await, |c| {
        c.waha_webhook_secret = Some(app::server::Secret::new("rahasia-hook"));
    })
    .await;
    let now = chrono::Utc::now().timestamp_millis();
    let event = |id: &str, at: i64, status: &str| {
        format!(
            r#"{{"id":"{id}","timestamp":{at},"event":"session.status","session":"default","payload":{{"name":"default","status":"{status}"}}}}"#
        )
    };
    let post = |body: String| {
        use hmac::{Hmac, KeyInit, Mac};
        let mut mac = Hmac::<sha2::Sha512>::new_from_slice(b"rahasia-hook").unwrap();
        mac.update(body.as_bytes());
        let sig = hex::encode(mac.finalize().into_bytes());
        reqwest::Client::new()
            .post(app.url("/webhooks/waha"))
            .header("Content-Type", "application/json")
            .header("X-Webhook-Hmac", sig)
            .header("X-Webhook-Hmac-Algorithm", "sha512")
            .body(body)
            .send()
    };
    let working = event("evt_a", now, "WORKING");
    assert_eq!(post(working.clone()).await.unwrap().status(), 200);
    assert_eq!(
        post(event("evt_b", now, "STOPPED")).await.unwrap().status(),
        200
    );
    // The attacker replays the captured WORKING event, and an old one.
    let r: serde_json::Value = post(working).await.unwrap().json().await.unwrap();
    assert_eq!(r["event"], "duplicate");
    assert_eq!(
        post(event("evt_c", now - 3_600_000, "WORKING"))
            .await
            .unwrap()
            .status(),
        401
    );
    let st = app::server::waha::service::cached_status(&app.state.db, "default")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(st.status.as_deref(), Some("STOPPED"));
    app.stop().await;
}

#[tokio::test]
async fn message_texts_are_purged_after_the_retention_period() {
    use sea_orm::{ConnectionTrait, EntityTrait};
    for db in testing::all().await {
        let app = TestApp::start(db).await;
        let c = app.owner().await;
        // The setting: a clear message for nonsense, then 30 days.
        let r = app
            .call(&c, "/api/settings/retention-save", &[("days", "0")])
            .await;
        assert_eq!(r.status(), 422);
        let r = app
            .call(&c, "/api/settings/retention-save", &[("days", "30")])
            .await;
        assert_eq!(r.status(), 200);
        let days = app::server::retention::days(&app.state.db).await.unwrap();
        assert_eq!(days, 30);
        let db = &app.state.db;
        let old = "2026-01-01 00:00:00+00:00";
        let recent = chrono::Utc::now()
            .format("%Y-%m-%d %H:%M:%S+00:00")
            .to_string();
        db.execute_unprepared(&format!(
            "INSERT INTO send_jobs (kind, template_kind, wa_session, state, delay_ms, total, \
             created_at, updated_at) VALUES ('single', 'invoice', 'default', 'done', 2000, 3, \
             '{old}', '{old}')"
        ))
        .await
        .unwrap();
        for (state, sent_at, wa_id, body) in [
            ("sent", old, "true_1@c.us_OLD", "Tagihan lama Budi"),
            (
                "sent",
                recent.as_str(),
                "true_1@c.us_NEW",
                "Tagihan baru Budi",
            ),
            ("failed", old, "", "Gagal, bisa dikirim ulang"),
        ] {
            db.execute_unprepared(&format!(
                "INSERT INTO send_items (job_id, template_kind, chat_id, wa_number, body, state, \
                 next_attempt_at, wa_message_id, sent_at, created_at, updated_at) VALUES \
                 ((SELECT MAX(id) FROM send_jobs), 'invoice', '62811@c.us', '62811', '{body}', \
                 '{state}', '{old}', NULLIF('{wa_id}', ''), {}, '{old}', '{old}')",
                if state == "sent" {
                    format!("'{sent_at}'")
                } else {
                    "NULL".into()
                }
            ))
            .await
            .unwrap();
        }
        let n = app::server::retention::purge(db, days, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(n, 1);
        let items = app::server::entity::send_items::Entity::find()
            .all(db)
            .await
            .unwrap();
        let by = |id: &str| {
            items
                .iter()
                .find(|i| i.wa_message_id.as_deref() == Some(id))
                .unwrap()
        };
        let purged = by("true_1@c.us_OLD");
        assert_eq!(purged.body, "");
        assert_eq!(purged.state, "sent", "the report keeps the state");
        assert!(purged.sent_at.is_some(), "... the time");
        assert_eq!(by("true_1@c.us_NEW").body, "Tagihan baru Budi");
        assert!(
            items.iter().any(|i| i.body == "Gagal, bisa dikirim ulang"),
            "a failed message can still be resent"
        );
        app.stop().await;
    }
}
