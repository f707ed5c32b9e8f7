//! Tagih's database schema, one change per file. Every `down()` is written and exercised by the
//! tests (up, down to zero, up again) on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_create_users;
mod m20261126_000002_create_login_sessions;
mod m20261126_000003_create_settings;
mod m20261126_000004_create_sequences;
mod m20261126_000005_create_packages;
mod m20261126_000006_create_customers;
mod m20261126_000007_create_invoices;
mod m20261126_000008_create_payments;
mod m20261126_000009_create_payment_allocations;
mod m20261126_000010_create_message_templates;
mod m20261126_000011_create_wa_sessions;
mod m20261126_000012_create_send_jobs;
mod m20261126_000013_create_send_items;
mod m20261127_000014_invoice_table_indexes;
mod m20261202_000015_payment_reversal;
mod m20261202_000016_customer_start_date;
mod m20261202_000017_create_invoice_runs;
mod m20261202_000018_invoice_run_id;
mod m20261202_000019_invoice_period_unique_unless_void;
mod m20261202_000020_create_money_log;
mod m20261202_000021_send_item_statement;
mod m20261202_000022_create_send_item_customers;
mod m20261203_000023_create_scheduler_lease;
mod m20261203_000024_create_schedule_runs;
mod m20261203_000040_hash_session_ids;
mod m20261203_000041_create_webhook_events;
mod m20261203_000042_create_audit_log;
mod m20261203_000043_index_send_items_sent_at;
mod m20261203_000044_create_wa_accounts;
mod m20261203_000045_send_item_ack_checks;
mod m20261203_000046_customer_statement_link;
mod m20261203_000047_create_bank_lines;
mod util;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_users::Migration),
            Box::new(m20261126_000002_create_login_sessions::Migration),
            Box::new(m20261126_000003_create_settings::Migration),
            Box::new(m20261126_000004_create_sequences::Migration),
            Box::new(m20261126_000005_create_packages::Migration),
            Box::new(m20261126_000006_create_customers::Migration),
            Box::new(m20261126_000007_create_invoices::Migration),
            Box::new(m20261126_000008_create_payments::Migration),
            Box::new(m20261126_000009_create_payment_allocations::Migration),
            Box::new(m20261126_000010_create_message_templates::Migration),
            Box::new(m20261126_000011_create_wa_sessions::Migration),
            Box::new(m20261126_000012_create_send_jobs::Migration),
            Box::new(m20261126_000013_create_send_items::Migration),
            Box::new(m20261127_000014_invoice_table_indexes::Migration),
            Box::new(m20261202_000015_payment_reversal::Migration),
            Box::new(m20261202_000016_customer_start_date::Migration),
            Box::new(m20261202_000017_create_invoice_runs::Migration),
            Box::new(m20261202_000018_invoice_run_id::Migration),
            Box::new(m20261202_000019_invoice_period_unique_unless_void::Migration),
            Box::new(m20261202_000020_create_money_log::Migration),
            Box::new(m20261202_000021_send_item_statement::Migration),
            Box::new(m20261202_000022_create_send_item_customers::Migration),
            Box::new(m20261203_000023_create_scheduler_lease::Migration),
            Box::new(m20261203_000024_create_schedule_runs::Migration),
            Box::new(m20261203_000040_hash_session_ids::Migration),
            Box::new(m20261203_000041_create_webhook_events::Migration),
            Box::new(m20261203_000042_create_audit_log::Migration),
            Box::new(m20261203_000043_index_send_items_sent_at::Migration),
            Box::new(m20261203_000044_create_wa_accounts::Migration),
            Box::new(m20261203_000045_send_item_ack_checks::Migration),
            Box::new(m20261203_000046_customer_statement_link::Migration),
            Box::new(m20261203_000047_create_bank_lines::Migration),
        ]
    }
}
