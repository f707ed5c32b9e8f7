use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub customer_id: i32,
    pub amount: i64,
    /// cash | bank_transfer | ewallet | other
    pub method: String,
    pub reference: Option<String>,
    pub paid_at: DateTimeUtc,
    pub recorded_by: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    /// Set when the payment was cancelled: it is kept, and its allocations no longer count.
    pub reversed_at: Option<DateTimeUtc>,
    pub reversed_by: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reverse_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::customers::Entity",
        from = "Column::CustomerId",
        to = "super::customers::Column::Id"
    )]
    Customer,
    #[sea_orm(has_many = "super::payment_allocations::Entity")]
    Allocations,
}

impl Related<super::customers::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::payment_allocations::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Allocations.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
