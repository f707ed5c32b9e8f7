//! Shared UI pieces.

pub mod backup_card;
pub mod billing;
pub mod form;
pub mod layout;
pub mod modal;
pub mod payment;
pub mod poll;
pub mod progress;
pub mod schedule_card;
pub mod wa_bulk;
pub mod wa_preview;
pub mod wa_send;
