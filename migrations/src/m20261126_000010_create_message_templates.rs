use crate::util::drop;
use sea_orm_migration::{prelude::*, schema::*};

/// Admin-edited message templates. A kind without a row uses the built-in default.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("message_templates")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    // invoice | reminder | overdue | receipt
                    .col(string_len_uniq("kind", 32))
                    .col(text("body"))
                    .col(integer_null("updated_by"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "message_templates").await
    }
}
