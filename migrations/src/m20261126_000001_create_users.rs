use crate::util::{drop, with_timestamps};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let t = Table::create()
            .table("users")
            .if_not_exists()
            .col(pk_auto("id"))
            // Stored lower-cased so logins are case-insensitive and unique.
            .col(string_len_uniq("username", 64))
            .col(string_len("display_name", 120))
            // PHC string (argon2id); never leaves the server.
            .col(string("password_hash"))
            // owner | admin | operator
            .col(string_len("role", 16))
            .col(boolean("active").default(true))
            .col(timestamp_with_time_zone_null("last_login_at"))
            .to_owned();
        manager.create_table(with_timestamps(t)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "users").await
    }
}
