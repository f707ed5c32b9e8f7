//! `tagih-bench billing`: seeds a fresh database with demo data (default 20,000
//! customers × 5 months = ~92,000 invoices), times the invoice run for the last month and the
//! invoice-table query in the shapes the Tagihan page sends, and prints p50/p95/max.
//! A measurement tool kept in the repo (`make bench-billing`), not a test.

use crate::seed;
use app::{
    domain::dates::Period,
    dto::{invoices::InvoiceQuery, payments::PaymentQuery},
    server::{
        billing::{dashboard, invoices, payment_list, receivables},
        testing::{self, TestDb},
    },
};
use chrono::NaiveDate;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::time::{Duration, Instant};

pub struct BenchArgs {
    /// A database to fill (must be empty); default a temporary SQLite file.
    pub database_url: Option<String>,
    /// A PostgreSQL server URL: a fresh database is created there and dropped afterwards.
    pub postgres_admin_url: Option<String>,
    pub customers: usize,
    pub months: u32,
    pub iterations: usize,
}

/// A fixed "today" keeps runs comparable: the 20th, so about half of this month is overdue.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).expect("valid date")
}

pub(crate) struct Target {
    pub db: DatabaseConnection,
    pub label: String,
    /// The throw-away database behind `db`; `None` when the caller named one to keep.
    temp: Option<TestDb>,
}

/// The database to measure on: a fresh one on a PostgreSQL server, the one named, or a
/// temporary SQLite file (the fresh ones are dropped by [`close`]).
pub(crate) async fn open(args: &BenchArgs) -> Result<Target, String> {
    if let Some(admin_url) = &args.postgres_admin_url {
        let t = testing::postgres_empty_at(admin_url).await;
        return Ok(Target {
            db: t.db.clone(),
            label: "PostgreSQL".into(),
            temp: Some(t),
        });
    }
    if let Some(url) = &args.database_url {
        let db = app::server::db::connect(url)
            .await
            .map_err(|e| e.to_string())?;
        let label = app::server::db::backend_name(&db).to_owned();
        return Ok(Target {
            db,
            label,
            temp: None,
        });
    }
    let t = testing::sqlite_empty().await;
    Ok(Target {
        db: t.db.clone(),
        label: "SQLite (WAL, synchronous=FULL)".into(),
        temp: Some(t),
    })
}

pub(crate) async fn close(t: Target) {
    let _ = t.db.close().await;
    if let Some(temp) = t.temp {
        temp.cleanup().await;
    }
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The query shapes the Tagihan page sends (period filter by default, page of 50).
fn shapes(period: Period) -> Vec<(&'static str, InvoiceQuery)> {
    let p = period.to_string();
    let base = InvoiceQuery {
        period: p.clone(),
        ..Default::default()
    };
    vec![
        ("period, by number, page 1", base.clone()),
        (
            "period, by number, last page",
            InvoiceQuery {
                page: 370,
                ..base.clone()
            },
        ),
        (
            "period, by customer name",
            InvoiceQuery {
                sort: "customer".into(),
                ..base.clone()
            },
        ),
        (
            "period, by total desc",
            InvoiceQuery {
                sort: "total".into(),
                desc: true,
                ..base.clone()
            },
        ),
        (
            "period, by status",
            InvoiceQuery {
                sort: "status".into(),
                ..base.clone()
            },
        ),
        (
            "period, unpaid, by due date",
            InvoiceQuery {
                status: "unpaid".into(),
                sort: "due".into(),
                ..base.clone()
            },
        ),
        (
            "period, has WhatsApp",
            InvoiceQuery {
                has_wa: true,
                ..base.clone()
            },
        ),
        (
            "all periods, overdue, by due date",
            InvoiceQuery {
                overdue: true,
                sort: "due".into(),
                ..Default::default()
            },
        ),
        (
            "all periods, search name",
            InvoiceQuery {
                q: "wati sir".into(),
                ..Default::default()
            },
        ),
        (
            "all periods, search invoice no.",
            InvoiceQuery {
                q: format!("INV-{}-0123", period.compact()),
                ..Default::default()
            },
        ),
        (
            "period, search customer code",
            InvoiceQuery {
                q: "PLG-01234".into(),
                ..base.clone()
            },
        ),
        (
            "all periods, by number desc",
            InvoiceQuery {
                desc: true,
                ..Default::default()
            },
        ),
        (
            "Piutang bucket 1–30 days (open)",
            InvoiceQuery {
                status: "open".into(),
                aging: "1-30".into(),
                ..Default::default()
            },
        ),
    ]
}

/// p50 and p95 of `n` runs of `f`.
async fn timed<T, F, Fut>(n: usize, mut f: F) -> Result<(Duration, Duration), String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let s = Instant::now();
        std::hint::black_box(f().await?);
        times.push(s.elapsed());
    }
    times.sort();
    Ok((percentile(&times, 50.0), percentile(&times, 95.0)))
}

pub async fn run(args: BenchArgs) -> Result<(), String> {
    let target = open(&args).await?;
    let result = bench(&target, &args).await;
    close(target).await;
    result
}

async fn bench(t: &Target, args: &BenchArgs) -> Result<(), String> {
    let db = &t.db;
    Migrator::up(db, None).await.map_err(|e| e.to_string())?;
    let existing = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM customers",
        ))
        .await
        .map_err(|e| e.to_string())?
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .unwrap_or(0);
    if existing > 0 {
        return Err("the bench needs an empty database (it adds demo data)".into());
    }
    let today = today();
    let tz = chrono_tz::Asia::Jakarta;
    println!("## Billing benchmark: {}", t.label);
    println!(
        "Seeding {} customers and {} months of invoices and payments (today = {today})…",
        args.customers, args.months
    );
    let report = seed::seed_demo(db, args.customers, args.months, today, tz, 42).await?;
    println!(
        "Seeded in {:.1} s: customers {:.2} s, {} invoices, {} payments.",
        report.total_secs, report.customers_secs, report.invoices, report.payments
    );
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        // What autovacuum does within a minute of a bulk load; without it the planner guesses.
        db.execute_unprepared("ANALYZE")
            .await
            .map_err(|e| e.to_string())?;
    }
    println!();
    println!("| invoice run (period) | created | seconds |");
    println!("|---|---:|---:|");
    for (period, created, secs) in &report.runs {
        println!("| {period} | {created} | {secs:.3} |");
    }
    let period = Period::of(today);
    let t0 = Instant::now();
    let again = invoices::run(
        db,
        &invoices::RunOptions::new(period, today, chrono::Utc::now()),
    )
    .await
    .map_err(|e| e.to_string())?;
    println!(
        "| {period} again (idempotent) | {} (skipped {}) | {:.3} |",
        again.created,
        again.skipped_existing,
        t0.elapsed().as_secs_f64()
    );
    println!();
    println!(
        "Invoice table query (filters + sort + page of 50 + counts), {} iterations each:",
        args.iterations
    );
    println!();
    println!("| query | rows matched | p50 ms | p95 ms | max ms |");
    println!("|---|---:|---:|---:|---:|");
    let mut all = Vec::new();
    for (label, q) in shapes(period) {
        let mut matched = 0;
        for _ in 0..3 {
            matched = invoices::list(db, &q, today)
                .await
                .map_err(|e| e.to_string())?
                .total;
        }
        let mut times = Vec::with_capacity(args.iterations);
        for _ in 0..args.iterations {
            let s = Instant::now();
            let page = invoices::list(db, &q, today)
                .await
                .map_err(|e| e.to_string())?;
            times.push(s.elapsed());
            std::hint::black_box(page);
        }
        times.sort();
        println!(
            "| {label} | {matched} | {:.2} | {:.2} | {:.2} |",
            ms(percentile(&times, 50.0)),
            ms(percentile(&times, 95.0)),
            ms(*times.last().unwrap_or(&Duration::ZERO))
        );
        all.extend(times);
    }
    all.sort();
    println!(
        "| **all shapes** | | **{:.2}** | **{:.2}** | **{:.2}** |",
        ms(percentile(&all, 50.0)),
        ms(percentile(&all, 95.0)),
        ms(*all.last().unwrap_or(&Duration::ZERO))
    );
    let mut times = Vec::new();
    for _ in 0..args.iterations.min(100) {
        let s = Instant::now();
        std::hint::black_box(
            dashboard::numbers(db, today, tz)
                .await
                .map_err(|e| e.to_string())?,
        );
        times.push(s.elapsed());
    }
    times.sort();
    println!();
    println!(
        "Dashboard numbers: p50 {:.2} ms, p95 {:.2} ms.",
        ms(percentile(&times, 50.0)),
        ms(percentile(&times, 95.0))
    );
    let n = args.iterations.min(100);
    let aging = receivables::aging(db, today)
        .await
        .map_err(|e| e.to_string())?;
    let (p50, p95) = timed(n, || async {
        receivables::aging(db, today)
            .await
            .map_err(|e| e.to_string())
    })
    .await?;
    println!(
        "Piutang (every debtor bucketed, {} debtors): p50 {:.2} ms, p95 {:.2} ms.",
        aging.total_customers,
        ms(p50),
        ms(p95)
    );
    let month = PaymentQuery::default();
    let payments = payment_list::list(db, &month, today, tz)
        .await
        .map_err(|e| e.to_string())?;
    let (p50, p95) = timed(n, || async {
        payment_list::list(db, &month, today, tz)
            .await
            .map_err(|e| e.to_string())
    })
    .await?;
    println!(
        "Pembayaran, this month ({} payments, totals by method/person/day + page of 50): \
         p50 {:.2} ms, p95 {:.2} ms.",
        payments.matching,
        ms(p50),
        ms(p95)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_rank() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&v, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&v, 95.0), Duration::from_millis(95));
        assert_eq!(percentile(&v[..1], 95.0), Duration::from_millis(1));
    }
}
