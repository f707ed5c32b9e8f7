//! What billing refuses, as values. The admin's Indonesian wording for each lives in one place,
//! the `From<BillingError> for AppError` below; tests match the variants.

use crate::{
    domain::money::rupiah,
    error::{AppError, FieldErrors},
    server::export::ExportError,
};
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Export(#[from] ExportError),
    /// A form or file with problems, per field (nothing was changed).
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    /// Something that cannot happen did (logged; the admin sees a generic failure).
    #[error("internal: {0}")]
    Internal(&'static str),
    /// The invoice was voided: it takes no payment, message or change.
    #[error("invoice {number} is void")]
    InvoiceVoid { number: String },
    /// The invoice is a draft of the monthly run: it takes no payment, message or change
    /// outside "Tinjau tagihan" until issued.
    #[error("invoice {number} is a draft")]
    InvoiceDraft { number: String },
    /// Voiding an invoice that has money on it: the payments must be reversed first.
    #[error("invoice {number} has payments ({paid})")]
    InvoiceHasPayments { number: String, paid: i64 },
    /// The payment was already cancelled.
    #[error("payment already reversed")]
    PaymentReversed,
    /// An invoice with money on it keeps its amount (reverse the payments first).
    #[error("invoice {number} has payments; amount locked")]
    AmountLocked { number: String },
    /// A run whose invoices have payments or sent messages cannot be undone.
    #[error("run {run_id} cannot be undone: {paid} paid, {sent} sent")]
    RunLocked { run_id: i32, paid: u64, sent: u64 },
    /// A run for a month after next month.
    #[error("period {period} is too far ahead")]
    PeriodTooFar { period: String },
    /// A run for a past month needs the admin to confirm it.
    #[error("past period {period} needs confirmation")]
    PastNeedsConfirm { period: String, count: u64 },
    /// A package customers still use cannot be deleted.
    #[error("package {name} is used by {customers} customers")]
    PackageInUse { name: String, customers: u64 },
}

impl BillingError {
    /// One field's problem.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut f = FieldErrors::new();
        f.add(field, message);
        BillingError::Invalid(f)
    }

    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            BillingError::Invalid(f) => Some(f),
            _ => None,
        }
    }
}

impl From<FieldErrors> for BillingError {
    fn from(f: FieldErrors) -> Self {
        BillingError::Invalid(f)
    }
}

impl From<BillingError> for AppError {
    fn from(e: BillingError) -> Self {
        match e {
            BillingError::Db(e) => e.into(),
            BillingError::Export(e) => e.into(),
            BillingError::Invalid(f) => AppError::Validation(f),
            BillingError::NotFound => AppError::NotFound,
            BillingError::Internal(what) => {
                tracing::error!(what, "billing internal error");
                AppError::Internal
            }
            BillingError::InvoiceVoid { number } => {
                AppError::Conflict(format!("Tagihan {number} sudah dibatalkan."))
            }
            BillingError::InvoiceDraft { number } => AppError::Conflict(format!(
                "Tagihan {number} masih draf. Terbitkan dulu di halaman Tinjau tagihan."
            )),
            BillingError::InvoiceHasPayments { number, paid } => AppError::Conflict(format!(
                "Tagihan {number} sudah menerima pembayaran {}. Batalkan pembayarannya dulu, lalu batalkan tagihan.",
                rupiah(paid)
            )),
            BillingError::PaymentReversed => {
                AppError::Conflict("Pembayaran ini sudah dibatalkan.".into())
            }
            BillingError::AmountLocked { number } => AppError::Conflict(format!(
                "Tagihan {number} sudah menerima pembayaran, jadi jumlahnya tidak bisa diubah. Batalkan pembayarannya dulu, atau beri diskon."
            )),
            BillingError::RunLocked { paid, sent, .. } => AppError::Conflict(format!(
                "Run ini tidak bisa dibatalkan: {paid} tagihan sudah dibayar dan {sent} tagihan sudah dikirim ke pelanggan."
            )),
            BillingError::PeriodTooFar { period } => AppError::Validation({
                let mut f = FieldErrors::new();
                f.add(
                    "period",
                    format!(
                        "Periode {period} terlalu jauh. Tagihan paling jauh untuk bulan depan."
                    ),
                );
                f
            }),
            BillingError::PastNeedsConfirm { period, count } => AppError::Validation({
                let mut f = FieldErrors::new();
                f.add(
                    "confirm_past",
                    format!("Periode {period} sudah lewat. Centang konfirmasi untuk membuat {count} tagihan."),
                );
                f
            }),
            BillingError::PackageInUse { name, customers } => AppError::Conflict(format!(
                "Paket {name} dipakai {customers} pelanggan dan tidak bisa dihapus. Nonaktifkan saja, atau pindahkan pelanggannya ke paket lain."
            )),
        }
    }
}
