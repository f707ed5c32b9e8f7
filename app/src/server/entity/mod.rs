//! sea-orm entities, one per table, matching `migrations/` (the migrations are the truth).

pub mod customers;
pub mod invoices;
pub mod login_sessions;
pub mod packages;
pub mod payment_allocations;
pub mod payments;
pub mod sequences;
pub mod settings;
pub mod users;
