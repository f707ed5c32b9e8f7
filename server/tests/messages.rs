//! Sending one invoice over WhatsApp, end to end below the browser: compose → send through the
//! outbox → the engine → waha-sim, and what waha-sim received is exactly what was composed.

mod common;

use app::{
    domain::{dates::Period, sending::SendPolicy},
    server::{
        billing::{customers, invoices, packages, payments},
        engine::policy,
        testing,
    },
};
use common::TestApp;
use serde_json::{Value, json};
use server::waha_sim::{self, SimOptions};
use std::time::{Duration, Instant};

const KEY: &str = "kunci-sim-pesan-0123456789";

struct World {
    app: TestApp,
    sim: waha_sim::SimHandle,
    owner: reqwest::Client,
    http: reqwest::Client,
}

impl World {
    async fn new() -> Self {
        let sim = waha_sim::spawn(SimOptions::fast(KEY)).await.unwrap();
        let http = reqwest::Client::new();
        // A WORKING session: start, then "scan" through the sim's control API.
        let r = http
            .post(format!("{}/api/sessions/default/start", sim.url()))
            .header("X-Api-Key", KEY)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let r = http
                .post(format!("{}/_sim/sessions/default/scan", sim.url()))
                .send()
                .await
                .unwrap();
            if r.status().is_success() {
                break;
            }
            assert!(Instant::now() < deadline, "sim never offered a QR");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let url = sim.url();
        let app = TestApp::start_with(testing::sqlite().await, move |c| {
            c.waha_url = Some(url.parse().unwrap());
            c.waha_api_key = Some(app::server::Secret::new(KEY));
            c.send_lease = Duration::from_millis(400);
        })
        .await;
        policy::save(&app.state.db, &SendPolicy::unlimited())
            .await
            .unwrap();
        let owner = app.owner().await;
        World {
            app,
            sim,
            owner,
            http,
        }
    }

    /// A customer with this phone and invoices for these periods (runs for every active
    /// customer); the customer id.
    async fn customer_billed(&self, name: &str, phone: &str, periods: &[&str]) -> i32 {
        let db = &self.app.state.db;
        let now = chrono::Utc::now();
        let pkg = self.package().await;
        let c = customers::create(
            db,
            &customers::CustomerInput {
                name: name.into(),
                phone: phone.into(),
                package_id: pkg.to_string(),
                billing_day: "10".into(),
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
        for p in periods {
            let period = Period::parse(p).unwrap();
            let opts = invoices::RunOptions::new(period, period.first_day(), now);
            invoices::run(db, &opts).await.unwrap();
        }
        c.id
    }

    async fn package(&self) -> i32 {
        let db = &self.app.state.db;
        match packages::list(db).await.unwrap().first() {
            Some(p) => p.id,
            None => {
                packages::save(
                    db,
                    None,
                    packages::PackageInput {
                        name: "Rumahan 20",
                        speed_mbps: "20",
                        price: "150.000",
                        description: "",
                    },
                    chrono::Utc::now(),
                )
                .await
                .unwrap()
                .id
            }
        }
    }

    /// Records a cash payment for a customer (allocated oldest first).
    async fn pay(&self, customer: i32, amount: &str) {
        payments::record(
            &self.app.state.db,
            &payments::NewPayment {
                customer_id: Some(customer),
                amount: amount.into(),
                method: "cash".into(),
                ..Default::default()
            },
            None,
            app::server::billing::clock::Moment::now(self.app.state.config.timezone),
        )
        .await
        .unwrap();
    }

    /// Sends "Kirim Semua" over HTTP with a 1 s gap and waits for the job to finish.
    async fn send_all(
        &self,
        query: Value,
        combine_shared: bool,
    ) -> (i32, app::dto::sending::JobCounts) {
        let request = json!({"request": {
            "query": query,
            "template": "Auto",
            "pacing": "custom",
            "delay_secs": "1",
            "jitter_secs": "0",
            "combine_shared": combine_shared,
        }});
        let (s, job) = self.call_json("/api/messages/bulk-send", request).await;
        assert_eq!(s, 200, "{job}");
        let job = i32::try_from(job.as_i64().unwrap()).unwrap();
        (job, self.wait_job(job).await)
    }

    async fn wait_job(&self, job: i32) -> app::dto::sending::JobCounts {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let c = app::server::engine::outbox::counts(&self.app.state.db, job)
                .await
                .unwrap();
            if c.pending + c.sending == 0 {
                return c;
            }
            assert!(Instant::now() < deadline, "job stuck: {c:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A customer with this phone and an invoice for November 2026; the invoice id.
    async fn invoice_for(&self, name: &str, phone: &str) -> i32 {
        let db = &self.app.state.db;
        let now = chrono::Utc::now();
        let pkg = match packages::list(db).await.unwrap().first() {
            Some(p) => p.id,
            None => {
                packages::save(
                    db,
                    None,
                    packages::PackageInput {
                        name: "Rumahan 20",
                        speed_mbps: "20",
                        price: "150.000",
                        description: "",
                    },
                    now,
                )
                .await
                .unwrap()
                .id
            }
        };
        let c = customers::create(
            db,
            &customers::CustomerInput {
                name: name.into(),
                phone: phone.into(),
                package_id: pkg.to_string(),
                billing_day: "10".into(),
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
        let period = Period::parse("2026-11").unwrap();
        let opts = invoices::RunOptions::new(period, period.first_day(), now);
        invoices::run(db, &opts).await.unwrap();
        let id: i32 = <app::server::entity::invoices::Entity as sea_orm::EntityTrait>::find()
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .find(|i| i.customer_id == c.id)
            .unwrap()
            .id;
        id
    }

    async fn call(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let r = self.app.call(&self.owner, path, form).await;
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn call_json(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .owner
            .post(self.app.url(path))
            .header("Origin", &self.app.base)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn sim_messages(&self) -> Vec<Value> {
        self.http
            .get(format!("{}/_sim/messages", self.sim.url()))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Polls the item until it is finished; its final state.
    async fn wait_item(&self, item_id: i64) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let (s, v) = self
                .call("/api/messages/state", &[("item_id", &item_id.to_string())])
                .await;
            assert_eq!(s, 200, "{v}");
            if matches!(
                v["state"].as_str(),
                Some("sent" | "failed" | "unknown" | "cancelled" | "skipped")
            ) {
                return v;
            }
            assert!(Instant::now() < deadline, "not finished: {v}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn stop(self) {
        self.app.stop().await;
        self.sim.stop().await;
    }
}

fn text_of(m: &Value) -> &str {
    m["text"]
        .as_str()
        .or_else(|| m["body"].as_str())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_text_waha_receives_is_exactly_the_preview_and_repeats_need_confirmation() {
    let w = World::new().await;
    let invoice = w.invoice_for("Siti Rahmawati", "0812-3456-7890").await;

    let (s, c) = w
        .call(
            "/api/messages/compose",
            &[("invoice_id", &invoice.to_string())],
        )
        .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["problem"], Value::Null);
    let text = c["text"].as_str().unwrap().to_owned();
    assert!(
        text.contains("Siti Rahmawati") && text.contains("Rp 150.000"),
        "{text}"
    );

    let (s, q) = w
        .call_json(
            "/api/messages/send",
            json!({"invoice_id": invoice, "kind": c["kind"], "text": text, "confirm": false}),
        )
        .await;
    assert_eq!(s, 200, "{q}");
    let item = q["Queued"]["item_id"].as_i64().expect("queued");
    let done = w.wait_item(item).await;
    assert_eq!(done["state"], "sent", "{done}");
    let msg_id = done["wa_message_id"].as_str().unwrap().to_owned();

    let received = w.sim_messages().await;
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(
        text_of(&received[0]),
        text,
        "WAHA got something else than the preview"
    );
    assert_eq!(received[0]["chatId"], "6281234567890@c.us");
    assert!(
        received[0]["id"]
            .as_str()
            .is_some_and(|id| id.contains(&msg_id) || msg_id.contains(id)),
        "message id {msg_id} vs {:?}",
        received[0]["id"]
    );

    // The same template again within 24 h asks first, and sends nothing until confirmed.
    let (s, again) = w
        .call_json(
            "/api/messages/send",
            json!({"invoice_id": invoice, "kind": c["kind"], "text": text, "confirm": false}),
        )
        .await;
    assert_eq!(s, 200);
    assert!(again["NeedsConfirmation"]["last"].is_string(), "{again}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(w.sim_messages().await.len(), 1);

    // An edited text is sent as edited.
    let edited = format!("{text}\n\nCatatan: mohon konfirmasi setelah transfer.");
    let (_, q) = w
        .call_json(
            "/api/messages/send",
            json!({"invoice_id": invoice, "kind": c["kind"], "text": edited, "confirm": true}),
        )
        .await;
    let item = q["Queued"]["item_id"]
        .as_i64()
        .expect("queued after confirmation");
    assert_eq!(w.wait_item(item).await["state"], "sent");
    let received = w.sim_messages().await;
    assert_eq!(received.len(), 2);
    assert!(received.iter().any(|m| text_of(m) == edited));

    // The invoice's history lists both, newest first.
    let (_, h) = w
        .call(
            "/api/messages/history",
            &[("invoice_id", &invoice.to_string())],
        )
        .await;
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[0]["body"], edited);
    assert_eq!(h[1]["state"], "sent");
    w.stop().await;
}

#[tokio::test]
async fn customers_who_cannot_receive_are_refused_and_not_on_whatsapp_shows_on_the_customer() {
    let w = World::new().await;
    let no_number = w.invoice_for("Tanpa Nomor", "").await;
    let (s, c) = w
        .call(
            "/api/messages/compose",
            &[("invoice_id", &no_number.to_string())],
        )
        .await;
    assert_eq!(s, 200);
    assert!(
        c["problem"].as_str().unwrap().contains("nomor WhatsApp"),
        "{c}"
    );
    let (s, e) = w
        .call_json(
            "/api/messages/send",
            json!({"invoice_id": no_number, "kind": "Invoice", "text": "Halo", "confirm": false}),
        )
        .await;
    assert_eq!(s, 409, "{e}");

    // A number WhatsApp does not know: the send fails with a reason, the customer remembers it.
    w.http
        .put(format!("{}/_sim/not-on-whatsapp", w.sim.url()))
        .json(&json!(["6281299990000"]))
        .send()
        .await
        .unwrap();
    let unknown = w.invoice_for("Nomor Asing", "081299990000").await;
    let (_, q) = w
        .call_json(
            "/api/messages/send",
            json!({"invoice_id": unknown, "kind": "Invoice", "text": "Halo", "confirm": false}),
        )
        .await;
    let item = q["Queued"]["item_id"].as_i64().expect("queued");
    let done = w.wait_item(item).await;
    assert_eq!(done["state"], "failed");
    assert!(
        done["error"]
            .as_str()
            .unwrap()
            .contains("tidak terdaftar di WhatsApp"),
        "{done}"
    );
    assert!(w.sim_messages().await.is_empty());
    let (_, c) = w
        .call(
            "/api/messages/compose",
            &[("invoice_id", &unknown.to_string())],
        )
        .await;
    assert!(
        c["problem"].as_str().unwrap().contains("tidak terdaftar"),
        "{c}"
    );
    w.stop().await;
}

#[tokio::test]
async fn a_template_with_an_unknown_variable_cannot_be_saved_and_saved_ones_are_used() {
    let w = World::new().await;
    let (s, e) = w
        .call_json(
            "/api/templates/save",
            json!({"kind": "Invoice", "body": "Halo {{ nama }}\nRekening: {{ rekening_bank }}"}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    let msg = e["Validation"][0]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("Baris 2:") && msg.contains("rekening_bank"),
        "{msg}"
    );

    let (s, _) = w
        .call_json(
            "/api/templates/save",
            json!({"kind": "Invoice", "body": "Yth. {{ nama }}, tagihan {{ no_tagihan }}: {{ sisa_bayar }}."}),
        )
        .await;
    assert_eq!(s, 200);
    let invoice = w.invoice_for("Budi", "08123456789").await;
    // November's invoice is overdue by now, so ask for the invoice template explicitly.
    let (_, c) = w
        .call(
            "/api/messages/compose",
            &[("invoice_id", &invoice.to_string()), ("kind", "Invoice")],
        )
        .await;
    assert_eq!(c["suggested"], "Overdue");
    let expected = format!(
        "Yth. Budi, tagihan {}: Rp 150.000.",
        c["invoice_number"].as_str().unwrap()
    );
    assert_eq!(c["text"], expected);
    w.stop().await;
}

#[tokio::test]
async fn recording_a_payment_can_send_the_receipt() {
    let w = World::new().await;
    let invoice = w.invoice_for("Dewi Lestari", "+62 812 1111 2222").await;
    let db = &w.app.state.db;
    let tz = w.app.state.config.timezone;
    let paid = payments::record(
        db,
        &payments::NewPayment {
            invoice_id: Some(invoice),
            amount: "150000".into(),
            method: "cash".into(),
            ..Default::default()
        },
        None,
        app::server::billing::clock::Moment::now(tz),
    )
    .await
    .unwrap();
    let (s, q) = w
        .call(
            "/api/messages/receipt",
            &[("payment_id", &paid.payment_id.to_string())],
        )
        .await;
    assert_eq!(s, 200, "{q}");
    let item = q["Queued"]["item_id"].as_i64().expect("queued");
    assert_eq!(w.wait_item(item).await["state"], "sent");
    let received = w.sim_messages().await;
    let text = text_of(&received[0]);
    assert!(
        text.contains("Rp 150.000") && text.contains("LUNAS") && text.contains("Tunai"),
        "{text}"
    );
    assert_eq!(received[0]["chatId"], "6281211112222@c.us");
    w.stop().await;
}

/// "Kirim Semua via WhatsApp" over HTTP: the plan sorts the filtered invoices into ready, no
/// number, invalid, not on WhatsApp, already sent today and closed; sending queues one job for
/// the ready ones, and WAHA receives exactly the planned first message. A second plan counts
/// what the first run learnt, and with nobody left to send to, sending is refused.
#[tokio::test]
async fn send_all_counts_who_is_ready_and_waha_receives_exactly_the_planned_message() {
    use app::dto::{
        invoices::InvoiceQuery,
        messages::{BulkRequest, TemplateChoice},
    };
    use sea_orm::{ConnectionTrait, EntityTrait};
    let w = World::new().await;
    w.http
        .put(format!("{}/_sim/not-on-whatsapp", w.sim.url()))
        .json(&json!(["6281211110004"]))
        .send()
        .await
        .unwrap();
    let ani = w.invoice_for("Ani Lestari", "0812-1111-0001").await;
    w.invoice_for("Budi Hartono", "").await;
    let cici = w.invoice_for("Cici Paramita", "0812-1111-0003").await;
    let dedi = w.invoice_for("Dedi Kurniawan", "0812-1111-0004").await;
    let eka = w.invoice_for("Eka Saputra", "0812-1111-0005").await;
    let db = &w.app.state.db;
    // An imported number that is not a phone number, and an invoice already paid.
    db.execute_unprepared(&format!(
        "UPDATE customers SET phone_status = 'invalid', wa_number = NULL, wa_chat_id = NULL \
         WHERE id = (SELECT customer_id FROM invoices WHERE id = {cici})"
    ))
    .await
    .unwrap();
    db.execute_unprepared(&format!(
        "UPDATE invoices SET paid = amount, status = 'paid' WHERE id = {eka}"
    ))
    .await
    .unwrap();

    let request = |delay: &str| BulkRequest {
        query: InvoiceQuery {
            period: "2026-11".into(),
            page: 1,
            ..Default::default()
        },
        template: TemplateChoice::Auto,
        pacing: "custom".into(),
        delay_secs: delay.into(),
        jitter_secs: "0".into(),
        combine_shared: true,
    };
    let (s, plan) = w
        .call_json("/api/messages/bulk-plan", json!({"request": request("1")}))
        .await;
    assert_eq!(s, 200, "{plan}");
    let n = |k: &str| plan[k].as_u64().unwrap();
    assert_eq!(
        [
            n("selected_invoices"),
            n("ready"),
            n("no_number"),
            n("invalid"),
            n("not_on_whatsapp"),
            n("sent_today"),
            n("closed")
        ],
        [5, 2, 1, 1, 0, 0, 1],
        "{plan}"
    );
    let preview = plan["first_preview"].as_str().unwrap().to_owned();
    assert!(preview.contains("Ani Lestari"), "{preview}");
    assert!(plan["first_to"].as_str().unwrap().contains("6281211110001"));

    // A pace below one second is refused next to its field, and nothing is queued.
    let (s, e) = w
        .call_json(
            "/api/messages/bulk-send",
            json!({"request": request("0,2")}),
        )
        .await;
    assert_eq!(s, 422, "{e}");
    assert_eq!(e["Validation"][0]["field"], "delay_secs", "{e}");
    let jobs = app::server::entity::send_jobs::Entity::find().all(db).await;
    assert!(jobs.unwrap().is_empty());

    let (s, job) = w
        .call_json("/api/messages/bulk-send", json!({"request": request("1")}))
        .await;
    assert_eq!(s, 200, "{job}");
    let job = i32::try_from(job.as_i64().unwrap()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let c = loop {
        let c = app::server::engine::outbox::counts(db, job).await.unwrap();
        if c.pending + c.sending == 0 {
            break c;
        }
        assert!(Instant::now() < deadline, "job stuck: {c:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!((c.sent, c.failed), (1, 1), "{c:?}");
    let received = w.sim_messages().await;
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0]["chatId"], "6281211110001@c.us");
    assert_eq!(text_of(&received[0]), preview, "WAHA got something else");
    let items = app::server::entity::send_items::Entity::find()
        .all(db)
        .await
        .unwrap();
    let failed = items.iter().find(|i| i.invoice_id == Some(dedi)).unwrap();
    assert_eq!(failed.error_code.as_deref(), Some("not_on_whatsapp"));
    assert!(
        items
            .iter()
            .any(|i| i.invoice_id == Some(ani) && i.state == "sent")
    );

    let (_, plan) = w
        .call_json("/api/messages/bulk-plan", json!({"request": request("1")}))
        .await;
    let n = |k: &str| plan[k].as_u64().unwrap();
    assert_eq!(
        [n("ready"), n("not_on_whatsapp"), n("sent_today")],
        [0, 1, 1],
        "{plan}"
    );
    let (s, e) = w
        .call_json("/api/messages/bulk-send", json!({"request": request("1")}))
        .await;
    assert_eq!(s, 409, "{e}");
    // The page's default view, "this month" (the invoices above are November's).
    let mut current = request("1");
    current.query.period = "current".into();
    let (s, plan) = w
        .call_json("/api/messages/bulk-plan", json!({"request": current}))
        .await;
    assert_eq!(s, 200, "{plan}");
    assert_eq!(plan["selected_invoices"], 0, "{plan}");
    w.stop().await;
}

/// The original system's worst fault, at the level of what the customer receives: a customer
/// with three open months, "Kirim Semua" on every period, gets exactly one message, and its
/// total is what they owe now (each month once, less what they paid).
#[tokio::test]
async fn three_open_months_make_one_message_whose_total_is_what_is_owed() {
    let w = World::new().await;
    let ani = w
        .customer_billed(
            "Ani Lestari",
            "0812-1111-0001",
            &["2026-09", "2026-10", "2026-11"],
        )
        .await;
    w.pay(ani, "50000").await;
    let st = app::server::billing::statement::of_customer(&w.app.state.db, ani)
        .await
        .unwrap();
    assert_eq!(st.owed(), 400_000);

    let (s, plan) = w
        .call_json(
            "/api/messages/bulk-plan",
            json!({"request": {"query": {"period": "", "status": "open"}, "template": "Auto",
                "pacing": "custom", "delay_secs": "1", "jitter_secs": "0"}}),
        )
        .await;
    assert_eq!(s, 200, "{plan}");
    assert_eq!(
        (
            plan["selected_invoices"].as_u64(),
            plan["ready"].as_u64(),
            plan["ready_invoices"].as_u64(),
            plan["messages"].as_u64()
        ),
        (Some(3), Some(1), Some(3), Some(1)),
        "{plan}"
    );
    let (_, c) = w
        .send_all(json!({"period": "", "status": "open"}), true)
        .await;
    assert_eq!((c.total(), c.sent), (1, 1), "{c:?}");
    let received = w.sim_messages().await;
    assert_eq!(received.len(), 1, "one customer, one message: {received:?}");
    let text = text_of(&received[0]);
    assert!(
        text.contains("*Total yang harus dibayar: Rp 400.000*") || text.contains("Rp 400.000"),
        "{text}"
    );
    for month in ["September 2026", "Oktober 2026", "November 2026"] {
        assert!(text.contains(month), "{month} missing: {text}");
    }
    for wrong in ["Rp 450.000", "Rp 700.000", "Rp 1.050.000"] {
        assert!(
            !text.contains(wrong),
            "{wrong} counts arrears twice: {text}"
        );
    }
    w.stop().await;
}

/// A family with two connections on one number gets one message covering both statements (and
/// two when the admin turns that off); the report names both customers.
#[tokio::test]
async fn customers_sharing_a_number_get_one_message() {
    let w = World::new().await;
    let a = w
        .customer_billed("Ibu Sari", "0812-2222-0001", &["2026-11"])
        .await;
    let b = w
        .customer_billed("Pak Sari (toko)", "0812-2222-0001", &["2026-11"])
        .await;
    let (s, plan) = w
        .call_json(
            "/api/messages/bulk-plan",
            json!({"request": {"query": {"period": "2026-11"}, "template": "Auto",
                "pacing": "custom", "delay_secs": "1", "jitter_secs": "0", "combine_shared": true}}),
        )
        .await;
    assert_eq!(s, 200, "{plan}");
    assert_eq!(
        (
            plan["ready"].as_u64(),
            plan["messages"].as_u64(),
            plan["shared_numbers"].as_u64()
        ),
        (Some(2), Some(1), Some(1)),
        "{plan}"
    );
    let (job, c) = w.send_all(json!({"period": "2026-11"}), true).await;
    assert_eq!((c.total(), c.sent), (1, 1), "{c:?}");
    let received = w.sim_messages().await;
    assert_eq!(received.len(), 1, "{received:?}");
    let text = text_of(&received[0]);
    assert!(
        text.contains("Ibu Sari") && text.contains("Pak Sari (toko)"),
        "{text}"
    );
    let (_, page) = w
        .call(
            "/api/sending/items",
            &[("job_id", &job.to_string()), ("page", "1")],
        )
        .await;
    let line = page["items"][0]["customer"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        line.contains("Ibu Sari") && line.contains("Pak Sari"),
        "{page}"
    );
    let covered: Vec<i32> = {
        use sea_orm::EntityTrait;
        app::server::entity::send_item_customers::Entity::find()
            .all(&w.app.state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.customer_id)
            .collect()
    };
    assert!(covered.contains(&a) && covered.contains(&b), "{covered:?}");
    w.stop().await;
}

/// The same customer does not get the same stage twice on one local day, whichever button or
/// job queues it: after a per-row send, "Kirim Semua" skips them and names them in the plan.
#[tokio::test]
async fn the_same_stage_goes_once_a_day_whichever_button_sends_it() {
    let w = World::new().await;
    let invoice = w.invoice_for("Siti Rahmawati", "0812-3456-7890").await;
    let (_, c) = w
        .call(
            "/api/messages/compose",
            &[("invoice_id", &invoice.to_string())],
        )
        .await;
    let (s, q) = w
        .call_json(
            "/api/messages/send",
            json!({"invoice_id": invoice, "kind": c["kind"], "text": c["text"], "confirm": false}),
        )
        .await;
    assert_eq!(s, 200, "{q}");
    w.wait_item(q["Queued"]["item_id"].as_i64().unwrap()).await;
    let (_, plan) = w
        .call_json(
            "/api/messages/bulk-plan",
            json!({"request": {"query": {"period": "2026-11"}, "template": "Auto",
                "pacing": "custom", "delay_secs": "1", "jitter_secs": "0"}}),
        )
        .await;
    assert_eq!(
        (plan["ready"].as_u64(), plan["sent_today"].as_u64()),
        (Some(0), Some(1)),
        "{plan}"
    );
    assert_eq!(plan["skipped"][0]["reason"], "SentToday", "{plan}");
    assert_eq!(plan["skipped"][0]["customer_name"], "Siti Rahmawati");
    // The row button asks before sending the same stage again the same day.
    let (_, again) = w
        .call_json(
            "/api/messages/send",
            json!({"invoice_id": invoice, "kind": c["kind"], "text": c["text"], "confirm": false}),
        )
        .await;
    assert!(again["NeedsConfirmation"]["last"].is_string(), "{again}");
    w.stop().await;
}

/// A paced job checks each statement just before it goes: a customer who paid in full
/// meanwhile is skipped as paid, one who paid part gets the message rendered again with the new
/// total, and the report says so; the others get what was previewed.
#[tokio::test]
async fn statements_are_checked_again_just_before_they_go() {
    let w = World::new().await;
    let a = w
        .customer_billed("Ani", "0812-3333-0001", &["2026-11"])
        .await;
    let b = w
        .customer_billed("Budi", "0812-3333-0002", &["2026-11"])
        .await;
    let c = w
        .customer_billed("Cici", "0812-3333-0003", &["2026-11"])
        .await;
    // A slow pace, so the payments below land while B and C are still waiting.
    let request = json!({"request": {"query": {"period": "2026-11", "sort": "customer"},
        "template": "Auto", "pacing": "custom", "delay_secs": "2", "jitter_secs": "0"}});
    let (s, job) = w.call_json("/api/messages/bulk-send", request).await;
    assert_eq!(s, 200, "{job}");
    let job = i32::try_from(job.as_i64().unwrap()).unwrap();
    w.pay(b, "150000").await;
    w.pay(c, "100000").await;
    let counts = w.wait_job(job).await;
    assert_eq!((counts.sent, counts.skipped), (2, 1), "{counts:?}");
    let received = w.sim_messages().await;
    assert_eq!(received.len(), 2, "{received:?}");
    let to = |n: &str| {
        received
            .iter()
            .find(|m| m["chatId"] == format!("{n}@c.us"))
            .map(|m| text_of(m).to_owned())
    };
    assert!(to("6281233330001").unwrap().contains("Rp 150.000"));
    assert!(to("6281233330002").is_none(), "Budi paid: nothing sent");
    let cici = to("6281233330003").unwrap();
    assert!(
        cici.contains("Rp 50.000") && !cici.contains("Total yang harus dibayar: Rp 150.000"),
        "{cici}"
    );
    let (_, page) = w
        .call(
            "/api/sending/items",
            &[("job_id", &job.to_string()), ("page", "1")],
        )
        .await;
    let items = page["items"].as_array().unwrap();
    let by = |name: &str| {
        items
            .iter()
            .find(|i| i["customer"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(by("Budi")["state"], "skipped");
    assert!(
        by("Budi")["note"].as_str().unwrap().contains("lunas"),
        "{page}"
    );
    assert_eq!(by("Cici")["state"], "sent");
    assert!(
        by("Cici")["note"].as_str().unwrap().contains("Rp 50.000"),
        "{page}"
    );
    assert!(by("Ani")["note"].is_null(), "{page}");
    let _ = a;
    w.stop().await;
}
