//! `tagih check`: one line per part of the installation (configuration, web assets, database,
//! migrations, WAHA, the WhatsApp session, the webhook, backups), each with a verdict: OK,
//! PERINGATAN (works, but look at it) or GAGAL (broken). Exits non-zero when anything failed.
//! Nothing is migrated, started or written to the database; only the backup folder is created
//! (and a test file written and removed) to see that it is writable.

use app::{
    domain::whatsapp::SessionStatus,
    server::{
        Config, system,
        waha::{Timeouts, WahaClient, WahaError, http_client, settings},
    },
};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::{fmt, time::Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    Warn,
    Fail,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Verdict::Ok => "OK",
            Verdict::Warn => "PERINGATAN",
            Verdict::Fail => "GAGAL",
        })
    }
}

#[derive(Debug, Clone)]
pub struct Line {
    pub what: &'static str,
    pub verdict: Verdict,
    pub detail: String,
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<10}  {:<14} {}", self.verdict, self.what, self.detail)
    }
}

fn line(what: &'static str, verdict: Verdict, detail: impl Into<String>) -> Line {
    Line {
        what,
        verdict,
        detail: detail.into(),
    }
}

/// The database URL without its password, for display.
pub fn redacted_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

fn is_loopback_host(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn config_line(c: &Config) -> Line {
    let zone = c.timezone.name();
    match &c.public_url {
        None if !c.bind.ip().is_loopback() => line(
            "Konfigurasi",
            Verdict::Warn,
            format!(
                "TAGIH_BIND {} terbuka ke jaringan tanpa TAGIH_PUBLIC_URL: pasang di belakang \
                 reverse proxy HTTPS (deploy/) dan isi TAGIH_PUBLIC_URL",
                c.bind
            ),
        ),
        Some(u) if u.scheme() == "http" && !is_loopback_host(u) => line(
            "Konfigurasi",
            Verdict::Warn,
            format!(
                "TAGIH_PUBLIC_URL {u} bukan https: kata sandi dan cookie sesi lewat jaringan \
                 tanpa enkripsi"
            ),
        ),
        _ => line(
            "Konfigurasi",
            Verdict::Ok,
            format!(
                "mendengar di {}, alamat publik {}, zona waktu {zone}",
                c.bind,
                c.public_url
                    .as_ref()
                    .map(|u| u.to_string())
                    .unwrap_or_else(|| "(tidak diatur)".into())
            ),
        ),
    }
}

fn assets_line(c: &Config) -> Line {
    match &c.site_root {
        Some(dir) => {
            if std::path::Path::new(dir).join("pkg/tagih.wasm").is_file() {
                line(
                    "Aset web",
                    Verdict::Ok,
                    format!("dari folder {dir} (LEPTOS_SITE_ROOT)"),
                )
            } else {
                line(
                    "Aset web",
                    Verdict::Fail,
                    format!("LEPTOS_SITE_ROOT={dir} tidak berisi pkg/tagih.wasm"),
                )
            }
        }
        None if crate::assets::embedded_bundle_present() => {
            line("Aset web", Verdict::Ok, "tertanam di binary")
        }
        None => line(
            "Aset web",
            Verdict::Fail,
            "binary ini dibangun tanpa aset web (bangun dengan `make build`) dan \
             LEPTOS_SITE_ROOT tidak diatur",
        ),
    }
}

async fn migrations_line(db: &DatabaseConnection) -> Line {
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    // Read the table directly: the migrator's own status call would create it.
    let applied: Vec<String> = match db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await
    {
        Ok(rows) => rows
            .iter()
            .filter_map(|r| r.try_get::<String>("", "version").ok())
            .collect(),
        // No table yet: an empty database, everything pending.
        Err(_) => Vec::new(),
    };
    if let Some(unknown) = applied.iter().find(|a| !known.contains(a)) {
        return line(
            "Migrasi",
            Verdict::Fail,
            format!("database memuat migrasi {unknown} dari Tagih yang lebih baru"),
        );
    }
    let pending = known.len() - applied.len();
    let last = applied.last().cloned().unwrap_or_else(|| "-".into());
    if pending > 0 {
        line(
            "Migrasi",
            Verdict::Warn,
            format!(
                "{} diterapkan, {pending} tertunda: `tagih serve` atau `tagih migrate` \
                 menerapkannya",
                applied.len()
            ),
        )
    } else {
        line(
            "Migrasi",
            Verdict::Ok,
            format!("{} diterapkan, 0 tertunda (skema {last})", applied.len()),
        )
    }
}

fn backup_lines(c: &Config, status: Option<&system::BackupStatus>) -> Line {
    let dir = &c.backup.dir;
    let writable = std::fs::create_dir_all(dir)
        .and_then(|_| tempfile::tempfile_in(dir))
        .is_ok();
    if !writable {
        return line(
            "Backup",
            Verdict::Fail,
            format!("folder {} tidak bisa ditulisi", dir.display()),
        );
    }
    let now = chrono::Utc::now();
    let last = status.and_then(|s| s.last_ok_at);
    let last_text = match last {
        Some(t) => format!(
            "terakhir {} ({} jam lalu)",
            t.with_timezone(&c.timezone).format("%Y-%m-%d %H:%M"),
            (now - t).num_hours()
        ),
        None => "belum ada backup".into(),
    };
    if c.backup.keep == 0 {
        return line(
            "Backup",
            Verdict::Warn,
            format!("backup harian mati (TAGIH_BACKUP_KEEP=0); {last_text}"),
        );
    }
    let overdue = status.is_none_or(|s| system::overdue(s, now));
    if let Some(err) = status.and_then(|s| s.last_error.as_deref()) {
        return line(
            "Backup",
            Verdict::Warn,
            format!("backup terakhir gagal: {err}; {last_text}"),
        );
    }
    line(
        "Backup",
        if overdue && last.is_some() {
            Verdict::Warn
        } else {
            Verdict::Ok
        },
        format!(
            "harian pukul {:02}.00 ke {}, simpan {}; {last_text}",
            c.backup.hour,
            dir.display(),
            c.backup.keep
        ),
    )
}

/// Runs every check.
pub async fn run(config: &Config) -> Vec<Line> {
    let mut lines = vec![config_line(config), assets_line(config)];

    let started = Instant::now();
    let db = match app::server::db::connect(&config.database_url).await {
        Ok(db) => match db.ping().await {
            Ok(()) => {
                lines.push(line(
                    "Basis data",
                    Verdict::Ok,
                    format!(
                        "{} ({} ms)",
                        redacted_url(&config.database_url),
                        started.elapsed().as_millis()
                    ),
                ));
                Some(db)
            }
            Err(e) => {
                lines.push(line("Basis data", Verdict::Fail, e.to_string()));
                None
            }
        },
        Err(e) => {
            lines.push(line(
                "Basis data",
                Verdict::Fail,
                format!("{}: {e}", redacted_url(&config.database_url)),
            ));
            None
        }
    };
    if let Some(db) = &db {
        lines.push(migrations_line(db).await);
    } else {
        lines.push(line(
            "Migrasi",
            Verdict::Fail,
            "dilewati: basis data tidak terbuka",
        ));
    }

    // The WAHA settings in force: the ones saved on the WhatsApp page win over the environment.
    let waha = match &db {
        Some(db) => settings::load(db, config).await.ok(),
        None => None,
    };
    let (url, key, session, secret) = match &waha {
        Some(s) => (
            s.url.clone(),
            s.api_key.clone(),
            s.session.clone(),
            s.webhook_secret.clone(),
        ),
        None => (
            config.waha_url.clone(),
            config.waha_api_key.clone(),
            config.waha_session.clone(),
            config.waha_webhook_secret.clone(),
        ),
    };
    lines.extend(waha_lines(config, url, key, &session, secret.is_some()).await);

    let status = match &db {
        Some(db) => system::load(db).await.ok(),
        None => None,
    };
    lines.push(backup_lines(config, status.as_ref()));
    if let Some(db) = db {
        let _ = db.close().await;
    }
    lines
}

async fn waha_lines(
    config: &Config,
    url: Option<url::Url>,
    key: Option<app::server::Secret>,
    session: &str,
    has_secret: bool,
) -> Vec<Line> {
    let Some(url) = url else {
        return vec![line(
            "WAHA",
            Verdict::Warn,
            "alamat WAHA belum diatur (WAHA_URL, atau halaman WhatsApp)",
        )];
    };
    // Short timeouts: a check should answer within seconds even when WAHA hangs.
    let http = http_client(Timeouts {
        connect: std::time::Duration::from_secs(3),
        total: std::time::Duration::from_secs(8),
    });
    let client = match WahaClient::with_http(http, url.clone(), key) {
        Ok(c) => c,
        Err(e) => {
            return vec![line(
                "WAHA",
                Verdict::Fail,
                format!("{url}: {}", e.user_message()),
            )];
        }
    };
    let mut lines = Vec::new();
    match client.version().await {
        Ok(v) => lines.push(line(
            "WAHA",
            Verdict::Ok,
            format!("{url} menjawab: WAHA {} {} {}", v.version, v.tier, v.engine),
        )),
        // Old WAHA without the version endpoint still answers sessions.
        Err(WahaError::EndpointMissing { .. }) => lines.push(line(
            "WAHA",
            Verdict::Ok,
            format!("{url} menjawab (versi lama)"),
        )),
        Err(e) => {
            lines.push(line(
                "WAHA",
                Verdict::Fail,
                format!("{url}: {}", e.user_message()),
            ));
            lines.push(line(
                "Sesi WhatsApp",
                Verdict::Fail,
                "dilewati: WAHA tidak terhubung",
            ));
            lines.push(line(
                "Webhook",
                Verdict::Warn,
                "dilewati: WAHA tidak terhubung",
            ));
            return lines;
        }
    }
    let info = match client.get_session(session).await {
        Ok(i) => i,
        Err(WahaError::SessionNotFound { .. }) => {
            lines.push(line(
                "Sesi WhatsApp",
                Verdict::Fail,
                format!("sesi '{session}' belum ada: mulai dari halaman WhatsApp"),
            ));
            lines.push(line("Webhook", Verdict::Warn, "dilewati: sesi belum ada"));
            return lines;
        }
        Err(e) => {
            lines.push(line("Sesi WhatsApp", Verdict::Fail, e.user_message()));
            return lines;
        }
    };
    let label = info.status.label();
    let (verdict, detail) = match &info.status {
        SessionStatus::Working => (
            Verdict::Ok,
            format!(
                "'{session}' {label}, akun {}",
                info.me.as_ref().map(|m| m.number()).unwrap_or("-")
            ),
        ),
        SessionStatus::ScanQrCode | SessionStatus::Starting => (
            Verdict::Warn,
            format!("'{session}' {label}: scan QR di halaman WhatsApp"),
        ),
        _ => (
            Verdict::Fail,
            format!(
                "'{session}' {label} ({}): pesan tidak bisa terkirim",
                info.status.as_str()
            ),
        ),
    };
    lines.push(line("Sesi WhatsApp", verdict, detail));

    let hooks: Vec<String> = info
        .config
        .as_ref()
        .and_then(|c| c.get("webhooks"))
        .and_then(|w| w.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|h| h.get("url").and_then(|u| u.as_str()).map(str::to_owned))
                .filter(|u| u.ends_with("/webhooks/waha"))
                .collect()
        })
        .unwrap_or_default();
    let webhook = if !has_secret {
        line(
            "Webhook",
            Verdict::Warn,
            "tanpa WAHA_WEBHOOK_SECRET webhook ditolak: status sesi dan centang terkirim tidak \
             masuk (Daftarkan webhook di halaman WhatsApp)",
        )
    } else if let Some(h) = hooks.first() {
        match &config.public_url {
            Some(p) if !h.starts_with(p.as_str().trim_end_matches('/')) => line(
                "Webhook",
                Verdict::Warn,
                format!("terdaftar ke {h}, bukan ke TAGIH_PUBLIC_URL {p}"),
            ),
            _ => line("Webhook", Verdict::Ok, format!("terdaftar di sesi: {h}")),
        }
    } else {
        line(
            "Webhook",
            Verdict::Warn,
            "rahasia HMAC ada, tetapi sesi tidak memuat webhook Tagih (webhook global WAHA, \
             seperti di docker-compose, tidak terlihat dari sini)",
        )
    };
    lines.push(webhook);
    lines
}

/// Exit status: 1 when any check failed.
pub fn failed(lines: &[Line]) -> bool {
    lines.iter().any(|l| l.verdict == Verdict::Fail)
}
