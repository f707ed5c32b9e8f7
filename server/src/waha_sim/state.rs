//! The simulator's memory: sessions and their state machine, what was sent, what was received.
//! Everything sits behind one `std::sync::Mutex` that is never held across an `.await`;
//! changes return the webhook events they cause, delivered after the lock is released.

use super::{Engine, Faults, SimOptions};
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

pub const STOPPED: &str = "STOPPED";
pub const STARTING: &str = "STARTING";
pub const SCAN_QR_CODE: &str = "SCAN_QR_CODE";
pub const WORKING: &str = "WORKING";
pub const FAILED: &str = "FAILED";

#[derive(Debug, Clone)]
pub struct Session {
    pub name: String,
    pub status: String,
    /// `SessionConfig` as last set (object), `null` when none.
    pub config: Value,
    /// The linked account while the session runs and is logged in.
    pub me: Option<Value>,
    /// Stored credentials: survive stop/start, cleared by logout. A start with them skips the QR.
    pub auth: Option<Value>,
    /// Bumped by every transition that must cancel pending timers (QR rotation, reconnect).
    pub generation: u64,
    pub qr: Option<String>,
    pub qr_index: u32,
    pub pairing_code: Option<String>,
    /// Most recent first, at most three (`payload.statuses`).
    pub statuses: VecDeque<(String, i64)>,
}

impl Session {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            status: STOPPED.to_owned(),
            config: Value::Null,
            me: None,
            auth: None,
            generation: 0,
            qr: None,
            qr_index: 0,
            pairing_code: None,
            statuses: VecDeque::new(),
        }
    }

    /// Started and not stopped: WAHA keeps such a session in its manager (FAILED included).
    pub fn running(&self) -> bool {
        self.status != STOPPED
    }

    /// `SessionInfo` as WAHA answers it; `engine` only on the single-session GET.
    pub fn info(&self, engine: Option<Engine>) -> Value {
        let mut v = json!({
            "name": self.name,
            "status": self.status,
            "config": self.config,
            "me": if self.status == STOPPED { Value::Null } else { self.me.clone().unwrap_or(Value::Null) },
            "presence": Value::Null,
            "timestamps": { "activity": Value::Null },
        });
        if let Some(e) = engine {
            v["engine"] = json!({ "engine": e.as_str() });
        }
        v
    }
}

/// A message accepted by `sendText`.
#[derive(Debug, Clone, Serialize)]
pub struct SentRecord {
    /// Serialised id: `true_<chatId>_<id>`.
    pub id: String,
    pub session: String,
    #[serde(rename = "chatId")]
    pub chat_id: String,
    pub text: String,
    /// Unix seconds.
    pub timestamp: i64,
    pub ack: i32,
    #[serde(rename = "ackName")]
    pub ack_name: &'static str,
}

/// One request the simulator received (the key's value is never kept, only whether it matched).
#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    pub seq: u64,
    /// Unix milliseconds.
    pub at: i64,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// `ok`, `wrong` or `missing`.
    pub api_key: &'static str,
    pub accept: Option<String>,
    pub body: Value,
    pub status: u16,
}

/// One webhook delivery attempt.
#[derive(Debug, Clone, Serialize)]
pub struct WebhookRecord {
    pub at: i64,
    pub url: String,
    pub event: String,
    pub session: String,
    #[serde(rename = "requestId")]
    pub request_id: String,
    pub signed: bool,
    /// The receiver's HTTP status, or `None` when it could not be reached.
    pub status: Option<u16>,
    pub error: Option<String>,
    pub payload: Value,
}

/// Where a session's events go: its `config.webhooks[]` plus the global hook.
#[derive(Debug, Clone)]
pub struct Hook {
    pub url: String,
    pub events: Vec<String>,
    pub hmac_key: Option<String>,
    pub headers: Vec<(String, String)>,
}

impl Hook {
    fn wants(&self, event: &str) -> bool {
        self.events.iter().any(|e| e == "*" || e == event)
    }
}

/// A webhook event ready to deliver.
#[derive(Debug, Clone)]
pub struct Event {
    pub hook: Hook,
    pub session: String,
    pub body: Value,
}

pub struct State {
    pub sessions: BTreeMap<String, Session>,
    pub messages: Vec<SentRecord>,
    pub requests: Vec<RequestRecord>,
    pub webhooks: Vec<WebhookRecord>,
    pub faults: Faults,
    pub not_on_whatsapp: BTreeSet<String>,
    pub rng: StdRng,
    /// Accepted `sendText` calls (the counter faults "after N sends" use).
    pub sends: u32,
    pub seq: u64,
}

impl State {
    pub fn new(opts: &SimOptions) -> Self {
        let mut sessions = BTreeMap::new();
        // WAHA Core: `default` exists from boot, STOPPED.
        if !opts.plus {
            sessions.insert("default".to_owned(), Session::new("default"));
        }
        Self {
            sessions,
            messages: Vec::new(),
            requests: Vec::new(),
            webhooks: Vec::new(),
            faults: opts.faults.clone(),
            not_on_whatsapp: opts.not_on_whatsapp.iter().map(|n| digits(n)).collect(),
            rng: StdRng::seed_from_u64(opts.faults.seed),
            sends: 0,
            seq: 0,
        }
    }

    /// Upper-case hex, like the ids WhatsApp gives (`3EB0…`).
    pub fn random_id(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b"0123456789ABCDEF"[self.rng.gen_range(0..16)]))
            .collect()
    }

    /// Changes a session's status; returns the `session.status` events it causes.
    pub fn set_status(&mut self, opts: &SimOptions, name: &str, status: &str) -> Vec<Event> {
        let Some(s) = self.sessions.get_mut(name) else {
            return Vec::new();
        };
        s.status = status.to_owned();
        if status != SCAN_QR_CODE {
            s.qr = None;
            s.pairing_code = None;
        }
        if status != WORKING {
            s.me = None;
        }
        s.statuses.push_front((status.to_owned(), now_ms()));
        s.statuses.truncate(3);
        let payload = json!({
            "name": name,
            "status": status,
            "statuses": s.statuses.iter().map(|(st, t)| json!({"status": st, "timestamp": t})).collect::<Vec<_>>(),
            "data": Value::Null,
        });
        self.events(opts, name, "session.status", payload)
    }

    /// The envelopes for `event` on `name`, one per hook that wants it.
    pub fn events(
        &mut self,
        opts: &SimOptions,
        name: &str,
        event: &str,
        payload: Value,
    ) -> Vec<Event> {
        let Some(s) = self.sessions.get(name) else {
            return Vec::new();
        };
        let mut hooks = session_hooks(&s.config);
        if let Some(url) = &opts.webhook_url {
            hooks.push(Hook {
                url: url.clone(),
                events: opts.webhook_events.clone(),
                hmac_key: opts.webhook_hmac_key.clone(),
                headers: Vec::new(),
            });
        }
        // WEBJS only emits message.ack with `config.webjs.tagsEventsOn` (reference §8).
        if event == "message.ack"
            && opts.engine == Engine::Webjs
            && s.config.pointer("/webjs/tagsEventsOn") != Some(&Value::Bool(true))
        {
            return Vec::new();
        }
        let metadata = s.config.get("metadata").cloned().unwrap_or(json!({}));
        let me = s.me.clone().unwrap_or(Value::Null);
        let mut out = Vec::new();
        for hook in hooks.into_iter().filter(|h| h.wants(event)) {
            let id = format!("evt_{}", self.random_id(26).to_ascii_lowercase());
            out.push(Event {
                hook,
                session: name.to_owned(),
                body: json!({
                    "id": id,
                    "timestamp": now_ms(),
                    "event": event,
                    "session": name,
                    "metadata": metadata,
                    "me": me,
                    "payload": payload,
                    "engine": opts.engine.as_str(),
                    "environment": {
                        "version": opts.version(),
                        "engine": opts.engine.as_str(),
                        "tier": opts.tier(),
                        "browser": Value::Null,
                    },
                }),
            });
        }
        out
    }
}

fn session_hooks(config: &Value) -> Vec<Hook> {
    let Some(list) = config.get("webhooks").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|h| {
            let url = h.get("url")?.as_str()?.to_owned();
            let events = h
                .get("events")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            let hmac_key = h
                .pointer("/hmac/key")
                .and_then(Value::as_str)
                .filter(|k| !k.is_empty())
                .map(str::to_owned);
            let headers = h
                .get("customHeaders")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| {
                            Some((
                                x.get("name")?.as_str()?.to_owned(),
                                x.get("value")?.as_str()?.to_owned(),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some(Hook {
                url,
                events,
                hmac_key,
                headers,
            })
        })
        .collect()
}

pub fn ack_name(ack: i32) -> &'static str {
    match ack {
        -1 => "ERROR",
        0 => "PENDING",
        1 => "SERVER",
        2 => "DEVICE",
        3 => "READ",
        4 => "PLAYED",
        _ => "UNKNOWN",
    }
}

/// International digits of a phone or chat id (`+62 812…`, `62812@c.us` → `62812…`).
pub fn digits(s: &str) -> String {
    s.split('@')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
