//! The dashboard's numbers.
use crate::dto::dashboard::DashboardNumbers;

#[cfg(feature = "ssr")]
use crate::domain::account::Role;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "billing/dashboard")]
pub async fn load_dashboard() -> Result<DashboardNumbers, AppError> {
    use crate::server::{
        billing::{clock, dashboard},
        ctx,
    };
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        let tz = state.config.timezone;
        Ok(dashboard::numbers(&state.db, clock::today(tz), tz).await?)
    })
    .await
}
