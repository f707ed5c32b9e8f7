//! Just before a message goes, is it still right? A statement queued hours ago (safe pacing
//! spreads 500 customers over ~6 hours) may be paid by now, or owe another amount. The engine
//! asks a [`Recheck`] right before each send; the messages module implements it from the
//! customers' statements, tests can substitute their own.

use crate::server::entity::send_items;
use async_trait::async_trait;
use sea_orm::DbErr;

/// What to do with a claimed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Send it as it is.
    Send,
    /// Do not send: it is no longer due (the note says why, for the report).
    Skip { note: String },
    /// Send this text instead: the money changed since it was queued.
    Rewrite {
        body: String,
        total: i64,
        note: String,
    },
}

#[async_trait]
pub trait Recheck: Send + Sync + 'static {
    async fn recheck(&self, item: &send_items::Model) -> Result<Verdict, DbErr>;
}

/// Sends everything as queued (messages that are not statements, tests of the engine alone).
pub struct NoRecheck;

#[async_trait]
impl Recheck for NoRecheck {
    async fn recheck(&self, _item: &send_items::Model) -> Result<Verdict, DbErr> {
        Ok(Verdict::Send)
    }
}
