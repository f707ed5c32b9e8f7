//! `tagih demo`: a first look in one command. A temporary SQLite database with demo customers,
//! invoices and payments, waha-sim (a local stand-in for WAHA, with its session already
//! "scanned") inside the same process, and Tagih serving both. Everything is thrown away when
//! it stops.

use crate::waha_sim::{self, SimOptions};
use app::server::{Config, Secret};
use rand::{Rng, distributions::Alphanumeric};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub struct DemoArgs {
    pub customers: usize,
    pub months: u32,
}

fn random_token(n: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

/// Starts the session on the simulator and links it, as a phone scanning the QR would.
async fn link_session(sim: &waha_sim::SimHandle, key: &str) -> Result<(), String> {
    let http = reqwest::Client::new();
    http.post(format!("{}/api/sessions/default/start", sim.url()))
        .header("X-Api-Key", key)
        .send()
        .await
        .map_err(|e| format!("waha-sim: {e}"))?;
    for _ in 0..200 {
        let r = http
            .post(format!("{}/_sim/sessions/default/scan", sim.url()))
            .send()
            .await
            .map_err(|e| format!("waha-sim: {e}"))?;
        if r.status().is_success() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    Err("waha-sim: the session never showed a QR".into())
}

pub async fn run(
    mut config: Config,
    args: DemoArgs,
    stop: CancellationToken,
) -> Result<(), String> {
    let dir = tempfile::Builder::new()
        .prefix("tagih-demo-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e} (set TAGIH_BIND)", config.bind))?;
    let bind = listener
        .local_addr()
        .map_err(|e| format!("cannot listen: {e}"))?;

    let key = random_token(32);
    let secret = random_token(32);
    let mut opts = SimOptions::new(key.clone());
    opts.start_delay_ms = 300;
    opts.stop_delay_ms = 300;
    opts.webhook_url = Some(format!("http://{bind}/webhooks/waha"));
    opts.webhook_hmac_key = Some(secret.clone());
    let sim = waha_sim::spawn(opts)
        .await
        .map_err(|e| format!("waha-sim: {e}"))?;

    config.database_url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("tagih-demo.db").display()
    );
    config.bind = bind;
    config.waha_url = Some(
        sim.url()
            .parse()
            .map_err(|e| format!("waha-sim url: {e}"))?,
    );
    config.waha_api_key = Some(Secret::new(key.clone()));
    config.waha_session = "default".into();
    config.waha_webhook_secret = Some(Secret::new(secret));
    config.backup.dir = dir.path().join("backups");
    config.public_url = None;

    let state = crate::prepare(config)
        .await
        .map_err(|e| format!("database not ready: {e}"))?;
    let tz = state.config.timezone;
    let today = app::server::billing::clock::today(tz);
    let report =
        crate::seed::seed_demo(&state.db, args.customers, args.months, today, tz, 1).await?;
    link_session(&sim, &key).await?;

    let url = format!("http://{bind}/");
    println!("Tagih demo berjalan di {url}");
    println!(
        "  Data demo: {} pelanggan, {} tagihan, {} pembayaran (SQLite sementara di {}).",
        report.customers,
        report.invoices,
        report.payments,
        dir.path().display()
    );
    println!(
        "  WhatsApp: waha-sim di {} (sesi 'default' sudah Aktif; pesan tidak keluar ke \
         WhatsApp sungguhan, lihat {}/_sim/messages).",
        sim.url(),
        sim.url()
    );
    println!(
        "  Masuk: buka {url}, halaman pertama meminta Anda membuat akun pemilik \
         (tidak ada kata sandi bawaan)."
    );
    println!("  Tekan Ctrl+C untuk berhenti; semua data demo dibuang.");

    let served = crate::serve_on(listener, state, stop).await;
    sim.stop().await;
    drop(dir);
    served.map_err(|e| format!("server error: {e}"))
}
