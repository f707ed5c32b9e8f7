//! Shared UI pieces.

pub mod form;
pub mod layout;
