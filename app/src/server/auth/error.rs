//! What signing in and first-run setup refuse, as values; the admin's Indonesian wording is in
//! `AppError` (these map to its variants).

use crate::error::{AppError, FieldErrors};
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    /// Wrong user name or password, or a disabled account (deliberately not said which).
    #[error("bad login")]
    BadLogin,
    /// First-run setup after an owner exists.
    #[error("setup already done")]
    SetupDone,
    #[error("not found")]
    NotFound,
    /// A rule refused the change; the text is written for the admin.
    #[error("refused: {0}")]
    Refused(String),
}

impl From<FieldErrors> for AuthError {
    fn from(f: FieldErrors) -> Self {
        AuthError::Invalid(f)
    }
}

impl From<AuthError> for AppError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Db(e) => e.into(),
            AuthError::Invalid(f) => AppError::Validation(f),
            AuthError::BadLogin => AppError::BadLogin,
            AuthError::SetupDone => AppError::Forbidden,
            AuthError::NotFound => AppError::NotFound,
            AuthError::Refused(m) => AppError::Conflict(m),
        }
    }
}
