use crate::util::{drop, index};
use sea_orm_migration::{prelude::*, schema::*};

/// The customers one message covers (customers who share a WhatsApp number get one message),
/// for the report, the check before sending, and "not twice a day".
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let t = Table::create()
            .table("send_item_customers")
            .if_not_exists()
            .col(integer("item_id"))
            .col(integer("customer_id"))
            .primary_key(Index::create().col("item_id").col("customer_id"))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_sic_item")
                    .from("send_item_customers", "item_id")
                    .to("send_items", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_sic_customer")
                    .from("send_item_customers", "customer_id")
                    .to("customers", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned();
        manager.create_table(t).await?;
        index(
            manager,
            "idx_sic_customer",
            "send_item_customers",
            &["customer_id"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "send_item_customers").await
    }
}
