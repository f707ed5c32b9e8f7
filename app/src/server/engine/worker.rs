//! One worker per WhatsApp session: hold the send slot, respect pacing and holds, claim the
//! next item, deliver it, record the outcome.

use super::{
    EngineConfig,
    channel::{Channel, Failure, FailureKind},
    outbox, policy,
};
use crate::domain::sending::{BanSignal, Hold, ItemState, MAX_ATTEMPTS, Pacing, backoff, day_key};
use chrono::{DateTime, TimeZone, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbErr,
    sea_query::{Alias, Expr, Query},
};
use std::{sync::Arc, time::Duration};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

pub(super) struct Ctx {
    pub db: DatabaseConnection,
    pub channel: Arc<dyn Channel>,
    pub recheck: Arc<dyn super::Recheck>,
    pub config: EngineConfig,
    pub wake: Arc<Notify>,
}

/// What a delivery attempt did to the session's pace.
enum Paced {
    /// Nothing went out: the next item may follow at once.
    Untouched,
    /// A request reached WAHA: space the next one. `sent`: WhatsApp took the message (its
    /// id), recorded together with the pace in one commit.
    Spaced { sent: Option<String> },
    /// WAHA said rate-overlimit: back off and slow down.
    RateLimited,
}

pub(super) async fn run_session(ctx: Arc<Ctx>, name: String, stop: CancellationToken) {
    tracing::debug!(session = %name, "send worker started");
    let mut mem = Local::default();
    loop {
        if stop.is_cancelled() {
            break;
        }
        match step(&ctx, &name, &stop, &mut mem).await {
            Ok(Step::Continue) => {}
            Ok(Step::Wait(d)) => wait(&ctx, &stop, d).await,
            Ok(Step::Exit) => break,
            Err(e) => {
                tracing::warn!(session = %name, error = %e, "send worker: database error");
                wait(&ctx, &stop, ctx.config.poll.max(Duration::from_millis(500))).await;
            }
        }
    }
    let _ = outbox::release_session(&ctx.db, &name, &ctx.config.instance_id).await;
    tracing::debug!(session = %name, "send worker stopped");
}

/// What this worker remembers between steps.
#[derive(Default)]
struct Local {
    last_status_check: Option<std::time::Instant>,
    /// When this worker last renewed the session slot; the lease holds until renewal + lease.
    slot_renewed: Option<std::time::Instant>,
    /// When the ban guard last looked at the session's window (`None`: look before the next
    /// send, e.g. right after a failure).
    guard_checked: Option<std::time::Instant>,
}

impl Local {
    /// Holds the session slot, renewing it only when a quarter of the lease has passed: a
    /// renewal is a write (an fsync on SQLite), and the lease is ours until it runs out anyway.
    async fn hold_slot(
        &mut self,
        db: &DatabaseConnection,
        name: &str,
        cfg: &EngineConfig,
    ) -> Result<bool, DbErr> {
        if self
            .slot_renewed
            .is_some_and(|t| t.elapsed() < cfg.session_lease / 4)
        {
            return Ok(true);
        }
        let before = std::time::Instant::now();
        let held =
            outbox::acquire_session(db, name, &cfg.instance_id, cfg.session_lease, Utc::now())
                .await?
                .is_some();
        self.slot_renewed = held.then_some(before);
        Ok(held)
    }
}

enum Step {
    Continue,
    Wait(Duration),
    Exit,
}

async fn wait(ctx: &Ctx, stop: &CancellationToken, d: Duration) {
    tokio::select! {
        _ = stop.cancelled() => {},
        _ = ctx.wake.notified() => {},
        _ = tokio::time::sleep(d) => {},
    }
}

fn until(now: DateTime<Utc>, t: DateTime<Utc>) -> Duration {
    (t - now).to_std().unwrap_or(Duration::ZERO)
}

async fn step(
    ctx: &Ctx,
    name: &str,
    stop: &CancellationToken,
    mem: &mut Local,
) -> Result<Step, DbErr> {
    let db = &ctx.db;
    let cfg = &ctx.config;
    let me = cfg.instance_id.as_str();
    let now = Utc::now();

    if !mem.hold_slot(db, name, cfg).await? {
        // Another instance sends for this session; be ready to take over if it dies.
        return Ok(Step::Wait(cfg.session_lease / 3));
    }
    let recovered = outbox::recover_stale(db, name, now).await?;
    if recovered > 0 {
        tracing::warn!(session = %name, items = recovered, "recovered items whose sender stopped mid-send; they are checked in the chat before any resend");
    }
    outbox::finish_jobs(db, name, now).await?;

    // Jobs paused for the channel resume once WhatsApp works again.
    if outbox::auto_paused(db, name).await? > 0
        && mem
            .last_status_check
            .is_none_or(|t| t.elapsed() >= cfg.status_poll)
    {
        mem.last_status_check = Some(std::time::Instant::now());
        if let Ok(status) = ctx.channel.status(name).await {
            outbox::set_status(db, name, &status, now).await?;
            if status.is_working() {
                let n = outbox::resume_auto(db, name, now).await?;
                tracing::info!(session = %name, jobs = n, "session WORKING again: paused jobs resume");
                return Ok(Step::Continue);
            }
        }
    }

    let Some((item, job)) = outbox::next_due(db, name, now).await? else {
        if !outbox::sessions_with_work(db)
            .await?
            .iter()
            .any(|s| s == name)
        {
            return Ok(Step::Exit);
        }
        let wait = match outbox::next_retry_at(db, name).await? {
            Some(t) => until(now, t).min(cfg.session_lease / 3),
            None => cfg.poll.max(cfg.status_poll.min(cfg.session_lease / 3)),
        };
        return Ok(Step::Wait(wait.max(Duration::from_millis(10))));
    };

    // Quiet hours and the daily cap hold everything back.
    let session = outbox::session_row(db, name)
        .await?
        .unwrap_or_else(|| unreachable_row(name));
    let tz = cfg.timezone;
    let local = now.with_timezone(&tz).naive_local();
    let today = day_key(local.date());
    let sent_today = if session.sent_day.as_deref() == Some(today.as_str()) {
        session.sent_today
    } else {
        0
    };
    let policy = policy::load(db).await?;
    let warm_day = match &policy.warmup {
        Some(w) => super::warmup::state(db, &session, w, local.date(), tz)
            .await?
            .map(|s| s.day),
        None => None,
    };
    let held = match policy.hold_warming(local, u32::try_from(sent_today).unwrap_or(0), warm_day) {
        Some((hold, until_local)) => Some((
            hold,
            tz.from_local_datetime(&until_local)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or(now + chrono::Duration::minutes(1)),
        )),
        // A full wave rests (read from the sends themselves, so every instance agrees).
        None => match policy.waves {
            Some(w) => w
                .hold_until(&outbox::send_times(db, name, true, w.size).await?, now)
                .map(|until| (Hold::WavePause, until)),
            None => None,
        },
    };
    if let Some((hold, until_utc)) = held {
        if session.hold_reason.as_deref() != Some(hold.code())
            || session.hold_until != Some(until_utc)
        {
            outbox::set_hold(db, name, Some((hold, until_utc))).await?;
            tracing::info!(session = %name, reason = hold.code(), until = %until_utc, "sending held");
        }
        return Ok(Step::Wait(until(now, until_utc).min(cfg.session_lease / 3)));
    }
    if session.hold_reason.is_some() {
        outbox::set_hold(db, name, None).await?;
    }

    // Early signs of a ban stop the session's jobs until the admin has looked (WAHA §7: stop
    // when WhatsApp starts refusing). Looked at every status poll, and after every failure.
    if let Some(g) = &policy.guard
        && mem
            .guard_checked
            .is_none_or(|t| t.elapsed() >= cfg.status_poll)
    {
        mem.guard_checked = Some(std::time::Instant::now());
        if let Some(signal) = super::guard::check(db, name, g, now).await? {
            let message = signal.message();
            let n = outbox::pause_session_jobs(
                db,
                name,
                outbox::PauseReason {
                    code: BanSignal::PAUSE_CODE,
                    message: &message,
                    auto_resume: false,
                },
                now,
            )
            .await?;
            tracing::warn!(session = %name, jobs = n, ?signal, "early sign of a ban: sending paused");
            return Ok(Step::Continue);
        }
    }

    // Pacing: the next send waits for the gap the previous one set, on whichever instance.
    if let Some(next) = session.next_send_at
        && next > now
    {
        return Ok(Step::Wait(until(now, next).min(cfg.session_lease / 3)));
    }

    let Some(fence) = outbox::claim(db, item.id, me, cfg.item_lease, now).await? else {
        return Ok(Step::Continue);
    };
    // Still ours right before sending (renewed if it is getting old); if it was lost
    // meanwhile, give the item back.
    if !mem.hold_slot(db, name, cfg).await? {
        outbox::requeue(
            db,
            item.id,
            fence,
            outbox::Requeue {
                at: now,
                count_attempt: false,
                verify_first: item.verify_first,
                error: None,
            },
            Utc::now(),
        )
        .await?;
        return Ok(Step::Continue);
    }

    // A statement is checked again just before it goes: paid meanwhile → skipped; the amount
    // changed → the text is rendered again. (Not a message that may already have gone out:
    // that one is looked for in the chat as it was.)
    let mut item = item;
    if !item.verify_first && item.statement_total.is_some() {
        match ctx.recheck.recheck(&item).await {
            Ok(super::Verdict::Send) => {}
            Ok(super::Verdict::Skip { note }) => {
                let done = Utc::now();
                let txn = crate::server::db::begin_write(db).await?;
                outbox::skip(&txn, item.id, fence, &note, done).await?;
                outbox::finish_jobs(&txn, name, done).await?;
                txn.commit().await?;
                tracing::info!(item = item.id, %note, "not sent: no longer due");
                return Ok(Step::Continue);
            }
            Ok(super::Verdict::Rewrite { body, total, note }) => {
                if outbox::rewrite(db, item.id, fence, &body, total, &note, Utc::now()).await? {
                    tracing::info!(item = item.id, %note, "statement rendered again before sending");
                    item.body = body;
                    item.statement_total = Some(total);
                }
            }
            Err(e) => {
                // Cannot tell what is owed now: do not send a figure that may be wrong; try
                // again shortly without spending an attempt.
                tracing::warn!(item = item.id, error = %e, "statement check failed; retrying");
                outbox::requeue(
                    db,
                    item.id,
                    fence,
                    outbox::Requeue {
                        at: Utc::now() + chrono::Duration::seconds(10),
                        count_attempt: false,
                        verify_first: false,
                        error: None,
                    },
                    Utc::now(),
                )
                .await?;
                return Ok(Step::Continue);
            }
        }
    }

    let pacing = Pacing {
        delay_ms: job.delay_ms,
        jitter_ms: job.jitter_ms,
    };
    let attempt = item.attempts + 1;
    let paced = deliver(
        ctx,
        name,
        Claim {
            item: &item,
            fence,
            attempt,
        },
        stop,
    )
    .await?;

    if !matches!(paced, Paced::Spaced { sent: Some(_) }) {
        mem.guard_checked = None;
    }
    let done = Utc::now();
    let slowdown = session.slowdown.max(1);
    let mut sent_id = None;
    let (next_send_at, sent_today, slowdown) = match paced {
        Paced::Untouched => return Ok(Step::Continue),
        Paced::Spaced { sent } => (
            done + pacing.gap(rand::random::<f64>(), slowdown),
            sent_today + i32::from(sent.is_some()),
            if let Some(id) = sent {
                sent_id = Some(id);
                (slowdown - 1).max(1)
            } else {
                slowdown
            },
        ),
        Paced::RateLimited => {
            let slower = (slowdown * 2).min(16);
            let pause = chrono::Duration::from_std(cfg.rate_limit_pause).unwrap_or_default();
            (
                done + pause.max(pacing.gap(1.0, slower)),
                sent_today,
                slower,
            )
        }
    };
    // One commit for the outcome, the pace and the job's end.
    let txn = crate::server::db::begin_write(db).await?;
    if let Some(id) = sent_id {
        outbox::mark_sent(&txn, item.id, fence, &id, done).await?;
    }
    outbox::record_pacing(
        &txn,
        name,
        me,
        &outbox::PacingState {
            next_send_at,
            day: &today,
            sent_today,
            slowdown,
        },
        done,
    )
    .await?;
    outbox::finish_jobs(&txn, name, done).await?;
    txn.commit().await?;
    Ok(Step::Continue)
}

fn unreachable_row(name: &str) -> crate::server::entity::wa_sessions::Model {
    // acquire_session created the row; a missing one means it was deleted under us.
    crate::server::entity::wa_sessions::Model {
        name: name.to_owned(),
        status: None,
        status_at: None,
        me_id: None,
        me_name: None,
        next_send_at: None,
        lease_owner: None,
        lease_until: None,
        fence: 0,
        sent_day: None,
        sent_today: 0,
        slowdown: 1,
        hold_reason: None,
        hold_until: None,
        updated_at: Utc::now(),
    }
}

/// One attempt at one claimed item; records its outcome (fenced) and says how it paced.
/// An item this worker claimed: the row, the claim's fence, and which attempt this is.
#[derive(Clone, Copy)]
struct Claim<'a> {
    item: &'a crate::server::entity::send_items::Model,
    fence: i64,
    attempt: i32,
}

async fn deliver(
    ctx: &Ctx,
    name: &str,
    claim: Claim<'_>,
    stop: &CancellationToken,
) -> Result<Paced, DbErr> {
    let Claim {
        item,
        fence,
        attempt,
    } = claim;
    let db = &ctx.db;

    // 1. A message that may already have gone out is looked for in the chat first.
    if item.verify_first {
        match ctx.channel.recent_outgoing(name, &item.chat_id, 50).await {
            Ok(messages) => {
                let since = item.created_at.timestamp() - 60;
                if let Some(m) = messages
                    .iter()
                    .find(|m| m.body == item.body && m.timestamp >= since)
                {
                    outbox::mark_sent(db, item.id, fence, &m.id, Utc::now()).await?;
                    tracing::info!(
                        item = item.id,
                        "found in the chat after an interrupted send: not sent again"
                    );
                    return Ok(Paced::Untouched);
                }
            }
            Err(f) => {
                // WAHA cannot show the chat right now: retry like any transient failure, and
                // only when the attempts are spent leave the decision to the admin.
                if attempt >= MAX_ATTEMPTS {
                    outbox::finish_unsent(db, item.id, fence, outbox::Unsent { state: ItemState::Unknown, code: "verify_failed", message: &format!(
                            "Pengiriman terputus dan riwayat chat tidak dapat diperiksa ({}). Periksa chat pelanggan, lalu kirim ulang atau batalkan.",
                            f.message
                        ) }, Utc::now())
                    .await?;
                    return Ok(Paced::Untouched);
                }
                return on_failure(ctx, name, claim, f, true).await;
            }
        }
    }

    // 2. Before the first message to a number, ask WhatsApp whether it exists.
    let chat_id = match recipient_chat(ctx, name, item).await {
        Ok(Some(chat)) => chat,
        Ok(None) => {
            outbox::finish_unsent(
                db,
                item.id,
                fence,
                outbox::Unsent {
                    state: ItemState::Failed,
                    code: "not_on_whatsapp",
                    message: "Nomor ini tidak terdaftar di WhatsApp.",
                },
                Utc::now(),
            )
            .await?;
            return Ok(Paced::Untouched);
        }
        Err(RecipientError::Db(e)) => return Err(e),
        Err(RecipientError::Channel(f)) => {
            return on_failure(ctx, name, claim, f, item.verify_first).await;
        }
    };
    if chat_id != item.chat_id {
        set_chat_id(db, item.id, fence, &chat_id).await?;
    }

    // 3. Send, keeping the claim alive; on shutdown give the send a short grace, then release.
    let send = ctx.channel.send_text(name, &chat_id, &item.body);
    tokio::pin!(send);
    let mut heartbeat = tokio::time::interval(ctx.config.item_lease / 3);
    heartbeat.tick().await;
    let result = loop {
        tokio::select! {
            r = &mut send => break Some(r),
            _ = heartbeat.tick() => {
                let now = Utc::now();
                outbox::extend_claim(db, item.id, fence, ctx.config.item_lease, now).await?;
                // A slow send keeps the session slot too: otherwise another instance could take
                // it and send while this request is still in flight.
                if outbox::acquire_session(db, name, &ctx.config.instance_id, ctx.config.session_lease, now)
                    .await?
                    .is_none()
                {
                    tracing::warn!(session = %name, item = item.id, "send slot lost during a slow send");
                }
            }
            _ = stop.cancelled() => {
                match tokio::time::timeout(ctx.config.shutdown_grace, &mut send).await {
                    Ok(r) => break Some(r),
                    Err(_) => break None,
                }
            }
        }
    };
    let Some(result) = result else {
        // Shutting down mid-send: it may or may not have gone out; check before resending.
        outbox::requeue(
            db,
            item.id,
            fence,
            outbox::Requeue {
                at: Utc::now(),
                count_attempt: false,
                verify_first: true,
                error: None,
            },
            Utc::now(),
        )
        .await?;
        return Ok(Paced::Spaced { sent: None });
    };
    match result {
        Ok(id) => Ok(Paced::Spaced { sent: Some(id) }),
        Err(f) => on_failure(ctx, name, claim, f, item.verify_first).await,
    }
}

/// Records a classified failure.
async fn on_failure(
    ctx: &Ctx,
    name: &str,
    claim: Claim<'_>,
    f: Failure,
    was_verifying: bool,
) -> Result<Paced, DbErr> {
    let Claim {
        item,
        fence,
        attempt,
    } = claim;
    let db = &ctx.db;
    let now = Utc::now();
    match f.kind {
        FailureKind::Transient { maybe_sent } => {
            let verify = maybe_sent || was_verifying;
            if attempt >= MAX_ATTEMPTS {
                let (final_state, message) = if verify {
                    (
                        ItemState::Unknown,
                        format!(
                            "Tidak dapat dipastikan terkirim setelah {attempt} percobaan ({}). Periksa chat pelanggan, lalu kirim ulang atau batalkan.",
                            f.message
                        ),
                    )
                } else {
                    (
                        ItemState::Failed,
                        format!("Gagal setelah {attempt} percobaan: {}", f.message),
                    )
                };
                outbox::finish_unsent(
                    db,
                    item.id,
                    fence,
                    outbox::Unsent {
                        state: final_state,
                        code: &f.code,
                        message: &message,
                    },
                    now,
                )
                .await?;
            } else {
                let wait = backoff(attempt, rand::random::<f64>());
                let scaled = (wait.num_milliseconds() as f64 * ctx.config.retry_scale) as i64;
                let at = now + chrono::Duration::milliseconds(scaled);
                outbox::requeue(
                    db,
                    item.id,
                    fence,
                    outbox::Requeue {
                        at,
                        count_attempt: true,
                        verify_first: verify,
                        error: Some((&f.code, &f.message)),
                    },
                    now,
                )
                .await?;
            }
            Ok(Paced::Spaced { sent: None })
        }
        FailureKind::Recipient => {
            outbox::finish_unsent(
                db,
                item.id,
                fence,
                outbox::Unsent {
                    state: ItemState::Failed,
                    code: &f.code,
                    message: &f.message,
                },
                now,
            )
            .await?;
            Ok(Paced::Spaced { sent: None })
        }
        FailureKind::Channel { auto_resume } => {
            outbox::requeue(
                db,
                item.id,
                fence,
                outbox::Requeue {
                    at: now,
                    count_attempt: false,
                    verify_first: was_verifying,
                    error: Some((&f.code, &f.message)),
                },
                now,
            )
            .await?;
            let n = outbox::pause_session_jobs(
                db,
                name,
                outbox::PauseReason {
                    code: &f.code,
                    message: &f.message,
                    auto_resume,
                },
                now,
            )
            .await?;
            tracing::warn!(session = %name, jobs = n, reason = %f.code, "sending paused");
            Ok(Paced::Untouched)
        }
        FailureKind::RateLimited => {
            outbox::requeue(
                db,
                item.id,
                fence,
                outbox::Requeue {
                    at: now,
                    count_attempt: false,
                    verify_first: was_verifying,
                    error: Some((&f.code, &f.message)),
                },
                now,
            )
            .await?;
            tracing::warn!(session = %name, "WhatsApp rate limit: slowing down");
            Ok(Paced::RateLimited)
        }
    }
}

enum RecipientError {
    Db(DbErr),
    Channel(Failure),
}

/// The chat to send to: the customer's remembered check-exists answer, or a fresh one (kept on
/// the customer). `None`: the number is not on WhatsApp.
async fn recipient_chat(
    ctx: &Ctx,
    name: &str,
    item: &crate::server::entity::send_items::Model,
) -> Result<Option<String>, RecipientError> {
    let db = &ctx.db;
    let known = match item.customer_id {
        Some(cid) => customer_check(db, cid).await.map_err(RecipientError::Db)?,
        None => None,
    };
    match known {
        Some((Some(true), Some(chat))) => return Ok(Some(chat)),
        Some((Some(false), _)) => return Ok(None),
        _ => {}
    }
    let answer = ctx
        .channel
        .check_exists(name, &item.wa_number)
        .await
        .map_err(RecipientError::Channel)?;
    if let Some(cid) = item.customer_id {
        remember_check(db, cid, answer.as_deref())
            .await
            .map_err(RecipientError::Db)?;
    }
    Ok(answer)
}

async fn customer_check(
    db: &DatabaseConnection,
    customer_id: i32,
) -> Result<Option<(Option<bool>, Option<String>)>, DbErr> {
    use sea_orm::ExprTrait;
    let stmt = Query::select()
        .columns([Alias::new("wa_exists"), Alias::new("wa_chat_id")])
        .and_where(Expr::col(Alias::new("wa_checked_at")).is_not_null())
        .from(Alias::new("customers"))
        .and_where(Expr::col(Alias::new("id")).eq(customer_id))
        .to_owned();
    let row = db.query_one(&stmt).await?;
    Ok(match row {
        Some(r) => Some((
            r.try_get::<Option<bool>>("", "wa_exists")?,
            r.try_get::<Option<String>>("", "wa_chat_id")?,
        )),
        None => None,
    })
}

async fn remember_check(
    db: &DatabaseConnection,
    customer_id: i32,
    chat: Option<&str>,
) -> Result<(), DbErr> {
    use sea_orm::ExprTrait;
    let now = Utc::now();
    let mut stmt = Query::update();
    stmt.table(Alias::new("customers"))
        .value(Alias::new("wa_exists"), chat.is_some())
        .value(Alias::new("wa_checked_at"), now)
        .and_where(Expr::col(Alias::new("id")).eq(customer_id));
    if let Some(c) = chat {
        stmt.value(Alias::new("wa_chat_id"), c);
    }
    db.execute(&stmt).await?;
    Ok(())
}

async fn set_chat_id(
    db: &DatabaseConnection,
    item_id: i32,
    fence: i64,
    chat: &str,
) -> Result<(), DbErr> {
    use sea_orm::ExprTrait;
    let stmt = Query::update()
        .table(Alias::new("send_items"))
        .value(Alias::new("chat_id"), chat)
        .and_where(Expr::col(Alias::new("id")).eq(item_id))
        .and_where(Expr::col(Alias::new("fence")).eq(fence))
        .to_owned();
    db.execute(&stmt).await?;
    Ok(())
}
