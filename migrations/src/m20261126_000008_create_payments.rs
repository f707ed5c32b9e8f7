use crate::util::{drop, index, with_timestamps};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let t = Table::create()
            .table("payments")
            .if_not_exists()
            .col(pk_auto("id"))
            .col(integer("customer_id"))
            .col(big_integer("amount"))
            // cash | bank_transfer | ewallet | other
            .col(string_len("method", 16))
            .col(string_len_null("reference", 120))
            .col(timestamp_with_time_zone("paid_at"))
            .col(integer_null("recorded_by"))
            .col(text_null("note"))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_payments_customer")
                    .from("payments", "customer_id")
                    .to("customers", "id")
                    .on_delete(ForeignKeyAction::Restrict),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_payments_user")
                    .from("payments", "recorded_by")
                    .to("users", "id")
                    .on_delete(ForeignKeyAction::SetNull),
            )
            .to_owned();
        manager.create_table(with_timestamps(t)).await?;
        index(
            manager,
            "idx_payments_customer",
            "payments",
            &["customer_id"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_payments_paid_at",
            "payments",
            &["paid_at"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "payments").await
    }
}
