use crate::util::{drop, index};
use sea_orm_migration::{prelude::*, schema::*};

/// Server-side login sessions (the tower-sessions store). The cookie holds only the id.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("login_sessions")
                    .if_not_exists()
                    .col(string_len("id", 64).primary_key())
                    .col(text("data"))
                    // Copied out of `data` so logout-everywhere and cleanup are plain queries.
                    .col(integer_null("user_id"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_login_sessions_expires",
            "login_sessions",
            &["expires_at"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_login_sessions_user",
            "login_sessions",
            &["user_id"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "login_sessions").await
    }
}
