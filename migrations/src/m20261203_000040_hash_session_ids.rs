use sea_orm_migration::prelude::*;

/// Session ids are stored as the SHA-256 of the cookie's id from now on, so a copy of the
/// database (a backup) signs nobody in. Sessions stored under raw ids cannot be found any more:
/// they are removed, and everyone signs in again once.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(Query::delete().from_table("login_sessions").to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Hashed ids mean nothing to the older code either.
        manager
            .exec_stmt(Query::delete().from_table("login_sessions").to_owned())
            .await
    }
}
