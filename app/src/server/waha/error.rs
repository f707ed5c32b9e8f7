//! What can go wrong talking to WAHA, typed so the sending engine can decide (retry, fail the
//! recipient, pause the job) and the admin reads a plain-Indonesian explanation.
//!
//! `Display` is for the log (English, with WAHA's own message, never the key); `user_message()` is
//! for the admin.

use crate::{domain::whatsapp::SessionStatus, server::net::OutboundError};

/// How a failure affects the sending engine (DESIGN §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Try the same message again later, with backoff.
    Transient,
    /// This recipient cannot get the message; retrying will not help.
    Recipient,
    /// The WhatsApp channel itself is unusable: pause everything until it is WORKING again.
    Channel,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WahaError {
    /// No TCP/TLS connection (refused, DNS failure, network down).
    #[error("WAHA unreachable: {0}")]
    Unreachable(String),
    #[error("WAHA did not answer in time")]
    Timeout,
    /// 401: missing or wrong `X-Api-Key`.
    #[error("WAHA refused the API key (401)")]
    Unauthorized,
    /// 403: a scoped key without the needed permission (WAHA 2026.4+).
    #[error("WAHA refused the request with this API key (403)")]
    Forbidden,
    /// 404 for a session-bound call: the session does not exist or is stopped.
    #[error("WAHA session '{session}' not found: {message}")]
    SessionNotFound { session: String, message: String },
    /// 404/405 for a route: this WAHA version lacks the endpoint.
    #[error("WAHA has no endpoint {method} {path} ({status})")]
    EndpointMissing {
        method: String,
        path: String,
        status: u16,
    },
    /// 422 "Session status is not as expected": WAHA waited 5 s for a status that did not come.
    #[error("WAHA session '{session}' is {status}, expected {expected:?}")]
    StatusGate {
        session: String,
        status: SessionStatus,
        expected: Vec<String>,
    },
    /// The number has no WhatsApp account (engine "No LID" errors, or check-exists said so).
    #[error("not on WhatsApp: {0}")]
    NotOnWhatsApp(String),
    /// WhatsApp error 463: the account may not start chats with new contacts for now.
    #[error("WhatsApp reach-out lock (463): {0}")]
    ReachoutLocked(String),
    /// WhatsApp `rate-overlimit` (or an HTTP 429 on the way).
    #[error("WhatsApp rate-overlimit: {0}")]
    RateOverlimit(String),
    /// Any other 5xx.
    #[error("WAHA server error {status}: {message}")]
    Server { status: u16, message: String },
    /// Another 4xx WAHA refused (bad request, Core-only limits, ...).
    #[error("WAHA rejected the request ({status}): {message}")]
    Rejected { status: u16, message: String },
    /// WAHA's URL answered with a redirect; Tagih never follows one (the key would travel on).
    #[error("WAHA answered with a redirect ({status}), not followed")]
    Redirect { status: u16 },
    /// The target address is not allowed (link-local: cloud metadata lives there).
    #[error("WAHA address refused: {0}")]
    AddressRefused(OutboundError),
    /// The answer could not be read as WAHA's.
    #[error("unreadable WAHA response: {0}")]
    BadResponse(String),
}

impl WahaError {
    /// How the sending engine treats this failure. A 422 status gate is channel-wide in every
    /// status, STARTING included: retrying per item would burn each recipient's attempts while
    /// WhatsApp reconnects, so the job pauses and resumes once the session is WORKING again.
    pub fn class(&self) -> ErrorClass {
        use WahaError::*;
        match self {
            Unreachable(_) | Timeout | Server { .. } | BadResponse(_) => ErrorClass::Transient,
            StatusGate { .. } => ErrorClass::Channel,
            NotOnWhatsApp(_) => ErrorClass::Recipient,
            Unauthorized
            | Forbidden
            | SessionNotFound { .. }
            | EndpointMissing { .. }
            | ReachoutLocked(_)
            | RateOverlimit(_)
            | Rejected { .. }
            | Redirect { .. }
            | AddressRefused(_) => ErrorClass::Channel,
        }
    }

    /// A short machine code for logs and `send_items.error_code`.
    pub fn code(&self) -> &'static str {
        use WahaError::*;
        match self {
            Unreachable(_) => "unreachable",
            Timeout => "timeout",
            Unauthorized => "unauthorized",
            Forbidden => "forbidden",
            SessionNotFound { .. } => "session_not_found",
            EndpointMissing { .. } => "endpoint_missing",
            StatusGate { .. } => "session_status",
            NotOnWhatsApp(_) => "not_on_whatsapp",
            ReachoutLocked(_) => "reachout_463",
            RateOverlimit(_) => "rate_overlimit",
            Server { .. } => "server_error",
            Rejected { .. } => "rejected",
            Redirect { .. } => "redirect",
            AddressRefused(_) => "address_refused",
            BadResponse(_) => "bad_response",
        }
    }

    /// The explanation for the admin, in Indonesian: what happened and what to do. Never the
    /// raw response body, never the key.
    pub fn user_message(&self) -> String {
        use WahaError::*;
        match self {
            Unreachable(_) => "Server WAHA tidak dapat dihubungi. Periksa alamat URL WAHA dan \
                pastikan server WAHA sedang berjalan."
                .into(),
            Timeout => "Server WAHA tidak menjawab dalam batas waktu. Coba lagi sebentar lagi; \
                jika terus terjadi, periksa server WAHA dan jaringannya."
                .into(),
            Unauthorized => "API key WAHA ditolak (401). Periksa API key di pengaturan koneksi; \
                harus sama dengan WAHA_API_KEY di server WAHA."
                .into(),
            Forbidden => "API key WAHA tidak punya izin untuk tindakan ini (403). Gunakan key \
                dengan izin yang cukup."
                .into(),
            SessionNotFound { session, .. } => format!(
                "Sesi WhatsApp \"{session}\" tidak ditemukan atau belum dimulai di WAHA. \
                 Tekan Mulai untuk menjalankannya."
            ),
            EndpointMissing { .. } => "Versi server WAHA ini tidak mendukung tindakan tersebut. \
                Perbarui WAHA ke versi terbaru."
                .into(),
            StatusGate { status, .. } => format!(
                "Sesi WhatsApp belum siap (status: {}). Tunggu sebentar atau mulai ulang sesi.",
                status.label()
            ),
            NotOnWhatsApp(_) => "Nomor tujuan tidak terdaftar di WhatsApp.".into(),
            ReachoutLocked(_) => "WhatsApp sementara membatasi akun ini untuk memulai chat dengan \
                kontak baru (error 463). Hentikan pengiriman ke nomor baru selama beberapa jam; \
                chat yang sudah ada tetap bisa."
                .into(),
            RateOverlimit(_) => "WhatsApp membatasi jumlah permintaan (rate-overlimit). Tunggu \
                beberapa saat dan perlambat pengiriman."
                .into(),
            Server { status, .. } => format!(
                "Server WAHA mengalami kesalahan (HTTP {status}). Coba lagi; jika terus terjadi, \
                 mulai ulang sesi atau periksa log WAHA."
            ),
            Rejected { message, .. } if message.contains("only 'default' session") => {
                "WAHA Core hanya mendukung satu sesi bernama \"default\". Ubah nama sesi menjadi \
                 default."
                    .into()
            }
            Rejected { message, .. } if message.contains("only in Plus") => {
                "Fitur ini hanya tersedia di WAHA Plus (atau WAHA versi 2026.6 ke atas).".into()
            }
            Rejected { status, .. } => format!("WAHA menolak permintaan ini (HTTP {status})."),
            Redirect { status } => format!(
                "Alamat WAHA menjawab dengan pengalihan (HTTP {status}). Demi keamanan Tagih tidak \
                 mengikuti pengalihan; isi alamat WAHA yang tepat (perhatikan http/https dan \
                 garis miring di akhir)."
            ),
            AddressRefused(_) => "Alamat WAHA tidak diizinkan: alamat link-local \
                (169.254.x.x, fe80::) selalu diblokir."
                .into(),
            BadResponse(_) => "Jawaban server WAHA tidak dapat dibaca. Pastikan URL menunjuk ke \
                server WAHA, bukan ke situs lain."
                .into(),
        }
    }
}

pub use crate::domain::whatsapp::status_label;

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(status: &str) -> WahaError {
        WahaError::StatusGate {
            session: "default".into(),
            status: status.into(),
            expected: vec!["WORKING".into()],
        }
    }

    #[test]
    fn classes_follow_the_sending_rules() {
        use ErrorClass::*;
        assert_eq!(WahaError::Timeout.class(), Transient);
        assert_eq!(WahaError::Unreachable("x".into()).class(), Transient);
        assert_eq!(
            WahaError::Server {
                status: 500,
                message: "boom".into()
            }
            .class(),
            Transient
        );
        assert_eq!(gate("STARTING").class(), Channel);
        assert_eq!(gate("SCAN_QR_CODE").class(), Channel);
        assert_eq!(gate("FAILED").class(), Channel);
        assert_eq!(WahaError::NotOnWhatsApp("x".into()).class(), Recipient);
        assert_eq!(WahaError::Unauthorized.class(), Channel);
        assert_eq!(WahaError::ReachoutLocked("463".into()).class(), Channel);
        assert_eq!(WahaError::RateOverlimit("x".into()).class(), Channel);
        assert_eq!(
            WahaError::SessionNotFound {
                session: "default".into(),
                message: String::new()
            }
            .class(),
            Channel
        );
    }

    #[test]
    fn admin_messages_are_indonesian_and_name_the_status() {
        assert_eq!(
            gate("SCAN_QR_CODE").user_message(),
            "Sesi WhatsApp belum siap (status: Perlu scan QR). Tunggu sebentar atau mulai ulang \
             sesi."
        );
        assert!(
            WahaError::Unauthorized
                .user_message()
                .contains("API key WAHA ditolak")
        );
        assert!(
            WahaError::Rejected {
                status: 422,
                message: "WAHA Core support only 'default' session.".into()
            }
            .user_message()
            .contains("\"default\"")
        );
        assert_eq!(status_label("PASSKEY_REQUIRED"), "PASSKEY_REQUIRED");
        assert_eq!(status_label("STOPPED"), "Tidak aktif");
    }
}
