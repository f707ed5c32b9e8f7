//! The role matrix: every server function, called over HTTP as owner, admin, kasir and nobody,
//! answers allowed or refused exactly as one table says. The table must name every registered
//! server function, so a new one cannot be added without deciding who may call it.

mod common;

use app::{
    domain::{account::Role, company::CompanySettings},
    dto::{
        audit::AuditQuery,
        invoices::InvoiceQuery,
        messages::{BulkRequest, TemplateChoice},
        settings::PolicyForm,
    },
    server::testing,
};
use common::TestApp;
use reqwest::Client;
use serde_json::{Value, json};

enum Body {
    Form(Vec<(&'static str, &'static str)>),
    Json(Value),
}

struct Case {
    path: &'static str,
    /// The least role allowed.
    min: Role,
    /// Arguments that decode (so a refusal is the role check, not a bad request) and change
    /// nothing that matters (unknown ids, invalid input).
    body: Body,
}

fn form(path: &'static str, min: Role, args: &[(&'static str, &'static str)]) -> Case {
    Case {
        path,
        min,
        body: Body::Form(args.to_vec()),
    }
}

fn json(path: &'static str, min: Role, v: Value) -> Case {
    Case {
        path,
        min,
        body: Body::Json(v),
    }
}

const NO_ID: &str = "999999";

fn table() -> Vec<Case> {
    use Role::*;
    let bulk = BulkRequest {
        query: InvoiceQuery {
            period: "2001-01".into(),
            ..Default::default()
        },
        template: TemplateChoice::Auto,
        pacing: "original".into(),
        delay_secs: String::new(),
        jitter_secs: String::new(),
        combine_shared: true,
    };
    vec![
        json(
            "/api/audit/list",
            Admin,
            json!({"query": AuditQuery::default()}),
        ),
        form("/api/auth/me", Kasir, &[]),
        form("/api/billing/customers", Kasir, &[("query[page]", "1")]),
        form("/api/billing/customer", Kasir, &[("id", NO_ID)]),
        form(
            "/api/billing/customer-save",
            Kasir,
            &[
                ("name", ""),
                ("phone", ""),
                ("address", ""),
                ("package_id", ""),
                ("price_override", ""),
                ("billing_day", "5"),
                ("status", "active"),
                ("notes", ""),
            ],
        ),
        form(
            "/api/billing/customer-status",
            Kasir,
            &[("id", NO_ID), ("status", "active")],
        ),
        form(
            "/api/billing/customer-import",
            Kasir,
            &[("csv", "nama\n"), ("only_valid", "false")],
        ),
        form(
            "/api/billing/statement-link",
            Kasir,
            &[("customer_id", NO_ID)],
        ),
        form(
            "/api/billing/statement-link-rotate",
            Admin,
            &[("customer_id", NO_ID)],
        ),
        form("/api/settings/transfer-code", Kasir, &[]),
        form("/api/settings/qris", Kasir, &[]),
        json(
            "/api/settings/qris-save",
            Admin,
            json!({"image": "data:text/plain;base64,eA=="}),
        ),
        json(
            "/api/payments/mutation-preview",
            Kasir,
            json!({"upload": {"csv": "", "preset": "auto"}}),
        ),
        json(
            "/api/payments/mutation-confirm",
            Kasir,
            json!({"upload": {"csv": "", "preset": "auto"}, "choices": []}),
        ),
        json(
            "/api/settings/transfer-code-save",
            Admin,
            json!({"form": {"enabled": false, "extra": "credit"}}),
        ),
        form("/api/billing/dashboard", Kasir, &[]),
        form("/api/billing/invoices", Kasir, &[("query[page]", "1")]),
        form("/api/billing/invoice-periods", Kasir, &[]),
        form("/api/billing/aging", Kasir, &[]),
        json(
            "/api/billing/payments",
            Kasir,
            json!({"query": app::dto::payments::PaymentQuery::default()}),
        ),
        form("/api/billing/invoice", Kasir, &[("id", NO_ID)]),
        form(
            "/api/billing/run-preview",
            Admin,
            &[("period", "bukan-periode")],
        ),
        form("/api/billing/run", Admin, &[("period", "bukan-periode")]),
        form(
            "/api/billing/payment-record",
            Kasir,
            &[
                ("customer_id", NO_ID),
                ("amount", "1000"),
                ("method", "cash"),
                ("reference", ""),
                ("paid_on", "2026-12-01"),
                ("note", ""),
            ],
        ),
        form(
            "/api/billing/payment-reverse",
            Admin,
            &[("payment_id", NO_ID), ("reason", "salah")],
        ),
        form(
            "/api/billing/invoice-amount",
            Admin,
            &[("id", NO_ID), ("amount", "1000"), ("reason", "salah")],
        ),
        form("/api/billing/runs", Admin, &[]),
        form("/api/billing/run-undo", Admin, &[("run_id", NO_ID)]),
        form("/api/billing/rules", Admin, &[]),
        form(
            "/api/billing/rules-save",
            Admin,
            &[("grace_days", "bukan-angka"), ("prorata", "false")],
        ),
        form("/api/schedule/page", Admin, &[]),
        form(
            "/api/schedule/save",
            Admin,
            &[
                ("form[run_day]", "99"),
                ("form[run_time]", "x"),
                ("form[run_mode]", "x"),
                ("form[stages]", "x"),
                ("form[window_start]", "x"),
                ("form[window_end]", "x"),
            ],
        ),
        form("/api/schedule/switch", Admin, &[("on", "false")]),
        form(
            "/api/schedule/run-now",
            Admin,
            &[("kind", "bukan"), ("stage", ""), ("day", "bukan-tanggal")],
        ),
        form(
            "/api/schedule/skip",
            Admin,
            &[("kind", "bukan"), ("stage", ""), ("day", "bukan-tanggal")],
        ),
        form("/api/schedule/next", Kasir, &[]),
        form("/api/drafts/list", Admin, &[("period", "bukan-periode")]),
        form(
            "/api/drafts/amount",
            Admin,
            &[("id", NO_ID), ("amount", "1000")],
        ),
        form("/api/drafts/remove", Admin, &[("id", NO_ID)]),
        form(
            "/api/drafts/add",
            Admin,
            &[
                ("period", "bukan-periode"),
                ("customer_id", NO_ID),
                ("amount", ""),
            ],
        ),
        form("/api/drafts/publish", Admin, &[("period", "bukan-periode")]),
        form(
            "/api/billing/invoice-void",
            Admin,
            &[("id", NO_ID), ("reason", "salah")],
        ),
        form(
            "/api/billing/invoice-discount",
            Admin,
            &[("id", NO_ID), ("discount", "0")],
        ),
        form("/api/messages/compose", Kasir, &[("invoice_id", NO_ID)]),
        json(
            "/api/messages/send",
            Kasir,
            json!({"invoice_id": 999999, "kind": "Invoice", "text": "x", "confirm": false}),
        ),
        form("/api/messages/state", Kasir, &[("item_id", NO_ID)]),
        form("/api/messages/history", Kasir, &[("invoice_id", NO_ID)]),
        form("/api/messages/receipt", Kasir, &[("payment_id", NO_ID)]),
        json("/api/messages/bulk-plan", Kasir, json!({"request": bulk})),
        json("/api/messages/bulk-send", Kasir, json!({"request": bulk})),
        form("/api/billing/packages", Kasir, &[]),
        form(
            "/api/billing/package-save",
            Admin,
            &[
                ("name", ""),
                ("speed_mbps", "10"),
                ("price", "1000"),
                ("description", ""),
            ],
        ),
        form(
            "/api/billing/package-active",
            Admin,
            &[("id", NO_ID), ("active", "false")],
        ),
        form("/api/billing/package-delete", Admin, &[("id", NO_ID)]),
        form("/api/sending/jobs", Kasir, &[]),
        form("/api/sending/job", Kasir, &[("id", NO_ID)]),
        form(
            "/api/sending/items",
            Kasir,
            &[("job_id", NO_ID), ("page", "1")],
        ),
        form("/api/sending/active", Kasir, &[]),
        form(
            "/api/sending/control",
            Kasir,
            &[("id", NO_ID), ("action", "pause")],
        ),
        form(
            "/api/sending/resolve",
            Kasir,
            &[("item_id", NO_ID), ("resend", "false")],
        ),
        form("/api/settings/company", Kasir, &[]),
        json(
            "/api/settings/company-save",
            Admin,
            json!({"company": CompanySettings::default()}),
        ),
        form("/api/settings/policy", Kasir, &[]),
        json(
            "/api/settings/policy-save",
            Admin,
            json!({"form": PolicyForm {
                quiet_enabled: false,
                quiet_start: "21:00".into(),
                quiet_end: "07:00".into(),
                daily_cap: String::new(),
                ..PolicyForm::from_policy(&Default::default())
            }}),
        ),
        form("/api/settings/retention", Admin, &[]),
        form("/api/settings/retention-save", Admin, &[("days", "x")]),
        form("/api/system/backup_status", Kasir, &[]),
        form("/api/templates/get", Kasir, &[("kind", "Invoice")]),
        json(
            "/api/templates/preview",
            Kasir,
            json!({"kind": "Invoice", "body": "Halo {{ nama }}", "invoice": null}),
        ),
        json(
            "/api/templates/save",
            Admin,
            json!({"kind": "Invoice", "body": ""}),
        ),
        form("/api/templates/reset", Admin, &[("kind", "Invoice")]),
        form("/api/users/list", Owner, &[]),
        form(
            "/api/users/create",
            Owner,
            &[("username", ""), ("display_name", ""), ("role", "")],
        ),
        form(
            "/api/users/set-active",
            Owner,
            &[("id", NO_ID), ("active", "true")],
        ),
        form("/api/users/reset-password", Owner, &[("id", NO_ID)]),
        form(
            "/api/account/password",
            Kasir,
            &[
                ("current", "bukan-sandi"),
                ("new_password", "x"),
                ("new_password_confirm", "y"),
            ],
        ),
        form("/api/account/sessions", Kasir, &[]),
        form(
            "/api/account/revoke-session",
            Kasir,
            &[("handle", "0000000000000000")],
        ),
        form("/api/wa/status", Kasir, &[]),
        form("/api/wa/nav_status", Kasir, &[]),
        form("/api/wa/qr", Kasir, &[]),
        form("/api/wa/session", Owner, &[("action", "start")]),
        form("/api/wa/pairing_code", Owner, &[("phone", "")]),
        form("/api/wa/skip_warmup", Owner, &[]),
        form("/api/wa/settings", Owner, &[]),
        form(
            "/api/wa/save_settings",
            Owner,
            &[("url", "ftp://x"), ("session", "default"), ("api_key", "")],
        ),
        form("/api/wa/test_connection", Admin, &[]),
        form(
            "/api/wa/test_message",
            Admin,
            &[("number", ""), ("text", "")],
        ),
        form(
            "/api/wa/register_webhook",
            Owner,
            &[("webhook_url", "ftp://x")],
        ),
        // Last: it ends the caller's session.
        form("/api/auth/logout", Kasir, &[]),
    ]
}

async fn call(app: &TestApp, c: &Client, case: &Case) -> u16 {
    let req = c
        .post(app.url(case.path))
        .header("Origin", &app.base)
        .header("Accept", "application/json");
    let req = match &case.body {
        Body::Form(f) => req.form(f),
        Body::Json(v) => req.json(v),
    };
    req.send().await.unwrap().status().as_u16()
}

/// Signs in a new user with `role` created by the owner.
async fn user(app: &TestApp, owner: &Client, name: &str, role: Role) -> Client {
    let r = app
        .call(
            owner,
            "/api/users/create",
            &[
                ("username", name),
                ("display_name", name),
                ("role", role.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), 200, "create {name}");
    let otp: Value = r.json().await.unwrap();
    let c = app.client();
    let r = app.login(&c, name, otp["password"].as_str().unwrap()).await;
    assert_eq!(r.status(), 200, "login {name}");
    c
}

#[tokio::test]
async fn every_server_function_allows_exactly_the_roles_in_the_table() {
    let app = TestApp::start(testing::sqlite().await).await;
    let owner = app.owner().await;
    let admin = user(&app, &owner, "admin1", Role::Admin).await;
    let kasir = user(&app, &owner, "kasir1", Role::Kasir).await;
    let table = table();

    // The table names every server function but the two public ones.
    let mut registered: Vec<&str> = server_fn::axum::server_fn_paths()
        .map(|(p, _)| p)
        .filter(|p| !server::guard::is_public_fn(p))
        .collect();
    registered.sort();
    let mut listed: Vec<&str> = table.iter().map(|c| c.path).collect();
    listed.sort();
    assert_eq!(
        listed, registered,
        "the role table and the server functions differ"
    );

    let mut failures = Vec::new();
    for (who, client, role) in [
        ("owner", Some(&owner), Some(Role::Owner)),
        ("admin", Some(&admin), Some(Role::Admin)),
        ("kasir", Some(&kasir), Some(Role::Kasir)),
        ("nobody", None, None),
    ] {
        let anon = app.client();
        let c = client.unwrap_or(&anon);
        for case in &table {
            let status = call(&app, c, case).await;
            let expected = match role {
                None => "401",
                Some(r) if r.allows(case.min) => "allowed",
                Some(_) => "403",
            };
            let ok = match expected {
                "allowed" => !matches!(status, 400 | 401 | 403),
                "401" => status == 401,
                _ => status == 403,
            };
            if !ok {
                failures.push(format!(
                    "{who} {}: {status}, expected {expected}",
                    case.path
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    app.stop().await;
}

#[tokio::test]
async fn a_disabled_user_is_signed_out_at_once_and_cannot_sign_in() {
    let app = TestApp::start(testing::sqlite().await).await;
    let owner = app.owner().await;
    let kasir = user(&app, &owner, "kasir2", Role::Kasir).await;
    assert_eq!(app.call(&kasir, "/api/auth/me", &[]).await.status(), 200);
    let list: Value = app
        .call(&owner, "/api/users/list", &[])
        .await
        .json()
        .await
        .unwrap();
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "kasir2")
        .unwrap()["id"]
        .to_string();
    let r = app
        .call(
            &owner,
            "/api/users/set-active",
            &[("id", &id), ("active", "false")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.call(&kasir, "/api/auth/me", &[]).await.status(), 401);
    // The owner cannot lock themself out.
    let me: Value = app
        .call(&owner, "/api/auth/me", &[])
        .await
        .json()
        .await
        .unwrap();
    let r = app
        .call(
            &owner,
            "/api/users/set-active",
            &[("id", &me["id"].to_string()), ("active", "false")],
        )
        .await;
    assert_eq!(r.status(), 409);
    // A reset password works once given; the old sessions are gone.
    let r = app
        .call(
            &owner,
            "/api/users/set-active",
            &[("id", &id), ("active", "true")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let otp: Value = app
        .call(&owner, "/api/users/reset-password", &[("id", &id)])
        .await
        .json()
        .await
        .unwrap();
    let c = app.client();
    let r = app
        .login(&c, "kasir2", otp["password"].as_str().unwrap())
        .await;
    assert_eq!(r.status(), 200);
    // The audit log has the story, and a kasir cannot read it.
    let log: Value = app
        .client()
        .post(app.url("/api/audit/list"))
        .header("Origin", &app.base)
        .json(&json!({"query": AuditQuery::default()}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap_or(Value::Null);
    assert!(log.get("rows").is_none(), "nobody reads the log");
    let r = c
        .post(app.url("/api/audit/list"))
        .header("Origin", &app.base)
        .json(&json!({"query": AuditQuery::default()}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let log: Value = owner
        .post(app.url("/api/audit/list"))
        .header("Origin", &app.base)
        .json(&json!({"query": AuditQuery::default()}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = log["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    for a in [
        "user_create",
        "user_disable",
        "user_enable",
        "password_reset",
        "login",
        "setup",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
    // Kasir cannot export it either.
    let r = c
        .get(app.url("/ekspor/log-aktivitas.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    app.stop().await;
}
