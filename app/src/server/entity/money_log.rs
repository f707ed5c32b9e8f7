use sea_orm::entity::prelude::*;

/// One change to money (append-only): who, when, before, after, why.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "money_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub at: DateTimeUtc,
    pub user_id: Option<i32>,
    /// See `domain::billing::MoneyChange`.
    pub kind: String,
    pub customer_id: i32,
    pub invoice_id: Option<i32>,
    pub payment_id: Option<i32>,
    pub before: Option<i64>,
    pub after: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
