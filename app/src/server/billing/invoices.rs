//! The monthly invoice run, the invoice table, invoice detail, void and discount.

use super::{
    sequence,
    sql::{contains_pattern, stmt},
};
use crate::{
    api::invoices::{
        AllocationView, CustomerBrief, InvoiceCounts, InvoiceDetail, InvoicePage, InvoiceQuery,
        InvoiceRow, PER_PAGE, RunPreview, RunResult, SortKey,
    },
    domain::{
        billing::{
            InvoiceStatus, PaymentMethod, days_late, derive_status, invoice_number, is_overdue,
            outstanding, total,
        },
        dates::Period,
        money::parse_rupiah,
        phone::PhoneStatus,
    },
    error::AppError,
    server::{db::begin_write, entity::invoices},
};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, FromQueryResult,
    Set, Value,
};
use std::collections::HashMap;

/// Rows per INSERT statement (17 values each; well inside SQLite's and PostgreSQL's limits).
const CHUNK: usize = 1000;
/// Customers without a price listed by name in the preview.
const NO_PRICE_SHOWN: usize = 20;

pub fn parse_period(s: &str) -> Result<Period, AppError> {
    Period::parse(s).map_err(|m| AppError::field("period", m))
}

/// An active customer the run would invoice, with what to charge.
#[derive(Debug, FromQueryResult)]
struct Candidate {
    id: i32,
    code: String,
    name: String,
    billing_day: i16,
    price_override: Option<i64>,
    package_name: Option<String>,
    package_speed_mbps: Option<i32>,
    package_price: Option<i64>,
}

impl Candidate {
    /// The override, else the package price; `None` (skipped) when neither gives money.
    fn amount(&self) -> Option<i64> {
        self.price_override
            .or(self.package_price)
            .filter(|a| *a > 0)
    }
}

async fn candidates(db: &impl ConnectionTrait, period: Period) -> Result<Vec<Candidate>, AppError> {
    Ok(Candidate::find_by_statement(stmt(
        db,
        "SELECT c.id, c.code, c.name, c.billing_day, c.price_override, \
         p.name AS package_name, p.speed_mbps AS package_speed_mbps, p.price AS package_price \
         FROM customers c LEFT JOIN packages p ON p.id = c.package_id \
         WHERE c.status = 'active' AND NOT EXISTS \
           (SELECT 1 FROM invoices i WHERE i.customer_id = c.id AND i.period = ?) \
         ORDER BY c.id",
        vec![period.to_string().into()],
    ))
    .all(db)
    .await?)
}

async fn count(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Result<u64, AppError> {
    let n = db
        .query_one_raw(stmt(db, sql, values))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    Ok(n as u64)
}

/// Active customers already invoiced for the period.
async fn existing(db: &impl ConnectionTrait, period: Period) -> Result<u64, AppError> {
    count(
        db,
        "SELECT COUNT(*) AS n FROM invoices i JOIN customers c ON c.id = i.customer_id \
         WHERE i.period = ? AND c.status = 'active'",
        vec![period.to_string().into()],
    )
    .await
}

pub async fn preview_run(
    db: &impl ConnectionTrait,
    period: Period,
) -> Result<RunPreview, AppError> {
    let all = candidates(db, period).await?;
    let (priced, unpriced): (Vec<_>, Vec<_>) = all.into_iter().partition(|c| c.amount().is_some());
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
    Ok(RunPreview {
        period: period.to_string(),
        period_label: period.label(),
        to_create: priced.len() as u64,
        total_amount: priced.iter().filter_map(Candidate::amount).sum(),
        existing: existing(db, period).await?,
        no_price_count: unpriced.len() as u64,
        no_price: unpriced
            .into_iter()
            .take(NO_PRICE_SHOWN)
            .map(|c| CustomerBrief {
                id: c.id,
                code: c.code,
                name: c.name,
            })
            .collect(),
        first_number: (!priced.is_empty()).then(|| invoice_number(period, next)),
    })
}

/// What each customer owes on open invoices of periods before `period`.
async fn arrears_before(
    db: &impl ConnectionTrait,
    period: Period,
) -> Result<HashMap<i32, i64>, AppError> {
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
/// - One per active customer with a price; the unique (customer, period) index backs this up.
/// - Idempotent: customers already invoiced for the period are skipped and counted.
/// - Numbers `INV-YYYYMM-nnnnn` come from the period's sequence row, locked first: a second
///   run racing this one waits for it, then sees its invoices and creates nothing twice.
/// - Due date = the customer's billing day in the period, clamped to the month's end.
/// - Arrears = what the customer owes on older open invoices right now.
pub async fn run(
    db: &DatabaseConnection,
    period: Period,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<RunResult, AppError> {
    let txn = begin_write(db).await?;
    let seq = sequence::invoice(period);
    // Lock before reading: whoever holds the lock sees every invoice committed before it.
    sequence::lock(&txn, &seq).await?;
    let all = candidates(&txn, period).await?;
    let skipped_existing = existing(&txn, period).await?;
    let (priced, unpriced): (Vec<_>, Vec<_>) = all.into_iter().partition(|c| c.amount().is_some());
    let mut result = RunResult {
        period: period.to_string(),
        period_label: period.label(),
        created: 0,
        total_amount: 0,
        skipped_existing,
        skipped_no_price: unpriced.len() as u64,
        first_number: None,
        last_number: None,
    };
    if priced.is_empty() {
        txn.commit().await?;
        return Ok(result);
    }
    let arrears = arrears_before(&txn, period).await?;
    let n = priced.len() as i64;
    let last = sequence::take(&txn, &seq, n).await?;
    let first = last - n + 1;
    let period_text = period.to_string();
    let models: Vec<invoices::ActiveModel> = priced
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let amount = c.amount().unwrap_or_default();
            result.total_amount += amount;
            invoices::ActiveModel {
                number: Set(invoice_number(period, first + i as i64)),
                customer_id: Set(c.id),
                period: Set(period_text.clone()),
                issue_date: Set(today),
                due_date: Set(period.due_date(c.billing_day.max(1) as u32)),
                package_name: Set(c.package_name),
                package_speed_mbps: Set(c.package_speed_mbps),
                amount: Set(amount),
                arrears: Set(arrears.get(&c.id).copied().unwrap_or(0)),
                discount: Set(0),
                paid: Set(0),
                status: Set(InvoiceStatus::Unpaid.as_str().to_owned()),
                void_reason: Set(None),
                voided_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        })
        .collect();
    for chunk in models.chunks(CHUNK) {
        invoices::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    result.created = n as u64;
    result.first_number = Some(invoice_number(period, first));
    result.last_number = Some(invoice_number(period, last));
    Ok(result)
}

/// The WHERE clause of the invoice table. Every condition is on `invoices i` (customer
/// conditions are `customer_id IN (…)` subqueries), so counts and the page's id query need no
/// join and can be answered from the invoice indexes.
struct Filter {
    clauses: Vec<String>,
    values: Vec<Value>,
}

/// Case-insensitive "contains" for customer names: SQLite's LIKE already ignores ASCII case
/// (and LOWER() would cost a function call per row); PostgreSQL has ILIKE.
pub(crate) fn ilike(backend: DbBackend) -> &'static str {
    if backend == DbBackend::Postgres {
        "ILIKE"
    } else {
        "LIKE"
    }
}

/// Period, has-WhatsApp and search; status/overdue are added by [`status_filter`].
///
/// Search: text starting with `INV` finds invoice numbers by prefix (within the period it
/// names, when it names one); a whole customer code (`PLG-00042`) finds that customer;
/// anything else finds customers whose name or code contains it.
fn base_filter(q: &InvoiceQuery, backend: DbBackend) -> Result<Filter, AppError> {
    let mut f = Filter {
        clauses: Vec::new(),
        values: Vec::new(),
    };
    if !q.period.trim().is_empty() {
        let p = parse_period(&q.period)?;
        f.clauses.push("i.period = ?".into());
        f.values.push(p.to_string().into());
    }
    if q.has_wa {
        f.clauses.push(
            "i.customer_id IN (SELECT id FROM customers WHERE wa_number IS NOT NULL \
             AND phone_status IN ('valid', 'warning') AND wa_exists IS NOT FALSE)"
                .into(),
        );
    }
    let text = q.q.trim();
    if !text.is_empty() {
        let upper = text.to_uppercase();
        if upper.starts_with("INV") {
            // INV-202611-00012: the period is in the number.
            if let Some(p) = upper
                .get(4..10)
                .and_then(|c| Period::parse(&format!("{}-{}", &c[..4], &c[4..])).ok())
            {
                f.clauses.push("i.period = ?".into());
                f.values.push(p.to_string().into());
            }
            let mut pattern = contains_pattern(&upper);
            pattern.remove(0);
            f.clauses.push("i.number LIKE ? ESCAPE '\\'".into());
            f.values.push(pattern.into());
        } else if upper.starts_with("PLG-")
            && upper.len() >= 9
            && upper[4..].chars().all(|c| c.is_ascii_digit())
        {
            // A whole customer code: the unique index finds it.
            f.clauses
                .push("i.customer_id IN (SELECT id FROM customers WHERE code = ?)".into());
            f.values.push(upper.into());
        } else {
            let pattern = contains_pattern(text);
            let op = ilike(backend);
            f.clauses.push(format!(
                "i.customer_id IN (SELECT id FROM customers WHERE name {op} ? ESCAPE '\\' \
                 OR code {op} ? ESCAPE '\\')"
            ));
            f.values.extend([pattern.clone().into(), pattern.into()]);
        }
    }
    Ok(f)
}

/// Adds the status and overdue filters.
fn status_filter(f: &mut Filter, q: &InvoiceQuery, today: NaiveDate) -> Result<(), AppError> {
    match q.status.trim() {
        "" => {}
        "open" => f.clauses.push("i.status IN ('unpaid', 'partial')".into()),
        s => {
            let s = InvoiceStatus::parse(s)
                .ok_or_else(|| AppError::field("status", "Status tidak dikenal."))?;
            f.clauses.push("i.status = ?".into());
            f.values.push(s.as_str().into());
        }
    }
    if q.overdue {
        f.clauses
            .push("i.status IN ('unpaid', 'partial') AND i.due_date < ?".into());
        f.values.push(today.into());
    }
    Ok(())
}

fn where_sql(clauses: &[String]) -> String {
    if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    }
}

#[derive(Debug, FromQueryResult)]
struct RowData {
    id: i32,
    number: String,
    period: String,
    customer_id: i32,
    customer_code: String,
    customer_name: String,
    wa_number: Option<String>,
    phone_status: String,
    wa_exists: Option<bool>,
    due_date: NaiveDate,
    package_name: Option<String>,
    amount: i64,
    arrears: i64,
    discount: i64,
    paid: i64,
    status: String,
}

fn row_view(r: RowData, today: NaiveDate) -> InvoiceRow {
    let status = InvoiceStatus::parse(&r.status).unwrap_or(InvoiceStatus::Unpaid);
    let phone_status = PhoneStatus::parse(&r.phone_status).unwrap_or(PhoneStatus::Invalid);
    InvoiceRow {
        wa_ok: r.wa_number.is_some() && phone_status.is_usable() && r.wa_exists != Some(false),
        total: total(r.amount, r.arrears, r.discount),
        outstanding: if status == InvoiceStatus::Void {
            0
        } else {
            outstanding(r.amount, r.discount, r.paid)
        },
        overdue: is_overdue(status, r.due_date, today),
        id: r.id,
        number: r.number,
        period: r.period,
        customer_id: r.customer_id,
        customer_code: r.customer_code,
        customer_name: r.customer_name,
        wa_number: r.wa_number,
        phone_status,
        due_date: r.due_date,
        package_name: r.package_name,
        amount: r.amount,
        arrears: r.arrears,
        discount: r.discount,
        paid: r.paid,
        status,
    }
}

/// ORDER BY for the table; the expressions match the indexes of migration 14 (the status
/// rank and the total are indexed expressions), ties broken by id.
fn order_sql(q: &InvoiceQuery) -> String {
    let dir = if q.desc { "DESC" } else { "ASC" };
    match SortKey::parse(&q.sort) {
        SortKey::Number => format!("i.number {dir}"),
        SortKey::Customer => format!("c.name {dir}, c.id {dir}, i.id {dir}"),
        SortKey::DueDate => format!("i.due_date {dir}, i.id {dir}"),
        SortKey::Total => format!("(i.amount + i.arrears - i.discount) {dir}, i.id {dir}"),
        SortKey::Status => format!(
            "(CASE i.status WHEN 'unpaid' THEN 0 WHEN 'partial' THEN 1 WHEN 'paid' THEN 2 \
             ELSE 3 END) {dir}, i.id {dir}"
        ),
    }
}

const ROW_SELECT: &str = "SELECT i.id, i.number, i.period, i.customer_id, c.code AS customer_code, \
    c.name AS customer_name, c.wa_number, c.phone_status, c.wa_exists, i.due_date, i.package_name, \
    i.amount, i.arrears, i.discount, i.paid, i.status \
    FROM invoices i JOIN customers c ON c.id = i.customer_id";

/// Counts by status (and overdue) for the filters other than status/overdue: one pass over
/// the (period, status, due_date, customer_id) index.
async fn counts(
    db: &impl ConnectionTrait,
    f: &Filter,
    today: NaiveDate,
) -> Result<InvoiceCounts, AppError> {
    let mut values = vec![Value::from(today)];
    values.extend(f.values.iter().cloned());
    let rows = db
        .query_all_raw(stmt(
            db,
            &format!(
                "SELECT i.status, COUNT(*) AS n, \
                 CAST(SUM(CASE WHEN i.due_date < ? THEN 1 ELSE 0 END) AS BIGINT) AS late \
                 FROM invoices i{} GROUP BY i.status",
                where_sql(&f.clauses)
            ),
            values,
        ))
        .await?;
    let mut c = InvoiceCounts::default();
    for r in rows {
        let n = r.try_get::<i64>("", "n")? as u64;
        let late = r.try_get::<Option<i64>>("", "late")?.unwrap_or(0) as u64;
        c.all += n;
        match InvoiceStatus::parse(&r.try_get::<String>("", "status")?) {
            Some(InvoiceStatus::Unpaid) => {
                c.unpaid += n;
                c.overdue += late;
            }
            Some(InvoiceStatus::Partial) => {
                c.partial += n;
                c.overdue += late;
            }
            Some(InvoiceStatus::Paid) => c.paid += n,
            Some(InvoiceStatus::Void) => c.void += n,
            None => {}
        }
    }
    Ok(c)
}

/// The invoice table: filters, sort, a page of [`PER_PAGE`], counts by status.
///
/// Two steps keep deep pages cheap: the page's ids are found on the invoice indexes alone
/// (with the customers only when sorting by name), then those 50 rows are read with their
/// customers.
pub async fn list(
    db: &impl ConnectionTrait,
    q: &InvoiceQuery,
    today: NaiveDate,
) -> Result<InvoicePage, AppError> {
    let backend = db.get_database_backend();
    let base = base_filter(q, backend)?;
    let counts = counts(db, &base, today).await?;
    let total = match (q.status.trim(), q.overdue) {
        ("" | "open", true) => counts.overdue,
        (_, true) => count_filtered(db, q, today).await?,
        ("", false) => counts.all,
        ("open", false) => counts.unpaid + counts.partial,
        ("unpaid", false) => counts.unpaid,
        ("partial", false) => counts.partial,
        ("paid", false) => counts.paid,
        ("void", false) => counts.void,
        _ => return Err(AppError::field("status", "Status tidak dikenal.")),
    };
    let mut f = base;
    status_filter(&mut f, q, today)?;
    let page = q.page.max(1);
    let offset = i64::from(page - 1) * i64::from(PER_PAGE);
    let order = order_sql(q);
    let ids_sql = if SortKey::parse(&q.sort) == SortKey::Customer {
        // Customers first: walk the name index and look up each one's invoice, stopping after
        // a page (SQLite keeps CROSS JOIN's order; PostgreSQL plans it as a plain join).
        let mut clauses = vec!["c.id = i.customer_id".to_owned()];
        clauses.extend(f.clauses.iter().cloned());
        format!(
            "SELECT i.id FROM customers c CROSS JOIN invoices i{} ORDER BY {order} LIMIT ? OFFSET ?",
            where_sql(&clauses)
        )
    } else {
        format!(
            "SELECT i.id FROM invoices i{} ORDER BY {order} LIMIT ? OFFSET ?",
            where_sql(&f.clauses)
        )
    };
    let mut values = f.values;
    values.push(i64::from(PER_PAGE).into());
    values.push(offset.into());
    let rows = RowData::find_by_statement(stmt(
        db,
        &format!("{ROW_SELECT} WHERE i.id IN ({ids_sql}) ORDER BY {order}"),
        values,
    ))
    .all(db)
    .await?;
    Ok(InvoicePage {
        rows: rows.into_iter().map(|r| row_view(r, today)).collect(),
        total,
        page,
        per_page: PER_PAGE,
        counts,
        today,
    })
}

async fn count_filtered(
    db: &impl ConnectionTrait,
    q: &InvoiceQuery,
    today: NaiveDate,
) -> Result<u64, AppError> {
    let mut f = base_filter(q, db.get_database_backend())?;
    status_filter(&mut f, q, today)?;
    count(
        db,
        &format!(
            "SELECT COUNT(*) AS n FROM invoices i{}",
            where_sql(&f.clauses)
        ),
        f.values,
    )
    .await
}

/// Every invoice matching the filters (no paging), for the CSV export.
pub async fn export(
    db: &impl ConnectionTrait,
    q: &InvoiceQuery,
    today: NaiveDate,
) -> Result<String, AppError> {
    let mut f = base_filter(q, db.get_database_backend())?;
    status_filter(&mut f, q, today)?;
    let rows = RowData::find_by_statement(stmt(
        db,
        &format!(
            "{ROW_SELECT}{} ORDER BY {}",
            where_sql(&f.clauses),
            order_sql(q)
        ),
        f.values,
    ))
    .all(db)
    .await?;
    let fail = |e: csv::Error| {
        tracing::error!(error = %e, "csv export failed");
        AppError::Internal
    };
    let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 140 + 256));
    w.write_record([
        "nomor",
        "periode",
        "kode_pelanggan",
        "nama",
        "no_wa",
        "jatuh_tempo",
        "paket",
        "biaya_bulanan",
        "tunggakan",
        "diskon",
        "total",
        "dibayar",
        "sisa",
        "status",
        "terlambat",
    ])
    .map_err(fail)?;
    for r in rows {
        let v = row_view(r, today);
        w.write_record([
            v.number.as_str(),
            v.period.as_str(),
            v.customer_code.as_str(),
            v.customer_name.as_str(),
            v.wa_number.as_deref().unwrap_or(""),
            &v.due_date.to_string(),
            v.package_name.as_deref().unwrap_or(""),
            &v.amount.to_string(),
            &v.arrears.to_string(),
            &v.discount.to_string(),
            &v.total.to_string(),
            &v.paid.to_string(),
            &v.outstanding.to_string(),
            v.status.as_str(),
            if v.overdue { "ya" } else { "" },
        ])
        .map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|e| {
        tracing::error!(error = %e, "csv export failed");
        AppError::Internal
    })?;
    let mut out = String::from("\u{feff}");
    out.push_str(&String::from_utf8(bytes).map_err(|_| AppError::Internal)?);
    Ok(out)
}

/// Periods that have invoices, newest first (the last three years at most).
pub async fn periods(db: &impl ConnectionTrait) -> Result<Vec<String>, AppError> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT DISTINCT period FROM invoices ORDER BY period DESC LIMIT 36",
            vec![],
        ))
        .await?;
    rows.into_iter()
        .map(|r| r.try_get::<String>("", "period").map_err(Into::into))
        .collect()
}

/// What the customer owes now on open invoices of periods before `period`.
pub async fn current_arrears(
    db: &impl ConnectionTrait,
    customer_id: i32,
    period: &str,
) -> Result<i64, AppError> {
    let row = db
        .query_one_raw(stmt(
            db,
            "SELECT CAST(COALESCE(SUM(amount - discount - paid), 0) AS BIGINT) AS owed \
             FROM invoices WHERE customer_id = ? AND period < ? AND status IN ('unpaid', 'partial')",
            vec![customer_id.into(), period.into()],
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "owed"))
        .transpose()?
        .unwrap_or(0))
}

#[derive(Debug, FromQueryResult)]
struct DetailData {
    id: i32,
    number: String,
    period: String,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    customer_id: i32,
    customer_code: String,
    customer_name: String,
    phone: Option<String>,
    phone_status: String,
    wa_number: Option<String>,
    wa_chat_id: Option<String>,
    wa_exists: Option<bool>,
    address: Option<String>,
    package_name: Option<String>,
    package_speed_mbps: Option<i32>,
    amount: i64,
    arrears: i64,
    discount: i64,
    paid: i64,
    status: String,
    void_reason: Option<String>,
    voided_at: Option<DateTime<Utc>>,
}

#[derive(Debug, FromQueryResult)]
struct AllocationData {
    payment_id: i32,
    amount: i64,
    paid_at: DateTime<Utc>,
    method: String,
    reference: Option<String>,
    payment_amount: i64,
}

/// One invoice with its customer, package snapshot, payments and live arrears. The messages
/// issue renders invoice messages from this.
pub async fn detail(
    db: &impl ConnectionTrait,
    id: i32,
    today: NaiveDate,
    tz: Tz,
) -> Result<InvoiceDetail, AppError> {
    let d = DetailData::find_by_statement(stmt(
        db,
        "SELECT i.id, i.number, i.period, i.issue_date, i.due_date, i.customer_id, \
         c.code AS customer_code, c.name AS customer_name, c.phone, c.phone_status, c.wa_number, \
         c.wa_chat_id, c.wa_exists, c.address, i.package_name, i.package_speed_mbps, i.amount, \
         i.arrears, i.discount, i.paid, i.status, i.void_reason, i.voided_at \
         FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.id = ?",
        vec![id.into()],
    ))
    .one(db)
    .await?
    .ok_or(AppError::NotFound)?;
    let allocations = AllocationData::find_by_statement(stmt(
        db,
        "SELECT a.payment_id, a.amount, p.paid_at, p.method, p.reference, p.amount AS payment_amount \
         FROM payment_allocations a JOIN payments p ON p.id = a.payment_id \
         WHERE a.invoice_id = ? ORDER BY p.paid_at, a.id",
        vec![id.into()],
    ))
    .all(db)
    .await?;
    let status = InvoiceStatus::parse(&d.status).unwrap_or(InvoiceStatus::Unpaid);
    let current_arrears = if status == InvoiceStatus::Void {
        0
    } else {
        current_arrears(db, d.customer_id, &d.period).await?
    };
    let own = if status == InvoiceStatus::Void {
        0
    } else {
        outstanding(d.amount, d.discount, d.paid)
    };
    Ok(InvoiceDetail {
        period_label: Period::parse(&d.period)
            .map(Period::label)
            .unwrap_or_else(|_| d.period.clone()),
        total: total(d.amount, d.arrears, d.discount),
        outstanding: own,
        current_arrears,
        due_now: own + current_arrears,
        overdue: is_overdue(status, d.due_date, today),
        days_late: if status.is_open() {
            days_late(d.due_date, today)
        } else {
            0
        },
        days_until_due: (d.due_date - today).num_days(),
        phone_status: PhoneStatus::parse(&d.phone_status).unwrap_or(PhoneStatus::Invalid),
        payments: allocations
            .into_iter()
            .map(|a| AllocationView {
                payment_id: a.payment_id,
                paid_on: a.paid_at.with_timezone(&tz).date_naive(),
                paid_at: a.paid_at,
                method: PaymentMethod::parse(&a.method).unwrap_or(PaymentMethod::Other),
                reference: a.reference,
                amount: a.amount,
                payment_amount: a.payment_amount,
            })
            .collect(),
        id: d.id,
        number: d.number,
        period: d.period,
        issue_date: d.issue_date,
        due_date: d.due_date,
        customer_id: d.customer_id,
        customer_code: d.customer_code,
        customer_name: d.customer_name,
        phone: d.phone,
        wa_number: d.wa_number,
        wa_chat_id: d.wa_chat_id,
        wa_exists: d.wa_exists,
        address: d.address,
        package_name: d.package_name,
        package_speed_mbps: d.package_speed_mbps,
        amount: d.amount,
        arrears: d.arrears,
        discount: d.discount,
        paid: d.paid,
        status,
        void_reason: d.void_reason,
        voided_at: d.voided_at,
        today,
    })
}

pub const REASON_MAX: usize = 500;

/// Voids an invoice. Refused when it has payments: cancel those first (they would otherwise
/// become money the customer paid for nothing), and refused twice.
pub async fn void(
    db: &DatabaseConnection,
    id: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::field("reason", "Tulis alasan pembatalan."));
    }
    if reason.chars().count() > REASON_MAX {
        return Err(AppError::field(
            "reason",
            format!("Alasan paling banyak {REASON_MAX} karakter."),
        ));
    }
    let txn = begin_write(db).await?;
    let inv = invoices::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if inv.status == InvoiceStatus::Void.as_str() {
        return Err(AppError::Conflict(format!(
            "Tagihan {} sudah dibatalkan.",
            inv.number
        )));
    }
    if inv.paid > 0 {
        return Err(AppError::Conflict(format!(
            "Tagihan {} sudah menerima pembayaran {}. Batalkan pembayarannya dulu, lalu batalkan tagihan.",
            inv.number,
            crate::domain::money::rupiah(inv.paid)
        )));
    }
    let mut a: invoices::ActiveModel = inv.into();
    a.status = Set(InvoiceStatus::Void.as_str().to_owned());
    a.void_reason = Set(Some(reason.to_owned()));
    a.voided_at = Set(Some(now));
    a.updated_at = Set(now);
    a.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Sets the discount of an open or paid invoice; it cannot exceed the amount nor leave the
/// invoice owing less than was already paid.
pub async fn set_discount(
    db: &DatabaseConnection,
    id: i32,
    discount: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let discount = if discount.trim().is_empty() {
        0
    } else {
        parse_rupiah(discount).map_err(|m| AppError::field("discount", m))?
    };
    let txn = begin_write(db).await?;
    let inv = invoices::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if inv.status == InvoiceStatus::Void.as_str() {
        return Err(AppError::Conflict(
            "Tagihan yang dibatalkan tidak bisa diubah.".into(),
        ));
    }
    if discount > inv.amount {
        return Err(AppError::field(
            "discount",
            format!(
                "Diskon tidak boleh melebihi biaya bulanan ({}).",
                crate::domain::money::rupiah(inv.amount)
            ),
        ));
    }
    if inv.paid > inv.amount - discount {
        return Err(AppError::field(
            "discount",
            format!(
                "Sudah dibayar {}; diskon paling besar {}.",
                crate::domain::money::rupiah(inv.paid),
                crate::domain::money::rupiah(inv.amount - inv.paid)
            ),
        ));
    }
    let status = derive_status(inv.amount, discount, inv.paid);
    let mut a: invoices::ActiveModel = inv.into();
    a.discount = Set(discount);
    a.status = Set(status.as_str().to_owned());
    a.updated_at = Set(now);
    a.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// The ids of every invoice matching the table's filters (no paging), in the table's order:
/// what "Kirim Semua via WhatsApp" acts on.
pub async fn matching_ids(
    db: &impl ConnectionTrait,
    q: &InvoiceQuery,
    today: NaiveDate,
) -> Result<Vec<i32>, AppError> {
    let mut f = base_filter(q, db.get_database_backend())?;
    status_filter(&mut f, q, today)?;
    let rows = db
        .query_all_raw(stmt(
            db,
            &format!(
                "SELECT i.id FROM invoices i JOIN customers c ON c.id = i.customer_id{} ORDER BY {}",
                where_sql(&f.clauses),
                order_sql(q)
            ),
            f.values,
        ))
        .await?;
    rows.into_iter()
        .map(|r| r.try_get::<i32>("", "id").map_err(Into::into))
        .collect()
}
