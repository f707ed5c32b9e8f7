//! The values a message is rendered with.

use super::template;
use crate::{
    domain::messages::{MessageVars, TemplateKind},
    error::AppError,
    server::{AppState, settings},
};

/// Values for a preview: the chosen invoice's, or samples (with this ISP's own details).
pub async fn for_preview(
    state: &AppState,
    kind: TemplateKind,
    invoice_id: Option<i32>,
) -> Result<(MessageVars, String), AppError> {
    let company = settings::company(&state.db).await?;
    if let Some(_id) = invoice_id {
        // Invoice values arrive with the billing module.
        return Err(AppError::NotFound);
    }
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
    Ok((v, "contoh".to_owned()))
}
