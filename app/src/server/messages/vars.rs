//! The values a preview is rendered with: a real invoice's when there is one.

use super::{send, template};
use crate::{
    domain::messages::{MessageVars, PaymentFacts, TemplateKind, receipt_vars, statement_vars},
    server::messages::MessageError,
    server::{AppState, entity::invoices, settings},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// Values for the Template page's preview: the invoice named by `number`, else the newest
/// invoice, else samples (with this ISP's own details). Also says which it used.
pub async fn for_preview(
    state: &AppState,
    kind: TemplateKind,
    number: Option<&str>,
) -> Result<(MessageVars, String), MessageError> {
    let db = &state.db;
    let company = settings::company(db).await?;
    let found = match number.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => Some(
            invoices::Entity::find()
                .filter(invoices::Column::Number.eq(n.to_uppercase()))
                .one(db)
                .await?
                .ok_or_else(|| {
                    MessageError::field("invoice", format!("Tagihan {n} tidak ditemukan."))
                })?,
        ),
        None => {
            invoices::Entity::find()
                .filter(invoices::Column::Status.ne("void"))
                .order_by_desc(invoices::Column::Id)
                .one(db)
                .await?
        }
    };
    let Some(inv) = found else {
        let mut v = template::sample(kind);
        if !company.name.is_empty() {
            v.perusahaan = company.name.clone();
        }
        let pay = company.how_to_pay();
        if !pay.is_empty() {
            v.cara_bayar = pay;
        }
        if !company.cs_contact.is_empty() {
            v.kontak_cs = company.cs_contact.clone();
        }
        return Ok((v, "contoh (belum ada tagihan)".to_owned()));
    };
    let (facts, detail) = send::facts(state, inv.id).await?;
    let source = format!("{} · {}", detail.number, detail.customer_name);
    let vars = if kind == TemplateKind::Receipt {
        let payment = PaymentFacts {
            amount: detail.due_now.max(detail.amount),
            date: detail.today,
            method_label: "Transfer bank".into(),
            owed_after: 0,
        };
        receipt_vars(&facts, &payment, &company, detail.today)
    } else {
        // A statement, as the customer would get it today.
        let st =
            crate::server::billing::statement::of_customer(&state.db, detail.customer_id).await?;
        statement_vars(&st, &company, detail.today)
    };
    Ok((vars, source))
}
