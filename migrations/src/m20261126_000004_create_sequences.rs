use crate::util::drop;
use sea_orm_migration::{prelude::*, schema::*};

/// Gap-free counters (customer codes, invoice numbers per month). Incremented inside the same
/// transaction as the row that uses the number, so concurrent runs can neither collide nor skip.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("sequences")
                    .if_not_exists()
                    .col(string_len("name", 64).primary_key())
                    .col(big_integer("value").default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "sequences").await
    }
}
