//! argon2id with OWASP's parameters (m = 19 MiB, t = 2, p = 1). Hashing runs on the blocking
//! pool, at most four at a time, so a login burst cannot eat the server's memory.

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::SaltString,
};
use std::sync::LazyLock;
use tokio::sync::Semaphore;

static SLOTS: Semaphore = Semaphore::const_new(4);

fn hasher() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: m=19456 KiB, t=2, p=1.
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash_blocking(password: &str) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing cannot fail with valid parameters")
        .to_string()
}

/// True when a stored hash was made with other parameters (or another algorithm) than
/// [`hasher`] uses now: it is replaced at the next successful sign-in.
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return true;
    };
    let current = hasher();
    let p = current.params();
    parsed.algorithm.as_str() != "argon2id"
        || parsed.version != Some(Version::V0x13.into())
        || Params::try_from(&parsed).map_or(true, |have| {
            have.m_cost() != p.m_cost()
                || have.t_cost() != p.t_cost()
                || have.p_cost() != p.p_cost()
        })
}

pub fn verify_blocking(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

pub async fn hash(password: String) -> String {
    let _slot = SLOTS.acquire().await.expect("semaphore never closed");
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .expect("hashing task panicked")
}

pub async fn verify(password: String, phc: String) -> bool {
    let _slot = SLOTS.acquire().await.expect("semaphore never closed");
    tokio::task::spawn_blocking(move || verify_blocking(&password, &phc))
        .await
        .unwrap_or(false)
}

/// Verified against when the user name does not exist, so a wrong name costs as long as a
/// wrong password and timing does not reveal which accounts exist.
pub static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_blocking("tagih-dummy-password"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_salted() {
        let a = hash_blocking("kata-sandi-rahasia");
        let b = hash_blocking("kata-sandi-rahasia");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert!(!needs_rehash(&a));
        let weaker = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8_192, 1, 1, None).unwrap(),
        )
        .hash_password(b"x", &SaltString::generate(&mut rand::rngs::OsRng))
        .unwrap()
        .to_string();
        assert!(needs_rehash(&weaker));
        assert!(needs_rehash("not a hash"));
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify_blocking("kata-sandi-rahasia", &a));
        assert!(!verify_blocking("kata-sandi-salah", &a));
        assert!(!verify_blocking("x", "not a phc string"));
    }
}
