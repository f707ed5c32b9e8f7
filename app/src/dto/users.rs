//! Users, roles and sessions as the Pengguna page sees them.

use crate::domain::{account::Role, dates::LocalTime};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub last_login_at: Option<LocalTime>,
}

/// A one-time password, shown once to the owner who reset it or created the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimePassword {
    pub username: String,
    pub password: String,
}

/// One of the signed-in user's own sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRow {
    /// A handle for revoking it (a prefix of the stored hash, never the cookie's id).
    pub handle: String,
    pub signed_in_at: Option<LocalTime>,
    pub last_seen_at: Option<LocalTime>,
    pub agent: String,
    pub ip: String,
    /// The session this request came with.
    pub current: bool,
}
