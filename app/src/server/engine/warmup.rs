//! Warm-up of newly linked numbers: Tagih's own record of when it first saw each WhatsApp
//! number working (WAHA does not say when a number was linked), and the warm-up day the
//! sending engine caps by.

use crate::{
    domain::sending::WarmUp,
    server::entity::{wa_accounts, wa_sessions},
};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, Set,
    sea_query::OnConflict,
};

/// The session works as `me_id`: remember when Tagih first saw that number working.
///
/// The very first number recorded on an install that already sent messages (an upgrade from
/// before this record existed) is dated by its session's oldest send, so an old number is not
/// put back into warm-up. Every later number starts its warm-up when it is first seen.
pub async fn record_working(
    db: &impl ConnectionTrait,
    session: &str,
    me_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if wa_accounts::Entity::find_by_id(me_id.to_owned())
        .one(db)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let first_ever = wa_accounts::Entity::find().count(db).await? == 0;
    let since = if first_ever {
        super::outbox::send_times(db, session, false, 1)
            .await?
            .first()
            .map_or(now, |t| (*t).min(now))
    } else {
        now
    };
    wa_accounts::Entity::insert(wa_accounts::ActiveModel {
        me_id: Set(me_id.to_owned()),
        first_working_at: Set(since),
        warmup_skipped: Set(false),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(wa_accounts::Column::MeId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Where a session's number stands in its warm-up today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarmState {
    pub day: u32,
    pub cap: u32,
}

/// The warm-up day of the number the session works as, `None` when it is not warming up (an
/// unknown number, one the admin marked as old, or past its warm-up).
pub async fn state(
    db: &impl ConnectionTrait,
    session: &wa_sessions::Model,
    w: &WarmUp,
    today: NaiveDate,
    tz: Tz,
) -> Result<Option<WarmState>, DbErr> {
    let Some(me) = session.me_id.as_deref() else {
        return Ok(None);
    };
    let Some(account) = wa_accounts::Entity::find_by_id(me.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if account.warmup_skipped {
        return Ok(None);
    }
    let since = account.first_working_at.with_timezone(&tz).date_naive();
    Ok(w.day(since, today).map(|day| WarmState {
        day,
        cap: w.cap_on(day),
    }))
}

/// The admin says this number is not new: no warm-up cap for it. Held jobs carry on.
pub async fn skip(
    db: &impl ConnectionTrait,
    me_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let Some(account) = wa_accounts::Entity::find_by_id(me_id.to_owned())
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let mut a: wa_accounts::ActiveModel = account.into();
    a.warmup_skipped = Set(true);
    a.updated_at = Set(now);
    // The engine reads this before every send: a job held by the warm-up cap carries on.
    a.update(db).await?;
    Ok(true)
}
