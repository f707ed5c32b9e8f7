//! Shared UI pieces.

pub mod billing;
pub mod form;
pub mod layout;
pub mod payment;
