//! Counts per item state, from the database (the same on every instance).

use crate::{
    domain::sending::ItemState, dto::sending::JobCounts, server::entity::send_items as item,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
};
use std::collections::HashMap;

#[derive(FromQueryResult)]
struct Row {
    job_id: i32,
    state: String,
    n: i64,
}

/// Counts per item state for each of these jobs, in one query.
pub async fn counts_for(
    db: &impl ConnectionTrait,
    job_ids: &[i32],
) -> Result<HashMap<i32, JobCounts>, DbErr> {
    let rows = item::Entity::find()
        .select_only()
        .column(item::Column::JobId)
        .column(item::Column::State)
        .column_as(item::Column::Id.count(), "n")
        .filter(item::Column::JobId.is_in(job_ids.iter().copied()))
        .group_by(item::Column::JobId)
        .group_by(item::Column::State)
        .into_model::<Row>()
        .all(db)
        .await?;
    let mut out: HashMap<i32, JobCounts> = HashMap::new();
    for r in rows {
        if let Some(state) = ItemState::parse(&r.state) {
            out.entry(r.job_id)
                .or_default()
                .add(state, u64::try_from(r.n).unwrap_or(0));
        }
    }
    Ok(out)
}

/// Counts per item state for one job.
pub async fn counts(db: &impl ConnectionTrait, job_id: i32) -> Result<JobCounts, DbErr> {
    Ok(counts_for(db, &[job_id])
        .await?
        .remove(&job_id)
        .unwrap_or_default())
}
