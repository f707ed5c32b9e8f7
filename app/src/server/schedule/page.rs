//! The Jadwal page and the dashboard card: the next runs with what each would send now, the
//! recent runs, the settings form; "Jalankan sekarang" and "Lewati".

use super::{
    ScheduleError, lease, load,
    record::{self, ActionKey, Finish},
    tick::{self, Tick},
};
use crate::{
    domain::{
        dates::{Period, format_date_short},
        schedule::{RunMode, ScheduleSettings, Stage, StageState},
    },
    dto::schedule::{NextAction, NextRun, ScheduleForm, SchedulePage},
    error::FieldErrors,
    server::{
        AppState,
        billing::{clock, drafts, invoices},
    },
};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use sea_orm::ConnectionTrait;

/// How far ahead the page looks for each stage's next day with someone to remind.
const AHEAD_DAYS: i64 = 31;

fn when(at: NaiveDateTime, now: NaiveDateTime) -> String {
    let day = at.date();
    let today = now.date();
    let d = if day == today {
        "hari ini".to_owned()
    } else if day == today + Duration::days(1) {
        "besok".to_owned()
    } else {
        format_date_short(day)
    };
    format!("{d} {}", at.format("%H:%M"))
}

/// The next monthly run and, per stage, its next day with someone to remind (else its next
/// day), each with what it would do if it ran now.
pub async fn next_runs(
    db: &impl ConnectionTrait,
    s: &ScheduleSettings,
    now: NaiveDateTime,
) -> Result<Vec<NextRun>, ScheduleError> {
    let today = now.date();
    let mut out = Vec::new();
    // The run: this month's unless done or skipped, else next month's.
    let mut month = Period::of(today);
    for _ in 0..2 {
        if let Some(at) = s.run_moment(month.year(), month.month())
            && !record::exists(db, &ActionKey::run(at.date())).await?
        {
            let p = invoices::preview_run(db, month, today).await?;
            let what = match s.run_mode {
                RunMode::Drafts => "draf untuk ditinjau",
                RunMode::IssueAndSend => "terbit dan dikirim",
            };
            out.push(NextRun {
                kind: record::RUN.into(),
                stage: None,
                day: at.date(),
                at,
                customers: p.to_create,
                summary: format!(
                    "Tagihan {} {}: {} tagihan ({what})",
                    month.label(),
                    when(at, now),
                    p.to_create
                ),
            });
            break;
        }
        month = month.next();
    }
    let recorded =
        record::reminders_recorded(db, today, today + Duration::days(AHEAD_DAYS)).await?;
    for stage in &s.stages {
        let pending = record::pending_by_due(
            db,
            *stage,
            stage.due_for(today),
            stage.due_for(today + Duration::days(AHEAD_DAYS)),
        )
        .await?;
        let mut first: Option<(NaiveDate, u64)> = None;
        let mut day = today;
        while day <= today + Duration::days(AHEAD_DAYS) {
            let open = matches!(
                s.stage_state(day, now),
                StageState::NotYet | StageState::Open
            );
            if open && !recorded.contains(&(stage.code(), day)) {
                let due = stage.due_for(day);
                let n = pending
                    .iter()
                    .find(|(d, _)| *d == due)
                    .map(|(_, n)| *n as u64)
                    .unwrap_or(0);
                if first.is_none() {
                    first = Some((day, n));
                }
                if n > 0 {
                    first = Some((day, n));
                    break;
                }
            }
            day += Duration::days(1);
        }
        if let Some((day, n)) = first {
            let at = day
                .and_time(s.window_start)
                .max(now.min(day.and_time(s.window_end)));
            out.push(NextRun {
                kind: record::REMINDER.into(),
                stage: Some(stage.label()),
                day,
                at,
                customers: n,
                summary: format!("{} {}: {n} pelanggan", stage.label(), when(at, now)),
            });
        }
    }
    out.sort_by_key(|r| r.at);
    Ok(out)
}

pub async fn page(state: &AppState, now: DateTime<Utc>) -> Result<SchedulePage, ScheduleError> {
    let db = &state.db;
    let tz = state.config.timezone;
    let settings = load(db).await?;
    let local = tick::local_of(now, tz);
    let (drafts, drafts_period) = drafts::waiting(db).await?;
    Ok(SchedulePage {
        next: next_runs(db, &settings, local).await?,
        recent: record::recent(db, tz, 30, true).await?,
        settings,
        disabled_by_env: !state.config.scheduler,
        last_tick: lease::last_tick(db).await?.map(|t| clock::local(t, tz)),
        drafts,
        drafts_period,
    })
}

pub async fn next_action(
    state: &AppState,
    now: DateTime<Utc>,
) -> Result<NextAction, ScheduleError> {
    let db = &state.db;
    let settings = load(db).await?;
    let (drafts, drafts_period) = drafts::waiting(db).await?;
    let local = tick::local_of(now, state.config.timezone);
    let next = if settings.enabled {
        next_runs(db, &settings, local)
            .await?
            .into_iter()
            .find(|r| r.customers > 0)
            .map(|r| r.summary)
    } else {
        None
    };
    Ok(NextAction {
        enabled: settings.enabled,
        drafts,
        drafts_period,
        next,
    })
}

fn key_of(
    kind: &str,
    stage: &str,
    day: NaiveDate,
) -> Result<(ActionKey, Option<Stage>), ScheduleError> {
    match kind {
        record::RUN => Ok((ActionKey::run(day), None)),
        record::REMINDER => {
            let s = Stage::parse(stage).ok_or(ScheduleError::NotFound)?;
            Ok((ActionKey::reminder(s, day), Some(s)))
        }
        _ => Err(ScheduleError::NotFound),
    }
}

/// "Jalankan sekarang": the action now, whatever its window (reminders render as of today).
pub async fn run_now(
    state: &AppState,
    kind: &str,
    stage: &str,
    day: NaiveDate,
    holder: &str,
    now: DateTime<Utc>,
) -> Result<Vec<tick::Line>, ScheduleError> {
    let (key, stage) = key_of(kind, stage, day)?;
    if record::exists(&state.db, &key).await? {
        return Err(ScheduleError::AlreadyDone);
    }
    let t = Tick {
        state,
        local: tick::local_of(now, state.config.timezone),
        now,
        holder,
        dry_run: false,
    };
    let mut lines = Vec::new();
    match stage {
        None => {
            let mode = load(&state.db).await?.run_mode;
            tick::run_action(&t, mode, day, &mut lines).await?
        }
        Some(s) => tick::stage_action(&t, s, day, StageState::Open, &mut lines).await?,
    }
    Ok(lines)
}

/// "Lewati": the action is recorded as skipped and will not happen.
pub async fn skip(
    state: &AppState,
    kind: &str,
    stage: &str,
    day: NaiveDate,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), ScheduleError> {
    let (key, _) = key_of(kind, stage, day)?;
    if !record::claim(&state.db, &key, "skipped", now).await? {
        return Err(ScheduleError::AlreadyDone);
    }
    record::finish(
        &state.db,
        &key,
        &Finish {
            status: "skipped",
            detail: Some(format!("Dilewati oleh {by}.")),
            ..Default::default()
        },
        now,
    )
    .await?;
    Ok(())
}

/// The switch.
pub async fn set_enabled(db: &impl ConnectionTrait, on: bool) -> Result<(), ScheduleError> {
    let mut s = load(db).await?;
    s.enabled = on;
    super::save(db, &s).await
}

fn time(text: &str, field: &str, e: &mut FieldErrors) -> NaiveTime {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").unwrap_or_else(|_| {
        e.add(field, "Tulis jam sebagai JJ:MM, mis. 08:00.");
        NaiveTime::MIN
    })
}

/// The settings form: checked as a whole, saved only when all of it is right.
pub async fn save_form(
    db: &impl ConnectionTrait,
    f: &ScheduleForm,
) -> Result<ScheduleSettings, ScheduleError> {
    let mut e = FieldErrors::new();
    let current = load(db).await?;
    let run_day = f.run_day.trim().parse::<u32>().unwrap_or_else(|_| {
        e.add("run_day", "Tanggal 1–28 (agar ada di setiap bulan).");
        1
    });
    let run_time = time(&f.run_time, "run_time", &mut e);
    let run_mode = match f.run_mode.trim() {
        "drafts" => RunMode::Drafts,
        "issue_and_send" => RunMode::IssueAndSend,
        _ => {
            e.add("run_mode", "Pilih draf atau terbitkan langsung.");
            RunMode::Drafts
        }
    };
    let stages = ScheduleSettings::parse_stages(&f.stages).unwrap_or_else(|m| {
        e.add("stages", m);
        Vec::new()
    });
    let window_start = time(&f.window_start, "window_start", &mut e);
    let window_end = time(&f.window_end, "window_end", &mut e);
    let s = ScheduleSettings {
        enabled: current.enabled,
        run_day,
        run_time,
        run_mode,
        stages,
        window_start,
        window_end,
    };
    if e.is_empty() {
        e = s.validate();
    }
    e.check()?;
    super::save(db, &s).await?;
    Ok(s)
}

/// The local day of "now" (for the api layer).
pub fn today(state: &AppState) -> NaiveDate {
    Utc::now()
        .with_timezone(&state.config.timezone)
        .date_naive()
}
