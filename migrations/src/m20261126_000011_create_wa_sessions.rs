use crate::util::drop;
use sea_orm_migration::{prelude::*, schema::*};

/// One row per WhatsApp (WAHA) session: its last known status and the pacing state every
/// instance shares, so sends stay paced per WhatsApp account across instances and restarts.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("wa_sessions")
                    .if_not_exists()
                    .col(string_len("name", 64).primary_key())
                    // WORKING | SCAN_QR_CODE | STARTING | STOPPED | FAILED | ...
                    .col(string_len_null("status", 32))
                    .col(timestamp_with_time_zone_null("status_at"))
                    .col(string_len_null("me_id", 64))
                    .col(string_len_null("me_name", 160))
                    // Earliest moment the next message may go out.
                    .col(timestamp_with_time_zone_null("next_send_at"))
                    // The instance holding the send slot, its lease and fencing token.
                    .col(string_len_null("lease_owner", 64))
                    .col(timestamp_with_time_zone_null("lease_until"))
                    .col(big_integer("fence").default(0))
                    // Messages sent today (local day) for the daily cap.
                    .col(string_len_null("sent_day", 10))
                    .col(integer("sent_today").default(0))
                    // Gap multiplier after WAHA's rate-overlimit; decays back to 1 as sends succeed.
                    .col(integer("slowdown").default(1))
                    // Why sending is held back right now (quiet hours, daily cap) and until when.
                    .col(string_len_null("hold_reason", 32))
                    .col(timestamp_with_time_zone_null("hold_until"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, "wa_sessions").await
    }
}
