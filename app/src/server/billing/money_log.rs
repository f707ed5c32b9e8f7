//! The append-only money log: every change to what a customer owes or has paid, with who,
//! when, before, after and why. Written in the same transaction as the change it records.

use super::{BillingError, sql::stmt};
use crate::{
    domain::billing::MoneyChange,
    dto::invoices::MoneyLogView,
    server::{billing::clock::local, entity::money_log},
};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::{ActiveModelTrait, ConnectionTrait, FromQueryResult, Set};

/// Lines shown on a page (the log itself keeps everything).
const SHOWN: u64 = 100;

/// One change, as recorded.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: MoneyChange,
    pub customer_id: i32,
    pub invoice_id: Option<i32>,
    pub payment_id: Option<i32>,
    pub before: Option<i64>,
    pub after: Option<i64>,
    pub reason: Option<String>,
}

impl Entry {
    pub fn new(kind: MoneyChange, customer_id: i32) -> Self {
        Self {
            kind,
            customer_id,
            invoice_id: None,
            payment_id: None,
            before: None,
            after: None,
            reason: None,
        }
    }

    pub fn invoice(mut self, id: i32) -> Self {
        self.invoice_id = Some(id);
        self
    }

    pub fn payment(mut self, id: i32) -> Self {
        self.payment_id = Some(id);
        self
    }

    pub fn change(mut self, before: i64, after: i64) -> Self {
        self.before = Some(before);
        self.after = Some(after);
        self
    }

    pub fn reason(mut self, r: impl Into<String>) -> Self {
        self.reason = Some(r.into());
        self
    }
}

pub async fn write(
    db: &impl ConnectionTrait,
    e: Entry,
    by: Option<i32>,
    at: DateTime<Utc>,
) -> Result<(), BillingError> {
    money_log::ActiveModel {
        at: Set(at),
        user_id: Set(by),
        kind: Set(e.kind.as_str().to_owned()),
        customer_id: Set(e.customer_id),
        invoice_id: Set(e.invoice_id),
        payment_id: Set(e.payment_id),
        before: Set(e.before),
        after: Set(e.after),
        reason: Set(e.reason),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct Row {
    at: DateTime<Utc>,
    kind: String,
    who: Option<String>,
    invoice_number: Option<String>,
    before: Option<i64>,
    after: Option<i64>,
    reason: Option<String>,
}

async fn read(
    db: &impl ConnectionTrait,
    filter: &str,
    values: Vec<sea_orm::Value>,
    tz: Tz,
) -> Result<Vec<MoneyLogView>, BillingError> {
    // "before"/"after" are quoted: both are keywords somewhere.
    let rows = Row::find_by_statement(stmt(
        db,
        &format!(
            "SELECT m.at, m.kind, u.display_name AS who, i.number AS invoice_number, \
             m.\"before\", m.\"after\", m.reason FROM money_log m \
             LEFT JOIN users u ON u.id = m.user_id LEFT JOIN invoices i ON i.id = m.invoice_id \
             WHERE {filter} ORDER BY m.id DESC LIMIT {SHOWN}"
        ),
        values,
    ))
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(MoneyLogView {
                at: local(r.at, tz),
                kind: MoneyChange::parse(&r.kind)?,
                who: r.who,
                invoice_number: r.invoice_number,
                before: r.before,
                after: r.after,
                reason: r.reason,
            })
        })
        .collect())
}

pub async fn for_invoice(
    db: &impl ConnectionTrait,
    invoice_id: i32,
    tz: Tz,
) -> Result<Vec<MoneyLogView>, BillingError> {
    // Its own changes, and those of every payment that paid it (a payment's and its
    // reversal's lines name the customer and the payment, not each invoice).
    read(
        db,
        "m.invoice_id = ? OR m.payment_id IN \
         (SELECT payment_id FROM payment_allocations WHERE invoice_id = ?)",
        vec![invoice_id.into(), invoice_id.into()],
        tz,
    )
    .await
}

pub async fn for_customer(
    db: &impl ConnectionTrait,
    customer_id: i32,
    tz: Tz,
) -> Result<Vec<MoneyLogView>, BillingError> {
    read(db, "m.customer_id = ?", vec![customer_id.into()], tz).await
}
