use crate::util::{drop, index, with_timestamps};
use sea_orm_migration::{prelude::*, schema::*};

/// A send job: one message or a bulk "Kirim Semua". Its items are the outbox.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let t = Table::create()
            .table("send_jobs")
            .if_not_exists()
            .col(pk_auto("id"))
            // single | bulk
            .col(string_len("kind", 16))
            // invoice | reminder | overdue | receipt | test
            .col(string_len("template_kind", 32))
            .col(string_len("wa_session", 64))
            // queued | running | paused | done | cancelled
            .col(string_len("state", 16))
            .col(string_len_null("pause_reason", 64))
            .col(text_null("pause_detail"))
            // Resume by itself once the session is WORKING again (false: only the admin resumes,
            // e.g. after WhatsApp's 463 reach-out lock).
            .col(boolean("auto_resume").default(true))
            .col(big_integer("delay_ms"))
            .col(big_integer("jitter_ms").default(0))
            .col(integer("total"))
            // A human description of what was selected (filter), for the jobs list.
            .col(text_null("description"))
            .col(integer_null("created_by"))
            .col(timestamp_with_time_zone_null("finished_at"))
            .to_owned();
        manager.create_table(with_timestamps(t)).await?;
        index(
            manager,
            "idx_send_jobs_state",
            "send_jobs",
            &["state"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "send_jobs").await
    }
}
