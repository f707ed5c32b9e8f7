use crate::util::{drop, index};
use sea_orm_migration::{prelude::*, schema::*};

/// One row per invoice run (by an admin, or later by the scheduler): what it created, and
/// whether it was undone.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let t = Table::create()
            .table("invoice_runs")
            .if_not_exists()
            .col(pk_auto("id"))
            .col(string_len("period", 7))
            // issued | undone (drafts come with the scheduler)
            .col(string_len("state", 16))
            .col(integer("created").default(0))
            .col(big_integer("total_amount").default(0))
            .col(integer_null("created_by"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone_null("undone_at"))
            .col(integer_null("undone_by"))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_invoice_runs_user")
                    .from("invoice_runs", "created_by")
                    .to("users", "id")
                    .on_delete(ForeignKeyAction::SetNull),
            )
            .to_owned();
        manager.create_table(t).await?;
        index(
            manager,
            "idx_invoice_runs_period",
            "invoice_runs",
            &["period"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "invoice_runs").await
    }
}
