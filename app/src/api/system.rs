//! Server functions about the installation itself.

#[cfg(feature = "ssr")]
use crate::domain::account::Role;
use crate::{dto::system::BackupStatusView, error::AppError};
use leptos::prelude::*;

/// The last backup, for the dashboard card (everyone who sees the dashboard).
#[server(endpoint = "system/backup_status")]
pub async fn backup_status() -> Result<BackupStatusView, AppError> {
    use crate::server::{ctx, system};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        let status = system::load(&state.db).await?;
        Ok(system::view(
            &status,
            chrono::Utc::now(),
            state.config.timezone,
            state.config.backup.keep,
        ))
    })
    .await
}
