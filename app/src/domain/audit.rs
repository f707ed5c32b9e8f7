//! What the audit log records: one action per row, named by a stable text and shown in
//! Indonesian.

use serde::{Deserialize, Serialize};

macro_rules! actions {
    ($($v:ident => $s:literal, $label:literal;)*) => {
        /// An action worth recording: who did it, when and to what.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum AuditAction { $($v,)* }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$v,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(AuditAction::$v => $s,)* }
            }

            pub fn label(self) -> &'static str {
                match self { $(AuditAction::$v => $label,)* }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|a| a.as_str() == s)
            }
        }
    };
}

actions! {
    Setup => "setup", "Penyiapan awal";
    Login => "login", "Masuk";
    LoginFailed => "login_failed", "Gagal masuk";
    Logout => "logout", "Keluar";
    Payment => "payment", "Pembayaran dicatat";
    PaymentReversed => "payment_reversed", "Pembayaran dibatalkan";
    InvoiceVoid => "invoice_void", "Tagihan dibatalkan";
    Discount => "discount", "Diskon";
    AmountEdit => "amount_edit", "Jumlah tagihan diubah";
    RunUndo => "run_undo", "Run tagihan dibatalkan";
    InvoiceRun => "invoice_run", "Buat tagihan";
    Send => "send", "Kirim pesan";
    BulkSend => "bulk_send", "Kirim massal";
    JobControl => "job_control", "Kendali pengiriman";
    SettingsChange => "settings", "Pengaturan diubah";
    TemplateChange => "template", "Template diubah";
    WhatsAppChange => "whatsapp", "Koneksi WhatsApp diubah";
    PackageChange => "package", "Paket diubah";
    CustomerChange => "customer", "Pelanggan diubah";
    UserCreate => "user_create", "Pengguna ditambah";
    UserDisable => "user_disable", "Pengguna dinonaktifkan";
    UserEnable => "user_enable", "Pengguna diaktifkan";
    PasswordReset => "password_reset", "Kata sandi direset";
    PasswordChange => "password_change", "Kata sandi diganti";
    SessionRevoke => "session_revoke", "Sesi diakhiri";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_distinct_name_that_parses_back() {
        let mut seen = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            assert!(seen.insert(a.as_str()), "duplicate {}", a.as_str());
            assert_eq!(AuditAction::parse(a.as_str()), Some(*a));
            assert!(a.as_str().len() <= 48);
        }
    }
}
