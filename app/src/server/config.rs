//! Configuration, read once at start-up from the environment (and `.env` when present).
//! A bad value stops Tagih with a message naming the variable; nothing is guessed.

use reqwest::Url;
use std::{fmt, net::SocketAddr, time::Duration};

/// A secret value (API key, webhook secret). It has no `Serialize` and prints as `***`, so it
/// cannot reach a log line, a page or a server-fn response by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that must send it (an HTTP header to WAHA).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://…` or `postgres://…`. Default: `sqlite://data/tagih.db?mode=rwc`.
    pub database_url: String,
    /// `TAGIH_BIND`: the listening address. Default `127.0.0.1:3000`.
    pub bind: SocketAddr,
    /// `TAGIH_PUBLIC_URL`: the address admins use (e.g. `https://tagih.example.net`). When it is
    /// https, the session cookie is `Secure` and `__Host-` prefixed. Optional.
    pub public_url: Option<Url>,
    /// `WAHA_URL`: base URL of the WAHA server. Optional until WhatsApp is set up.
    pub waha_url: Option<Url>,
    /// `WAHA_API_KEY`: sent as `X-Api-Key`; server side only.
    pub waha_api_key: Option<Secret>,
    /// `WAHA_SESSION`: the WAHA session name. Default `default`.
    pub waha_session: String,
    /// `WAHA_WEBHOOK_SECRET`: HMAC key for `POST /webhooks/waha`.
    pub waha_webhook_secret: Option<Secret>,
    /// `TAGIH_TIMEZONE`: IANA zone used for dates shown and due dates. Default `Asia/Jakarta`.
    pub timezone: chrono_tz::Tz,
    /// `LEPTOS_SITE_ROOT`: serve the web assets from this folder (`pkg/`) instead of the copies
    /// inside the binary; for development. Default: unset, the embedded assets.
    pub site_root: Option<String>,
    /// `TAGIH_LOGIN_BURST`: failed logins allowed in a burst per IP and per account. Default 10.
    pub login_burst: u32,
    /// `TAGIH_LOGIN_REFILL_SECS`: seconds for one more attempt to become available. Default 60.
    pub login_refill: Duration,
    /// `TAGIH_SEND_LEASE_MS`: how long an instance holds a WhatsApp session's send slot without
    /// renewing it; a crashed instance's work is taken over after about this long. Default
    /// 30000. Tests and demos use small values.
    pub send_lease: Duration,
    /// Automatic backups (`TAGIH_BACKUP_DIR`, `TAGIH_BACKUP_KEEP`, `TAGIH_BACKUP_HOUR`).
    pub backup: BackupConfig,
    /// `TAGIH_SCHEDULER`: `off` keeps this instance from running the schedule (the monthly
    /// run, reminders); `on` (default) lets it take the scheduler's lease.
    pub scheduler: bool,
    /// `TAGIH_TRUSTED_PROXIES`: comma-separated CIDRs (e.g. `127.0.0.1/32,10.0.0.0/8`) of the
    /// reverse proxies in front of Tagih. Only a peer inside one of them is believed about
    /// `X-Forwarded-For` (the client address) and `X-Forwarded-Proto`. Default: none.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// A session ends after this long without a request. 12 hours; tests shorten it.
    pub session_idle: Duration,
    /// A session ends this long after sign-in whatever the activity. 7 days; tests shorten it.
    pub session_max: Duration,
}

/// Where and when `tagih serve` takes its daily backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupConfig {
    /// `TAGIH_BACKUP_DIR`: the folder backups are written to. Default: `backups` next to the
    /// SQLite file (`data/backups`), or `data/backups` with PostgreSQL.
    pub dir: std::path::PathBuf,
    /// `TAGIH_BACKUP_KEEP`: how many automatic backups to keep; 0 turns them off. Default 14.
    pub keep: u32,
    /// `TAGIH_BACKUP_HOUR`: the local hour (0-23) of the daily backup. Default 2.
    pub hour: u32,
}

/// A configuration problem, worded for the person starting Tagih.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

fn bad(var: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        problem: problem.into(),
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/tagih.db?mode=rwc";

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads configuration through `get`, so tests need not touch the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |k: &str| {
            get(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(bad(
                "DATABASE_URL",
                "must start with sqlite:, postgres:// or postgresql://",
            ));
        }

        let bind = match var("TAGIH_BIND") {
            Some(v) => v.parse().map_err(|_| {
                bad(
                    "TAGIH_BIND",
                    format!("'{v}' is not an address like 127.0.0.1:3000"),
                )
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };

        let public_url = var("TAGIH_PUBLIC_URL")
            .map(|v| parse_http_url("TAGIH_PUBLIC_URL", &v))
            .transpose()?;

        let waha_url = var("WAHA_URL")
            .map(|v| {
                let url = parse_http_url("WAHA_URL", &v)?;
                crate::server::net::check_outbound_url(&url)
                    .map_err(|e| bad("WAHA_URL", e.to_string()))?;
                Ok::<_, ConfigError>(url)
            })
            .transpose()?;

        let waha_session = var("WAHA_SESSION").unwrap_or_else(|| "default".to_owned());
        if !waha_session
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(bad(
                "WAHA_SESSION",
                "only letters, digits, '_' and '-' are allowed",
            ));
        }

        let timezone = match var("TAGIH_TIMEZONE") {
            Some(v) => v.parse().map_err(|_| {
                bad(
                    "TAGIH_TIMEZONE",
                    format!("'{v}' is not an IANA zone such as Asia/Jakarta"),
                )
            })?,
            None => chrono_tz::Asia::Jakarta,
        };

        let login_burst = parse_num("TAGIH_LOGIN_BURST", var("TAGIH_LOGIN_BURST"), 10, 1, 1000)?;
        let refill = parse_num(
            "TAGIH_LOGIN_REFILL_SECS",
            var("TAGIH_LOGIN_REFILL_SECS"),
            60,
            1,
            86_400,
        )?;

        let send_lease = parse_num(
            "TAGIH_SEND_LEASE_MS",
            var("TAGIH_SEND_LEASE_MS"),
            30_000,
            100,
            600_000,
        )?;

        let backup = BackupConfig {
            dir: match var("TAGIH_BACKUP_DIR") {
                Some(d) => d.into(),
                None => super::db::sqlite_file(&database_url)
                    .and_then(|f| f.parent().map(|p| p.join("backups")))
                    .filter(|p| p != std::path::Path::new("backups"))
                    .unwrap_or_else(|| "data/backups".into()),
            },
            keep: parse_num("TAGIH_BACKUP_KEEP", var("TAGIH_BACKUP_KEEP"), 14, 0, 3650)?,
            hour: parse_num("TAGIH_BACKUP_HOUR", var("TAGIH_BACKUP_HOUR"), 2, 0, 23)?,
        };

        let scheduler = match var("TAGIH_SCHEDULER").map(|v| v.to_ascii_lowercase()) {
            None => true,
            Some(v) if matches!(v.as_str(), "on" | "1" | "true") => true,
            Some(v) if matches!(v.as_str(), "off" | "0" | "false") => false,
            Some(_) => return Err(bad("TAGIH_SCHEDULER", "must be on or off")),
        };
        let trusted_proxies = match var("TAGIH_TRUSTED_PROXIES") {
            Some(v) => parse_cidrs(&v)?,
            None => Vec::new(),
        };

        Ok(Config {
            database_url,
            bind,
            public_url,
            waha_url,
            waha_api_key: var("WAHA_API_KEY").map(Secret::new),
            waha_session,
            waha_webhook_secret: var("WAHA_WEBHOOK_SECRET").map(Secret::new),
            timezone,
            site_root: var("LEPTOS_SITE_ROOT"),
            login_burst,
            login_refill: Duration::from_secs(refill.into()),
            send_lease: Duration::from_millis(send_lease.into()),
            backup,
            scheduler,
            trusted_proxies,
            session_idle: SESSION_IDLE,
            session_max: SESSION_MAX,
        })
    }

    /// Is this peer one of the configured reverse proxies?
    pub fn is_trusted_proxy(&self, ip: std::net::IpAddr) -> bool {
        let ip = canonical_ip(ip);
        self.trusted_proxies.iter().any(|n| n.contains(&ip))
    }

    /// True when admins reach Tagih over HTTPS, so cookies must be `Secure`.
    pub fn https(&self) -> bool {
        self.public_url
            .as_ref()
            .is_some_and(|u| u.scheme() == "https")
    }

    /// The sending engine's settings derived from this configuration.
    pub fn engine(&self) -> super::engine::EngineConfig {
        super::engine::EngineConfig::new(self.timezone).with_lease(self.send_lease)
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

/// Sessions end after 12 hours without activity.
pub const SESSION_IDLE: Duration = Duration::from_secs(12 * 60 * 60);
/// ... and 7 days after sign-in at the latest.
pub const SESSION_MAX: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// An IPv4 peer seen through an IPv6 socket (`::ffff:a.b.c.d`) compares as the IPv4 address.
pub fn canonical_ip(ip: std::net::IpAddr) -> std::net::IpAddr {
    match ip {
        std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map(std::net::IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

fn parse_cidrs(v: &str) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    v.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            // A bare address means just that host.
            p.parse::<ipnet::IpNet>()
                .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    bad(
                        "TAGIH_TRUSTED_PROXIES",
                        format!("'{p}' is not an address or CIDR such as 10.0.0.0/8"),
                    )
                })
        })
        .collect()
}

fn parse_http_url(var: &'static str, v: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(v).map_err(|_| bad(var, format!("'{v}' is not a URL")))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(bad(var, "must start with http:// or https://"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(var, "must not contain a user name or password"));
    }
    Ok(url)
}

fn parse_num(
    var: &'static str,
    v: Option<String>,
    default: u32,
    min: u32,
    max: u32,
) -> Result<u32, ConfigError> {
    let Some(v) = v else { return Ok(default) };
    match v.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(bad(
            var,
            format!("'{v}' must be a whole number from {min} to {max}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_need_no_environment() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(c.waha_session, "default");
        assert_eq!(c.timezone, chrono_tz::Asia::Jakarta);
        assert!(c.waha_url.is_none() && c.waha_api_key.is_none());
        assert!(!c.https());
        assert_eq!(c.login_burst, 10);
        assert_eq!(c.site_root, None, "the embedded assets unless overridden");
        assert_eq!(c.backup.dir, std::path::PathBuf::from("data/backups"));
        let c = cfg(&[("DATABASE_URL", "sqlite:///var/lib/tagih/tagih.db?mode=rwc")]).unwrap();
        assert_eq!(
            c.backup.dir,
            std::path::PathBuf::from("/var/lib/tagih/backups")
        );
        assert_eq!((c.backup.keep, c.backup.hour), (14, 2));
    }

    #[test]
    fn bad_values_name_their_variable() {
        assert_eq!(
            cfg(&[("TAGIH_BIND", "localhost")]).unwrap_err().var,
            "TAGIH_BIND"
        );
        assert_eq!(
            cfg(&[("TAGIH_TIMEZONE", "Mars/Base")]).unwrap_err().var,
            "TAGIH_TIMEZONE"
        );
        assert_eq!(
            cfg(&[("DATABASE_URL", "mysql://x")]).unwrap_err().var,
            "DATABASE_URL"
        );
        assert_eq!(cfg(&[("WAHA_URL", "ftp://x")]).unwrap_err().var, "WAHA_URL");
        assert_eq!(
            cfg(&[("WAHA_URL", "http://u:p@host")]).unwrap_err().var,
            "WAHA_URL"
        );
        assert_eq!(
            cfg(&[("WAHA_URL", "http://169.254.169.254/")])
                .unwrap_err()
                .var,
            "WAHA_URL"
        );
        assert_eq!(
            cfg(&[("WAHA_SESSION", "a b")]).unwrap_err().var,
            "WAHA_SESSION"
        );
        assert_eq!(
            cfg(&[("TAGIH_LOGIN_BURST", "0")]).unwrap_err().var,
            "TAGIH_LOGIN_BURST"
        );
        assert_eq!(
            cfg(&[("TAGIH_BACKUP_HOUR", "24")]).unwrap_err().var,
            "TAGIH_BACKUP_HOUR"
        );
        assert_eq!(
            cfg(&[("TAGIH_BACKUP_KEEP", "-1")]).unwrap_err().var,
            "TAGIH_BACKUP_KEEP"
        );
    }

    #[test]
    fn secrets_never_print() {
        let c = cfg(&[("WAHA_API_KEY", "very-secret-key-123")]).unwrap();
        let debug = format!("{c:?}");
        assert!(!debug.contains("very-secret-key-123"), "{debug}");
        assert_eq!(c.waha_api_key.unwrap().expose(), "very-secret-key-123");
    }

    #[test]
    fn trusted_proxies_are_cidrs_or_addresses() {
        let c = cfg(&[("TAGIH_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8 ,::1")]).unwrap();
        assert!(c.is_trusted_proxy("127.0.0.1".parse().unwrap()));
        assert!(c.is_trusted_proxy("10.2.3.4".parse().unwrap()));
        assert!(c.is_trusted_proxy("::ffff:10.2.3.4".parse().unwrap()));
        assert!(c.is_trusted_proxy("::1".parse().unwrap()));
        assert!(!c.is_trusted_proxy("127.0.0.2".parse().unwrap()));
        assert!(
            !cfg(&[])
                .unwrap()
                .is_trusted_proxy("127.0.0.1".parse().unwrap())
        );
        assert_eq!(
            cfg(&[("TAGIH_TRUSTED_PROXIES", "10.0.0.0/33")])
                .unwrap_err()
                .var,
            "TAGIH_TRUSTED_PROXIES"
        );
    }

    #[test]
    fn https_public_url_turns_on_secure_cookies() {
        let c = cfg(&[("TAGIH_PUBLIC_URL", "https://tagih.example.net")]).unwrap();
        assert!(c.https());
    }
}
