//! Users beyond the owner: add with a role, disable, reset a password (one-time), change one's
//! own password, list and end one's own sessions. Disabling a user or resetting their password
//! ends every session they have (ASVS 7.4.2).

use super::{AuthError, password, session_store};
use crate::{
    domain::account::{PASSWORD_MAX, PASSWORD_MIN, Role, normalise_username, validate_new_account},
    dto::users::{OneTimePassword, SessionRow, UserRow},
    error::FieldErrors,
    server::{
        auth::{SESSION_AGENT, SESSION_IP, SESSION_LOGIN_AT, SESSION_SEEN_AT},
        billing::clock,
        entity::{login_sessions, users},
    },
};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

pub async fn list(db: &impl ConnectionTrait, tz: Tz) -> Result<Vec<UserRow>, AuthError> {
    let rows = users::Entity::find()
        .order_by_asc(users::Column::Username)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            role: Role::parse(&u.role).unwrap_or(Role::Kasir),
            username: u.username,
            display_name: u.display_name,
            active: u.active,
            last_login_at: u.last_login_at.map(|t| clock::local(t, tz)),
        })
        .collect())
}

/// A random password for a new or reset account, shown once: 16 characters from an alphabet
/// without look-alikes (~80 bits).
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let mut s = String::with_capacity(19);
    for i in 0..16 {
        if i > 0 && i % 4 == 0 {
            s.push('-');
        }
        s.push(ALPHABET[rng.gen_range(0..ALPHABET.len())] as char);
    }
    s
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
}

/// Adds a user with a one-time password (returned once; only its hash is kept).
pub async fn create(
    db: &DatabaseConnection,
    input: NewUser<'_>,
) -> Result<(users::Model, OneTimePassword), AuthError> {
    let pw = one_time_password();
    let mut errors = validate_new_account(input.username, input.display_name, &pw, &pw);
    let role = Role::parse(input.role.trim());
    if role.is_none() {
        errors.add("role", "Pilih peran: Pemilik, Admin atau Kasir.");
    }
    errors.check()?;
    let username = normalise_username(input.username).map_err(|m| field("username", m))?;
    if users::Entity::find()
        .filter(users::Column::Username.eq(username.clone()))
        .one(db)
        .await?
        .is_some()
    {
        return Err(field("username", "Nama pengguna ini sudah dipakai."));
    }
    let hash = password::hash(pw.clone()).await;
    let now = Utc::now();
    let user = users::ActiveModel {
        username: Set(username.clone()),
        display_name: Set(input.display_name.trim().to_owned()),
        password_hash: Set(hash),
        role: Set(role.unwrap_or(Role::Kasir).as_str().to_owned()),
        active: Set(true),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| {
        // Two owners adding the same name at once: the unique index answers.
        if e.to_string().to_lowercase().contains("unique") {
            field("username", "Nama pengguna ini sudah dipakai.")
        } else {
            e.into()
        }
    })?;
    Ok((
        user,
        OneTimePassword {
            username,
            password: pw,
        },
    ))
}

fn field(name: &str, message: impl Into<String>) -> AuthError {
    let mut f = FieldErrors::new();
    f.add(name, message);
    AuthError::Invalid(f)
}

async fn find(db: &impl ConnectionTrait, id: i32) -> Result<users::Model, AuthError> {
    users::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AuthError::NotFound)
}

/// Ends every session of a user.
pub async fn end_sessions(db: &impl ConnectionTrait, user_id: i32) -> Result<u64, AuthError> {
    Ok(login_sessions::Entity::delete_many()
        .filter(login_sessions::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Disables or enables an account. The acting owner cannot disable themself (someone must be
/// left who can manage users).
pub async fn set_active(
    db: &DatabaseConnection,
    acting: i32,
    id: i32,
    active: bool,
) -> Result<users::Model, AuthError> {
    let user = find(db, id).await?;
    if !active && id == acting {
        return Err(AuthError::Refused(
            "Anda tidak dapat menonaktifkan akun Anda sendiri.".into(),
        ));
    }
    let mut m: users::ActiveModel = user.into();
    m.active = Set(active);
    m.updated_at = Set(Utc::now());
    let user = m.update(db).await?;
    if !active {
        end_sessions(db, id).await?;
    }
    Ok(user)
}

/// Gives a user a new one-time password and ends their sessions.
pub async fn reset_password(
    db: &DatabaseConnection,
    id: i32,
) -> Result<(users::Model, OneTimePassword), AuthError> {
    let user = find(db, id).await?;
    let pw = one_time_password();
    let hash = password::hash(pw.clone()).await;
    let username = user.username.clone();
    let mut m: users::ActiveModel = user.into();
    m.password_hash = Set(hash);
    m.updated_at = Set(Utc::now());
    let user = m.update(db).await?;
    end_sessions(db, id).await?;
    Ok((
        user,
        OneTimePassword {
            username,
            password: pw,
        },
    ))
}

/// Changes the signed-in user's own password after checking the current one. Their other
/// sessions end; the one making the change stays (`keep`, the stored key).
pub async fn change_password(
    db: &DatabaseConnection,
    id: i32,
    current: &str,
    new: &str,
    confirm: &str,
    keep: Option<&str>,
) -> Result<(), AuthError> {
    let user = find(db, id).await?;
    let mut f = FieldErrors::new();
    if !password::verify(current.to_owned(), user.password_hash.clone()).await {
        f.add("current", "Kata sandi saat ini salah.");
    }
    let rules = validate_new_account(&user.username, &user.display_name, new, confirm);
    for e in rules.0 {
        match e.field.as_str() {
            "password" => f.add("new_password", e.message),
            "password_confirm" => f.add("new_password_confirm", e.message),
            _ => {}
        }
    }
    if new == current && f.is_empty() {
        f.add(
            "new_password",
            "Kata sandi baru harus berbeda dari yang lama.",
        );
    }
    f.check()?;
    debug_assert!((PASSWORD_MIN..=PASSWORD_MAX).contains(&new.chars().count()));
    let hash = password::hash(new.to_owned()).await;
    let mut m: users::ActiveModel = user.into();
    m.password_hash = Set(hash);
    m.updated_at = Set(Utc::now());
    m.update(db).await?;
    let mut q = login_sessions::Entity::delete_many().filter(login_sessions::Column::UserId.eq(id));
    if let Some(k) = keep {
        q = q.filter(login_sessions::Column::Id.ne(k));
    }
    q.exec(db).await?;
    Ok(())
}

/// How many characters of the stored key a session's handle shows.
const HANDLE_LEN: usize = 16;

fn at(data: &serde_json::Value, key: &str, tz: Tz) -> Option<crate::domain::dates::LocalTime> {
    data.get(key)
        .and_then(|v| v.as_i64())
        .and_then(|t| DateTime::<Utc>::from_timestamp(t, 0))
        .map(|t| clock::local(t, tz))
}

/// The user's live sessions, newest first; `current` is the stored key of this request's one.
pub async fn sessions(
    db: &impl ConnectionTrait,
    user_id: i32,
    current: Option<&str>,
    tz: Tz,
) -> Result<Vec<SessionRow>, AuthError> {
    let rows = login_sessions::Entity::find()
        .filter(login_sessions::Column::UserId.eq(user_id))
        .filter(login_sessions::Column::ExpiresAt.gt(Utc::now()))
        .all(db)
        .await?;
    let mut out: Vec<SessionRow> = rows
        .into_iter()
        .map(|r| {
            let data: serde_json::Value = serde_json::from_str(&r.data).unwrap_or_default();
            let text = |k: &str| {
                data.get(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            SessionRow {
                handle: r.id.chars().take(HANDLE_LEN).collect(),
                signed_in_at: at(&data, SESSION_LOGIN_AT, tz),
                last_seen_at: at(&data, SESSION_SEEN_AT, tz),
                agent: text(SESSION_AGENT),
                ip: text(SESSION_IP),
                current: current == Some(r.id.as_str()),
            }
        })
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.signed_in_at));
    Ok(out)
}

/// Ends one of the user's own sessions by its handle. Someone else's session is "not found".
pub async fn revoke(
    db: &impl ConnectionTrait,
    user_id: i32,
    handle: &str,
) -> Result<(), AuthError> {
    if handle.len() != HANDLE_LEN || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AuthError::NotFound);
    }
    let rows = login_sessions::Entity::find()
        .filter(login_sessions::Column::UserId.eq(user_id))
        .filter(login_sessions::Column::Id.starts_with(handle))
        .all(db)
        .await?;
    if rows.len() != 1 {
        return Err(AuthError::NotFound);
    }
    login_sessions::Entity::delete_by_id(rows[0].id.clone())
        .exec(db)
        .await?;
    Ok(())
}

/// The stored key of a session id (for "this session").
pub fn stored_key(id: &tower_sessions::session::Id) -> String {
    session_store::key(id)
}
