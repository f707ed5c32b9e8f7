//! One module per page.

pub mod coming_soon;
pub mod dashboard;
pub mod login;
pub mod not_found;
pub mod sending;
pub mod settings;
pub mod setup;
pub mod templates;
pub mod whatsapp;
