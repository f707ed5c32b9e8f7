//! Pembayaran: the payments that came in over a date range, with totals by method, by who
//! recorded them and by day, and the same rows as CSV for the bookkeeper. A reversed payment
//! is listed, marked, and counted apart: it is not money received.

use super::{
    BillingError, clock,
    sql::{contains_pattern, stmt},
};
use crate::{
    domain::{billing::PaymentMethod, dates::parse_iso_date},
    dto::payments::{
        MAX_RANGE_DAYS, PAYMENTS_PER_PAGE, PaymentListRow, PaymentPage, PaymentQuery,
        PaymentTotals, Reversal, Tally,
    },
    server::{
        billing::invoices::ilike,
        export::{CsvOut, ExportError},
    },
};
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use std::collections::{BTreeMap, HashMap};

/// The filters made concrete: the date range (defaults: this month up to today) and the SQL.
struct Filter {
    from: NaiveDate,
    to: NaiveDate,
    clauses: Vec<String>,
    values: Vec<Value>,
}

fn filter(
    q: &PaymentQuery,
    today: NaiveDate,
    tz: Tz,
    db: &impl ConnectionTrait,
) -> Result<Filter, BillingError> {
    let date = |field: &'static str, text: &str| -> Result<Option<NaiveDate>, BillingError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        parse_iso_date(text)
            .map(Some)
            .ok_or_else(|| BillingError::field(field, "Tanggal tidak dikenal (TTTT-BB-HH)."))
    };
    let from = date("from", &q.from)?;
    let to = date("to", &q.to)?.unwrap_or(today);
    let from = from.unwrap_or_else(|| to.with_day(1).unwrap_or(to));
    if from > to {
        return Err(BillingError::field(
            "from",
            "Tanggal awal harus sebelum tanggal akhir.",
        ));
    }
    if (to - from).num_days() > MAX_RANGE_DAYS {
        return Err(BillingError::field(
            "from",
            "Rentang paling lama satu tahun: perkecil rentang tanggalnya.",
        ));
    }
    let end = to.checked_add_days(Days::new(1)).unwrap_or(to);
    let mut f = Filter {
        from,
        to,
        clauses: vec!["p.paid_at >= ?".into(), "p.paid_at < ?".into()],
        values: vec![
            clock::day_start_utc(from, tz).into(),
            clock::day_start_utc(end, tz).into(),
        ],
    };
    if !q.method.trim().is_empty() {
        let m = PaymentMethod::parse(q.method.trim())
            .ok_or_else(|| BillingError::field("method", "Pilih cara bayar dari daftar."))?;
        f.clauses.push("p.method = ?".into());
        f.values.push(m.as_str().into());
    }
    let user = q.user.trim();
    if !user.is_empty() {
        f.clauses.push("u.username = ?".into());
        f.values.push(user.to_lowercase().into());
    }
    let text = q.q.trim();
    if !text.is_empty() {
        let op = ilike(db.get_database_backend());
        f.clauses.push(format!(
            "(c.name {op} ? ESCAPE '\\' OR c.code {op} ? ESCAPE '\\')"
        ));
        let pattern = contains_pattern(text);
        f.values.extend([pattern.clone().into(), pattern.into()]);
    }
    Ok(f)
}

const FROM_SQL: &str = "FROM payments p JOIN customers c ON c.id = p.customer_id \
     LEFT JOIN users u ON u.id = p.recorded_by";

fn where_sql(f: &Filter) -> String {
    format!(" WHERE {}", f.clauses.join(" AND "))
}

#[derive(FromQueryResult)]
struct TallyRow {
    paid_at: DateTime<Utc>,
    amount: i64,
    method: String,
    username: Option<String>,
    reversed: i32,
}

#[derive(FromQueryResult)]
struct Row {
    id: i32,
    paid_at: DateTime<Utc>,
    customer_id: i32,
    code: String,
    name: String,
    amount: i64,
    method: String,
    reference: Option<String>,
    username: Option<String>,
    reversed_at: Option<DateTime<Utc>>,
    reversed_by_name: Option<String>,
    reverse_reason: Option<String>,
}

fn method_of(s: &str) -> PaymentMethod {
    PaymentMethod::parse(s).unwrap_or(PaymentMethod::Other)
}

/// Who recorded, as the page shows it.
fn user_label(u: &str) -> String {
    if u.is_empty() {
        "Sistem / impor".to_owned()
    } else {
        u.to_owned()
    }
}

fn add(map: &mut BTreeMap<String, (u64, i64)>, key: String, amount: i64) {
    let e = map.entry(key).or_default();
    e.0 += 1;
    e.1 += amount;
}

/// Totals over every matching payment (one light pass; the range is at most a year).
async fn totals(
    db: &impl ConnectionTrait,
    f: &Filter,
    tz: Tz,
) -> Result<(PaymentTotals, u64), BillingError> {
    let rows = TallyRow::find_by_statement(stmt(
        db,
        &format!(
            "SELECT p.paid_at, p.amount, p.method, u.username, \
             CASE WHEN p.reversed_at IS NULL THEN 0 ELSE 1 END AS reversed {FROM_SQL}{}",
            where_sql(f)
        ),
        f.values.clone(),
    ))
    .all(db)
    .await?;
    let matching = rows.len() as u64;
    let mut t = PaymentTotals {
        count: 0,
        total: 0,
        reversed_count: 0,
        reversed_total: 0,
        by_method: Vec::new(),
        by_user: Vec::new(),
        by_day: Vec::new(),
    };
    let (mut methods, mut users, mut days) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    for r in rows {
        if r.reversed != 0 {
            t.reversed_count += 1;
            t.reversed_total += r.amount;
            continue;
        }
        t.count += 1;
        t.total += r.amount;
        add(&mut methods, r.method.clone(), r.amount);
        add(&mut users, r.username.unwrap_or_default(), r.amount);
        let day = r.paid_at.with_timezone(&tz).date_naive().to_string();
        add(&mut days, day, r.amount);
    }
    // Methods in their fixed order; people by what they took in; days newest first.
    t.by_method = PaymentMethod::ALL
        .into_iter()
        .filter_map(|m| {
            methods.get(m.as_str()).map(|(count, total)| Tally {
                key: m.as_str().to_owned(),
                label: m.label().to_owned(),
                count: *count,
                total: *total,
            })
        })
        .collect();
    t.by_user = users
        .into_iter()
        .map(|(key, (count, total))| Tally {
            label: user_label(&key),
            key,
            count,
            total,
        })
        .collect();
    t.by_user
        .sort_by(|a, b| b.total.cmp(&a.total).then(a.key.cmp(&b.key)));
    t.by_day = days
        .into_iter()
        .rev()
        .map(|(key, (count, total))| Tally {
            label: key.clone(),
            key,
            count,
            total,
        })
        .collect();
    Ok((t, matching))
}

const ROW_SQL: &str = "SELECT p.id, p.paid_at, p.customer_id, c.code, c.name, p.amount, p.method, \
     p.reference, u.username, p.reversed_at, ru.username AS reversed_by_name, p.reverse_reason \
     FROM payments p JOIN customers c ON c.id = p.customer_id \
     LEFT JOIN users u ON u.id = p.recorded_by LEFT JOIN users ru ON ru.id = p.reversed_by";

/// The invoices each payment paid (numbers, oldest first) and what it allocated in all.
async fn allocations(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, (Vec<String>, i64)>, BillingError> {
    let mut out: HashMap<i32, (Vec<String>, i64)> = HashMap::new();
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let rows = db
            .query_all_raw(stmt(
                db,
                &format!(
                    "SELECT a.payment_id, a.amount, i.number FROM payment_allocations a \
                     JOIN invoices i ON i.id = a.invoice_id WHERE a.payment_id IN ({marks}) \
                     ORDER BY a.payment_id, i.period, i.id"
                ),
                chunk.iter().map(|i| (*i).into()).collect(),
            ))
            .await?;
        for r in rows {
            let e = out.entry(r.try_get::<i32>("", "payment_id")?).or_default();
            e.0.push(r.try_get::<String>("", "number")?);
            e.1 += r.try_get::<i64>("", "amount")?;
        }
    }
    Ok(out)
}

fn to_view(r: Row, alloc: Option<&(Vec<String>, i64)>, tz: Tz) -> PaymentListRow {
    let (invoices, used) = alloc.cloned().unwrap_or_default();
    let reversed = r.reversed_at.map(|at| Reversal {
        at: clock::local(at, tz),
        by: r.reversed_by_name.clone().unwrap_or_default(),
        reason: r.reverse_reason.clone().unwrap_or_default(),
    });
    PaymentListRow {
        id: r.id,
        paid_at: clock::local(r.paid_at, tz),
        customer_id: r.customer_id,
        customer_code: r.code,
        customer_name: r.name,
        credit: if reversed.is_some() {
            0
        } else {
            (r.amount - used).max(0)
        },
        amount: r.amount,
        method: method_of(&r.method),
        reference: r.reference,
        recorded_by: r.username.unwrap_or_default(),
        invoices,
        reversed,
    }
}

async fn rows(
    db: &impl ConnectionTrait,
    f: &Filter,
    tz: Tz,
    limit: Option<(u32, u32)>,
) -> Result<Vec<PaymentListRow>, BillingError> {
    let mut values = f.values.clone();
    let mut sql = format!(
        "{ROW_SQL}{} ORDER BY p.paid_at DESC, p.id DESC",
        where_sql(f)
    );
    if let Some((page, per_page)) = limit {
        sql.push_str(" LIMIT ? OFFSET ?");
        values.push(i64::from(per_page).into());
        values.push((i64::from(page.max(1) - 1) * i64::from(per_page)).into());
    }
    let rows = Row::find_by_statement(stmt(db, &sql, values))
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let alloc = allocations(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let a = alloc.get(&r.id);
            to_view(r, a, tz)
        })
        .collect())
}

/// Usernames that have recorded a payment (the "Dicatat oleh" filter).
async fn recorders(db: &impl ConnectionTrait) -> Result<Vec<String>, BillingError> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT DISTINCT u.username FROM payments p JOIN users u ON u.id = p.recorded_by \
             ORDER BY u.username",
            vec![],
        ))
        .await?;
    rows.into_iter()
        .map(|r| r.try_get::<String>("", "username").map_err(Into::into))
        .collect()
}

/// One page of payments, newest first, with the totals of every matching payment.
pub async fn list(
    db: &impl ConnectionTrait,
    q: &PaymentQuery,
    today: NaiveDate,
    tz: Tz,
) -> Result<PaymentPage, BillingError> {
    let f = filter(q, today, tz, db)?;
    let (totals, matching) = totals(db, &f, tz).await?;
    let page = q.page.max(1);
    Ok(PaymentPage {
        today,
        rows: rows(db, &f, tz, Some((page, PAYMENTS_PER_PAGE))).await?,
        from: f.from,
        to: f.to,
        totals,
        page,
        per_page: PAYMENTS_PER_PAGE,
        matching,
        users: recorders(db).await?,
    })
}

/// Every matching payment as CSV, reversed ones marked (amounts as plain numbers, so a
/// spreadsheet sums them; the `status` column tells which to leave out).
pub async fn export(
    db: &impl ConnectionTrait,
    q: &PaymentQuery,
    today: NaiveDate,
    tz: Tz,
) -> Result<Vec<u8>, BillingError> {
    let f = filter(q, today, tz, db)?;
    let all = rows(db, &f, tz, None).await?;
    let mut out = CsvOut::new(
        &[
            "tanggal",
            "jam",
            "kode_pelanggan",
            "nama_pelanggan",
            "jumlah",
            "cara_bayar",
            "referensi",
            "dicatat_oleh",
            "tagihan",
            "saldo",
            "status",
            "dibatalkan_pada",
            "dibatalkan_oleh",
            "alasan_pembatalan",
        ],
        all.len(),
    )?;
    for r in all {
        let (status, at, by, reason) = match &r.reversed {
            Some(x) => (
                "dibatalkan",
                x.at.format("%Y-%m-%d %H:%M").to_string(),
                x.by.clone(),
                x.reason.clone(),
            ),
            None => ("diterima", String::new(), String::new(), String::new()),
        };
        out.row([
            r.paid_at.format("%Y-%m-%d").to_string(),
            r.paid_at.format("%H:%M").to_string(),
            r.customer_code,
            r.customer_name,
            r.amount.to_string(),
            r.method.label().to_owned(),
            r.reference.unwrap_or_default(),
            user_label(&r.recorded_by),
            r.invoices.join(" "),
            r.credit.to_string(),
            status.to_owned(),
            at,
            by,
            reason,
        ])?;
    }
    out.finish().map_err(|e: ExportError| e.into())
}
