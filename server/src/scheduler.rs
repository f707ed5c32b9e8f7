//! The scheduler inside `tagih serve`: every minute, the instance holding the lease runs one
//! tick (the monthly run, the reminder stages) at the local time in `TAGIH_TIMEZONE`. Off with
//! `TAGIH_SCHEDULER=off` (this instance), or for all instances with the switch on the Jadwal
//! page. A clean shutdown gives the lease up, so a restarted instance carries on at once.

use app::server::{
    AppState,
    schedule::{lease, tick},
};
use chrono::Utc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub const EVERY: Duration = Duration::from_secs(60);
/// The first tick comes soon after start: a run due while the server was off happens now.
pub const FIRST: Duration = Duration::from_secs(5);

/// One live tick at the real clock; errors are logged and retried at the next tick.
pub async fn tick_now(state: &AppState, holder: &str) {
    let now = Utc::now();
    let t = tick::Tick {
        state,
        local: tick::local_of(now, state.config.timezone),
        now,
        holder,
        dry_run: false,
    };
    match tick::tick(&t).await {
        Ok(Some(lines)) => {
            // Customers' lines are in the job's report; "off" would repeat every minute.
            for l in lines
                .iter()
                .filter(|l| l.customer.is_none() && l.kind != "scheduler")
            {
                tracing::info!(kind = %l.kind, stage = ?l.stage, day = ?l.day,
                    outcome = %l.outcome, count = ?l.count, "scheduler");
            }
            let queued = lines.iter().filter(|l| l.outcome == "queued").count();
            if queued > 0 {
                tracing::info!(queued, "scheduler queued statements");
            }
        }
        Ok(None) => tracing::debug!("scheduler lease held by another instance"),
        Err(e) => tracing::error!(error = %e, "scheduler tick failed"),
    }
}

pub fn spawn(
    state: AppState,
    first: Duration,
    every: Duration,
    stop: CancellationToken,
) -> Option<tokio::task::JoinHandle<()>> {
    if !state.config.scheduler {
        tracing::info!("the scheduler is off on this instance (TAGIH_SCHEDULER=off)");
        return None;
    }
    let holder = lease::holder_name();
    Some(tokio::spawn(async move {
        let mut timer = tokio::time::interval_at(tokio::time::Instant::now() + first, every);
        timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = timer.tick() => tick_now(&state, &holder).await,
            }
        }
        if let Err(e) = lease::release(&state.db, &holder).await {
            tracing::warn!(error = %e, "scheduler lease not released");
        }
    }))
}
