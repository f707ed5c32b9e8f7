//! What the WhatsApp connection refuses, as values; the admin's Indonesian wording lives in the
//! `From<WhatsAppError> for AppError` below (WAHA's own failures explain themselves through
//! [`WahaError::user_message`]).

use crate::{
    error::{AppError, FieldErrors},
    server::waha::WahaError,
};
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum WhatsAppError {
    #[error(transparent)]
    Db(#[from] DbErr),
    /// No WAHA address is set yet.
    #[error("WAHA is not configured")]
    NotConfigured,
    #[error(transparent)]
    Waha(#[from] WahaError),
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
}

impl WhatsAppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut f = FieldErrors::new();
        f.add(field, message);
        WhatsAppError::Invalid(f)
    }
}

impl From<FieldErrors> for WhatsAppError {
    fn from(f: FieldErrors) -> Self {
        WhatsAppError::Invalid(f)
    }
}

/// Shown when no WAHA address is set.
pub const NOT_CONFIGURED: &str =
    "Alamat server WAHA belum diatur. Isi di bagian Pengaturan koneksi.";

impl From<WhatsAppError> for AppError {
    fn from(e: WhatsAppError) -> Self {
        match e {
            WhatsAppError::Db(e) => e.into(),
            WhatsAppError::NotConfigured => AppError::Conflict(NOT_CONFIGURED.into()),
            // The detail goes to the log (never the key: the client scrubs it, and it only ever
            // travels in a header); the admin reads what happened and what to do.
            WhatsAppError::Waha(e) => {
                tracing::warn!(error = %e, code = e.code(), "WAHA request failed");
                AppError::Conflict(e.user_message())
            }
            WhatsAppError::Invalid(f) => AppError::Validation(f),
        }
    }
}
