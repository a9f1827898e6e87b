//! Stored connections: metadata in plain columns (so listing needs no key), the secret sealed to
//! its own row. Every change writes its audit event in the same transaction.

use crate::catalog::config_values;
use crate::store;
use crate::vault::{now, Refused, SecretValue, Unlocked, Vault, VaultError};
use keyport_model::{ConnectionType, ConnectionView, Connector};
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

/// What a new connection's row holds beside its id and bookkeeping, checked.
struct Fields {
    name: String,
    metadata: BTreeMap<String, String>,
    scopes: Vec<String>,
    token_expires_at: Option<String>,
    seconds_to_connect: Option<f64>,
    secret: SecretValue,
}

/// The checks every stored credential meets, whether it makes a connection or replaces one's.
fn fields(new: NewConnection<'_>) -> Result<Fields, VaultError> {
    let c = new.connector;
    if !c.connection_types.contains(&new.connection_type) {
        let offered: Vec<&str> = c.connection_types.iter().map(|t| t.id()).collect();
        return Err(Refused::NotOffered {
            connector: c.name.clone(),
            kind: new.connection_type.id(),
            offered: offered.join(", "),
        }
        .into());
    }
    let mut metadata =
        config_values(c, new.connection_type, &new.config).map_err(Refused::Setting)?;
    match (new.connection_type, new.username) {
        (ConnectionType::BasicAuth, Some(user)) if !user.trim().is_empty() => {
            metadata.insert("username".to_owned(), user);
        }
        (ConnectionType::BasicAuth, _) => return Err(Refused::NeedsUserName.into()),
        (_, Some(_)) => return Err(Refused::TakesNoUserName(new.connection_type.id()).into()),
        _ => {}
    }
    let learned = new.learned.unwrap_or_default();
    metadata.extend(learned.metadata);
    let secret = new.secret.expose_to_caller();
    if secret.is_empty() {
        return Err(Refused::EmptySecret.into());
    }
    if secret.len() > MAX_SECRET_BYTES {
        return Err(Refused::SecretTooLong.into());
    }
    Ok(Fields {
        name: clean_name(new.name.as_deref().unwrap_or(&c.name))?,
        metadata,
        scopes: learned.scopes,
        token_expires_at: learned.token_expires_at,
        seconds_to_connect: learned.seconds_to_connect,
        secret: new.secret,
    })
}

pub async fn insert(
    vault: &Vault,
    unlocked: &Unlocked,
    new: NewConnection<'_>,
) -> Result<ConnectionView, VaultError> {
    let (c, connection_type, verified) = (new.connector, new.connection_type, new.verified);
    let Fields {
        name,
        metadata,
        scopes,
        token_expires_at,
        seconds_to_connect: seconds,
        secret,
    } = fields(new)?;
    let secret = secret.expose_to_caller();
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
    store::connections::insert(
        &mut *tx,
        &store::connections::NewRow {
            id: &id,
            connector_id: &c.id,
            connection_type: connection_type.id(),
            name: &name,
            sealed: &sealed,
            key_version: unlocked.key_version(),
            metadata: &serde_json::to_string(&metadata).unwrap_or_else(|_| "{}".into()),
            scopes: &serde_json::to_string(&scopes).unwrap_or_else(|_| "[]".into()),
            token_expires_at: token_expires_at.as_deref(),
            // A credential checked against the service a moment ago is healthy until a probe
            // says not.
            health_status: if verified { "healthy" } else { "unknown" },
            verified,
            created_by: &user,
            origin: &origin.to_string(),
            at: &at,
        },
    )
    .await
    .map_err(vault.io_err())?;
    let detail = format!(
        "{} by {}{}",
        c.id,
        connection_type.id(),
        if verified { "" } else { ", unverified" }
    );
    crate::audit::append(&mut tx, "connect", Some(&id), &detail)
        .await
        .map_err(vault.io_err())?;
    // DESIGN.md section 7: connections made, by connector and type, and how long it took.
    crate::audit::metric(
        &mut tx,
        "connect",
        &c.id,
        connection_type.id(),
        seconds,
        true,
    )
    .await
    .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())?;
    get(vault, &id).await
}

/// Replaces the grant of OAuth connection `id` with one a reconnect's sign-in got, keeping its
/// id, name and settings; what the sign-in learned joins the metadata. `ConnectionNotFound`
/// when the connection was deleted meanwhile.
pub async fn renew(
    vault: &Vault,
    unlocked: &Unlocked,
    id: &str,
    connector: &Connector,
    secret: SecretValue,
    learned: Learned,
    verified: bool,
) -> Result<ConnectionView, VaultError> {
    let replacement = Replacement {
        connector,
        kind: ConnectionType::Oauth2,
        secret,
        metadata: learned.metadata,
        scopes: learned.scopes,
        token_expires_at: learned.token_expires_at,
        verified,
    };
    replace(vault, unlocked, id, replacement).await
}

/// Replaces the revoked key, token, password or database login of connection `id` with `new`
/// (checked with the service by the caller), keeping its id, name and health interval; its
/// settings and what connecting learned join the metadata.
pub async fn replace_secret(
    vault: &Vault,
    unlocked: &Unlocked,
    id: &str,
    new: NewConnection<'_>,
) -> Result<ConnectionView, VaultError> {
    let (connector, kind, verified) = (new.connector, new.connection_type, new.verified);
    let checked = fields(new)?;
    let replacement = Replacement {
        connector,
        kind,
        secret: checked.secret,
        metadata: checked.metadata,
        scopes: checked.scopes,
        token_expires_at: checked.token_expires_at,
        verified,
    };
    replace(vault, unlocked, id, replacement).await
}

/// A connection's new credential, from a reconnect.
struct Replacement<'a> {
    connector: &'a Connector,
    kind: ConnectionType,
    secret: SecretValue,
    metadata: BTreeMap<String, String>,
    scopes: Vec<String>,
    token_expires_at: Option<String>,
    verified: bool,
}

/// Stores a reconnect's credential in place: the connection turns active and out of back-off,
/// and an audit `reconnect` event names the connector and type (never the secret).
async fn replace(
    vault: &Vault,
    unlocked: &Unlocked,
    id: &str,
    new: Replacement<'_>,
) -> Result<ConnectionView, VaultError> {
    let mut metadata = get(vault, id).await?.metadata;
    metadata.extend(new.metadata);
    let sealed = unlocked.seal(SEALED_KIND, id, new.secret.expose_to_caller())?;
    let mut tx = vault.write().await?;
    unlocked.check_current(&mut tx, vault).await?;
    let stored = store::connections::store_renewed(
        &mut *tx,
        &store::connections::Renewed {
            id,
            connector_id: &new.connector.id,
            connection_type: new.kind.id(),
            sealed: &sealed,
            key_version: unlocked.key_version(),
            token_expires_at: new.token_expires_at.as_deref(),
            metadata: &serde_json::to_string(&metadata).unwrap_or_else(|_| "{}".into()),
            scopes: &serde_json::to_string(&new.scopes).unwrap_or_else(|_| "[]".into()),
            verified: new.verified,
            at: &now(),
        },
    )
    .await
    .map_err(vault.io_err())?;
    if stored != 1 {
        return Err(VaultError::ConnectionNotFound(id.to_owned()));
    }
    let detail = format!("{} by {}", new.connector.id, new.kind.id());
    crate::audit::append(&mut tx, "reconnect", Some(id), &detail)
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())?;
    get(vault, id).await
}

pub(crate) fn clean_name(name: &str) -> Result<String, VaultError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Refused::EmptyName.into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Refused::NameTooLong(MAX_NAME_CHARS).into());
    }
    // Names are shown in tables, dialogs and the tray: none may rewrite or disguise them.
    if let Some(c) = crate::catalog::text::unsafe_char(name) {
        return Err(Refused::NameHolds(crate::catalog::text::holds(c)).into());
    }
    Ok(name.to_owned())
}

/// Every connection without its secret, by name, as the JSON array of `ConnectionView`s
/// (`connections list --json` prints it as it is).
pub async fn list_json(vault: &Vault) -> Result<String, VaultError> {
    store::connections::list_json(
        vault.pool(),
        OffsetDateTime::now_utc().unix_timestamp(),
        REFRESH_BUFFER_S,
    )
    .await
    .map_err(vault.io_err())
}

pub async fn list(vault: &Vault) -> Result<Vec<ConnectionView>, VaultError> {
    serde_json::from_str(&list_json(vault).await?).map_err(|_| unreadable_row())
}

pub async fn get(vault: &Vault, id: &str) -> Result<ConnectionView, VaultError> {
    let doc = store::connections::get_json(
        vault.pool(),
        OffsetDateTime::now_utc().unix_timestamp(),
        REFRESH_BUFFER_S,
        id,
    )
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
    let changed = store::connections::rename(&mut *tx, id, &name, &now())
        .await
        .map_err(vault.io_err())?;
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
    let gone = store::connections::delete(&mut *tx, id)
        .await
        .map_err(vault.io_err())?;
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
    let row = store::connections::sealed(vault.pool(), id)
        .await
        .map_err(vault.io_err())?
        .ok_or_else(|| VaultError::ConnectionNotFound(id.to_owned()))?;
    let secret = unlocked.open(SEALED_KIND, id, &row.secret)?;
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
    let rows = store::keys::sealed(vault.pool(), store::keys::Sealed::Connections)
        .await
        .map_err(vault.io_err())?;
    Ok(rows
        .into_iter()
        .filter(|(id, sealed)| unlocked.open(SEALED_KIND, id, sealed).is_err())
        .map(|(id, _)| id)
        .collect())
}
