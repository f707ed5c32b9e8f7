//! The error every server function returns. It crosses the wire, so it carries only what the
//! admin may see: the detail of an internal failure stays in the server log.

use serde::{Deserialize, Serialize};
use server_fn::{ServerFnError, codec::JsonEncoding, error::FromServerFnError};

/// A problem with one form field, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Field-level validation problems of one form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// The first message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was added, the problems otherwise (for a service's own error type).
    pub fn check(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    /// `Ok(())` when nothing was added, the validation error otherwise.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Sesi Anda telah berakhir. Silakan masuk kembali.")]
    Unauthorized,
    #[error("Anda tidak punya akses untuk tindakan ini.")]
    Forbidden,
    /// Wrong user name or password; deliberately does not say which.
    #[error("Nama pengguna atau kata sandi salah.")]
    BadLogin,
    #[error("Data tidak ditemukan.")]
    NotFound,
    #[error("Periksa kembali isian yang ditandai.")]
    Validation(FieldErrors),
    /// A business rule refused the action; the text is already written for the admin.
    #[error("{0}")]
    Conflict(String),
    #[error("Terlalu banyak percobaan. Coba lagi dalam {0} detik.")]
    RateLimited(u64),
    /// A request whose arguments could not be read (not something a page sends).
    #[error("Permintaan tidak valid.")]
    BadRequest(String),
    #[error("Terjadi kesalahan di server. Silakan coba lagi.")]
    Internal,
    /// The browser could not reach the server or read its answer.
    #[error("Tidak dapat menghubungi server: {0}")]
    Transport(String),
}

impl AppError {
    /// The one place an error becomes an HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::BadLogin => 401,
            AppError::NotFound => 404,
            AppError::Validation(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::RateLimited(_) => 429,
            AppError::BadRequest(_) => 400,
            AppError::Internal => 500,
            AppError::Transport(_) => 502,
        }
    }

    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            AppError::Validation(f) => Some(f),
            _ => None,
        }
    }

    /// A single-field validation error.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut f = FieldErrors::new();
        f.add(field, message);
        AppError::Validation(f)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: server_fn::error::ServerFnErrorErr) -> Self {
        use server_fn::error::ServerFnErrorErr as E;
        match value {
            // The server could not read the arguments: the request is at fault, not the server.
            E::Args(m) | E::Deserialization(m) => AppError::BadRequest(m),
            other => AppError::Transport(other.to_string()),
        }
    }
}

impl From<ServerFnError> for AppError {
    fn from(value: ServerFnError) -> Self {
        AppError::Transport(value.to_string())
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// A database failure: the detail goes to the log, the admin sees a safe message.
#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        tracing::error!(error = %e, "database error");
        AppError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_distinct_for_what_the_browser_must_tell_apart() {
        assert_eq!(AppError::Unauthorized.status(), 401);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::RateLimited(5).status(), 429);
        assert_eq!(AppError::field("x", "salah").status(), 422);
    }

    #[test]
    fn field_errors_are_found_by_field() {
        let mut f = FieldErrors::new();
        f.add("username", "Wajib diisi.");
        f.add("password", "Terlalu pendek.");
        assert_eq!(f.get("password"), Some("Terlalu pendek."));
        assert_eq!(f.get("other"), None);
        assert!(matches!(f.into_result(), Err(AppError::Validation(_))));
        assert_eq!(FieldErrors::new().into_result(), Ok(()));
    }

    #[test]
    fn messages_are_indonesian() {
        assert_eq!(
            AppError::RateLimited(30).to_string(),
            "Terlalu banyak percobaan. Coba lagi dalam 30 detik."
        );
    }
}
