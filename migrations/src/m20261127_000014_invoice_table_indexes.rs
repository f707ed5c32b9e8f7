use crate::util::index;
use sea_orm_migration::prelude::*;

/// Indexes for the invoice table (Tagihan page) at 100k invoices: each sort the page offers
/// within a period is an ordered index walk that stops after one page, and the counts by
/// status are answered from an index alone. (period, status) is dropped: the new
/// (period, status, due_date, customer_id) index serves everything it did.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// The status order the table sorts by (open first); must match the query's expression.
const STATUS_RANK: &str = "(CASE status WHEN 'unpaid' THEN 0 WHEN 'partial' THEN 1 \
    WHEN 'paid' THEN 2 ELSE 3 END)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        index(
            manager,
            "idx_invoices_period_number",
            "invoices",
            &["period", "number"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_invoices_period_status_due",
            "invoices",
            &["period", "status", "due_date", "customer_id"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_invoices_period_due",
            "invoices",
            &["period", "due_date", "id"],
            false,
        )
        .await?;
        // Expression indexes: same syntax on SQLite and PostgreSQL.
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX idx_invoices_period_total ON invoices \
             (period, (amount + arrears - discount), id)",
        )
        .await?;
        db.execute_unprepared(&format!(
            "CREATE INDEX idx_invoices_period_status_rank ON invoices (period, {STATUS_RANK}, id)"
        ))
        .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_invoices_period_status")
                    .table("invoices")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        index(
            manager,
            "idx_invoices_period_status",
            "invoices",
            &["period", "status"],
            false,
        )
        .await?;
        for name in [
            "idx_invoices_period_status_rank",
            "idx_invoices_period_total",
            "idx_invoices_period_due",
            "idx_invoices_period_status_due",
            "idx_invoices_period_number",
        ] {
            manager
                .drop_index(Index::drop().name(name).table("invoices").to_owned())
                .await?;
        }
        Ok(())
    }
}
