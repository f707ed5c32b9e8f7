//! Queueing: a job and all its items in one transaction. The body of each item is final.

use super::slot::ensure_session;
use crate::{
    domain::sending::{ItemState, JobKind, JobState, Pacing},
    server::{
        db::begin_write,
        entity::{send_item_customers as covered, send_items as item, send_jobs as job},
    },
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// One message to queue. The body is final: rendered when queued, sent as it is.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub invoice_id: Option<i32>,
    pub customer_id: Option<i32>,
    pub wa_number: String,
    pub chat_id: String,
    pub body: String,
    /// A statement: what its customers owed when it was rendered (checked again before it
    /// goes), and every customer it covers. `None`/empty for other messages.
    pub statement_total: Option<i64>,
    pub customers: Vec<i32>,
}

#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: JobKind,
    pub template_kind: String,
    pub wa_session: String,
    pub pacing: Pacing,
    pub description: Option<String>,
    pub created_by: Option<i32>,
    pub items: Vec<NewItem>,
}

/// Creates the job and all its items in one transaction: either every recipient is queued or
/// none is.
pub async fn enqueue(db: &DatabaseConnection, mut new: NewJob) -> Result<job::Model, DbErr> {
    let kind = new.template_kind.clone();
    let items = std::mem::take(&mut new.items)
        .into_iter()
        .map(|i| (kind.clone(), i))
        .collect();
    enqueue_kinds(db, new, items).await
}

/// As [`enqueue`], each item with its own template kind (a bulk send chosen by due state).
pub async fn enqueue_kinds(
    db: &DatabaseConnection,
    new: NewJob,
    items: Vec<(String, NewItem)>,
) -> Result<job::Model, DbErr> {
    enqueue_kinds_at(db, new, items, Utc::now()).await
}

/// As [`enqueue_kinds`], recorded as queued at `at` (the scheduler's moment, which a
/// simulated calendar moves). Items are due at once, never later than the real now.
pub async fn enqueue_kinds_at(
    db: &DatabaseConnection,
    new: NewJob,
    items: Vec<(String, NewItem)>,
    at: chrono::DateTime<Utc>,
) -> Result<job::Model, DbErr> {
    let now = at;
    let due = at.min(Utc::now());
    let txn = begin_write(db).await?;
    ensure_session(&txn, &new.wa_session, now).await?;
    let created = job::ActiveModel {
        kind: Set(new.kind.as_str().to_owned()),
        template_kind: Set(new.template_kind.clone()),
        wa_session: Set(new.wa_session.clone()),
        state: Set(JobState::Queued.as_str().to_owned()),
        pause_reason: Set(None),
        pause_detail: Set(None),
        auto_resume: Set(true),
        delay_ms: Set(new.pacing.delay_ms),
        jitter_ms: Set(new.pacing.jitter_ms),
        total: Set(i32::try_from(items.len()).unwrap_or(i32::MAX)),
        description: Set(new.description.clone()),
        created_by: Set(new.created_by),
        finished_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // 400 rows × 24 columns stays under every backend's bind-parameter limit.
    for chunk in items.chunks(400) {
        let rows = chunk.iter().map(|(kind, i)| item::ActiveModel {
            job_id: Set(created.id),
            invoice_id: Set(i.invoice_id),
            customer_id: Set(i.customer_id),
            template_kind: Set(kind.clone()),
            chat_id: Set(i.chat_id.clone()),
            wa_number: Set(i.wa_number.clone()),
            body: Set(i.body.clone()),
            state: Set(ItemState::Pending.as_str().to_owned()),
            attempts: Set(0),
            verify_first: Set(false),
            next_attempt_at: Set(due),
            claimed_by: Set(None),
            lease_until: Set(None),
            fence: Set(0),
            wa_message_id: Set(None),
            ack: Set(None),
            ack_at: Set(None),
            ack_checked_at: Set(None),
            error_code: Set(None),
            error: Set(None),
            sent_at: Set(None),
            statement_total: Set(i.statement_total),
            note: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        item::Entity::insert_many(rows).exec(&txn).await?;
    }
    // Which customers each message covers. The job's items were inserted in order, so their
    // ids (ascending within this transaction's job) line up with `items`.
    if items.iter().any(|(_, i)| !i.customers.is_empty()) {
        let ids: Vec<i32> = item::Entity::find()
            .select_only()
            .column(item::Column::Id)
            .filter(item::Column::JobId.eq(created.id))
            .order_by_asc(item::Column::Id)
            .into_tuple()
            .all(&txn)
            .await?;
        let links: Vec<covered::ActiveModel> = ids
            .iter()
            .zip(items.iter())
            .flat_map(|(id, (_, i))| {
                i.customers.iter().map(|c| covered::ActiveModel {
                    item_id: Set(*id),
                    customer_id: Set(*c),
                })
            })
            .collect();
        for chunk in links.chunks(1000) {
            covered::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await?;
        }
    }
    txn.commit().await?;
    Ok(created)
}
