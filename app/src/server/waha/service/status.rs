//! The session's status: asked from WAHA, remembered in `wa_sessions` for the navigation dot
//! and the sending engine, and shown on the WhatsApp page.

use super::{Connection, WhatsAppError, connect};
use crate::{
    domain::whatsapp::SessionStatus,
    dto::whatsapp::{Account, SessionView},
    error::AppError,
    server::{
        Config,
        entity::wa_sessions,
        waha::{Me, SessionInfo, WahaError, settings},
    },
};
use chrono::Utc;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Set, sea_query::OnConflict,
};

// ---- status ------------------------------------------------------------------------------------

/// Remembers a session's status (and account) for the navigation dot and the sending engine.
pub async fn record_status(
    db: &impl ConnectionTrait,
    name: &str,
    status: &SessionStatus,
    me: Option<&Me>,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let model = wa_sessions::ActiveModel {
        name: Set(name.to_owned()),
        status: Set(Some(status.as_str().to_owned())),
        status_at: Set(Some(now)),
        me_id: Set(me.map(|m| m.id.clone())),
        me_name: Set(me.and_then(|m| m.push_name.clone())),
        updated_at: Set(now),
        // The pacing columns belong to the engine: their defaults on insert, untouched after.
        ..Default::default()
    };
    wa_sessions::Entity::insert(model)
        .on_conflict(
            OnConflict::column(wa_sessions::Column::Name)
                .update_columns([
                    wa_sessions::Column::Status,
                    wa_sessions::Column::StatusAt,
                    wa_sessions::Column::MeId,
                    wa_sessions::Column::MeName,
                    wa_sessions::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    if let (true, Some(me)) = (status.is_working(), me) {
        crate::server::engine::warmup::record_working(db, name, &me.id, now).await?;
    }
    Ok(())
}

pub async fn cached_status(
    db: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<wa_sessions::Model>, DbErr> {
    wa_sessions::Entity::find_by_id(name.to_owned())
        .one(db)
        .await
}

/// Asks WAHA for the session and records the answer. A session WAHA does not know (Plus,
/// never created) reads as STOPPED: Start creates it.
pub async fn refresh(db: &DatabaseConnection, conn: &Connection) -> Result<SessionInfo, WahaError> {
    let info = match conn.client.get_session(&conn.session).await {
        Ok(i) => i,
        Err(WahaError::SessionNotFound { .. }) => SessionInfo {
            name: conn.session.clone(),
            status: SessionStatus::Stopped,
            me: None,
            engine: None,
            config: None,
        },
        Err(e) => return Err(e),
    };
    if let Err(e) = record_status(db, &conn.session, &info.status, info.me.as_ref()).await {
        tracing::error!(error = %e, "cannot record the WhatsApp status");
    }
    Ok(info)
}

pub fn to_status(session: &str, info: &SessionInfo) -> SessionView {
    SessionView {
        configured: true,
        session: session.to_owned(),
        status: Some(info.status.clone()),
        account: info
            .me
            .as_ref()
            .filter(|_| info.is_working())
            .map(|m| Account {
                number: m.number().to_owned(),
                name: m.push_name.clone(),
            }),
        error: None,
        warmup: None,
        warning: None,
    }
}

/// The warm-up the session's number is in today, in words (`None`: not warming up).
async fn warmup_line(
    db: &impl ConnectionTrait,
    config: &Config,
    session: &str,
) -> Result<Option<String>, DbErr> {
    let Some(w) = crate::server::engine::policy::load(db).await?.warmup else {
        return Ok(None);
    };
    let Some(row) = cached_status(db, session).await? else {
        return Ok(None);
    };
    let today = crate::server::billing::clock::today(config.timezone);
    Ok(
        crate::server::engine::warmup::state(db, &row, &w, today, config.timezone)
            .await?
            .map(|s| w.describe(s.day)),
    )
}

/// The live status for the page: never an error, so the page can always draw something.
pub async fn live_status(
    db: &DatabaseConnection,
    config: &Config,
    http: &reqwest::Client,
) -> Result<SessionView, WhatsAppError> {
    let s = settings::load(db, config).await?;
    let conn = match connect(http, &s) {
        Ok(c) => c,
        Err(WhatsAppError::Db(e)) => return Err(e.into()),
        Err(e) => {
            return Ok(SessionView {
                configured: s.url.is_some(),
                session: s.session,
                status: None,
                account: None,
                error: Some(AppError::from(e).to_string()),
                warmup: None,
                warning: None,
            });
        }
    };
    match refresh(db, &conn).await {
        Ok(info) => {
            let mut view = to_status(&conn.session, &info);
            if info.is_working() {
                view.warmup = warmup_line(db, config, &conn.session).await?;
            }
            view.warning = crate::server::engine::guard::warning(db, &conn.session).await?;
            Ok(view)
        }
        Err(e) => {
            tracing::warn!(error = %e, code = e.code(), "WAHA status check failed");
            Ok(SessionView {
                configured: true,
                session: conn.session,
                status: None,
                account: None,
                error: Some(e.user_message()),
                warmup: None,
                warning: None,
            })
        }
    }
}
