use sea_orm_migration::{prelude::*, schema::*};

/// A message that is a statement remembers the total it was rendered with (the engine checks
/// it again just before sending) and a note for the report (re-rendered, skipped as paid).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [big_integer_null("statement_total"), text_null("note")] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table("send_items")
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in ["note", "statement_total"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("send_items")
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
