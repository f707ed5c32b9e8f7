//! Delivery ticks without a webhook. A sent message whose "delivered" tick has not come (by
//! webhook, or at all) is looked up in its chat, less often as it ages; after
//! [`ACK_TIMEOUT_HOURS`] without one it is recorded as not delivered. With a working webhook
//! the ticks arrive first and there is nothing left to ask.

use super::{Channel, outbox};
use crate::{
    domain::sending::{ACK_NOT_DELIVERED, ACK_TIMEOUT_HOURS, ItemState},
    server::entity::{send_items as item, send_jobs as job},
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait, sea_query::Expr,
};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Chats asked per round: a bulk send of hundreds is caught up over a few rounds, without a
/// burst of requests to WAHA.
pub const CHATS_PER_ROUND: usize = 20;
/// Messages read from each chat (newest first).
const CHAT_DEPTH: u32 = 50;

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Polled {
    pub chats: usize,
    pub ticks: u64,
    pub timed_out: u64,
}

/// Runs rounds every `every` until `stop`.
pub async fn run(
    db: sea_orm::DatabaseConnection,
    channel: Arc<dyn Channel>,
    every: std::time::Duration,
    stop: CancellationToken,
) {
    let mut timer = tokio::time::interval(every.max(std::time::Duration::from_millis(50)));
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = timer.tick() => {
                match poll_once(&db, channel.as_ref(), every, Utc::now()).await {
                    Ok(p) if p.ticks > 0 || p.timed_out > 0 => {
                        tracing::debug!(chats = p.chats, ticks = p.ticks, timed_out = p.timed_out, "delivery ticks polled");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "delivery tick poll failed"),
                }
            }
        }
    }
}

#[derive(Debug, FromQueryResult)]
struct Waiting {
    id: i32,
    wa_message_id: Option<String>,
    chat_id: String,
    wa_session: String,
    sent_at: Option<DateTime<Utc>>,
    ack_checked_at: Option<DateTime<Utc>>,
}

/// Waiting for the "delivered" tick: sent, and no tick past "reached WhatsApp's server" yet.
fn undelivered() -> Condition {
    Condition::any()
        .add(item::Column::Ack.is_null())
        .add(item::Column::Ack.is_in([0i16, 1]))
}

/// One round at `now`: time out what waited too long, then ask the chats of the messages due
/// for a look. WAHA not answering ends the round quietly (the next one asks again).
pub async fn poll_once(
    db: &impl ConnectionTrait,
    channel: &dyn Channel,
    every: std::time::Duration,
    now: DateTime<Utc>,
) -> Result<Polled, DbErr> {
    let every = Duration::from_std(every).unwrap_or_else(|_| Duration::seconds(60));
    let timeout = now - Duration::hours(ACK_TIMEOUT_HOURS);
    // Bounded below so each round reads a short stretch of the sent_at index, not all history.
    let timed_out = item::Entity::update_many()
        .col_expr(item::Column::Ack, Expr::value(ACK_NOT_DELIVERED))
        .col_expr(item::Column::AckAt, Expr::value(now))
        .filter(item::Column::State.eq(ItemState::Sent.as_str()))
        .filter(item::Column::SentAt.lt(timeout))
        .filter(item::Column::SentAt.gte(timeout - Duration::days(7)))
        .filter(undelivered())
        .exec(db)
        .await?
        .rows_affected;

    let waiting = item::Entity::find()
        .select_only()
        .column(item::Column::Id)
        .column(item::Column::WaMessageId)
        .column(item::Column::ChatId)
        .column(item::Column::SentAt)
        .column(item::Column::AckCheckedAt)
        .column(job::Column::WaSession)
        .join(JoinType::InnerJoin, item::Relation::Job.def())
        .filter(item::Column::State.eq(ItemState::Sent.as_str()))
        .filter(item::Column::WaMessageId.is_not_null())
        .filter(item::Column::SentAt.gte(timeout))
        .filter(item::Column::SentAt.lte(now - every / 2))
        .filter(undelivered())
        .order_by_desc(item::Column::SentAt)
        .limit(1000)
        .into_model::<Waiting>()
        .all(db)
        .await?;

    // Asked about again after a quarter of its age: every round at first, every half hour
    // at most for one sent many hours ago.
    let due = |w: &Waiting| {
        let age = now - w.sent_at.unwrap_or(now);
        let gap = (age / 4).clamp(every, every * 30);
        w.ack_checked_at.is_none_or(|t| now - t >= gap)
    };
    let mut chats: Vec<((String, String), Vec<&Waiting>)> = Vec::new();
    for w in waiting.iter().filter(|w| due(w)) {
        let key = (w.wa_session.clone(), w.chat_id.clone());
        if let Some((_, list)) = chats.iter_mut().find(|(k, _)| *k == key) {
            list.push(w);
        } else if chats.len() < CHATS_PER_ROUND {
            chats.push((key, vec![w]));
        }
    }

    let mut polled = Polled {
        timed_out,
        ..Polled::default()
    };
    for ((session, chat), items) in &chats {
        let history = match channel.recent_outgoing(session, chat, CHAT_DEPTH).await {
            Ok(h) => h,
            Err(f) => {
                tracing::debug!(session = %session, error = %f, "delivery ticks: chat not readable now");
                break;
            }
        };
        polled.chats += 1;
        for w in items {
            let Some(id) = w.wa_message_id.as_deref() else {
                continue;
            };
            if let Some(ack) = history
                .iter()
                .find(|m| same_message(&m.id, id))
                .and_then(|m| m.ack)
                .filter(|a| *a != 0)
            {
                polled.ticks += outbox::record_ack(db, id, ack, now).await?;
            }
        }
        item::Entity::update_many()
            .col_expr(item::Column::AckCheckedAt, Expr::value(now))
            .filter(item::Column::Id.is_in(items.iter().map(|w| w.id)))
            .exec(db)
            .await?;
    }
    Ok(polled)
}

/// The same WhatsApp message: the serialized ids agree, or (engines that answer a send with a
/// shorter id) the message's own id after the chat part does.
fn same_message(a: &str, b: &str) -> bool {
    let own = |s: &str| s.rsplit('_').next().unwrap_or(s).to_owned();
    a == b || (!own(a).is_empty() && own(a) == own(b))
}

#[cfg(test)]
mod tests {
    use super::same_message;

    #[test]
    fn message_ids_match_whole_or_by_their_own_part() {
        assert!(same_message(
            "true_62811@c.us_3EB0AA",
            "true_62811@c.us_3EB0AA"
        ));
        assert!(same_message("true_62811@c.us_3EB0AA", "3EB0AA"));
        assert!(!same_message(
            "true_62811@c.us_3EB0AA",
            "true_62811@c.us_3EB0AB"
        ));
    }
}
