//! Draft invoices: what the scheduled monthly run makes for review ("Tinjau tagihan"). A draft
//! is owed nowhere (every money figure reads issued invoices only), holds its customer's period
//! (a second run makes no second one) and takes its number only when issued, so removing a
//! draft leaves no gap in the month's numbering.

use super::{
    BillingError,
    invoices::{Candidate, Plan, arrears_before, candidates, existing, plan, rules, with_credit},
    payments::apply_credit,
    sequence,
    sql::stmt,
};
use crate::{
    domain::{
        billing::{InvoiceStatus, invoice_number},
        dates::Period,
        money::parse_rupiah,
    },
    dto::{
        invoices::RunResult,
        schedule::{DraftReview, DraftRow, MissingCustomer},
    },
    server::{
        db::begin_write,
        entity::{invoice_runs, invoices},
        reach::REACHABLE_SQL,
    },
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, Set,
};

const DRAFT: &str = "draft";

/// A draft's stand-in number (unique: one live invoice per customer and period).
fn draft_number(period: Period, customer_id: i32) -> String {
    format!("DRAF-{}-{customer_id:06}", period.compact())
}

fn draft_model(
    period: Period,
    c: &Candidate,
    amount: i64,
    now: DateTime<Utc>,
) -> invoices::ActiveModel {
    invoices::ActiveModel {
        number: Set(draft_number(period, c.id)),
        customer_id: Set(c.id),
        period: Set(period.to_string()),
        // Set again when issued.
        issue_date: Set(period.first_day()),
        due_date: Set(period.due_date(c.billing_day.max(1) as u32)),
        package_name: Set(c.package_name.clone()),
        package_speed_mbps: Set(c.package_speed_mbps),
        amount: Set(amount),
        arrears: Set(0),
        discount: Set(0),
        paid: Set(0),
        status: Set(DRAFT.to_owned()),
        void_reason: Set(None),
        voided_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// The run as drafts: one per active priced customer without an invoice for the period.
/// Idempotent like the issued run (the period's sequence row is locked first, so a racing run
/// waits and then sees these).
pub async fn create(
    db: &DatabaseConnection,
    period: Period,
    now: DateTime<Utc>,
) -> Result<RunResult, BillingError> {
    let r = rules(db).await?;
    let txn = begin_write(db).await?;
    sequence::lock(&txn, &sequence::invoice(period)).await?;
    let skipped_existing = existing(&txn, period).await?;
    // The same rules as an issued run: start dates, pro-rata first months.
    let Plan { priced, unpriced } = plan(candidates(&txn, period).await?, period, &r);
    let mut result = RunResult {
        period: period.to_string(),
        period_label: period.label(),
        created: priced.len() as u64,
        total_amount: 0,
        skipped_existing,
        skipped_no_price: unpriced.len() as u64,
        first_number: None,
        last_number: None,
        run_id: None,
        credit_applied: 0,
    };
    let models: Vec<_> = priced
        .iter()
        .map(|(c, amount)| {
            result.total_amount += amount;
            draft_model(period, c, *amount, now)
        })
        .collect();
    for chunk in models.chunks(1000) {
        invoices::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(result)
}

#[derive(FromQueryResult)]
struct DraftData {
    id: i32,
    customer_id: i32,
    code: String,
    name: String,
    package_name: Option<String>,
    due_date: NaiveDate,
    amount: i64,
    reachable: i32,
}

/// Periods that have drafts, newest first.
pub async fn periods(db: &impl ConnectionTrait) -> Result<Vec<String>, BillingError> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT DISTINCT period FROM invoices WHERE status = 'draft' ORDER BY period DESC",
            vec![],
        ))
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "period").map_err(Into::into))
        .collect()
}

/// How many drafts wait, and the newest period among them.
pub async fn waiting(db: &impl ConnectionTrait) -> Result<(u64, Option<String>), BillingError> {
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT COUNT(*) AS n, MAX(period) AS p FROM invoices WHERE status = 'draft'",
            vec![],
        ))
        .await?;
    Ok(match row {
        Some(r) => (
            r.try_get::<i64>("", "n")? as u64,
            r.try_get::<Option<String>>("", "p")?,
        ),
        None => (0, None),
    })
}

/// The review of one period's drafts (the newest period with drafts when none is named).
pub async fn review(
    db: &impl ConnectionTrait,
    period: Option<Period>,
) -> Result<DraftReview, BillingError> {
    let periods = periods(db).await?;
    let period = match period {
        Some(p) => p,
        None => match periods.first() {
            Some(p) => super::invoices::parse_period(p)?,
            None => {
                return Ok(DraftReview {
                    periods,
                    ..Default::default()
                });
            }
        },
    };
    let rows = DraftData::find_by_statement(stmt(
        db,
        &format!(
            "SELECT i.id, i.customer_id, c.code, c.name, i.package_name, i.due_date, i.amount, \
             CASE WHEN {REACHABLE_SQL} THEN 1 ELSE 0 END AS reachable \
             FROM invoices i JOIN customers c ON c.id = i.customer_id \
             WHERE i.period = ? AND i.status = 'draft' ORDER BY c.code"
        ),
        vec![period.to_string().into()],
    ))
    .all(db)
    .await?;
    let missing = candidates(db, period)
        .await?
        .into_iter()
        .map(|c| MissingCustomer {
            price: c.price(),
            id: c.id,
            code: c.code,
            name: c.name,
        })
        .collect();
    Ok(DraftReview {
        period: period.to_string(),
        period_label: period.label(),
        periods,
        total_amount: rows.iter().map(|r| r.amount).sum(),
        rows: rows
            .into_iter()
            .map(|r| DraftRow {
                id: r.id,
                customer_id: r.customer_id,
                customer_code: r.code,
                customer_name: r.name,
                package_name: r.package_name,
                due_date: r.due_date,
                amount: r.amount,
                reachable: r.reachable != 0,
            })
            .collect(),
        missing,
    })
}

fn parse_amount(text: &str) -> Result<i64, BillingError> {
    match parse_rupiah(text) {
        Ok(0) => Err(BillingError::field(
            "amount",
            "Jumlah harus lebih dari Rp 0.",
        )),
        Ok(a) => Ok(a),
        Err(e) => Err(BillingError::field("amount", e)),
    }
}

async fn draft(db: &impl ConnectionTrait, id: i32) -> Result<invoices::Model, BillingError> {
    invoices::Entity::find_by_id(id)
        .filter(invoices::Column::Status.eq(DRAFT))
        .one(db)
        .await?
        .ok_or(BillingError::NotFound)
}

/// Changes a draft's amount (nothing is owed yet, so no money record).
pub async fn set_amount(
    db: &DatabaseConnection,
    id: i32,
    amount: &str,
    now: DateTime<Utc>,
) -> Result<i64, BillingError> {
    let amount = parse_amount(amount)?;
    let d = draft(db, id).await?;
    let mut a: invoices::ActiveModel = d.into();
    a.amount = Set(amount);
    a.updated_at = Set(now);
    a.update(db).await?;
    Ok(amount)
}

/// Removes a draft: that customer is not billed this period (unless added back).
pub async fn remove(db: &DatabaseConnection, id: i32) -> Result<(), BillingError> {
    let d = draft(db, id).await?;
    invoices::Entity::delete_by_id(d.id).exec(db).await?;
    Ok(())
}

/// Adds a draft for an active customer the run left out (no price, or added after the run).
pub async fn add(
    db: &DatabaseConnection,
    period: Period,
    customer_id: i32,
    amount: &str,
    now: DateTime<Utc>,
) -> Result<i32, BillingError> {
    let r = rules(db).await?;
    let txn = begin_write(db).await?;
    let c = candidates(&txn, period)
        .await?
        .into_iter()
        .find(|c| c.id == customer_id)
        .ok_or_else(|| {
            BillingError::field(
                "customer_id",
                "Pelanggan ini tidak aktif atau sudah punya tagihan periode ini.",
            )
        })?;
    let amount = if amount.trim().is_empty() {
        c.price()
            .and_then(|p| r.charge(period, p, c.start_date))
            .ok_or_else(|| {
                BillingError::field(
                    "amount",
                    "Pelanggan ini tidak punya harga paket: isi jumlahnya.",
                )
            })?
    } else {
        parse_amount(amount)?
    };
    let id = invoices::Entity::insert(draft_model(period, &c, amount, now))
        .exec(&txn)
        .await?
        .last_insert_id;
    txn.commit().await?;
    Ok(id)
}

/// What issuing the drafts did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Issued {
    pub count: u64,
    pub total_amount: i64,
    pub first_number: Option<String>,
    pub last_number: Option<String>,
    /// The customers now billed, in number order (their statements go next).
    pub customers: Vec<i32>,
}

/// Issues every draft of the period in one transaction: numbers from the period's sequence
/// (in customer-code order), issue date today, arrears as owed right now.
pub async fn issue(
    db: &DatabaseConnection,
    period: Period,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Issued, BillingError> {
    let txn = begin_write(db).await?;
    let seq = sequence::invoice(period);
    sequence::lock(&txn, &seq).await?;
    #[derive(FromQueryResult)]
    struct Id {
        id: i32,
    }
    let order = Id::find_by_statement(stmt(
        &txn,
        "SELECT i.id FROM invoices i JOIN customers c ON c.id = i.customer_id \
         WHERE i.period = ? AND i.status = 'draft' ORDER BY c.code, i.id",
        vec![period.to_string().into()],
    ))
    .all(&txn)
    .await?;
    let mut out = Issued::default();
    if order.is_empty() {
        txn.commit().await?;
        return Ok(out);
    }
    let drafts: std::collections::HashMap<i32, invoices::Model> = invoices::Entity::find()
        .filter(invoices::Column::Period.eq(period.to_string()))
        .filter(invoices::Column::Status.eq(DRAFT))
        .order_by_asc(invoices::Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let arrears = arrears_before(&txn, period).await?;
    let rules = rules(&txn).await?;
    let n = order.len() as i64;
    let total: i64 = drafts.values().map(|d| d.amount).sum();
    // Issued drafts are a run like any other: recorded, so it can be undone.
    let record = invoice_runs::ActiveModel {
        period: Set(period.to_string()),
        state: Set("issued".to_owned()),
        created: Set(n as i32),
        total_amount: Set(total),
        created_by: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let last = sequence::take(&txn, &seq, n).await?;
    let first = last - n + 1;
    for (i, Id { id }) in order.into_iter().enumerate() {
        let Some(d) = drafts.get(&id) else { continue };
        let customer = d.customer_id;
        out.total_amount += d.amount;
        let mut a: invoices::ActiveModel = d.clone().into();
        a.number = Set(invoice_number(period, first + i as i64));
        a.status = Set(InvoiceStatus::Unpaid.as_str().to_owned());
        a.issue_date = Set(today);
        // Published after the billing day: never due before it is issued.
        if d.due_date < today {
            a.due_date = Set(d
                .due_date
                .max(today + chrono::Days::new(rules.grace_days as u64)));
        }
        a.run_id = Set(Some(record.id));
        a.arrears = Set(arrears.get(&customer).copied().unwrap_or(0));
        a.updated_at = Set(now);
        a.update(&txn).await?;
        out.customers.push(customer);
    }
    for id in with_credit(&txn, &out.customers).await? {
        apply_credit(&txn, id, None, now).await?;
    }
    txn.commit().await?;
    out.count = n as u64;
    out.first_number = Some(invoice_number(period, first));
    out.last_number = Some(invoice_number(period, last));
    Ok(out)
}
