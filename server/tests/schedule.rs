//! The drafts flow over HTTP against the real router: the scheduled run makes drafts, the
//! admin reviews them on "Tinjau tagihan" (edit, remove, add back), bad input changes nothing,
//! drafts count nowhere until "Terbitkan & kirim", which queues one statement per customer;
//! the Jadwal page's switch, "Lewati" and settings form.

mod common;

use app::server::{
    billing::{customers, packages},
    schedule::tick,
    testing,
};
use chrono::{NaiveDate, Utc};
use common::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

const TZ: chrono_tz::Tz = chrono_tz::Asia::Jakarta;

async fn json(res: reqwest::Response) -> Value {
    let status = res.status();
    let text = res.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn drafts_are_reviewed_and_published_over_http() {
    for db in testing::all().await {
        let name = db.backend;
        let app = TestApp::start(db).await;
        let owner = app.owner().await;
        let state = &app.state;
        let pkg = packages::save(
            &state.db,
            None,
            packages::PackageInput {
                name: "Rumahan 20",
                speed_mbps: "20",
                price: "150.000",
                description: "",
            },
            Utc::now(),
        )
        .await
        .unwrap()
        .id;
        for (i, n) in ["Ani", "Budi", "Citra"].iter().enumerate() {
            customers::create(
                &state.db,
                &customers::CustomerInput {
                    name: (*n).into(),
                    phone: format!("0812345678{i}0"),
                    package_id: pkg.to_string(),
                    billing_day: "10".into(),
                    ..Default::default()
                },
                Utc::now(),
            )
            .await
            .unwrap();
        }
        // The scheduled run, at its moment this month (drafts by default).
        let today = Utc::now().with_timezone(&TZ).date_naive();
        let first = NaiveDate::from_ymd_opt(
            chrono::Datelike::year(&today),
            chrono::Datelike::month(&today),
            1,
        )
        .unwrap();
        let local = first.and_hms_opt(8, 0, 0).unwrap();
        let lines = tick::tick(&tick::Tick {
            state,
            local,
            now: tick::instant_of(local, TZ),
            holder: "test",
            dry_run: false,
        })
        .await
        .unwrap()
        .unwrap();
        assert!(
            lines
                .iter()
                .any(|l| l.outcome == "drafts" && l.count == Some(3)),
            "{lines:?}"
        );
        let period = first.format("%Y-%m").to_string();

        let review = json(
            app.call(&owner, "/api/drafts/list", &[("period", "")])
                .await,
        )
        .await;
        assert_eq!(review["period"], period.as_str(), "{name}");
        let rows = review["rows"].as_array().unwrap().clone();
        assert_eq!(rows.len(), 3);
        // Drafts count nowhere: the invoice table is empty.
        let table = json(
            app.call(
                &owner,
                "/api/billing/invoices",
                &[("query[period]", &period)],
            )
            .await,
        )
        .await;
        assert_eq!(table["counts"]["all"], 0, "{name}: {table}");

        // Bad amount: 422 naming the field, nothing changed.
        let id0 = rows[0]["id"].to_string();
        let bad = app
            .call(
                &owner,
                "/api/drafts/amount",
                &[("id", &id0), ("amount", "seratus")],
            )
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text().await.unwrap().contains("amount"));
        json(
            app.call(
                &owner,
                "/api/drafts/amount",
                &[("id", &id0), ("amount", "175.000")],
            )
            .await,
        )
        .await;
        // Remove Citra, then add her back at another price.
        let citra = rows.iter().find(|r| r["customer_name"] == "Citra").unwrap();
        let citra_id = citra["customer_id"].to_string();
        json(
            app.call(
                &owner,
                "/api/drafts/remove",
                &[("id", &citra["id"].to_string())],
            )
            .await,
        )
        .await;
        let review = json(
            app.call(&owner, "/api/drafts/list", &[("period", &period)])
                .await,
        )
        .await;
        assert_eq!(review["rows"].as_array().unwrap().len(), 2);
        assert_eq!(review["missing"][0]["name"], "Citra");
        json(
            app.call(
                &owner,
                "/api/drafts/add",
                &[
                    ("period", &period),
                    ("customer_id", &citra_id),
                    ("amount", "100000"),
                ],
            )
            .await,
        )
        .await;
        let review = json(
            app.call(&owner, "/api/drafts/list", &[("period", &period)])
                .await,
        )
        .await;
        assert_eq!(
            review["total_amount"],
            175_000 + 150_000 + 100_000,
            "{name}"
        );

        // Signed out: no drafts.
        let stranger = app.client();
        let refused = app
            .call(&stranger, "/api/drafts/publish", &[("period", &period)])
            .await;
        assert!(!refused.status().is_success(), "{name}");

        // Terbitkan & kirim: issued, one statement per customer in one job.
        let r = json(
            app.call(&owner, "/api/drafts/publish", &[("period", &period)])
                .await,
        )
        .await;
        assert_eq!(r["issued"], 3, "{name}: {r}");
        assert_eq!(r["queued"], 3);
        assert_eq!(r["total_amount"], 425_000);
        let job = r["job_id"].as_i64().unwrap();
        let items = json(
            app.call(
                &owner,
                "/api/sending/items",
                &[("job_id", &job.to_string()), ("page", "1")],
            )
            .await,
        )
        .await;
        assert_eq!(items["total"], 3, "{name}: {items}");
        let table = json(
            app.call(
                &owner,
                "/api/billing/invoices",
                &[("query[period]", &period)],
            )
            .await,
        )
        .await;
        assert_eq!(table["counts"]["all"], 3);
        // Nothing left to review; publishing again issues nothing.
        let again = json(
            app.call(&owner, "/api/drafts/publish", &[("period", &period)])
                .await,
        )
        .await;
        assert_eq!(again["issued"], 0);

        // Jadwal: the switch, and "Lewati" on this month's run (already done: refused).
        json(
            app.call(&owner, "/api/schedule/switch", &[("on", "false")])
                .await,
        )
        .await;
        let page = json(app.call(&owner, "/api/schedule/page", &[]).await).await;
        assert_eq!(page["settings"]["enabled"], false);
        let day = first.to_string();
        let skip = app
            .call(
                &owner,
                "/api/schedule/skip",
                &[("kind", "invoice_run"), ("stage", ""), ("day", &day)],
            )
            .await;
        assert_eq!(skip.status(), StatusCode::CONFLICT);
        // A bad schedule form is refused field by field and saves nothing.
        let bad = app
            .call(
                &owner,
                "/api/schedule/save",
                &[
                    ("form[run_day]", "31"),
                    ("form[run_time]", "08:00"),
                    ("form[run_mode]", "drafts"),
                    ("form[stages]", "-3, 0, 3, 7"),
                    ("form[window_start]", "17:00"),
                    ("form[window_end]", "09:00"),
                ],
            )
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = bad.text().await.unwrap();
        assert!(
            text.contains("run_day") && text.contains("window_end"),
            "{text}"
        );
        let page = json(app.call(&owner, "/api/schedule/page", &[]).await).await;
        assert_eq!(page["settings"]["run_day"], 1);
        app.stop().await;
    }
}

/// `tagih serve` runs the scheduler by itself (the first tick soon after start) when it is on.
#[tokio::test]
async fn serve_ticks_the_scheduler_when_it_is_on() {
    let app = TestApp::start_with(testing::sqlite().await, |c| c.scheduler = true).await;
    let mut ticked = None;
    for _ in 0..60 {
        ticked = app::server::schedule::lease::last_tick(&app.state.db)
            .await
            .unwrap();
        if ticked.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(ticked.is_some(), "no tick within 15 s of start");
    // This month's run (the 1st, 08:00) is recorded once when its moment has passed.
    let local = Utc::now().with_timezone(&TZ).naive_local();
    let due = chrono::Datelike::day(&local) > 1 || chrono::Timelike::hour(&local) >= 8;
    let page = app::server::schedule::record::recent(&app.state.db, TZ, 10, false)
        .await
        .unwrap();
    assert_eq!(
        page.iter().filter(|r| r.kind == "invoice_run").count(),
        usize::from(due),
        "{page:?}"
    );
    app.stop().await;
}
