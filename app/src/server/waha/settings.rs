//! The WAHA connection settings: saved in the `settings` table (editable from the WhatsApp
//! page), with the environment (`WAHA_URL`, `WAHA_API_KEY`, `WAHA_SESSION`,
//! `WAHA_WEBHOOK_SECRET`) as the default for anything not saved. The API key and the webhook
//! secret never leave the server: the page only learns whether they are set.

use super::service::error::WhatsAppError;
use crate::{
    error::FieldErrors,
    server::{
        Config, Secret,
        db::begin_write,
        entity::settings,
        net::{OutboundError, check_outbound_url},
    },
};
use reqwest::Url;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

pub const KEY_URL: &str = "waha.url";
pub const KEY_SESSION: &str = "waha.session";
pub const KEY_API_KEY: &str = "waha.api_key";
/// The origin (`scheme://host:port`) the saved key was typed for: it is sent nowhere else.
pub const KEY_API_KEY_FOR: &str = "waha.api_key_for";
pub const KEY_WEBHOOK_SECRET: &str = "waha.webhook_secret";
pub const KEY_WEBHOOK_URL: &str = "waha.webhook_url";

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Saved,
    Env,
    Unset,
}

#[derive(Debug, Clone)]
pub struct WahaSettings {
    pub url: Option<Url>,
    pub url_source: Source,
    pub session: String,
    pub api_key: Option<Secret>,
    pub api_key_source: Source,
    pub webhook_secret: Option<Secret>,
    /// The webhook URL last registered on the session from the page.
    pub webhook_url: Option<String>,
}

async fn saved(db: &impl ConnectionTrait) -> Result<Vec<(String, String)>, DbErr> {
    Ok(settings::Entity::find()
        .filter(settings::Column::Key.starts_with("waha."))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|m| {
            let v: String = serde_json::from_str(&m.value).ok()?;
            Some((m.key, v))
        })
        .collect())
}

/// The settings in force: saved values first, then the environment.
pub async fn load(db: &impl ConnectionTrait, config: &Config) -> Result<WahaSettings, DbErr> {
    let rows = saved(db).await?;
    let get = |k: &str| {
        rows.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let (url, url_source) = match get(KEY_URL).and_then(|u| Url::parse(&u).ok()) {
        Some(u) => (Some(u), Source::Saved),
        None => match &config.waha_url {
            Some(u) => (Some(u.clone()), Source::Env),
            None => (None, Source::Unset),
        },
    };
    // A key goes only to the host it was given for: the saved key to the origin it was saved
    // with, the environment's key to the environment's WAHA_URL. Pointing the URL elsewhere
    // never carries a key along.
    let in_force = url.as_ref().map(origin_of);
    let saved_for = get(KEY_API_KEY_FOR);
    let (api_key, api_key_source) = match get(KEY_API_KEY) {
        Some(k) if saved_for.is_none() || saved_for == in_force => {
            (Some(Secret::new(k)), Source::Saved)
        }
        Some(_) => (None, Source::Unset),
        None => match &config.waha_api_key {
            Some(k) if config.waha_url.as_ref().map(origin_of) == in_force => {
                (Some(k.clone()), Source::Env)
            }
            _ => (None, Source::Unset),
        },
    };
    Ok(WahaSettings {
        url,
        url_source,
        session: get(KEY_SESSION).unwrap_or_else(|| config.waha_session.clone()),
        api_key,
        api_key_source,
        webhook_secret: get(KEY_WEBHOOK_SECRET)
            .map(Secret::new)
            .or_else(|| config.waha_webhook_secret.clone()),
        webhook_url: get(KEY_WEBHOOK_URL),
    })
}

/// What the settings form sends.
#[derive(Debug, Clone, Default)]
pub struct SaveInput {
    /// Empty: forget the saved URL (the environment's applies again).
    pub url: String,
    pub session: String,
    /// Empty: keep the key as it is.
    pub api_key: String,
    /// Forget the saved key.
    pub clear_key: bool,
}

/// Checks a URL the admin typed. Link-local addresses are refused (cloud metadata).
pub fn parse_url(input: &str) -> Result<Url, String> {
    let url = Url::parse(input.trim())
        .map_err(|_| "Alamat tidak valid. Contoh: http://127.0.0.1:3000".to_owned())?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err("Alamat harus diawali http:// atau https://".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("Alamat tidak boleh berisi nama pengguna atau kata sandi.".into());
    }
    check_outbound_url(&url).map_err(|e| match e {
        OutboundError::LinkLocal => {
            "Alamat link-local (169.254.x.x, fe80::) tidak diizinkan.".to_owned()
        }
        OutboundError::NoHost => "Alamat harus berisi nama host.".to_owned(),
        OutboundError::Scheme => "Alamat harus diawali http:// atau https://".to_owned(),
    })?;
    Ok(url)
}

pub fn validate_session(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("Nama sesi wajib diisi (WAHA Core: default).");
    }
    if name.len() > 54
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err("Nama sesi: huruf, angka, '_' atau '-', paling banyak 54 karakter.");
    }
    Ok(())
}

fn validate_key(key: &str) -> Result<(), &'static str> {
    if key.len() > 512 {
        return Err("API key terlalu panjang.");
    }
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("API key tidak boleh berisi spasi atau karakter khusus.");
    }
    Ok(())
}

/// `scheme://host:port` of a URL, what a key is bound to.
pub fn origin_of(u: &Url) -> String {
    u.origin().ascii_serialization()
}

/// Saves the form. Bad input changes nothing and says what is wrong next to each field. A new
/// WAHA address without a newly typed key forgets the saved key (`Ok(true)`): the old key is
/// never sent to the new host.
pub async fn save(
    db: &DatabaseConnection,
    config: &Config,
    input: &SaveInput,
) -> Result<bool, WhatsAppError> {
    let mut errors = FieldErrors::new();
    let url = input.url.trim();
    if !url.is_empty()
        && let Err(m) = parse_url(url)
    {
        errors.add("url", m);
    }
    let session = input.session.trim();
    if let Err(m) = validate_session(session) {
        errors.add("session", m);
    }
    let key = input.api_key.trim();
    if !key.is_empty()
        && let Err(m) = validate_key(key)
    {
        errors.add("api_key", m);
    }
    errors.check()?;

    let txn = begin_write(db).await?;
    let before = load(&txn, config).await?;
    let new_url = if url.is_empty() {
        delete(&txn, KEY_URL).await?;
        config.waha_url.clone()
    } else {
        // Checked above: a URL that parsed then is stored as parsed.
        let parsed = parse_url(url).map_err(|m| WhatsAppError::field("url", m))?;
        put(&txn, KEY_URL, parsed.as_str()).await?;
        Some(parsed)
    };
    let new_origin = new_url.as_ref().map(origin_of);
    put(&txn, KEY_SESSION, session).await?;
    let mut forgotten = false;
    if input.clear_key {
        delete(&txn, KEY_API_KEY).await?;
        delete(&txn, KEY_API_KEY_FOR).await?;
    } else if !key.is_empty() {
        put(&txn, KEY_API_KEY, key).await?;
        match &new_origin {
            Some(o) => put(&txn, KEY_API_KEY_FOR, o).await?,
            None => delete(&txn, KEY_API_KEY_FOR).await?,
        }
    } else if before.url.as_ref().map(origin_of) != new_origin {
        forgotten = before.api_key.is_some();
        delete(&txn, KEY_API_KEY).await?;
        delete(&txn, KEY_API_KEY_FOR).await?;
    } else if before.api_key_source == Source::Saved
        && let Some(o) = &new_origin
    {
        // A key saved before keys were bound to a host: bind it to the one it is used with.
        put(&txn, KEY_API_KEY_FOR, o).await?;
    }
    txn.commit().await?;
    tracing::info!(
        api_key_changed = !key.is_empty() || input.clear_key || forgotten,
        "WAHA settings saved"
    );
    Ok(forgotten)
}

pub async fn put(db: &impl ConnectionTrait, key: &str, value: &str) -> Result<(), DbErr> {
    crate::server::settings::set(db, key, &value).await
}

/// One saved value, if any.
pub async fn load_saved(db: &impl ConnectionTrait, key: &str) -> Result<Option<String>, DbErr> {
    crate::server::settings::get(db, key).await
}

pub async fn remove(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    delete(db, key).await
}

async fn delete(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    settings::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::testing;

    fn config(pairs: &[(&str, &str)]) -> Config {
        let map: std::collections::HashMap<_, _> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned()).unwrap()
    }

    #[tokio::test]
    async fn saved_values_win_over_the_environment_and_the_key_is_write_only() {
        let env = config(&[
            ("WAHA_URL", "http://127.0.0.1:3000"),
            ("WAHA_API_KEY", "kunci-env"),
        ]);
        for t in testing::all().await {
            let s = load(&t.db, &env).await.unwrap();
            assert_eq!(s.url.unwrap().as_str(), "http://127.0.0.1:3000/");
            assert_eq!((s.url_source, s.api_key_source), (Source::Env, Source::Env));
            assert_eq!(s.session, "default");

            let input = SaveInput {
                url: "http://waha.lan:3000".into(),
                session: "default".into(),
                api_key: "kunci-baru-1".into(),
                clear_key: false,
            };
            save(&t.db, &env, &input).await.unwrap();
            let s = load(&t.db, &env).await.unwrap();
            assert_eq!(s.url.unwrap().as_str(), "http://waha.lan:3000/");
            assert_eq!(s.api_key.unwrap().expose(), "kunci-baru-1");
            assert_eq!(s.api_key_source, Source::Saved);

            // An empty key keeps the saved one; clearing brings the environment's back.
            save(
                &t.db,
                &env,
                &SaveInput {
                    api_key: String::new(),
                    ..input.clone()
                },
            )
            .await
            .unwrap();
            assert_eq!(
                load(&t.db, &env).await.unwrap().api_key.unwrap().expose(),
                "kunci-baru-1"
            );
            // A new address without a new key: the saved key is forgotten, not sent there.
            let forgot = save(
                &t.db,
                &env,
                &SaveInput {
                    url: "http://attacker.example:3000".into(),
                    api_key: String::new(),
                    ..input.clone()
                },
            )
            .await
            .unwrap();
            assert!(forgot);
            let s = load(&t.db, &env).await.unwrap();
            assert!(s.api_key.is_none(), "no key goes to a new host");
            // Nor is the environment's key: it belongs to the environment's WAHA_URL.
            save(
                &t.db,
                &env,
                &SaveInput {
                    api_key: String::new(),
                    clear_key: true,
                    ..input.clone()
                },
            )
            .await
            .unwrap();
            let s = load(&t.db, &env).await.unwrap();
            assert!(s.api_key.is_none() && s.api_key_source == Source::Unset);
            // Back on the environment's address, the environment's key applies again.
            save(
                &t.db,
                &env,
                &SaveInput {
                    url: String::new(),
                    api_key: String::new(),
                    clear_key: true,
                    ..input
                },
            )
            .await
            .unwrap();
            let s = load(&t.db, &env).await.unwrap();
            assert_eq!(
                (s.api_key.unwrap().expose(), s.api_key_source),
                ("kunci-env", Source::Env)
            );
            t.cleanup().await;
        }
    }

    #[tokio::test]
    async fn bad_input_is_explained_per_field_and_changes_nothing() {
        for t in testing::all().await {
            let err = save(
                &t.db,
                &config(&[]),
                &SaveInput {
                    url: "http://169.254.169.254/latest".into(),
                    session: "bad name".into(),
                    api_key: "dengan spasi".into(),
                    clear_key: false,
                },
            )
            .await
            .unwrap_err();
            let WhatsAppError::Invalid(f) = err else {
                panic!("{err:?}")
            };
            assert!(f.get("url").is_some());
            assert!(f.get("session").is_some());
            assert!(f.get("api_key").is_some());
            assert!(saved(&t.db).await.unwrap().is_empty());
            assert!(parse_url("ftp://x").is_err());
            t.cleanup().await;
        }
    }
}
