use crate::util::index;
use sea_orm_migration::{prelude::*, schema::*};

/// Each invoice remembers the run that created it (none for invoices made one by one).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("invoices")
                    .add_column(integer_null("run_id"))
                    .to_owned(),
            )
            .await?;
        index(manager, "idx_invoices_run", "invoices", &["run_id"], false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX idx_invoices_run")
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("invoices")
                    .drop_column("run_id")
                    .to_owned(),
            )
            .await
    }
}
