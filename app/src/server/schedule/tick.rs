//! One scheduler tick at a local moment: the monthly run when its moment has come (once, even
//! when the server was off at that moment), then each reminder stage whose window is open (or
//! passed less than a day ago: caught up once), recording as missed those whose window passed
//! longer ago. `tagih serve` ticks every minute; `tagih schedule --at` ticks once, and prints
//! the lines this returns.

use super::{
    ScheduleError, lease, load,
    record::{self, ActionKey, Due, Finish},
};
use crate::{
    domain::{
        dates::{Period, format_date_short},
        messages::TemplateKind,
        schedule::{RunMode, ScheduleSettings, Stage, StageState},
    },
    dto::messages::SkipReason,
    server::{
        AppState,
        billing::{clock, drafts, invoices},
        messages::queue::{self, Outcome, StatementSend},
        waha,
    },
};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;

/// Oldest stage day a tick looks back to after downtime (older ones are neither sent nor
/// recorded: a month off is a new start).
const MAX_LOOKBACK_DAYS: i64 = 35;

/// One line of what a tick did or would do: an action, or one customer in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// The local moment of the tick (`2026-12-07T09:00`).
    pub at: String,
    /// `invoice_run`, `reminder`, or `scheduler` (off, lease).
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// The local day the action belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `drafts`, `issued`, `queued`, `skipped`, `missed`, `off`… (`would_…` on a dry run).
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owed: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_id: Option<i32>,
}

/// A tick's moment and manner.
pub struct Tick<'a> {
    pub state: &'a AppState,
    /// Local wall-clock time in `TAGIH_TIMEZONE`.
    pub local: NaiveDateTime,
    pub now: DateTime<Utc>,
    pub holder: &'a str,
    pub dry_run: bool,
}

impl Tick<'_> {
    fn line(&self, kind: &str, outcome: &str) -> Line {
        Line {
            at: self.local.format("%Y-%m-%dT%H:%M").to_string(),
            kind: kind.into(),
            stage: None,
            day: None,
            customer: None,
            name: None,
            outcome: if self.dry_run {
                format!("would_{outcome}")
            } else {
                outcome.into()
            },
            reason: None,
            count: None,
            owed: None,
            job_id: None,
        }
    }

    fn today(&self) -> NaiveDate {
        self.local.date()
    }
}

/// The local moment of an instant in the configured zone.
pub fn local_of(now: DateTime<Utc>, tz: chrono_tz::Tz) -> NaiveDateTime {
    now.with_timezone(&tz).naive_local()
}

/// The instant of a local moment in the configured zone.
pub fn instant_of(local: NaiveDateTime, tz: chrono_tz::Tz) -> DateTime<Utc> {
    clock::local_from_naive(local, tz).with_timezone(&Utc)
}

/// One tick. `Ok(None)`: another instance holds the lease (it acts; this one does nothing).
pub async fn tick(t: &Tick<'_>) -> Result<Option<Vec<Line>>, ScheduleError> {
    let db = &t.state.db;
    // Read before this tick is recorded: how far back downtime may have left work.
    let last = lease::last_tick(db).await?;
    if !t.dry_run && !lease::acquire(db, t.holder, t.now).await? {
        return Ok(None);
    }
    let settings = load(db).await?;
    let mut lines = Vec::new();
    if !settings.enabled {
        let mut l = t.line("scheduler", "off");
        l.reason = Some("Penjadwal dimatikan di halaman Jadwal.".into());
        lines.push(l);
    } else {
        monthly_run(t, &settings, &mut lines).await?;
        reminders(t, &settings, last, &mut lines).await?;
    }
    if !t.dry_run {
        lease::ticked(db, t.holder, t.now).await?;
    }
    Ok(Some(lines))
}

async fn monthly_run(
    t: &Tick<'_>,
    s: &ScheduleSettings,
    lines: &mut Vec<Line>,
) -> Result<(), ScheduleError> {
    let today = t.today();
    let Some(moment) = s.run_moment(today.year(), today.month()) else {
        return Ok(());
    };
    if t.local < moment || record::exists(&t.state.db, &ActionKey::run(moment.date())).await? {
        return Ok(());
    }
    run_action(t, s.run_mode, moment.date(), lines).await
}

/// The run for the month of `day` (as scheduled, or "Jalankan sekarang").
pub(super) async fn run_action(
    t: &Tick<'_>,
    mode: RunMode,
    day: NaiveDate,
    lines: &mut Vec<Line>,
) -> Result<(), ScheduleError> {
    let db = &t.state.db;
    let period = Period::of(day);
    let key = ActionKey::run(day);
    let mut head = t.line(record::RUN, "");
    head.day = Some(day);
    if t.dry_run {
        let p = invoices::preview_run(db, period, t.today()).await?;
        head.outcome = match mode {
            RunMode::Drafts => "would_draft".into(),
            RunMode::IssueAndSend => "would_issue".into(),
        };
        head.count = Some(p.to_create);
        head.owed = Some(p.total_amount);
        lines.push(head);
        return Ok(());
    }
    if !record::claim(db, &key, "running", t.now).await? {
        return Ok(());
    }
    let result = run_claimed(t, mode, day, head, lines).await;
    if result.is_err() {
        record::unclaim(db, &key).await?;
    }
    result
}

async fn run_claimed(
    t: &Tick<'_>,
    mode: RunMode,
    day: NaiveDate,
    mut head: Line,
    lines: &mut Vec<Line>,
) -> Result<(), ScheduleError> {
    let db = &t.state.db;
    let period = Period::of(day);
    let key = ActionKey::run(day);
    let made = invoices::run(
        db,
        &invoices::RunOptions {
            period,
            today: t.today(),
            now: t.now,
            draft: true,
            // The scheduler runs the current month only.
            confirm_past: false,
            by: None,
        },
    )
    .await?;
    let mut finish = Finish {
        status: "done",
        ..Default::default()
    };
    match mode {
        RunMode::Drafts => {
            head.outcome = "drafts".into();
            head.count = Some(made.created);
            head.owed = Some(made.total_amount);
            finish.queued = made.created as i64;
            finish.detail = Some(format!(
                "{} draf tagihan {} menunggu ditinjau ({} sudah ada, {} tanpa harga).",
                made.created,
                period.label(),
                made.skipped_existing,
                made.skipped_no_price
            ));
            lines.push(head);
        }
        RunMode::IssueAndSend => {
            let issued = drafts::issue(db, period, t.today(), t.now).await?;
            head.outcome = "issued".into();
            head.count = Some(issued.count);
            head.owed = Some(issued.total_amount);
            lines.push(head);
            let q = send(
                t,
                &issued.customers,
                TemplateKind::Invoice,
                format!(
                    "Tagihan {} · {} pelanggan",
                    period.label(),
                    issued.customers.len()
                ),
            )
            .await?;
            finish.job_id = q.job_id;
            finish.queued = q.queued().count() as i64;
            finish.skipped = q.skipped().count() as i64;
            finish.detail = Some(format!(
                "{} tagihan {} diterbitkan; {}",
                issued.count,
                period.label(),
                summary(&q.outcomes)
            ));
            customer_lines(t, record::RUN, None, day, &q.outcomes, q.job_id, lines);
        }
    }
    record::finish(db, &key, &finish, t.now).await?;
    Ok(())
}

async fn reminders(
    t: &Tick<'_>,
    s: &ScheduleSettings,
    last: Option<DateTime<Utc>>,
    lines: &mut Vec<Line>,
) -> Result<(), ScheduleError> {
    let today = t.today();
    let tz = t.state.config.timezone;
    // Back to the day before the last tick (its stages may have closed while we were off),
    // at least yesterday (a window that closed late yesterday is caught up).
    let from = last
        .map(|l| local_of(l, tz).date() - Duration::days(1))
        .unwrap_or(today)
        .min(today - Duration::days(1))
        .max(today - Duration::days(MAX_LOOKBACK_DAYS));
    for stage in &s.stages {
        let mut day = from;
        while day <= today {
            let state = s.stage_state(day, t.local);
            if state != StageState::NotYet
                && !record::exists(&t.state.db, &ActionKey::reminder(*stage, day)).await?
            {
                stage_action(t, *stage, day, state, lines).await?;
            }
            day += Duration::days(1);
        }
    }
    Ok(())
}

/// One stage on one day: queue the statements (window open, caught up, or "Jalankan
/// sekarang"), or record it as missed.
pub(super) async fn stage_action(
    t: &Tick<'_>,
    stage: Stage,
    day: NaiveDate,
    state: StageState,
    lines: &mut Vec<Line>,
) -> Result<(), ScheduleError> {
    let db = &t.state.db;
    let key = ActionKey::reminder(stage, day);
    let due = record::due_unreminded(db, stage, stage.due_for(day)).await?;
    if state == StageState::Missed {
        if t.dry_run {
            if !due.is_empty() {
                let mut l = t.line(record::REMINDER, "missed");
                l.stage = Some(stage.label());
                l.day = Some(day);
                l.count = Some(customers_of(&due).len() as u64);
                lines.push(l);
            }
            return Ok(());
        }
        let status = if due.is_empty() { "done" } else { "missed" };
        if !record::claim(db, &key, status, t.now).await? {
            return Ok(());
        }
        let n = customers_of(&due).len() as i64;
        let rows: Vec<(Due, &'static str)> = due.into_iter().map(|d| (d, "missed")).collect();
        record::mark(db, stage, &rows, None, t.now).await?;
        if n > 0 {
            let mut l = t.line(record::REMINDER, "missed");
            l.stage = Some(stage.label());
            l.day = Some(day);
            l.count = Some(n as u64);
            l.reason = Some("Jendela kirim sudah lewat lebih dari sehari.".into());
            lines.push(l);
        }
        record::finish(
            db,
            &key,
            &Finish {
                status,
                skipped: n,
                detail: (n > 0).then(|| {
                    format!(
                        "Terlewat: server mati saat jendela kirim {}; tidak dikirim terlambat.",
                        format_date_short(day)
                    )
                }),
                ..Default::default()
            },
            t.now,
        )
        .await?;
        return Ok(());
    }
    let customers = customers_of(&due);
    let late = if state == StageState::CatchUp {
        " (susulan)"
    } else {
        ""
    };
    let description = format!(
        "Pengingat {} · {}{late} · {} pelanggan",
        stage.label(),
        format_date_short(day),
        customers.len()
    );
    if t.dry_run {
        let q = send_as(t, &customers, stage.kind(), description, true).await?;
        customer_lines(
            t,
            record::REMINDER,
            Some(stage),
            day,
            &q.outcomes,
            None,
            lines,
        );
        return Ok(());
    }
    if !record::claim(db, &key, "running", t.now).await? {
        return Ok(());
    }
    let result = stage_claimed(t, stage, day, &key, due, description, lines).await;
    if result.is_err() {
        record::unclaim(db, &key).await?;
    }
    result
}

async fn stage_claimed(
    t: &Tick<'_>,
    stage: Stage,
    day: NaiveDate,
    key: &ActionKey,
    due: Vec<Due>,
    description: String,
    lines: &mut Vec<Line>,
) -> Result<(), ScheduleError> {
    let db = &t.state.db;
    let customers = customers_of(&due);
    // Who gets what, recorded before the job exists: a crash in between loses a reminder
    // rather than sending one twice.
    let plan = send_as(t, &customers, stage.kind(), description.clone(), true).await?;
    let outcome: HashMap<i32, Option<SkipReason>> = plan
        .outcomes
        .iter()
        .map(|o| (o.customer_id, o.skipped))
        .collect();
    let rows: Vec<(Due, &'static str)> = due
        .iter()
        .map(|d| {
            let o = match outcome.get(&d.customer_id) {
                Some(None) => "queued",
                _ => "skipped",
            };
            (d.clone(), o)
        })
        .collect();
    record::mark(db, stage, &rows, None, t.now).await?;
    let go: Vec<i32> = plan.queued().map(|o| o.customer_id).collect();
    let q = if go.is_empty() {
        plan
    } else {
        let mut q = send_as(t, &go, stage.kind(), description, false).await?;
        if let Some(job) = q.job_id {
            let invoices: Vec<i32> = rows
                .iter()
                .filter(|(_, o)| *o == "queued")
                .map(|(d, _)| d.invoice_id)
                .collect();
            record::set_job(db, stage, &invoices, job).await?;
        }
        // Report the skips of the plan too.
        q.outcomes
            .extend(plan.outcomes.into_iter().filter(|o| o.skipped.is_some()));
        q
    };
    customer_lines(
        t,
        record::REMINDER,
        Some(stage),
        day,
        &q.outcomes,
        q.job_id,
        lines,
    );
    record::finish(
        db,
        key,
        &Finish {
            status: "done",
            queued: q.queued().count() as i64,
            skipped: q.skipped().count() as i64,
            detail: (!q.outcomes.is_empty()).then(|| summary(&q.outcomes)),
            job_id: q.job_id,
        },
        t.now,
    )
    .await?;
    Ok(())
}

fn customers_of(due: &[Due]) -> Vec<i32> {
    let mut seen = std::collections::HashSet::new();
    due.iter()
        .filter(|d| seen.insert(d.customer_id))
        .map(|d| d.customer_id)
        .collect()
}

async fn send(
    t: &Tick<'_>,
    customers: &[i32],
    kind: TemplateKind,
    description: String,
) -> Result<queue::Queued, ScheduleError> {
    send_as(t, customers, kind, description, t.dry_run).await
}

async fn send_as(
    t: &Tick<'_>,
    customers: &[i32],
    kind: TemplateKind,
    description: String,
    dry_run: bool,
) -> Result<queue::Queued, ScheduleError> {
    if customers.is_empty() {
        return Ok(queue::Queued::default());
    }
    let session = waha::settings::load(&t.state.db, &t.state.config)
        .await?
        .session;
    let q = queue::statements(
        &t.state.db,
        StatementSend {
            customers,
            kind,
            description,
            created_by: None,
            today: t.today(),
            now: t.now,
            tz: t.state.config.timezone,
            session,
            dry_run,
        },
    )
    .await?;
    if q.job_id.is_some() {
        t.state.engine.wake();
    }
    Ok(q)
}

fn customer_lines(
    t: &Tick<'_>,
    kind: &str,
    stage: Option<Stage>,
    day: NaiveDate,
    outcomes: &[Outcome],
    job_id: Option<i32>,
    lines: &mut Vec<Line>,
) {
    for o in outcomes {
        let mut l = t.line(
            kind,
            if o.skipped.is_some() {
                "skipped"
            } else {
                "queued"
            },
        );
        l.stage = stage.map(Stage::label);
        l.day = Some(day);
        l.customer = Some(o.customer_code.clone());
        l.name = Some(o.customer_name.clone());
        l.owed = Some(o.owed);
        l.reason = o.skipped.map(|r| r.label().to_owned());
        l.job_id = o.skipped.is_none().then_some(job_id).flatten();
        lines.push(l);
    }
}

/// "12 dikirim; dilewati: 2 sudah dikirimi pesan hari ini, 1 belum ada nomor WhatsApp".
pub fn summary(outcomes: &[Outcome]) -> String {
    let queued = outcomes.iter().filter(|o| o.skipped.is_none()).count();
    let mut why: Vec<(SkipReason, usize)> = Vec::new();
    for r in outcomes.iter().filter_map(|o| o.skipped) {
        match why.iter_mut().find(|(x, _)| *x == r) {
            Some((_, n)) => *n += 1,
            None => why.push((r, 1)),
        }
    }
    if why.is_empty() {
        return format!("{queued} pesan diantrekan.");
    }
    let parts: Vec<String> = why
        .iter()
        .map(|(r, n)| format!("{n} {}", r.label().to_lowercase()))
        .collect();
    format!("{queued} pesan diantrekan; dilewati: {}.", parts.join(", "))
}
