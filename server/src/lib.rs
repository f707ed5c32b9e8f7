//! The `tagih` server: the axum router (pages, server functions, health), the request guard
//! (sign-in and same-origin checks), background housekeeping and graceful shutdown.

// The pages' view types nest deeply; their layout is computed where the router is built.
#![recursion_limit = "256"]

pub mod assets;
pub mod backup;
#[cfg(feature = "bench")]
pub mod bench;
#[cfg(feature = "bench")]
pub mod bench_engine;
#[cfg(feature = "bench")]
pub mod bench_server;
pub mod check;
pub mod demo;
pub mod guard;
pub mod scheduler;
pub mod security;
pub mod seed;
pub mod statement_page;
pub mod waha_sim;
pub mod webhook;

use app::{
    App,
    server::{AppState, Config, auth::session_store::DbSessionStore, export::download},
    shell,
};
use axum::{
    Json, Router,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tower_http::compression::CompressionLayer;
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

/// Session cookie: `__Host-` prefixed and `Secure` behind HTTPS (the prefix requires Secure).
pub fn cookie_name(config: &Config) -> &'static str {
    if config.https() {
        "__Host-tagih_sid"
    } else {
        "tagih_sid"
    }
}

/// Sessions end after 12 hours without activity (7 days after sign-in at the latest).
pub use app::server::config::{SESSION_IDLE, SESSION_MAX};

pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("tagih")
        // Assets come from the binary unless LEPTOS_SITE_ROOT names a folder (`assets`).
        .site_root(config.site_root.as_deref().unwrap_or(""))
        .site_pkg_dir("pkg")
        .site_addr(config.bind)
        .build()
}

/// Connects, migrates (a failure is fatal to the caller) and builds the state.
pub async fn prepare(config: Config) -> Result<AppState, sea_orm::DbErr> {
    let db = app::server::db::connect(&config.database_url).await?;
    Migrator::up(&db, None).await?;
    let options = leptos_options(&config);
    let mut state = AppState::new(config, db, options);
    // Messages rendered without a request (the scheduler, the engine's re-check) link to the
    // customer's statement page under this address.
    app::server::billing::statement_link::remember_public_url(
        &state.db,
        state.config.public_url.as_ref(),
    )
    .await?;
    // The engine sends through WAHA with the settings in force at each call (editable on the
    // WhatsApp page); until a WAHA address is set, jobs pause with that reason.
    state.channel = Some(std::sync::Arc::new(app::server::waha::WahaChannel::new(
        state.db.clone(),
        state.config.clone(),
        state.waha.http.clone(),
    )));
    Ok(state)
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(cookie_name(&state.config))
        .with_secure(state.config.https())
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::seconds(
                state.config.session_idle.as_secs() as i64
            ),
        ));

    let ctx_state = state.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/webhooks/waha", post(webhook::waha))
        .route("/s/{token}", get(statement_page::show))
        // CSV downloads; behind the session guard like every non-public path.
        .route("/ekspor/pelanggan.csv", get(export_customers))
        .route("/ekspor/tagihan.csv", get(export_invoices))
        .route("/pengiriman/{id}/laporan.csv", get(report_csv))
        .route("/ekspor/log-aktivitas.csv", get(export_audit))
        .route("/ekspor/pembayaran.csv", get(export_payments))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(ctx_state.clone());
                security::page_csp();
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(assets::fallback)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// `GET /healthz`: open to all, reports whether the database answers.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let started = std::time::Instant::now();
    let ok = app::server::db::ping(&state.db).await.is_ok();
    let body = serde_json::json!({
        "status": if ok { "ok" } else { "error" },
        "database": {
            "backend": app::server::db::backend_name(&state.db),
            "ok": ok,
            "latency_ms": started.elapsed().as_secs_f64() * 1000.0,
        },
        "version": env!("CARGO_PKG_VERSION"),
    });
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}

/// `GET /ekspor/pelanggan.csv`: every customer.
async fn export_customers(State(state): State<AppState>) -> Response {
    let today = app::server::billing::clock::today(state.config.timezone);
    match app::server::billing::csv_io::export_customers(&state.db).await {
        Ok(csv) => download(csv, &format!("pelanggan-{today}.csv")),
        Err(e) => error_status(e),
    }
}

/// `GET /ekspor/tagihan.csv?period=…&status=…`: the invoices the table's filters select.
async fn export_invoices(
    State(state): State<AppState>,
    Query(mut q): Query<app::dto::invoices::InvoiceQuery>,
) -> Response {
    let today = app::server::billing::clock::today(state.config.timezone);
    q.resolve_period(today);
    let name = if q.period.is_empty() {
        format!("tagihan-{today}.csv")
    } else {
        format!("tagihan-{}.csv", q.period)
    };
    match app::server::billing::invoices::export(&state.db, &q, today).await {
        Ok(csv) => download(csv, &name),
        Err(e) => error_status(e),
    }
}

/// `GET /ekspor/log-aktivitas.csv?action=…&user=…&from=…&to=…`: the audit log (owner, admin).
async fn export_audit(
    State(state): State<AppState>,
    user: Option<axum::Extension<app::dto::auth::CurrentUser>>,
    Query(q): Query<app::dto::audit::AuditQuery>,
) -> Response {
    let allowed = user.is_some_and(|u| u.role.allows(app::domain::account::Role::Admin));
    if !allowed {
        return error_status(app::error::AppError::Forbidden);
    }
    let today = app::server::billing::clock::today(state.config.timezone);
    match app::server::audit::export(&state.db, &q, state.config.timezone).await {
        Ok(csv) => download(csv, &format!("log-aktivitas-{today}.csv")),
        Err(e) => error_status(e),
    }
}

/// `GET /ekspor/pembayaran.csv?from=…&to=…&method=…&user=…&q=…`: the payments the Pembayaran
/// page's filters select (every signed-in role; a kasir reconciles the day's cash with it).
async fn export_payments(
    State(state): State<AppState>,
    Query(q): Query<app::dto::payments::PaymentQuery>,
) -> Response {
    let tz = state.config.timezone;
    let today = app::server::billing::clock::today(tz);
    match app::server::billing::payment_list::export(&state.db, &q, today, tz).await {
        Ok(csv) => download(csv, &format!("pembayaran-{today}.csv")),
        Err(e) => error_status(e),
    }
}

/// `GET /pengiriman/{id}/laporan.csv`: the per-recipient report of a send job.
async fn report_csv(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i32>,
) -> Response {
    match app::server::sending::report_csv(&state.db, state.config.timezone, id).await {
        Ok(csv) => download(csv, &format!("laporan-pengiriman-{id}.csv")),
        Err(e) => error_status(e),
    }
}

fn error_status(e: impl Into<app::error::AppError>) -> Response {
    let e: app::error::AppError = e.into();
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, e.to_string()).into_response()
}

/// Periodic cleanup: expired sessions, idle rate-limit buckets.
pub fn spawn_housekeeping(
    state: &AppState,
    stop: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let store = DbSessionStore::new(state.db.clone());
    let limiter = state.login_limiter.clone();
    let link_limiter = state.link_limiter.clone();
    let db = state.db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(300));
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = tick.tick() => {
                    match store.delete_expired().await {
                        Ok(n) if n > 0 => tracing::debug!(deleted = n, "expired sessions removed"),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "session cleanup failed"),
                    }
                    limiter.shrink();
                    link_limiter.shrink();
                    let purged = match app::server::retention::days(&db).await {
                        Ok(days) => app::server::retention::purge(&db, days, chrono::Utc::now()).await,
                        Err(e) => Err(e),
                    };
                    match purged {
                        Ok(n) if n > 0 => tracing::info!(emptied = n, "old message texts removed"),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "message retention purge failed"),
                    }
                }
            }
        }
    })
}

/// Before the owner exists and without `TAGIH_PUBLIC_URL`, setup needs the one-time code: it
/// goes to the server's log (stderr), where only whoever runs Tagih can read it.
async fn announce_setup_code(state: &AppState) {
    if let Some(code) = &state.setup_code
        && matches!(state.setup_done().await, Ok(false))
    {
        // Not through tracing: RUST_LOG may hide it, and it is meant for the operator's eyes.
        eprintln!(
            "Kode penyiapan: {code}\n  (ketik di halaman penyiapan; tidak diminta bila TAGIH_PUBLIC_URL diatur)"
        );
    }
}

/// When `tagih serve` first looks whether a daily backup is due, and how often after that.
pub const BACKUP_FIRST_CHECK: Duration = Duration::from_secs(60);
pub const BACKUP_CHECK_EVERY: Duration = Duration::from_secs(600);

/// Serves until `stop` fires, then drains connections and stops the background tasks.
pub async fn serve(state: AppState, stop: CancellationToken) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(state.config.bind).await?;
    serve_on(listener, state, stop).await
}

pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    stop: CancellationToken,
) -> std::io::Result<()> {
    announce_setup_code(&state).await;
    let housekeeping = spawn_housekeeping(&state, stop.clone());
    let db: DatabaseConnection = state.db.clone();
    // The sending engine runs inside the server: closing a browser tab changes nothing.
    let engine = state.channel.clone().map(|channel| {
        let recheck = std::sync::Arc::new(app::server::messages::recheck::StatementRecheck::new(
            db.clone(),
            state.config.timezone,
        ));
        app::server::engine::spawn(
            db.clone(),
            app::server::engine::Ports { channel, recheck },
            state.config.engine(),
            state.engine.clone(),
            stop.clone(),
        )
    });
    let backups = backup::schedule::spawn(
        state.clone(),
        BACKUP_FIRST_CHECK,
        BACKUP_CHECK_EVERY,
        stop.clone(),
    );
    let scheduler = scheduler::spawn(
        state.clone(),
        scheduler::FIRST,
        scheduler::EVERY,
        stop.clone(),
    );
    let app = router(state);
    let shutdown = stop.clone();
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move { shutdown.cancelled().await })
    .await?;
    stop.cancel();
    if let Some(engine) = engine {
        // The engine finishes or releases the message in flight (bounded by its grace period).
        if tokio::time::timeout(Duration::from_secs(15), engine)
            .await
            .is_err()
        {
            tracing::warn!("sending engine did not stop in time");
        }
    }
    let _ = housekeeping.await;
    if let Some(s) = scheduler {
        let _ = s.await;
    }
    if let Some(b) = backups {
        // A backup being written is one snapshot: let it finish rather than leave a part file.
        let _ = b.await;
    }
    let _ = db.close().await;
    Ok(())
}
