//! Upgrades: a database made with release 0.1.0's schema is kept in the repository as a
//! portable export (text, `fixtures/upgrade-0.1.0.jsonl`) with what its pages showed
//! (`….expected.json`). Every later release must load it, migrate it to the newest schema and
//! show the same. When a release changes the schema, add a fixture for it beside this one
//! (`cargo test -p server --features app/ssr --test prod -- --ignored write_upgrade_fixture`
//! with TAGIH_FIXTURE_NAME) and keep the old ones.

use app::server::{
    auth::service::{self as auth, NewOwner},
    billing::dashboard,
    engine::outbox::{self, NewItem, NewJob},
    testing,
};
use chrono::NaiveDate;
use migration::{Migrator, MigratorTrait};
use sea_orm::ConnectionTrait;
use server::backup::{self, RestoreOptions, data};
use std::path::PathBuf;

const FIXTURES: &[&str] = &["upgrade-0.1.0"];
const OWNER: (&str, &str) = ("pemilik", "fixture-sandi-9f3k");

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

#[tokio::test]
async fn every_kept_release_database_migrates_to_the_newest_schema_with_its_data() {
    for name in FIXTURES {
        let path = fixture_dir().join(format!("{name}.jsonl"));
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(fixture_dir().join(format!("{name}.expected.json"))).unwrap(),
        )
        .unwrap();
        let mut targets = vec![testing::sqlite_empty().await];
        if let Some(pg) = testing::postgres_empty().await {
            targets.push(pg);
        }
        for t in targets {
            let what = format!("{name} on {}", t.backend);
            let r = backup::restore_export(&t.url, &path, &RestoreOptions::default())
                .await
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            eprintln!(
                "{what}: {} rows, {} newer migrations, {:.2} s",
                r.manifest.total_rows(),
                r.migrated,
                r.secs
            );
            assert!(
                Migrator::get_pending_migrations(&t.db)
                    .await
                    .unwrap()
                    .is_empty(),
                "{what}: at the newest schema"
            );
            for table in expected["rows"].as_object().unwrap() {
                let n: i64 =
                    t.db.query_one_raw(sea_orm::Statement::from_string(
                        t.db.get_database_backend(),
                        format!("SELECT COUNT(*) FROM {}", table.0),
                    ))
                    .await
                    .unwrap()
                    .unwrap()
                    .try_get_by_index(0)
                    .unwrap();
                assert_eq!(Some(n), table.1.as_i64(), "{what}: rows of {}", table.0);
            }
            // The pages show what they showed before the upgrade.
            let numbers = dashboard::numbers(&t.db, today(), chrono_tz::Asia::Jakarta)
                .await
                .unwrap();
            // Every figure the old release showed is unchanged (newer releases add figures).
            let now = serde_json::to_value(&numbers).unwrap();
            for (key, before) in expected["dashboard"].as_object().unwrap() {
                assert_eq!(&now[key], before, "{what}: dashboard {key}");
            }
            // The owner still signs in with the password set before the upgrade.
            auth::authenticate(&t.db, OWNER.0, OWNER.1)
                .await
                .unwrap_or_else(|e| panic!("{what}: sign-in: {e}"));
            t.cleanup().await;
        }
    }
}

/// Writes `fixtures/$TAGIH_FIXTURE_NAME.jsonl` and its `.expected.json` from a fresh database at
/// this build's schema (run by hand when a release changes the schema).
#[tokio::test]
#[ignore = "writes a fixture; run by hand"]
async fn write_upgrade_fixture() {
    let name = std::env::var("TAGIH_FIXTURE_NAME").expect("TAGIH_FIXTURE_NAME=upgrade-<version>");
    let t = testing::sqlite().await;
    let db = &t.db;
    let tz = chrono_tz::Asia::Jakarta;
    server::seed::seed_demo(db, 12, 3, today(), tz, 7)
        .await
        .unwrap();
    auth::create_owner(
        db,
        NewOwner {
            username: OWNER.0,
            display_name: "Pemilik Fixture",
            password: OWNER.1,
            password_confirm: OWNER.1,
        },
    )
    .await
    .unwrap();
    outbox::enqueue(
        db,
        NewJob {
            kind: app::domain::sending::JobKind::Bulk,
            template_kind: "invoice".into(),
            wa_session: "default".into(),
            pacing: app::domain::sending::Pacing {
                delay_ms: 2000,
                jitter_ms: 500,
            },
            description: Some("fixture".into()),
            created_by: None,
            items: (1..=3)
                .map(|i| NewItem {
                    invoice_id: Some(i),
                    customer_id: Some(i),
                    wa_number: format!("6281200000{i:02}"),
                    chat_id: format!("6281200000{i:02}@c.us"),
                    body: format!("Tagihan {i}"),
                    statement_total: None,
                    customers: Vec::new(),
                })
                .collect(),
        },
    )
    .await
    .unwrap();
    let version = Migrator::get_applied_migrations(db)
        .await
        .unwrap()
        .last()
        .unwrap()
        .name()
        .to_owned();
    let mut out = Vec::new();
    let tables = backup::write_export(db, &version, &mut out).await.unwrap();
    std::fs::write(fixture_dir().join(format!("{name}.jsonl")), out).unwrap();
    let rows: serde_json::Map<String, serde_json::Value> = tables
        .iter()
        .map(|t| (t.name.clone(), t.rows.into()))
        .collect();
    let numbers = dashboard::numbers(db, today(), tz).await.unwrap();
    let expected = serde_json::json!({
        "schema_version": version,
        "rows": rows,
        "dashboard": numbers,
    });
    std::fs::write(
        fixture_dir().join(format!("{name}.expected.json")),
        serde_json::to_string_pretty(&expected).unwrap() + "\n",
    )
    .unwrap();
    let summaries = data::summarise(db).await.unwrap();
    assert_eq!(summaries, tables);
    t.cleanup().await;
}
