//! Billing over HTTP: the server functions the pages call, and the CSV downloads behind the
//! session guard.

mod common;

use app::server::testing;
use common::TestApp;
use reqwest::StatusCode;

async fn apps() -> Vec<TestApp> {
    let mut v = Vec::new();
    for db in testing::all().await {
        v.push(TestApp::start(db).await);
    }
    v
}

#[tokio::test]
async fn csv_downloads_need_a_session() {
    for app in apps().await {
        // Owner exists, this client has no session.
        app.owner().await;
        let anon = app.client();
        for path in [
            "/ekspor/pelanggan.csv",
            "/ekspor/tagihan.csv?period=2026-11",
            "/ekspor/pembayaran.csv",
        ] {
            let res = anon.get(app.url(path)).send().await.unwrap();
            assert!(res.status().is_redirection(), "{path}: {}", res.status());
            let to = res.headers()["location"].to_str().unwrap().to_owned();
            assert!(to.starts_with("/login?next="), "{path} → {to}");
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn package_customer_run_payment_and_exports_over_http() {
    for app in apps().await {
        let c = app.owner().await;

        // A refused form: 422 with the message for the field, nothing saved.
        let res = app
            .call(
                &c,
                "/api/billing/package-save",
                &[
                    ("name", ""),
                    ("speed_mbps", "10"),
                    ("price", "150rb"),
                    ("description", ""),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = res.text().await.unwrap();
        assert!(body.contains("Nama paket wajib diisi."), "{body}");
        assert!(body.contains("Tulis jumlah dalam rupiah"), "{body}");
        let list: serde_json::Value = app
            .call(&c, "/api/billing/packages", &[])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(list.as_array().unwrap().len(), 0);

        let pkg: serde_json::Value = app
            .call(
                &c,
                "/api/billing/package-save",
                &[
                    ("name", "Rumahan"),
                    ("speed_mbps", "10"),
                    ("price", "Rp 150.000"),
                    ("description", ""),
                ],
            )
            .await
            .json()
            .await
            .unwrap();
        let pkg_id = pkg["id"].as_i64().unwrap().to_string();
        let customer: serde_json::Value = app
            .call(
                &c,
                "/api/billing/customer-save",
                &[
                    ("name", "Siti; \"Warung\" Aminah"),
                    ("phone", "0812-3456-7890"),
                    ("address", "Jl. Melati 1, RT 02"),
                    ("package_id", &pkg_id),
                    ("price_override", ""),
                    ("billing_day", "31"),
                    ("status", "active"),
                    ("notes", ""),
                ],
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(customer["code"], "PLG-00001");
        assert_eq!(customer["wa_number"], "6281234567890");
        assert_eq!(customer["phone_status"], "valid");

        // Next month (the furthest a run may go), in the zone the app bills in.
        let next = app::domain::dates::Period::of(
            chrono::Utc::now()
                .with_timezone(&chrono_tz::Asia::Jakarta)
                .date_naive(),
        )
        .next();
        let (period, compact, end) = (
            next.to_string(),
            next.compact(),
            next.last_day().to_string(),
        );
        let run: serde_json::Value = app
            .call(&c, "/api/billing/run", &[("period", period.as_str())])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(run["created"], 1);
        assert_eq!(run["first_number"], format!("INV-{compact}-00001"));
        let again: serde_json::Value = app
            .call(&c, "/api/billing/run", &[("period", period.as_str())])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            (
                again["created"].as_i64(),
                again["skipped_existing"].as_i64()
            ),
            (Some(0), Some(1))
        );

        // The table, as the page asks for it (a struct argument, form-encoded).
        let page: serde_json::Value = app
            .call(
                &c,
                "/api/billing/invoices",
                &[
                    ("query[period]", period.as_str()),
                    ("query[q]", "siti"),
                    ("query[sort]", "total"),
                ],
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["total"], 1);
        let row = &page["rows"][0];
        assert_eq!(
            row["due_date"],
            end.as_str(),
            "billing day 31 → the month's end"
        );
        assert_eq!(row["owed_now"], 150_000);
        let invoice_id = row["id"].as_i64().unwrap().to_string();

        let paid: serde_json::Value = app
            .call(
                &c,
                "/api/billing/payment-record",
                &[
                    ("invoice_id", invoice_id.as_str()),
                    ("amount", "150.000"),
                    ("method", "ewallet"),
                    ("reference", "DANA 77"),
                    ("paid_on", ""),
                    ("note", ""),
                ],
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(paid["allocations"][0]["status_after"], "paid");

        // Downloads: UTF-8 with a BOM, quoted where needed, the table's filters applied.
        let res = c
            .get(app.url("/ekspor/pelanggan.csv"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(
            res.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment; filename=\"pelanggan-")
        );
        let csv = res.text().await.unwrap();
        assert!(csv.starts_with("\u{feff}kode,nama,no_hp"), "{csv}");
        assert!(
            csv.contains(
                "PLG-00001,\"Siti; \"\"Warung\"\" Aminah\",0812-3456-7890,6281234567890,valid"
            ),
            "{csv}"
        );

        let csv = c
            .get(app.url(&format!("/ekspor/tagihan.csv?period={period}&status=paid")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2, "{csv}");
        assert!(
            lines[1].starts_with(&format!("INV-{compact}-00001,{period},PLG-00001,")),
            "{csv}"
        );
        assert!(
            lines[1].contains(&format!(",{end},Rumahan,150000,0,150000,150000,0,paid,")),
            "{csv}"
        );
        let none = c
            .get(app.url(&format!(
                "/ekspor/tagihan.csv?period={period}&status=unpaid"
            )))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(none.lines().count(), 1, "only the header: {none}");
        let bad = c
            .get(app.url("/ekspor/tagihan.csv?period=kemarin"))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // Pembayaran's download: this month's payments, the e-wallet one with its reference.
        let res = c
            .get(app.url("/ekspor/pembayaran.csv?method=ewallet"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(
            res.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment; filename=\"pembayaran-")
        );
        let csv = res.text().await.unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2, "{csv}");
        assert!(
            lines[0].starts_with("\u{feff}tanggal,jam,kode_pelanggan"),
            "{csv}"
        );
        assert!(
            lines[1]
                .contains(",PLG-00001,\"Siti; \"\"Warung\"\" Aminah\",150000,E-wallet,DANA 77,"),
            "{csv}"
        );
        assert!(lines[1].contains(",diterima,"), "{csv}");
        let cash = c
            .get(app.url("/ekspor/pembayaran.csv?method=cash"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(cash.lines().count(), 1, "only the header: {cash}");
        let bad = c
            .get(app.url("/ekspor/pembayaran.csv?from=2026-12-31&to=2026-01-01"))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        app.stop().await;
    }
}
