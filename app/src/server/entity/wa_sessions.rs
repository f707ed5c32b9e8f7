use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "wa_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub status: Option<String>,
    pub status_at: Option<DateTimeUtc>,
    pub me_id: Option<String>,
    pub me_name: Option<String>,
    pub next_send_at: Option<DateTimeUtc>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTimeUtc>,
    pub fence: i64,
    pub sent_day: Option<String>,
    pub sent_today: i32,
    pub slowdown: i32,
    pub hold_reason: Option<String>,
    pub hold_until: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
