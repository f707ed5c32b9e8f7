//! Piutang (receivables aging): every customer who owes something now, by how late their oldest
//! open invoice is. "Owes" is the statement's total (credit deducted), so the page, the
//! customer list and the messages agree on who is a debtor.

use super::{
    BillingError,
    sql::stmt,
    statement::{OPEN_SQL, OWED_EXPR, USED_BY_PAYMENT, owed_joins},
};
use crate::{
    domain::{aging::AgingBucket, billing::days_late},
    dto::receivables::{AgingRow, AgingSummary, Debtor, TOP_DEBTORS},
    server::reach::REACHABLE_SQL,
};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

/// Debtors with their oldest open due date, over `customers c` (`d` = the oldest due date).
fn debtors_sql() -> String {
    format!(
        "FROM customers c JOIN (SELECT customer_id, MIN(due_date) AS oldest_due FROM invoices \
         WHERE {OPEN_SQL} GROUP BY customer_id) d ON d.customer_id = c.id{} \
         WHERE {OWED_EXPR} > 0",
        owed_joins()
    )
}

/// The invoice table's `aging` condition on `invoices i`: open invoices of the bucket's
/// debtors. Returns the clause and its values. The same people as [`aging`] (oldest open due
/// date in the bucket, owing more than their credit), but the bucket is picked from the open
/// invoices first and credit is looked up only for those customers, so a filtered page costs
/// milliseconds, not a pass over every customer's money.
pub fn aging_clause(bucket: AgingBucket, today: NaiveDate) -> (String, Vec<Value>) {
    let (lo, hi) = bucket.due_range(today);
    let mut having = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    if let Some(lo) = lo {
        having.push("MIN(due_date) >= ?");
        values.push(lo.into());
    }
    if let Some(hi) = hi {
        having.push("MIN(due_date) <= ?");
        values.push(hi.into());
    }
    let having = if having.is_empty() {
        String::new()
    } else {
        format!(" HAVING {}", having.join(" AND "))
    };
    let sql = format!(
        "i.status IN ('unpaid', 'partial') AND i.customer_id IN (SELECT d.customer_id FROM \
         (SELECT customer_id, CAST(SUM(amount - discount - paid) AS BIGINT) AS open_sum \
         FROM invoices WHERE {OPEN_SQL} GROUP BY customer_id{having}) d \
         WHERE d.open_sum > (SELECT COALESCE(SUM(p.amount - {USED_BY_PAYMENT}), 0) \
         FROM payments p WHERE p.customer_id = d.customer_id AND p.reversed_at IS NULL))"
    );
    (sql, values)
}

#[derive(FromQueryResult)]
struct DebtorRow {
    customer_id: i32,
    code: String,
    name: String,
    oldest_due: NaiveDate,
    reachable: i32,
    owed: i64,
}

/// Buckets with counts and totals, and the largest late debtors.
pub async fn aging(
    db: &impl ConnectionTrait,
    today: NaiveDate,
) -> Result<AgingSummary, BillingError> {
    let rows = DebtorRow::find_by_statement(stmt(
        db,
        &format!(
            "SELECT c.id AS customer_id, c.code, c.name, d.oldest_due, \
             CASE WHEN {REACHABLE_SQL} THEN 1 ELSE 0 END AS reachable, \
             CAST({OWED_EXPR} AS BIGINT) AS owed {}",
            debtors_sql()
        ),
        vec![],
    ))
    .all(db)
    .await?;
    let mut buckets: Vec<AgingRow> = AgingBucket::ALL
        .into_iter()
        .map(|bucket| AgingRow {
            bucket,
            customers: 0,
            owed: 0,
            reachable: 0,
        })
        .collect();
    let mut late = Vec::new();
    for r in rows {
        let days = if r.oldest_due < today {
            days_late(r.oldest_due, today)
        } else {
            0
        };
        let bucket = AgingBucket::of(days);
        if let Some(b) = buckets.iter_mut().find(|b| b.bucket == bucket) {
            b.customers += 1;
            b.owed += r.owed;
            b.reachable += u64::from(r.reachable != 0);
        }
        if bucket != AgingBucket::NotDue {
            late.push(Debtor {
                customer_id: r.customer_id,
                code: r.code,
                name: r.name,
                owed: r.owed,
                oldest_due: r.oldest_due,
                days_late: days,
                bucket,
            });
        }
    }
    late.sort_by(|a, b| {
        b.owed
            .cmp(&a.owed)
            .then(b.days_late.cmp(&a.days_late))
            .then(a.customer_id.cmp(&b.customer_id))
    });
    late.truncate(TOP_DEBTORS);
    Ok(AgingSummary {
        today,
        total_customers: buckets.iter().map(|b| b.customers).sum(),
        total_owed: buckets.iter().map(|b| b.owed).sum(),
        rows: buckets,
        top: late,
    })
}
