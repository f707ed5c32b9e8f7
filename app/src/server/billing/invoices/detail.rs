//! One invoice with its customer, payments and what is owed now.

use super::super::sql::stmt;
use crate::{
    domain::{
        billing::{InvoiceStatus, PaymentMethod, days_late, is_overdue, outstanding},
        dates::Period,
        phone::PhoneStatus,
    },
    dto::invoices::{AllocationView, InvoiceDetail},
    server::billing::{BillingError, clock::local, money_log, statement},
};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, FromQueryResult};

/// What the customer owes now on open invoices of periods before `period`.
pub async fn current_arrears(
    db: &impl ConnectionTrait,
    customer_id: i32,
    period: &str,
) -> Result<i64, BillingError> {
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT CAST(COALESCE(SUM(amount - discount - paid), 0) AS BIGINT) AS owed \
             FROM invoices WHERE customer_id = ? AND period < ? AND status IN ('unpaid', 'partial')",
            vec![customer_id.into(), period.into()],
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "owed"))
        .transpose()?
        .unwrap_or(0))
}

#[derive(Debug, FromQueryResult)]
struct DetailData {
    id: i32,
    number: String,
    period: String,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    customer_id: i32,
    customer_code: String,
    customer_name: String,
    phone: Option<String>,
    phone_status: String,
    wa_number: Option<String>,
    wa_chat_id: Option<String>,
    wa_exists: Option<bool>,
    address: Option<String>,
    package_name: Option<String>,
    package_speed_mbps: Option<i32>,
    amount: i64,
    arrears: i64,
    discount: i64,
    paid: i64,
    status: String,
    void_reason: Option<String>,
    voided_at: Option<DateTime<Utc>>,
}

#[derive(Debug, FromQueryResult)]
struct AllocationData {
    payment_id: i32,
    amount: i64,
    paid_at: DateTime<Utc>,
    method: String,
    reference: Option<String>,
    payment_amount: i64,
    reversed_at: Option<DateTime<Utc>>,
    reverse_reason: Option<String>,
}

/// One invoice with its customer, package snapshot, payments and live arrears. The messages
/// issue renders invoice messages from this.
pub async fn detail(
    db: &impl ConnectionTrait,
    id: i32,
    today: NaiveDate,
    tz: Tz,
) -> Result<InvoiceDetail, BillingError> {
    let d = DetailData::find_by_statement(stmt(
        db,
        "SELECT i.id, i.number, i.period, i.issue_date, i.due_date, i.customer_id, \
         c.code AS customer_code, c.name AS customer_name, c.phone, c.phone_status, c.wa_number, \
         c.wa_chat_id, c.wa_exists, c.address, i.package_name, i.package_speed_mbps, i.amount, \
         i.arrears, i.discount, i.paid, i.status, i.void_reason, i.voided_at \
         FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.id = ?",
        vec![id.into()],
    ))
    .one(db)
    .await?
    .ok_or(BillingError::NotFound)?;
    let allocations = AllocationData::find_by_statement(stmt(
        db,
        "SELECT a.payment_id, a.amount, p.paid_at, p.method, p.reference, p.amount AS payment_amount, \
         p.reversed_at, p.reverse_reason \
         FROM payment_allocations a JOIN payments p ON p.id = a.payment_id \
         WHERE a.invoice_id = ? ORDER BY p.paid_at, a.id",
        vec![id.into()],
    ))
    .all(db)
    .await?;
    let status = InvoiceStatus::parse(&d.status).unwrap_or(InvoiceStatus::Unpaid);
    let st = statement::of_customer(db, d.customer_id).await?;
    let own = if matches!(status, InvoiceStatus::Void | InvoiceStatus::Draft) {
        0
    } else {
        outstanding(d.amount, d.discount, d.paid)
    };
    let other_open = st
        .lines
        .iter()
        .filter(|l| l.invoice_id != d.id)
        .map(|l| l.owed())
        .sum();
    let payments: Vec<AllocationView> = allocations
        .into_iter()
        .map(|a| AllocationView {
            payment_id: a.payment_id,
            paid_on: a.paid_at.with_timezone(&tz).date_naive(),
            paid_at: a.paid_at,
            method: PaymentMethod::parse(&a.method).unwrap_or(PaymentMethod::Other),
            reference: a.reference,
            amount: a.amount,
            payment_amount: a.payment_amount,
            reversed_at: a.reversed_at.map(|t| local(t, tz)),
            reverse_reason: a.reverse_reason,
        })
        .collect();
    Ok(InvoiceDetail {
        period_label: Period::parse(&d.period)
            .map(Period::label)
            .unwrap_or_else(|_| d.period.clone()),
        billed: d.amount - d.discount,
        outstanding: own,
        other_open,
        credit: st.credit,
        due_now: if matches!(status, InvoiceStatus::Void | InvoiceStatus::Draft) {
            0
        } else {
            st.owed()
        },
        amount_editable: status.is_open() && d.paid == 0,
        money_log: money_log::for_invoice(db, id, tz).await?,
        payments,
        overdue: is_overdue(status, d.due_date, today),
        days_late: if status.is_open() {
            days_late(d.due_date, today)
        } else {
            0
        },
        days_until_due: (d.due_date - today).num_days(),
        phone_status: PhoneStatus::parse(&d.phone_status).unwrap_or(PhoneStatus::Invalid),
        id: d.id,
        number: d.number,
        period: d.period,
        issue_date: d.issue_date,
        due_date: d.due_date,
        customer_id: d.customer_id,
        customer_code: d.customer_code,
        customer_name: d.customer_name,
        phone: d.phone,
        wa_number: d.wa_number,
        wa_chat_id: d.wa_chat_id,
        wa_exists: d.wa_exists,
        address: d.address,
        package_name: d.package_name,
        package_speed_mbps: d.package_speed_mbps,
        amount: d.amount,
        arrears: d.arrears,
        discount: d.discount,
        paid: d.paid,
        status,
        void_reason: d.void_reason,
        voided_at: d.voided_at,
        today,
    })
}
