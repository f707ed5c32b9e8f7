//! The admin's sending policy (quiet hours, daily cap), stored in `settings`.

use crate::{domain::sending::SendPolicy, server::entity::settings};
use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set, sea_query::OnConflict};

pub const KEY: &str = "sending_policy";

/// The saved policy, or the default (quiet 21:00–07:00, no cap) when none is saved.
pub async fn load(db: &impl ConnectionTrait) -> Result<SendPolicy, DbErr> {
    let row = settings::Entity::find_by_id(KEY.to_owned()).one(db).await?;
    Ok(row
        .and_then(|r| serde_json::from_str(&r.value).ok())
        .unwrap_or_default())
}

pub async fn save(db: &impl ConnectionTrait, policy: &SendPolicy) -> Result<(), DbErr> {
    let value = serde_json::to_string(policy).map_err(|e| DbErr::Custom(e.to_string()))?;
    settings::Entity::insert(settings::ActiveModel {
        key: Set(KEY.to_owned()),
        value: Set(value),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(settings::Column::Key)
            .update_columns([settings::Column::Value, settings::Column::UpdatedAt])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}
