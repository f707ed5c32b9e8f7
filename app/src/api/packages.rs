//! Internet packages (Paket): name, speed, monthly price.
use crate::dto::packages::PackageView;

#[cfg(feature = "ssr")]
use crate::domain::account::Role;
use crate::error::AppError;
use leptos::prelude::*;

/// Every package, active first, then by name.
#[server(endpoint = "billing/packages")]
pub async fn list_packages() -> Result<Vec<PackageView>, AppError> {
    use crate::server::{billing::packages, ctx};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        Ok(packages::list(&state.db).await?)
    })
    .await
}

/// Creates (no `id`) or edits a package. Numbers arrive as typed, so the messages can say
/// what is wrong with them.
#[server(endpoint = "billing/package-save")]
pub async fn save_package(
    id: Option<i32>,
    name: String,
    speed_mbps: String,
    price: String,
    description: String,
) -> Result<PackageView, AppError> {
    use crate::server::{billing::packages, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        let input = packages::PackageInput {
            name: &name,
            speed_mbps: &speed_mbps,
            price: &price,
            description: &description,
        };
        let saved = packages::save(&state.db, id, input, chrono::Utc::now()).await?;
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::PackageChange,
            &name,
            format!("harga {}", price.trim()),
        )
        .await;
        Ok(saved)
    })
    .await
}

/// Deactivates (no longer offered to new customers; existing ones are still billed) or
/// reactivates a package.
#[server(endpoint = "billing/package-active")]
pub async fn set_package_active(id: i32, active: bool) -> Result<(), AppError> {
    use crate::server::{billing::packages, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        packages::set_active(&state.db, id, active, chrono::Utc::now()).await?;
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::PackageChange,
            format!("paket #{id}"),
            if active {
                "diaktifkan"
            } else {
                "dinonaktifkan"
            },
        )
        .await;
        Ok(())
    })
    .await
}

/// Deletes a package nobody uses.
#[server(endpoint = "billing/package-delete")]
pub async fn delete_package(id: i32) -> Result<(), AppError> {
    use crate::server::{billing::packages, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        packages::delete(&state.db, id).await?;
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::PackageChange,
            format!("paket #{id}"),
            "dihapus",
        )
        .await;
        Ok(())
    })
    .await
}
