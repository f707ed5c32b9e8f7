//! Changing an issued invoice: void, discount and amount. Each locks the invoice row (on
//! PostgreSQL, as payments do, so a concurrent payment is never overwritten) and writes the
//! money log in the same transaction.

use crate::{
    domain::{
        billing::{InvoiceStatus, MoneyChange, derive_status, outstanding},
        money::{parse_rupiah, rupiah},
    },
    server::billing::{
        BillingError,
        money_log::{self, Entry},
    },
    server::{db::begin_write, entity::invoices},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QuerySelect, Set,
};

pub const REASON_MAX: usize = 500;

fn reason_of(reason: &str, missing: &str) -> Result<String, BillingError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(BillingError::field("reason", missing));
    }
    if reason.chars().count() > REASON_MAX {
        return Err(BillingError::field(
            "reason",
            format!("Alasan paling banyak {REASON_MAX} karakter."),
        ));
    }
    Ok(reason.to_owned())
}

/// The invoice, locked for this transaction; a void one takes no change.
async fn locked_live(txn: &DatabaseTransaction, id: i32) -> Result<invoices::Model, BillingError> {
    let inv = invoices::Entity::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or(BillingError::NotFound)?;
    if inv.status == InvoiceStatus::Void.as_str() {
        return Err(BillingError::InvoiceVoid { number: inv.number });
    }
    // A draft is changed on the review page, not here.
    if inv.status == InvoiceStatus::Draft.as_str() {
        return Err(BillingError::InvoiceDraft { number: inv.number });
    }
    Ok(inv)
}

/// Voids an invoice. Refused when it has payments: cancel those first (they would otherwise
/// become money the customer paid for nothing), and refused twice. Its period is free again:
/// the next run issues the customer a new invoice with a new number, and the void stays.
pub async fn void(
    db: &DatabaseConnection,
    id: i32,
    reason: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), BillingError> {
    let reason = reason_of(reason, "Tulis alasan pembatalan.")?;
    let txn = begin_write(db).await?;
    let inv = locked_live(&txn, id).await?;
    void_locked(&txn, inv, &reason, MoneyChange::Void, by, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Voids an invoice already read under lock (shared with a run's undo).
pub(crate) async fn void_locked(
    txn: &DatabaseTransaction,
    inv: invoices::Model,
    reason: &str,
    kind: MoneyChange,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), BillingError> {
    if inv.paid > 0 {
        return Err(BillingError::InvoiceHasPayments {
            number: inv.number,
            paid: inv.paid,
        });
    }
    let before = outstanding(inv.amount, inv.discount, inv.paid);
    let entry = Entry::new(kind, inv.customer_id)
        .invoice(inv.id)
        .change(before, 0)
        .reason(reason);
    let mut a: invoices::ActiveModel = inv.into();
    a.status = Set(InvoiceStatus::Void.as_str().to_owned());
    a.void_reason = Set(Some(reason.to_owned()));
    a.voided_at = Set(Some(now));
    a.updated_at = Set(now);
    a.update(txn).await?;
    money_log::write(txn, entry, by, now).await
}

/// Sets the discount of an open or paid invoice; it cannot exceed the amount nor leave the
/// invoice owing less than was already paid.
pub async fn set_discount(
    db: &DatabaseConnection,
    id: i32,
    discount: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), BillingError> {
    let discount = if discount.trim().is_empty() {
        0
    } else {
        parse_rupiah(discount).map_err(|m| BillingError::field("discount", m))?
    };
    let txn = begin_write(db).await?;
    let inv = locked_live(&txn, id).await?;
    if discount > inv.amount {
        return Err(BillingError::field(
            "discount",
            format!(
                "Diskon tidak boleh melebihi biaya bulanan ({}).",
                rupiah(inv.amount)
            ),
        ));
    }
    if inv.paid > inv.amount - discount {
        return Err(BillingError::field(
            "discount",
            format!(
                "Sudah dibayar {}; diskon paling besar {}.",
                rupiah(inv.paid),
                rupiah(inv.amount - inv.paid)
            ),
        ));
    }
    if discount == inv.discount {
        return Ok(());
    }
    let entry = Entry::new(MoneyChange::Discount, inv.customer_id)
        .invoice(inv.id)
        .change(inv.discount, discount);
    let status = derive_status(inv.amount, discount, inv.paid);
    let mut a: invoices::ActiveModel = inv.into();
    a.discount = Set(discount);
    a.status = Set(status.as_str().to_owned());
    a.updated_at = Set(now);
    a.update(&txn).await?;
    money_log::write(&txn, entry, by, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Corrects the amount of an invoice no payment has touched, with a reason.
pub async fn edit_amount(
    db: &DatabaseConnection,
    id: i32,
    amount: &str,
    reason: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), BillingError> {
    let amount = match parse_rupiah(amount) {
        Ok(0) => {
            return Err(BillingError::field(
                "amount",
                "Jumlah harus lebih dari Rp 0. Untuk menghapus tagihan, batalkan saja.",
            ));
        }
        Ok(a) => a,
        Err(m) => return Err(BillingError::field("amount", m)),
    };
    let reason = reason_of(reason, "Tulis alasan perubahan jumlah.")?;
    let txn = begin_write(db).await?;
    let inv = locked_live(&txn, id).await?;
    if inv.paid > 0 {
        return Err(BillingError::AmountLocked { number: inv.number });
    }
    if amount < inv.discount {
        return Err(BillingError::field(
            "amount",
            format!(
                "Jumlah tidak boleh lebih kecil dari diskonnya ({}).",
                rupiah(inv.discount)
            ),
        ));
    }
    if amount == inv.amount {
        return Ok(());
    }
    let entry = Entry::new(MoneyChange::AmountEdit, inv.customer_id)
        .invoice(inv.id)
        .change(inv.amount, amount)
        .reason(reason);
    let status = derive_status(amount, inv.discount, inv.paid);
    let mut a: invoices::ActiveModel = inv.into();
    a.amount = Set(amount);
    a.status = Set(status.as_str().to_owned());
    a.updated_at = Set(now);
    a.update(&txn).await?;
    money_log::write(&txn, entry, by, now).await?;
    txn.commit().await?;
    Ok(())
}
