//! Unique transfer amounts: each customer who owes gets `owed + code` (code 1–999), unique
//! across customers (a unique index), kept while what they owe stays the same and given again
//! when it changes. A bank transfer of exactly that amount is theirs.

use super::sql::stmt;
use crate::{
    domain::transfer::{TransferCodeSettings, pick},
    server::{entity::customers, settings},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
    Value, sea_query::Expr,
};
use std::collections::{HashMap, HashSet};

pub const KEY: &str = "payments.transfer_code";

pub async fn load(db: &impl ConnectionTrait) -> Result<TransferCodeSettings, DbErr> {
    Ok(settings::get(db, KEY).await?.unwrap_or_default())
}

pub async fn save(db: &impl ConnectionTrait, s: &TransferCodeSettings) -> Result<(), DbErr> {
    settings::set(db, KEY, s).await
}

#[derive(FromQueryResult)]
struct Held {
    id: i32,
    transfer_total: Option<i64>,
    transfer_amount: Option<i64>,
}

/// Amounts held by other customers in `owed + 1 ..= owed + 999`.
async fn band(db: &impl ConnectionTrait, owed: i64, except: i32) -> Result<HashSet<i64>, DbErr> {
    #[derive(FromQueryResult)]
    struct A {
        transfer_amount: Option<i64>,
    }
    Ok(A::find_by_statement(stmt(
        db,
        "SELECT transfer_amount FROM customers WHERE transfer_amount BETWEEN ? AND ? AND id <> ?",
        vec![
            (owed + 1).into(),
            (owed + crate::domain::transfer::MAX_CODE).into(),
            except.into(),
        ],
    ))
    .all(db)
    .await?
    .into_iter()
    .filter_map(|a| a.transfer_amount)
    .collect())
}

async fn set(
    db: &impl ConnectionTrait,
    customer: i32,
    owed: Option<i64>,
    amount: Option<i64>,
) -> Result<(), DbErr> {
    customers::Entity::update_many()
        .col_expr(customers::Column::TransferTotal, Expr::value(owed))
        .col_expr(customers::Column::TransferAmount, Expr::value(amount))
        .filter(customers::Column::Id.eq(customer))
        .exec(db)
        .await?;
    Ok(())
}

/// The amount this customer is asked to transfer for `owed`: the one they hold when it was
/// given for the same `owed`, else a free one (saved). `None` when nothing is owed or every
/// code of that band is taken (the message then shows the bill alone).
pub async fn amount_for(
    db: &impl ConnectionTrait,
    customer: i32,
    owed: i64,
) -> Result<Option<i64>, DbErr> {
    let held = Held::find_by_statement(stmt(
        db,
        "SELECT id, transfer_total, transfer_amount FROM customers WHERE id = ?",
        vec![customer.into()],
    ))
    .one(db)
    .await?;
    let Some(held) = held else {
        return Ok(None);
    };
    if owed <= 0 {
        if held.transfer_amount.is_some() {
            set(db, customer, None, None).await?;
        }
        return Ok(None);
    }
    if held.transfer_total == Some(owed) && held.transfer_amount.is_some() {
        return Ok(held.transfer_amount);
    }
    // Another customer may take the same amount between the read and the write: the unique
    // index refuses the second, which looks again.
    for _ in 0..3 {
        let taken = band(db, owed, customer).await?;
        let amount = pick(owed, customer, |a| taken.contains(&a));
        match set(db, customer, Some(owed), amount).await {
            Ok(()) => return Ok(amount),
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e),
        }
    }
    set(db, customer, None, None).await?;
    Ok(None)
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// [`amount_for`] for many customers at once (a month's run, a bulk send): one read of every
/// held amount, the picks in memory, the writes in one transaction.
pub async fn amounts_for(
    db: &sea_orm::DatabaseConnection,
    owed: &[(i32, i64)],
) -> Result<HashMap<i32, Option<i64>>, DbErr> {
    let txn = crate::server::db::begin_write(db).await?;
    let all = Held::find_by_statement(stmt(
        &txn,
        "SELECT id, transfer_total, transfer_amount FROM customers WHERE transfer_amount IS NOT NULL",
        Vec::<Value>::new(),
    ))
    .all(&txn)
    .await?;
    let wanted: HashMap<i32, i64> = owed.iter().copied().collect();
    let mut out = HashMap::with_capacity(owed.len());
    let mut taken: HashSet<i64> = HashSet::with_capacity(all.len());
    let mut redo: Vec<(i32, i64)> = Vec::new();
    let mut clear: Vec<i32> = Vec::new();
    for h in &all {
        match wanted.get(&h.id) {
            Some(o) if *o > 0 && h.transfer_total == Some(*o) => {
                out.insert(h.id, h.transfer_amount);
                taken.extend(h.transfer_amount);
            }
            Some(_) => clear.push(h.id),
            None => taken.extend(h.transfer_amount),
        }
    }
    for (id, o) in owed {
        if out.contains_key(id) {
            continue;
        }
        if *o <= 0 {
            out.insert(*id, None);
            continue;
        }
        redo.push((*id, *o));
    }
    // Free the amounts being given again before any new one is written (the unique index).
    for chunk in clear.chunks(500) {
        customers::Entity::update_many()
            .col_expr(
                customers::Column::TransferTotal,
                Expr::value(Option::<i64>::None),
            )
            .col_expr(
                customers::Column::TransferAmount,
                Expr::value(Option::<i64>::None),
            )
            .filter(customers::Column::Id.is_in(chunk.iter().copied()))
            .exec(&txn)
            .await?;
    }
    for (id, o) in redo {
        let amount = pick(o, id, |a| taken.contains(&a));
        taken.extend(amount);
        set(&txn, id, amount.map(|_| o), amount).await?;
        out.insert(id, amount);
    }
    txn.commit().await?;
    Ok(out)
}

/// The customers transfers of exactly these amounts belong to, each with what they owed when
/// the amount was given (the caller checks it is still what they owe). One query per 500.
pub async fn holders_of(
    db: &impl ConnectionTrait,
    amounts: &[i64],
) -> Result<HashMap<i64, (i32, i64)>, DbErr> {
    let mut out = HashMap::new();
    for chunk in amounts.chunks(500) {
        let rows: Vec<(i32, Option<i64>, Option<i64>)> = customers::Entity::find()
            .select_only()
            .column(customers::Column::Id)
            .column(customers::Column::TransferTotal)
            .column(customers::Column::TransferAmount)
            .filter(customers::Column::TransferAmount.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        for (id, total, amount) in rows {
            if let (Some(t), Some(a)) = (total, amount) {
                out.insert(a, (id, t));
            }
        }
    }
    Ok(out)
}
