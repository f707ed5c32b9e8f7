//! The sending engine: every message, single or bulk, is an outbox row (`send_items`) before
//! anything is sent, and a worker inside the server drains it (DESIGN §5).
//!
//! - Durable: state lives in the database; a restart resumes by itself.
//! - Paced per WhatsApp session across instances: one instance holds a session's send slot
//!   (`wa_sessions` lease); `next_send_at` there spaces the sends.
//! - Classified failures: retry with backoff, fail the recipient, or pause the job.
//! - No silent duplicates: claims are fenced; an item whose claimer died is checked against
//!   the chat's recent messages before any resend, and marked `unknown` when that cannot decide.

pub mod acks;
pub mod channel;
pub mod error;
pub mod guard;
pub mod outbox;
pub mod policy;
pub mod recheck;
#[cfg(test)]
mod tests;
pub mod warmup;
mod worker;

pub use channel::{Channel, Failure, FailureKind, Outgoing};
pub use error::EngineError;
pub use recheck::{NoRecheck, Recheck, Verdict};

use sea_orm::DatabaseConnection;
use std::{collections::HashMap, sync::Arc, time::Duration};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// This process, as named in claims and leases.
    pub instance_id: String,
    /// How long a session send slot is held without renewal.
    pub session_lease: Duration,
    /// How long a claimed item may stay `sending` without renewal. Longer than the WAHA client's
    /// total timeout, so a claim is never taken over while its request may still be running.
    pub item_lease: Duration,
    /// How often an idle worker looks for work (new jobs also wake it at once).
    pub poll: Duration,
    /// How often a paused session's status is asked while jobs wait for it.
    pub status_poll: Duration,
    /// The wait after WAHA's rate-overlimit, before the slowed-down pace resumes.
    pub rate_limit_pause: Duration,
    /// How long shutdown waits for a send in flight before releasing it.
    pub shutdown_grace: Duration,
    /// How often sent messages whose delivery tick has not come (by webhook) are looked up in
    /// their chats; a message is asked about less often as it ages.
    pub ack_poll: Duration,
    /// Multiplies the retry backoff (1.0 = 10 s doubling to 5 min; tests use tiny values).
    pub retry_scale: f64,
    pub timezone: chrono_tz::Tz,
}

impl EngineConfig {
    pub fn new(timezone: chrono_tz::Tz) -> Self {
        Self {
            instance_id: format!("{}-{:08x}", std::process::id(), rand::random::<u32>()),
            session_lease: Duration::from_secs(30),
            item_lease: Duration::from_secs(45),
            poll: Duration::from_secs(1),
            status_poll: Duration::from_secs(10),
            rate_limit_pause: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(5),
            ack_poll: Duration::from_secs(60),
            retry_scale: 1.0,
            timezone,
        }
    }

    /// All timings scaled from one lease (tests and demos run with tiny ones).
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.session_lease = lease;
        self.item_lease = lease + lease / 2;
        self.poll = (lease / 10).clamp(Duration::from_millis(20), Duration::from_secs(1));
        self.status_poll = (lease / 3).max(Duration::from_millis(50));
        self.ack_poll = lease * 2;
        self
    }
}

/// A handle to wake the engine when work is queued (it also polls).
#[derive(Clone, Default)]
pub struct EngineHandle {
    wake: Arc<Notify>,
}

impl EngineHandle {
    pub fn wake(&self) {
        self.wake.notify_waiters();
    }
}

/// What the engine talks to: WhatsApp, and the check before each send.
#[derive(Clone)]
pub struct Ports {
    pub channel: Arc<dyn Channel>,
    pub recheck: Arc<dyn Recheck>,
}

impl Ports {
    /// A channel and no check before sending (everything goes as queued).
    pub fn channel_only(channel: Arc<dyn Channel>) -> Self {
        Self {
            channel,
            recheck: Arc::new(NoRecheck),
        }
    }
}

/// Runs the engine until `stop`: one worker per WhatsApp session with work.
pub fn spawn(
    db: DatabaseConnection,
    ports: Ports,
    config: EngineConfig,
    handle: EngineHandle,
    stop: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let ctx = Arc::new(worker::Ctx {
        db,
        channel: ports.channel,
        recheck: ports.recheck,
        config,
        wake: handle.wake.clone(),
    });
    let ack_poller = tokio::spawn(acks::run(
        ctx.db.clone(),
        ctx.channel.clone(),
        ctx.config.ack_poll,
        stop.clone(),
    ));
    tokio::spawn(async move {
        let mut workers: HashMap<String, tokio::task::JoinHandle<()>> = HashMap::new();
        loop {
            workers.retain(|_, h| !h.is_finished());
            match outbox::sessions_with_work(&ctx.db).await {
                Ok(sessions) => {
                    for s in sessions {
                        workers.entry(s.clone()).or_insert_with(|| {
                            tokio::spawn(worker::run_session(ctx.clone(), s, stop.clone()))
                        });
                    }
                }
                Err(e) => tracing::warn!(error = %e, "engine: cannot list sessions with work"),
            }
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = ctx.wake.notified() => {},
                _ = tokio::time::sleep(ctx.config.poll) => {},
            }
        }
        for (_, h) in workers {
            let _ = h.await;
        }
        let _ = ack_poller.await;
    })
}
