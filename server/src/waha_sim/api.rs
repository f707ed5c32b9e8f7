//! WAHA's own endpoints, answering with WAHA's status codes and body shapes (reference §0–§10).

// Checks return the finished WAHA error response as `Err`, to be returned as is.
#![expect(clippy::result_large_err)]

use super::{
    Engine, Sim, SimOptions,
    state::{SCAN_QR_CODE, STOPPED, SentRecord, Session, WORKING, ack_name, digits, now_ms},
};
use axum::{
    Json, Router,
    extract::{OriginalUri, Path, Query, State},
    http::{HeaderMap, Method, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{Value, json};
use std::{collections::HashMap, sync::Arc, time::Duration};

type S = State<Arc<Sim>>;

pub fn routes(opts: &SimOptions) -> Router<Arc<Sim>> {
    let r = Router::new()
        .route("/ping", get(|| async { Json(json!({"message": "pong"})) }))
        .route("/health", get(health))
        .route("/api/version", get(version))
        .route("/api/server/status", get(server_status))
        .route("/api/sessions/{session}/me", get(get_me))
        // Deprecated session API (still served by every version).
        .route("/api/sessions/start", post(legacy_start))
        .route("/api/sessions/stop", post(legacy_stop))
        .route("/api/sessions/logout", post(legacy_logout))
        .route("/api/{session}/auth/qr", get(qr))
        .route("/api/{session}/auth/request-code", post(request_code))
        .route("/api/sendText", post(send_text))
        .route("/api/contacts/check-exists", get(check_exists))
        .route(
            "/api/{session}/chats/{chat_id}/messages",
            get(chat_messages),
        );
    let r = if opts.legacy_api {
        r.route("/api/sessions", get(list_sessions))
            .route("/api/sessions/{session}", get(get_session))
    } else {
        // The granular API, added in 2024.9.1.
        r.route("/api/server/version", get(version))
            .route("/api/sessions", get(list_sessions).post(create_session))
            .route(
                "/api/sessions/{session}",
                get(get_session).put(update_session).delete(delete_session),
            )
            .route("/api/sessions/{session}/start", post(start))
            .route("/api/sessions/{session}/stop", post(stop))
            .route("/api/sessions/{session}/restart", post(restart))
            .route("/api/sessions/{session}/logout", post(logout))
    };
    r.method_not_allowed_fallback(not_found)
}

// ---- error shapes ------------------------------------------------------------------------------

/// NestJS `HttpException` with a string message.
fn nest(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({
            "message": message,
            "error": status.canonical_reason().unwrap_or_default(),
            "statusCode": status.as_u16(),
        })),
    )
        .into_response()
}

/// Unknown route (or method): NestJS's 404 `Cannot GET /path`.
pub async fn not_found(method: Method, OriginalUri(uri): OriginalUri) -> Response {
    nest(
        StatusCode::NOT_FOUND,
        &format!("Cannot {} {}", method, uri.path()),
    )
}

/// Any non-HTTP exception (engine and WhatsApp errors): 500 with WAHA's envelope.
pub fn exception(
    method: &str,
    path: &str,
    body: &Value,
    message: &str,
    data: Option<Value>,
) -> Response {
    let mut exc = json!({
        "message": message,
        "name": "Error",
        "stack": format!("Error: {message}\n    at Simulator"),
    });
    if let Some(d) = data {
        exc["data"] = d;
    }
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(json!({
            "statusCode": 500,
            "timestamp": chrono::Utc::now().to_rfc3339(),
            "exception": exc,
            "request": {"path": path, "method": method, "body": body, "query": {}},
            "version": {"version": "sim", "engine": "sim", "tier": "CORE"},
        })),
    )
        .into_response()
}

/// The status gate's 422: the object as-is, without `statusCode` (reference §5).
fn gate(session: &str, status: &str, expected: &[&str]) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({
            "error": "Session status is not as expected. Try again later or restart the session",
            "session": session,
            "status": status,
            "expected": expected,
        })),
    )
        .into_response()
}

fn core_only_default(name: &str) -> Response {
    let b64 = base64::engine::general_purpose::STANDARD.encode(name);
    nest(
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!(
            "WAHA Core support only 'default' session. You tried to access '{name}' session \
             (base64: {b64}). If you want to run more then one WhatsApp account - please get \
             WAHA PLUS version. Check this out: https://waha.devlike.pro/"
        ),
    )
}

fn session_not_found() -> Response {
    nest(StatusCode::NOT_FOUND, "Session not found")
}

fn not_started(name: &str) -> Response {
    nest(
        StatusCode::NOT_FOUND,
        &format!(
            "We didn't find a session with name '{name}'.\nPlease start it first by using POST \
             /api/sessions/{name}/start request"
        ),
    )
}

fn created(v: Value) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

fn created_empty() -> Response {
    StatusCode::CREATED.into_response()
}

// ---- checks ------------------------------------------------------------------------------------

impl Sim {
    fn name_allowed(&self, name: &str) -> Result<(), Response> {
        if !self.opts.plus && name != "default" {
            return Err(core_only_default(name));
        }
        Ok(())
    }

    fn info(&self, name: &str, with_engine: bool) -> Option<Value> {
        let engine = with_engine.then_some(self.opts.engine);
        self.lock().sessions.get(name).map(|s| s.info(engine))
    }

    /// A session-bound call: the session must be started, then reach one of `expected` within
    /// the status wait (500 ms polls), else 422.
    async fn wait_status(&self, name: &str, expected: &[&str]) -> Result<(), Response> {
        self.name_allowed(name)?;
        let deadline =
            tokio::time::Instant::now() + Duration::from_millis(self.opts.status_wait_ms);
        let poll = Duration::from_millis((self.opts.status_wait_ms / 10).clamp(5, 500));
        loop {
            let status = match self.lock().sessions.get(name) {
                Some(s) if s.running() => s.status.clone(),
                _ => return Err(not_started(name)),
            };
            if expected.contains(&status.as_str()) {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(gate(name, &status, expected));
            }
            tokio::time::sleep(poll).await;
        }
    }

    async fn stop_delay(&self) {
        if self.opts.stop_delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(self.opts.stop_delay_ms)).await;
        }
    }
}

// ---- server ------------------------------------------------------------------------------------

async fn health(State(sim): S) -> Response {
    if sim.opts.plus {
        Json(json!({"status": "ok", "info": {}, "error": {}, "details": {}})).into_response()
    } else {
        nest(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The feature is available only in Plus version. Check this out: https://waha.devlike.pro/",
        )
    }
}

async fn version(State(sim): S) -> Json<Value> {
    Json(json!({
        "version": sim.opts.version(),
        "engine": sim.opts.engine.as_str(),
        "tier": sim.opts.tier(),
        "browser": if sim.opts.engine == Engine::Webjs { json!("/usr/bin/chromium") } else { Value::Null },
        "platform": "linux/x64",
        "worker": {"id": Value::Null},
    }))
}

async fn server_status(State(sim): S) -> Json<Value> {
    Json(json!({
        "startTimestamp": sim.started_ms,
        "uptime": now_ms() - sim.started_ms,
        "worker": {"id": Value::Null},
    }))
}

// ---- sessions ----------------------------------------------------------------------------------

#[derive(Deserialize)]
struct AllQuery {
    #[serde(default)]
    all: Option<String>,
}

async fn list_sessions(State(sim): S, Query(q): Query<AllQuery>) -> Json<Value> {
    let all = q.all.as_deref() == Some("true");
    let st = sim.lock();
    Json(Value::Array(
        st.sessions
            .values()
            .filter(|s| all || s.running())
            .map(|s| s.info(None))
            .collect(),
    ))
}

async fn get_session(State(sim): S, Path(name): Path<String>) -> Response {
    if let Err(r) = sim.name_allowed(&name) {
        return r;
    }
    match sim.info(&name, true) {
        Some(v) => Json(v).into_response(),
        None => session_not_found(),
    }
}

async fn get_me(State(sim): S, Path(name): Path<String>) -> Response {
    if let Err(r) = sim.name_allowed(&name) {
        return r;
    }
    let st = sim.lock();
    match st.sessions.get(&name) {
        Some(s) if s.status == WORKING => Json(s.me.clone().unwrap_or(Value::Null)).into_response(),
        Some(_) => Json(Value::Null).into_response(),
        None => session_not_found(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CreateBody {
    name: Option<String>,
    config: Option<Value>,
    start: Option<bool>,
}

async fn create_session(State(sim): S, body: Option<Json<CreateBody>>) -> Response {
    let body = body.map(|b| b.0).unwrap_or_default();
    let name = {
        let mut st = sim.lock();
        body.name
            .clone()
            .unwrap_or_else(|| format!("session_{}", st.random_id(8).to_ascii_lowercase()))
    };
    if let Err(r) = sim.name_allowed(&name) {
        return r;
    }
    {
        let mut st = sim.lock();
        if st.sessions.contains_key(&name) {
            return nest(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("Session '{name}' already exists. Use PUT to update it."),
            );
        }
        let mut s = Session::new(&name);
        s.config = body.config.unwrap_or(Value::Null);
        st.sessions.insert(name.clone(), s);
    }
    // The 2024.10.8 code: `request.start || false`.
    if body.start == Some(true) {
        sim.start_session(&name);
    }
    created(sim.info(&name, false).unwrap_or(Value::Null))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UpdateBody {
    config: Option<Value>,
}

async fn update_session(
    State(sim): S,
    Path(name): Path<String>,
    body: Option<Json<UpdateBody>>,
) -> Response {
    if let Err(r) = sim.name_allowed(&name) {
        return r;
    }
    let running = {
        let mut st = sim.lock();
        let Some(s) = st.sessions.get_mut(&name) else {
            return session_not_found();
        };
        s.config = body.and_then(|b| b.0.config).unwrap_or(Value::Null);
        s.running()
    };
    // A running session is stopped and started again with the new config.
    if running {
        sim.halt_session(&name, STOPPED);
        sim.stop_delay().await;
        sim.start_session(&name);
    }
    Json(sim.info(&name, false).unwrap_or(Value::Null)).into_response()
}

async fn delete_session(State(sim): S, Path(name): Path<String>) -> Response {
    if let Err(r) = sim.name_allowed(&name) {
        return r;
    }
    let existed = {
        let st = sim.lock();
        st.sessions.get(&name).map(Session::running)
    };
    if existed == Some(true) {
        sim.halt_session(&name, STOPPED);
        sim.stop_delay().await;
    }
    sim.lock().sessions.remove(&name);
    StatusCode::OK.into_response()
}

async fn start(State(sim): S, Path(name): Path<String>) -> Response {
    if let Err(r) = sim.name_allowed(&name) {
        return r;
    }
    let running = match sim.lock().sessions.get(&name) {
        None => return session_not_found(),
        Some(s) => s.running(),
    };
    if running {
        // Core throws; Plus treats start as idempotent.
        if !sim.opts.plus {
            return nest(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("Session '{name}' is already started."),
            );
        }
    } else {
        sim.start_session(&name);
    }
    created(sim.info(&name, false).unwrap_or(Value::Null))
}

async fn stop(State(sim): S, Path(name): Path<String>) -> Response {
    if let Err(r) = sim.name_allowed(&name) {
        return r;
    }
    let exists = sim.lock().sessions.contains_key(&name);
    if !exists {
        return session_not_found();
    }
    sim.halt_session(&name, STOPPED);
    sim.stop_delay().await;
    created(sim.info(&name, false).unwrap_or(Value::Null))
}

async fn restart(State(sim): S, Path(name): Path<String>) -> Response {
    if let Err(r) = sim.name_allowed(&name) {
        return r;
    }
    let exists = sim.lock().sessions.contains_key(&name);
    if !exists {
        return session_not_found();
    }
    sim.halt_session(&name, STOPPED);
    sim.stop_delay().await;
    sim.start_session(&name);
    created(sim.info(&name, false).unwrap_or(Value::Null))
}

async fn logout(State(sim): S, Path(name): Path<String>) -> Response {
    if let Err(r) = sim.name_allowed(&name) {
        return r;
    }
    let running = {
        let mut st = sim.lock();
        let Some(s) = st.sessions.get_mut(&name) else {
            return session_not_found();
        };
        s.auth = None;
        s.me = None;
        s.running()
    };
    if running {
        // Unlinked, then started fresh: ends in SCAN_QR_CODE.
        sim.halt_session(&name, STOPPED);
        sim.stop_delay().await;
        sim.start_session(&name);
    }
    created(sim.info(&name, false).unwrap_or(Value::Null))
}

// ---- deprecated session API --------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default)]
struct LegacyBody {
    name: Option<String>,
    config: Option<Value>,
    logout: Option<bool>,
}

async fn legacy_start(State(sim): S, body: Option<Json<LegacyBody>>) -> Response {
    let body = body.map(|b| b.0).unwrap_or_default();
    let name = body.name.unwrap_or_else(|| "default".into());
    if let Err(r) = sim.name_allowed(&name) {
        return r;
    }
    {
        let mut st = sim.lock();
        let s = st
            .sessions
            .entry(name.clone())
            .or_insert_with(|| Session::new(&name));
        if s.running() {
            return nest(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("Session '{name}' is already started."),
            );
        }
        if let Some(c) = body.config {
            s.config = c;
        }
    }
    sim.start_session(&name);
    let st = sim.lock();
    let s = &st.sessions[&name];
    created(json!({"name": s.name, "status": s.status, "config": s.config}))
}

async fn legacy_stop(State(sim): S, body: Option<Json<LegacyBody>>) -> Response {
    let body = body.map(|b| b.0).unwrap_or_default();
    let name = body.name.unwrap_or_else(|| "default".into());
    if let Err(r) = sim.name_allowed(&name) {
        return r;
    }
    let exists = sim.lock().sessions.contains_key(&name);
    if exists {
        sim.halt_session(&name, STOPPED);
        sim.stop_delay().await;
        if body.logout == Some(true) {
            sim.lock().sessions.remove(&name);
        }
    }
    created_empty()
}

async fn legacy_logout(State(sim): S, body: Option<Json<LegacyBody>>) -> Response {
    let body = body.map(|b| b.0).unwrap_or_default();
    let name = body.name.unwrap_or_else(|| "default".into());
    if let Err(r) = sim.name_allowed(&name) {
        return r;
    }
    let exists = sim.lock().sessions.contains_key(&name);
    if exists {
        sim.halt_session(&name, STOPPED);
        sim.stop_delay().await;
        sim.lock().sessions.remove(&name);
    }
    created_empty()
}

// ---- QR and pairing code -----------------------------------------------------------------------

#[derive(Deserialize)]
struct QrQuery {
    format: Option<String>,
}

async fn qr(
    State(sim): S,
    Path(name): Path<String>,
    Query(q): Query<QrQuery>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = sim.wait_status(&name, &[SCAN_QR_CODE]).await {
        return r;
    }
    let Some(value) = sim.lock().sessions.get(&name).and_then(|s| s.qr.clone()) else {
        return gate(&name, "STARTING", &[SCAN_QR_CODE]);
    };
    if q.format.as_deref() == Some("raw") {
        return Json(json!({"value": value})).into_response();
    }
    let png = match qr_png(&value) {
        Ok(p) => p,
        Err(e) => return exception("GET", "/auth/qr", &Value::Null, &e, None),
    };
    // WAHA compares the header with this exact string.
    if headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) == Some("application/json") {
        return Json(json!({
            "mimetype": "image/png",
            "data": base64::engine::general_purpose::STANDARD.encode(&png),
        }))
        .into_response();
    }
    ([(header::CONTENT_TYPE, "image/png")], png).into_response()
}

fn qr_png(value: &str) -> Result<Vec<u8>, String> {
    let code = qrcode::QrCode::new(value.as_bytes()).map_err(|e| e.to_string())?;
    let img = code
        .render::<image::Luma<u8>>()
        .min_dimensions(264, 264)
        .build();
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeBody {
    #[serde(rename = "phoneNumber")]
    phone_number: Option<String>,
    method: Option<Value>,
}

async fn request_code(
    State(sim): S,
    Path(name): Path<String>,
    body: Option<Json<CodeBody>>,
) -> Response {
    let body = body.map(|b| b.0).unwrap_or_default();
    if sim.opts.engine == Engine::Noweb && body.method.as_ref().is_some_and(|m| !m.is_null()) {
        return nest(
            StatusCode::UNPROCESSABLE_ENTITY,
            "NOWEB engine doesn't support any 'method'",
        );
    }
    if let Err(r) = sim.wait_status(&name, &[SCAN_QR_CODE]).await {
        return r;
    }
    let phone = digits(body.phone_number.as_deref().unwrap_or_default());
    if phone.is_empty() {
        return exception(
            "POST",
            &format!("/api/{name}/auth/request-code"),
            &Value::Null,
            "phoneNumber is required",
            None,
        );
    }
    let mut st = sim.lock();
    let letters: String = st
        .random_id(8)
        .chars()
        .map(|c| char::from(b'A' + (c.to_digit(16).unwrap_or(0) as u8 % 26)))
        .collect();
    let code = format!("{}-{}", &letters[..4], &letters[4..]);
    if let Some(s) = st.sessions.get_mut(&name) {
        s.pairing_code = Some(code.clone());
    }
    created(json!({"code": code}))
}

// ---- messages ----------------------------------------------------------------------------------

async fn send_text(State(sim): S, body: Option<Json<Value>>) -> Response {
    let body = body.map(|b| b.0).unwrap_or(Value::Null);
    let session = body
        .get("session")
        .and_then(Value::as_str)
        .unwrap_or("default")
        .to_owned();
    if let Err(r) = sim.wait_status(&session, &[WORKING]).await {
        return r;
    }
    let fail =
        |msg: &str, data: Option<Value>| exception("POST", "/api/sendText", &body, msg, data);
    let (Some(chat_id), Some(text)) = (
        body.get("chatId").and_then(Value::as_str),
        body.get("text").and_then(Value::as_str),
    ) else {
        return fail(
            "Cannot read properties of undefined (reading 'includes')",
            None,
        );
    };
    // WAHA appends @c.us to a bare number.
    let chat_id = if chat_id.contains('@') {
        chat_id.to_owned()
    } else {
        format!("{chat_id}@c.us")
    };
    let number = digits(&chat_id);
    let engine = sim.opts.engine;

    let (record, me_id, silent, drop_to) = {
        let mut st = sim.lock();
        if st.faults.rate_overlimit {
            drop(st);
            return fail("rate-overlimit", Some(json!(429)));
        }
        if st.faults.reachout_after.is_some_and(|n| st.sends >= n) {
            drop(st);
            return fail("2 UNKNOWN: server returned error 463", None);
        }
        let unknown = st.not_on_whatsapp.contains(&number);
        if unknown {
            match engine {
                Engine::Webjs => {
                    drop(st);
                    return fail("No LID for user", None);
                }
                Engine::Gows => {
                    drop(st);
                    return fail(
                        &format!("2 UNKNOWN: no LID found for {number}@s.whatsapp.net from server"),
                        None,
                    );
                }
                // Baileys accepts it; it simply never arrives (no ack).
                Engine::Noweb => {}
            }
        }
        let raw_id = format!("3EB0{}", st.random_id(16));
        let record = SentRecord {
            id: format!("true_{chat_id}_{raw_id}"),
            session: session.clone(),
            chat_id: chat_id.clone(),
            text: text.to_owned(),
            timestamp: now_ms() / 1000,
            ack: 0,
            ack_name: ack_name(0),
        };
        st.messages.push(record.clone());
        st.sends += 1;
        let drop_to = st
            .faults
            .drop_after
            .filter(|n| st.sends == *n)
            .map(|_| st.faults.drop_to);
        let me_id = st
            .sessions
            .get(&session)
            .and_then(|s| s.me.as_ref())
            .and_then(|m| m.get("id"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        (
            (record, raw_id),
            me_id,
            st.faults.never_ack || unknown,
            drop_to,
        )
    };
    let (record, raw_id) = record;

    let any = {
        let mut st = sim.lock();
        st.events(
            &sim.opts,
            &session,
            "message.any",
            json!({
                "id": record.id, "timestamp": record.timestamp, "from": me_id, "fromMe": true,
                "source": "api", "to": chat_id, "body": text, "hasMedia": false,
                "ack": 0, "ackName": "PENDING",
            }),
        )
    };
    sim.deliver(any);
    if !silent {
        tokio::spawn(acks(
            sim.clone(),
            session.clone(),
            record.id.clone(),
            chat_id.clone(),
            me_id.clone(),
        ));
    }
    if let Some(to) = drop_to {
        sim.drop_session(&session, to);
    }

    let reply_delay = sim.lock().faults.reply_delay_ms;
    if reply_delay > 0 {
        tokio::time::sleep(Duration::from_millis(reply_delay)).await;
    }
    let lost = {
        let mut st = sim.lock();
        let rate = st.faults.lost_reply_rate;
        rate > 0.0 && rand::Rng::gen_bool(&mut st.rng, rate.clamp(0.0, 1.0))
    };
    if lost {
        return fail("Simulated internal error after sending", None);
    }
    if sim.lock().faults.empty_send_body {
        return created_empty();
    }
    let ts = record.timestamp;
    created(match engine {
        Engine::Noweb => json!({
            "key": {"remoteJid": format!("{number}@s.whatsapp.net"), "fromMe": true, "id": raw_id},
            "message": {"extendedTextMessage": {"text": text}},
            "messageTimestamp": ts.to_string(),
            "status": "PENDING",
        }),
        Engine::Gows => json!({
            "id": record.id,
            "_data": {"Info": {"ID": raw_id, "Chat": format!("{number}@s.whatsapp.net"), "IsFromMe": true,
                               "Timestamp": chrono::Utc::now().to_rfc3339()},
                      "Message": {"conversation": text}},
        }),
        Engine::Webjs => json!({
            "id": {"fromMe": true, "remote": chat_id, "id": raw_id, "_serialized": record.id},
            "ack": 0, "hasMedia": false, "body": text, "type": "chat", "timestamp": ts,
            "from": me_id, "to": chat_id, "deviceType": "web", "isForwarded": false,
            "_data": {"id": {"fromMe": true, "remote": chat_id, "id": raw_id, "_serialized": record.id},
                      "body": text, "type": "chat", "t": ts},
        }),
    })
}

/// SERVER → DEVICE → READ, one `ack_delay` apart, each as a `message.ack` webhook.
async fn acks(sim: Arc<Sim>, session: String, id: String, chat_id: String, me_id: String) {
    for ack in 1..=3 {
        tokio::time::sleep(Duration::from_millis(sim.opts.ack_delay_ms)).await;
        let events = {
            let mut st = sim.lock();
            if st.faults.never_ack {
                return;
            }
            let Some(m) = st.messages.iter_mut().find(|m| m.id == id) else {
                return;
            };
            if m.ack >= ack {
                continue;
            }
            m.ack = ack;
            m.ack_name = ack_name(ack);
            st.events(
                &sim.opts,
                &session,
                "message.ack",
                json!({"id": id, "from": chat_id, "to": me_id, "participant": Value::Null,
                       "fromMe": true, "ack": ack, "ackName": ack_name(ack)}),
            )
        };
        sim.deliver(events);
    }
}

#[derive(Deserialize)]
struct CheckQuery {
    phone: Option<String>,
    session: Option<String>,
}

async fn check_exists(State(sim): S, Query(q): Query<CheckQuery>) -> Response {
    let session = q.session.unwrap_or_else(|| "default".into());
    if let Err(r) = sim.wait_status(&session, &[WORKING]).await {
        return r;
    }
    let number = digits(q.phone.as_deref().unwrap_or_default());
    let st = sim.lock();
    if st.faults.rate_overlimit {
        drop(st);
        return exception(
            "GET",
            "/api/contacts/check-exists",
            &Value::Null,
            "rate-overlimit",
            Some(json!(429)),
        );
    }
    if number.is_empty() || st.not_on_whatsapp.contains(&number) {
        return Json(if sim.opts.engine == Engine::Gows {
            json!({"numberExists": false, "chatId": Value::Null})
        } else {
            json!({"numberExists": false})
        })
        .into_response();
    }
    Json(json!({"numberExists": true, "chatId": format!("{number}@c.us")})).into_response()
}

async fn chat_messages(
    State(sim): S,
    Path((session, chat_id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = sim.wait_status(&session, &[WORKING]).await {
        return r;
    }
    let limit: usize = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(100);
    let st = sim.lock();
    let me_id = st
        .sessions
        .get(&session)
        .and_then(|s| s.me.as_ref())
        .and_then(|m| m.get("id"))
        .cloned()
        .unwrap_or(Value::Null);
    // Newest first, like WAHA's default sort.
    let list: Vec<Value> = st
        .messages
        .iter()
        .rev()
        .filter(|m| m.session == session && m.chat_id == chat_id)
        .take(limit)
        .map(|m| {
            json!({
                "id": m.id, "timestamp": m.timestamp, "from": me_id, "fromMe": true,
                "source": "api", "to": m.chat_id, "body": m.text, "hasMedia": false,
                "ack": m.ack, "ackName": m.ack_name,
            })
        })
        .collect();
    Json(Value::Array(list)).into_response()
}
