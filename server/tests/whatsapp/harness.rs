//! A real Tagih for the WhatsApp HTTP tests: temp SQLite, a free loopback port, a signed-in
//! owner, and helpers to call server functions and read what WAHA-related rows hold.

use app::server::{AppState, Config};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;
use server::waha_sim::SimHandle;
use std::{collections::HashMap, time::Duration};
use tokio_util::sync::CancellationToken;

pub const KEY: &str = "kunci-sim-Xy7-0123456789";

pub struct Tagih {
    pub url: String,
    pub state: AppState,
    pub http: reqwest::Client,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

impl Tagih {
    /// `("TAGIH_PUBLIC_URL", "self")` in `env` stands for this Tagih's own address.
    pub async fn start(env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let mut map: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| {
                let v = if *k == "TAGIH_PUBLIC_URL" && *v == "self" {
                    url.clone()
                } else {
                    v.to_string()
                };
                (k.to_string(), v)
            })
            .collect();
        map.insert(
            "DATABASE_URL".into(),
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("tagih.db").display()
            ),
        );
        map.insert("TAGIH_BIND".into(), "127.0.0.1:0".into());
        // The schedule acts only in the tests that drive it.
        map.entry("TAGIH_SCHEDULER".into())
            .or_insert_with(|| "off".into());
        map.entry("LEPTOS_SITE_ROOT".into())
            .or_insert_with(|| dir.path().display().to_string());
        let config = Config::from_lookup(|k| map.get(k).cloned()).unwrap();
        let state = server::prepare(config).await.unwrap();
        let stop = CancellationToken::new();
        let task = tokio::spawn(server::serve_on(listener, state.clone(), stop.clone()));
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            url,
            state,
            http,
            stop,
            task,
            _dir: dir,
        }
    }

    /// First-run setup: creates the owner and keeps the session cookie.
    pub async fn sign_in(&self) {
        let (status, body) = self
            .call(
                "auth/setup",
                &[
                    ("username", "budi"),
                    ("display_name", "Budi"),
                    ("password", "kuda-laut-biru-7"),
                    ("password_confirm", "kuda-laut-biru-7"),
                    (
                        "setup_code",
                        self.state.setup_code.as_deref().unwrap_or_default(),
                    ),
                ],
            )
            .await;
        assert!(status < 400, "setup failed: {status} {body}");
    }

    /// Calls a server function (`/api/<name>`, form-encoded as the browser does).
    pub async fn call(&self, name: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let resp = self
            .http
            .post(format!("{}/api/{name}", self.url))
            .header("Accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn call_ok(&self, name: &str, form: &[(&str, &str)]) -> Value {
        let (status, v) = self.call(name, form).await;
        assert_eq!(status, 200, "{name}: {v}");
        v
    }

    /// Calls until `done` holds (5 s at most).
    pub async fn poll(&self, name: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let v = self.call_ok(name, &[]).await;
            if done(&v) {
                return v;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{name} never got there: {v}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn page(&self, path: &str) -> (u16, String) {
        let resp = self
            .http
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    }

    pub async fn seed_send_item(&self, message_id: &str) {
        let now = "2026-11-26 00:00:00+00:00";
        let db = &self.state.db;
        db.execute_unprepared(&format!(
            "INSERT INTO send_jobs (kind, template_kind, wa_session, state, delay_ms, total, \
             created_at, updated_at) VALUES ('single', 'test', 'default', 'done', 0, 1, '{now}', '{now}')"
        ))
        .await
        .unwrap();
        db.execute_unprepared(&format!(
            "INSERT INTO send_items (job_id, template_kind, chat_id, wa_number, body, state, \
             next_attempt_at, wa_message_id, created_at, updated_at) VALUES ((SELECT MAX(id) FROM \
             send_jobs), 'test', 'x@c.us', 'x', 'x', 'sent', '{now}', '{message_id}', '{now}', '{now}')"
        ))
        .await
        .unwrap();
    }

    pub async fn item_ack(&self, message_id: &str) -> Option<i16> {
        let db = &self.state.db;
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT ack FROM send_items WHERE wa_message_id = '{message_id}'"),
            ))
            .await
            .unwrap()?;
        row.try_get::<Option<i16>>("", "ack").unwrap()
    }

    /// (status, me_id) of the `default` session row.
    pub async fn wa_row(&self) -> (Option<String>, Option<String>) {
        let row = app::server::waha::service::cached_status(&self.state.db, "default")
            .await
            .unwrap();
        row.map(|r| (r.status, r.me_id)).unwrap_or_default()
    }

    pub async fn stop(self) {
        self.stop.cancel();
        let _ = self.task.await;
    }
}

pub async fn sim_get(sim: &SimHandle, path: &str) -> Value {
    reqwest::get(format!("{}{path}", sim.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

pub async fn sim_post(sim: &SimHandle, path: &str, body: Value) -> Value {
    let resp = reqwest::Client::new()
        .post(format!("{}{path}", sim.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{path}: {}", resp.status());
    resp.json().await.unwrap_or(Value::Null)
}

/// A simulator whose `default` session is WORKING (started, then "scanned").
pub async fn working_sim(opts: server::waha_sim::SimOptions) -> SimHandle {
    let key = opts.api_key.clone();
    let sim = server::waha_sim::spawn(opts).await.unwrap();
    let http = reqwest::Client::new();
    let start = http
        .post(format!("{}/api/sessions/default/start", sim.url()))
        .header("X-Api-Key", key)
        .send()
        .await
        .unwrap();
    assert!(start.status().is_success(), "{}", start.status());
    for _ in 0..500 {
        if http
            .post(format!("{}/_sim/sessions/default/scan", sim.url()))
            .send()
            .await
            .unwrap()
            .status()
            .is_success()
        {
            return sim;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the sim never showed a QR");
}

/// Replaces the simulator's faults (camelCase JSON, missing = off).
pub async fn put_faults(sim: &SimHandle, faults: Value) {
    let r = reqwest::Client::new()
        .put(format!("{}/_sim/faults", sim.url()))
        .json(&faults)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
}

/// A list from the simulator's inspection API (`/_sim/messages`, `/_sim/requests`).
pub async fn sim_list(sim: &SimHandle, path: &str) -> Vec<Value> {
    reqwest::get(format!("{}{path}", sim.url()))
        .await
        .unwrap()
        .json::<Vec<Value>>()
        .await
        .unwrap()
}

/// A job of one message per number ("Tagihan untuk <number>"), paced `delay_ms` apart.
pub fn text_job(numbers: &[impl AsRef<str>], delay_ms: i64) -> app::server::engine::outbox::NewJob {
    use app::{
        domain::sending::{JobKind, Pacing},
        server::engine::outbox::{NewItem, NewJob},
    };
    NewJob {
        kind: JobKind::Bulk,
        template_kind: "invoice".into(),
        wa_session: "default".into(),
        pacing: Pacing {
            delay_ms,
            jitter_ms: 0,
        },
        description: None,
        created_by: None,
        items: numbers
            .iter()
            .map(|n| {
                let n = n.as_ref();
                NewItem {
                    invoice_id: None,
                    customer_id: None,
                    wa_number: n.to_owned(),
                    chat_id: format!("{n}@c.us"),
                    body: format!("Tagihan untuk {n}"),
                    statement_total: None,
                    customers: Vec::new(),
                }
            })
            .collect(),
    }
}

/// The simulator's messages: every number got exactly one, its own, and nobody else got any.
pub fn assert_each_once(msgs: &[Value], numbers: &[impl AsRef<str>]) {
    let mut per_chat = HashMap::<&str, Vec<&str>>::new();
    for m in msgs {
        per_chat
            .entry(m["chatId"].as_str().unwrap())
            .or_default()
            .push(m["text"].as_str().unwrap());
    }
    let twice: Vec<_> = per_chat.iter().filter(|(_, v)| v.len() > 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    for n in numbers {
        let n = n.as_ref();
        assert_eq!(
            per_chat.get(format!("{n}@c.us").as_str()).map(|v| v[0]),
            Some(format!("Tagihan untuk {n}").as_str()),
            "{n} did not get its message"
        );
    }
    assert_eq!(
        msgs.len(),
        numbers.len(),
        "messages to numbers never queued"
    );
}
