//! sea-orm entities, one per table, matching `migrations/` (the migrations are the truth).

pub mod audit_log;
pub mod bank_lines;
pub mod customers;
pub mod invoice_runs;
pub mod invoices;
pub mod login_sessions;
pub mod message_templates;
pub mod money_log;
pub mod packages;
pub mod payment_allocations;
pub mod payments;
pub mod send_item_customers;
pub mod send_items;
pub mod send_jobs;
pub mod sequences;
pub mod settings;
pub mod users;
pub mod wa_accounts;
pub mod wa_sessions;
pub mod webhook_events;
