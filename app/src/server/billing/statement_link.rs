//! A customer's own statement page, `/s/<token>`: no sign-in, nothing but that customer's open
//! invoices, what they owe now, the transfer amount, how to pay and the ISP's contact. The
//! token is 192 random bits, kept on the customer, rotated by the admin.

use super::{BillingError, statement, transfer_code};
use crate::{
    domain::{company::CompanySettings, dates, money::rupiah},
    server::{entity::customers, settings},
};
use base64::Engine as _;
use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr,
};
use serde::Serialize;

/// 24 random bytes, base64url: 32 characters.
pub const TOKEN_LEN: usize = 32;

pub fn new_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 24]>())
}

/// Only a token's shape is looked up (anything else is refused before the database).
pub fn well_formed(token: &str) -> bool {
    token.len() == TOKEN_LEN
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The customer's token, made on first use.
pub async fn token_of(db: &impl ConnectionTrait, customer: i32) -> Result<String, BillingError> {
    let current: Option<Option<String>> = customers::Entity::find_by_id(customer)
        .select_only()
        .column(customers::Column::StatementToken)
        .into_tuple()
        .one(db)
        .await?;
    match current {
        None => Err(BillingError::NotFound),
        Some(Some(t)) => Ok(t),
        Some(None) => {
            let t = new_token();
            // Two first uses at once: the second keeps the first one's token.
            customers::Entity::update_many()
                .col_expr(customers::Column::StatementToken, Expr::value(t.clone()))
                .filter(customers::Column::Id.eq(customer))
                .filter(customers::Column::StatementToken.is_null())
                .exec(db)
                .await?;
            Box::pin(token_of(db, customer)).await
        }
    }
}

/// A new token: the old link stops working at once.
pub async fn rotate(db: &impl ConnectionTrait, customer: i32) -> Result<String, BillingError> {
    let t = new_token();
    let res = customers::Entity::update_many()
        .col_expr(customers::Column::StatementToken, Expr::value(t.clone()))
        .filter(customers::Column::Id.eq(customer))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(BillingError::NotFound);
    }
    Ok(t)
}

/// Where the public URL is known (`TAGIH_PUBLIC_URL`, saved at start for the renderers that
/// have no request): the full link; else `None` (messages then carry no link).
pub const KEY_PUBLIC_URL: &str = "tagih.public_url";

pub async fn remember_public_url(
    db: &impl ConnectionTrait,
    url: Option<&url::Url>,
) -> Result<(), DbErr> {
    match url {
        Some(u) => settings::set(db, KEY_PUBLIC_URL, &u.to_string()).await,
        None => settings::delete(db, KEY_PUBLIC_URL).await,
    }
}

pub async fn public_url(db: &impl ConnectionTrait) -> Result<Option<url::Url>, DbErr> {
    Ok(settings::get::<String>(db, KEY_PUBLIC_URL)
        .await?
        .and_then(|u| url::Url::parse(&u).ok()))
}

pub fn link(base: &url::Url, token: &str) -> Option<String> {
    base.join(&format!("/s/{token}"))
        .ok()
        .map(|u| u.to_string())
}

/// One open invoice on the page.
#[derive(Debug, Clone, Serialize)]
pub struct PageLine {
    pub period: String,
    pub number: String,
    pub due: String,
    pub owed: String,
    pub late: bool,
}

/// What the page shows (and nothing else: no ids, no other customer).
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub isp: String,
    pub customer: String,
    pub lines: Vec<PageLine>,
    pub owed: String,
    pub settled: bool,
    /// The exact amount to transfer (with the unique code), when that setting is on.
    pub transfer: Option<String>,
    pub credit: Option<String>,
    pub company: CompanySettings,
    pub qris: Option<String>,
    pub today: String,
}

/// The page for `token`, as of `today`; `None` for a token no customer holds.
pub async fn page(
    db: &impl ConnectionTrait,
    token: &str,
    today: NaiveDate,
) -> Result<Option<Page>, BillingError> {
    if !well_formed(token) {
        return Ok(None);
    }
    let found: Option<i32> = customers::Entity::find()
        .select_only()
        .column(customers::Column::Id)
        .filter(customers::Column::StatementToken.eq(token))
        .into_tuple()
        .one(db)
        .await?;
    let Some(id) = found else {
        return Ok(None);
    };
    let st = statement::of_customer(db, id).await?;
    let company = settings::company(db).await?;
    let owed = st.owed();
    let transfer = if transfer_code::load(db).await?.enabled {
        transfer_code::amount_for(db, id, owed).await?
    } else {
        None
    };
    Ok(Some(Page {
        isp: company.name.clone(),
        customer: st.customer_name.clone(),
        lines: st
            .lines
            .iter()
            .filter(|l| l.owed() > 0)
            .map(|l| PageLine {
                period: dates::Period::parse(&l.period)
                    .map(|p| p.label())
                    .unwrap_or_else(|_| l.period.clone()),
                number: l.number.clone(),
                due: dates::format_date(l.due_date),
                owed: rupiah(l.owed()),
                late: l.due_date < today,
            })
            .collect(),
        owed: rupiah(owed),
        settled: owed == 0,
        transfer: transfer.map(rupiah),
        credit: (st.credit > 0).then(|| rupiah(st.credit)),
        qris: settings::get::<String>(db, KEY_QRIS).await?,
        company,
        today: dates::format_date(today),
    }))
}

/// The QRIS image the admin uploaded (a `data:image/…` URL).
pub const KEY_QRIS: &str = "payments.qris";

/// Largest QRIS image kept (a QRIS sticker photo is well under this).
pub const QRIS_MAX_BYTES: usize = 500_000;

/// A PNG or JPEG `data:` URL of at most [`QRIS_MAX_BYTES`], checked by its bytes (not by what
/// the browser called it); the URL rebuilt with the type the bytes show.
pub fn check_qris(data_url: &str) -> Result<String, &'static str> {
    const BAD: &str = "Gambar QRIS harus berupa file PNG atau JPG, paling besar 500 KB.";
    let (_, b64) = data_url
        .split_once(";base64,")
        .filter(|(head, _)| head.starts_with("data:image/"))
        .ok_or(BAD)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|_| BAD)?;
    if bytes.len() > QRIS_MAX_BYTES {
        return Err(BAD);
    }
    let kind = if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
        "png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "jpeg"
    } else {
        return Err(BAD);
    };
    Ok(format!(
        "data:image/{kind};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    ))
}

const PAGE: &str = include_str!("statement_page.html");

/// The page as HTML (`None`: the "not found" page). Rendered with HTML escaping.
pub fn html(page: Option<&Page>) -> String {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    let rendered = env
        .render_str(PAGE, minijinja::context! { p => page })
        .map_err(|e| tracing::error!(error = %e, "statement page template"));
    rendered.unwrap_or_else(|_| {
        "<!doctype html><title>Tagihan</title><p>Halaman tidak tersedia.</p>".to_owned()
    })
}
