//! Rules for user names and passwords (ASVS 6.2: at least 10 characters, long passphrases
//! allowed, the most common passwords refused).

use crate::error::FieldErrors;
use serde::{Deserialize, Serialize};

/// What a user may do. Each role includes the ones below it: an owner can do all an admin can,
/// an admin all a kasir can. Stored as its `as_str` text; this is the one mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Records payments, sends messages, keeps customers up to date.
    Kasir,
    /// Everything but users and the WhatsApp connection.
    Admin,
    /// Everything.
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Kasir, Role::Admin, Role::Owner];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Kasir => "kasir",
            Role::Admin => "admin",
            Role::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Kasir => "Kasir / operator",
            Role::Admin => "Admin",
            Role::Owner => "Pemilik",
        }
    }

    /// May a user with this role do what `needed` requires?
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;

/// A short list of passwords people reach for first; refusing them costs nothing.
const COMMON: &[&str] = &[
    "1234567890",
    "12345678910",
    "0123456789",
    "1111111111",
    "password123",
    "password1234",
    "passw0rd123",
    "qwertyuiop",
    "qwerty12345",
    "qwerty123456",
    "admin12345",
    "admin123456",
    "administrator",
    "iloveyou123",
    "abcdefghij",
    "abc1234567",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "zxcvbnm123",
    "indonesia1",
    "indonesia123",
    "bismillah1",
    "bismillah123",
    "sayang1234",
    "rahasia123",
    "katasandi123",
    "tagih12345",
    "welcome123",
    "letmein123",
    "superadmin",
];

/// Normalised user name (trimmed, lower case) or a field error.
pub fn normalise_username(raw: &str) -> Result<String, &'static str> {
    let name = raw.trim().to_lowercase();
    if name.is_empty() {
        return Err("Nama pengguna wajib diisi.");
    }
    if name.len() < 3 || name.len() > 64 {
        return Err("Nama pengguna 3–64 karakter.");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err("Nama pengguna hanya boleh huruf, angka, titik, garis bawah dan tanda hubung.");
    }
    Ok(name)
}

/// Validates a new account; messages are keyed by form field.
pub fn validate_new_account(
    username: &str,
    display_name: &str,
    password: &str,
    password_confirm: &str,
) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let name = match normalise_username(username) {
        Ok(n) => n,
        Err(msg) => {
            errors.add("username", msg);
            String::new()
        }
    };
    let display = display_name.trim();
    if display.is_empty() {
        errors.add("display_name", "Nama lengkap wajib diisi.");
    } else if display.chars().count() > 120 {
        errors.add("display_name", "Nama lengkap paling banyak 120 karakter.");
    }
    let chars = password.chars().count();
    if chars < PASSWORD_MIN {
        errors.add(
            "password",
            format!("Kata sandi minimal {PASSWORD_MIN} karakter."),
        );
    } else if chars > PASSWORD_MAX {
        errors.add(
            "password",
            format!("Kata sandi paling banyak {PASSWORD_MAX} karakter."),
        );
    } else if COMMON.contains(&password.to_lowercase().as_str()) {
        errors.add("password", "Kata sandi ini terlalu umum. Pilih yang lain.");
    } else if !name.is_empty() && password.to_lowercase().contains(&name) {
        errors.add("password", "Kata sandi tidak boleh memuat nama pengguna.");
    }
    if password != password_confirm {
        errors.add("password_confirm", "Konfirmasi kata sandi tidak sama.");
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_include_the_ones_below() {
        assert!(Role::Owner.allows(Role::Admin) && Role::Owner.allows(Role::Kasir));
        assert!(Role::Admin.allows(Role::Kasir) && !Role::Admin.allows(Role::Owner));
        assert!(!Role::Kasir.allows(Role::Admin));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn a_good_account_passes() {
        assert!(
            validate_new_account("Owner", "Pak Budi", "kuda-laut-biru-7", "kuda-laut-biru-7")
                .is_empty()
        );
        assert_eq!(normalise_username("  Owner ").unwrap(), "owner");
    }

    #[test]
    fn each_problem_is_reported_on_its_field() {
        let cases: &[(&str, &str, &str, &str, &str)] = &[
            ("", "A", "kuda-laut-biru-7", "kuda-laut-biru-7", "username"),
            (
                "ab",
                "A",
                "kuda-laut-biru-7",
                "kuda-laut-biru-7",
                "username",
            ),
            (
                "pak budi",
                "A",
                "kuda-laut-biru-7",
                "kuda-laut-biru-7",
                "username",
            ),
            (
                "owner",
                " ",
                "kuda-laut-biru-7",
                "kuda-laut-biru-7",
                "display_name",
            ),
            ("owner", "A", "pendek", "pendek", "password"),
            ("owner", "A", "Password123", "Password123", "password"),
            (
                "owner",
                "A",
                "owner-rahasia-1",
                "owner-rahasia-1",
                "password",
            ),
            (
                "owner",
                "A",
                "kuda-laut-biru-7",
                "kuda-laut-biru-8",
                "password_confirm",
            ),
        ];
        for (u, d, p, c, field) in cases {
            let e = validate_new_account(u, d, p, c);
            assert!(
                e.get(field).is_some(),
                "{u}/{d}/{p}/{c}: expected an error on {field}, got {e:?}"
            );
        }
        let long = "x".repeat(PASSWORD_MAX + 1);
        assert!(
            validate_new_account("owner", "A", &long, &long)
                .get("password")
                .is_some()
        );
        let long_ok = "y".repeat(PASSWORD_MAX);
        assert!(validate_new_account("owner", "A", &long_ok, &long_ok).is_empty());
    }
}
