//! sea-orm entities, one per table, matching `migrations/` (the migrations are the truth).

pub mod login_sessions;
pub mod message_templates;
pub mod send_items;
pub mod send_jobs;
pub mod settings;
pub mod users;
pub mod wa_sessions;
