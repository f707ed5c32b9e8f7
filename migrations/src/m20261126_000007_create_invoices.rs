use crate::util::{drop, index, with_timestamps};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let t = Table::create()
            .table("invoices")
            .if_not_exists()
            .col(pk_auto("id"))
            // INV-202611-00001, sequential per month.
            .col(string_len_uniq("number", 32))
            .col(integer("customer_id"))
            // YYYY-MM
            .col(string_len("period", 7))
            .col(date("issue_date"))
            .col(date("due_date"))
            // Snapshot of the package at issue time, so later edits do not rewrite old bills.
            .col(string_len_null("package_name", 100))
            .col(integer_null("package_speed_mbps"))
            // This period's charge, in rupiah.
            .col(big_integer("amount"))
            // Outstanding from earlier periods at issue time (shown on the message only).
            .col(big_integer("arrears").default(0))
            .col(big_integer("discount").default(0))
            // Paid towards `amount - discount` (allocations sum).
            .col(big_integer("paid").default(0))
            // unpaid | partial | paid | void
            .col(string_len("status", 16))
            .col(text_null("void_reason"))
            .col(timestamp_with_time_zone_null("voided_at"))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_invoices_customer")
                    .from("invoices", "customer_id")
                    .to("customers", "id")
                    .on_delete(ForeignKeyAction::Restrict),
            )
            .to_owned();
        manager.create_table(with_timestamps(t)).await?;
        // One invoice per customer per period, enforced by the database.
        index(
            manager,
            "idx_invoices_customer_period",
            "invoices",
            &["customer_id", "period"],
            true,
        )
        .await?;
        index(
            manager,
            "idx_invoices_period_status",
            "invoices",
            &["period", "status"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_invoices_status_due",
            "invoices",
            &["status", "due_date"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "invoices").await
    }
}
