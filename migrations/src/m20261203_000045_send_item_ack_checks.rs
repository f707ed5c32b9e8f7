use crate::util::index;
use sea_orm_migration::{prelude::*, schema::*};

/// Delivery ticks without a webhook: when Tagih last asked WAHA for a sent message's tick (the
/// poller spaces its questions by the message's age). The ban guard reads a session's recent
/// outcomes by `updated_at`, which needs an index once the history is long.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("send_items")
                    .add_column(timestamp_with_time_zone_null("ack_checked_at"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_send_items_updated_at",
            "send_items",
            &["updated_at"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_send_items_updated_at")
                    .table("send_items")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("send_items")
                    .drop_column("ack_checked_at")
                    .to_owned(),
            )
            .await
    }
}
