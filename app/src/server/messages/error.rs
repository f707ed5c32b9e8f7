//! What composing and queueing messages refuses, as values; the admin's Indonesian wording for
//! each lives in the `From<MessageError> for AppError` below.

use super::template::TemplateError;
use crate::{
    domain::{messages::TemplateKind, whatsapp::Reach},
    error::{AppError, FieldErrors},
    server::billing::BillingError,
};
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum MessageError {
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Billing(#[from] BillingError),
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    /// The invoice was voided: nothing to ask for.
    #[error("invoice is void")]
    InvoiceVoid,
    /// The customer cannot get a WhatsApp message (and why).
    #[error("customer unreachable: {0:?}")]
    Unreachable(Reach),
    /// A saved template fails on these values (it is fixed on the Template page).
    #[error("template {kind:?} fails: {error}")]
    Template {
        kind: TemplateKind,
        error: TemplateError,
    },
    /// The customer owes nothing now: there is no statement to send.
    #[error("customer owes nothing")]
    NothingOwed,
    /// "Kirim Semua" found nobody to send to with this filter.
    #[error("nothing to send")]
    NothingToSend,
    /// A receipt for a payment that paid no invoice.
    #[error("payment without an invoice")]
    PaymentWithoutInvoice,
}

impl MessageError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut f = FieldErrors::new();
        f.add(field, message);
        MessageError::Invalid(f)
    }
}

impl From<FieldErrors> for MessageError {
    fn from(f: FieldErrors) -> Self {
        MessageError::Invalid(f)
    }
}

impl From<MessageError> for AppError {
    fn from(e: MessageError) -> Self {
        match e {
            MessageError::Db(e) => e.into(),
            MessageError::Billing(e) => e.into(),
            MessageError::Invalid(f) => AppError::Validation(f),
            MessageError::NotFound => AppError::NotFound,
            MessageError::InvoiceVoid => AppError::Conflict("Tagihan ini sudah dibatalkan.".into()),
            MessageError::Unreachable(r) => AppError::Conflict(
                r.problem()
                    .unwrap_or("Pelanggan ini tidak dapat dikirimi pesan WhatsApp.")
                    .into(),
            ),
            MessageError::Template { kind, error } => AppError::Conflict(format!(
                "Template {} bermasalah: {error}. Perbaiki di halaman Template.",
                kind.label()
            )),
            MessageError::NothingOwed => {
                AppError::Conflict("Pelanggan ini tidak punya tagihan terbuka saat ini.".into())
            }
            MessageError::NothingToSend => AppError::Conflict(
                "Tidak ada tagihan yang dapat dikirim dengan saringan ini.".into(),
            ),
            MessageError::PaymentWithoutInvoice => {
                AppError::Conflict("Pembayaran ini tidak tercatat pada tagihan mana pun.".into())
            }
        }
    }
}
