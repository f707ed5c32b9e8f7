use crate::util::index;
use sea_orm_migration::prelude::*;

/// One live invoice per customer per period: a voided invoice no longer holds its period, so
/// the period can be issued again (with a new number, the void kept).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX idx_invoices_customer_period")
            .await?;
        // A partial unique index: same syntax on SQLite and PostgreSQL.
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_invoices_customer_period_live ON invoices \
                 (customer_id, period) WHERE status <> 'void'",
        )
        .await?;
        // The customer's invoices by period (statements, arrears) without the unique index.
        index(
            manager,
            "idx_invoices_customer_period_all",
            "invoices",
            &["customer_id", "period"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for name in [
            "idx_invoices_customer_period_all",
            "idx_invoices_customer_period_live",
        ] {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        index(
            manager,
            "idx_invoices_customer_period",
            "invoices",
            &["customer_id", "period"],
            true,
        )
        .await
    }
}
