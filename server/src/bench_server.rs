//! `tagih-bench server`: the server's footprint and throughput as an ISP's machine
//! would see them. Runs this same binary as a child `tagih serve` on temporary SQLite files and
//! measures, from outside: cold start to ready on an empty database, resident memory (idle,
//! peak under load, and after the load), HTTP throughput and latency of `/healthz` and of
//! server-rendered pages (Tagihan with 50 rows, Dashboard) on a demo database, a login burst
//! (argon2id, bounded to 4 hashes at a time) and graceful shutdown. The load generator shares
//! the machine's cores with the server, as `oha` would. A measurement (`make bench-server`),
//! not a test.

use crate::bench::{ms, percentile};
use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};
use tokio::process::{Child, Command};

pub struct ServerBenchArgs {
    pub customers: usize,
    pub months: u32,
    pub seconds: u64,
    pub connections: usize,
}

const PASSWORD: &str = "bench-sandi-panjang-123";

/// A `tagih serve` child on its own database and port.
struct Served {
    child: Child,
    pid: u32,
    base: String,
}

fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

/// The `tagih` binary measured: beside this one (`make bench-server` builds both).
fn tagih(database_url: &str) -> Result<Command, String> {
    let exe = std::env::current_exe()
        .map_err(|e| e.to_string())?
        .with_file_name("tagih");
    if !exe.exists() {
        return Err(format!("{} not found: build it first", exe.display()));
    }
    let mut c = Command::new(exe);
    // Warnings only: request logging is not what is measured. No WAHA: pages must not wait on it.
    c.env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .env_remove("WAHA_URL")
        .env_remove("WAHA_API_KEY")
        .kill_on_drop(true);
    Ok(c)
}

/// Starts `tagih serve` and waits for `/healthz`; returns it with the time to ready.
async fn start(database_url: &str, http: &reqwest::Client) -> Result<(Served, Duration), String> {
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let t0 = Instant::now();
    let child = tagih(database_url)?
        .arg("serve")
        .env("TAGIH_BIND", format!("127.0.0.1:{port}"))
        // A known public address: first-run setup needs no code from the log.
        .env("TAGIH_PUBLIC_URL", &base)
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start tagih serve: {e}"))?;
    let pid = child.id().ok_or("tagih serve exited at once")?;
    let mut served = Served { child, pid, base };
    loop {
        if let Ok(r) = http.get(format!("{}/healthz", served.base)).send().await
            && r.status().is_success()
        {
            return Ok((served, t0.elapsed()));
        }
        if let Ok(Some(status)) = served.child.try_wait() {
            return Err(format!("tagih serve stopped: {status}"));
        }
        if t0.elapsed() > Duration::from_secs(60) {
            return Err("tagih serve was not ready within 60 s".into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// SIGTERM, then the time until the process has exited.
async fn stop(mut s: Served) -> Result<Duration, String> {
    let t0 = Instant::now();
    let sent = Command::new("kill")
        .args(["-TERM", &s.pid.to_string()])
        .status()
        .await
        .map_err(|e| e.to_string())?;
    if !sent.success() {
        return Err("could not send SIGTERM".into());
    }
    tokio::time::timeout(Duration::from_secs(30), s.child.wait())
        .await
        .map_err(|_| "tagih did not stop within 30 s of SIGTERM".to_owned())?
        .map_err(|e| e.to_string())?;
    Ok(t0.elapsed())
}

/// Resident set size in KiB (`VmRSS` of /proc/PID/status).
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Samples the RSS every 20 ms until dropped; `peak()` is the highest seen.
struct RssPeak {
    peak: Arc<AtomicU64>,
    done: Arc<AtomicBool>,
}

impl RssPeak {
    fn watch(pid: u32) -> Self {
        let peak = Arc::new(AtomicU64::new(rss_kib(pid).unwrap_or(0)));
        let done = Arc::new(AtomicBool::new(false));
        tokio::spawn({
            let (peak, done) = (peak.clone(), done.clone());
            async move {
                while !done.load(Ordering::Relaxed) {
                    if let Some(k) = rss_kib(pid) {
                        peak.fetch_max(k, Ordering::Relaxed);
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        });
        Self { peak, done }
    }

    fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }
}

impl Drop for RssPeak {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
    }
}

struct Load {
    ok: usize,
    errors: usize,
    secs: f64,
    sorted: Vec<Duration>,
    peak_kib: u64,
}

/// `connections` clients each sending GETs back to back for `secs` seconds.
async fn load(
    s: &Served,
    path: &str,
    cookie: Option<&str>,
    connections: usize,
    secs: u64,
) -> Result<Load, String> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let url = format!("{}{path}", s.base);
    let rss = RssPeak::watch(s.pid);
    let t0 = Instant::now();
    let deadline = t0 + Duration::from_secs(secs);
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let (http, url, cookie) = (http.clone(), url.clone(), cookie.map(str::to_owned));
        tasks.push(tokio::spawn(async move {
            let (mut times, mut errors) = (Vec::new(), 0usize);
            while Instant::now() < deadline {
                let t = Instant::now();
                let mut req = http.get(&url);
                if let Some(c) = &cookie {
                    req = req.header(reqwest::header::COOKIE, c);
                }
                let done = match req.send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                };
                if done {
                    times.push(t.elapsed());
                } else {
                    errors += 1;
                }
            }
            (times, errors)
        }));
    }
    let (mut sorted, mut errors) = (Vec::new(), 0);
    for t in tasks {
        let (times, e) = t.await.map_err(|e| e.to_string())?;
        sorted.extend(times);
        errors += e;
    }
    let secs = t0.elapsed().as_secs_f64();
    sorted.sort();
    Ok(Load {
        ok: sorted.len(),
        errors,
        secs,
        sorted,
        peak_kib: rss.peak(),
    })
}

fn print_load(what: &str, connections: usize, l: &Load) {
    println!(
        "| {what} | {connections} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {:.1} |",
        l.ok as f64 / l.secs,
        ms(percentile(&l.sorted, 50.0)),
        ms(percentile(&l.sorted, 99.0)),
        ms(l.sorted.last().copied().unwrap_or_default()),
        l.errors,
        mib(l.peak_kib),
    );
}

/// First-run setup over HTTP, as the setup page does; returns the session cookie.
async fn owner_cookie(s: &Served, http: &reqwest::Client) -> Result<String, String> {
    let r = http
        .post(format!("{}/api/auth/setup", s.base))
        .header("Origin", &s.base)
        .header("Accept", "application/json")
        .form(&[
            ("username", "pemilik"),
            ("display_name", "Pemilik"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !r.status().is_success() {
        return Err(format!("setup answered {}", r.status()));
    }
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_owned)
        .next()
        .ok_or_else(|| "setup set no session cookie".into())
}

/// A burst of concurrent logins with the right password: how long they take and what the
/// hashing costs in memory. The limiter lets 10 through per IP and account; the rest are
/// refused before any hashing.
async fn login_burst(s: &Served, n: usize) -> Result<(), String> {
    let before = rss_kib(s.pid).unwrap_or(0);
    let rss = RssPeak::watch(s.pid);
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..n {
        let (base, url) = (s.base.clone(), format!("{}/api/auth/login", s.base));
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let status = reqwest::Client::new()
                .post(url)
                .header("Origin", base)
                .header("Accept", "application/json")
                .form(&[("username", "pemilik"), ("password", PASSWORD)])
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0);
            (status, t.elapsed())
        }));
    }
    let mut ok = Vec::new();
    let mut refused = 0;
    for t in tasks {
        match t.await.map_err(|e| e.to_string())? {
            (200, d) => ok.push(d),
            (429, _) => refused += 1,
            (other, _) => return Err(format!("a login answered {other}")),
        }
    }
    let wall = t0.elapsed();
    let peak = rss.peak();
    drop(rss);
    tokio::time::sleep(Duration::from_secs(10)).await;
    let after = rss_kib(s.pid).unwrap_or(0);
    ok.sort();
    println!(
        "Login burst of {n}: {} signed in (p50 {:.0} ms, slowest {:.0} ms), {refused} refused \
         (429) by the rate limit; all done in {:.0} ms. RSS {:.1} MiB before, peak {:.1} MiB \
         (+{:.1} MiB), 10 s later {:.1} MiB.",
        ok.len(),
        ms(percentile(&ok, 50.0)),
        ms(ok.last().copied().unwrap_or_default()),
        ms(wall),
        mib(before),
        mib(peak),
        mib(peak.saturating_sub(before)),
        mib(after),
    );
    Ok(())
}

pub async fn run(args: ServerBenchArgs) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("tagih-bench-server-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let result = measure(&args, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn measure(args: &ServerBenchArgs, dir: &std::path::Path) -> Result<(), String> {
    let http = reqwest::Client::new();
    let url = |name: &str| format!("sqlite://{}?mode=rwc", dir.join(name).display());

    // Cold start: migrations on an empty database, then serving.
    let mut starts = Vec::new();
    for i in 0..5 {
        let (s, ready) = start(&url(&format!("empty-{i}.db")), &http).await?;
        starts.push(ready);
        stop(s).await?;
    }
    starts.sort();
    println!(
        "Cold start to ready on an empty SQLite database (migrations included), 5 runs: \
         median {:.0} ms, slowest {:.0} ms.",
        ms(starts[2]),
        ms(starts[4])
    );

    let demo = url("demo.db");
    let t0 = Instant::now();
    let seeded = tagih(&demo)?
        .args(["seed-demo", "--customers", &args.customers.to_string()])
        .args(["--months", &args.months.to_string()])
        .stdout(std::process::Stdio::null())
        .status()
        .await
        .map_err(|e| e.to_string())?;
    if !seeded.success() {
        return Err("seed-demo failed".into());
    }
    println!(
        "Demo data: {} customers × {} months, seeded in {:.1} s.",
        args.customers,
        args.months,
        t0.elapsed().as_secs_f64()
    );

    let (s, ready) = start(&demo, &http).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle = rss_kib(s.pid).unwrap_or(0);
    println!(
        "Ready in {:.0} ms on the demo database; idle RSS {:.1} MiB.",
        ms(ready),
        mib(idle)
    );
    let cookie = owner_cookie(&s, &http).await?;
    // The page under load must be the real one: 50 invoice rows, not a login redirect.
    let page = http
        .get(format!("{}/tagihan", s.base))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let html = page.text().await.map_err(|e| e.to_string())?;
    let rows = html.matches("INV-").count();
    if rows < 50 {
        return Err(format!(
            "the Tagihan page shows {rows} invoice numbers, expected ≥ 50"
        ));
    }
    println!(
        "Tagihan page: {} KiB of HTML with {rows} invoice numbers.",
        html.len() / 1024
    );

    println!();
    println!(
        "| request | connections | req/s | p50 ms | p99 ms | max ms | errors | peak RSS MiB |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let c = args.connections;
    let health = load(&s, "/healthz", None, c * 2, args.seconds).await?;
    print_load("`GET /healthz`", c * 2, &health);
    let invoices = load(&s, "/tagihan", Some(&cookie), c, args.seconds).await?;
    print_load("`GET /tagihan` (SSR, 50 rows)", c, &invoices);
    let dashboard = load(&s, "/", Some(&cookie), c, args.seconds).await?;
    print_load("`GET /` (Dashboard, SSR)", c, &dashboard);
    println!();

    let right_after = rss_kib(s.pid).unwrap_or(0);
    tokio::time::sleep(Duration::from_secs(30)).await;
    let settled = rss_kib(s.pid).unwrap_or(0);
    println!(
        "RSS right after the load {:.1} MiB, 30 s later {:.1} MiB ({:.2} × idle).",
        mib(right_after),
        mib(settled),
        settled as f64 / idle.max(1) as f64
    );

    login_burst(&s, 50).await?;
    let down = stop(s).await?;
    println!("Graceful shutdown (SIGTERM to exit): {:.0} ms.", ms(down));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_resident_size_of_a_live_process() {
        let kib = rss_kib(std::process::id()).expect("VmRSS of this test process");
        assert!(kib > 1024, "{kib} KiB");
        assert_eq!(rss_kib(u32::MAX), None);
    }
}
