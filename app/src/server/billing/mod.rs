//! Billing services: packages, customers (with CSV import/export), the monthly invoice run,
//! payments and their allocation, the invoice table and the dashboard numbers.
//!
//! Plain async functions over a database connection. No clock: callers pass "today" (local
//! date in the configured zone) and "now"; [`clock`] computes them for server functions.

pub mod clock;
pub mod csv_io;
pub mod customers;
pub mod dashboard;
pub mod drafts;
pub mod error;
pub mod invoices;
pub mod money_log;
pub mod mutation;
pub mod packages;
pub mod payment_list;
pub mod payments;
pub mod receivables;
pub mod sequence;
pub mod sql;
pub mod statement;
pub mod statement_link;
pub mod transfer_code;

pub use error::BillingError;

#[cfg(test)]
mod drafts_tests;
#[cfg(test)]
mod ledger_tests;
#[cfg(test)]
mod link_tests;
#[cfg(test)]
mod money_tests;
#[cfg(test)]
mod tests;
