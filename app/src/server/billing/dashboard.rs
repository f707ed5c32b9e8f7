//! Dashboard numbers: a handful of aggregate queries, each served by an index.

use super::{
    clock::day_start_utc,
    sql::stmt,
    statement::{CREDIT_SQL, OPEN_SQL},
};
use crate::{
    domain::dates::Period, dto::dashboard::DashboardNumbers, server::billing::BillingError,
    server::reach::REACHABLE_SQL,
};
use chrono::NaiveDate;
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, Value};

async fn one(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
    cols: &[&str],
) -> Result<Vec<i64>, BillingError> {
    let row = db.query_one_raw(stmt(db, sql, values)).await?;
    let mut out = Vec::with_capacity(cols.len());
    for c in cols {
        let v = match &row {
            Some(r) => r.try_get::<Option<i64>>("", c)?.unwrap_or(0),
            None => 0,
        };
        out.push(v);
    }
    Ok(out)
}

pub async fn numbers(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    tz: Tz,
) -> Result<DashboardNumbers, BillingError> {
    let period = Period::of(today);
    let customers = one(
        db,
        &format!(
            "SELECT COUNT(*) AS n, \
             CAST(SUM(CASE WHEN {REACHABLE_SQL} THEN 0 ELSE 1 END) AS BIGINT) AS no_wa \
             FROM customers c WHERE c.status = 'active'"
        ),
        vec![],
        &["n", "no_wa"],
    )
    .await?;
    let this = one(
        db,
        "SELECT COUNT(*) AS n, CAST(SUM(amount - discount) AS BIGINT) AS billed, \
         CAST(SUM(paid) AS BIGINT) AS paid \
         FROM invoices WHERE period = ? AND status NOT IN ('void', 'draft')",
        vec![period.to_string().into()],
        &["n", "billed", "paid"],
    )
    .await?;
    let overdue = one(
        db,
        "SELECT COUNT(*) AS n, CAST(SUM(amount - discount - paid) AS BIGINT) AS owed \
         FROM invoices WHERE status IN ('unpaid', 'partial') AND due_date < ?",
        vec![today.into()],
        &["n", "owed"],
    )
    .await?;
    let from = day_start_utc(period.first_day(), tz);
    let to = day_start_utc(period.next().first_day(), tz);
    let collected = one(
        db,
        "SELECT CAST(SUM(amount) AS BIGINT) AS s FROM payments \
         WHERE paid_at >= ? AND paid_at < ? AND reversed_at IS NULL",
        vec![from.into(), to.into()],
        &["s"],
    )
    .await?;
    // Owed now by everyone: each customer's open remainders less their credit (the sum of
    // their statements), and the credit nobody has used yet.
    let owed = one(
        db,
        &format!(
            "SELECT CAST(SUM(CASE WHEN o.owed > COALESCE(cr.credit, 0) \
               THEN o.owed - COALESCE(cr.credit, 0) ELSE 0 END) AS BIGINT) AS s \
             FROM (SELECT customer_id, SUM(amount - discount - paid) AS owed FROM invoices \
               WHERE {OPEN_SQL} GROUP BY customer_id) o \
             LEFT JOIN ({CREDIT_SQL} GROUP BY p.customer_id) cr ON cr.customer_id = o.customer_id"
        ),
        vec![],
        &["s"],
    )
    .await?;
    let credit = one(
        db,
        &format!(
            "SELECT CAST(SUM(credit) AS BIGINT) AS s FROM ({CREDIT_SQL} GROUP BY p.customer_id) cr"
        ),
        vec![],
        &["s"],
    )
    .await?;
    Ok(DashboardNumbers {
        owed_all: owed[0],
        credit: credit[0],
        period: period.to_string(),
        period_label: period.label(),
        active_customers: customers[0] as u64,
        active_without_wa: customers[1] as u64,
        invoices: this[0] as u64,
        billed: this[1],
        paid: this[2],
        outstanding: this[1] - this[2],
        overdue_count: overdue[0] as u64,
        overdue_sum: overdue[1],
        collected_this_month: collected[0],
    })
}
