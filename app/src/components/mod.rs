//! Shared UI pieces.

pub mod form;
pub mod layout;
pub mod poll;
pub mod progress;
pub mod wa_preview;
