//! The month Tagih runs by itself: the monthly invoice run (drafts for review by default) and
//! the reminder stages, applied by one tick that `tagih serve` calls every minute (on the
//! instance holding the lease) and `tagih schedule --at` calls once. The calendar rules are in
//! [`crate::domain::schedule`]; this module records what was done so that each action happens
//! once, whichever instance ticks and however often.

pub mod lease;
pub mod page;
pub mod publish;
pub mod record;
pub mod tick;

#[cfg(test)]
mod tests;

use crate::{
    domain::schedule::ScheduleSettings,
    error::{AppError, FieldErrors},
    server::{billing::BillingError, messages::MessageError, settings},
};
use sea_orm::{ConnectionTrait, DbErr};

/// `settings` key of the schedule.
pub const KEY: &str = "schedule";

pub async fn load(db: &impl ConnectionTrait) -> Result<ScheduleSettings, DbErr> {
    Ok(settings::get(db, KEY).await?.unwrap_or_default())
}

pub async fn save(db: &impl ConnectionTrait, s: &ScheduleSettings) -> Result<(), ScheduleError> {
    s.validate().check()?;
    Ok(settings::set(db, KEY, s).await?)
}

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Billing(#[from] BillingError),
    #[error(transparent)]
    Message(#[from] MessageError),
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    /// Another instance holds the scheduler's lease: it acts, this one does not.
    #[error("the scheduler lease is held by {holder}")]
    LeaseHeld { holder: String },
    /// The action was already done (or skipped) for that day.
    #[error("already recorded")]
    AlreadyDone,
}

impl From<FieldErrors> for ScheduleError {
    fn from(f: FieldErrors) -> Self {
        ScheduleError::Invalid(f)
    }
}

impl From<ScheduleError> for AppError {
    fn from(e: ScheduleError) -> Self {
        match e {
            ScheduleError::Db(e) => e.into(),
            ScheduleError::Billing(e) => e.into(),
            ScheduleError::Message(e) => e.into(),
            ScheduleError::Invalid(f) => AppError::Validation(f),
            ScheduleError::NotFound => AppError::NotFound,
            ScheduleError::LeaseHeld { .. } => AppError::Conflict(
                "Penjadwal sedang dijalankan server lain. Coba lagi sebentar.".into(),
            ),
            ScheduleError::AlreadyDone => {
                AppError::Conflict("Jadwal ini sudah dijalankan atau dilewati.".into())
            }
        }
    }
}
