use crate::util::drop;
use sea_orm_migration::{prelude::*, schema::*};

/// Who runs the scheduler: one row per lease name, held by one instance until `expires_at`
/// (renewed every tick), so however many instances serve, one acts. The schedule's settings
/// themselves live in `settings` (key `schedule`).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let t = Table::create()
            .table("scheduler_lease")
            .if_not_exists()
            .col(string_len("name", 32).primary_key())
            .col(string_len("holder", 64))
            .col(timestamp_with_time_zone("expires_at"))
            // When the holder last ticked (shown on the Jadwal page).
            .col(timestamp_with_time_zone_null("last_tick_at"))
            .to_owned();
        manager.create_table(t).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "scheduler_lease").await
    }
}
