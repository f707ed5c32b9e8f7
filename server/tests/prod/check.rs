//! `tagih check` against a running waha-sim, and against an address where nothing listens.

use crate::support::{KEY, sqlite_url, tagih, working_sim};

/// The lines of `tagih check` as (verdict, what, detail).
fn lines(stdout: &str) -> Vec<(String, String, String)> {
    stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let verdict = l[..10].trim().to_owned();
            let rest = &l[12..];
            let what = rest[..14.min(rest.len())].trim().to_owned();
            let detail = rest.get(15..).unwrap_or("").trim().to_owned();
            (verdict, what, detail)
        })
        .collect()
}

fn verdict_of<'a>(lines: &'a [(String, String, String)], what: &str) -> &'a str {
    lines
        .iter()
        .find(|(_, w, _)| w == what)
        .map(|(v, _, _)| v.as_str())
        .unwrap_or_else(|| panic!("no line for {what}: {lines:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_reports_each_part_and_fails_when_waha_cannot_be_reached() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "tagih.db");
    // A folder with a (stand-in) bundle: the assets line is about where they come from.
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/tagih.wasm"), b"\0asm").unwrap();
    let site = site.display().to_string();
    let backups = dir.path().join("backups").display().to_string();
    let base = [
        ("DATABASE_URL", url.as_str()),
        ("LEPTOS_SITE_ROOT", site.as_str()),
        ("TAGIH_BACKUP_DIR", backups.as_str()),
        ("WAHA_API_KEY", KEY),
        ("WAHA_WEBHOOK_SECRET", "rahasia-webhook-uji"),
    ];

    // Before migrating: the migrations are pending (a warning), nothing is written.
    let sim = working_sim().await;
    let sim_url = sim.url();
    let mut env = base.to_vec();
    env.push(("WAHA_URL", &sim_url));
    let out = tagih(&["check"], &env, dir.path()).output().await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let l = lines(&stdout);
    assert_eq!(verdict_of(&l, "Migrasi"), "PERINGATAN", "{stdout}");
    assert_eq!(out.status.code(), Some(0), "{stdout}");

    let migrated = tagih(&["migrate"], &env, dir.path())
        .output()
        .await
        .unwrap();
    assert!(migrated.status.success());

    // A running WAHA with a linked session.
    let out = tagih(&["check"], &env, dir.path()).output().await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let l = lines(&stdout);
    for what in [
        "Konfigurasi",
        "Aset web",
        "Basis data",
        "Migrasi",
        "WAHA",
        "Sesi WhatsApp",
        "Backup",
    ] {
        assert_eq!(verdict_of(&l, what), "OK", "{what}: {stdout}");
    }
    // The webhook is WAHA's global one in the simulator: not visible on the session.
    assert_eq!(verdict_of(&l, "Webhook"), "PERINGATAN", "{stdout}");
    assert!(stdout.contains("WAHA 2026.9.1"), "{stdout}");
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(!stdout.contains(KEY), "the key is never printed");

    // The session logged out: a failure.
    reqwest::Client::new()
        .post(format!("{sim_url}/_sim/sessions/default/status"))
        .json(&serde_json::json!({"status": "STOPPED"}))
        .send()
        .await
        .unwrap();
    let out = tagih(&["check"], &env, dir.path()).output().await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        verdict_of(&lines(&stdout), "Sesi WhatsApp"),
        "GAGAL",
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(1));
    sim.stop().await;

    // Nothing listens at this address.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let mut env = base.to_vec();
    env.push(("WAHA_URL", &dead));
    let started = std::time::Instant::now();
    let out = tagih(&["check"], &env, dir.path()).output().await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let l = lines(&stdout);
    assert_eq!(verdict_of(&l, "WAHA"), "GAGAL", "{stdout}");
    assert_eq!(verdict_of(&l, "Basis data"), "OK", "{stdout}");
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        started.elapsed().as_secs() < 15,
        "a dead WAHA is reported quickly"
    );

    // A database that cannot be opened fails too, and the rest is still reported.
    let mut env = base.to_vec();
    let bad_db = format!("sqlite://{}/no/such/dir/x.db", dir.path().display());
    env[0] = ("DATABASE_URL", &bad_db);
    let out = tagih(&["check"], &env, dir.path()).output().await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let l = lines(&stdout);
    assert_eq!(verdict_of(&l, "Basis data"), "GAGAL", "{stdout}");
    assert_eq!(out.status.code(), Some(1));
}
