//! The scheduler's records: `schedule_runs` (one row per action and day, claimed by inserting
//! it: the unique index lets one claimer through) and `reminder_sent` (one row per customer,
//! invoice and stage).

use crate::{
    domain::schedule::Stage,
    dto::schedule::RunView,
    server::billing::{clock, sql::stmt},
};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

pub const RUN: &str = "invoice_run";
pub const REMINDER: &str = "reminder";

/// An action the scheduler takes on a day.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActionKey {
    pub kind: &'static str,
    /// `H-3`…; empty for the run.
    pub stage: String,
    pub day: NaiveDate,
}

impl ActionKey {
    pub fn run(day: NaiveDate) -> Self {
        Self {
            kind: RUN,
            stage: String::new(),
            day,
        }
    }

    pub fn reminder(stage: Stage, day: NaiveDate) -> Self {
        Self {
            kind: REMINDER,
            stage: stage.code(),
            day,
        }
    }
}

/// Claims an action: true when this caller inserted its row (and so does it).
pub async fn claim(
    db: &impl ConnectionTrait,
    key: &ActionKey,
    status: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let r = db
        .execute_raw(stmt(
            db,
            "INSERT INTO schedule_runs (kind, stage, day, status, queued, skipped, created_at, updated_at) \
             VALUES (?, ?, ?, ?, 0, 0, ?, ?) ON CONFLICT (kind, stage, day) DO NOTHING",
            vec![
                key.kind.into(),
                key.stage.clone().into(),
                key.day.into(),
                status.into(),
                now.into(),
                now.into(),
            ],
        ))
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Gives a claim back after the action failed, so a later tick tries again.
pub async fn unclaim(db: &impl ConnectionTrait, key: &ActionKey) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        db,
        "DELETE FROM schedule_runs WHERE kind = ? AND stage = ? AND day = ? AND status = 'running'",
        vec![key.kind.into(), key.stage.clone().into(), key.day.into()],
    ))
    .await?;
    Ok(())
}

/// The reminder actions recorded for days in `[from, to]`: (stage code, day).
pub async fn reminders_recorded(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<std::collections::HashSet<(String, NaiveDate)>, DbErr> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT stage, day FROM schedule_runs WHERE kind = 'reminder' AND day >= ? AND day <= ?",
            vec![from.into(), to.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("", "stage")?, r.try_get("", "day")?)))
        .collect()
}

/// Whether an action has a row (done, skipped or missed).
pub async fn exists(db: &impl ConnectionTrait, key: &ActionKey) -> Result<bool, DbErr> {
    Ok(db
        .query_one_raw(stmt(
            db,
            "SELECT id FROM schedule_runs WHERE kind = ? AND stage = ? AND day = ?",
            vec![key.kind.into(), key.stage.clone().into(), key.day.into()],
        ))
        .await?
        .is_some())
}

/// What an action did.
#[derive(Debug, Clone, Default)]
pub struct Finish {
    pub status: &'static str,
    pub queued: i64,
    pub skipped: i64,
    pub detail: Option<String>,
    pub job_id: Option<i32>,
}

pub async fn finish(
    db: &impl ConnectionTrait,
    key: &ActionKey,
    f: &Finish,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    db.execute_raw(stmt(
        db,
        "UPDATE schedule_runs SET status = ?, queued = ?, skipped = ?, detail = ?, job_id = ?, \
         updated_at = ? WHERE kind = ? AND stage = ? AND day = ?",
        vec![
            f.status.into(),
            f.queued.into(),
            f.skipped.into(),
            f.detail.clone().into(),
            f.job_id.into(),
            now.into(),
            key.kind.into(),
            key.stage.clone().into(),
            key.day.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// An open invoice a stage covers and has not reached yet.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Due {
    pub invoice_id: i32,
    pub customer_id: i32,
}

/// Open invoices due on `due` that this stage has not reached (any outcome), by customer code.
pub async fn due_unreminded(
    db: &impl ConnectionTrait,
    stage: Stage,
    due: NaiveDate,
) -> Result<Vec<Due>, DbErr> {
    Due::find_by_statement(stmt(
        db,
        "SELECT i.id AS invoice_id, i.customer_id FROM invoices i \
         JOIN customers c ON c.id = i.customer_id \
         WHERE i.due_date = ? AND i.status IN ('unpaid', 'partial') AND NOT EXISTS \
         (SELECT 1 FROM reminder_sent r WHERE r.invoice_id = i.id AND r.stage = ?) \
         ORDER BY c.code, i.id",
        vec![due.into(), stage.code().into()],
    ))
    .all(db)
    .await
}

/// Per due date in `[from, to]`: customers with an open invoice this stage has not reached.
pub async fn pending_by_due(
    db: &impl ConnectionTrait,
    stage: Stage,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(NaiveDate, i64)>, DbErr> {
    let rows = db
        .query_all_raw(stmt(
            db,
            "SELECT i.due_date, COUNT(DISTINCT i.customer_id) AS n FROM invoices i \
             WHERE i.due_date >= ? AND i.due_date <= ? AND i.status IN ('unpaid', 'partial') \
             AND NOT EXISTS (SELECT 1 FROM reminder_sent r WHERE r.invoice_id = i.id AND r.stage = ?) \
             GROUP BY i.due_date",
            vec![from.into(), to.into(), stage.code().into()],
        ))
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("", "due_date")?, r.try_get::<i64>("", "n")?)))
        .collect()
}

/// Records that a stage reached (or skipped, or missed) these invoices; rows already there
/// stay as they are.
pub async fn mark(
    db: &impl ConnectionTrait,
    stage: Stage,
    rows: &[(Due, &'static str)],
    job_id: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for chunk in rows.chunks(200) {
        let mut values = Vec::with_capacity(chunk.len() * 6);
        for (d, outcome) in chunk {
            values.extend([
                d.customer_id.into(),
                d.invoice_id.into(),
                stage.code().into(),
                (*outcome).into(),
                job_id.into(),
                now.into(),
            ]);
        }
        let marks = vec!["(?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
        db.execute_raw(stmt(
            db,
            &format!(
                "INSERT INTO reminder_sent (customer_id, invoice_id, stage, outcome, job_id, created_at) \
                 VALUES {marks} ON CONFLICT (customer_id, invoice_id, stage) DO NOTHING"
            ),
            values,
        ))
        .await?;
    }
    Ok(())
}

/// Sets the job of the reminders just queued (they were recorded before the job existed, so a
/// crash in between loses a reminder rather than sending one twice).
pub async fn set_job(
    db: &impl ConnectionTrait,
    stage: Stage,
    invoices: &[i32],
    job_id: i32,
) -> Result<(), DbErr> {
    for chunk in invoices.chunks(500) {
        let mut values = vec![job_id.into(), stage.code().into()];
        values.extend(chunk.iter().map(|i| (*i).into()));
        db.execute_raw(stmt(
            db,
            &format!(
                "UPDATE reminder_sent SET job_id = ? WHERE stage = ? AND outcome = 'queued' \
                 AND job_id IS NULL AND invoice_id IN ({})",
                vec!["?"; chunk.len()].join(", ")
            ),
            values,
        ))
        .await?;
    }
    Ok(())
}

#[derive(FromQueryResult)]
struct RunRow {
    id: i32,
    kind: String,
    stage: String,
    day: NaiveDate,
    status: String,
    queued: i32,
    skipped: i32,
    detail: Option<String>,
    job_id: Option<i32>,
    updated_at: DateTime<Utc>,
}

/// The latest recorded actions, newest first; `only_acted` leaves out actions that found
/// nobody to remind.
pub async fn recent(
    db: &impl ConnectionTrait,
    tz: Tz,
    limit: u64,
    only_acted: bool,
) -> Result<Vec<RunView>, DbErr> {
    let filter = if only_acted {
        " WHERE kind = 'invoice_run' OR queued > 0 OR skipped > 0 OR status <> 'done'"
    } else {
        ""
    };
    let rows = RunRow::find_by_statement(stmt(
        db,
        &format!(
            "SELECT id, kind, stage, day, status, queued, skipped, detail, job_id, updated_at \
             FROM schedule_runs{filter} ORDER BY day DESC, id DESC LIMIT ?"
        ),
        vec![(limit as i64).into()],
    ))
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RunView {
            id: r.id,
            kind: r.kind,
            stage: Some(r.stage).filter(|s| !s.is_empty()),
            day: r.day,
            status: r.status,
            queued: i64::from(r.queued),
            skipped: i64::from(r.skipped),
            detail: r.detail,
            job_id: r.job_id,
            at: clock::local(r.updated_at, tz),
        })
        .collect())
}
