//! Log aktivitas: the audit log (owner and admin).
use crate::{
    dto::audit::{AuditPage, AuditQuery},
    error::AppError,
};

#[cfg(feature = "ssr")]
use crate::domain::account::Role;
use leptos::prelude::*;

#[server(endpoint = "audit/list", input = server_fn::codec::Json)]
pub async fn audit_list(query: AuditQuery) -> Result<AuditPage, AppError> {
    use crate::server::{audit, ctx};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Admin)?;
        Ok(audit::list(&state.db, &query, state.config.timezone).await?)
    })
    .await
}
