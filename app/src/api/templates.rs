//! Template: edit the message texts, preview them against a real invoice, save or reset.
use crate::dto::templates::{Preview, TemplateView};

#[cfg(feature = "ssr")]
use crate::domain::account::Role;
use crate::{domain::messages::TemplateKind, error::AppError};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn body_error(e: crate::server::messages::template::TemplateError) -> AppError {
    AppError::field("body", e.to_string())
}

#[server(endpoint = "templates/get")]
pub async fn get_template(kind: TemplateKind) -> Result<TemplateView, AppError> {
    use crate::server::{ctx, messages::templates};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        let (body, custom) = templates::body(&state.db, kind).await?;
        Ok(TemplateView { kind, body, custom })
    })
    .await
}

/// Renders `body` as the customer would receive it: with the values of the invoice numbered
/// `invoice`, else of the newest invoice, else samples.
#[server(endpoint = "templates/preview", input = server_fn::codec::Json)]
pub async fn preview_template(
    kind: TemplateKind,
    body: String,
    invoice: Option<String>,
) -> Result<Preview, AppError> {
    use crate::server::{ctx, messages::template};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Kasir)?;
        let (vars, source) =
            crate::server::messages::vars::for_preview(&state, kind, invoice.as_deref()).await?;
        template::validate(kind, &body).map_err(body_error)?;
        let text = template::render(&body, &vars).map_err(body_error)?;
        Ok(Preview {
            chars: crate::domain::messages::char_count(&text),
            text,
            source,
        })
    })
    .await
}

#[server(endpoint = "templates/save", input = server_fn::codec::Json)]
pub async fn save_template(kind: TemplateKind, body: String) -> Result<TemplateView, AppError> {
    use crate::server::{ctx, messages::templates};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        let db = &state.db;
        templates::save(db, kind, &body, Some(user.id))
            .await
            .map_err(|e| match e {
                templates::SaveError::Template(t) => body_error(t),
                templates::SaveError::Db(d) => d.into(),
            })?;
        tracing::info!(user = %user.username, kind = kind.code(), "template saved");
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::TemplateChange,
            kind.label(),
            "disimpan",
        )
        .await;
        let (body, custom) = templates::body(db, kind).await?;
        Ok(TemplateView { kind, body, custom })
    })
    .await
}

#[server(endpoint = "templates/reset")]
pub async fn reset_template(kind: TemplateKind) -> Result<TemplateView, AppError> {
    use crate::server::{ctx, messages::templates};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Admin)?;
        let db = &state.db;
        templates::reset(db, kind).await?;
        tracing::info!(user = %user.username, kind = kind.code(), "template reset to default");
        ctx::audit(
            &state,
            &user,
            crate::domain::audit::AuditAction::TemplateChange,
            kind.label(),
            "dikembalikan ke bawaan",
        )
        .await;
        Ok(TemplateView {
            kind,
            body: kind.default_body().to_owned(),
            custom: false,
        })
    })
    .await
}
