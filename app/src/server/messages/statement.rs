//! Statement messages: who each customer is on WhatsApp, which template their statement takes,
//! what it says, and whether they already got that stage today. Bulk sends, the per-row send
//! and the engine's check before sending all use these, so a customer reads the same figures
//! whichever button queued the message.

use super::{MessageError, template, templates};
use crate::{
    domain::{
        company::CompanySettings,
        messages::{TemplateKind, statement_kind, statement_vars},
        phone::PhoneStatus,
        sending::ItemState,
        statement::Statement,
        whatsapp::Reach,
    },
    server::billing::{sql::stmt, statement as statements},
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use std::collections::HashMap;

/// Between the statements of customers who share one number, in one message.
pub const SEPARATOR: &str = "\n\n━━━━━━━━━━━━\n\n";

/// Ids per `IN (…)` list.
const CHUNK: usize = 500;

/// A customer as a message needs them: their statement and where WhatsApp reaches them.
#[derive(Debug, Clone)]
pub struct Addressee {
    pub statement: Statement,
    pub reach: Reach,
    /// Normalised digits (`62812…`).
    pub wa_number: Option<String>,
    /// The chat to send to: WAHA's answer once checked, else `<digits>@c.us`.
    pub chat_id: Option<String>,
}

#[derive(FromQueryResult)]
struct WaRow {
    id: i32,
    phone_status: String,
    wa_number: Option<String>,
    wa_chat_id: Option<String>,
    wa_exists: Option<bool>,
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Statements and WhatsApp reach of these customers, keyed by customer id.
pub async fn addressees(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, Addressee>, MessageError> {
    let mut statements = statements::for_customers(db, ids).await?;
    let mut out = HashMap::with_capacity(statements.len());
    for chunk in ids.chunks(CHUNK) {
        let values: Vec<Value> = chunk.iter().map(|i| (*i).into()).collect();
        for r in WaRow::find_by_statement(stmt(
            db,
            &format!(
                "SELECT id, phone_status, wa_number, wa_chat_id, wa_exists FROM customers \
                 WHERE id IN ({})",
                placeholders(chunk.len())
            ),
            values,
        ))
        .all(db)
        .await?
        {
            let Some(statement) = statements.remove(&r.id) else {
                continue;
            };
            let reach = Reach::of(
                r.wa_number.as_deref(),
                PhoneStatus::parse(&r.phone_status),
                r.wa_exists,
            );
            let chat_id = r
                .wa_chat_id
                .clone()
                .or_else(|| r.wa_number.as_deref().map(crate::domain::phone::chat_id));
            out.insert(
                r.id,
                Addressee {
                    statement,
                    reach,
                    wa_number: r.wa_number,
                    chat_id,
                },
            );
        }
    }
    Ok(out)
}

/// The local day's first instant, for "today" in the configured zone.
pub fn day_start(today: NaiveDate, tz: chrono_tz::Tz) -> DateTime<Utc> {
    crate::server::billing::clock::day_start_utc(today, tz)
}

#[derive(FromQueryResult)]
struct SentRow {
    customer_id: i32,
    template_kind: String,
    state: String,
    created_at: DateTime<Utc>,
}

/// What these customers were sent, through any job or button: per customer, the stages queued
/// or sent since `since` (live messages only), and when an invoice-stage message last went.
pub struct History {
    /// (customer, stage) → when it was last queued today.
    pub today: HashMap<(i32, TemplateKind), DateTime<Utc>>,
    pub last_invoice_message: HashMap<i32, DateTime<Utc>>,
}

impl History {
    /// The stage this customer's statement takes (by its oldest open invoice).
    pub fn kind_for(&self, st: &Statement, today: NaiveDate) -> TemplateKind {
        let had_invoice_message =
            match (st.oldest(), self.last_invoice_message.get(&st.customer_id)) {
                (Some(oldest), Some(at)) => at.date_naive() >= oldest.issue_date,
                _ => false,
            };
        statement_kind(st, today, had_invoice_message)
    }

    pub fn sent_today(&self, customer: i32, kind: TemplateKind) -> bool {
        self.today.contains_key(&(customer, kind))
    }

    /// When this customer last got this stage today.
    pub fn sent_today_at(&self, customer: i32, kind: TemplateKind) -> Option<DateTime<Utc>> {
        self.today.get(&(customer, kind)).copied()
    }
}

/// Messages are linked to customers by `send_item_customers` (statements) or, for messages
/// queued before statements, by `send_items.customer_id`.
pub async fn history(
    db: &impl ConnectionTrait,
    customers: &[i32],
    since: DateTime<Utc>,
) -> Result<History, MessageError> {
    let live: Vec<String> = ItemState::LIVE
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect();
    let live = live.join(", ");
    let mut h = History {
        today: HashMap::new(),
        last_invoice_message: HashMap::new(),
    };
    for chunk in customers.chunks(CHUNK) {
        let marks = placeholders(chunk.len());
        let values: Vec<Value> = chunk.iter().map(|i| (*i).into()).collect();
        let mut both = values.clone();
        both.extend(values);
        let rows = SentRow::find_by_statement(stmt(
            db,
            &format!(
                "SELECT c.customer_id, i.template_kind, i.state, i.created_at \
                 FROM send_item_customers c JOIN send_items i ON i.id = c.item_id \
                 WHERE c.customer_id IN ({marks}) AND i.state IN ({live}) \
                 UNION ALL \
                 SELECT i.customer_id, i.template_kind, i.state, i.created_at FROM send_items i \
                 WHERE i.customer_id IN ({marks}) AND i.state IN ({live}) \
                 AND NOT EXISTS (SELECT 1 FROM send_item_customers c WHERE c.item_id = i.id)"
            ),
            both,
        ))
        .all(db)
        .await?;
        for r in rows {
            let Some(kind) = TemplateKind::parse(&r.template_kind) else {
                continue;
            };
            if r.created_at >= since {
                let e = h.today.entry((r.customer_id, kind)).or_insert(r.created_at);
                if r.created_at > *e {
                    *e = r.created_at;
                }
            }
            if kind == TemplateKind::Invoice && r.state == ItemState::Sent.as_str() {
                let e = h
                    .last_invoice_message
                    .entry(r.customer_id)
                    .or_insert(r.created_at);
                if r.created_at > *e {
                    *e = r.created_at;
                }
            }
        }
    }
    Ok(h)
}

/// Template bodies, each read once however many messages use it, and what every statement
/// message adds from outside the statement (the link's address, the transfer-code setting).
#[derive(Default)]
pub struct Bodies(HashMap<TemplateKind, String>, Option<Extras>);

struct Extras {
    public_url: Option<url::Url>,
    codes: bool,
}

impl Bodies {
    async fn extras(&mut self, db: &impl ConnectionTrait) -> Result<&Extras, MessageError> {
        if self.1.is_none() {
            self.1 = Some(Extras {
                public_url: crate::server::billing::statement_link::public_url(db).await?,
                codes: crate::server::billing::transfer_code::load(db)
                    .await?
                    .enabled,
            });
        }
        Ok(self.1.as_ref().expect("just set"))
    }

    pub async fn get(
        &mut self,
        db: &impl ConnectionTrait,
        kind: TemplateKind,
    ) -> Result<&str, MessageError> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.0.entry(kind) {
            slot.insert(templates::body(db, kind).await?.0);
        }
        Ok(self.0.get(&kind).map(String::as_str).unwrap_or_default())
    }
}

/// One message covering these statements (one customer, or several sharing a number), each
/// rendered with its own template.
pub async fn render(
    db: &impl ConnectionTrait,
    bodies: &mut Bodies,
    members: &[(&Statement, TemplateKind)],
    company: &CompanySettings,
    today: NaiveDate,
) -> Result<String, MessageError> {
    use crate::server::billing::{statement_link, transfer_code};
    let mut parts = Vec::with_capacity(members.len());
    for (st, kind) in members {
        let body = bodies.get(db, *kind).await?.to_owned();
        let mut vars = statement_vars(st, company, today);
        // Only when the template uses them: a link is made on first use, a code is held.
        let (public_url, codes) = {
            let x = bodies.extras(db).await?;
            (x.public_url.clone(), x.codes)
        };
        if let Some(base) = public_url.filter(|_| body.contains("link_tagihan")) {
            let token = statement_link::token_of(db, st.customer_id).await?;
            vars.link_tagihan = statement_link::link(&base, &token).unwrap_or_default();
        }
        if codes
            && (body.contains("total_transfer") || body.contains("ada_kode_unik"))
            && let Some(amount) = transfer_code::amount_for(db, st.customer_id, st.owed()).await?
        {
            vars.total_transfer = crate::domain::money::rupiah(amount);
            vars.ada_kode_unik = true;
        }
        let text = template::render(&body, &vars)
            .map_err(|error| MessageError::Template { kind: *kind, error })?;
        parts.push(text);
    }
    Ok(parts.join(SEPARATOR))
}

/// The most urgent of these stages (a combined message is filed under it).
pub fn most_urgent(kinds: impl IntoIterator<Item = TemplateKind>) -> TemplateKind {
    let rank = |k: &TemplateKind| match k {
        TemplateKind::Overdue => 3,
        TemplateKind::Reminder => 2,
        TemplateKind::Invoice => 1,
        TemplateKind::Receipt => 0,
    };
    kinds
        .into_iter()
        .max_by_key(rank)
        .unwrap_or(TemplateKind::Invoice)
}
