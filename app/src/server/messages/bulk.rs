//! "Kirim Semua via WhatsApp": the customers whose invoices the table's current filter selects,
//! each sent one statement (every open invoice and what they owe now), customers who share a
//! number in one message, queued as one job in one transaction. Rendered in bulk: a handful of
//! queries, not a few per customer.

use super::{
    MessageError,
    statement::{Addressee, Bodies, History, addressees, day_start, history, most_urgent, render},
};
use crate::{
    domain::{
        messages::TemplateKind,
        sending::{JobKind, Pacing, eta_in_waves},
        statement::Statement,
        whatsapp::Reach,
    },
    dto::{
        invoices::InvoiceQuery,
        messages::{BulkPlan, BulkRequest, SkipReason, Skipped, TemplateChoice},
        sending::HoldView,
    },
    server::{
        AppState,
        billing::{clock, invoices, sql::stmt},
        engine::{
            outbox::{self, NewItem, NewJob},
            policy,
        },
        settings, waha,
    },
};
use chrono::{NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Value};
use std::collections::{HashMap, HashSet};

/// Skipped customers listed by name in the plan.
const SKIPPED_SHOWN: usize = 100;

/// One message to go: the customers it covers (several when they share a number), each with
/// the template their statement takes.
struct Group {
    wa_number: String,
    chat_id: String,
    members: Vec<(Statement, TemplateKind)>,
}

impl Group {
    fn total(&self) -> i64 {
        self.members.iter().map(|(s, _)| s.owed()).sum()
    }

    fn kind(&self) -> TemplateKind {
        most_urgent(self.members.iter().map(|(_, k)| *k))
    }
}

struct Sorted {
    selected_invoices: u64,
    customers: u64,
    groups: Vec<Group>,
    skipped: Vec<(Statement, SkipReason)>,
    today: NaiveDate,
}

/// The customers of the filtered invoices, in the table's order.
async fn customers_of(
    db: &impl ConnectionTrait,
    invoice_ids: &[i32],
) -> Result<Vec<i32>, MessageError> {
    let mut order = Vec::new();
    let mut seen = HashSet::new();
    for chunk in invoice_ids.chunks(500) {
        let values: Vec<Value> = chunk.iter().map(|i| (*i).into()).collect();
        let rows = db
            .query_all_raw(stmt(
                db,
                &format!(
                    "SELECT id, customer_id FROM invoices WHERE id IN ({})",
                    vec!["?"; chunk.len()].join(", ")
                ),
                values,
            ))
            .await?;
        let mut by_invoice = HashMap::with_capacity(rows.len());
        for r in rows {
            by_invoice.insert(
                r.try_get::<i32>("", "id")?,
                r.try_get::<i32>("", "customer_id")?,
            );
        }
        for id in chunk {
            if let Some(c) = by_invoice.get(id)
                && seen.insert(*c)
            {
                order.push(*c);
            }
        }
    }
    Ok(order)
}

async fn sort(state: &AppState, r: &BulkRequest) -> Result<Sorted, MessageError> {
    let db = &state.db;
    let tz = state.config.timezone;
    let today = clock::today(tz);
    let mut q = r.query.clone();
    q.resolve_period(today);
    let invoice_ids = invoices::matching_ids(db, &q, today).await?;
    let order = customers_of(db, &invoice_ids).await?;
    let mut people = addressees(db, &order).await?;
    let sent: History = history(db, &order, day_start(today, tz)).await?;

    let mut groups: Vec<Group> = Vec::new();
    let mut by_number: HashMap<String, usize> = HashMap::new();
    let mut skipped = Vec::new();
    for id in &order {
        let Some(Addressee {
            statement,
            reach,
            wa_number,
            chat_id,
        }) = people.remove(id)
        else {
            continue;
        };
        if statement.is_settled() {
            skipped.push((statement, SkipReason::Settled));
            continue;
        }
        match reach {
            Reach::Ready => {}
            Reach::NoNumber => {
                skipped.push((statement, SkipReason::NoNumber));
                continue;
            }
            Reach::Invalid => {
                skipped.push((statement, SkipReason::Invalid));
                continue;
            }
            Reach::NotOnWhatsApp => {
                skipped.push((statement, SkipReason::NotOnWhatsApp));
                continue;
            }
        }
        let kind = match r.template {
            TemplateChoice::Auto => sent.kind_for(&statement, today),
            TemplateChoice::Kind(k) => k,
        };
        if sent.sent_today(statement.customer_id, kind) {
            skipped.push((statement, SkipReason::SentToday));
            continue;
        }
        let (Some(number), Some(chat)) = (wa_number, chat_id) else {
            skipped.push((statement, SkipReason::NoNumber));
            continue;
        };
        match by_number.get(&number).filter(|_| r.combine_shared) {
            Some(g) => groups[*g].members.push((statement, kind)),
            None => {
                by_number.insert(number.clone(), groups.len());
                groups.push(Group {
                    wa_number: number,
                    chat_id: chat,
                    members: vec![(statement, kind)],
                });
            }
        }
    }
    Ok(Sorted {
        selected_invoices: invoice_ids.len() as u64,
        customers: order.len() as u64,
        groups,
        skipped,
        today,
    })
}

/// Renders every message; the first template error stops with its reason.
async fn render_all(
    state: &AppState,
    sorted: &Sorted,
) -> Result<Vec<(TemplateKind, NewItem)>, MessageError> {
    let db = &state.db;
    let company = settings::company(db).await?;
    let mut bodies = Bodies::default();
    let mut out = Vec::with_capacity(sorted.groups.len());
    for g in &sorted.groups {
        let members: Vec<(&Statement, TemplateKind)> =
            g.members.iter().map(|(s, k)| (s, *k)).collect();
        let text = render(db, &mut bodies, &members, &company, sorted.today).await?;
        let first = &g.members[0].0;
        out.push((
            g.kind(),
            NewItem {
                // Filed under the newest open invoice of the first customer (its history).
                invoice_id: first.newest().map(|l| l.invoice_id),
                customer_id: Some(first.customer_id),
                wa_number: g.wa_number.clone(),
                chat_id: g.chat_id.clone(),
                body: text,
                statement_total: Some(g.total()),
                customers: g.members.iter().map(|(s, _)| s.customer_id).collect(),
            },
        ));
    }
    Ok(out)
}

fn pacing_of(r: &BulkRequest) -> Result<Pacing, MessageError> {
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
            e.check()?;
            Ok(Pacing {
                delay_ms: (delay.unwrap_or(2.0) * 1000.0) as i64,
                jitter_ms: (jitter.unwrap_or(0.0) * 1000.0) as i64,
            })
        }
        _ => Err(MessageError::field("pacing", "Pilih jeda pengiriman.")),
    }
}

/// What "Kirim Semua" would do with the current filter, before the admin confirms.
pub async fn plan(state: &AppState, r: &BulkRequest) -> Result<BulkPlan, MessageError> {
    let pacing = pacing_of(r)?;
    let sorted = sort(state, r).await?;
    let mut p = BulkPlan {
        selected_invoices: sorted.selected_invoices,
        customers: sorted.customers,
        combine_shared: r.combine_shared,
        messages: sorted.groups.len() as u64,
        ..Default::default()
    };
    for g in &sorted.groups {
        p.ready += g.members.len() as u64;
        p.ready_invoices += g
            .members
            .iter()
            .map(|(s, _)| s.months() as u64)
            .sum::<u64>();
        if g.members.len() > 1 {
            p.shared_numbers += 1;
            p.shared_customers += g.members.len() as u64;
        }
    }
    for (st, why) in &sorted.skipped {
        match why {
            SkipReason::Settled => p.closed += 1,
            SkipReason::NoNumber => p.no_number += 1,
            SkipReason::Invalid => p.invalid += 1,
            SkipReason::NotOnWhatsApp => p.not_on_whatsapp += 1,
            SkipReason::SentToday => p.sent_today += 1,
        }
        // Owing nothing is not a problem to report by name.
        if *why != SkipReason::Settled && p.skipped.len() < SKIPPED_SHOWN {
            p.skipped.push(Skipped {
                customer_code: st.customer_code.clone(),
                customer_name: st.customer_name.clone(),
                reason: *why,
            });
        }
    }
    // The first message exactly as it will go out.
    if let Some(g) = sorted.groups.first() {
        let company = settings::company(&state.db).await?;
        let members: Vec<(&Statement, TemplateKind)> =
            g.members.iter().map(|(s, k)| (s, *k)).collect();
        p.first_preview = Some(
            render(
                &state.db,
                &mut Bodies::default(),
                &members,
                &company,
                sorted.today,
            )
            .await?,
        );
        let names: Vec<&str> = g
            .members
            .iter()
            .map(|(s, _)| s.customer_name.as_str())
            .collect();
        p.first_to = Some(format!("{} ({})", names.join(" + "), g.wa_number));
    }
    let policy = policy::load(&state.db).await?;
    p.eta_secs = eta_in_waves(p.messages, &pacing, 1, policy.waves.as_ref()).num_seconds();
    p.waves = policy.waves;
    p.daily_cap = policy.daily_cap;
    p.quiet = policy.quiet;
    let tz = state.config.timezone;
    let local = Utc::now().with_timezone(&tz).naive_local();
    p.held_now = policy.hold(local, 0).map(|(reason, until)| HoldView {
        reason,
        until: clock::local_from_naive(until, tz),
    });
    // A newly linked number sends only today's warm-up cap; the rest waits for tomorrow.
    if let Some(w) = &policy.warmup {
        let session = waha::settings::load(&state.db, &state.config)
            .await?
            .session;
        if let Some(row) = outbox::session_row(&state.db, &session).await?
            && let Some(warm) =
                crate::server::engine::warmup::state(&state.db, &row, w, local.date(), tz).await?
        {
            p.warmup = Some(w.describe(warm.day));
        }
    }
    Ok(p)
}

/// Creates the job: one item per message (a customer, or customers sharing a number), all in
/// one transaction.
pub async fn send(state: &AppState, user_id: i32, r: &BulkRequest) -> Result<i32, MessageError> {
    let pacing = pacing_of(r)?;
    let sorted = sort(state, r).await?;
    let items = render_all(state, &sorted).await?;
    if items.is_empty() {
        return Err(MessageError::NothingToSend);
    }
    let job_kind = most_urgent(items.iter().map(|(k, _)| *k));
    let session = waha::settings::load(&state.db, &state.config)
        .await?
        .session;
    let mut query = r.query.clone();
    query.resolve_period(clock::today(state.config.timezone));
    let customers: usize = items.iter().map(|(_, i)| i.customers.len()).sum();
    let description = describe(&query, customers, items.len());
    let job = outbox::enqueue_kinds(
        &state.db,
        NewJob {
            kind: JobKind::Bulk,
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

fn describe(q: &InvoiceQuery, customers: usize, messages: usize) -> String {
    let mut parts = vec![if customers == messages {
        format!("Kirim Semua · {customers} pelanggan")
    } else {
        format!("Kirim Semua · {customers} pelanggan, {messages} pesan")
    }];
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
