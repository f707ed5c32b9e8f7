//! The one state every axum handler and server function reaches.

use super::{
    Config,
    auth::limiter::LoginLimiter,
    engine::{Channel, EngineHandle},
    waha::WahaRuntime,
};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

/// Statement-page views one address may make at once (a family sharing one connection).
pub const LINK_BURST: u32 = 30;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub login_limiter: Arc<LoginLimiter>,
    /// Views of customers' statement pages (`/s/<token>`) per client address: a burst, then
    /// one every two seconds, so tokens cannot be tried in bulk.
    #[from_ref(skip)]
    pub link_limiter: Arc<LoginLimiter>,
    /// The WAHA connection pool (settings are read per use: they can change at run time).
    pub waha: Arc<WahaRuntime>,
    /// Wakes the sending engine when work is queued or changed.
    pub engine: EngineHandle,
    /// The WhatsApp side the engine sends through; `None` until WAHA is configured.
    pub channel: Option<Arc<dyn Channel>>,
    /// Cached "an owner exists"; it only ever turns true, so a stale `false` is re-checked.
    setup_done: Arc<AtomicBool>,
    /// Without `TAGIH_PUBLIC_URL` the Origin check can only compare against the Host header,
    /// which a DNS-rebinding page chooses; first-run setup then also needs this one-time code,
    /// printed to the server log at start (as Grafana and Jenkins do).
    pub setup_code: Option<Arc<str>>,
    /// The HMAC key of the device cookie, read from (or created in) `settings` once.
    device_key: Arc<tokio::sync::OnceCell<Vec<u8>>>,
}

impl AppState {
    pub fn new(config: Config, db: DatabaseConnection, leptos_options: LeptosOptions) -> Self {
        let login_limiter = Arc::new(LoginLimiter::new(config.login_burst, config.login_refill));
        Self {
            leptos_options,
            db,
            config: Arc::new(config),
            login_limiter,
            link_limiter: Arc::new(LoginLimiter::new(
                LINK_BURST,
                std::time::Duration::from_secs(2),
            )),
            waha: Arc::new(WahaRuntime::new()),
            engine: EngineHandle::default(),
            channel: None,
            setup_done: Arc::new(AtomicBool::new(false)),
            setup_code: None,
            device_key: Arc::new(tokio::sync::OnceCell::new()),
        }
        .with_setup_code()
    }

    fn with_setup_code(mut self) -> Self {
        if self.config.public_url.is_none() {
            use rand::Rng;
            // 12 characters from an alphabet without look-alikes: ~60 bits, typed once.
            const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
            let mut rng = rand::thread_rng();
            let code: String = (0..12)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect();
            self.setup_code = Some(code.into());
        }
        self
    }

    /// The device cookie's HMAC key.
    pub async fn device_key(&self) -> Result<Vec<u8>, sea_orm::DbErr> {
        self.device_key
            .get_or_try_init(|| async {
                let hex_key: String = super::settings::get_or_init(
                    &self.db,
                    super::auth::device::KEY_SETTING,
                    super::auth::device::new_key,
                )
                .await?;
                hex::decode(hex_key).map_err(|e| sea_orm::DbErr::Custom(e.to_string()))
            })
            .await
            .cloned()
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
