use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `PLG-00001`, from the `customer` sequence.
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// As entered.
    pub phone: Option<String>,
    /// valid | warning | missing | invalid
    pub phone_status: String,
    /// Normalised digits (`62812…`); `None` when missing or invalid.
    pub wa_number: Option<String>,
    /// `<digits>@c.us` until WAHA's check-exists answers with the real chat id.
    pub wa_chat_id: Option<String>,
    pub wa_exists: Option<bool>,
    pub wa_checked_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub address: Option<String>,
    pub package_id: Option<i32>,
    pub price_override: Option<i64>,
    pub billing_day: i16,
    /// active | suspended | terminated
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub notes: Option<String>,
    /// When service starts: no invoice for months before it; the first may be pro-rata.
    pub start_date: Option<Date>,
    /// The customer's statement page is `/s/<token>`; rotated by the admin.
    #[sea_orm(unique)]
    pub statement_token: Option<String>,
    /// What the customer owed when `transfer_amount` was given.
    pub transfer_total: Option<i64>,
    /// `transfer_total` plus the unique transfer code: a transfer of exactly this is theirs.
    #[sea_orm(unique)]
    pub transfer_amount: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::packages::Entity",
        from = "Column::PackageId",
        to = "super::packages::Column::Id"
    )]
    Package,
    #[sea_orm(has_many = "super::invoices::Entity")]
    Invoices,
    #[sea_orm(has_many = "super::payments::Entity")]
    Payments,
}

impl Related<super::packages::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Package.def()
    }
}

impl Related<super::invoices::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Invoices.def()
    }
}

impl Related<super::payments::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Payments.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
