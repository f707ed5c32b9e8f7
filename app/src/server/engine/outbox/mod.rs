//! The outbox in the database: jobs, items, the per-session send slot and pacing state.
//! Every state change that follows a claim is fenced: it applies only while the item is still
//! `sending` under the same fence, so an instance whose claim was taken over cannot finish it.
//!
//! - [`enqueue`]: a job and its items, in one transaction;
//! - [`slot`]: the per-session send slot and pacing state;
//! - [`claim`]: claiming items and recording their outcomes;
//! - [`admin`]: pause, resume, cancel, resend, decide unknown items;
//! - [`counts`]: counts per item state.

mod admin;
mod claim;
mod counts;
mod enqueue;
mod slot;

pub use admin::*;
pub use claim::*;
pub use counts::*;
pub use enqueue::*;
pub use slot::*;

use chrono::{DateTime, Utc};
use std::time::Duration;

fn after(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(d).unwrap_or_else(|_| chrono::Duration::seconds(60))
}
