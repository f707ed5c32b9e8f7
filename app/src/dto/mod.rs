//! The DTO floor: every type that crosses the wire between the browser and the server, with its
//! pure helpers (sort keys, query normalisation, labels). Pages, server functions and services
//! all stand on it; it depends only on `domain` and `error`, so nothing here reaches up.

pub mod audit;
pub mod auth;
pub mod customers;
pub mod dashboard;
pub mod invoices;
pub mod messages;
pub mod mutation;
pub mod packages;
pub mod payments;
pub mod receivables;
pub mod schedule;
pub mod sending;
pub mod settings;
pub mod system;
pub mod templates;
pub mod users;
pub mod whatsapp;
