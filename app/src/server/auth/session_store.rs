//! tower-sessions store on our own database (sea-orm), so sessions live server-side in SQLite or
//! PostgreSQL alongside everything else and survive restarts. Rows are keyed by the SHA-256 of
//! the cookie's id: a copy of the table (a backup, a leaked dump) signs nobody in.

use crate::server::{auth::SESSION_USER_ID, entity::login_sessions};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, sea_query::OnConflict,
};
use tower_sessions::{
    SessionStore,
    session::{Id, Record},
    session_store::{Error, Result},
};

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: DatabaseConnection,
}

impl DbSessionStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Deletes expired sessions; run periodically by the server.
    pub async fn delete_expired(&self) -> std::result::Result<u64, sea_orm::DbErr> {
        let res = login_sessions::Entity::delete_many()
            .filter(login_sessions::Column::ExpiresAt.lt(Utc::now()))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected)
    }

    fn to_active(record: &Record) -> Result<login_sessions::ActiveModel> {
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        let user_id = record
            .data
            .get(SESSION_USER_ID)
            .and_then(|v| v.as_i64())
            .and_then(|v| i32::try_from(v).ok());
        Ok(login_sessions::ActiveModel {
            id: Set(key(&record.id)),
            data: Set(data),
            user_id: Set(user_id),
            expires_at: Set(to_chrono(record.expiry_date)),
        })
    }
}

/// The stored key of a session id.
pub fn key(id: &Id) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

fn to_chrono(t: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_else(Utc::now)
}

fn backend(e: sea_orm::DbErr) -> Error {
    Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // Retry on the (astronomically unlikely) id collision rather than overwrite a session.
        loop {
            let exists = login_sessions::Entity::find_by_id(key(&record.id))
                .one(&self.db)
                .await
                .map_err(backend)?
                .is_some();
            if !exists {
                break;
            }
            record.id = Id::default();
        }
        login_sessions::Entity::insert(Self::to_active(record)?)
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        login_sessions::Entity::insert(Self::to_active(record)?)
            .on_conflict(
                OnConflict::column(login_sessions::Column::Id)
                    .update_columns([
                        login_sessions::Column::Data,
                        login_sessions::Column::UserId,
                        login_sessions::Column::ExpiresAt,
                    ])
                    .to_owned(),
            )
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> Result<Option<Record>> {
        let Some(row) = login_sessions::Entity::find_by_id(key(session_id))
            .filter(login_sessions::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&row.data).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date = time::OffsetDateTime::from_unix_timestamp(row.expires_at.timestamp())
            .map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *session_id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, session_id: &Id) -> Result<()> {
        login_sessions::Entity::delete_by_id(key(session_id))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
