//! Stored connections: metadata in plain columns (so listing needs no key), the secret sealed to
//! its own row. Every change writes its audit event in the same transaction.

use crate::catalog::validate_config;
use crate::vault::{now, SecretValue, Unlocked, Vault, VaultError};
use keyport_model::{ConnectionType, ConnectionView, Connector};
use sqlx::Row;
use std::collections::BTreeMap;
use time::OffsetDateTime;

const SEALED_KIND: &str = "connection";
const MAX_NAME_CHARS: usize = 100;
const MAX_SECRET_BYTES: usize = 64 * 1024;
/// `needs_refresh` turns true this long before the token expires (DESIGN.md section 6).
const REFRESH_BUFFER_S: i64 = 5 * 60;

/// What `connect` stores.
pub struct NewConnection<'a> {
    pub connector: &'a Connector,
    pub connection_type: ConnectionType,
    pub name: Option<String>,
    pub config: BTreeMap<String, String>,
    /// For basic auth: the user name (not secret, kept in the metadata).
    pub username: Option<String>,
    pub secret: SecretValue,
    pub verified: bool,
    /// What connecting learned beside the secret: an OAuth sign-in's granted scopes, token
    /// expiry and values (Salesforce's `instance_url`, QuickBooks' `realmId`), or a database
    /// login's host, port, database and user.
    pub learned: Option<Learned>,
}

#[derive(Debug, Default)]
pub struct Learned {
    /// Seconds from the person's Connect to the stored connection (an OAuth sign-in's wait).
    pub seconds_to_connect: Option<f64>,
    pub scopes: Vec<String>,
    pub token_expires_at: Option<String>,
    pub metadata: BTreeMap<String, String>,
}

pub async fn insert(
    vault: &Vault,
    unlocked: &Unlocked,
    new: NewConnection<'_>,
) -> Result<ConnectionView, VaultError> {
    let c = new.connector;
    if !c.connection_types.contains(&new.connection_type) {
        let offered: Vec<&str> = c.connection_types.iter().map(|t| t.id()).collect();
        return Err(VaultError::InvalidInput(format!(
            "{} does not connect by {}; it offers {}",
            c.name,
            new.connection_type.id(),
            offered.join(", ")
        )));
    }
    let mut metadata =
        validate_config(c, new.connection_type, &new.config).map_err(VaultError::InvalidInput)?;
    match (new.connection_type, new.username) {
        (ConnectionType::BasicAuth, Some(user)) if !user.trim().is_empty() => {
            metadata.insert("username".to_owned(), user);
        }
        (ConnectionType::BasicAuth, _) => {
            return Err(VaultError::InvalidInput(
                "basic auth needs a user name (--basic USER)".into(),
            ))
        }
        (_, Some(_)) => {
            return Err(VaultError::InvalidInput(format!(
                "{} takes no user name",
                new.connection_type.id()
            )))
        }
        _ => {}
    }
    let (scopes, token_expires_at, seconds) = match new.learned {
        Some(grant) => {
            metadata.extend(grant.metadata);
            (
                grant.scopes,
                grant.token_expires_at,
                grant.seconds_to_connect,
            )
        }
        None => (Vec::new(), None, None),
    };
    let secret = new.secret.expose_to_caller();
    if secret.is_empty() {
        return Err(VaultError::InvalidInput("the secret is empty".into()));
    }
    if secret.len() > MAX_SECRET_BYTES {
        return Err(VaultError::InvalidInput(
            "the secret is longer than 64 KB".into(),
        ));
    }
    let name = clean_name(new.name.as_deref().unwrap_or(&c.name))?;
    let id = uuid::Uuid::new_v4().to_string();
    let sealed = unlocked.seal(SEALED_KIND, &id, secret)?;
    let at = now();
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    let origin = serde_json::json!({
        "os_user": user,
        "host": std::env::var("HOSTNAME").unwrap_or_default(),
        "app_version": env!("CARGO_PKG_VERSION"),
    });
    let mut tx = vault.write().await?;
    unlocked.check_current(&mut tx, vault).await?;
    sqlx::query(
        "INSERT INTO connections (id, connector_id, connection_type, name, secret, key_version,
            metadata, scopes, token_expires_at, status, health_status, verified, created_by,
            origin, created_at, updated_at, last_rotated_at, last_health_check)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&c.id)
    .bind(new.connection_type.id())
    .bind(&name)
    .bind(sealed)
    .bind(unlocked.key_version())
    .bind(serde_json::to_string(&metadata).unwrap_or_else(|_| "{}".into()))
    .bind(serde_json::to_string(&scopes).unwrap_or_else(|_| "[]".into()))
    .bind(token_expires_at)
    // A credential checked against the service a moment ago is healthy until a probe says not.
    .bind(if new.verified { "healthy" } else { "unknown" })
    .bind(new.verified)
    .bind(&user)
    .bind(origin.to_string())
    .bind(&at)
    .bind(&at)
    .bind(&at)
    .bind(new.verified.then_some(&at))
    .execute(&mut *tx)
    .await
    .map_err(vault.io_err())?;
    let detail = format!(
        "{} by {}{}",
        c.id,
        new.connection_type.id(),
        if new.verified { "" } else { ", unverified" }
    );
    crate::audit::append(&mut tx, "connect", Some(&id), &detail)
        .await
        .map_err(vault.io_err())?;
    // DESIGN.md section 7: connections made, by connector and type, and how long it took.
    crate::audit::metric(
        &mut tx,
        "connect",
        &c.id,
        new.connection_type.id(),
        seconds,
        true,
    )
    .await
    .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())?;
    get(vault, &id).await
}

pub(crate) fn clean_name(name: &str) -> Result<String, VaultError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(VaultError::InvalidInput("the name is empty".into()));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(VaultError::InvalidInput(format!(
            "a name is at most {MAX_NAME_CHARS} characters"
        )));
    }
    // Names are shown in tables, dialogs and the tray: none may rewrite or disguise them.
    if let Some(c) = crate::catalog::text::unsafe_char(name) {
        return Err(VaultError::InvalidInput(format!(
            "the name {}; choose a name without it",
            crate::catalog::text::holds(c)
        )));
    }
    Ok(name.to_owned())
}

/// One connection as SQLite writes it with `json_object`, derived flags included, in the field
/// order of `ConnectionView`. Building the whole list as one JSON document inside SQLite hands a
/// single value across instead of one row at a time, and `connections list --json` prints that
/// document as it is: most of the cost of listing 10,000 connections was the per-row hand-over
/// and the parse and re-serialization (see `make bench`). `?1` is now, in Unix seconds.
const VIEW_JSON: &str = "json_object(
    'id', id, 'name', name, 'connector_id', connector_id, 'connection_type', connection_type,
    'status', status, 'health_status', health_status, 'verified', json(iif(verified, 'true', 'false')),
    'scopes', json(scopes), 'token_expires_at', token_expires_at, 'metadata', json(metadata),
    'last_health_check', last_health_check, 'last_used_at', last_used_at,
    'error_count', max(0, min(error_count, 4294967295)), 'last_error', last_error,
    'created_by', created_by, 'created_at', created_at, 'updated_at', updated_at,
    'is_expired', json(iif(expires <= ?1, 'true', 'false')),
    'needs_refresh', json(iif(expires - ?1 <= ?2, 'true', 'false')),
    'is_healthy', json(iif(status = 'active' AND health_status = 'healthy'
                           AND coalesce(expires > ?1, 1), 'true', 'false')))";

/// The connections with their expiry in Unix seconds, for `VIEW_JSON`.
const WITH_EXPIRY: &str = "SELECT *, unixepoch(token_expires_at) AS expires FROM connections";

/// Every connection without its secret, by name, as the JSON array of `ConnectionView`s.
pub async fn list_json(vault: &Vault) -> Result<String, VaultError> {
    // The ORDER BY sits in the subquery, where the `connections_by_name` index serves it, and
    // SQLite keeps a subquery's order for an aggregate over it.
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT coalesce(json_group_array({VIEW_JSON}), '[]')
           FROM ({WITH_EXPIRY} ORDER BY name COLLATE NOCASE, created_at)"
    )))
    .bind(OffsetDateTime::now_utc().unix_timestamp())
    .bind(REFRESH_BUFFER_S)
    .fetch_one(vault.pool())
    .await
    .map_err(vault.io_err())
}

pub async fn list(vault: &Vault) -> Result<Vec<ConnectionView>, VaultError> {
    serde_json::from_str(&list_json(vault).await?).map_err(|_| unreadable_row())
}

pub async fn get(vault: &Vault, id: &str) -> Result<ConnectionView, VaultError> {
    let doc: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT {VIEW_JSON} FROM ({WITH_EXPIRY} WHERE id = ?3)"
    )))
    .bind(OffsetDateTime::now_utc().unix_timestamp())
    .bind(REFRESH_BUFFER_S)
    .bind(id)
    .fetch_optional(vault.pool())
    .await
    .map_err(vault.io_err())?
    .ok_or_else(|| VaultError::ConnectionNotFound(id.to_owned()))?;
    serde_json::from_str(&doc).map_err(|_| unreadable_row())
}

fn unreadable_row() -> VaultError {
    VaultError::Corrupt("a connection's stored fields are unreadable".into())
}

/// Renames a connection. Like every change to the vault, it needs the vault unlocked.
pub async fn rename(
    vault: &Vault,
    unlocked: &Unlocked,
    id: &str,
    name: &str,
) -> Result<ConnectionView, VaultError> {
    let name = clean_name(name)?;
    let mut tx = vault.write().await?;
    unlocked.check_current(&mut tx, vault).await?;
    let changed = sqlx::query("UPDATE connections SET name = ?, updated_at = ? WHERE id = ?")
        .bind(&name)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(vault.io_err())?
        .rows_affected();
    if changed == 0 {
        return Err(VaultError::ConnectionNotFound(id.to_owned()));
    }
    crate::audit::append(&mut tx, "rename", Some(id), "")
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())?;
    get(vault, id).await
}

/// Deletes a connection. Like every change to the vault, it needs the vault unlocked.
pub async fn delete(vault: &Vault, unlocked: &Unlocked, id: &str) -> Result<(), VaultError> {
    let mut tx = vault.write().await?;
    unlocked.check_current(&mut tx, vault).await?;
    let gone = sqlx::query("DELETE FROM connections WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(vault.io_err())?
        .rows_affected();
    if gone == 0 {
        return Err(VaultError::ConnectionNotFound(id.to_owned()));
    }
    crate::audit::append(&mut tx, "delete", Some(id), "")
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())
}

/// Opens a connection's secret for a deliberate reveal, and records that it happened.
pub async fn reveal(
    vault: &Vault,
    unlocked: &Unlocked,
    id: &str,
) -> Result<SecretValue, VaultError> {
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT secret FROM connections WHERE id = ?")
        .bind(id)
        .fetch_optional(vault.pool())
        .await
        .map_err(vault.io_err())?
        .ok_or_else(|| VaultError::ConnectionNotFound(id.to_owned()))?;
    let secret = unlocked.open(SEALED_KIND, id, &sealed)?;
    let mut tx = vault.write().await?;
    crate::audit::append(&mut tx, "reveal", Some(id), "")
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())?;
    Ok(secret)
}

/// Opens every sealed connection secret: a health check of the vault's crypto after a restore
/// or in tests. Returns the ids that failed.
pub async fn unreadable(vault: &Vault, unlocked: &Unlocked) -> Result<Vec<String>, VaultError> {
    let rows = sqlx::query("SELECT id, secret FROM connections ORDER BY id")
        .fetch_all(vault.pool())
        .await
        .map_err(vault.io_err())?;
    Ok(rows
        .iter()
        .filter(|r| unlocked.open(SEALED_KIND, r.get(0), r.get(1)).is_err())
        .map(|r| r.get(0))
        .collect())
}
