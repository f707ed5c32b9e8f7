use sea_orm_migration::{prelude::*, schema::*};

/// A customer's own statement page (`/s/<token>`, no sign-in) and the unique transfer amount
/// that identifies their payment in a bank statement: the owed total it was given for, and that
/// total plus a 1–3 digit code (unique: one transfer amount, one customer).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            string_len_null("statement_token", 43),
            big_integer_null("transfer_total"),
            big_integer_null("transfer_amount"),
        ] {
            let mut col = col;
            manager
                .alter_table(
                    Table::alter()
                        .table("customers")
                        .add_column(&mut col)
                        .to_owned(),
                )
                .await?;
        }
        for (name, col) in [
            ("idx_customers_statement_token", "statement_token"),
            ("idx_customers_transfer_amount", "transfer_amount"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("customers")
                        .col(col)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "idx_customers_transfer_amount",
            "idx_customers_statement_token",
        ] {
            manager
                .drop_index(Index::drop().name(name).table("customers").to_owned())
                .await?;
        }
        for col in ["transfer_amount", "transfer_total", "statement_token"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("customers")
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
