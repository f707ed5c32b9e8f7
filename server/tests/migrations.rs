//! Every migration goes up, comes down and goes up again, on SQLite and PostgreSQL.

use app::server::testing;
use migration::{Migrator, MigratorTrait, SchemaManager};

const TABLES: &[&str] = &[
    "users",
    "login_sessions",
    "settings",
    "sequences",
    "packages",
    "customers",
    "invoices",
    "payments",
    "payment_allocations",
    "message_templates",
    "wa_sessions",
    "send_jobs",
    "send_items",
    "invoice_runs",
    "money_log",
    "send_item_customers",
    "scheduler_lease",
    "schedule_runs",
    "reminder_sent",
    "webhook_events",
    "audit_log",
];

async fn tables_present(db: &sea_orm::DatabaseConnection) -> Vec<&'static str> {
    let manager = SchemaManager::new(db);
    let mut present = Vec::new();
    for t in TABLES {
        if manager.has_table(*t).await.unwrap() {
            present.push(*t);
        }
    }
    present
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again_on_every_backend() {
    let mut dbs = vec![testing::sqlite_empty().await];
    if let Some(pg) = testing::postgres_empty().await {
        dbs.push(pg);
    }
    for t in dbs {
        let db = &t.db;
        let backend = t.backend;
        assert!(
            tables_present(db).await.is_empty(),
            "{backend}: not empty at start"
        );

        Migrator::up(db, None).await.unwrap();
        assert_eq!(tables_present(db).await, TABLES, "{backend}: after up");
        assert!(
            Migrator::get_pending_migrations(db)
                .await
                .unwrap()
                .is_empty()
        );

        // Step down one at a time, so each down() runs against the schema it expects.
        let total = Migrator::migrations().len();
        for step in 1..=total {
            Migrator::down(db, Some(1)).await.unwrap_or_else(|e| {
                panic!("{backend}: down step {step} failed: {e}");
            });
            assert_eq!(
                Migrator::get_pending_migrations(db).await.unwrap().len(),
                step
            );
        }
        assert!(
            tables_present(db).await.is_empty(),
            "{backend}: tables left after down"
        );

        Migrator::up(db, None).await.unwrap();
        assert_eq!(
            tables_present(db).await,
            TABLES,
            "{backend}: after second up"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_invoice_per_customer_per_period_is_enforced_by_the_database() {
    use sea_orm::{ConnectionTrait, Statement};
    for t in testing::all().await {
        let db = &t.db;
        let b = db.get_database_backend();
        let now = "2026-11-01T00:00:00Z";
        let exec = |sql: String| db.execute_raw(Statement::from_string(b, sql));
        exec(format!(
            "INSERT INTO customers (code, name, phone_status, billing_day, status, created_at, updated_at) \
             VALUES ('PLG-00001', 'Siti', 'missing', 10, 'active', '{now}', '{now}')"
        ))
        .await
        .unwrap();
        let invoice = |number: &str| {
            format!(
                "INSERT INTO invoices (number, customer_id, period, issue_date, due_date, amount, arrears, discount, paid, status, created_at, updated_at) \
                 VALUES ('{number}', 1, '2026-11', '2026-11-01', '2026-11-10', 150000, 0, 0, 0, 'unpaid', '{now}', '{now}')"
            )
        };
        exec(invoice("INV-202611-00001")).await.unwrap();
        assert!(
            exec(invoice("INV-202611-00002")).await.is_err(),
            "{}: second invoice for the same period accepted",
            t.backend
        );
        t.cleanup().await;
    }
}
