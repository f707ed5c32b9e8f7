//! The audit log as the Log aktivitas page sees it.

use crate::domain::dates::LocalTime;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i32,
    pub at: LocalTime,
    pub username: String,
    pub role: String,
    /// The action's stable name (`payment`, `login_failed`, …) and its Indonesian label.
    pub action: String,
    pub action_label: String,
    pub target: String,
    pub detail: String,
    pub ip: Option<String>,
}

/// Filters: empty means any. Dates are local `YYYY-MM-DD`, both ends included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub page: u32,
}

impl AuditQuery {
    /// The query string of the CSV link for these filters.
    pub fn to_query_string(&self) -> String {
        let enc = |s: &str| -> String {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        };
        format!(
            "action={}&user={}&from={}&to={}",
            enc(&self.action),
            enc(&self.user),
            enc(&self.from),
            enc(&self.to)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditEntry>,
    pub page: u32,
    pub has_more: bool,
}

pub const AUDIT_PAGE_SIZE: u64 = 50;
