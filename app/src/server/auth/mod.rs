//! Accounts and login: argon2id hashes, server-side sessions, a login rate limit.

pub mod limiter;
pub mod password;
pub mod service;
pub mod session_store;

/// Session keys.
pub const SESSION_USER_ID: &str = "user_id";
pub const SESSION_LOGIN_AT: &str = "login_at";
