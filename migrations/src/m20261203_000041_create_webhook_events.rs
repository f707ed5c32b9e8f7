use crate::util::{drop, index};
use sea_orm_migration::{prelude::*, schema::*};

/// Webhook event ids already handled: a replayed event (same id) is acknowledged and ignored.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("webhook_events")
                    .if_not_exists()
                    .col(string_len("event_id", 128).primary_key())
                    .col(timestamp_with_time_zone("received_at"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_webhook_events_received",
            "webhook_events",
            &["received_at"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "webhook_events").await
    }
}
