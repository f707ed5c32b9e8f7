//! Shared UI pieces.

pub mod billing;
pub mod form;
pub mod layout;
pub mod modal;
pub mod payment;
pub mod poll;
pub mod progress;
pub mod wa_bulk;
pub mod wa_preview;
pub mod wa_send;
