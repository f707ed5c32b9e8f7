//! The `tagih` binary as an operator runs it: configuration errors, migrate, serve.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

const BIN: &str = env!("CARGO_BIN_EXE_tagih");

fn tagih(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        // The schedule acts only where a test drives it.
        .env("TAGIH_SCHEDULER", "off");
    // Run in an empty folder so no developer `.env` leaks into the test.
    let dir = tempfile::tempdir().unwrap().keep();
    c.current_dir(dir);
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

#[test]
fn a_bad_setting_stops_tagih_with_a_message_naming_it() {
    for (var, value) in [
        ("TAGIH_BIND", "not-an-address"),
        ("TAGIH_TIMEZONE", "Asia/Atlantis"),
        ("DATABASE_URL", "mysql://db/tagih"),
        ("WAHA_URL", "http://169.254.169.254/"),
    ] {
        let out = tagih(&["serve"], &[(var, value)]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}={value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(var), "{var}: {err}");
    }
}

#[test]
fn migrate_creates_the_default_sqlite_database_under_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = tagih(&["migrate"], &[])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("data/tagih.db").exists());
    let status = tagih(&["migrate", "--status"], &[])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(status.status.success());
}

#[test]
fn a_database_that_cannot_be_migrated_stops_serve() {
    let dir = tempfile::tempdir().unwrap();
    // A folder where the database file should be: opening it fails, so serving must not start.
    std::fs::create_dir_all(dir.path().join("db.sqlite")).unwrap();
    let url = format!("sqlite://{}/db.sqlite?mode=rwc", dir.path().display());
    let out = tagih(
        &["serve"],
        &[("DATABASE_URL", &url), ("TAGIH_BIND", "127.0.0.1:0")],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("database not ready"));
}

#[test]
fn serve_prints_its_url_answers_health_and_never_logs_the_waha_key() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let key = "k3y-that-must-never-be-printed-8c1f";
    let mut child = tagih(
        &[],
        &[
            ("TAGIH_BIND", &format!("127.0.0.1:{port}")),
            ("WAHA_URL", "http://127.0.0.1:9"),
            ("WAHA_API_KEY", key),
            ("WAHA_WEBHOOK_SECRET", "hook-secret-also-private"),
            ("RUST_LOG", "trace"),
        ],
    )
    .current_dir(dir.path())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert_eq!(
        first.trim(),
        format!("Tagih berjalan di http://127.0.0.1:{port}/")
    );

    let started = Instant::now();
    let health = loop {
        match reqwest::blocking_get(&format!("http://127.0.0.1:{port}/healthz")) {
            Some(body) => break body,
            None if started.elapsed() < Duration::from_secs(10) => {
                std::thread::sleep(Duration::from_millis(100))
            }
            None => panic!("no answer from /healthz"),
        }
    };
    assert!(health.contains("\"ok\":true"), "{health}");
    let _ = reqwest::blocking_get(&format!("http://127.0.0.1:{port}/setup"));

    unsafe_kill_term(child.id());
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful shutdown on SIGTERM: {status}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    let all = format!("{first}{rest}{err}");
    assert!(!all.contains(key), "the WAHA key reached the log");
    assert!(
        !all.contains("hook-secret-also-private"),
        "the webhook secret reached the log"
    );
    assert!(all.contains("shutting down"), "{all}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn unsafe_kill_term(pid: u32) {
    let ok = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

/// A tiny blocking GET without pulling in reqwest's blocking feature.
mod reqwest {
    pub fn blocking_get(url: &str) -> Option<String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        rt.block_on(async {
            let r = ::reqwest::get(url).await.ok()?;
            r.text().await.ok()
        })
    }
}

/// `tagih schedule --at`: one tick as if it were that local time, one JSON line per customer or
/// action; --dry-run changes nothing, a real tick queues what the dry run showed, and the same
/// moment again queues nothing.
#[test]
fn schedule_at_previews_then_queues_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/tagih.db?mode=rwc", dir.path().display());
    let env = [("DATABASE_URL", url.as_str())];
    let seeded = tagih(&["seed-demo", "--customers", "40", "--months", "2"], &env)
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .date_naive();
    let at = format!("{today}T10:00");
    let lines = |args: &[&str]| -> Vec<serde_json::Value> {
        let out = tagih(args, &env).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
            .collect()
    };
    let count = |ls: &[serde_json::Value], outcome: &str| {
        ls.iter().filter(|l| l["outcome"] == outcome).count()
    };
    let preview = lines(&["schedule", "--at", &at, "--dry-run"]);
    // This month's run is due (its moment passed) and would make no draft: seed-demo made
    // this month's invoices.
    let run = preview
        .iter()
        .find(|l| l["kind"] == "invoice_run")
        .expect("the run line");
    assert_eq!(run["outcome"], "would_draft");
    assert_eq!(run["count"], 0);
    let would = count(&preview, "would_queued");
    assert!(
        preview.iter().all(|l| l["at"] == at.as_str()),
        "{preview:?}"
    );
    // A dry run records nothing: the same preview again.
    assert_eq!(lines(&["schedule", "--at", &at, "--dry-run"]), preview);

    let done = lines(&["schedule", "--at", &at]);
    assert_eq!(count(&done, "queued"), would, "{done:?}");
    assert!(
        done.iter()
            .any(|l| l["kind"] == "invoice_run" && l["outcome"] == "drafts")
    );
    let again = lines(&["schedule", "--at", &at]);
    assert_eq!(count(&again, "queued"), 0, "{again:?}");
    assert!(again.iter().all(|l| l["kind"] != "invoice_run"));

    let bad = tagih(&["schedule", "--at", "besok pagi"], &env)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DDTHH:MM"));
}
