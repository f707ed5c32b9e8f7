//! What a browser (or an attacker's page) sees of sign-in, sessions and the request guard.

mod common;

use app::server::testing;
use common::{OWNER, TestApp};
use std::time::Duration;

async fn app() -> TestApp {
    TestApp::start(testing::sqlite().await).await
}

#[tokio::test]
async fn healthz_is_open_and_reports_the_database() {
    for db in testing::all().await {
        let backend = db.backend;
        let app = TestApp::start(db).await;
        let res = reqwest::get(app.url("/healthz")).await.unwrap();
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["status"], "ok");
        assert_eq!(body["database"]["ok"], true);
        assert_eq!(body["database"]["backend"], backend);
        app.stop().await;
    }
}

#[tokio::test]
async fn every_server_function_but_login_and_setup_refuses_a_caller_without_a_session() {
    let app = app().await;
    let owner = app.owner().await; // so refusals are not just "setup first"
    let anon = app.client();
    let mut checked = 0;
    for (path, method) in server_fn::axum::server_fn_paths() {
        if server::guard::is_public_fn(path) {
            continue;
        }
        let res = anon
            .request(method.clone(), app.url(path))
            .header("Origin", &app.base)
            .form(&[("x", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            401,
            "{method} {path} answered without a session"
        );
        checked += 1;
    }
    assert!(
        checked >= 2,
        "expected registered server functions, found {checked}"
    );
    // And with a session the same call is not refused by the guard.
    let res = app.call(&owner, "/api/auth/me", &[]).await;
    assert_eq!(res.status(), 200);
    let me: serde_json::Value = res.json().await.unwrap();
    assert_eq!(me["username"], OWNER.0);
    app.stop().await;
}

#[tokio::test]
async fn pages_lead_to_setup_first_then_to_login() {
    let app = app().await;
    let c = app.client();
    let loc = |r: &reqwest::Response| r.headers()["location"].to_str().unwrap().to_owned();

    let r = c.get(app.url("/tagihan")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(loc(&r), "/setup");
    let r = c.get(app.url("/login")).send().await.unwrap();
    assert_eq!(loc(&r), "/setup");
    let r = c.get(app.url("/setup")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Penyiapan awal"));

    app.owner().await;
    let anon = app.client();
    let r = anon
        .get(app.url("/tagihan?status=unpaid"))
        .send()
        .await
        .unwrap();
    assert_eq!(loc(&r), "/login?next=%2Ftagihan%3Fstatus%3Dunpaid");
    let r = anon.get(app.url("/setup")).send().await.unwrap();
    assert_eq!(loc(&r), "/login");
    let r = anon.get(app.url("/login")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn setup_creates_exactly_one_owner_even_when_raced_and_never_again() {
    for db in testing::all().await {
        let app = TestApp::start(db).await;
        let mut tasks = Vec::new();
        for i in 0..4 {
            let c = app.client();
            let url = app.url("/api/auth/setup");
            let origin = app.base.clone();
            let code = app.setup_code().to_owned();
            tasks.push(tokio::spawn(async move {
                let name = format!("owner{i}");
                c.post(url)
                    .header("Origin", origin)
                    .form(&[
                        ("username", name.as_str()),
                        ("display_name", "Pemilik"),
                        ("password", "kuda-laut-biru-7"),
                        ("password_confirm", "kuda-laut-biru-7"),
                        ("setup_code", code.as_str()),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
            }));
        }
        let mut ok = 0;
        for t in tasks {
            let s = t.await.unwrap();
            if s.is_success() {
                ok += 1;
            } else {
                assert_eq!(s, 403);
            }
        }
        assert_eq!(ok, 1, "exactly one racing setup may win");
        let count = app::server::auth::service::user_count(&app.state.db)
            .await
            .unwrap();
        assert_eq!(count, 1);
        app.stop().await;
    }
}

#[tokio::test]
async fn bad_setup_input_is_refused_per_field_and_creates_nothing() {
    let app = app().await;
    let c = app.client();
    let r = app
        .call(
            &c,
            "/api/auth/setup",
            &[
                ("username", "a b"),
                ("display_name", ""),
                ("password", "short"),
                ("password_confirm", "other"),
                ("setup_code", app.setup_code()),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let err: app::error::AppError = r.json().await.unwrap();
    let fields = err.field_errors().expect("field errors");
    for f in ["username", "display_name", "password", "password_confirm"] {
        assert!(fields.get(f).is_some(), "no message for {f}: {fields:?}");
    }
    assert_eq!(
        app::server::auth::service::user_count(&app.state.db)
            .await
            .unwrap(),
        0
    );
    app.stop().await;
}

#[tokio::test]
async fn session_cookie_is_http_only_same_site_and_stored_server_side() {
    let app = app().await;
    app.owner().await;
    let c = app.client();
    let r = app.login(&c, OWNER.0, OWNER.2).await;
    assert_eq!(r.status(), 200);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("tagih_sid="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http must not mark the cookie Secure: {cookie}"
    );
    // The cookie holds only an id; the data is a row in the database.
    use sea_orm::{EntityTrait, PaginatorTrait};
    let rows = app::server::entity::login_sessions::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap();
    assert!(rows >= 1);
    app.stop().await;

    let app = TestApp::start_with(testing::sqlite().await, |c| {
        c.public_url = Some("https://tagih.example.net".parse().unwrap());
    })
    .await;
    let c = app.client();
    let r = c
        .post(app.url("/api/auth/setup"))
        .header("Origin", "https://tagih.example.net")
        .form(&[
            ("username", OWNER.0),
            ("display_name", OWNER.1),
            ("password", OWNER.2),
            ("password_confirm", OWNER.2),
            ("setup_code", app.setup_code()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-tagih_sid="))
        .expect("a session cookie");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
    app.stop().await;
}

#[tokio::test]
async fn logout_kills_the_session_on_the_server() {
    let app = app().await;
    let c = app.owner().await;
    // Copy the cookie out, as a thief would.
    let r = app.call(&c, "/api/auth/me", &[]).await;
    assert_eq!(r.status(), 200);
    let r = app.login(&c, OWNER.0, OWNER.2).await;
    let stolen = common::session_cookie(&r);
    let r = app.call(&c, "/api/auth/logout", &[]).await;
    assert!(r.status().is_success(), "{}", r.status());
    let replay = reqwest::Client::new()
        .post(app.url("/api/auth/me"))
        .header("Cookie", stolen)
        .header("Origin", &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401);
    app.stop().await;
}

#[tokio::test]
async fn login_rotates_the_session_id() {
    let app = app().await;
    app.owner().await;
    let c = app.client();
    let first = app.login(&c, OWNER.0, OWNER.2).await;
    let a = common::session_cookie(&first);
    let second = app.login(&c, OWNER.0, OWNER.2).await;
    let b = common::session_cookie(&second);
    assert_ne!(a, b);
    app.stop().await;
}

#[tokio::test]
async fn cross_site_mutations_are_refused() {
    let app = app().await;
    let c = app.owner().await;
    let evil = c
        .post(app.url("/api/auth/logout"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status(), 403);
    let fetch_meta = c
        .post(app.url("/api/auth/logout"))
        .header("Sec-Fetch-Site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(fetch_meta.status(), 403);
    let null_origin = c
        .post(app.url("/api/auth/logout"))
        .header("Origin", "null")
        .send()
        .await
        .unwrap();
    assert_eq!(null_origin.status(), 403);
    // Still signed in: none of the above logged us out.
    assert_eq!(app.call(&c, "/api/auth/me", &[]).await.status(), 200);
    // A cross-site login attempt is refused too (login CSRF).
    let r = app
        .client()
        .post(app.url("/api/auth/login"))
        .header("Origin", "https://evil.example")
        .form(&[("username", OWNER.0), ("password", OWNER.2)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    app.stop().await;
}

#[tokio::test]
async fn the_eleventh_rapid_failed_login_is_429_and_the_limit_lifts_with_time() {
    let app = TestApp::start_with(testing::sqlite().await, |c| {
        c.login_refill = Duration::from_secs(4);
    })
    .await;
    app.owner().await;
    let c = app.client();
    let started = std::time::Instant::now();
    for i in 1..=10 {
        let r = app.login(&c, OWNER.0, "salah-salah-123").await;
        assert_eq!(r.status(), 401, "attempt {i}");
        let e: app::error::AppError = r.json().await.unwrap();
        assert_eq!(e, app::error::AppError::BadLogin);
    }
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "attempts too slow for this test"
    );
    let r = app.login(&c, OWNER.0, OWNER.2).await;
    assert_eq!(
        r.status(),
        429,
        "11th attempt, even with the right password"
    );
    let e: app::error::AppError = r.json().await.unwrap();
    assert!(matches!(e, app::error::AppError::RateLimited(_)));
    tokio::time::sleep(Duration::from_millis(4300)).await;
    let r = app.login(&c, OWNER.0, OWNER.2).await;
    assert_eq!(r.status(), 200, "the limit lifts with time");
    app.stop().await;
}

#[tokio::test]
async fn a_wrong_user_name_and_a_wrong_password_look_the_same() {
    let app = app().await;
    app.owner().await;
    let c = app.client();
    let a = app.login(&c, "tidak-ada", "salah-salah-123").await;
    let b = app.login(&c, OWNER.0, "salah-salah-123").await;
    assert_eq!(a.status(), b.status());
    assert_eq!(a.text().await.unwrap(), b.text().await.unwrap());
    app.stop().await;
}
