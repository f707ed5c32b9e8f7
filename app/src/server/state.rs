//! The one state every axum handler and server function reaches.

use super::{
    Config,
    auth::limiter::LoginLimiter,
    engine::{Channel, EngineHandle},
};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub login_limiter: Arc<LoginLimiter>,
    /// Wakes the sending engine when work is queued or changed.
    pub engine: EngineHandle,
    /// The WhatsApp side the engine sends through; `None` until WAHA is configured.
    pub channel: Option<Arc<dyn Channel>>,
    /// Cached "an owner exists"; it only ever turns true, so a stale `false` is re-checked.
    setup_done: Arc<AtomicBool>,
}

impl AppState {
    pub fn new(config: Config, db: DatabaseConnection, leptos_options: LeptosOptions) -> Self {
        let login_limiter = Arc::new(LoginLimiter::new(config.login_burst, config.login_refill));
        Self {
            leptos_options,
            db,
            config: Arc::new(config),
            login_limiter,
            engine: EngineHandle::default(),
            channel: None,
            setup_done: Arc::new(AtomicBool::new(false)),
        }
    }

    /// True once the first-run setup has created the owner account.
    pub async fn setup_done(&self) -> Result<bool, sea_orm::DbErr> {
        if self.setup_done.load(Ordering::Acquire) {
            return Ok(true);
        }
        let done = super::auth::service::user_count(&self.db).await? > 0;
        if done {
            self.setup_done.store(true, Ordering::Release);
        }
        Ok(done)
    }
}
