use crate::util::{drop, index, with_timestamps};
use sea_orm_migration::{prelude::*, schema::*};

/// The outbox: every message is a row here before anything is sent.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let t = Table::create()
            .table("send_items")
            .if_not_exists()
            .col(pk_auto("id"))
            .col(integer("job_id"))
            .col(integer_null("invoice_id"))
            .col(integer_null("customer_id"))
            .col(string_len("template_kind", 32))
            .col(string_len("chat_id", 64))
            .col(string_len("wa_number", 20))
            // Rendered when queued: what is sent is what was previewed.
            .col(text("body"))
            // pending | sending | sent | failed | unknown | cancelled
            .col(string_len("state", 16))
            .col(integer("attempts").default(0))
            // Look in the WhatsApp chat before (re)sending: set after a crash or an ambiguous
            // failure, when the message may already have gone out.
            .col(boolean("verify_first").default(false))
            .col(timestamp_with_time_zone("next_attempt_at"))
            // Claim: who holds it, until when, and the fencing token that must match to finish.
            .col(string_len_null("claimed_by", 64))
            .col(timestamp_with_time_zone_null("lease_until"))
            .col(big_integer("fence").default(0))
            .col(string_len_null("wa_message_id", 160))
            // message.ack: -1 error, 1 server, 2 device, 3 read, 4 played
            .col(small_integer_null("ack"))
            .col(timestamp_with_time_zone_null("ack_at"))
            .col(string_len_null("error_code", 48))
            .col(text_null("error"))
            .col(timestamp_with_time_zone_null("sent_at"))
            .foreign_key(
                ForeignKey::create()
                    .name("fk_send_items_job")
                    .from("send_items", "job_id")
                    .to("send_jobs", "id")
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_send_items_invoice")
                    .from("send_items", "invoice_id")
                    .to("invoices", "id")
                    .on_delete(ForeignKeyAction::SetNull),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_send_items_customer")
                    .from("send_items", "customer_id")
                    .to("customers", "id")
                    .on_delete(ForeignKeyAction::SetNull),
            )
            .to_owned();
        manager.create_table(with_timestamps(t)).await?;
        index(
            manager,
            "idx_send_items_job_state",
            "send_items",
            &["job_id", "state"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_send_items_state_next",
            "send_items",
            &["state", "next_attempt_at"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_send_items_invoice",
            "send_items",
            &["invoice_id"],
            false,
        )
        .await?;
        index(
            manager,
            "idx_send_items_wa_message",
            "send_items",
            &["wa_message_id"],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "send_items").await
    }
}
