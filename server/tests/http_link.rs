//! A customer's statement page over HTTP: open without signing in, nothing but that customer,
//! not indexed or cached, and no help to someone guessing tokens (same status and delay for
//! every unknown token, and a per-address limit).

mod common;

use app::server::{
    billing::{
        customers::{self, CustomerInput},
        invoices::{self, RunOptions},
        packages::{self, PackageInput},
        statement_link,
    },
    testing,
};
use chrono::{NaiveDate, Utc};
use common::TestApp;
use std::time::{Duration, Instant};

async fn customer_with_a_bill(app: &TestApp, name: &str) -> i32 {
    let db = &app.state.db;
    let pkg = packages::save(
        db,
        None,
        PackageInput {
            name: &format!("Paket {name}"),
            speed_mbps: "20",
            price: "150000",
            description: "",
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .id;
    let id = customers::create(
        db,
        &CustomerInput {
            name: name.into(),
            phone: "081234567890".into(),
            package_id: pkg.to_string(),
            billing_day: "10".into(),
            ..Default::default()
        },
        Utc::now(),
    )
    .await
    .unwrap()
    .id;
    invoices::run(
        db,
        &RunOptions::new(
            app::domain::dates::Period::parse("2026-11").unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            Utc::now(),
        ),
    )
    .await
    .unwrap();
    id
}

async fn get(
    c: &reqwest::Client,
    url: &str,
) -> (
    reqwest::StatusCode,
    reqwest::header::HeaderMap,
    String,
    Duration,
) {
    let t = Instant::now();
    let r = c.get(url).send().await.unwrap();
    let (s, h) = (r.status(), r.headers().clone());
    let body = r.text().await.unwrap();
    (s, h, body, t.elapsed())
}

#[tokio::test]
async fn the_statement_link_opens_without_signing_in_and_gives_guessers_nothing() {
    let app = TestApp::start(testing::sqlite().await).await;
    let budi = customer_with_a_bill(&app, "Budi Santoso").await;
    let token = statement_link::token_of(&app.state.db, budi).await.unwrap();
    // A customer's phone: no session cookie.
    let phone = reqwest::Client::new();

    let (status, headers, body, known) = get(&phone, &app.url(&format!("/s/{token}"))).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("Budi Santoso") && body.contains("Rp 150.000"),
        "{body}"
    );
    assert!(!body.contains("<script"), "no script on the page");
    assert!(
        !body.contains("/pelanggan") && !body.contains("/tagihan/"),
        "no admin link"
    );
    assert_eq!(headers["x-robots-tag"], "noindex, nofollow");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'")
    );

    // An unknown token and a malformed one: the same 404, after the same delay.
    let (s1, _, b1, unknown) = get(
        &phone,
        &app.url(&format!("/s/{}", statement_link::new_token())),
    )
    .await;
    let (s2, _, _, malformed) = get(&phone, &app.url("/s/abc")).await;
    assert_eq!((s1.as_u16(), s2.as_u16()), (404, 404));
    assert!(b1.contains("tidak ditemukan") && !b1.contains("Budi"));
    let floor = server::statement_page::FLOOR;
    for (what, d) in [
        ("known", known),
        ("unknown", unknown),
        ("malformed", malformed),
    ] {
        assert!(d >= floor, "{what} answered in {d:?}");
    }
    let spread = [known, unknown, malformed];
    let (lo, hi) = (spread.iter().min().unwrap(), spread.iter().max().unwrap());
    assert!(
        *hi - *lo < Duration::from_millis(150),
        "timings differ: {spread:?}"
    );

    // Guessing in bulk from one address runs into the limit (the admin is not affected).
    let mut refused = None;
    for i in 0..=app::server::state::LINK_BURST {
        let (s, h, _, _) = get(
            &phone,
            &app.url(&format!("/s/{}", statement_link::new_token())),
        )
        .await;
        if s == 429 {
            assert!(h.contains_key("retry-after"));
            refused = Some(i);
            break;
        }
    }
    assert!(
        refused.is_some(),
        "no limit after {} tries",
        app::server::state::LINK_BURST + 3
    );

    // Rotated: the old link is dead for everyone.
    let admin = app.owner().await;
    let fresh = statement_link::rotate(&app.state.db, budi).await.unwrap();
    assert_ne!(fresh, token);
    let r = admin
        .get(app.url(&format!("/s/{token}")))
        .send()
        .await
        .unwrap();
    // The admin shares the loopback address with the guesser above: limited too, or 404.
    assert!(matches!(r.status().as_u16(), 404 | 429), "{}", r.status());
    app.stop().await;
}
