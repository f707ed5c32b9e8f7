use sea_orm_migration::{prelude::*, schema::*};

/// When a customer's service starts: nothing is billed for months before it, and the first
/// month may be pro-rata.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("customers")
                    .add_column(date_null("start_date"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("customers")
                    .drop_column("start_date")
                    .to_owned(),
            )
            .await
    }
}
