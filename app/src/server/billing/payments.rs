//! Payments: recorded for a customer (or an invoice's customer) and allocated to their open
//! invoices oldest first, so arrears are paid before this month and nothing is counted twice:
//! an invoice's `paid` is always the sum of its allocations.
//!
//! Overpayment is refused, not kept as credit: the schema has no credit balance, a silent
//! credit would change next month's invoice without the admin seeing it, and an advance
//! payment can simply be recorded after the next invoice run.

use crate::{
    api::invoices::{AllocationLine, PaymentResult},
    domain::{
        billing::{InvoiceStatus, PaymentMethod, derive_status, outstanding},
        dates::parse_iso_date,
        money::{parse_rupiah, rupiah},
    },
    error::{AppError, FieldErrors},
    server::{
        db::begin_write,
        entity::{customers, invoices, payment_allocations, payments},
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
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

fn validate(p: &NewPayment, today: NaiveDate) -> Result<Valid, AppError> {
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
    errors.into_result()?;
    Ok(Valid {
        amount,
        method,
        reference,
        paid_on,
        note,
    })
}

/// Records a payment and allocates it oldest open invoice first, in one transaction.
pub async fn record(
    db: &DatabaseConnection,
    input: &NewPayment,
    recorded_by: Option<i32>,
    today: NaiveDate,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<PaymentResult, AppError> {
    let v = validate(input, today)?;
    let txn = begin_write(db).await?;
    let customer_id = match (input.invoice_id, input.customer_id) {
        (Some(inv), _) => {
            let inv = invoices::Entity::find_by_id(inv)
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            if inv.status == InvoiceStatus::Void.as_str() {
                return Err(AppError::Conflict(format!(
                    "Tagihan {} sudah dibatalkan.",
                    inv.number
                )));
            }
            inv.customer_id
        }
        (None, Some(c)) => c,
        (None, None) => return Err(AppError::NotFound),
    };
    let customer = customers::Entity::find_by_id(customer_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    // On PostgreSQL, lock the open invoices so two payments cannot both fill the same gap.
    let open: Vec<invoices::Model> = invoices::Entity::find()
        .filter(invoices::Column::CustomerId.eq(customer_id))
        .filter(invoices::Column::Status.is_in([
            InvoiceStatus::Unpaid.as_str(),
            InvoiceStatus::Partial.as_str(),
        ]))
        .order_by_asc(invoices::Column::Period)
        .order_by_asc(invoices::Column::Id)
        .lock_exclusive()
        .all(&txn)
        .await?;
    let owed: i64 = open
        .iter()
        .map(|i| outstanding(i.amount, i.discount, i.paid))
        .sum();
    if owed == 0 {
        return Err(AppError::Conflict(format!(
            "{} tidak punya tagihan terbuka. Pembayaran di muka dicatat setelah tagihan bulan berikutnya dibuat.",
            customer.name
        )));
    }
    if v.amount > owed {
        return Err(AppError::field(
            "amount",
            format!(
                "Melebihi total tagihan terbuka ({}). Kelebihan tidak disimpan sebagai saldo.",
                rupiah(owed)
            ),
        ));
    }
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

    let mut left = v.amount;
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
            payment_id: Set(payment.id),
            invoice_id: Set(inv.id),
            amount: Set(take),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
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
        a.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(PaymentResult {
        payment_id: payment.id,
        customer_id,
        amount: v.amount,
        allocations: lines,
        owed_after: owed - v.amount,
    })
}

/// Cancels a payment: its allocations are taken back from the invoices (which become unpaid
/// or partial again) and the payment row is deleted.
pub async fn delete(
    db: &DatabaseConnection,
    payment_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    payments::Entity::find_by_id(payment_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let allocations = payment_allocations::Entity::find()
        .filter(payment_allocations::Column::PaymentId.eq(payment_id))
        .all(&txn)
        .await?;
    for a in &allocations {
        let inv = invoices::Entity::find_by_id(a.invoice_id)
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        let paid = inv.paid - a.amount;
        let status = derive_status(inv.amount, inv.discount, paid);
        let mut m: invoices::ActiveModel = inv.into();
        m.paid = Set(paid);
        m.status = Set(status.as_str().to_owned());
        m.updated_at = Set(now);
        m.update(&txn).await?;
    }
    payment_allocations::Entity::delete_many()
        .filter(payment_allocations::Column::PaymentId.eq(payment_id))
        .exec(&txn)
        .await?;
    payments::Entity::delete_by_id(payment_id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}
