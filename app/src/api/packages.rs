//! Internet packages (Paket): name, speed, monthly price.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageView {
    pub id: i32,
    pub name: String,
    pub speed_mbps: i32,
    /// Rupiah per month.
    pub price: i64,
    pub description: Option<String>,
    pub active: bool,
    /// Customers on this package (any status); a package in use cannot be deleted.
    pub customers: u64,
}

/// Every package, active first, then by name.
#[server(endpoint = "billing/packages")]
pub async fn list_packages() -> Result<Vec<PackageView>, AppError> {
    use crate::server::{billing::packages, ctx};
    ctx::respond(async move {
        let state = ctx::state()?;
        ctx::current_user()?;
        packages::list(&state.db).await
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
        let state = ctx::state()?;
        ctx::current_user()?;
        let input = packages::PackageInput {
            name: &name,
            speed_mbps: &speed_mbps,
            price: &price,
            description: &description,
        };
        packages::save(&state.db, id, input, chrono::Utc::now()).await
    })
    .await
}

/// Deactivates (no longer offered to new customers; existing ones are still billed) or
/// reactivates a package.
#[server(endpoint = "billing/package-active")]
pub async fn set_package_active(id: i32, active: bool) -> Result<(), AppError> {
    use crate::server::{billing::packages, ctx};
    ctx::respond(async move {
        let state = ctx::state()?;
        ctx::current_user()?;
        packages::set_active(&state.db, id, active, chrono::Utc::now()).await
    })
    .await
}

/// Deletes a package nobody uses.
#[server(endpoint = "billing/package-delete")]
pub async fn delete_package(id: i32) -> Result<(), AppError> {
    use crate::server::{billing::packages, ctx};
    ctx::respond(async move {
        let state = ctx::state()?;
        ctx::current_user()?;
        packages::delete(&state.db, id).await
    })
    .await
}
