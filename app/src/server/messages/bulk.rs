//! "Kirim Semua via WhatsApp": the invoices of the table's current filter, sorted into who can
//! get a message, rendered in bulk (a handful of queries, not a few per invoice), and queued as
//! one job with an item per recipient in one transaction.

use super::{template, templates};
use crate::{
    api::{
        invoices::InvoiceQuery,
        messages::{BulkPlan, BulkRequest, TemplateChoice},
    },
    domain::{
        messages::{InvoiceFacts, TemplateKind, invoice_vars},
        phone::PhoneStatus,
        sending::{Pacing, eta, format_duration},
    },
    error::AppError,
    server::{
        AppState,
        billing::{clock, invoices, sql::stmt},
        engine::{
            outbox::{self, NewItem, NewJob, state},
            policy,
        },
        settings, waha,
    },
};
use chrono::{NaiveDate, TimeZone, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use std::collections::{HashMap, HashSet};

/// Ids per `IN (…)` list: far below every backend's parameter limit.
const CHUNK: usize = 500;

#[derive(Debug, Clone, FromQueryResult)]
struct Row {
    id: i32,
    number: String,
    period: String,
    due_date: NaiveDate,
    amount: i64,
    discount: i64,
    paid: i64,
    status: String,
    package_name: Option<String>,
    package_speed_mbps: Option<i32>,
    customer_id: i32,
    customer_code: String,
    customer_name: String,
    address: Option<String>,
    phone_status: String,
    wa_number: Option<String>,
    wa_chat_id: Option<String>,
    wa_exists: Option<bool>,
}

#[derive(Debug, Clone, FromQueryResult)]
struct Open {
    customer_id: i32,
    period: String,
    owed: i64,
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

async fn rows(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Row>, AppError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT i.id, i.number, i.period, i.due_date, i.amount, i.discount, i.paid, i.status, \
             i.package_name, i.package_speed_mbps, i.customer_id, c.code AS customer_code, \
             c.name AS customer_name, c.address, c.phone_status, c.wa_number, c.wa_chat_id, c.wa_exists \
             FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.id IN ({})",
            placeholders(chunk.len())
        );
        let values: Vec<Value> = chunk.iter().map(|i| (*i).into()).collect();
        out.extend(
            Row::find_by_statement(stmt(db, &sql, values))
                .all(db)
                .await?,
        );
    }
    // Keep the table's order.
    let pos: HashMap<i32, usize> = ids.iter().enumerate().map(|(p, id)| (*id, p)).collect();
    out.sort_by_key(|r| pos.get(&r.id).copied().unwrap_or(usize::MAX));
    Ok(out)
}

/// Every open invoice of these customers, to compute each invoice's arrears now.
async fn open_invoices(
    db: &impl ConnectionTrait,
    customers: &[i32],
) -> Result<HashMap<i32, Vec<(String, i64)>>, AppError> {
    let mut by_customer: HashMap<i32, Vec<(String, i64)>> = HashMap::new();
    for chunk in customers.chunks(CHUNK) {
        let sql = format!(
            "SELECT customer_id, period, CAST(amount - discount - paid AS BIGINT) AS owed FROM invoices \
             WHERE status IN ('unpaid', 'partial') AND customer_id IN ({})",
            placeholders(chunk.len())
        );
        let values: Vec<Value> = chunk.iter().map(|i| (*i).into()).collect();
        for o in Open::find_by_statement(stmt(db, &sql, values))
            .all(db)
            .await?
        {
            by_customer
                .entry(o.customer_id)
                .or_default()
                .push((o.period, o.owed));
        }
    }
    Ok(by_customer)
}

/// Invoices that already got a message: (invoice, template kind) pairs, today's and ever.
async fn sent_before(
    db: &impl ConnectionTrait,
    ids: &[i32],
    day_start: chrono::DateTime<Utc>,
) -> Result<(HashSet<(i32, String)>, HashSet<i32>), AppError> {
    let mut today = HashSet::new();
    let mut invoice_sent = HashSet::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT invoice_id, template_kind, state, created_at FROM send_items \
             WHERE invoice_id IN ({}) AND state IN ('pending', 'sending', 'sent', 'unknown')",
            placeholders(chunk.len())
        );
        let values: Vec<Value> = chunk.iter().map(|i| (*i).into()).collect();
        #[derive(FromQueryResult)]
        struct Sent {
            invoice_id: i32,
            template_kind: String,
            state: String,
            created_at: chrono::DateTime<Utc>,
        }
        for s in Sent::find_by_statement(stmt(db, &sql, values))
            .all(db)
            .await?
        {
            if s.created_at >= day_start {
                today.insert((s.invoice_id, s.template_kind.clone()));
            }
            if s.template_kind == TemplateKind::Invoice.code() && s.state == state::SENT {
                invoice_sent.insert(s.invoice_id);
            }
        }
    }
    Ok((today, invoice_sent))
}

/// One invoice sorted: who it goes to and with which template, or why not.
enum Fate {
    Ready {
        kind: TemplateKind,
        facts: Box<InvoiceFacts>,
        row: Box<Row>,
    },
    Closed,
    NoNumber,
    Invalid,
    NotOnWhatsApp,
    SentToday,
}

struct Sorted {
    fates: Vec<Fate>,
    today: NaiveDate,
}

async fn sort(
    state: &AppState,
    q: &InvoiceQuery,
    choice: TemplateChoice,
) -> Result<Sorted, AppError> {
    let db = &state.db;
    let tz = state.config.timezone;
    let today = clock::today(tz);
    let mut q = q.clone();
    q.resolve_period(today);
    let ids = invoices::matching_ids(db, &q, today).await?;
    let rows = rows(db, &ids).await?;
    let customers: Vec<i32> = rows
        .iter()
        .map(|r| r.customer_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let open = open_invoices(db, &customers).await?;
    let day_start = tz
        .from_local_datetime(&today.and_hms_opt(0, 0, 0).unwrap_or_default())
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(Utc::now);
    let (sent_today, invoice_sent) = sent_before(db, &ids, day_start).await?;
    let fates = rows
        .into_iter()
        .map(|r| {
            if r.status != "unpaid" && r.status != "partial" {
                return Fate::Closed;
            }
            match PhoneStatus::parse(&r.phone_status) {
                Some(PhoneStatus::Missing) | None => return Fate::NoNumber,
                Some(PhoneStatus::Invalid) => return Fate::Invalid,
                _ => {}
            }
            if r.wa_number.is_none() {
                return Fate::NoNumber;
            }
            if r.wa_exists == Some(false) {
                return Fate::NotOnWhatsApp;
            }
            let days_to_due = (r.due_date - today).num_days();
            let kind = match choice {
                TemplateChoice::Auto => {
                    TemplateKind::for_invoice(days_to_due, invoice_sent.contains(&r.id))
                }
                TemplateChoice::Kind(k) => k,
            };
            if sent_today.contains(&(r.id, kind.code().to_owned())) {
                return Fate::SentToday;
            }
            let arrears_now = open
                .get(&r.customer_id)
                .map(|v| {
                    v.iter()
                        .filter(|(p, _)| *p < r.period)
                        .map(|(_, o)| *o)
                        .sum()
                })
                .unwrap_or(0);
            let facts = InvoiceFacts {
                customer_name: r.customer_name.clone(),
                customer_code: r.customer_code.clone(),
                wa_number: r.wa_number.clone(),
                address: r.address.clone(),
                number: r.number.clone(),
                period: r.period.clone(),
                due_date: r.due_date,
                amount: r.amount,
                discount: r.discount,
                paid: r.paid,
                arrears_now,
                package_name: r.package_name.clone(),
                package_speed_mbps: r.package_speed_mbps,
            };
            Fate::Ready {
                kind,
                facts: Box::new(facts),
                row: Box::new(r),
            }
        })
        .collect();
    Ok(Sorted { fates, today })
}

/// Renders every ready invoice's message; the first template error stops with its reason.
async fn render_all(
    state: &AppState,
    sorted: &Sorted,
) -> Result<Vec<(TemplateKind, NewItem)>, AppError> {
    let db = &state.db;
    let company = settings::company(db).await?;
    let mut bodies: HashMap<TemplateKind, String> = HashMap::new();
    let mut out = Vec::new();
    for f in &sorted.fates {
        let Fate::Ready { kind, facts, row } = f else {
            continue;
        };
        if !bodies.contains_key(kind) {
            bodies.insert(*kind, templates::body(db, *kind).await?.0);
        }
        let body = &bodies[kind];
        let text =
            template::render(body, &invoice_vars(facts, &company, sorted.today)).map_err(|e| {
                AppError::Conflict(format!(
                    "Template {} bermasalah: {e}. Perbaiki di halaman Template.",
                    kind.label()
                ))
            })?;
        let number = row.wa_number.clone().unwrap_or_default();
        out.push((
            *kind,
            NewItem {
                invoice_id: Some(row.id),
                customer_id: Some(row.customer_id),
                chat_id: row
                    .wa_chat_id
                    .clone()
                    .unwrap_or_else(|| crate::domain::phone::chat_id(&number)),
                wa_number: number,
                body: text,
            },
        ));
    }
    Ok(out)
}

fn pacing_of(r: &BulkRequest) -> Result<Pacing, AppError> {
    match r.pacing.as_str() {
        "original" => Ok(Pacing::ORIGINAL),
        "safe" => Ok(Pacing::SAFE),
        "custom" => {
            let mut e = crate::error::FieldErrors::new();
            let secs = |s: &str| s.trim().replace(',', ".").parse::<f64>().ok();
            let delay = secs(&r.delay_secs).filter(|d| (1.0..=3600.0).contains(d));
            let jitter = if r.jitter_secs.trim().is_empty() {
                Some(0.0)
            } else {
                secs(&r.jitter_secs).filter(|j| (0.0..=3600.0).contains(j))
            };
            if delay.is_none() {
                e.add("delay_secs", "Jeda 1–3600 detik.");
            }
            if jitter.is_none() {
                e.add("jitter_secs", "Acak 0–3600 detik.");
            }
            e.into_result()?;
            Ok(Pacing {
                delay_ms: (delay.unwrap_or(2.0) * 1000.0) as i64,
                jitter_ms: (jitter.unwrap_or(0.0) * 1000.0) as i64,
            })
        }
        _ => Err(AppError::field("pacing", "Pilih jeda pengiriman.")),
    }
}

/// What "Kirim Semua" would do with the current filter, before the admin confirms.
pub async fn plan(state: &AppState, r: &BulkRequest) -> Result<BulkPlan, AppError> {
    let pacing = pacing_of(r)?;
    let sorted = sort(state, &r.query, r.template).await?;
    let mut p = BulkPlan::default();
    for f in &sorted.fates {
        match f {
            Fate::Ready { .. } => p.ready += 1,
            Fate::Closed => p.closed += 1,
            Fate::NoNumber => p.no_number += 1,
            Fate::Invalid => p.invalid += 1,
            Fate::NotOnWhatsApp => p.not_on_whatsapp += 1,
            Fate::SentToday => p.sent_today += 1,
        }
    }
    p.selected = sorted.fates.len() as u64;
    // The first message exactly as it will go out.
    if let Some(Fate::Ready { kind, facts, .. }) = sorted
        .fates
        .iter()
        .find(|f| matches!(f, Fate::Ready { .. }))
    {
        let company = settings::company(&state.db).await?;
        let (body, _) = templates::body(&state.db, *kind).await?;
        p.first_preview = Some(
            template::render(&body, &invoice_vars(facts, &company, sorted.today)).map_err(|e| {
                AppError::Conflict(format!("Template {} bermasalah: {e}.", kind.label()))
            })?,
        );
        p.first_to = Some(format!(
            "{} ({})",
            facts.customer_name,
            facts.wa_number.clone().unwrap_or_default()
        ));
    }
    p.eta = format_duration(eta(p.ready, &pacing, 1));
    let policy = policy::load(&state.db).await?;
    p.daily_cap = policy.daily_cap;
    p.quiet = policy
        .quiet
        .map(|q| format!("{}–{}", q.start.format("%H:%M"), q.end.format("%H:%M")));
    let local = Utc::now()
        .with_timezone(&state.config.timezone)
        .naive_local();
    p.held_now = policy
        .hold(local, 0)
        .map(|(h, until)| format!("{} sampai {}", h.label(), until.format("%H:%M")));
    Ok(p)
}

/// Creates the job: one item per ready recipient, all in one transaction.
pub async fn send(state: &AppState, user_id: i32, r: &BulkRequest) -> Result<i32, AppError> {
    let pacing = pacing_of(r)?;
    let sorted = sort(state, &r.query, r.template).await?;
    let items = render_all(state, &sorted).await?;
    if items.is_empty() {
        return Err(AppError::Conflict(
            "Tidak ada tagihan yang dapat dikirim dengan saringan ini.".into(),
        ));
    }
    let kinds: HashSet<TemplateKind> = items.iter().map(|(k, _)| *k).collect();
    // A job has one template kind on record; a mixed automatic job is recorded as "invoice"
    // and each item keeps its own kind.
    let job_kind = if kinds.len() == 1 {
        *kinds.iter().next().unwrap_or(&TemplateKind::Invoice)
    } else {
        TemplateKind::Invoice
    };
    let session = waha::settings::load(&state.db, &state.config)
        .await?
        .session;
    let mut query = r.query.clone();
    query.resolve_period(clock::today(state.config.timezone));
    let description = describe(&query, items.len());
    let job = outbox::enqueue_kinds(
        &state.db,
        NewJob {
            kind: "bulk",
            template_kind: job_kind.code().to_owned(),
            wa_session: session,
            pacing,
            description: Some(description),
            created_by: Some(user_id),
            items: Vec::new(),
        },
        items
            .into_iter()
            .map(|(k, i)| (k.code().to_owned(), i))
            .collect(),
    )
    .await?;
    state.engine.wake();
    Ok(job.id)
}

fn describe(q: &InvoiceQuery, n: usize) -> String {
    let mut parts = vec![format!("Kirim Semua · {n} penerima")];
    if !q.period.trim().is_empty() {
        parts.push(format!("periode {}", q.period.trim()));
    }
    if !q.status.trim().is_empty() {
        parts.push(format!("status {}", q.status.trim()));
    }
    if q.overdue {
        parts.push("terlambat".into());
    }
    if !q.q.trim().is_empty() {
        parts.push(format!("cari “{}”", q.q.trim()));
    }
    parts.join(" · ")
}
