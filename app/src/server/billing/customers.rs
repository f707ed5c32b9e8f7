//! Customers: create, edit, status, search with paging, and what they owe.

use super::{
    sequence,
    sql::{contains_pattern, stmt},
};
use crate::{
    domain::{
        billing::{
            BILLING_DAY_MAX, BILLING_DAY_MIN, CustomerStatus, InvoiceStatus, customer_code,
            outstanding,
        },
        money::parse_rupiah,
        phone::{self, PhoneCheck, PhoneStatus},
    },
    dto::customers::{
        CustomerDetail, CustomerListRow, CustomerPage, CustomerQuery, CustomerRow, OpenInvoice,
        PER_PAGE,
    },
    error::FieldErrors,
    server::billing::BillingError,
    server::{
        db::begin_write,
        entity::{customers, invoices, packages},
    },
};
use chrono::{DateTime, Datelike, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, Set, Value,
};

pub const NAME_MAX: usize = 160;
pub const PHONE_MAX: usize = 40;
pub const DEFAULT_BILLING_DAY: i16 = 10;

/// A customer form as typed (also what a CSV row becomes).
#[derive(Debug, Clone, Default)]
pub struct CustomerInput {
    pub name: String,
    pub phone: String,
    pub address: String,
    /// Package id as text; empty = no package.
    pub package_id: String,
    /// Rupiah as typed; empty = the package price.
    pub price_override: String,
    /// Day of the month; empty = 10.
    pub billing_day: String,
    /// `YYYY-MM-DD` (or `DD/MM/YYYY`); empty = no start date (billed from any run).
    pub start_date: String,
    /// `active` etc. (or the Indonesian label); empty = active.
    pub status: String,
    pub notes: String,
}

/// A checked customer, ready to store.
#[derive(Debug, Clone)]
pub struct ValidCustomer {
    pub name: String,
    pub phone: Option<String>,
    pub check: PhoneCheck,
    pub address: Option<String>,
    pub package_id: Option<i32>,
    pub price_override: Option<i64>,
    pub billing_day: i16,
    pub start_date: Option<chrono::NaiveDate>,
    pub status: CustomerStatus,
    pub notes: Option<String>,
}

fn non_empty(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Field checks shared by the form and the CSV import. `package_exists` says whether a
/// package id is known. `strict_phone`: the form refuses an invalid number (the admin is
/// there to fix it); an import keeps it, marked invalid, so the row is not lost.
pub fn validate(
    input: &CustomerInput,
    package_exists: impl Fn(i32) -> bool,
    strict_phone: bool,
) -> Result<ValidCustomer, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.add("name", "Nama pelanggan wajib diisi.");
    } else if name.chars().count() > NAME_MAX {
        errors.add("name", format!("Nama paling banyak {NAME_MAX} karakter."));
    }
    let phone = non_empty(&input.phone);
    let check = phone::normalise(&input.phone);
    if phone
        .as_ref()
        .is_some_and(|p| p.chars().count() > PHONE_MAX)
    {
        errors.add(
            "phone",
            format!("Nomor paling banyak {PHONE_MAX} karakter."),
        );
    } else if strict_phone && check.status == PhoneStatus::Invalid {
        errors.add(
            "phone",
            format!(
                "{} Kosongkan bila belum ada.",
                check.note.unwrap_or("Nomor tidak valid.")
            ),
        );
    }
    let package_id = match input.package_id.trim() {
        "" => None,
        s => match s.parse::<i32>() {
            Ok(id) if package_exists(id) => Some(id),
            _ => {
                errors.add("package_id", "Paket tidak ditemukan.");
                None
            }
        },
    };
    let price_override = match input.price_override.trim() {
        "" => None,
        s => match parse_rupiah(s) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.add("price_override", e);
                None
            }
        },
    };
    let billing_day = match input.billing_day.trim() {
        "" => DEFAULT_BILLING_DAY,
        s => match s.parse::<u32>() {
            Ok(d) if (BILLING_DAY_MIN..=BILLING_DAY_MAX).contains(&d) => d as i16,
            _ => {
                errors.add(
                    "billing_day",
                    format!("Tanggal tagih {BILLING_DAY_MIN}–{BILLING_DAY_MAX}."),
                );
                DEFAULT_BILLING_DAY
            }
        },
    };
    let start_date = match input.start_date.trim() {
        "" => None,
        s => match crate::domain::dates::parse_iso_date(s)
            .or_else(|| chrono::NaiveDate::parse_from_str(s, "%d/%m/%Y").ok())
        {
            Some(d) if d.year() >= 2000 && d.year() <= 2100 => Some(d),
            _ => {
                errors.add(
                    "start_date",
                    "Tanggal mulai tidak valid (contoh: 2026-12-15).",
                );
                None
            }
        },
    };
    let status = match CustomerStatus::parse(input.status.trim())
        .or_else(|| CustomerStatus::parse_loose(&input.status))
    {
        Some(s) => s,
        None => {
            errors.add("status", "Status harus aktif, ditangguhkan atau berhenti.");
            CustomerStatus::Active
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ValidCustomer {
        name,
        phone,
        check,
        address: non_empty(&input.address),
        package_id,
        price_override,
        billing_day,
        start_date,
        status,
        notes: non_empty(&input.notes),
    })
}

async fn package_ids(db: &impl ConnectionTrait) -> Result<Vec<i32>, BillingError> {
    Ok(packages::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect())
}

/// The active model for a new customer with a code already taken from the sequence.
pub fn new_model(v: ValidCustomer, code: String, now: DateTime<Utc>) -> customers::ActiveModel {
    customers::ActiveModel {
        code: Set(code),
        name: Set(v.name),
        phone: Set(v.phone),
        phone_status: Set(v.check.status.as_str().to_owned()),
        wa_chat_id: Set(v.check.chat_id()),
        wa_number: Set(v.check.digits),
        wa_exists: Set(None),
        wa_checked_at: Set(None),
        address: Set(v.address),
        package_id: Set(v.package_id),
        price_override: Set(v.price_override),
        billing_day: Set(v.billing_day),
        start_date: Set(v.start_date),
        status: Set(v.status.as_str().to_owned()),
        notes: Set(v.notes),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Creates a customer with the next code (`PLG-00001`), taken in the same transaction.
pub async fn create(
    db: &DatabaseConnection,
    input: &CustomerInput,
    now: DateTime<Utc>,
) -> Result<CustomerRow, BillingError> {
    let ids = package_ids(db).await?;
    let v = validate(input, |id| ids.contains(&id), true).map_err(BillingError::Invalid)?;
    let txn = begin_write(db).await?;
    let n = sequence::take(&txn, sequence::CUSTOMER, 1).await?;
    let saved = new_model(v, customer_code(n), now).insert(&txn).await?;
    txn.commit().await?;
    row(db, saved.id).await
}

/// Edits a customer. A changed number forgets WAHA's earlier answer about the old one.
pub async fn update(
    db: &DatabaseConnection,
    id: i32,
    input: &CustomerInput,
    now: DateTime<Utc>,
) -> Result<CustomerRow, BillingError> {
    let ids = package_ids(db).await?;
    let v = validate(input, |id| ids.contains(&id), true).map_err(BillingError::Invalid)?;
    let current = customers::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(BillingError::NotFound)?;
    let number_changed = current.wa_number != v.check.digits;
    let mut c: customers::ActiveModel = current.into();
    c.name = Set(v.name);
    c.phone = Set(v.phone);
    c.phone_status = Set(v.check.status.as_str().to_owned());
    if number_changed {
        c.wa_chat_id = Set(v.check.chat_id());
        c.wa_number = Set(v.check.digits);
        c.wa_exists = Set(None);
        c.wa_checked_at = Set(None);
    }
    c.address = Set(v.address);
    c.package_id = Set(v.package_id);
    c.price_override = Set(v.price_override);
    c.billing_day = Set(v.billing_day);
    c.start_date = Set(v.start_date);
    c.status = Set(v.status.as_str().to_owned());
    c.notes = Set(v.notes);
    c.updated_at = Set(now);
    c.update(db).await?;
    row(db, id).await
}

pub async fn set_status(
    db: &impl ConnectionTrait,
    id: i32,
    status: &str,
    now: DateTime<Utc>,
) -> Result<(), BillingError> {
    let status = CustomerStatus::parse(status)
        .ok_or_else(|| BillingError::field("status", "Status tidak dikenal."))?;
    let current = customers::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(BillingError::NotFound)?;
    let mut c: customers::ActiveModel = current.into();
    c.status = Set(status.as_str().to_owned());
    c.updated_at = Set(now);
    c.update(db).await?;
    Ok(())
}

#[derive(Debug, FromQueryResult)]
struct RowData {
    id: i32,
    code: String,
    name: String,
    phone: Option<String>,
    phone_status: String,
    wa_number: Option<String>,
    wa_chat_id: Option<String>,
    wa_exists: Option<bool>,
    address: Option<String>,
    package_id: Option<i32>,
    package_name: Option<String>,
    package_speed_mbps: Option<i32>,
    package_price: Option<i64>,
    price_override: Option<i64>,
    billing_day: i16,
    start_date: Option<chrono::NaiveDate>,
    status: String,
    notes: Option<String>,
}

impl From<RowData> for CustomerRow {
    fn from(r: RowData) -> Self {
        CustomerRow {
            id: r.id,
            code: r.code,
            name: r.name,
            phone: r.phone,
            phone_status: PhoneStatus::parse(&r.phone_status).unwrap_or(PhoneStatus::Invalid),
            wa_number: r.wa_number,
            wa_chat_id: r.wa_chat_id,
            wa_exists: r.wa_exists,
            address: r.address,
            package_id: r.package_id,
            package_name: r.package_name,
            package_speed_mbps: r.package_speed_mbps,
            monthly_price: r.price_override.or(r.package_price),
            price_override: r.price_override,
            billing_day: r.billing_day,
            start_date: r.start_date,
            status: CustomerStatus::parse(&r.status).unwrap_or(CustomerStatus::Active),
            notes: r.notes,
        }
    }
}

const SELECT: &str = "SELECT c.id, c.code, c.name, c.phone, c.phone_status, c.wa_number, \
    c.wa_chat_id, c.wa_exists, c.address, c.package_id, p.name AS package_name, \
    p.speed_mbps AS package_speed_mbps, p.price AS package_price, c.price_override, \
    c.billing_day, c.start_date, c.status, c.notes \
    FROM customers c LEFT JOIN packages p ON p.id = c.package_id";

/// One customer as the list shows it.
pub async fn row(db: &impl ConnectionTrait, id: i32) -> Result<CustomerRow, BillingError> {
    RowData::find_by_statement(stmt(
        db,
        &format!("{SELECT} WHERE c.id = ?"),
        vec![id.into()],
    ))
    .one(db)
    .await?
    .map(Into::into)
    .ok_or(BillingError::NotFound)
}

/// Search by name, code, address or phone number; filter by status and number state.
pub async fn list(
    db: &impl ConnectionTrait,
    query: &CustomerQuery,
) -> Result<CustomerPage, BillingError> {
    let mut where_ = Vec::<String>::new();
    let mut values = Vec::<Value>::new();
    let q = query.q.trim();
    if !q.is_empty() {
        let pattern = contains_pattern(q);
        let op = super::invoices::ilike(db.get_database_backend());
        let mut parts = vec![
            format!("c.name {op} ? ESCAPE '\\'"),
            format!("c.code {op} ? ESCAPE '\\'"),
            format!("c.address {op} ? ESCAPE '\\'"),
        ];
        values.extend([
            pattern.clone().into(),
            pattern.clone().into(),
            pattern.into(),
        ]);
        // A number is found however it was typed: compare normalised digits.
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 4
            && q.chars()
                .all(|c| c.is_ascii_digit() || " +-.()".contains(c))
        {
            let national = digits
                .strip_prefix("62")
                .or_else(|| digits.strip_prefix('0'))
                .unwrap_or(&digits);
            parts.push("c.wa_number LIKE ?".to_owned());
            values.push(contains_pattern(national).into());
        }
        where_.push(format!("({})", parts.join(" OR ")));
    }
    if let Some(s) = CustomerStatus::parse(query.status.trim()) {
        where_.push("c.status = ?".to_owned());
        values.push(s.as_str().into());
    }
    if let Some(p) = PhoneStatus::parse(query.phone.trim()) {
        where_.push("c.phone_status = ?".to_owned());
        values.push(p.as_str().into());
    }
    // What is owed is joined only when the list filters or sorts by it; otherwise the page's
    // figures come from the statements of its fifty customers.
    let joins = if query.only_debtors() || query.by_owed() {
        super::statement::owed_joins()
    } else {
        String::new()
    };
    if query.only_debtors() {
        where_.push(format!("{} > 0", super::statement::OWED_EXPR));
    }
    let where_sql = if where_.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", where_.join(" AND "))
    };
    let total = db
        .query_one_raw(stmt(
            db,
            &format!("SELECT COUNT(*) AS n FROM customers c{joins}{where_sql}"),
            values.clone(),
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0) as u64;
    let page = query.page.max(1);
    let offset = u64::from(page - 1) * u64::from(PER_PAGE);
    values.push((PER_PAGE as i64).into());
    values.push((offset as i64).into());
    let order = if query.by_owed() {
        format!("{} DESC, c.name, c.id", super::statement::OWED_EXPR)
    } else {
        "c.name, c.id".to_owned()
    };
    let rows: Vec<CustomerRow> = RowData::find_by_statement(stmt(
        db,
        &format!("{SELECT}{joins}{where_sql} ORDER BY {order} LIMIT ? OFFSET ?"),
        values,
    ))
    .all(db)
    .await?
    .into_iter()
    .map(Into::into)
    .collect();
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let statements = super::statement::for_customers(db, &ids).await?;
    Ok(CustomerPage {
        rows: rows
            .into_iter()
            .map(|customer| {
                let s = statements.get(&customer.id);
                CustomerListRow {
                    owed: s.map_or(0, |s| s.owed()),
                    open_months: s.map_or(0, |s| s.months() as u32),
                    customer,
                }
            })
            .collect(),
        total,
        page,
        per_page: PER_PAGE,
    })
}

/// The customer's open invoices, oldest first.
pub async fn open_invoices(
    db: &impl ConnectionTrait,
    customer_id: i32,
) -> Result<Vec<invoices::Model>, BillingError> {
    Ok(invoices::Entity::find()
        .filter(invoices::Column::CustomerId.eq(customer_id))
        .filter(invoices::Column::Status.is_in([
            InvoiceStatus::Unpaid.as_str(),
            InvoiceStatus::Partial.as_str(),
        ]))
        .order_by_asc(invoices::Column::Period)
        .order_by_asc(invoices::Column::Id)
        .all(db)
        .await?)
}

pub async fn detail(
    db: &impl ConnectionTrait,
    id: i32,
    today: chrono::NaiveDate,
    tz: chrono_tz::Tz,
) -> Result<CustomerDetail, BillingError> {
    let customer = row(db, id).await?;
    let st = super::statement::of_customer(db, id).await?;
    let open: Vec<OpenInvoice> = open_invoices(db, id)
        .await?
        .into_iter()
        .map(|i| OpenInvoice {
            id: i.id,
            outstanding: outstanding(i.amount, i.discount, i.paid),
            number: i.number,
            period: i.period,
            due_date: i.due_date,
            amount: i.amount,
            discount: i.discount,
            paid: i.paid,
            status: InvoiceStatus::parse(&i.status).unwrap_or(InvoiceStatus::Unpaid),
        })
        .collect();
    Ok(CustomerDetail {
        customer,
        open_invoices: open,
        owed: st.owed(),
        credit: st.credit,
        money_log: super::money_log::for_customer(db, id, tz).await?,
        today,
    })
}
