//! HTTP-level test harness: a real Tagih server (router, guard, sessions) on a free loopback
//! port over a test database, and a cookie-keeping client.

#![allow(dead_code)] // each test file uses a different part of the harness

use app::server::{AppState, Config, testing::TestDb};
use reqwest::{Client, Response, redirect::Policy};
use std::net::SocketAddr;
use tokio_util::sync::CancellationToken;

pub const OWNER: (&str, &str, &str) = ("budi", "Budi Santoso", "kuda-laut-biru-7");

pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub state: AppState,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
    db: Option<TestDb>,
}

impl TestApp {
    pub async fn start(db: TestDb) -> Self {
        Self::start_with(db, |_| {}).await
    }

    /// Starts with the default configuration adjusted by `tweak`.
    pub async fn start_with(db: TestDb, tweak: impl FnOnce(&mut Config)) -> Self {
        let url = db.url.clone();
        let mut config = Config::from_lookup(|k| (k == "DATABASE_URL").then(|| url.clone()))
            .expect("test config");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        config.bind = addr;
        // Tests that drive the schedule turn it on (or tick it themselves).
        config.scheduler = false;
        tweak(&mut config);
        let options = server::leptos_options(&config);
        let mut state = AppState::new(config, db.db.clone(), options);
        // As `server::prepare` does: the engine sends through WAHA.
        state.channel = Some(std::sync::Arc::new(app::server::waha::WahaChannel::new(
            state.db.clone(),
            state.config.clone(),
            state.waha.http.clone(),
        )));
        let stop = CancellationToken::new();
        let task = tokio::spawn({
            let (state, stop) = (state.clone(), stop.clone());
            async move {
                server::serve_on(listener, state, stop).await.unwrap();
            }
        });
        Self {
            addr,
            base: format!("http://{addr}"),
            state,
            stop,
            task,
            db: Some(db),
        }
    }

    pub async fn stop(mut self) {
        self.stop.cancel();
        let _ = (&mut self.task).await;
        if let Some(db) = self.db.take() {
            db.cleanup().await;
        }
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Calls a server function the way the app's own pages do (form-encoded POST, same Origin).
    pub async fn call(&self, client: &Client, path: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(self.url(path))
            .header("Origin", &self.base)
            .header("Accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Runs first-run setup; returns a client signed in as the owner.
    pub async fn owner(&self) -> Client {
        let c = self.client();
        let (username, name, password) = OWNER;
        let res = self
            .call(
                &c,
                "/api/auth/setup",
                &[
                    ("username", username),
                    ("display_name", name),
                    ("password", password),
                    ("password_confirm", password),
                    ("setup_code", self.setup_code()),
                ],
            )
            .await;
        assert!(res.status().is_success(), "setup failed: {}", res.status());
        c
    }

    /// The one-time setup code this server printed (empty when a public URL is configured).
    pub fn setup_code(&self) -> &str {
        self.state.setup_code.as_deref().unwrap_or_default()
    }

    pub async fn login(&self, client: &Client, username: &str, password: &str) -> Response {
        self.call(
            client,
            "/api/auth/login",
            &[("username", username), ("password", password)],
        )
        .await
    }
}

/// `name=value` of the session cookie a response sets.
pub fn session_cookie(r: &Response) -> String {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("tagih_sid=") || c.starts_with("__Host-tagih_sid="))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned()
}
