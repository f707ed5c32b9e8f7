//! Server functions and the DTOs both sides share. Each server function is thin: authorise,
//! call a service, map the error (`server::ctx::respond` sets the HTTP status).

pub mod audit;
pub mod auth;
pub mod customers;
pub mod dashboard;
pub mod invoices;
pub mod messages;
pub mod packages;
pub mod payments;
pub mod schedule;
pub mod sending;
pub mod settings;
pub mod system;
pub mod templates;
pub mod users;
pub mod whatsapp;
