//! The facts of a payment receipt.

use crate::{
    domain::{billing::PaymentMethod, messages::PaymentFacts},
    server::messages::MessageError,
    server::{
        AppState,
        billing::sql::stmt,
        entity::{payment_allocations, payments},
    },
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// The invoice a receipt is about (the newest one the payment settled) and the payment.
pub async fn facts(state: &AppState, payment_id: i32) -> Result<(i32, PaymentFacts), MessageError> {
    let db = &state.db;
    let p = payments::Entity::find_by_id(payment_id)
        .one(db)
        .await?
        .ok_or(MessageError::NotFound)?;
    let invoice_id = payment_allocations::Entity::find()
        .filter(payment_allocations::Column::PaymentId.eq(payment_id))
        .order_by_desc(payment_allocations::Column::InvoiceId)
        .one(db)
        .await?
        .map(|a| a.invoice_id)
        .ok_or(MessageError::PaymentWithoutInvoice)?;
    let owed_after = db
        .query_one_raw(stmt(
            db,
            "SELECT CAST(COALESCE(SUM(amount - discount - paid), 0) AS BIGINT) AS owed \
             FROM invoices WHERE customer_id = ? AND status IN ('unpaid', 'partial')",
            vec![p.customer_id.into()],
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "owed"))
        .transpose()?
        .unwrap_or(0);
    let tz = state.config.timezone;
    Ok((
        invoice_id,
        PaymentFacts {
            amount: p.amount,
            date: p.paid_at.with_timezone(&tz).date_naive(),
            method_label: PaymentMethod::parse(&p.method)
                .map(|m| m.label().to_owned())
                .unwrap_or(p.method),
            owed_after,
        },
    ))
}
