//! The admin's sending policy (quiet hours, daily cap), stored in `settings`.

use crate::{domain::sending::SendPolicy, server::settings};
use sea_orm::{ConnectionTrait, DbErr};

pub const KEY: &str = "sending_policy";

/// The saved policy, or the default (quiet 21:00–07:00, no cap) when none is saved.
pub async fn load(db: &impl ConnectionTrait) -> Result<SendPolicy, DbErr> {
    Ok(settings::get(db, KEY).await?.unwrap_or_default())
}

pub async fn save(db: &impl ConnectionTrait, policy: &SendPolicy) -> Result<(), DbErr> {
    settings::set(db, KEY, policy).await
}
