//! Backups taken while a bulk send runs restore into fresh databases (SQLite and PostgreSQL,
//! either way round) with the same counts and checksums; damaged files are refused and the
//! database stays as it was; the daily backup runs inside `tagih serve` and shows on the
//! dashboard.

use crate::support::{KEY, Server, sim_messages, sqlite_url, tagih, working_sim};
use app::{
    domain::sending::{Pacing, SendPolicy},
    server::{
        engine::{
            outbox::{self, NewItem, NewJob},
            policy,
        },
        testing::{self, TestDb},
    },
};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use server::backup::{self, BackupOptions, Format, PayloadKind, RestoreOptions, data, schedule};
use std::{path::Path, time::Duration};

fn job(n: usize, delay_ms: i64) -> NewJob {
    NewJob {
        kind: app::domain::sending::JobKind::Bulk,
        template_kind: "invoice".into(),
        wa_session: "default".into(),
        pacing: Pacing {
            delay_ms,
            jitter_ms: 0,
        },
        description: None,
        created_by: None,
        items: (0..n)
            .map(|i| {
                let number = format!("62812{i:07}");
                NewItem {
                    invoice_id: None,
                    customer_id: None,
                    chat_id: format!("{number}@c.us"),
                    body: format!("Tagihan untuk {number}"),
                    wa_number: number,
                    statement_total: None,
                    customers: Vec::new(),
                }
            })
            .collect(),
    }
}

async fn seed(db: &DatabaseConnection, customers: usize, seed: u64) {
    let tz = chrono_tz::Asia::Jakarta;
    let today = app::server::billing::clock::today(tz);
    server::seed::seed_demo(db, customers, 2, today, tz, seed)
        .await
        .unwrap();
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap()
}

/// Fresh, empty databases to restore into: SQLite always, PostgreSQL when configured.
async fn fresh_targets() -> Vec<TestDb> {
    let mut v = vec![testing::sqlite_empty().await];
    if let Some(pg) = testing::postgres_empty().await {
        v.push(pg);
    }
    v
}

fn pg_dump_usable() -> bool {
    std::process::Command::new("pg_dump")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_a_bulk_send_restores_with_equal_counts_and_checksums() {
    let mut sources = vec![testing::sqlite().await];
    if let Some(pg) = testing::postgres().await {
        sources.push(pg);
    }
    for src in sources {
        let backend = src.backend;
        seed(&src.db, 30, 1).await;
        let sim = working_sim().await;
        let dir = tempfile::tempdir().unwrap();
        let sim_url = sim.url();
        let t = Server::start(&[
            ("DATABASE_URL", &src.url),
            ("WAHA_URL", &sim_url),
            ("WAHA_API_KEY", KEY),
            ("TAGIH_SEND_LEASE_MS", "500"),
            ("TAGIH_BACKUP_DIR", &dir.path().display().to_string()),
        ])
        .await;
        let total = 300;
        // No quiet hours or daily cap in the way, whatever the time of day.
        policy::save(&t.state.db, &SendPolicy::unlimited())
            .await
            .unwrap();
        outbox::enqueue(&t.state.db, job(total, 10)).await.unwrap();
        t.state.engine.wake();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while sim_messages(&sim).await < 20 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{backend}: nothing sent"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }

        let mut made = Vec::new();
        for format in [Format::Auto, Format::Portable] {
            let opts = BackupOptions {
                dir: dir.path().to_owned(),
                format,
                prefix: "tagih",
            };
            let r = backup::create(&t.state.db, &src.url, &opts)
                .await
                .unwrap_or_else(|e| panic!("{backend} {format:?}: {e}"));
            eprintln!(
                "{backend} {:?}: {} bytes, {} rows, {:.3} s",
                r.manifest.kind,
                r.bytes,
                r.manifest.total_rows(),
                r.secs
            );
            made.push(r);
        }
        let sent_after = sim_messages(&sim).await;
        assert!(
            sent_after < total,
            "{backend}: the send had finished before the backups did ({sent_after})"
        );
        t.stop().await;
        sim.stop().await;

        let expected_auto = match backend {
            "sqlite" => PayloadKind::Sqlite,
            _ if pg_dump_usable() => PayloadKind::PgDump,
            _ => PayloadKind::Portable,
        };
        assert_eq!(made[0].manifest.kind, expected_auto, "{backend}");
        assert_eq!(made[1].manifest.kind, PayloadKind::Portable);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&made[0].path)
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "backups are private to their owner");
        }

        for r in &made {
            for target in fresh_targets().await {
                if r.manifest.kind == PayloadKind::PgDump && target.backend != "postgres" {
                    let err = backup::restore(&target.url, &r.path, &RestoreOptions::default())
                        .await
                        .unwrap_err();
                    assert!(matches!(err, backup::BackupError::NeedsPostgres), "{err}");
                    target.cleanup().await;
                    continue;
                }
                let what = format!("{backend} {:?} -> {}", r.manifest.kind, target.backend);
                let report = backup::restore(&target.url, &r.path, &RestoreOptions::default())
                    .await
                    .unwrap_or_else(|e| panic!("{what}: {e}"));
                eprintln!("{what}: restored in {:.3} s", report.secs);
                let found = data::summarise(&target.db).await.unwrap();
                assert_eq!(found, r.manifest.tables, "{what}: counts and checksums");
                assert_eq!(backup::overall_checksum(&found), r.manifest.checksum);
                // The snapshot caught the send half-way: some messages sent, some not yet.
                let sent = count(
                    &target.db,
                    "SELECT COUNT(*) FROM send_items WHERE state = 'sent'",
                )
                .await;
                let items = count(&target.db, "SELECT COUNT(*) FROM send_items").await;
                assert_eq!(items, total as i64, "{what}");
                assert!(sent > 0 && sent < total as i64, "{what}: {sent} sent");
                assert_eq!(
                    count(&target.db, "SELECT COUNT(*) FROM customers").await,
                    30,
                    "{what}"
                );
                // The ids go on after the restored ones (PostgreSQL's sequences were reset).
                seed(&target.db, 2, 9).await;
                assert_eq!(
                    count(&target.db, "SELECT COUNT(*) FROM customers").await,
                    32,
                    "{what}"
                );
                target.cleanup().await;
            }
        }
        src.cleanup().await;
    }
}

/// Every table of the schema is in the backup's table list, so none is silently left out.
#[tokio::test]
async fn the_backup_knows_every_table_of_the_schema() {
    let t = testing::sqlite().await;
    let rows =
        t.db.query_all_raw(Statement::from_string(
            t.db.get_database_backend(),
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations' ORDER BY name",
        ))
        .await
        .unwrap();
    let mut in_schema: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "name").unwrap())
        .collect();
    in_schema.sort();
    let mut listed: Vec<String> = data::TABLES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(in_schema, listed);
    t.cleanup().await;
}

/// A database with some data, its fingerprint, and a good backup of another database.
struct Damage {
    dir: tempfile::TempDir,
    target_url: String,
    before: Vec<backup::TableSummary>,
    good: std::path::PathBuf,
}

async fn damage_setup() -> Damage {
    let dir = tempfile::tempdir().unwrap();
    let source = app::server::db::connect(&sqlite_url(dir.path(), "source.db"))
        .await
        .unwrap();
    <migration::Migrator as migration::MigratorTrait>::up(&source, None)
        .await
        .unwrap();
    seed(&source, 20, 1).await;
    let good = backup::create(
        &source,
        "",
        &BackupOptions {
            dir: dir.path().join("b"),
            format: Format::Auto,
            prefix: "tagih",
        },
    )
    .await
    .unwrap()
    .path;
    source.close().await.unwrap();

    let target_url = sqlite_url(dir.path(), "target.db");
    let target = app::server::db::connect(&target_url).await.unwrap();
    <migration::Migrator as migration::MigratorTrait>::up(&target, None)
        .await
        .unwrap();
    seed(&target, 7, 2).await;
    let before = data::summarise(&target).await.unwrap();
    target.close().await.unwrap();
    Damage {
        dir,
        target_url,
        before,
        good,
    }
}

async fn fingerprint(url: &str) -> Vec<backup::TableSummary> {
    let db = app::server::db::connect(url).await.unwrap();
    let f = data::summarise(&db).await.unwrap();
    db.close().await.unwrap();
    f
}

async fn restore_cli(d: &Damage, file: &Path) -> (Option<i32>, String) {
    let out = tagih(
        &["restore", file.to_str().unwrap(), "--yes"],
        &[("DATABASE_URL", &d.target_url)],
        d.dir.path(),
    )
    .output()
    .await
    .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_damaged_or_truncated_backup_is_refused_and_the_database_is_untouched() {
    let d = damage_setup().await;
    let good = std::fs::read(&d.good).unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated to half", good[..good.len() / 2].to_vec()),
        ("last 100 bytes cut", good[..good.len() - 100].to_vec()),
        ("one byte flipped", {
            let mut b = good.clone();
            let i = b.len() * 2 / 3;
            b[i] ^= 0x5a;
            b
        }),
        ("empty file", Vec::new()),
        ("not a backup", b"hello, this is a text file\n".repeat(50)),
    ];
    for (what, bytes) in cases {
        let file = d
            .dir
            .path()
            .join(format!("{}.tar.gz", what.replace(' ', "-")));
        std::fs::write(&file, &bytes).unwrap();
        let (code, err) = restore_cli(&d, &file).await;
        assert_eq!(code, Some(1), "{what}: {err}");
        assert!(
            err.contains("Database tidak diubah"),
            "{what}: the message says the database is untouched: {err}"
        );
        assert!(
            err.contains("rusak") || err.contains("bukan backup Tagih"),
            "{what}: {err}"
        );
        assert_eq!(
            fingerprint(&d.target_url).await,
            d.before,
            "{what}: database changed"
        );
    }
    // The intact file restores (so the refusals above were about the damage).
    let (code, err) = restore_cli(&d, &d.good).await;
    assert_eq!(code, Some(0), "{err}");
    assert_ne!(fingerprint(&d.target_url).await, d.before);
}

/// Rewrites a backup with an edited manifest (and payload).
fn rewrite(src: &Path, dest: &Path, edit: impl FnOnce(&mut backup::Manifest, &Path)) {
    let tmp = tempfile::tempdir().unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(
        std::fs::File::open(src).unwrap(),
    ));
    archive.unpack(tmp.path()).unwrap();
    let mut m: backup::Manifest =
        serde_json::from_slice(&std::fs::read(tmp.path().join("manifest.json")).unwrap()).unwrap();
    let payload = tmp.path().join(&m.payload);
    edit(&mut m, &payload);
    let bytes = std::fs::read(&payload).unwrap();
    use sha2::Digest;
    m.payload_sha256 = hex::encode(sha2::Sha256::digest(&bytes));
    m.payload_bytes = bytes.len() as u64;
    let out = flate2::write::GzEncoder::new(
        std::fs::File::create(dest).unwrap(),
        flate2::Compression::fast(),
    );
    let mut tar = tar::Builder::new(out);
    let json = serde_json::to_vec(&m).unwrap();
    let mut h = tar::Header::new_gnu();
    h.set_size(json.len() as u64);
    h.set_mode(0o600);
    h.set_cksum();
    tar.append_data(&mut h, "manifest.json", json.as_slice())
        .unwrap();
    tar.append_path_with_name(&payload, &m.payload).unwrap();
    tar.into_inner().unwrap().finish().unwrap();
}

#[tokio::test]
async fn newer_schemas_and_data_that_fail_to_load_are_refused_without_a_change() {
    let d = damage_setup().await;

    // A backup from a newer Tagih.
    let newer = d.dir.path().join("newer.tar.gz");
    rewrite(&d.good, &newer, |m, _| {
        m.schema_version = "m29991231_000001_from_the_future".into();
    });
    let (code, err) = restore_cli(&d, &newer).await;
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("lebih baru"), "{err}");
    assert_eq!(fingerprint(&d.target_url).await, d.before);

    // A portable export whose checksums are right but whose rows break a constraint halfway
    // (a customer twice): the load fails inside the transaction, which rolls back.
    let source = app::server::db::connect(&sqlite_url(d.dir.path(), "source.db"))
        .await
        .unwrap();
    let portable = backup::create(
        &source,
        "",
        &BackupOptions {
            dir: d.dir.path().join("p"),
            format: Format::Portable,
            prefix: "tagih",
        },
    )
    .await
    .unwrap()
    .path;
    source.close().await.unwrap();
    let broken = d.dir.path().join("broken.tar.gz");
    rewrite(&portable, &broken, |m, payload| {
        let text = std::fs::read_to_string(payload).unwrap();
        let mut out = Vec::new();
        let mut in_customers = false;
        let mut first_row: Option<String> = None;
        for line in text.lines() {
            if line.starts_with("{\"table\":\"customers\"")
                || line.starts_with("{\"columns\"") && line.contains("\"customers\"")
            {
                in_customers = true;
            }
            if in_customers && line.starts_with('[') && first_row.is_none() {
                first_row = Some(line.to_owned());
            }
            if in_customers && line.starts_with("{\"end\"") {
                out.push(first_row.clone().expect("a customer row"));
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                let rows = v["rows"].as_u64().unwrap() + 1;
                out.push(serde_json::json!({"end": "customers", "rows": rows}).to_string());
                in_customers = false;
                continue;
            }
            out.push(line.to_owned());
        }
        std::fs::write(payload, out.join("\n") + "\n").unwrap();
        m.tables = backup::scan_export(payload, &m.schema_version).unwrap();
        m.checksum = backup::overall_checksum(&m.tables);
    });
    let (code, err) = restore_cli(&d, &broken).await;
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(fingerprint(&d.target_url).await, d.before, "{err}");

    // A database with data is replaced only when asked.
    let out = tagih(
        &["restore", d.good.to_str().unwrap()],
        &[("DATABASE_URL", &d.target_url)],
        d.dir.path(),
    )
    .output()
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(fingerprint(&d.target_url).await, d.before);
}

#[tokio::test]
async fn tagih_backup_writes_a_restorable_file_and_the_dashboard_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path(), "tagih.db");
    let backups = dir.path().join("backups");
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("TAGIH_BACKUP_DIR", backups.to_str().unwrap()),
    ];
    let out = tagih(&["migrate"], &env, dir.path())
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let out = tagih(&["backup"], &env, dir.path()).output().await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Backup selesai"), "{stdout}");

    // The daily backup: due at once on a database with no backup record of its own kind…
    let t = Server::start(&env).await;
    t.sign_in().await;
    let (status, card) = t.call("system/backup_status", &[]).await;
    assert_eq!(status, 200, "{card}");
    assert_eq!(
        card["overdue"], false,
        "the hand-made backup counts: {card}"
    );
    assert!(
        card["last_file"].as_str().unwrap().starts_with("tagih-2"),
        "{card}"
    );

    let cfg = app::server::BackupConfig {
        dir: backups.clone(),
        keep: 2,
        hour: 2,
    };
    for _ in 0..3 {
        schedule::run_once(&t.state, &cfg).await.unwrap();
        // One-second file names: three backups in a row need three seconds or suffixes.
    }
    let names: Vec<String> = std::fs::read_dir(&backups)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tar.gz"))
        .collect();
    assert_eq!(
        names
            .iter()
            .filter(|n| n.starts_with("tagih-auto-"))
            .count(),
        2,
        "retention keeps 2: {names:?}"
    );
    assert_eq!(
        names
            .iter()
            .filter(|n| !n.starts_with("tagih-auto-"))
            .count(),
        1,
        "the hand-made one stays: {names:?}"
    );
    let (_, card) = t.call("system/backup_status", &[]).await;
    assert!(
        card["last_file"]
            .as_str()
            .unwrap()
            .starts_with("tagih-auto-"),
        "{card}"
    );
    assert_eq!(card["overdue"], false);
    assert_eq!(card["automatic"], true);

    // Two days without a backup turn the card red.
    let mut s = app::server::system::load(&t.state.db).await.unwrap();
    s.last_ok_at = Some(chrono::Utc::now() - chrono::Duration::hours(49));
    app::server::settings::set(&t.state.db, app::server::system::KEY, &s)
        .await
        .unwrap();
    let (_, card) = t.call("system/backup_status", &[]).await;
    assert_eq!(card["overdue"], true, "{card}");

    // The scheduler inside the server sees it is due and takes one by itself.
    let task = schedule::spawn(
        t.state.clone(),
        Duration::ZERO,
        Duration::from_millis(50),
        t.stop_token(),
    )
    .expect("automatic backups are on");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (_, card) = t.call("system/backup_status", &[]).await;
        if card["overdue"] == false {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no automatic backup"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Without a session the card's data is not for anyone.
    let anonymous = reqwest::Client::new()
        .post(format!("{}/api/system/backup_status", t.url))
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    t.stop().await;
    let _ = task.await;
}
