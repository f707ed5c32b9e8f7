//! The invoice table: filters, sort, paging and counts by status, in SQL that runs on SQLite
//! and PostgreSQL alike; also the ids "Kirim Semua" acts on.

use super::super::sql::{contains_pattern, count_of, stmt};
use super::run::parse_period;
use crate::{
    domain::{
        aging::AgingBucket,
        billing::{InvoiceStatus, is_overdue, outstanding},
        dates::Period,
        phone::PhoneStatus,
        statement::Statement,
        whatsapp::Reach,
    },
    dto::invoices::{InvoiceCounts, InvoicePage, InvoiceQuery, InvoiceRow, PER_PAGE, SortKey},
    server::billing::{BillingError, receivables::aging_clause},
    server::reach::REACHABLE_SQL,
};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};
use std::collections::HashMap;

/// The WHERE clause of the invoice table. Every condition is on `invoices i` (customer
/// conditions are `customer_id IN (…)` subqueries), so counts and the page's id query need no
/// join and can be answered from the invoice indexes.
pub(super) struct Filter {
    pub(super) clauses: Vec<String>,
    pub(super) values: Vec<Value>,
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

/// Period, has-WhatsApp, aging and search; status/overdue are added by [`status_filter`].
///
/// Search: text starting with `INV` finds invoice numbers by prefix (within the period it
/// names, when it names one); a whole customer code (`PLG-00042`) finds that customer;
/// anything else finds customers whose name or code contains it.
pub(super) fn base_filter(
    q: &InvoiceQuery,
    backend: DbBackend,
    today: NaiveDate,
) -> Result<Filter, BillingError> {
    // Drafts live on "Tinjau tagihan" only: no table, count, export or send sees them.
    let mut f = Filter {
        clauses: vec!["i.status <> 'draft'".into()],
        values: Vec::new(),
    };
    if !q.period.trim().is_empty() {
        let p = parse_period(&q.period)?;
        f.clauses.push("i.period = ?".into());
        f.values.push(p.to_string().into());
    }
    if q.has_wa {
        f.clauses.push(format!(
            "i.customer_id IN (SELECT c.id FROM customers c WHERE {REACHABLE_SQL})"
        ));
    }
    if !q.aging.trim().is_empty() {
        // Piutang's buckets: the open invoices of the customers in that bucket.
        let bucket = AgingBucket::parse(&q.aging)
            .ok_or_else(|| BillingError::field("aging", "Kelompok umur piutang tidak dikenal."))?;
        let (clause, values) = aging_clause(bucket, today);
        f.clauses.push(clause);
        f.values.extend(values);
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
pub(super) fn status_filter(
    f: &mut Filter,
    q: &InvoiceQuery,
    today: NaiveDate,
) -> Result<(), BillingError> {
    match q.status.trim() {
        "" => {}
        "open" => f.clauses.push("i.status IN ('unpaid', 'partial')".into()),
        s => {
            let s = InvoiceStatus::parse(s)
                .ok_or_else(|| BillingError::field("status", "Status tidak dikenal."))?;
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

pub(super) fn where_sql(clauses: &[String]) -> String {
    if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    }
}

#[derive(Debug, FromQueryResult)]
pub(super) struct RowData {
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

impl RowData {
    pub(super) fn customer_id(&self) -> i32 {
        self.customer_id
    }
}

/// The statements of the rows' customers: what each owes now.
pub(super) async fn statements_of(
    db: &impl ConnectionTrait,
    rows: &[RowData],
) -> Result<HashMap<i32, Statement>, BillingError> {
    let mut ids: Vec<i32> = rows.iter().map(RowData::customer_id).collect();
    ids.sort_unstable();
    ids.dedup();
    crate::server::billing::statement::for_customers(db, &ids).await
}

pub(super) fn row_view(
    r: RowData,
    today: NaiveDate,
    statements: &HashMap<i32, Statement>,
) -> InvoiceRow {
    let status = InvoiceStatus::parse(&r.status).unwrap_or(InvoiceStatus::Unpaid);
    let phone_status = PhoneStatus::parse(&r.phone_status).unwrap_or(PhoneStatus::Invalid);
    let st = statements.get(&r.customer_id);
    InvoiceRow {
        wa_ok: Reach::of(r.wa_number.as_deref(), Some(phone_status), r.wa_exists).is_ready(),
        owed_now: st.map(Statement::owed).unwrap_or(0),
        open_months: st.map(|s| s.months() as u32).unwrap_or(0),
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
pub(super) fn order_sql(q: &InvoiceQuery) -> String {
    let dir = if q.desc { "DESC" } else { "ASC" };
    match SortKey::parse(&q.sort) {
        SortKey::Number => format!("i.number {dir}"),
        SortKey::Customer => format!("c.name {dir}, c.id {dir}, i.id {dir}"),
        SortKey::DueDate => format!("i.due_date {dir}, i.id {dir}"),
        SortKey::Total => format!("(i.amount - i.discount) {dir}, i.id {dir}"),
        SortKey::Status => format!(
            "(CASE i.status WHEN 'unpaid' THEN 0 WHEN 'partial' THEN 1 WHEN 'paid' THEN 2 \
             ELSE 3 END) {dir}, i.id {dir}"
        ),
    }
}

pub(super) const ROW_SELECT: &str = "SELECT i.id, i.number, i.period, i.customer_id, c.code AS customer_code, \
    c.name AS customer_name, c.wa_number, c.phone_status, c.wa_exists, i.due_date, i.package_name, \
    i.amount, i.arrears, i.discount, i.paid, i.status \
    FROM invoices i JOIN customers c ON c.id = i.customer_id";

/// Counts by status (and overdue) for the filters other than status/overdue: one pass over
/// the (period, status, due_date, customer_id) index.
async fn counts(
    db: &impl ConnectionTrait,
    f: &Filter,
    today: NaiveDate,
) -> Result<InvoiceCounts, BillingError> {
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
            Some(InvoiceStatus::Draft) | None => {}
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
) -> Result<InvoicePage, BillingError> {
    let backend = db.get_database_backend();
    let base = base_filter(q, backend, today)?;
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
        _ => return Err(BillingError::field("status", "Status tidak dikenal.")),
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
    let statements = statements_of(db, &rows).await?;
    Ok(InvoicePage {
        rows: rows
            .into_iter()
            .map(|r| row_view(r, today, &statements))
            .collect(),
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
) -> Result<u64, BillingError> {
    let mut f = base_filter(q, db.get_database_backend(), today)?;
    status_filter(&mut f, q, today)?;
    Ok(count_of(
        db,
        &format!(
            "SELECT COUNT(*) AS n FROM invoices i{}",
            where_sql(&f.clauses)
        ),
        f.values,
    )
    .await?)
}

/// Periods that have invoices, newest first (the last three years at most).
pub async fn periods(db: &impl ConnectionTrait) -> Result<Vec<String>, BillingError> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT DISTINCT period FROM invoices WHERE status <> 'draft' ORDER BY period DESC LIMIT 36",
            vec![],
        ))
        .await?;
    rows.into_iter()
        .map(|r| r.try_get::<String>("", "period").map_err(Into::into))
        .collect()
}

/// The ids of every invoice matching the table's filters (no paging), in the table's order:
/// what "Kirim Semua via WhatsApp" acts on.
pub async fn matching_ids(
    db: &impl ConnectionTrait,
    q: &InvoiceQuery,
    today: NaiveDate,
) -> Result<Vec<i32>, BillingError> {
    let mut f = base_filter(q, db.get_database_backend(), today)?;
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
