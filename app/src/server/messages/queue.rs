//! Statements queued by the month's automation (a reminder stage, "Terbitkan & kirim"): one
//! message per customer (customers sharing a number in one), each a statement of what they owe
//! now, sent through the same engine as every other job, labelled by stage. Unlike "Kirim
//! Semua" the moment is given, so `tagih schedule --at` and the calendar tests queue exactly
//! what the live tick would at that moment.

use super::{
    MessageError,
    statement::{Bodies, addressees, day_start, history, most_urgent, render},
};
use crate::{
    domain::{
        messages::TemplateKind,
        sending::{JobKind, Pacing},
        statement::Statement,
        whatsapp::Reach,
    },
    dto::messages::SkipReason,
    server::{
        engine::outbox::{self, NewItem, NewJob},
        settings,
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;

/// What to queue, and as of when.
pub struct StatementSend<'a> {
    /// Customers in the order their messages should go.
    pub customers: &'a [i32],
    /// Every statement with this template (a stage's, or the invoice's).
    pub kind: TemplateKind,
    /// The job's name on Pengiriman ("Pengingat H-3 · 12 Des").
    pub description: String,
    pub created_by: Option<i32>,
    /// Local date and the instant the tick stands at.
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    pub tz: Tz,
    /// The WhatsApp session the job sends through.
    pub session: String,
    /// Work out who would get what, queue nothing.
    pub dry_run: bool,
}

/// One customer's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub customer_id: i32,
    pub customer_code: String,
    pub customer_name: String,
    /// What the statement asks for (0 when skipped as settled).
    pub owed: i64,
    /// `None`: in the job (or would be, on a dry run).
    pub skipped: Option<SkipReason>,
}

#[derive(Debug, Clone, Default)]
pub struct Queued {
    pub job_id: Option<i32>,
    pub messages: u64,
    pub outcomes: Vec<Outcome>,
}

impl Queued {
    pub fn queued(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(|o| o.skipped.is_none())
    }

    pub fn skipped(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(|o| o.skipped.is_some())
    }
}

/// Statement kinds: any of them today means "a statement already went to them today".
const STATEMENT_KINDS: [TemplateKind; 3] = [
    TemplateKind::Invoice,
    TemplateKind::Reminder,
    TemplateKind::Overdue,
];

fn outcome(st: &Statement, skipped: Option<SkipReason>) -> Outcome {
    Outcome {
        customer_id: st.customer_id,
        customer_code: st.customer_code.clone(),
        customer_name: st.customer_name.clone(),
        owed: st.owed(),
        skipped,
    }
}

/// Sorts the customers into messages and skips, renders, and queues one job (all in one
/// transaction, as every job is).
pub async fn statements(
    db: &DatabaseConnection,
    req: StatementSend<'_>,
) -> Result<Queued, MessageError> {
    let mut people = addressees(db, req.customers).await?;
    let sent = history(db, req.customers, day_start(req.today, req.tz)).await?;
    let mut out = Queued::default();
    // (number, chat, statements) in first-seen order.
    let mut groups: Vec<(String, String, Vec<Statement>)> = Vec::new();
    let mut by_number: HashMap<String, usize> = HashMap::new();
    for id in req.customers {
        let Some(a) = people.remove(id) else { continue };
        let st = a.statement;
        let skip = if st.is_settled() {
            Some(SkipReason::Settled)
        } else {
            match a.reach {
                Reach::Ready => None,
                Reach::NoNumber => Some(SkipReason::NoNumber),
                Reach::Invalid => Some(SkipReason::Invalid),
                Reach::NotOnWhatsApp => Some(SkipReason::NotOnWhatsApp),
            }
        }
        .or_else(|| {
            STATEMENT_KINDS
                .iter()
                .any(|k| sent.sent_today(st.customer_id, *k))
                .then_some(SkipReason::SentToday)
        });
        let (Some(number), Some(chat), None) = (a.wa_number, a.chat_id, skip) else {
            out.outcomes
                .push(outcome(&st, Some(skip.unwrap_or(SkipReason::NoNumber))));
            continue;
        };
        out.outcomes.push(outcome(&st, None));
        match by_number.get(&number) {
            Some(g) => groups[*g].2.push(st),
            None => {
                by_number.insert(number.clone(), groups.len());
                groups.push((number, chat, vec![st]));
            }
        }
    }
    out.messages = groups.len() as u64;
    if req.dry_run || groups.is_empty() {
        return Ok(out);
    }
    let company = settings::company(db).await?;
    let mut bodies = Bodies::default();
    let mut items = Vec::with_capacity(groups.len());
    for (number, chat, members) in &groups {
        let refs: Vec<(&Statement, TemplateKind)> = members.iter().map(|s| (s, req.kind)).collect();
        let body = render(db, &mut bodies, &refs, &company, req.today).await?;
        let first = &members[0];
        items.push((
            req.kind.code().to_owned(),
            NewItem {
                invoice_id: first.newest().map(|l| l.invoice_id),
                customer_id: Some(first.customer_id),
                wa_number: number.clone(),
                chat_id: chat.clone(),
                body,
                statement_total: Some(members.iter().map(Statement::owed).sum()),
                customers: members.iter().map(|s| s.customer_id).collect(),
            },
        ));
    }
    let job = outbox::enqueue_kinds_at(
        db,
        NewJob {
            kind: JobKind::Scheduled,
            template_kind: most_urgent([req.kind]).code().to_owned(),
            wa_session: req.session,
            // Reminders go out unattended, to many customers at once: WAHA's random 30–60 s.
            pacing: Pacing::SAFE,
            description: Some(req.description),
            created_by: req.created_by,
            items: Vec::new(),
        },
        items,
        req.now,
    )
    .await?;
    out.job_id = Some(job.id);
    Ok(out)
}
