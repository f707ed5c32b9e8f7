//! The daily backup inside `tagih serve`: due once a day at `TAGIH_BACKUP_HOUR` (local time),
//! and at once when the last good one is older than the last due time (a fresh install, a
//! server that was off at night). Keeps the newest `TAGIH_BACKUP_KEEP` automatic backups.

use super::{BackupOptions, Format};
use app::server::{AppState, BackupConfig, system};
use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::path::Path;
use tokio_util::sync::CancellationToken;

/// File name prefix of the automatic backups: only these are pruned.
pub const AUTO_PREFIX: &str = "tagih-auto";

/// The most recent moment a daily backup was due, at or before `now`.
pub fn last_due(now: DateTime<Utc>, tz: Tz, hour: u32) -> DateTime<Utc> {
    let local = now.with_timezone(&tz);
    let at = NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default();
    let today = local.date_naive().and_time(at);
    let due = tz
        .from_local_datetime(&today)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or(now);
    if due > now {
        due - Duration::days(1)
    } else {
        due
    }
}

/// True when no good backup was taken since the last due time.
pub fn is_due(last_ok: Option<DateTime<Utc>>, now: DateTime<Utc>, tz: Tz, hour: u32) -> bool {
    last_ok.is_none_or(|t| t < last_due(now, tz, hour))
}

/// Deletes the oldest automatic backups beyond `keep` (by the time they were written, then
/// name: two taken within one second differ only by a suffix).
pub fn prune(dir: &Path, keep: u32) -> std::io::Result<Vec<String>> {
    let mut found: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(dir)?
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let auto = name.starts_with(&format!("{AUTO_PREFIX}-")) && name.ends_with(".tar.gz");
            let modified = e.metadata().and_then(|m| m.modified()).ok()?;
            auto.then_some((modified, name))
        })
        .collect();
    found.sort();
    let excess = found.len().saturating_sub(keep as usize);
    let removed: Vec<String> = found.into_iter().take(excess).map(|(_, n)| n).collect();
    for n in &removed {
        std::fs::remove_file(dir.join(n))?;
    }
    Ok(removed)
}

/// One automatic backup now: write it, record it, prune. Errors are recorded and logged.
pub async fn run_once(state: &AppState, cfg: &BackupConfig) -> Result<(), String> {
    let opts = BackupOptions {
        dir: cfg.dir.clone(),
        format: Format::Auto,
        prefix: AUTO_PREFIX,
    };
    match super::create(&state.db, &state.config.database_url, &opts).await {
        Ok(r) => {
            let file = r
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            tracing::info!(
                %file,
                bytes = r.bytes,
                rows = r.manifest.total_rows(),
                secs = r.secs,
                "daily backup written"
            );
            if let Err(e) =
                system::record_ok(&state.db, r.manifest.created_at, &file, r.bytes).await
            {
                tracing::warn!(error = %e, "backup status not recorded");
            }
            match prune(&cfg.dir, cfg.keep) {
                Ok(removed) if !removed.is_empty() => {
                    tracing::info!(?removed, "old automatic backups removed")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "old backups not pruned"),
            }
            Ok(())
        }
        Err(e) => {
            tracing::error!(error = %e, dir = %cfg.dir.display(), "daily backup failed");
            let _ = system::record_failure(&state.db, Utc::now(), &e.to_string()).await;
            Err(e.to_string())
        }
    }
}

/// Checks every `every`, the first time after `first`, whether a backup is due (off when
/// `keep` is 0). The first check waits so that a short-lived server (a test, a quick look)
/// does not start by writing a backup.
pub fn spawn(
    state: AppState,
    first: std::time::Duration,
    every: std::time::Duration,
    stop: CancellationToken,
) -> Option<tokio::task::JoinHandle<()>> {
    let cfg = state.config.backup.clone();
    if cfg.keep == 0 {
        tracing::info!("automatic backups are off (TAGIH_BACKUP_KEEP=0)");
        return None;
    }
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + first, every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // A failing backup is retried at the next tick, but not more often than hourly.
        let mut last_failure: Option<DateTime<Utc>> = None;
        loop {
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = tick.tick() => {}
            }
            let now = Utc::now();
            if last_failure.is_some_and(|f| now - f < Duration::hours(1)) {
                continue;
            }
            let last_ok = match system::load(&state.db).await {
                Ok(s) => s.last_ok_at,
                Err(e) => {
                    tracing::warn!(error = %e, "backup status unreadable");
                    continue;
                }
            };
            if !is_due(last_ok, now, state.config.timezone, cfg.hour) {
                continue;
            }
            // Not raced against shutdown: a backup in progress finishes (it is one snapshot).
            last_failure = run_once(&state, &cfg).await.err().map(|_| now);
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_backup_is_due_once_a_day_after_the_hour_and_at_once_when_missed() {
        let tz = chrono_tz::Asia::Jakarta; // UTC+7: 02:00 local is 19:00 UTC the day before
        let now = utc("2026-12-05T03:00:00Z"); // 10:00 local
        assert_eq!(last_due(now, tz, 2), utc("2026-12-04T19:00:00Z"));
        let before = utc("2026-12-04T18:00:00Z"); // 01:00 local
        assert_eq!(last_due(before, tz, 2), utc("2026-12-03T19:00:00Z"));

        assert!(is_due(None, now, tz, 2), "a fresh install backs up at once");
        assert!(!is_due(Some(utc("2026-12-04T19:05:00Z")), now, tz, 2));
        assert!(is_due(Some(utc("2026-12-04T10:00:00Z")), now, tz, 2));
    }

    #[test]
    fn pruning_keeps_the_newest_automatic_backups_and_never_a_hand_made_one() {
        let dir = tempfile::tempdir().unwrap();
        for n in [
            "tagih-20261101-100000.tar.gz",
            "notes.txt",
            "tagih-auto-20261201-190000.tar.gz",
            "tagih-auto-20261202-190000.tar.gz",
            "tagih-auto-20261203-190000.tar.gz",
        ] {
            std::fs::write(dir.path().join(n), b"x").unwrap();
            // Distinct modification times, oldest first.
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let removed = prune(dir.path(), 2).unwrap();
        assert_eq!(removed, ["tagih-auto-20261201-190000.tar.gz"]);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "notes.txt",
                "tagih-20261101-100000.tar.gz",
                "tagih-auto-20261202-190000.tar.gz",
                "tagih-auto-20261203-190000.tar.gz"
            ]
        );
    }
}
