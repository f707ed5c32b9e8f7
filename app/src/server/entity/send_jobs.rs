use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "send_jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: String,
    pub template_kind: String,
    pub wa_session: String,
    pub state: String,
    pub pause_reason: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub pause_detail: Option<String>,
    pub auto_resume: bool,
    pub delay_ms: i64,
    pub jitter_ms: i64,
    pub total: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub created_by: Option<i32>,
    pub finished_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::send_items::Entity")]
    Items,
}

impl Related<super::send_items::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Items.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
