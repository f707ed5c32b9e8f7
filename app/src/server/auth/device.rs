//! The device cookie (OWASP "Slow down online guessing attacks with device cookies"): a browser
//! that signed in to an account gets `tagih_dev`, an HMAC over the account name and a random
//! nonce. A later login to that account from that browser is judged by the device's own
//! failures, not the account's, so strangers' guessing cannot lock the owner out.

use hmac::{Hmac, KeyInit, Mac};
use rand::RngCore;
use sha2::Sha256;

pub const COOKIE: &str = "tagih_dev";
/// Key of the HMAC key in `settings` (created on first use, never shown).
pub const KEY_SETTING: &str = "device_cookie_key";
/// How long a browser stays "known" (the cookie's Max-Age).
pub const MAX_AGE_SECS: u64 = 180 * 24 * 60 * 60;

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8], account: &str, nonce: &str) -> String {
    let mut m = HmacSha256::new_from_slice(key).expect("any key length");
    m.update(account.trim().to_lowercase().as_bytes());
    m.update(b"\n");
    m.update(nonce.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

/// A new random key for [`KEY_SETTING`].
pub fn new_key() -> String {
    let mut k = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut k);
    hex::encode(k)
}

/// A fresh cookie value for this account.
pub fn issue(key: &[u8], account: &str) -> String {
    let mut n = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut n);
    let nonce = hex::encode(n);
    let tag = mac(key, account, &nonce);
    format!("{nonce}.{tag}")
}

/// The device's id (its nonce) when `value` was issued for this account, else `None`.
pub fn verify(key: &[u8], account: &str, value: &str) -> Option<String> {
    let (nonce, tag) = value.split_once('.')?;
    if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let expected = hex::decode(tag).ok()?;
    let mut m = HmacSha256::new_from_slice(key).expect("any key length");
    m.update(account.trim().to_lowercase().as_bytes());
    m.update(b"\n");
    m.update(nonce.as_bytes());
    m.verify_slice(&expected).ok()?;
    Some(nonce.to_owned())
}

/// The `tagih_dev` value among a request's `Cookie` headers.
pub fn from_headers(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_is_good_only_for_its_account_and_key() {
        let key = b"0123456789abcdef0123456789abcdef";
        let v = issue(key, "Owner");
        assert!(verify(key, "owner", &v).is_some());
        assert!(verify(key, "kasir", &v).is_none());
        assert!(verify(b"another key.....................", "owner", &v).is_none());
        let (nonce, _) = v.split_once('.').unwrap();
        assert!(verify(key, "owner", &format!("{nonce}.00")).is_none());
        assert!(verify(key, "owner", "garbage").is_none());
        let _ = mac(key, "a", "b");
    }
}
