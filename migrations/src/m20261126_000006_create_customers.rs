use crate::util::{drop, index, with_timestamps};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let t = Table::create()
            .table("customers")
            .if_not_exists()
            .col(pk_auto("id"))
            // PLG-00001
            .col(string_len_uniq("code", 32))
            .col(string_len("name", 160))
            // As entered by the admin or the CSV.
            .col(string_len_null("phone", 40))
            // valid | warning | missing | invalid (from the pure normaliser), kept for filtering.
            .col(string_len("phone_status", 16))
            // Normalised digits (62812...), null when missing or invalid.
            .col(string_len_null("wa_number", 20))
            // Chat id WAHA returned from check-exists (may differ from <digits>@c.us, e.g. @lid).
            .col(string_len_null("wa_chat_id", 64))
            // Last check-exists answer; null = never asked.
            .col(boolean_null("wa_exists"))
            .col(timestamp_with_time_zone_null("wa_checked_at"))
            .col(text_null("address"))
            .col(integer_null("package_id"))
            .col(big_integer_null("price_override"))
            // Day of month the invoice falls due (1-28).
            .col(small_integer("billing_day").default(10))
            // active | suspended | terminated
            .col(string_len("status", 16))
            .col(text_null("notes"))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_customers_package")
                    .from("customers", "package_id")
                    .to("packages", "id")
                    .on_delete(ForeignKeyAction::Restrict),
            )
            .to_owned();
        manager.create_table(with_timestamps(t)).await?;
        index(manager, "idx_customers_name", "customers", &["name"], false).await?;
        index(
            manager,
            "idx_customers_status",
            "customers",
            &["status"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_customers_package",
            "customers",
            &["package_id"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_customers_wa_number",
            "customers",
            &["wa_number"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "customers").await
    }
}
