//! Account operations over the database.

use super::{error::AuthError, password};
use crate::{
    domain::account::{Role, normalise_username, validate_new_account},
    dto::auth::CurrentUser,
    server::{
        db::begin_write,
        entity::{settings, users},
    },
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

pub async fn user_count(db: &impl ConnectionTrait) -> Result<u64, sea_orm::DbErr> {
    users::Entity::find().count(db).await
}

pub fn to_current(u: &users::Model) -> CurrentUser {
    CurrentUser {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        // An unknown stored role grants the least (never more than the record says).
        role: Role::parse(&u.role).unwrap_or(Role::Kasir),
    }
}

pub struct NewOwner<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub password_confirm: &'a str,
}

/// Creates the owner account, only while no user exists. Two racing setups cannot both win:
/// the `setup_done` settings row is inserted first in the same transaction, and its primary key
/// lets exactly one commit.
pub async fn create_owner(
    db: &sea_orm::DatabaseConnection,
    input: NewOwner<'_>,
) -> Result<users::Model, AuthError> {
    validate_new_account(
        input.username,
        input.display_name,
        input.password,
        input.password_confirm,
    )
    .check()?;
    if user_count(db).await? > 0 {
        return Err(AuthError::SetupDone);
    }
    let username = normalise_username(input.username).map_err(|m| {
        let mut f = crate::error::FieldErrors::new();
        f.add("username", m);
        AuthError::Invalid(f)
    })?;
    let hash = password::hash(input.password.to_owned()).await;
    let now = Utc::now();

    let txn = begin_write(db).await?;
    if user_count(&txn).await? > 0 {
        return Err(AuthError::SetupDone);
    }
    let marker = settings::ActiveModel {
        key: Set("setup_done".into()),
        value: Set("true".into()),
        updated_at: Set(now),
    };
    if marker.insert(&txn).await.is_err() {
        // Someone else finished setup between our check and our insert.
        return Err(AuthError::SetupDone);
    }
    let user = users::ActiveModel {
        username: Set(username),
        display_name: Set(input.display_name.trim().to_owned()),
        password_hash: Set(hash),
        role: Set(Role::Owner.as_str().to_owned()),
        active: Set(true),
        last_login_at: Set(Some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    tracing::info!(user = %user.username, "owner account created by first-run setup");
    Ok(user)
}

/// Checks a user name and password. A wrong name and a wrong password give the same error and
/// take the same time.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    username: &str,
    password: &str,
) -> Result<users::Model, AuthError> {
    let name = username.trim().to_lowercase();
    let user = users::Entity::find()
        .filter(users::Column::Username.eq(name))
        .one(db)
        .await?;
    let Some(user) = user else {
        password::verify(password.to_owned(), password::DUMMY_HASH.clone()).await;
        return Err(AuthError::BadLogin);
    };
    if !password::verify(password.to_owned(), user.password_hash.clone()).await || !user.active {
        return Err(AuthError::BadLogin);
    }
    let mut active: users::ActiveModel = user.clone().into();
    active.last_login_at = Set(Some(Utc::now()));
    // Hashing parameters raised since this hash was made: store a fresh hash now that we
    // hold the password (ASVS 11.4.2).
    if password::needs_rehash(&user.password_hash) {
        active.password_hash = Set(password::hash(password.to_owned()).await);
        tracing::info!(user = %user.username, "password hash upgraded to current parameters");
    }
    active.update(db).await?;
    Ok(user)
}

/// The active user with this id.
pub async fn find_active(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<Option<users::Model>, sea_orm::DbErr> {
    Ok(users::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|u| u.active))
}
