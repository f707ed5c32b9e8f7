//! Pure domain logic, compiled for the server and the browser alike (no I/O, no clock).

pub mod account;
pub mod aging;
pub mod audit;
pub mod billing;
pub mod company;
pub mod dates;
pub mod messages;
pub mod money;
pub mod phone;
pub mod schedule;
pub mod sending;
pub mod statement;
pub mod transfer;
pub mod whatsapp;
