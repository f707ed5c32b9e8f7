//! Helpers shared by the production tests.

#![allow(dead_code)] // each module uses a different part

use app::server::{AppState, Config};
use serde_json::Value;
use server::waha_sim::{self, SimHandle, SimOptions};
use std::{collections::HashMap, path::Path, time::Duration};
use tokio_util::sync::CancellationToken;

pub const KEY: &str = "kunci-prod-test-0123456789";

/// A simulator whose `default` session is WORKING.
pub async fn working_sim() -> SimHandle {
    let sim = waha_sim::spawn(SimOptions::fast(KEY)).await.unwrap();
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/api/sessions/default/start", sim.url()))
        .header("X-Api-Key", KEY)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    for _ in 0..500 {
        let r = http
            .post(format!("{}/_sim/sessions/default/scan", sim.url()))
            .send()
            .await
            .unwrap();
        if r.status().is_success() {
            return sim;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the sim never showed a QR");
}

pub async fn sim_messages(sim: &SimHandle) -> usize {
    reqwest::get(format!("{}/_sim/messages", sim.url()))
        .await
        .unwrap()
        .json::<Vec<Value>>()
        .await
        .unwrap()
        .len()
}

/// A running Tagih (router, engine, backups) on `database_url`, on a free loopback port.
pub struct Server {
    pub url: String,
    pub state: AppState,
    pub http: reqwest::Client,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    pub async fn start(env: &[(&str, &str)]) -> Self {
        let mut map: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // The schedule acts only in the tests that drive it.
        map.entry("TAGIH_SCHEDULER".into())
            .or_insert_with(|| "off".into());
        let config = Config::from_lookup(|k| map.get(k).cloned()).unwrap();
        let state = server::prepare(config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
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
        }
    }

    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// First-run setup: the owner, signed in.
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

    pub async fn stop(self) {
        self.stop.cancel();
        let _ = self.task.await;
    }
}

/// `sqlite://<dir>/<name>?mode=rwc`
pub fn sqlite_url(dir: &Path, name: &str) -> String {
    format!("sqlite://{}?mode=rwc", dir.join(name).display())
}

/// The `tagih` binary of this build, in an empty folder and a clean environment.
pub fn tagih(args: &[&str], env: &[(&str, &str)], dir: &Path) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_tagih"));
    c.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(dir)
        .kill_on_drop(true);
    for (k, v) in env {
        c.env(k, v);
    }
    c
}
