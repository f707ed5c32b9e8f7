//! One module per page.

pub mod audit;
pub mod customers;
pub mod dashboard;
pub mod invoices;
pub mod login;
pub mod mutation;
pub mod not_found;
pub mod packages;
pub mod payments;
pub mod receivables;
pub mod schedule;
pub mod sending;
pub mod settings;
pub mod setup;
pub mod templates;
pub mod users;
pub mod whatsapp;
