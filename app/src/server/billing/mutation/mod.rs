//! "Cocokkan mutasi": a bank statement export matched to customers. Each credit line is matched
//! by the unique transfer code, else by what a customer owes exactly and their name in the
//! description, else left for the admin. Recording is one step for every chosen line; a line
//! already recorded (this file or an earlier one) is never recorded again.

pub mod parse;

use super::{BillingError, clock::Moment, payments, sql::stmt, statement, transfer_code};
use crate::{
    domain::{money::rupiah, transfer::CodeExtra},
    dto::mutation::{
        MatchKind, MutationChoice, MutationPreview, MutationResult, MutationUpload, Proposal,
        RecordedMutation,
    },
    error::FieldErrors,
    server::entity::{bank_lines, customers},
};
use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, Set, Value,
};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// Files larger than this are refused (a month of a busy account is well under 1 MB).
pub const MAX_BYTES: usize = 5_000_000;

/// A credit line with its key: the same line of the same bank has the same key in every file
/// (an identical second transfer on the same day is told apart by its order).
struct Keyed {
    key: String,
    line: parse::Line,
}

fn keyed(parsed: &parse::Parsed) -> Vec<Keyed> {
    let family = match parsed.preset {
        crate::dto::mutation::Preset::BcaBisnis => "bca",
        crate::dto::mutation::Preset::MandiriMcm => "mandiri",
        p => p.code(),
    };
    let mut seen: HashMap<String, u32> = HashMap::new();
    parsed
        .lines
        .iter()
        .filter(|l| l.credit)
        .map(|l| {
            let base = format!(
                "{family}|{}|{}|{}",
                l.date.map(|d| d.to_string()).unwrap_or_default(),
                l.amount,
                l.description.to_uppercase()
            );
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let key = hex::encode(&Sha256::digest(format!("{base}|{n}").as_bytes())[..16]);
            Keyed {
                key,
                line: l.clone(),
            }
        })
        .collect()
}

fn read(upload: &MutationUpload, today: NaiveDate) -> Result<parse::Parsed, BillingError> {
    if upload.csv.len() > MAX_BYTES {
        return Err(BillingError::field(
            "file",
            "File terlalu besar (paling besar 5 MB).",
        ));
    }
    parse::parse(&upload.csv, upload.preset, &upload.columns, today)
        .map_err(|e| BillingError::field("file", e.to_string()))
}

/// A customer who owes something now.
struct Debtor {
    id: i32,
    name: String,
    words: Vec<String>,
    owed: i64,
}

/// Upper-case words, split at anything not a letter or digit and between digits and letters:
/// BCA's fixed-width description glues the amount to the note ("150000.00AGUS PRASETYO").
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut last_digit = None;
    for c in s.to_uppercase().chars() {
        if !c.is_alphanumeric() {
            out.push(std::mem::take(&mut cur));
            last_digit = None;
            continue;
        }
        let digit = c.is_ascii_digit();
        if last_digit.is_some_and(|d| d != digit) {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c);
        last_digit = Some(digit);
    }
    out.push(cur);
    out.retain(|w| w.chars().count() >= 2);
    out
}

async fn debtors(db: &impl ConnectionTrait) -> Result<Vec<Debtor>, BillingError> {
    #[derive(FromQueryResult)]
    struct Id {
        customer_id: i32,
    }
    let ids: Vec<i32> = Id::find_by_statement(stmt(
        db,
        "SELECT DISTINCT customer_id FROM invoices WHERE status IN ('unpaid', 'partial')",
        Vec::<Value>::new(),
    ))
    .all(db)
    .await?
    .into_iter()
    .map(|r| r.customer_id)
    .collect();
    let statements = statement::for_customers(db, &ids).await?;
    Ok(statements
        .into_values()
        .filter(|s| s.owed() > 0)
        .map(|s| Debtor {
            id: s.customer_id,
            words: words(&s.customer_name),
            owed: s.owed(),
            name: s.customer_name,
        })
        .collect())
}

/// Every word of the customer's name is a word of the description.
fn name_in(d: &Debtor, description: &HashSet<String>) -> bool {
    !d.words.is_empty() && d.words.iter().all(|w| description.contains(w))
}

/// What Tagih proposes for each credit line of the file.
pub async fn preview(
    db: &DatabaseConnection,
    upload: &MutationUpload,
    today: NaiveDate,
) -> Result<MutationPreview, BillingError> {
    let parsed = read(upload, today)?;
    let lines = keyed(&parsed);
    let done: HashSet<String> = bank_lines::Entity::find()
        .select_only()
        .column(bank_lines::Column::Key)
        .filter(bank_lines::Column::Key.is_in(lines.iter().map(|l| l.key.clone())))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let debtors = debtors(db).await?;
    let by_id: HashMap<i32, &Debtor> = debtors.iter().map(|d| (d.id, d)).collect();
    let holders = if transfer_code::load(db).await?.enabled {
        let amounts: Vec<i64> = lines.iter().map(|k| k.line.amount).collect();
        transfer_code::holders_of(db, &amounts).await?
    } else {
        HashMap::new()
    };
    let mut proposals = Vec::with_capacity(lines.len());
    for k in &lines {
        let l = &k.line;
        let mut p = Proposal {
            key: k.key.clone(),
            line: l.row,
            date: l.date.map(|d| d.to_string()).unwrap_or_default(),
            description: l.description.clone(),
            amount: l.amount,
            kind: MatchKind::None,
            customer_id: None,
            customer_name: None,
            owed: None,
        };
        let found: Option<(MatchKind, &Debtor)> = if done.contains(&k.key) {
            p.kind = MatchKind::AlreadyRecorded;
            None
        } else if l.date.is_none() {
            p.kind = MatchKind::Pending;
            None
        } else {
            let by_code = holders
                .get(&l.amount)
                .and_then(|(id, total)| by_id.get(id).filter(|d| d.owed == *total).copied());
            match by_code {
                Some(d) => Some((MatchKind::Code, d)),
                None => {
                    let desc: HashSet<String> = words(&l.description).into_iter().collect();
                    let named: Vec<&Debtor> =
                        debtors.iter().filter(|d| name_in(d, &desc)).collect();
                    let exact: Vec<&&Debtor> =
                        named.iter().filter(|d| d.owed == l.amount).collect();
                    match (exact.as_slice(), named.as_slice()) {
                        ([one], _) => Some((MatchKind::NameAndAmount, **one)),
                        ([], [one]) => Some((MatchKind::NameOnly, *one)),
                        _ => None,
                    }
                }
            }
        };
        if let Some((kind, d)) = found {
            p.kind = kind;
            p.customer_id = Some(d.id);
            p.customer_name = Some(d.name.clone());
            p.owed = Some(d.owed);
        }
        proposals.push(p);
    }
    Ok(MutationPreview {
        preset: parsed.preset,
        debits: parsed.lines.iter().filter(|l| !l.credit).count(),
        skipped: parsed.skipped,
        proposals,
    })
}

/// Records the chosen lines as bank-transfer payments (the file is read again: only lines it
/// holds can be recorded). With the write-off setting, a line matched by its code is recorded
/// as the bill alone.
pub async fn confirm(
    db: &DatabaseConnection,
    upload: &MutationUpload,
    choices: &[MutationChoice],
    user: Option<i32>,
    at: Moment,
) -> Result<MutationResult, BillingError> {
    let parsed = read(upload, at.today)?;
    let lines: HashMap<String, parse::Line> = keyed(&parsed)
        .into_iter()
        .map(|k| (k.key, k.line))
        .collect();
    let mut errors = FieldErrors::new();
    for c in choices {
        match lines.get(&c.key) {
            None => errors.add(
                "file",
                "Baris yang dipilih tidak ada di file ini. Unggah ulang filenya.",
            ),
            Some(l) if l.date.is_none() => errors.add(
                "file",
                "Transaksi yang belum dibukukan bank (PEND) belum bisa dicatat.",
            ),
            Some(_) => {}
        }
    }
    errors.check().map_err(BillingError::Invalid)?;
    let settings = transfer_code::load(db).await?;
    let chosen: Vec<&parse::Line> = choices.iter().filter_map(|c| lines.get(&c.key)).collect();
    let holders =
        transfer_code::holders_of(db, &chosen.iter().map(|l| l.amount).collect::<Vec<_>>()).await?;
    let names: HashMap<i32, String> = customers::Entity::find()
        .select_only()
        .column(customers::Column::Id)
        .column(customers::Column::Name)
        .filter(customers::Column::Id.is_in(choices.iter().map(|c| c.customer_id)))
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut out = MutationResult {
        recorded: Vec::new(),
        already: 0,
    };
    for c in choices {
        let Some(l) = lines.get(&c.key) else { continue };
        let Some(name) = names.get(&c.customer_id).cloned() else {
            return Err(BillingError::NotFound);
        };
        // The line is claimed first: a second import (or a double click) finds it taken.
        let claimed = bank_lines::Entity::insert(bank_lines::ActiveModel {
            key: Set(c.key.clone()),
            payment_id: Set(None),
            customer_id: Set(c.customer_id),
            amount: Set(l.amount),
            booked_on: Set(l.date),
            description: Set(l.description.clone()),
            recorded_by: Set(user),
            created_at: Set(at.now),
        })
        .on_conflict_do_nothing()
        .exec(db)
        .await?;
        if !matches!(claimed, sea_orm::TryInsertResult::Inserted(_)) {
            out.already += 1;
            continue;
        }
        let code_total = match holders.get(&l.amount) {
            Some((id, total)) if *id == c.customer_id => Some(*total),
            _ => None,
        };
        let (amount, written_off) = match (settings.extra, code_total) {
            (CodeExtra::WriteOff, Some(total)) if total < l.amount => (total, l.amount - total),
            _ => (l.amount, 0),
        };
        let note = if written_off > 0 {
            format!(
                "Dari mutasi bank: {}. Kode unik {} dihapuskan.",
                l.description,
                rupiah(written_off)
            )
        } else {
            format!("Dari mutasi bank: {}", l.description)
        };
        let recorded = payments::record(
            db,
            &payments::NewPayment {
                customer_id: Some(c.customer_id),
                invoice_id: None,
                amount: amount.to_string(),
                method: crate::domain::billing::PaymentMethod::BankTransfer
                    .as_str()
                    .to_owned(),
                reference: format!(
                    "Mutasi {}",
                    l.date
                        .map(crate::domain::dates::format_date)
                        .unwrap_or_default()
                ),
                paid_on: l.date.map(|d| d.to_string()).unwrap_or_default(),
                note: note.chars().take(payments::NOTE_MAX).collect(),
            },
            user,
            at,
        )
        .await;
        let r = match recorded {
            Ok(r) => r,
            Err(e) => {
                // Not recorded: the line may be chosen again.
                bank_lines::Entity::delete_by_id(c.key.clone())
                    .exec(db)
                    .await?;
                return Err(e);
            }
        };
        bank_lines::Entity::update_many()
            .col_expr(
                bank_lines::Column::PaymentId,
                sea_orm::sea_query::Expr::value(r.payment_id),
            )
            .filter(bank_lines::Column::Key.eq(c.key.clone()))
            .exec(db)
            .await?;
        out.recorded.push(RecordedMutation {
            key: c.key.clone(),
            payment_id: r.payment_id,
            customer_id: c.customer_id,
            customer_name: name,
            amount,
            written_off,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_found_in_glued_bank_descriptions() {
        assert_eq!(
            super::words("WS95031   150000.00AGUS PRASETYO"),
            ["WS", "95031", "150000", "00", "AGUS", "PRASETYO"]
        );
        assert_eq!(
            super::words("cenaidja/siti rahmawati"),
            ["CENAIDJA", "SITI", "RAHMAWATI"]
        );
    }
}
