//! Customers' statements, read from the database in a few queries however many customers:
//! their open invoices (oldest first) and unused credit. The one source of "owed now".

use super::{BillingError, sql::stmt};
use crate::domain::statement::{Statement, StatementLine};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use std::collections::HashMap;

/// Ids per `IN (…)` list: far below every backend's parameter limit.
const CHUNK: usize = 500;

/// The SQL that defines "open": what the customer is still asked to pay.
pub const OPEN_SQL: &str = "status IN ('unpaid', 'partial')";

/// Credit per customer: what live (not reversed) payments brought in beyond what they were
/// allocated to. One expression for the statement and for the invoice run that uses it.
pub const CREDIT_SQL: &str = "SELECT p.customer_id, \
     CAST(SUM(p.amount - COALESCE(a.used, 0)) AS BIGINT) AS credit \
     FROM payments p LEFT JOIN (SELECT payment_id, SUM(amount) AS used \
       FROM payment_allocations GROUP BY payment_id) a ON a.payment_id = p.id \
     WHERE p.reversed_at IS NULL";

/// What one payment `p` has been allocated, looked up by payment (index
/// `idx_allocations_payment`). [`CREDIT_SQL`] sums every allocation in the database first, right
/// for whole-table figures; for a few customers that cost ~50 ms per invoice-table page at 71k
/// payments, so those queries use this instead. The same figure: the customer list's test
/// compares the two.
pub const USED_BY_PAYMENT: &str =
    "COALESCE((SELECT SUM(a.amount) FROM payment_allocations a WHERE a.payment_id = p.id), 0)";

/// Credit per customer for `AND p.customer_id IN (…)` lists (see [`USED_BY_PAYMENT`]).
fn credit_of_sql() -> String {
    format!(
        "SELECT p.customer_id, CAST(SUM(p.amount - {USED_BY_PAYMENT}) AS BIGINT) AS credit \
         FROM payments p WHERE p.reversed_at IS NULL"
    )
}

/// Joins for lists that filter or sort by what is owed: `o` (open remainders) and `cr`
/// (credit) per customer, for a query over `customers c`. [`OWED_EXPR`] is then the SQL twin of
/// `Statement::owed()` (a test checks they agree).
pub fn owed_joins() -> String {
    format!(
        " LEFT JOIN (SELECT customer_id, CAST(SUM(amount - discount - paid) AS BIGINT) AS open_sum \
         FROM invoices WHERE {OPEN_SQL} GROUP BY customer_id) o \
         ON o.customer_id = c.id \
         LEFT JOIN ({CREDIT_SQL} GROUP BY p.customer_id) cr ON cr.customer_id = c.id"
    )
}

pub const OWED_EXPR: &str = "CASE WHEN COALESCE(o.open_sum, 0) > COALESCE(cr.credit, 0) \
     THEN COALESCE(o.open_sum, 0) - COALESCE(cr.credit, 0) ELSE 0 END";

#[derive(FromQueryResult)]
struct CustomerRow {
    id: i32,
    code: String,
    name: String,
    address: Option<String>,
    wa_number: Option<String>,
}

#[derive(FromQueryResult)]
struct LineRow {
    customer_id: i32,
    id: i32,
    number: String,
    period: String,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    amount: i64,
    discount: i64,
    paid: i64,
    package_name: Option<String>,
    package_speed_mbps: Option<i32>,
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Statements of these customers (unknown ids are left out), keyed by customer id.
pub async fn for_customers(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, Statement>, BillingError> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let values: Vec<Value> = chunk.iter().map(|i| (*i).into()).collect();
        let marks = placeholders(chunk.len());
        for c in CustomerRow::find_by_statement(stmt(
            db,
            &format!(
                "SELECT id, code, name, address, wa_number FROM customers WHERE id IN ({marks})"
            ),
            values.clone(),
        ))
        .all(db)
        .await?
        {
            out.insert(
                c.id,
                Statement {
                    customer_id: c.id,
                    customer_code: c.code,
                    customer_name: c.name,
                    address: c.address,
                    wa_number: c.wa_number,
                    lines: Vec::new(),
                    credit: 0,
                },
            );
        }
        for l in LineRow::find_by_statement(stmt(
            db,
            &format!(
                "SELECT customer_id, id, number, period, issue_date, due_date, amount, discount, paid, \
                 package_name, package_speed_mbps FROM invoices \
                 WHERE {OPEN_SQL} AND customer_id IN ({marks}) ORDER BY customer_id, period, id"
            ),
            values.clone(),
        ))
        .all(db)
        .await?
        {
            if let Some(s) = out.get_mut(&l.customer_id) {
                s.lines.push(StatementLine {
                    invoice_id: l.id,
                    number: l.number,
                    period: l.period,
                    issue_date: l.issue_date,
                    due_date: l.due_date,
                    amount: l.amount,
                    discount: l.discount,
                    paid: l.paid,
                    package_name: l.package_name,
                    package_speed_mbps: l.package_speed_mbps,
                });
            }
        }
        let rows = db
            .query_all_raw(stmt(
                db,
                &format!(
                    "{} AND p.customer_id IN ({marks}) GROUP BY p.customer_id",
                    credit_of_sql()
                ),
                values,
            ))
            .await?;
        for r in rows {
            let id: i32 = r.try_get("", "customer_id")?;
            let credit: i64 = r.try_get("", "credit")?;
            if let Some(s) = out.get_mut(&id) {
                s.credit = credit.max(0);
            }
        }
    }
    Ok(out)
}

/// One customer's statement.
pub async fn of_customer(db: &impl ConnectionTrait, id: i32) -> Result<Statement, BillingError> {
    for_customers(db, &[id])
        .await?
        .remove(&id)
        .ok_or(BillingError::NotFound)
}
