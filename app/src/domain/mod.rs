//! Pure domain logic, compiled for the server and the browser alike (no I/O, no clock).

pub mod account;
pub mod sending;
