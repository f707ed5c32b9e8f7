use sea_orm_migration::{prelude::*, schema::*};

/// Bank statement lines recorded as payments ("Cocokkan mutasi"), by a key computed from the
/// line itself: importing the same file (or an overlapping one) again records nothing twice.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("bank_lines")
                    .if_not_exists()
                    .col(string_len("key", 64).primary_key())
                    .col(integer_null("payment_id"))
                    .col(integer("customer_id"))
                    .col(big_integer("amount"))
                    .col(date_null("booked_on"))
                    .col(text("description"))
                    .col(integer_null("recorded_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::util::drop(manager, "bank_lines").await
    }
}
