//! Small helpers shared by the migration files.

use sea_orm_migration::{prelude::*, schema::*};

/// `created_at` and `updated_at`, stored as UTC instants on every backend.
pub fn with_timestamps(mut t: TableCreateStatement) -> TableCreateStatement {
    t.col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"));
    t
}

pub async fn drop(manager: &SchemaManager<'_>, table: &'static str) -> Result<(), DbErr> {
    manager
        .drop_table(Table::drop().table(table).to_owned())
        .await
}

pub async fn index(
    manager: &SchemaManager<'_>,
    name: &'static str,
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut idx = Index::create();
    idx.name(name).table(table);
    for c in cols {
        idx.col(*c);
    }
    if unique {
        idx.unique();
    }
    manager.create_index(idx.to_owned()).await
}
