use crate::util::drop;
use sea_orm_migration::{prelude::*, schema::*};

/// The WhatsApp numbers Tagih has seen working, with when it first saw each: a newly linked
/// number is warmed up (a daily cap that rises day by day) unless the admin says it is an old
/// number.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("wa_accounts")
                    .if_not_exists()
                    .col(string_len("me_id", 64).primary_key())
                    .col(timestamp_with_time_zone("first_working_at"))
                    .col(boolean("warmup_skipped").default(false))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "wa_accounts").await
    }
}
