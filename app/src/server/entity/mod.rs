//! sea-orm entities, one per table, matching `migrations/` (the migrations are the truth).

pub mod customers;
pub mod invoices;
pub mod login_sessions;
pub mod message_templates;
pub mod packages;
pub mod payment_allocations;
pub mod payments;
pub mod send_items;
pub mod send_jobs;
pub mod sequences;
pub mod settings;
pub mod users;
pub mod wa_sessions;
