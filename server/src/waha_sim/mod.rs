//! `waha-sim`: a local WAHA written from `reference/waha-api.md`, for tests, end2end and demos.
//!
//! It serves what Tagih's client uses, with WAHA's status codes and body shapes: API-key auth,
//! sessions and their state machine (STOPPED → STARTING → SCAN_QR_CODE with a rotating QR →
//! WORKING, or FAILED when nobody scans), QR as PNG / base64 JSON / raw, pairing codes,
//! check-exists, sendText in the chosen engine's shape, chat messages, signed webhooks, and
//! fault injection. A control API under `/_sim/` "scans" the QR, injects faults and lists
//! everything received (see `docs-waha-sim.md`).
//!
//! Tests start it in-process with [`spawn`]; the binary is `server/src/bin/waha-sim.rs`.

mod api;
mod control;
pub mod state;
mod webhooks;

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{Request, State as AxState},
    http::{HeaderMap, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use state::{Event, FAILED, RequestRecord, SCAN_QR_CODE, STARTING, State, WORKING, now_ms};
use std::{
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// The engine whose response shapes the simulator speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "UPPERCASE")]
pub enum Engine {
    #[value(name = "WEBJS", alias = "webjs")]
    Webjs,
    #[value(name = "NOWEB", alias = "noweb")]
    Noweb,
    #[value(name = "GOWS", alias = "gows")]
    Gows,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Webjs => "WEBJS",
            Engine::Noweb => "NOWEB",
            Engine::Gows => "GOWS",
        }
    }
}

/// The status a session drops to mid-run (`--drop-to`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "UPPERCASE")]
pub enum DropTo {
    #[default]
    #[value(name = "STARTING", alias = "starting")]
    Starting,
    #[value(name = "FAILED", alias = "failed")]
    Failed,
}

/// Injected faults. Settable at start (flags) and at run time (`PUT /_sim/faults`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, clap::Args)]
#[serde(default, rename_all = "camelCase")]
pub struct Faults {
    /// Extra delay before every `/api` answer, in milliseconds.
    #[arg(long = "latency-ms", default_value_t = 0)]
    pub latency_ms: u64,
    /// Fraction (0..1) of `/api` requests answered with a 500, drawn from the seeded RNG.
    #[arg(long = "error-rate", default_value_t = 0.0)]
    pub error_rate: f64,
    /// RNG seed (error rate, ids, QR values): the same seed gives the same run.
    #[arg(long = "seed", default_value_t = 1)]
    pub seed: u64,
    /// After this many accepted sends, every send fails with WhatsApp's 463 (reach-out lock).
    #[arg(long = "reachout-after")]
    pub reachout_after: Option<u32>,
    /// check-exists and sendText fail with WhatsApp's `rate-overlimit`.
    #[arg(long = "rate-overlimit")]
    pub rate_overlimit: bool,
    /// After this many accepted sends, the session drops to `drop_to`.
    #[arg(long = "drop-after")]
    pub drop_after: Option<u32>,
    /// STARTING (reconnects by itself after the start delay) or FAILED (needs a restart).
    #[arg(long = "drop-to", value_enum, default_value_t = DropTo::Starting)]
    pub drop_to: DropTo,
    /// Sent messages never get an ack.
    #[arg(long = "never-ack")]
    pub never_ack: bool,
    /// Fraction (0..1) of accepted sends answered with a 500 although the message went out (a
    /// flapping session: devlikeapro/waha#1225, #552). Callers must look in the chat before
    /// sending again.
    #[arg(long = "lost-reply-rate", default_value_t = 0.0)]
    pub lost_reply_rate: f64,
    /// sendText waits this long after the message went out before it answers (WEBJS waits for
    /// WhatsApp's server): a caller that dies meanwhile cannot know the message was sent.
    #[arg(long = "reply-delay-ms", default_value_t = 0)]
    pub reply_delay_ms: u64,
    /// sendText answers 201 with an empty body (a WEBJS 2025.6.5 bug).
    #[arg(long = "empty-send-body")]
    pub empty_send_body: bool,
}

/// How the simulator behaves. Defaults are WAHA's own numbers.
#[derive(Debug, Clone, clap::Args)]
pub struct SimOptions {
    /// The API key every `/api` request must carry (`X-Api-Key` or `?x-api-key=`).
    #[arg(long, env = "WAHA_API_KEY")]
    pub api_key: String,
    /// Behave as WAHA Plus: many sessions, none at boot. Default: Core, only `default`.
    #[arg(long)]
    pub plus: bool,
    /// Response shapes of this engine.
    #[arg(long, value_enum, default_value_t = Engine::Webjs)]
    pub engine: Engine,
    /// An old WAHA (before 2024.9.1): no granular session API and no /api/server/version.
    #[arg(long)]
    pub legacy_api: bool,
    /// Version reported by /api/server/version (default 2026.9.1, or 2024.8.2 with --legacy-api).
    #[arg(long = "waha-version")]
    pub waha_version: Option<String>,
    /// STARTING lasts this long before WORKING (logged in) or SCAN_QR_CODE.
    #[arg(long, default_value_t = 1000)]
    pub start_delay_ms: u64,
    /// Lifetime of the first QR.
    #[arg(long, default_value_t = 60_000)]
    pub qr_first_ms: u64,
    /// Lifetime of each later QR.
    #[arg(long, default_value_t = 20_000)]
    pub qr_next_ms: u64,
    /// QRs shown before the session FAILS.
    #[arg(long, default_value_t = 6)]
    pub qr_max: u32,
    /// How long status-gated endpoints wait for the status before answering 422.
    #[arg(long, default_value_t = 5000)]
    pub status_wait_ms: u64,
    /// Extra time every stop takes (WAHA Core: 3 s).
    #[arg(long, default_value_t = 3000)]
    pub stop_delay_ms: u64,
    /// Delay between a send and each of its acks (SERVER, DEVICE, READ).
    #[arg(long, default_value_t = 500)]
    pub ack_delay_ms: u64,
    /// Numbers (international digits) that have no WhatsApp account. Repeat or comma-separate.
    #[arg(long, value_delimiter = ',')]
    pub not_on_whatsapp: Vec<String>,
    /// Global webhook URL (like WHATSAPP_HOOK_URL), on top of each session's own webhooks.
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// Events for the global webhook.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "session.status,message.ack"
    )]
    pub webhook_events: Vec<String>,
    /// HMAC key for the global webhook.
    #[arg(long)]
    pub webhook_hmac_key: Option<String>,
    /// The account a "scan" links when the control call names none.
    #[arg(long, default_value = "6281200000001@c.us")]
    pub me_id: String,
    #[arg(long, default_value = "Tagih Sim")]
    pub me_name: String,
    #[command(flatten)]
    pub faults: Faults,
}

impl SimOptions {
    /// Core, WEBJS, WAHA's timings, no faults.
    pub fn new(api_key: impl Into<String>) -> Self {
        Self {
            api_key: api_key.into(),
            plus: false,
            engine: Engine::Webjs,
            legacy_api: false,
            waha_version: None,
            start_delay_ms: 1000,
            qr_first_ms: 60_000,
            qr_next_ms: 20_000,
            qr_max: 6,
            status_wait_ms: 5000,
            stop_delay_ms: 3000,
            ack_delay_ms: 500,
            not_on_whatsapp: Vec::new(),
            webhook_url: None,
            webhook_events: vec!["session.status".into(), "message.ack".into()],
            webhook_hmac_key: None,
            me_id: "6281200000001@c.us".into(),
            me_name: "Tagih Sim".into(),
            faults: Faults {
                seed: 1,
                ..Faults::default()
            },
        }
    }

    /// Tiny timings for tests: everything happens within tens of milliseconds.
    pub fn fast(api_key: impl Into<String>) -> Self {
        Self {
            start_delay_ms: 20,
            qr_first_ms: 60_000,
            qr_next_ms: 20_000,
            status_wait_ms: 200,
            stop_delay_ms: 0,
            ack_delay_ms: 10,
            ..Self::new(api_key)
        }
    }

    pub fn version(&self) -> String {
        match &self.waha_version {
            Some(v) => v.clone(),
            None if self.legacy_api => "2024.8.2".into(),
            None => "2026.9.1".into(),
        }
    }

    pub fn tier(&self) -> &'static str {
        if self.plus { "PLUS" } else { "CORE" }
    }
}

pub struct Sim {
    pub opts: SimOptions,
    state: Mutex<State>,
    events: mpsc::UnboundedSender<Event>,
    started_ms: i64,
}

impl Sim {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in a handler must not take the whole simulator down with a poisoned lock.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues webhook events; one worker delivers them in order.
    pub fn deliver(&self, events: Vec<Event>) {
        for e in events {
            let _ = self.events.send(e);
        }
    }

    /// Moves a session to STARTING and runs its boot: WORKING when it holds a login, else
    /// SCAN_QR_CODE with a QR that rotates (first, then next, `qr_max` in all), then FAILED.
    pub fn start_session(self: &Arc<Self>, name: &str) {
        let (events, generation) = {
            let mut st = self.lock();
            let Some(s) = st.sessions.get_mut(name) else {
                return;
            };
            s.generation += 1;
            let generation = s.generation;
            (st.set_status(&self.opts, name, STARTING), generation)
        };
        self.deliver(events);
        tokio::spawn(boot(self.clone(), name.to_owned(), generation));
    }

    /// Ends timers and sets `status` (STOPPED, FAILED, ...).
    pub fn halt_session(&self, name: &str, status: &str) {
        let events = {
            let mut st = self.lock();
            let Some(s) = st.sessions.get_mut(name) else {
                return;
            };
            s.generation += 1;
            st.set_status(&self.opts, name, status)
        };
        self.deliver(events);
    }

    /// The mid-run drop: STARTING reconnects by itself; FAILED waits for a restart.
    pub fn drop_session(self: &Arc<Self>, name: &str, to: DropTo) {
        match to {
            DropTo::Starting => self.start_session(name),
            DropTo::Failed => self.halt_session(name, FAILED),
        }
    }
}

async fn boot(sim: Arc<Sim>, name: String, generation: u64) {
    tokio::time::sleep(Duration::from_millis(sim.opts.start_delay_ms)).await;
    let (events, logged_in) = {
        let mut st = sim.lock();
        let qr = format!("2@{},sim,{}", st.random_id(40), 0);
        let Some(s) = st.sessions.get_mut(&name) else {
            return;
        };
        if s.generation != generation {
            return;
        }
        if let Some(auth) = s.auth.clone() {
            // `me` first: the WORKING event carries it.
            s.me = Some(auth);
            (st.set_status(&sim.opts, &name, WORKING), true)
        } else {
            let ev = st.set_status(&sim.opts, &name, SCAN_QR_CODE);
            if let Some(s) = st.sessions.get_mut(&name) {
                s.qr = Some(qr);
                s.qr_index = 0;
            }
            (ev, false)
        }
    };
    sim.deliver(events);
    if logged_in {
        return;
    }
    for i in 1..=sim.opts.qr_max.max(1) {
        let life = if i == 1 {
            sim.opts.qr_first_ms
        } else {
            sim.opts.qr_next_ms
        };
        tokio::time::sleep(Duration::from_millis(life)).await;
        let events = {
            let mut st = sim.lock();
            let qr = format!("2@{},sim,{}", st.random_id(40), i);
            match st.sessions.get(&name) {
                Some(s) if s.generation == generation && s.status == SCAN_QR_CODE => {}
                _ => return,
            }
            if i < sim.opts.qr_max {
                // WAHA re-emits SCAN_QR_CODE on every rotation.
                let ev = st.set_status(&sim.opts, &name, SCAN_QR_CODE);
                if let Some(s) = st.sessions.get_mut(&name) {
                    s.qr = Some(qr);
                    s.qr_index = i;
                }
                ev
            } else {
                st.set_status(&sim.opts, &name, FAILED)
            }
        };
        sim.deliver(events);
    }
}

/// A running simulator (in-process). Stops when dropped or on [`SimHandle::stop`].
pub struct SimHandle {
    pub addr: SocketAddr,
    pub sim: Arc<Sim>,
    stop: CancellationToken,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl SimHandle {
    /// `http://127.0.0.1:<port>`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn stop(mut self) {
        self.stop.cancel();
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Starts a simulator on a free loopback port.
pub async fn spawn(opts: SimOptions) -> std::io::Result<SimHandle> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let stop = CancellationToken::new();
    let sim = new_sim(opts, stop.clone());
    let app = router(sim.clone());
    let s = stop.clone();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move { s.cancelled().await })
            .await;
    });
    Ok(SimHandle {
        addr,
        sim,
        stop,
        task: Some(task),
    })
}

/// Serves on `listener` until `stop` fires (the binary).
pub async fn serve(
    listener: tokio::net::TcpListener,
    opts: SimOptions,
    stop: CancellationToken,
) -> std::io::Result<()> {
    let sim = new_sim(opts, stop.clone());
    axum::serve(listener, router(sim))
        .with_graceful_shutdown(async move { stop.cancelled().await })
        .await
}

fn new_sim(opts: SimOptions, stop: CancellationToken) -> Arc<Sim> {
    let (tx, rx) = mpsc::unbounded_channel();
    let sim = Arc::new(Sim {
        state: Mutex::new(State::new(&opts)),
        opts,
        events: tx,
        started_ms: now_ms(),
    });
    tokio::spawn(webhooks::worker(Arc::downgrade(&sim), rx, stop));
    sim
}

pub fn router(sim: Arc<Sim>) -> Router {
    Router::new()
        .merge(api::routes(&sim.opts))
        .merge(control::routes())
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn_with_state(sim.clone(), gateway))
        .with_state(sim)
}

/// Everything a WAHA server does before the handler: the key check (on `/api` and `/health`;
/// `/ping` is open), injected latency and 5xx, and the record of the request.
async fn gateway(AxState(sim): AxState<Arc<Sim>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if path.starts_with("/_sim/") {
        return next.run(req).await;
    }
    let method = req.method().to_string();
    let query = req.uri().query().map(str::to_owned);
    let accept = req
        .headers()
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let key_state = key_state(req.headers(), query.as_deref(), &sim.opts.api_key);
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 50 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let body_json: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let req = Request::from_parts(parts, Body::from(Bytes::clone(&bytes)));

    let guarded = path.starts_with("/api/") || path == "/api" || path == "/health";
    let (latency, fail) = if guarded {
        let mut st = sim.lock();
        let rate = st.faults.error_rate;
        let fail = rate > 0.0 && rand::Rng::gen_bool(&mut st.rng, rate.clamp(0.0, 1.0));
        (st.faults.latency_ms, fail)
    } else {
        (0, false)
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let resp = if guarded && key_state != "ok" {
        (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"message": "Unauthorized", "statusCode": 401})),
        )
            .into_response()
    } else if fail {
        api::exception(&method, &path, &body_json, "Simulated internal error", None)
    } else {
        next.run(req).await
    };

    let mut st = sim.lock();
    st.seq += 1;
    let seq = st.seq;
    st.requests.push(RequestRecord {
        seq,
        at: now_ms(),
        method,
        path,
        query: query.map(|q| strip_key_param(&q)),
        api_key: key_state,
        accept,
        body: body_json,
        status: resp.status().as_u16(),
    });
    resp
}

fn key_state(headers: &HeaderMap, query: Option<&str>, expected: &str) -> &'static str {
    let given = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            query.and_then(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .find(|(k, _)| k == "x-api-key")
                    .map(|(_, v)| v.into_owned())
            })
        });
    match given {
        None => "missing",
        Some(g) if constant_time_eq(g.as_bytes(), expected.as_bytes()) => "ok",
        Some(_) => "wrong",
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The inspection log never keeps a key, even one sent as a query parameter.
fn strip_key_param(q: &str) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(url::form_urlencoded::parse(q.as_bytes()).filter(|(k, _)| k != "x-api-key"))
        .finish()
}
