//! The state of the installation itself, for the dashboard: the last backup.

use serde::{Deserialize, Serialize};

/// "Backup terakhir" on the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupStatusView {
    /// Daily backups run inside `tagih serve` (`TAGIH_BACKUP_KEEP` > 0).
    pub automatic: bool,
    /// How many automatic backups are kept.
    pub keep: u32,
    /// When the last good backup was taken, in the configured zone ("3 Desember 2026 02.00").
    pub last_at: Option<String>,
    /// Whole hours since then.
    pub age_hours: Option<i64>,
    /// The backup file's name (no folder) and size.
    pub last_file: Option<String>,
    pub last_bytes: Option<u64>,
    /// No good backup for two days (or none at all): shown in red.
    pub overdue: bool,
    /// The last attempt failed (after the last good one): when, in the configured zone.
    pub failed_at: Option<String>,
}
