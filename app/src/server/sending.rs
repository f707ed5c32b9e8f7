//! Read models for the Pengiriman page: jobs with counts, the per-recipient report, the
//! running-jobs indicator, and the report as CSV.

use crate::{
    domain::{
        messages::TemplateKind,
        sending::{Hold, ItemState, JobKind, JobState, Pacing, eta_in_waves, tick_label},
    },
    dto::sending::{ActiveSummary, HoldView, ItemPage, ItemView, JobView},
    error::AppError,
    server::{
        billing::clock::local,
        engine::outbox,
        entity::{send_items as item, send_jobs as job},
        export::CsvOut,
    },
};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Alias, Expr, Order, Query},
};
use std::collections::HashMap;

pub const PER_PAGE: u64 = 50;

async fn views(
    db: &impl ConnectionTrait,
    tz: Tz,
    jobs: Vec<job::Model>,
) -> Result<Vec<JobView>, DbErr> {
    let ids: Vec<i32> = jobs.iter().map(|j| j.id).collect();
    let counts = outbox::counts_for(db, &ids).await?;
    let waves = crate::server::engine::policy::load(db).await?.waves;
    let mut sessions = HashMap::new();
    let mut out = Vec::with_capacity(jobs.len());
    for j in jobs {
        if !sessions.contains_key(&j.wa_session) {
            let row = outbox::session_row(db, &j.wa_session).await?;
            sessions.insert(j.wa_session.clone(), row);
        }
        let session = sessions.get(&j.wa_session).cloned().flatten();
        let c = counts.get(&j.id).copied().unwrap_or_default();
        let pacing = Pacing {
            delay_ms: j.delay_ms,
            jitter_ms: j.jitter_ms,
        };
        // An unknown stored state (a newer version's) reads as done: nothing is shown as running.
        let state = JobState::parse(&j.state).unwrap_or(JobState::Done);
        let sending_now = matches!(state, JobState::Queued | JobState::Running);
        let hold = session.as_ref().and_then(|s| {
            let reason = Hold::from_code(s.hold_reason.as_deref()?)?;
            let until = local(s.hold_until?, tz);
            (sending_now && c.pending > 0).then_some(HoldView { reason, until })
        });
        let remaining = c.pending + c.sending;
        let slowdown = session.as_ref().map(|s| s.slowdown).unwrap_or(1);
        out.push(JobView {
            id: j.id,
            kind: JobKind::parse(&j.kind).unwrap_or(JobKind::Single),
            template: TemplateKind::parse(&j.template_kind),
            state,
            pause_detail: j.pause_detail,
            auto_resume: j.auto_resume,
            hold,
            eta_secs: (sending_now && remaining > 0)
                .then(|| eta_in_waves(remaining, &pacing, slowdown, waves.as_ref()).num_seconds()),
            counts: c,
            pacing,
            description: j.description,
            created_at: local(j.created_at, tz),
            finished_at: j.finished_at.map(|t| local(t, tz)),
        });
    }
    Ok(out)
}

pub async fn list_jobs(
    db: &impl ConnectionTrait,
    tz: Tz,
    limit: u64,
) -> Result<Vec<JobView>, AppError> {
    let jobs = job::Entity::find()
        .order_by_desc(job::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(views(db, tz, jobs).await?)
}

pub async fn job_view(db: &impl ConnectionTrait, tz: Tz, id: i32) -> Result<JobView, AppError> {
    let j = job::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    views(db, tz, vec![j])
        .await?
        .pop()
        .ok_or(AppError::NotFound)
}

#[derive(FromQueryResult)]
struct ItemRow {
    id: i32,
    invoice_id: Option<i32>,
    wa_number: String,
    state: String,
    error: Option<String>,
    note: Option<String>,
    wa_message_id: Option<String>,
    ack: Option<i16>,
    sent_at: Option<DateTime<Utc>>,
    attempts: i32,
    customer_name: Option<String>,
    customer_code: Option<String>,
}

fn items_query(job_id: i32, filter: Option<ItemState>) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::ExprTrait;
    let i = Alias::new("i");
    let c = Alias::new("c");
    let mut q = Query::select();
    q.columns(
        [
            "id",
            "invoice_id",
            "wa_number",
            "state",
            "error",
            "note",
            "wa_message_id",
            "ack",
            "sent_at",
            "attempts",
        ]
        .map(|col| (i.clone(), Alias::new(col))),
    )
    .expr_as(
        Expr::col((c.clone(), Alias::new("name"))),
        Alias::new("customer_name"),
    )
    .expr_as(
        Expr::col((c.clone(), Alias::new("code"))),
        Alias::new("customer_code"),
    )
    .from_as(Alias::new("send_items"), i.clone())
    .left_join(
        sea_orm::sea_query::TableRef::Table(Alias::new("customers").into(), Some(c.clone().into())),
        Expr::col((c.clone(), Alias::new("id"))).equals((i.clone(), Alias::new("customer_id"))),
    )
    .and_where(Expr::col((i.clone(), Alias::new("job_id"))).eq(job_id));
    if let Some(f) = filter {
        q.and_where(Expr::col((i.clone(), Alias::new("state"))).eq(f.as_str()));
    }
    q.order_by((i, Alias::new("id")), Order::Asc);
    q
}

/// A message that covers several customers (one number shared by a family) names them all.
async fn with_covered_customers(
    db: &impl ConnectionTrait,
    mut rows: Vec<ItemRow>,
) -> Result<Vec<ItemRow>, DbErr> {
    #[derive(FromQueryResult)]
    struct Covered {
        item_id: i32,
        name: String,
        code: String,
    }
    if rows.is_empty() {
        return Ok(rows);
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
    let covered = Covered::find_by_statement(sea_orm::Statement::from_string(
        db.get_database_backend(),
        format!(
            "SELECT s.item_id, c.name, c.code FROM send_item_customers s \
             JOIN customers c ON c.id = s.customer_id WHERE s.item_id IN ({}) \
             ORDER BY s.item_id, c.code",
            ids.join(", ")
        ),
    ))
    .all(db)
    .await?;
    let mut by_item: HashMap<i32, Vec<Covered>> = HashMap::new();
    for c in covered {
        by_item.entry(c.item_id).or_default().push(c);
    }
    for r in &mut rows {
        if let Some(list) = by_item.get(&r.id)
            && list.len() > 1
        {
            r.customer_name = Some(
                list.iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" + "),
            );
            r.customer_code = Some(
                list.iter()
                    .map(|c| c.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
    }
    Ok(rows)
}

fn item_view(r: ItemRow, tz: Tz) -> ItemView {
    ItemView {
        id: r.id,
        customer: r.customer_name,
        customer_code: r.customer_code,
        invoice_id: r.invoice_id,
        wa_number: r.wa_number,
        state: ItemState::parse(&r.state).unwrap_or(ItemState::Failed),
        reason: r.error,
        note: r.note,
        wa_message_id: r.wa_message_id,
        ack: r.ack,
        sent_at: r.sent_at.map(|t| local(t, tz)),
        attempts: r.attempts,
    }
}

pub async fn items_page(
    db: &impl ConnectionTrait,
    tz: Tz,
    job_id: i32,
    filter: Option<ItemState>,
    page: u64,
) -> Result<ItemPage, AppError> {
    let mut count = item::Entity::find().filter(item::Column::JobId.eq(job_id));
    if let Some(f) = filter {
        count = count.filter(item::Column::State.eq(f.as_str()));
    }
    let total = count.count(db).await?;
    let page = page.max(1);
    let q = items_query(job_id, filter)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .to_owned();
    let rows = ItemRow::find_by_statement(db.get_database_backend().build(&q))
        .all(db)
        .await?;
    let rows = with_covered_customers(db, rows).await?;
    Ok(ItemPage {
        items: rows.into_iter().map(|r| item_view(r, tz)).collect(),
        total,
        page,
        per_page: PER_PAGE,
    })
}

/// The whole report of a job as CSV (one line per recipient).
pub async fn report_csv(
    db: &impl ConnectionTrait,
    tz: Tz,
    job_id: i32,
) -> Result<Vec<u8>, AppError> {
    let rows =
        ItemRow::find_by_statement(db.get_database_backend().build(&items_query(job_id, None)))
            .all(db)
            .await?;
    let rows = with_covered_customers(db, rows).await?;
    let mut out = CsvOut::new(
        &[
            "pelanggan",
            "id_pelanggan",
            "nomor_whatsapp",
            "status",
            "alasan",
            "id_pesan_whatsapp",
            "tanda_terima",
            "waktu_kirim",
            "percobaan",
            "catatan",
        ],
        rows.len(),
    )?;
    for r in rows {
        let v = item_view(r, tz);
        out.row([
            v.customer.unwrap_or_default(),
            v.customer_code.unwrap_or_default(),
            v.wa_number,
            v.state.label().to_owned(),
            v.reason.unwrap_or_default(),
            v.wa_message_id.unwrap_or_default(),
            tick_label(v.ack).unwrap_or_default().to_owned(),
            v.sent_at
                .map(|t| crate::domain::dates::format_local(&t))
                .unwrap_or_default(),
            v.attempts.to_string(),
            v.note.unwrap_or_default(),
        ])?;
    }
    Ok(out.finish()?)
}

pub async fn active_summary(db: &impl ConnectionTrait) -> Result<ActiveSummary, AppError> {
    let jobs = job::Entity::find()
        .filter(job::Column::State.is_in(JobState::ACTIVE.map(JobState::as_str)))
        .all(db)
        .await?;
    if jobs.is_empty() {
        return Ok(ActiveSummary::default());
    }
    let ids: Vec<i32> = jobs.iter().map(|j| j.id).collect();
    let counts = outbox::counts_for(db, &ids).await?;
    let mut a = ActiveSummary {
        jobs: jobs.len() as u64,
        paused: jobs
            .iter()
            .filter(|j| j.state == JobState::Paused.as_str())
            .count() as u64,
        ..Default::default()
    };
    for c in counts.values() {
        a.finished += c.finished();
        a.total += c.total();
    }
    Ok(a)
}
