//! Read models for the Pengiriman page: jobs with counts, the per-recipient report, the
//! running-jobs indicator, and the report as CSV.

use crate::{
    api::sending::{
        ActiveSummary, ItemPage, ItemView, JobCounts, JobView, item_state_label, job_state_label,
        tick_label,
    },
    domain::sending::{Hold, Pacing, eta, format_duration},
    error::AppError,
    server::{
        engine::outbox,
        entity::{send_items as item, send_jobs as job},
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

pub fn template_label(kind: &str) -> &'static str {
    match kind {
        "invoice" => "Tagihan",
        "reminder" => "Pengingat jatuh tempo",
        "overdue" => "Peringatan terlambat",
        "receipt" => "Bukti pembayaran",
        "test" => "Pesan uji",
        _ => "Pesan",
    }
}

fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string()
}

fn pacing_label(p: &Pacing) -> String {
    let secs = |ms: i64| {
        if ms % 1000 == 0 {
            format!("{}", ms / 1000)
        } else {
            format!("{:.1}", ms as f64 / 1000.0)
        }
    };
    if p.jitter_ms == 0 {
        format!("jeda {} detik", secs(p.delay_ms))
    } else {
        format!(
            "jeda acak {}–{} detik",
            secs(p.delay_ms),
            secs(p.delay_ms + p.jitter_ms)
        )
    }
}

async fn counts_for(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, JobCounts>, DbErr> {
    #[derive(FromQueryResult)]
    struct Row {
        job_id: i32,
        state: String,
        n: i64,
    }
    let rows = item::Entity::find()
        .select_only()
        .column(item::Column::JobId)
        .column(item::Column::State)
        .column_as(item::Column::Id.count(), "n")
        .filter(item::Column::JobId.is_in(ids.iter().copied()))
        .group_by(item::Column::JobId)
        .group_by(item::Column::State)
        .into_model::<Row>()
        .all(db)
        .await?;
    let mut out: HashMap<i32, JobCounts> = HashMap::new();
    for r in rows {
        let c = out.entry(r.job_id).or_default();
        let n = u64::try_from(r.n).unwrap_or(0);
        match r.state.as_str() {
            outbox::state::PENDING => c.pending = n,
            outbox::state::SENDING => c.sending = n,
            outbox::state::SENT => c.sent = n,
            outbox::state::FAILED => c.failed = n,
            outbox::state::UNKNOWN => c.unknown = n,
            outbox::state::CANCELLED => c.cancelled = n,
            _ => {}
        }
    }
    Ok(out)
}

async fn views(
    db: &impl ConnectionTrait,
    tz: Tz,
    jobs: Vec<job::Model>,
) -> Result<Vec<JobView>, DbErr> {
    let ids: Vec<i32> = jobs.iter().map(|j| j.id).collect();
    let counts = counts_for(db, &ids).await?;
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
        let active = matches!(
            j.state.as_str(),
            outbox::state::JOB_QUEUED | outbox::state::JOB_RUNNING
        );
        let hold = session.as_ref().and_then(|s| {
            let h = Hold::from_code(s.hold_reason.as_deref()?)?;
            let until = s.hold_until.map(|u| local(u, tz)).unwrap_or_default();
            (active && c.pending > 0).then(|| format!("{} sampai {until}", h.label()))
        });
        let remaining = c.pending + c.sending;
        let slowdown = session.as_ref().map(|s| s.slowdown).unwrap_or(1);
        out.push(JobView {
            id: j.id,
            kind: j.kind.clone(),
            template_label: template_label(&j.template_kind).to_owned(),
            state_label: job_state_label(&j.state).to_owned(),
            state: j.state,
            pause_detail: j.pause_detail,
            auto_resume: j.auto_resume,
            hold,
            eta: (active && remaining > 0)
                .then(|| format_duration(eta(remaining, &pacing, slowdown))),
            counts: c,
            pacing: pacing_label(&pacing),
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
    wa_message_id: Option<String>,
    ack: Option<i16>,
    sent_at: Option<DateTime<Utc>>,
    attempts: i32,
    customer_name: Option<String>,
    customer_code: Option<String>,
}

fn items_query(job_id: i32, filter: Option<&str>) -> sea_orm::sea_query::SelectStatement {
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
        q.and_where(Expr::col((i.clone(), Alias::new("state"))).eq(f));
    }
    q.order_by((i, Alias::new("id")), Order::Asc);
    q
}

fn item_view(r: ItemRow, tz: Tz) -> ItemView {
    ItemView {
        id: r.id,
        customer: r.customer_name,
        customer_code: r.customer_code,
        invoice_id: r.invoice_id,
        wa_number: r.wa_number,
        state_label: item_state_label(&r.state).to_owned(),
        state: r.state,
        reason: r.error,
        wa_message_id: r.wa_message_id,
        tick: tick_label(r.ack).map(str::to_owned),
        sent_at: r.sent_at.map(|t| local(t, tz)),
        attempts: r.attempts,
    }
}

pub async fn items_page(
    db: &impl ConnectionTrait,
    tz: Tz,
    job_id: i32,
    filter: Option<&str>,
    page: u64,
) -> Result<ItemPage, AppError> {
    let mut count = item::Entity::find().filter(item::Column::JobId.eq(job_id));
    if let Some(f) = filter {
        count = count.filter(item::Column::State.eq(f));
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
) -> Result<String, AppError> {
    let rows =
        ItemRow::find_by_statement(db.get_database_backend().build(&items_query(job_id, None)))
            .all(db)
            .await?;
    let mut out = String::from(
        "pelanggan,id_pelanggan,nomor_whatsapp,status,alasan,id_pesan_whatsapp,tanda_terima,waktu_kirim,percobaan\n",
    );
    for r in rows {
        let v = item_view(r, tz);
        let fields = [
            v.customer.unwrap_or_default(),
            v.customer_code.unwrap_or_default(),
            v.wa_number,
            v.state_label,
            v.reason.unwrap_or_default(),
            v.wa_message_id.unwrap_or_default(),
            v.tick.unwrap_or_default(),
            v.sent_at.unwrap_or_default(),
            v.attempts.to_string(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    Ok(out)
}

/// Quotes a CSV field, and defuses spreadsheet formulas (a customer name starting with `=`).
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub async fn active_summary(db: &impl ConnectionTrait) -> Result<ActiveSummary, AppError> {
    let jobs = job::Entity::find()
        .filter(job::Column::State.is_in([
            outbox::state::JOB_QUEUED,
            outbox::state::JOB_RUNNING,
            outbox::state::JOB_PAUSED,
        ]))
        .all(db)
        .await?;
    if jobs.is_empty() {
        return Ok(ActiveSummary::default());
    }
    let ids: Vec<i32> = jobs.iter().map(|j| j.id).collect();
    let counts = counts_for(db, &ids).await?;
    let mut a = ActiveSummary {
        jobs: jobs.len() as u64,
        paused: jobs
            .iter()
            .filter(|j| j.state == outbox::state::JOB_PAUSED)
            .count() as u64,
        ..Default::default()
    };
    for c in counts.values() {
        a.finished += c.finished();
        a.total += c.total();
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("Budi"), "Budi");
        assert_eq!(csv_field("Budi, S.Kom"), "\"Budi, S.Kom\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+62812"), "'+62812");
    }

    #[test]
    fn pacing_reads_in_indonesian() {
        assert_eq!(pacing_label(&Pacing::ORIGINAL), "jeda 2 detik");
        assert_eq!(pacing_label(&Pacing::SAFE), "jeda acak 30–60 detik");
    }
}
