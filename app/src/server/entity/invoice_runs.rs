use sea_orm::entity::prelude::*;

/// One invoice run: its period, what it created, and whether it was undone.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub period: String,
    /// issued | undone
    pub state: String,
    pub created: i32,
    pub total_amount: i64,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub undone_at: Option<DateTimeUtc>,
    pub undone_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
