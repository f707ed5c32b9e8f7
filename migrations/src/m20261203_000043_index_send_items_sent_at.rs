use crate::util::index;
use sea_orm_migration::prelude::*;

/// The sending engine reads a session's latest sends before each message (is the current wave
/// full?): newest first by `sent_at`, which needs its own index once the history is long.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        index(
            manager,
            "idx_send_items_sent_at",
            "send_items",
            &["sent_at"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_send_items_sent_at")
                    .table("send_items")
                    .to_owned(),
            )
            .await
    }
}
