//! The monthly invoice run: what it would do (preview), doing it in one transaction with a
//! record that can be undone, and the billing rules it follows.

use super::super::{
    payments::apply_credit,
    sequence,
    sql::{count_of, stmt},
};
use super::adjust::void_locked;
use crate::{
    domain::{
        billing::{BillingRules, InvoiceStatus, MoneyChange, invoice_number},
        dates::Period,
    },
    dto::invoices::{CustomerBrief, RunPreview, RunResult, RunView},
    server::billing::{BillingError, clock::local, statement::CREDIT_SQL},
    server::{
        db::begin_write,
        entity::{invoice_runs, invoices},
        settings,
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, QueryFilter, QuerySelect, Set,
};
use std::collections::HashMap;

/// Rows per INSERT statement (18 values each; well inside SQLite's and PostgreSQL's limits).
const CHUNK: usize = 1000;
/// Customers listed by name in the preview.
const NO_PRICE_SHOWN: usize = 20;
/// Runs listed on the page.
const RUNS_SHOWN: u64 = 10;
/// The settings key of [`BillingRules`].
pub const RULES: &str = "billing_rules";
/// The reason written on invoices voided by an undo.
pub const UNDO_REASON: &str = "run dibatalkan";

/// What the admin asked for.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub period: Period,
    /// The issue date (local).
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// A past month is run only when the admin confirmed it.
    pub confirm_past: bool,
    pub by: Option<i32>,
    /// Make drafts for review instead of issued invoices (the scheduler's default).
    pub draft: bool,
}

impl RunOptions {
    pub fn new(period: Period, today: NaiveDate, now: DateTime<Utc>) -> Self {
        Self {
            period,
            today,
            now,
            confirm_past: false,
            by: None,
            draft: false,
        }
    }

    pub fn draft(mut self) -> Self {
        self.draft = true;
        self
    }

    pub fn confirm_past(mut self) -> Self {
        self.confirm_past = true;
        self
    }

    pub fn by(mut self, user: Option<i32>) -> Self {
        self.by = user;
        self
    }
}

pub async fn rules(db: &impl ConnectionTrait) -> Result<BillingRules, BillingError> {
    Ok(settings::get(db, RULES).await?.unwrap_or_default())
}

pub async fn save_rules(db: &impl ConnectionTrait, r: &BillingRules) -> Result<(), BillingError> {
    r.validate()
        .map_err(|m| BillingError::field("grace_days", m))?;
    settings::set(db, RULES, r).await?;
    Ok(())
}

/// Runs go no further than next month.
fn check_far(period: Period, today: NaiveDate) -> Result<(), BillingError> {
    if period > Period::of(today).next() {
        return Err(BillingError::PeriodTooFar {
            period: period.label(),
        });
    }
    Ok(())
}

pub fn parse_period(s: &str) -> Result<Period, BillingError> {
    Period::parse(s).map_err(|m| BillingError::field("period", m))
}

/// An active customer the run would invoice, with what to charge.
#[derive(Debug, FromQueryResult)]
pub(crate) struct Candidate {
    pub(crate) id: i32,
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) billing_day: i16,
    pub(crate) start_date: Option<NaiveDate>,
    pub(crate) price_override: Option<i64>,
    pub(crate) package_name: Option<String>,
    pub(crate) package_speed_mbps: Option<i32>,
    pub(crate) package_price: Option<i64>,
}

impl Candidate {
    /// The override, else the package price; `None` (skipped) when neither gives money.
    pub(crate) fn price(&self) -> Option<i64> {
        self.price_override
            .or(self.package_price)
            .filter(|a| *a > 0)
    }
}

pub(crate) async fn candidates(
    db: &impl ConnectionTrait,
    period: Period,
) -> Result<Vec<Candidate>, BillingError> {
    Ok(Candidate::find_by_statement(stmt(
        db,
        "SELECT c.id, c.code, c.name, c.billing_day, c.start_date, c.price_override, \
         p.name AS package_name, p.speed_mbps AS package_speed_mbps, p.price AS package_price \
         FROM customers c LEFT JOIN packages p ON p.id = c.package_id \
         WHERE c.status = 'active' AND (c.start_date IS NULL OR c.start_date <= ?) \
           AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.customer_id = c.id \
             AND i.period = ? AND i.status <> 'void') \
         ORDER BY c.id",
        vec![period.last_day().into(), period.to_string().into()],
    ))
    .all(db)
    .await?)
}

/// What the run would charge each candidate, by the rules; customers without a price apart.
pub(crate) struct Plan {
    pub(crate) priced: Vec<(Candidate, i64)>,
    pub(crate) unpriced: Vec<Candidate>,
}

pub(crate) fn plan(all: Vec<Candidate>, period: Period, r: &BillingRules) -> Plan {
    let mut p = Plan {
        priced: Vec::new(),
        unpriced: Vec::new(),
    };
    for c in all {
        match c
            .price()
            .and_then(|price| r.charge(period, price, c.start_date))
        {
            Some(a) if a > 0 => p.priced.push((c, a)),
            _ => p.unpriced.push(c),
        }
    }
    p
}

/// Active customers already invoiced for the period.
pub(crate) async fn existing(
    db: &impl ConnectionTrait,
    period: Period,
) -> Result<u64, BillingError> {
    Ok(count_of(
        db,
        "SELECT COUNT(*) AS n FROM invoices i JOIN customers c ON c.id = i.customer_id \
         WHERE i.period = ? AND c.status = 'active' AND i.status <> 'void'",
        vec![period.to_string().into()],
    )
    .await?)
}

pub async fn preview_run(
    db: &impl ConnectionTrait,
    period: Period,
    today: NaiveDate,
) -> Result<RunPreview, BillingError> {
    check_far(period, today)?;
    let r = rules(db).await?;
    let Plan { priced, unpriced } = plan(candidates(db, period).await?, period, &r);
    let next = db
        .query_one_raw(stmt(
            db,
            "SELECT value FROM sequences WHERE name = ?",
            vec![sequence::invoice(period).into()],
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "value"))
        .transpose()?
        .unwrap_or(0)
        + 1;
    let brief = |c: &Candidate| CustomerBrief {
        id: c.id,
        code: c.code.clone(),
        name: c.name.clone(),
    };
    Ok(RunPreview {
        period: period.to_string(),
        period_label: period.label(),
        to_create: priced.len() as u64,
        total_amount: priced.iter().map(|(_, a)| a).sum(),
        existing: existing(db, period).await?,
        no_price_count: unpriced.len() as u64,
        no_price: unpriced.iter().take(NO_PRICE_SHOWN).map(brief).collect(),
        first_number: (!priced.is_empty()).then(|| invoice_number(period, next)),
        past: period < Period::of(today),
        who: priced
            .iter()
            .take(NO_PRICE_SHOWN)
            .map(|(c, _)| brief(c))
            .collect(),
        prorata: priced.iter().filter(|(c, a)| c.price() != Some(*a)).count() as u64,
        late_due: priced
            .iter()
            .filter(|(c, _)| period.due_date(c.billing_day.max(1) as u32) < today)
            .count() as u64,
        rule: r.describe(),
    })
}

/// What each customer owes on open invoices of periods before `period`.
pub(crate) async fn arrears_before(
    db: &impl ConnectionTrait,
    period: Period,
) -> Result<HashMap<i32, i64>, BillingError> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT customer_id, CAST(SUM(amount - discount - paid) AS BIGINT) AS owed \
             FROM invoices WHERE period < ? AND status IN ('unpaid', 'partial') \
             GROUP BY customer_id",
            vec![period.to_string().into()],
        ))
        .await?;
    let mut map = HashMap::with_capacity(rows.len());
    for r in rows {
        map.insert(
            r.try_get::<i32>("", "customer_id")?,
            r.try_get::<i64>("", "owed")?,
        );
    }
    Ok(map)
}

/// Generates the period's invoices in one transaction.
///
/// - One per active customer with a price who has started by the period's end; the partial
///   unique (customer, period) index on live invoices backs this up. A voided invoice frees
///   its period: the customer gets a new invoice with a new number, and the void stays.
/// - Idempotent: customers already invoiced for the period are skipped and counted.
/// - Numbers `INV-YYYYMM-nnnnn` come from the period's sequence row, locked first: a second
///   run racing this one waits for it, then sees its invoices and creates nothing twice.
/// - Due date and first-month charge follow [`BillingRules`].
/// - Arrears = a snapshot of what the customer owed on older invoices at issue (a record; what
///   is owed now is always computed from the open invoices).
/// - Customer credit is used on the new invoices at once.
/// - The run is recorded, so it can be undone while nothing has happened to its invoices.
pub async fn run(db: &DatabaseConnection, o: &RunOptions) -> Result<RunResult, BillingError> {
    let period = o.period;
    let today = o.today;
    let now = o.now;
    if o.draft {
        check_far(period, today)?;
        return crate::server::billing::drafts::create(db, period, now).await;
    }
    check_far(period, today)?;
    let r = rules(db).await?;
    let txn = begin_write(db).await?;
    let seq = sequence::invoice(period);
    // Lock before reading: whoever holds the lock sees every invoice committed before it.
    sequence::lock(&txn, &seq).await?;
    let Plan { priced, unpriced } = plan(candidates(&txn, period).await?, period, &r);
    if period < Period::of(today) && !o.confirm_past && !priced.is_empty() {
        return Err(BillingError::PastNeedsConfirm {
            period: period.label(),
            count: priced.len() as u64,
        });
    }
    let skipped_existing = existing(&txn, period).await?;
    let mut result = RunResult {
        period: period.to_string(),
        period_label: period.label(),
        created: 0,
        total_amount: 0,
        skipped_existing,
        skipped_no_price: unpriced.len() as u64,
        first_number: None,
        last_number: None,
        run_id: None,
        credit_applied: 0,
    };
    if priced.is_empty() {
        txn.commit().await?;
        return Ok(result);
    }
    let arrears = arrears_before(&txn, period).await?;
    let n = priced.len() as i64;
    let total: i64 = priced.iter().map(|(_, a)| a).sum();
    let record = invoice_runs::ActiveModel {
        period: Set(period.to_string()),
        state: Set("issued".to_owned()),
        created: Set(n as i32),
        total_amount: Set(total),
        created_by: Set(o.by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let last = sequence::take(&txn, &seq, n).await?;
    let first = last - n + 1;
    let period_text = period.to_string();
    let customer_ids: Vec<i32> = priced.iter().map(|(c, _)| c.id).collect();
    let models: Vec<invoices::ActiveModel> = priced
        .into_iter()
        .enumerate()
        .map(|(i, (c, amount))| invoices::ActiveModel {
            number: Set(invoice_number(period, first + i as i64)),
            customer_id: Set(c.id),
            period: Set(period_text.clone()),
            issue_date: Set(today),
            due_date: Set(r.due_date(period, c.billing_day.max(1) as u32, today)),
            package_name: Set(c.package_name),
            package_speed_mbps: Set(c.package_speed_mbps),
            amount: Set(amount),
            arrears: Set(arrears.get(&c.id).copied().unwrap_or(0)),
            discount: Set(0),
            paid: Set(0),
            status: Set(InvoiceStatus::Unpaid.as_str().to_owned()),
            void_reason: Set(None),
            voided_at: Set(None),
            run_id: Set(Some(record.id)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in models.chunks(CHUNK) {
        invoices::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    for id in with_credit(&txn, &customer_ids).await? {
        result.credit_applied += apply_credit(&txn, id, o.by, now).await?;
    }
    txn.commit().await?;
    result.created = n as u64;
    result.total_amount = total;
    result.first_number = Some(invoice_number(period, first));
    result.last_number = Some(invoice_number(period, last));
    result.run_id = Some(record.id);
    Ok(result)
}

/// Of these customers, those with unused credit.
pub(crate) async fn with_credit(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<Vec<i32>, BillingError> {
    let wanted: std::collections::HashSet<i32> = ids.iter().copied().collect();
    let rows = db
        .query_all_raw(stmt(
            db,
            &format!("{CREDIT_SQL} GROUP BY p.customer_id"),
            vec![],
        ))
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let id: i32 = r.try_get("", "customer_id")?;
        if r.try_get::<i64>("", "credit")? > 0 && wanted.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// Undoes a run: voids its invoices with the reason "run dibatalkan". Refused when any of them
/// has a payment or a message went out to its customer since the run.
pub async fn undo(
    db: &DatabaseConnection,
    run_id: i32,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<u64, BillingError> {
    let txn = begin_write(db).await?;
    let run = invoice_runs::Entity::find_by_id(run_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(BillingError::NotFound)?;
    if run.state != "issued" {
        return Err(BillingError::NotFound);
    }
    let live: Vec<invoices::Model> = invoices::Entity::find()
        .filter(invoices::Column::RunId.eq(run_id))
        .filter(invoices::Column::Status.ne(InvoiceStatus::Void.as_str()))
        .lock_exclusive()
        .all(&txn)
        .await?;
    let paid = live.iter().filter(|i| i.paid > 0).count() as u64;
    let sent = count_of(
        &txn,
        "SELECT COUNT(DISTINCT i.id) AS n FROM invoices i JOIN send_items s            ON s.created_at >= ? AND s.state IN ('sent', 'sending', 'unknown')            AND (s.invoice_id = i.id OR s.customer_id = i.customer_id OR EXISTS              (SELECT 1 FROM send_item_customers sc WHERE sc.item_id = s.id               AND sc.customer_id = i.customer_id))          WHERE i.run_id = ? AND i.status <> 'void'",
        vec![run.created_at.into(), run_id.into()],
    )
    .await?;
    if paid > 0 || sent > 0 {
        return Err(BillingError::RunLocked { run_id, paid, sent });
    }
    let n = live.len() as u64;
    for inv in live {
        void_locked(&txn, inv, UNDO_REASON, MoneyChange::RunUndo, by, now).await?;
    }
    let mut r: invoice_runs::ActiveModel = run.into();
    r.state = Set("undone".to_owned());
    r.undone_at = Set(Some(now));
    r.undone_by = Set(by);
    r.update(&txn).await?;
    txn.commit().await?;
    Ok(n)
}

#[derive(FromQueryResult)]
struct RunRow {
    id: i32,
    period: String,
    created: i32,
    total_amount: i64,
    created_at: DateTime<Utc>,
    by_name: Option<String>,
    undone_at: Option<DateTime<Utc>>,
}

/// The latest runs, newest first.
pub async fn recent_runs(db: &impl ConnectionTrait, tz: Tz) -> Result<Vec<RunView>, BillingError> {
    let rows = RunRow::find_by_statement(stmt(
        db,
        &format!(
            "SELECT r.id, r.period, r.created, r.total_amount, r.created_at,              u.display_name AS by_name, r.undone_at FROM invoice_runs r              LEFT JOIN users u ON u.id = r.created_by ORDER BY r.id DESC LIMIT {RUNS_SHOWN}"
        ),
        vec![],
    ))
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RunView {
            period_label: Period::parse(&r.period)
                .map(Period::label)
                .unwrap_or_else(|_| r.period.clone()),
            id: r.id,
            period: r.period,
            created: r.created,
            total_amount: r.total_amount,
            at: local(r.created_at, tz),
            by: r.by_name,
            undone_at: r.undone_at.map(|t| local(t, tz)),
        })
        .collect())
}
