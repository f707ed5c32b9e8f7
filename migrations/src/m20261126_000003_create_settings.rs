use crate::util::drop;
use sea_orm_migration::{prelude::*, schema::*};

/// Key/value settings (company, payment details, sending policy, WAHA connection). Values are
/// JSON so a new setting needs no migration; each key is typed in the app's settings service.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("settings")
                    .if_not_exists()
                    .col(string_len("key", 64).primary_key())
                    .col(text("value"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "settings").await
    }
}
