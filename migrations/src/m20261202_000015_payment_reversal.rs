use sea_orm_migration::{prelude::*, schema::*};

/// A cancelled payment is kept, marked reversed (who, when, why), instead of being deleted.
#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 3] = ["reversed_at", "reversed_by", "reverse_reason"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        for col in [
            timestamp_with_time_zone_null("reversed_at"),
            integer_null("reversed_by"),
            text_null("reverse_reason"),
        ] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table("payments")
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in COLUMNS.iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table("payments")
                        .drop_column(*col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
