//! Typed access to the `settings` table (key → JSON).

use crate::server::entity::settings;
use chrono::Utc;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set, sea_query::OnConflict};
use serde::{Serialize, de::DeserializeOwned};

/// The saved value, or `None` when unset (or unreadable after a format change).
pub async fn get<T: DeserializeOwned>(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<T>, DbErr> {
    let row = settings::Entity::find_by_id(key.to_owned()).one(db).await?;
    Ok(row.and_then(|r| match serde_json::from_str(&r.value) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(%key, error = %e, "unreadable setting ignored");
            None
        }
    }))
}

pub async fn set<T: Serialize>(
    db: &impl ConnectionTrait,
    key: &str,
    value: &T,
) -> Result<(), DbErr> {
    let value = serde_json::to_string(value).map_err(|e| DbErr::Custom(e.to_string()))?;
    settings::Entity::insert(settings::ActiveModel {
        key: Set(key.to_owned()),
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

/// Forgets the key (no error when it was not set).
pub async fn delete(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    settings::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

pub const COMPANY: &str = "company";

pub async fn company(
    db: &impl ConnectionTrait,
) -> Result<crate::domain::company::CompanySettings, DbErr> {
    Ok(get(db, COMPANY).await?.unwrap_or_default())
}

/// The saved value, or `init()` saved first when unset. Two racing callers agree: the first
/// insert wins and both read it back.
pub async fn get_or_init<T: Serialize + DeserializeOwned>(
    db: &impl ConnectionTrait,
    key: &str,
    init: impl FnOnce() -> T,
) -> Result<T, DbErr> {
    if let Some(v) = get(db, key).await? {
        return Ok(v);
    }
    let value = serde_json::to_string(&init()).map_err(|e| DbErr::Custom(e.to_string()))?;
    settings::Entity::insert(settings::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value),
        updated_at: Set(Utc::now()),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await?;
    get(db, key)
        .await?
        .ok_or_else(|| DbErr::Custom(format!("setting {key} missing after insert")))
}
