//! Customers (Pelanggan): list, form, status, CSV import. The CSV export is a plain GET
//! route (`/ekspor/pelanggan.csv`) served by the server crate.

// The customer form posts its fields flat (ActionForm names = argument names), and the
// server macro's client half does not carry an item-level allow.
#![allow(clippy::too_many_arguments)]

use crate::dto::customers::{
    CustomerDetail, CustomerPage, CustomerQuery, CustomerRow, ImportReport,
};

#[cfg(feature = "ssr")]
use crate::domain::account::Role;
use crate::error::AppError;
use leptos::prelude::*;

/// Customers matching a search, 50 per page.
#[server(endpoint = "billing/customers")]
pub async fn list_customers(query: CustomerQuery) -> Result<CustomerPage, AppError> {
    use crate::server::{billing::customers, ctx};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        Ok(customers::list(&state.db, &query).await?)
    })
    .await
}

/// One customer with their open invoices.
#[server(endpoint = "billing/customer")]
pub async fn get_customer(id: i32) -> Result<CustomerDetail, AppError> {
    use crate::server::{
        billing::{clock, customers},
        ctx,
    };
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        let tz = state.config.timezone;
        Ok(customers::detail(&state.db, id, clock::today(tz), tz).await?)
    })
    .await
}

/// Creates (no `id`) or edits a customer; fields as typed, so each problem is reported on
/// its field and nothing is saved.
#[server(endpoint = "billing/customer-save")]
pub async fn save_customer(
    id: Option<i32>,
    name: String,
    phone: String,
    address: String,
    package_id: String,
    price_override: String,
    billing_day: String,
    #[server(default)] start_date: String,
    status: String,
    notes: String,
) -> Result<CustomerRow, AppError> {
    use crate::server::{billing::customers, ctx, entity};
    use sea_orm::EntityTrait;
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Kasir)?;
        // A kasir keeps customers up to date but does not set prices (amount edits).
        if !user.role.allows(Role::Admin) {
            let typed = match price_override.trim() {
                "" => None,
                t => crate::domain::money::parse_rupiah(t).ok(),
            };
            let stored = match id {
                Some(id) => entity::customers::Entity::find_by_id(id)
                    .one(&state.db)
                    .await?
                    .and_then(|c| c.price_override),
                None => None,
            };
            if typed != stored {
                return Err(AppError::field(
                    "price_override",
                    "Hanya admin atau pemilik yang dapat mengubah harga khusus.",
                ));
            }
        }
        let input = customers::CustomerInput {
            name,
            phone,
            address,
            package_id,
            price_override,
            billing_day,
            start_date,
            status,
            notes,
        };
        let now = chrono::Utc::now();
        let row = match id {
            None => customers::create(&state.db, &input, now).await?,
            Some(id) => customers::update(&state.db, id, &input, now).await?,
        };
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::CustomerChange,
            format!("{} ({})", row.name, row.code),
            if id.is_some() { "diubah" } else { "ditambah" },
        )
        .await;
        Ok(row)
    })
    .await
}

/// Active, suspended (ditangguhkan) or terminated (berhenti). Only active customers are
/// billed by the monthly run.
#[server(endpoint = "billing/customer-status")]
pub async fn set_customer_status(id: i32, status: String) -> Result<(), AppError> {
    use crate::server::{billing::customers, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Kasir)?;
        customers::set_status(&state.db, id, &status, chrono::Utc::now()).await?;
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::CustomerChange,
            format!("pelanggan #{id}"),
            format!("status: {}", status.trim()),
        )
        .await;
        Ok(())
    })
    .await
}

/// Imports customers from CSV text. Every row is checked first; with any error nothing is
/// saved, unless `only_valid` asks to save the rows without errors.
#[server(endpoint = "billing/customer-import")]
pub async fn import_customers(csv: String, only_valid: bool) -> Result<ImportReport, AppError> {
    use crate::server::{billing::csv_io, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Kasir)?;
        let report =
            csv_io::import_customers(&state.db, &csv, only_valid, chrono::Utc::now()).await?;
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::CustomerChange,
            "impor CSV",
            format!(
                "{} baris, {} disimpan, {} salah",
                report.rows, report.imported, report.invalid_rows
            ),
        )
        .await;
        Ok(report)
    })
    .await
}

/// The customer's statement page: the full link when Tagih's public address is known, else
/// the path.
#[server(endpoint = "billing/statement-link")]
pub async fn statement_link(
    customer_id: i32,
) -> Result<crate::dto::customers::StatementLink, AppError> {
    use crate::server::{billing::statement_link as link, ctx};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        let token = link::token_of(&state.db, customer_id).await?;
        Ok(ssr::link_view(&state, &token))
    })
    .await
}

/// A new link for the customer: the old one stops working at once (a forwarded link, a lost
/// phone).
#[server(endpoint = "billing/statement-link-rotate")]
pub async fn rotate_statement_link(
    customer_id: i32,
) -> Result<crate::dto::customers::StatementLink, AppError> {
    use crate::server::{billing::statement_link as link, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        let token = link::rotate(&state.db, customer_id).await?;
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::CustomerChange,
            format!("pelanggan #{customer_id}"),
            "tautan tagihan diganti",
        )
        .await;
        Ok(ssr::link_view(&state, &token))
    })
    .await
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::{dto::customers::StatementLink, server::AppState};

    pub fn link_view(state: &AppState, token: &str) -> StatementLink {
        let path = format!("/s/{token}");
        let url = state
            .config
            .public_url
            .as_ref()
            .and_then(|b| crate::server::billing::statement_link::link(b, token));
        StatementLink {
            public: url.is_some(),
            url: url.unwrap_or(path),
        }
    }
}
