use crate::util::{drop, index};
use sea_orm_migration::{prelude::*, schema::*};

/// What the scheduler did: one row per action and day (the monthly run, each reminder stage),
/// so an action happens once however often the tick comes and whichever instance ticks; and
/// one row per (customer, invoice, stage) reminded, so a stage reaches a customer at most once
/// per open invoice it covers.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let runs = Table::create()
            .table("schedule_runs")
            .if_not_exists()
            .col(pk_auto("id"))
            // invoice_run | reminder
            .col(string_len("kind", 16))
            // H-3 … for reminders; '' for the run (a NULL would not be unique).
            .col(string_len("stage", 8).default(""))
            // The local day the action belongs to.
            .col(date("day"))
            // done | skipped | missed
            .col(string_len("status", 16))
            .col(integer("queued").default(0))
            .col(integer("skipped").default(0))
            .col(text_null("detail"))
            .col(integer_null("job_id"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_schedule_runs_job")
                    .from("schedule_runs", "job_id")
                    .to("send_jobs", "id")
                    .on_delete(ForeignKeyAction::SetNull),
            )
            .to_owned();
        manager.create_table(runs).await?;
        index(
            manager,
            "idx_schedule_runs_action",
            "schedule_runs",
            &["kind", "stage", "day"],
            true,
        )
        .await?;
        let sent = Table::create()
            .table("reminder_sent")
            .if_not_exists()
            .col(pk_auto("id"))
            .col(integer("customer_id"))
            .col(integer("invoice_id"))
            .col(string_len("stage", 8))
            // queued | skipped | missed
            .col(string_len("outcome", 16))
            .col(integer_null("job_id"))
            .col(timestamp_with_time_zone("created_at"))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_reminder_sent_customer")
                    .from("reminder_sent", "customer_id")
                    .to("customers", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_reminder_sent_invoice")
                    .from("reminder_sent", "invoice_id")
                    .to("invoices", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_reminder_sent_job")
                    .from("reminder_sent", "job_id")
                    .to("send_jobs", "id")
                    .on_delete(ForeignKeyAction::SetNull),
            )
            .to_owned();
        manager.create_table(sent).await?;
        index(
            manager,
            "idx_reminder_sent_once",
            "reminder_sent",
            &["customer_id", "invoice_id", "stage"],
            true,
        )
        .await?;
        index(
            manager,
            "idx_reminder_sent_invoice",
            "reminder_sent",
            &["invoice_id"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "reminder_sent").await?;
        drop(manager, "schedule_runs").await
    }
}
