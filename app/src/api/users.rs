//! Pengguna: users and roles (owner only), and each user's own password and sessions.
use crate::{
    dto::users::{OneTimePassword, SessionRow, UserRow},
    error::AppError,
};

#[cfg(feature = "ssr")]
use crate::domain::{account::Role, audit::AuditAction};
use leptos::prelude::*;

#[server(endpoint = "users/list")]
pub async fn list_users() -> Result<Vec<UserRow>, AppError> {
    use crate::server::{auth::users, ctx};
    ctx::respond(async move {
        let (state, _) = ctx::authorise(Role::Owner)?;
        Ok(users::list(&state.db, state.config.timezone).await?)
    })
    .await
}

/// Adds a user; the answer carries their one-time password (shown once).
#[server(endpoint = "users/create")]
pub async fn create_user(
    username: String,
    display_name: String,
    role: String,
) -> Result<OneTimePassword, AppError> {
    use crate::server::{auth::users, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Owner)?;
        let (created, otp) = users::create(
            &state.db,
            users::NewUser {
                username: &username,
                display_name: &display_name,
                role: &role,
            },
        )
        .await?;
        ctx::audit(
            &state,
            &user,
            AuditAction::UserCreate,
            &created.username,
            format!("peran: {}", created.role),
        )
        .await;
        Ok(otp)
    })
    .await
}

#[server(endpoint = "users/set-active")]
pub async fn set_user_active(id: i32, active: bool) -> Result<(), AppError> {
    use crate::server::{auth::users, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Owner)?;
        let changed = users::set_active(&state.db, user.id, id, active).await?;
        let action = if active {
            AuditAction::UserEnable
        } else {
            AuditAction::UserDisable
        };
        ctx::audit(&state, &user, action, &changed.username, "").await;
        Ok(())
    })
    .await
}

/// A new one-time password for a user (their sessions end); shown once.
#[server(endpoint = "users/reset-password")]
pub async fn reset_password(id: i32) -> Result<OneTimePassword, AppError> {
    use crate::server::{auth::users, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Owner)?;
        let (changed, otp) = users::reset_password(&state.db, id).await?;
        ctx::audit(
            &state,
            &user,
            AuditAction::PasswordReset,
            &changed.username,
            "",
        )
        .await;
        Ok(otp)
    })
    .await
}

/// Any role: changes one's own password (other sessions end).
#[server(endpoint = "account/password")]
pub async fn change_password(
    current: String,
    new_password: String,
    new_password_confirm: String,
) -> Result<(), AppError> {
    use crate::server::{auth::users, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Kasir)?;
        let keep = ctx::session().await?.id().map(|i| users::stored_key(&i));
        users::change_password(
            &state.db,
            user.id,
            &current,
            &new_password,
            &new_password_confirm,
            keep.as_deref(),
        )
        .await?;
        ctx::audit(
            &state,
            &user,
            AuditAction::PasswordChange,
            &user.username,
            "",
        )
        .await;
        Ok(())
    })
    .await
}

/// Any role: one's own live sessions.
#[server(endpoint = "account/sessions")]
pub async fn my_sessions() -> Result<Vec<SessionRow>, AppError> {
    use crate::server::{auth::users, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Kasir)?;
        let current = ctx::session().await?.id().map(|i| users::stored_key(&i));
        Ok(users::sessions(
            &state.db,
            user.id,
            current.as_deref(),
            state.config.timezone,
        )
        .await?)
    })
    .await
}

/// Any role: ends one of one's own sessions.
#[server(endpoint = "account/revoke-session")]
pub async fn revoke_session(handle: String) -> Result<(), AppError> {
    use crate::server::{auth::users, ctx};
    ctx::respond(async move {
        let (state, user) = ctx::authorise(Role::Kasir)?;
        users::revoke(&state.db, user.id, handle.trim()).await?;
        ctx::audit(
            &state,
            &user,
            AuditAction::SessionRevoke,
            &user.username,
            "",
        )
        .await;
        Ok(())
    })
    .await
}
