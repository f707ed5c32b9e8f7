//! The simulator's own API under `/_sim/` (no key): act as the phone ("scan"), inject faults,
//! and list everything received, so tests can compare what was sent.

use super::{
    Faults, Sim,
    state::{FAILED, SCAN_QR_CODE, STARTING, STOPPED, WORKING, ack_name, digits},
};
use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

type S = State<Arc<Sim>>;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/_sim/state", get(state))
        .route("/_sim/sessions/{name}/scan", post(scan))
        .route("/_sim/sessions/{name}/status", post(force_status))
        .route("/_sim/faults", get(get_faults).put(put_faults))
        .route("/_sim/not-on-whatsapp", get(get_unknown).put(put_unknown))
        .route("/_sim/requests", get(requests))
        .route("/_sim/messages", get(messages))
        .route("/_sim/messages/{id}/ack", post(set_ack))
        .route("/_sim/webhooks", get(webhooks))
        .route("/_sim/clear", post(clear))
}

fn conflict(message: String) -> Response {
    (StatusCode::CONFLICT, Json(json!({"message": message}))).into_response()
}

async fn state(State(sim): S) -> Json<Value> {
    let st = sim.lock();
    Json(json!({
        "version": sim.opts.version(),
        "engine": sim.opts.engine.as_str(),
        "tier": sim.opts.tier(),
        "legacyApi": sim.opts.legacy_api,
        "sends": st.sends,
        "faults": st.faults,
        "sessions": st.sessions.values().map(|s| json!({
            "name": s.name,
            "status": s.status,
            "me": s.me,
            "loggedIn": s.auth.is_some(),
            "qr": s.qr,
            "qrIndex": s.qr_index,
            "pairingCode": s.pairing_code,
            "config": s.config,
        })).collect::<Vec<_>>(),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ScanBody {
    id: Option<String>,
    #[serde(rename = "pushName")]
    push_name: Option<String>,
}

/// The phone scanned the QR (or entered the pairing code): SCAN_QR_CODE → WORKING with `me`.
async fn scan(State(sim): S, Path(name): Path<String>, body: Option<Json<ScanBody>>) -> Response {
    let body = body.map(|b| b.0).unwrap_or_default();
    let me = json!({
        "id": body.id.unwrap_or_else(|| sim.opts.me_id.clone()),
        "pushName": body.push_name.unwrap_or_else(|| sim.opts.me_name.clone()),
    });
    let events = {
        let mut st = sim.lock();
        let Some(s) = st.sessions.get_mut(&name) else {
            return conflict(format!("no session '{name}'"));
        };
        if s.status != SCAN_QR_CODE {
            return conflict(format!(
                "session '{name}' is {}, not SCAN_QR_CODE",
                s.status
            ));
        }
        s.generation += 1;
        s.auth = Some(me.clone());
        s.me = Some(me);
        st.set_status(&sim.opts, &name, WORKING)
    };
    sim.deliver(events);
    let st = sim.lock();
    Json(st.sessions[&name].info(None)).into_response()
}

#[derive(Deserialize)]
struct StatusBody {
    status: String,
}

/// Forces a status mid-run: STARTING reconnects by itself (to WORKING when logged in);
/// FAILED and STOPPED stay until a start/restart; WORKING needs a login.
async fn force_status(
    State(sim): S,
    Path(name): Path<String>,
    Json(body): Json<StatusBody>,
) -> Response {
    let logged_in = match sim.lock().sessions.get(&name) {
        None => return conflict(format!("no session '{name}'")),
        Some(s) => s.auth.clone(),
    };
    match body.status.as_str() {
        STARTING => sim.start_session(&name),
        FAILED | STOPPED => sim.halt_session(&name, &body.status),
        WORKING => {
            let Some(me) = logged_in else {
                return conflict("WORKING needs a scanned session".into());
            };
            if let Some(s) = sim.lock().sessions.get_mut(&name) {
                s.me = Some(me);
            }
            sim.halt_session(&name, WORKING);
        }
        other => sim.halt_session(&name, other),
    }
    let st = sim.lock();
    Json(st.sessions[&name].info(None)).into_response()
}

async fn get_faults(State(sim): S) -> Json<Faults> {
    Json(sim.lock().faults.clone())
}

/// Replaces the faults (missing fields: none). A new seed restarts the RNG.
async fn put_faults(State(sim): S, Json(f): Json<Faults>) -> Json<Faults> {
    let mut st = sim.lock();
    if f.seed != st.faults.seed {
        st.rng = rand::SeedableRng::seed_from_u64(f.seed);
    }
    st.faults = f;
    Json(st.faults.clone())
}

async fn get_unknown(State(sim): S) -> Json<Vec<String>> {
    Json(sim.lock().not_on_whatsapp.iter().cloned().collect())
}

async fn put_unknown(State(sim): S, Json(list): Json<Vec<String>>) -> Json<Vec<String>> {
    let mut st = sim.lock();
    st.not_on_whatsapp = list.iter().map(|n| digits(n)).collect();
    Json(st.not_on_whatsapp.iter().cloned().collect())
}

async fn requests(State(sim): S) -> Json<Value> {
    Json(json!(sim.lock().requests))
}

async fn messages(State(sim): S) -> Json<Value> {
    Json(json!(sim.lock().messages))
}

async fn webhooks(State(sim): S) -> Json<Value> {
    Json(json!(sim.lock().webhooks))
}

#[derive(Deserialize)]
struct AckBody {
    ack: i32,
}

/// Sets a message's ack by hand (and sends its `message.ack`).
async fn set_ack(State(sim): S, Path(id): Path<String>, Json(body): Json<AckBody>) -> Response {
    let events = {
        let mut st = sim.lock();
        let Some(m) = st.messages.iter_mut().find(|m| m.id == id) else {
            return conflict(format!("no message '{id}'"));
        };
        m.ack = body.ack;
        m.ack_name = ack_name(body.ack);
        let (session, chat) = (m.session.clone(), m.chat_id.clone());
        st.events(
            &sim.opts,
            &session,
            "message.ack",
            json!({"id": id, "from": chat, "to": Value::Null, "participant": Value::Null,
                   "fromMe": true, "ack": body.ack, "ackName": ack_name(body.ack)}),
        )
    };
    sim.deliver(events);
    StatusCode::NO_CONTENT.into_response()
}

/// Forgets received requests, messages and webhook deliveries (sessions stay).
async fn clear(State(sim): S) -> StatusCode {
    let mut st = sim.lock();
    st.requests.clear();
    st.messages.clear();
    st.webhooks.clear();
    st.sends = 0;
    StatusCode::NO_CONTENT
}
