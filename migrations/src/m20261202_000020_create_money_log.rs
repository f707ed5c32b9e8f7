use crate::util::{drop, index};
use sea_orm_migration::{prelude::*, schema::*};

/// Every change to money, append-only: payments, reversals, voids, discounts, amount edits,
/// credit. Who, when, the figure before and after, and why.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let t = Table::create()
            .table("money_log")
            .if_not_exists()
            .col(pk_auto("id"))
            .col(timestamp_with_time_zone("at"))
            .col(integer_null("user_id"))
            // payment | reversal | void | reissue | discount | amount_edit | credit | credit_applied | run_undo
            .col(string_len("kind", 24))
            .col(integer("customer_id"))
            .col(integer_null("invoice_id"))
            .col(integer_null("payment_id"))
            .col(big_integer_null("before"))
            .col(big_integer_null("after"))
            .col(text_null("reason"))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_money_log_customer")
                    .from("money_log", "customer_id")
                    .to("customers", "id")
                    .on_delete(ForeignKeyAction::Restrict),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_money_log_user")
                    .from("money_log", "user_id")
                    .to("users", "id")
                    .on_delete(ForeignKeyAction::SetNull),
            )
            .to_owned();
        manager.create_table(t).await?;
        index(
            manager,
            "idx_money_log_customer",
            "money_log",
            &["customer_id", "id"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_money_log_invoice",
            "money_log",
            &["invoice_id"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "money_log").await
    }
}
