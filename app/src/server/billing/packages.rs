//! Packages: create, edit, deactivate, delete when unused.

use crate::{
    domain::money::parse_rupiah,
    dto::packages::PackageView,
    error::FieldErrors,
    server::billing::BillingError,
    server::entity::{customers, packages},
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, SqlErr,
    sea_query::{Expr, ExprTrait, Func},
};
use std::collections::HashMap;

pub const NAME_MAX: usize = 100;
pub const SPEED_MAX: i32 = 100_000;

/// A package form as typed.
pub struct PackageInput<'a> {
    pub name: &'a str,
    pub speed_mbps: &'a str,
    pub price: &'a str,
    pub description: &'a str,
}

struct Valid {
    name: String,
    speed_mbps: i32,
    price: i64,
    description: Option<String>,
}

fn validate(input: &PackageInput<'_>) -> Result<Valid, BillingError> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        errors.add("name", "Nama paket wajib diisi.");
    } else if name.chars().count() > NAME_MAX {
        errors.add(
            "name",
            format!("Nama paket paling banyak {NAME_MAX} karakter."),
        );
    }
    let speed = input
        .speed_mbps
        .trim()
        .trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == ' ')
        .trim();
    let speed_mbps = match speed.parse::<i32>() {
        Ok(s) if (1..=SPEED_MAX).contains(&s) => s,
        Ok(_) => {
            errors.add("speed_mbps", format!("Kecepatan 1–{SPEED_MAX} Mbps."));
            0
        }
        Err(_) if speed.is_empty() => {
            errors.add("speed_mbps", "Kecepatan wajib diisi (dalam Mbps).");
            0
        }
        Err(_) => {
            errors.add(
                "speed_mbps",
                "Tulis kecepatan sebagai angka Mbps, misalnya 20.",
            );
            0
        }
    };
    let price = match parse_rupiah(input.price) {
        Ok(0) => {
            errors.add("price", "Harga bulanan harus lebih dari Rp 0.");
            0
        }
        Ok(p) => p,
        Err(e) => {
            errors.add("price", e);
            0
        }
    };
    let description = Some(input.description.trim().to_owned()).filter(|d| !d.is_empty());
    errors.check()?;
    Ok(Valid {
        name,
        speed_mbps,
        price,
        description,
    })
}

async fn usage(db: &impl ConnectionTrait) -> Result<HashMap<i32, u64>, BillingError> {
    let rows: Vec<(Option<i32>, i64)> = customers::Entity::find()
        .select_only()
        .column(customers::Column::PackageId)
        .column_as(customers::Column::Id.count(), "n")
        .filter(customers::Column::PackageId.is_not_null())
        .group_by(customers::Column::PackageId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, n)| id.map(|id| (id, n as u64)))
        .collect())
}

fn view(p: packages::Model, customers: u64) -> PackageView {
    PackageView {
        id: p.id,
        name: p.name,
        speed_mbps: p.speed_mbps,
        price: p.price,
        description: p.description,
        active: p.active,
        customers,
    }
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<PackageView>, BillingError> {
    let used = usage(db).await?;
    let rows = packages::Entity::find()
        .order_by_desc(packages::Column::Active)
        .order_by_asc(packages::Column::Name)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let n = used.get(&p.id).copied().unwrap_or(0);
            view(p, n)
        })
        .collect())
}

pub async fn get(db: &impl ConnectionTrait, id: i32) -> Result<packages::Model, BillingError> {
    packages::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(BillingError::NotFound)
}

const DUPLICATE: &str = "Nama paket ini sudah dipakai.";

/// Creates a package (`id` = None) or edits one. Names are unique, ignoring case.
pub async fn save(
    db: &impl ConnectionTrait,
    id: Option<i32>,
    input: PackageInput<'_>,
    now: DateTime<Utc>,
) -> Result<PackageView, BillingError> {
    let v = validate(&input)?;
    let clash = packages::Entity::find()
        .filter(Func::lower(Expr::col(packages::Column::Name)).eq(v.name.to_lowercase()))
        .one(db)
        .await?;
    if clash.is_some_and(|c| Some(c.id) != id) {
        return Err(BillingError::field("name", DUPLICATE));
    }
    let saved = match id {
        None => packages::ActiveModel {
            name: Set(v.name),
            speed_mbps: Set(v.speed_mbps),
            price: Set(v.price),
            description: Set(v.description),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .map_err(duplicate_name)?,
        Some(id) => {
            let mut p: packages::ActiveModel = get(db, id).await?.into();
            p.name = Set(v.name);
            p.speed_mbps = Set(v.speed_mbps);
            p.price = Set(v.price);
            p.description = Set(v.description);
            p.updated_at = Set(now);
            p.update(db).await.map_err(duplicate_name)?
        }
    };
    let n = usage(db).await?.get(&saved.id).copied().unwrap_or(0);
    Ok(view(saved, n))
}

/// A concurrent save with the same name loses to the unique index.
fn duplicate_name(e: sea_orm::DbErr) -> BillingError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => BillingError::field("name", DUPLICATE),
        _ => e.into(),
    }
}

pub async fn set_active(
    db: &impl ConnectionTrait,
    id: i32,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), BillingError> {
    let mut p: packages::ActiveModel = get(db, id).await?.into();
    p.active = Set(active);
    p.updated_at = Set(now);
    p.update(db).await?;
    Ok(())
}

/// Deletes a package no customer uses; otherwise says how many use it. Issued invoices keep
/// their own copy of the package name and speed.
pub async fn delete(db: &impl ConnectionTrait, id: i32) -> Result<(), BillingError> {
    let p = get(db, id).await?;
    let used = customers::Entity::find()
        .filter(customers::Column::PackageId.eq(id))
        .count(db)
        .await?;
    if used > 0 {
        return Err(BillingError::PackageInUse {
            name: p.name,
            customers: used,
        });
    }
    match packages::Entity::delete_by_id(id).exec(db).await {
        Ok(_) => Ok(()),
        // A customer was given this package between the check and the delete.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::ForeignKeyConstraintViolation(_))) => {
            Err(BillingError::PackageInUse {
                name: p.name,
                customers: 1,
            })
        }
        Err(e) => Err(e.into()),
    }
}
