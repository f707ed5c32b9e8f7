//! The audit log: who did what and when. Rows are only inserted here; nothing in Tagih updates
//! or deletes them (a restore brings back the backup's rows as they were).

use crate::{
    domain::{audit::AuditAction, dates::parse_iso_date},
    dto::audit::{AUDIT_PAGE_SIZE, AuditEntry, AuditPage, AuditQuery},
    server::{
        billing::clock,
        entity::audit_log,
        export::{CsvOut, ExportError},
    },
};
use chrono::{Days, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
    Set,
};

/// Who acted. `user_id` is `None` for an unknown name (a failed sign-in) or the system.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i32>,
    pub username: String,
    pub role: String,
    pub ip: Option<String>,
}

fn clip(s: &str, max: usize) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .take(max)
        .collect()
}

/// Appends one row. A failure is logged and swallowed: the action itself already happened, and
/// refusing it afterwards would tell the user something false.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: AuditAction,
    target: &str,
    detail: &str,
) {
    let row = audit_log::ActiveModel {
        at: Set(Utc::now()),
        user_id: Set(actor.user_id),
        username: Set(clip(&actor.username, 64)),
        role: Set(clip(&actor.role, 16)),
        action: Set(action.as_str().to_owned()),
        target: Set(clip(target, 200)),
        detail: Set(clip(detail, 2000)),
        ip: Set(actor.ip.as_deref().map(|i| clip(i, 64))),
        ..Default::default()
    };
    if let Err(e) = audit_log::Entity::insert(row).exec(db).await {
        tracing::error!(error = %e, action = action.as_str(), "audit log write failed");
    }
}

fn filtered(q: &AuditQuery, tz: Tz) -> Select<audit_log::Entity> {
    let mut s = audit_log::Entity::find();
    if let Some(a) = AuditAction::parse(q.action.trim()) {
        s = s.filter(audit_log::Column::Action.eq(a.as_str()));
    }
    let user = q.user.trim().to_lowercase();
    if !user.is_empty() {
        s = s.filter(audit_log::Column::Username.eq(user));
    }
    if let Some(from) = parse_iso_date(&q.from) {
        s = s.filter(audit_log::Column::At.gte(clock::day_start_utc(from, tz)));
    }
    if let Some(to) = parse_iso_date(&q.to).and_then(|d| d.checked_add_days(Days::new(1))) {
        s = s.filter(audit_log::Column::At.lt(clock::day_start_utc(to, tz)));
    }
    s.order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
}

fn to_entry(r: audit_log::Model, tz: Tz) -> AuditEntry {
    let label = AuditAction::parse(&r.action)
        .map(|a| a.label().to_owned())
        .unwrap_or_else(|| r.action.clone());
    AuditEntry {
        id: r.id,
        at: clock::local(r.at, tz),
        username: r.username,
        role: r.role,
        action: r.action,
        action_label: label,
        target: r.target,
        detail: r.detail,
        ip: r.ip,
    }
}

/// One page of the log, newest first.
pub async fn list(db: &impl ConnectionTrait, q: &AuditQuery, tz: Tz) -> Result<AuditPage, DbErr> {
    let rows = filtered(q, tz)
        .offset(u64::from(q.page) * AUDIT_PAGE_SIZE)
        .limit(AUDIT_PAGE_SIZE + 1)
        .all(db)
        .await?;
    let has_more = rows.len() as u64 > AUDIT_PAGE_SIZE;
    Ok(AuditPage {
        rows: rows
            .into_iter()
            .take(AUDIT_PAGE_SIZE as usize)
            .map(|r| to_entry(r, tz))
            .collect(),
        page: q.page,
        has_more,
    })
}

/// Every row the filters select, as CSV (cells defused like every export).
pub async fn export(
    db: &impl ConnectionTrait,
    q: &AuditQuery,
    tz: Tz,
) -> Result<Vec<u8>, crate::error::AppError> {
    let rows = filtered(q, tz).all(db).await?;
    let mut out = CsvOut::new(
        &[
            "waktu",
            "pengguna",
            "peran",
            "tindakan",
            "sasaran",
            "rincian",
            "alamat_ip",
        ],
        rows.len(),
    )?;
    for r in rows {
        let e = to_entry(r, tz);
        out.row([
            e.at.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
            e.username,
            e.role,
            e.action_label,
            e.target,
            e.detail,
            e.ip.unwrap_or_default(),
        ])?;
    }
    out.finish().map_err(|e: ExportError| e.into())
}
