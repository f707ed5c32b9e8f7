use crate::util::{drop, with_timestamps};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let t = Table::create()
            .table("packages")
            .if_not_exists()
            .col(pk_auto("id"))
            .col(string_len_uniq("name", 100))
            .col(integer("speed_mbps"))
            // Rupiah per month.
            .col(big_integer("price"))
            .col(text_null("description"))
            .col(boolean("active").default(true))
            .to_owned();
        manager.create_table(with_timestamps(t)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "packages").await
    }
}
