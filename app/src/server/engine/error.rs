//! What the admin's controls on a send job refuse, as values; the Indonesian wording lives in
//! the `From<EngineError> for AppError` below.

use crate::error::AppError;
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Db(#[from] DbErr),
    /// The job is no longer in a state the action applies to (another tab or the engine moved
    /// it on).
    #[error("job state changed")]
    JobChanged,
    /// The item was decided already (it is no longer `unknown`).
    #[error("item is not unknown")]
    NotUnknown,
}

impl From<EngineError> for AppError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Db(e) => e.into(),
            EngineError::JobChanged => {
                AppError::Conflict("Status pengiriman sudah berubah. Muat ulang halaman.".into())
            }
            EngineError::NotUnknown => {
                AppError::Conflict("Pesan ini sudah tidak berstatus tidak pasti.".into())
            }
        }
    }
}
