use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `INV-202611-00001`, gap-free per period.
    #[sea_orm(unique)]
    pub number: String,
    pub customer_id: i32,
    /// `YYYY-MM`; unique per customer.
    pub period: String,
    pub issue_date: Date,
    pub due_date: Date,
    /// Package snapshot at issue time.
    pub package_name: Option<String>,
    pub package_speed_mbps: Option<i32>,
    /// This period's charge.
    pub amount: i64,
    /// Outstanding on older invoices at issue time (shown on the message, never summed).
    pub arrears: i64,
    pub discount: i64,
    /// Sum of the payment allocations to this invoice.
    pub paid: i64,
    /// unpaid | partial | paid | void
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub void_reason: Option<String>,
    pub voided_at: Option<DateTimeUtc>,
    /// The run that created it (`None`: issued one by one, e.g. re-issued after a void).
    pub run_id: Option<i32>,
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
