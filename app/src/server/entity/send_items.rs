use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "send_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub job_id: i32,
    pub invoice_id: Option<i32>,
    pub customer_id: Option<i32>,
    pub template_kind: String,
    pub chat_id: String,
    pub wa_number: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub state: String,
    pub attempts: i32,
    pub verify_first: bool,
    pub next_attempt_at: DateTimeUtc,
    pub claimed_by: Option<String>,
    pub lease_until: Option<DateTimeUtc>,
    pub fence: i64,
    pub wa_message_id: Option<String>,
    pub ack: Option<i16>,
    pub ack_at: Option<DateTimeUtc>,
    /// When the ack poller last asked WAHA for this message's tick.
    pub ack_checked_at: Option<DateTimeUtc>,
    pub error_code: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    /// For a statement: what the customer(s) owed when it was rendered (checked again just
    /// before sending).
    pub statement_total: Option<i64>,
    /// For the report: re-rendered because the money changed, skipped because paid, …
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::send_jobs::Entity",
        from = "Column::JobId",
        to = "super::send_jobs::Column::Id"
    )]
    Job,
}

impl Related<super::send_jobs::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Job.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
