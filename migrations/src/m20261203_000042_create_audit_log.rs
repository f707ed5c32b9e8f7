use crate::util::{drop, index};
use sea_orm_migration::{prelude::*, schema::*};

/// Who did what and when. Rows are only ever inserted (the application has no update or
/// delete for this table); the user's name and role are copied so a later rename or removal
/// does not rewrite history.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(integer_null("user_id"))
                    .col(string_len("username", 64))
                    .col(string_len("role", 16))
                    .col(string_len("action", 48))
                    .col(string_len("target", 200))
                    .col(text("detail"))
                    .col(string_len_null("ip", 64))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_audit_at", "audit_log", &["at"], false).await?;
        index(
            manager,
            "idx_audit_action_at",
            "audit_log",
            &["action", "at"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_audit_user_at",
            "audit_log",
            &["user_id", "at"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "audit_log").await
    }
}
