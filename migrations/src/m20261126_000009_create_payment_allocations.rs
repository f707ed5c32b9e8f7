use crate::util::{drop, index};
use sea_orm_migration::{prelude::*, schema::*};

/// How each payment was spread over the customer's open invoices (oldest first). Not in the
/// design sketch: it makes "nothing counted twice" checkable and a payment reversible.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("payment_allocations")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("payment_id"))
                    .col(integer("invoice_id"))
                    .col(big_integer("amount"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_allocations_payment")
                            .from("payment_allocations", "payment_id")
                            .to("payments", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_allocations_invoice")
                            .from("payment_allocations", "invoice_id")
                            .to("invoices", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_allocations_payment",
            "payment_allocations",
            &["payment_id"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_allocations_invoice",
            "payment_allocations",
            &["invoice_id"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "payment_allocations").await
    }
}
