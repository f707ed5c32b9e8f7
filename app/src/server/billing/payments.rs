//! Payments: recorded for a customer (or an invoice's customer) and allocated to their open
//! invoices oldest first, so arrears are paid before this month and nothing is counted twice:
//! an invoice's `paid` is always the sum of its allocations.
//!
//! What a payment brings beyond what is owed (an overpayment, or paying before the invoice
//! exists) stays on the payment unallocated: that is the customer's credit. It is shown on the
//! customer page and the statement, and the next invoice run uses it oldest payment first.
//! Cancelling a payment keeps it, marked reversed with a reason; every change is logged.

use super::clock::Moment;
use crate::{
    domain::{
        billing::{InvoiceStatus, MoneyChange, PaymentMethod, derive_status, outstanding},
        dates::parse_iso_date,
        money::parse_rupiah,
    },
    dto::invoices::{AllocationLine, PaymentResult},
    error::FieldErrors,
    server::billing::{
        BillingError,
        money_log::{self, Entry},
        sql::stmt,
        statement::OPEN_SQL,
    },
    server::{
        db::begin_write,
        entity::{customers, invoices, payment_allocations, payments},
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

pub const REFERENCE_MAX: usize = 120;
pub const NOTE_MAX: usize = 1000;

/// A payment form as typed.
#[derive(Debug, Clone, Default)]
pub struct NewPayment {
    pub customer_id: Option<i32>,
    /// Pay "for this invoice": the customer is the invoice's; allocation is still oldest first.
    pub invoice_id: Option<i32>,
    pub amount: String,
    /// `cash`, `bank_transfer`, `ewallet`, `other`.
    pub method: String,
    pub reference: String,
    /// `YYYY-MM-DD`; empty = today.
    pub paid_on: String,
    pub note: String,
}

struct Valid {
    amount: i64,
    method: PaymentMethod,
    reference: Option<String>,
    paid_on: NaiveDate,
    note: Option<String>,
}

fn validate(p: &NewPayment, today: NaiveDate) -> Result<Valid, BillingError> {
    let mut errors = FieldErrors::new();
    let amount = match parse_rupiah(&p.amount) {
        Ok(0) => {
            errors.add("amount", "Jumlah harus lebih dari Rp 0.");
            0
        }
        Ok(a) => a,
        Err(e) => {
            errors.add("amount", e);
            0
        }
    };
    let method = PaymentMethod::parse(p.method.trim()).unwrap_or_else(|| {
        errors.add("method", "Pilih cara bayar.");
        PaymentMethod::Other
    });
    let reference = Some(p.reference.trim().to_owned()).filter(|r| !r.is_empty());
    if reference
        .as_ref()
        .is_some_and(|r| r.chars().count() > REFERENCE_MAX)
    {
        errors.add(
            "reference",
            format!("Referensi paling banyak {REFERENCE_MAX} karakter."),
        );
    }
    let paid_on = if p.paid_on.trim().is_empty() {
        today
    } else {
        match parse_iso_date(&p.paid_on) {
            Some(d) if d > today => {
                errors.add("paid_on", "Tanggal bayar tidak boleh di masa depan.");
                today
            }
            Some(d) if d < NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(d) => {
                errors.add("paid_on", "Tanggal bayar terlalu lama.");
                today
            }
            Some(d) => d,
            None => {
                errors.add("paid_on", "Tanggal tidak valid.");
                today
            }
        }
    };
    let note = Some(p.note.trim().to_owned()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX) {
        errors.add(
            "note",
            format!("Catatan paling banyak {NOTE_MAX} karakter."),
        );
    }
    errors.check()?;
    Ok(Valid {
        amount,
        method,
        reference,
        paid_on,
        note,
    })
}

/// Allocates `amount` of payment `payment_id` to the customer's open invoices, oldest first
/// (rows locked on PostgreSQL so two payments cannot fill the same gap). Returns the lines and
/// what was left over.
pub(crate) async fn allocate(
    txn: &impl ConnectionTrait,
    customer_id: i32,
    payment_id: i32,
    amount: i64,
    now: DateTime<Utc>,
) -> Result<(Vec<AllocationLine>, i64), BillingError> {
    let open: Vec<invoices::Model> = invoices::Entity::find()
        .filter(invoices::Column::CustomerId.eq(customer_id))
        .filter(invoices::Column::Status.is_in([
            InvoiceStatus::Unpaid.as_str(),
            InvoiceStatus::Partial.as_str(),
        ]))
        .order_by_asc(invoices::Column::Period)
        .order_by_asc(invoices::Column::Id)
        .lock_exclusive()
        .all(txn)
        .await?;
    let mut left = amount;
    let mut lines = Vec::new();
    for inv in open {
        if left == 0 {
            break;
        }
        let take = left.min(outstanding(inv.amount, inv.discount, inv.paid));
        if take == 0 {
            continue;
        }
        left -= take;
        payment_allocations::ActiveModel {
            payment_id: Set(payment_id),
            invoice_id: Set(inv.id),
            amount: Set(take),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        let paid = inv.paid + take;
        let status = derive_status(inv.amount, inv.discount, paid);
        lines.push(AllocationLine {
            invoice_id: inv.id,
            number: inv.number.clone(),
            period: inv.period.clone(),
            amount: take,
            status_after: status,
        });
        let mut a: invoices::ActiveModel = inv.into();
        a.paid = Set(paid);
        a.status = Set(status.as_str().to_owned());
        a.updated_at = Set(now);
        a.update(txn).await?;
    }
    Ok((lines, left))
}

/// What the customer owes on open invoices (before credit).
async fn open_owed(txn: &impl ConnectionTrait, customer_id: i32) -> Result<i64, BillingError> {
    Ok(count_sum(
        txn,
        &format!(
            "SELECT CAST(COALESCE(SUM(amount - discount - paid), 0) AS BIGINT) AS n \
             FROM invoices WHERE customer_id = ? AND {OPEN_SQL}"
        ),
        customer_id,
    )
    .await?)
}

async fn count_sum(txn: &impl ConnectionTrait, sql: &str, id: i32) -> Result<i64, DbErr> {
    let row = txn.query_one_raw(stmt(txn, sql, vec![id.into()])).await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

/// Unallocated money of live payments, oldest payment first.
async fn unused_payments(
    txn: &impl ConnectionTrait,
    customer_id: i32,
) -> Result<Vec<(i32, i64)>, BillingError> {
    let rows = txn
        .query_all_raw(stmt(
            txn,
            "SELECT p.id, CAST(p.amount - COALESCE(SUM(a.amount), 0) AS BIGINT) AS unused \
             FROM payments p LEFT JOIN payment_allocations a ON a.payment_id = p.id \
             WHERE p.customer_id = ? AND p.reversed_at IS NULL \
             GROUP BY p.id, p.amount, p.paid_at ORDER BY p.paid_at, p.id",
            vec![customer_id.into()],
        ))
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let unused: i64 = r.try_get("", "unused")?;
        if unused > 0 {
            out.push((r.try_get("", "id")?, unused));
        }
    }
    Ok(out)
}

/// Uses the customer's credit on their open invoices, oldest payment to oldest invoice, and
/// logs it. Returns how much was used.
pub(crate) async fn apply_credit(
    txn: &impl ConnectionTrait,
    customer_id: i32,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<i64, BillingError> {
    let mut used = 0;
    for (payment_id, unused) in unused_payments(txn, customer_id).await? {
        let (lines, left) = allocate(txn, customer_id, payment_id, unused, now).await?;
        for l in &lines {
            money_log::write(
                txn,
                Entry::new(MoneyChange::CreditApplied, customer_id)
                    .invoice(l.invoice_id)
                    .payment(payment_id)
                    .change(unused, unused - l.amount),
                by,
                now,
            )
            .await?;
        }
        used += unused - left;
        if left > 0 {
            break;
        }
    }
    Ok(used)
}

/// Records a payment and allocates it oldest open invoice first, in one transaction. What is
/// left over becomes the customer's credit.
pub async fn record(
    db: &DatabaseConnection,
    input: &NewPayment,
    recorded_by: Option<i32>,
    at: Moment,
) -> Result<PaymentResult, BillingError> {
    let Moment { today, now, tz } = at;
    let v = validate(input, today)?;
    let txn = begin_write(db).await?;
    let customer_id = match (input.invoice_id, input.customer_id) {
        (Some(inv), _) => {
            let inv = invoices::Entity::find_by_id(inv)
                .one(&txn)
                .await?
                .ok_or(BillingError::NotFound)?;
            if inv.status == InvoiceStatus::Void.as_str() {
                return Err(BillingError::InvoiceVoid { number: inv.number });
            }
            if inv.status == InvoiceStatus::Draft.as_str() {
                return Err(BillingError::InvoiceDraft { number: inv.number });
            }
            inv.customer_id
        }
        (None, Some(c)) => c,
        (None, None) => return Err(BillingError::NotFound),
    };
    customers::Entity::find_by_id(customer_id)
        .one(&txn)
        .await?
        .ok_or(BillingError::NotFound)?;
    let payment = payments::ActiveModel {
        customer_id: Set(customer_id),
        amount: Set(v.amount),
        method: Set(v.method.as_str().to_owned()),
        reference: Set(v.reference),
        paid_at: Set(super::clock::paid_at(v.paid_on, today, now, tz)),
        recorded_by: Set(recorded_by),
        note: Set(v.note),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let owed_before = open_owed(&txn, customer_id).await?;
    let (lines, left) = allocate(&txn, customer_id, payment.id, v.amount, now).await?;
    money_log::write(
        &txn,
        Entry::new(MoneyChange::Payment, customer_id)
            .payment(payment.id)
            .change(owed_before, owed_before - (v.amount - left)),
        recorded_by,
        now,
    )
    .await?;
    if left > 0 {
        money_log::write(
            &txn,
            Entry::new(MoneyChange::Credit, customer_id)
                .payment(payment.id)
                .change(0, left),
            recorded_by,
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(PaymentResult {
        payment_id: payment.id,
        customer_id,
        amount: v.amount,
        allocations: lines,
        owed_after: owed_before - (v.amount - left),
        credit_added: left,
    })
}

pub const REVERSE_REASON_MAX: usize = 500;

/// Cancels a payment: it is kept, marked reversed with who, when and why; what it paid is
/// taken back from the invoices (which become unpaid or partial again), and any other credit
/// the customer has is applied to what reopened.
pub async fn reverse(
    db: &DatabaseConnection,
    payment_id: i32,
    reason: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), BillingError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(BillingError::field(
            "reason",
            "Tulis alasan pembatalan pembayaran.",
        ));
    }
    if reason.chars().count() > REVERSE_REASON_MAX {
        return Err(BillingError::field(
            "reason",
            format!("Alasan paling banyak {REVERSE_REASON_MAX} karakter."),
        ));
    }
    let txn = begin_write(db).await?;
    let payment = payments::Entity::find_by_id(payment_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(BillingError::NotFound)?;
    if payment.reversed_at.is_some() {
        return Err(BillingError::PaymentReversed);
    }
    let customer_id = payment.customer_id;
    let owed_before = open_owed(&txn, customer_id).await?;
    let allocations = payment_allocations::Entity::find()
        .filter(payment_allocations::Column::PaymentId.eq(payment_id))
        .all(&txn)
        .await?;
    for a in &allocations {
        let inv = invoices::Entity::find_by_id(a.invoice_id)
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(BillingError::NotFound)?;
        let paid = inv.paid - a.amount;
        let status = derive_status(inv.amount, inv.discount, paid);
        let mut m: invoices::ActiveModel = inv.into();
        m.paid = Set(paid);
        m.status = Set(status.as_str().to_owned());
        m.updated_at = Set(now);
        m.update(&txn).await?;
    }
    // The allocations stay as the record of what the payment had paid; a reversed payment's
    // allocations count nowhere (credit and "paid" read live payments only).
    let mut p: payments::ActiveModel = payment.into();
    p.reversed_at = Set(Some(now));
    p.reversed_by = Set(by);
    p.reverse_reason = Set(Some(reason.to_owned()));
    p.updated_at = Set(now);
    p.update(&txn).await?;
    apply_credit(&txn, customer_id, by, now).await?;
    let owed_after = open_owed(&txn, customer_id).await?;
    money_log::write(
        &txn,
        Entry::new(MoneyChange::Reversal, customer_id)
            .payment(payment_id)
            .change(owed_before, owed_after)
            .reason(reason),
        by,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
