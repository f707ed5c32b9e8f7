//! Accounts and login: argon2id hashes, server-side sessions, a login rate limit.

pub mod device;
pub mod error;
pub mod limiter;
pub mod password;
pub mod service;
pub mod session_store;
pub mod users;

pub use error::AuthError;

/// Session keys.
pub const SESSION_USER_ID: &str = "user_id";
pub const SESSION_LOGIN_AT: &str = "login_at";
/// Unix seconds of the last request that refreshed the session (idle expiry).
pub const SESSION_SEEN_AT: &str = "seen_at";
/// The browser's user agent and address at sign-in, for the "my sessions" list.
pub const SESSION_AGENT: &str = "agent";
pub const SESSION_IP: &str = "ip";
