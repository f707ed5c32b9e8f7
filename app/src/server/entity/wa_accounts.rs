use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "wa_accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub me_id: String,
    pub first_working_at: DateTimeUtc,
    pub warmup_skipped: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
