//! The vault's identity and keys: `vault_meta` (its id and current key version), `key_slots`
//! (the data key wrapped once per way to unlock), and every sealed column, which a key rotation
//! reseals.

use super::Executor;

pub async fn insert_meta(db: impl Executor<'_>, vault_id: &str, at: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO vault_meta (id, vault_id, key_version, created_at) VALUES (1, ?, 1, ?)",
    )
    .bind(vault_id)
    .bind(at)
    .execute(db)
    .await
    .map(|_| ())
}

/// The vault's id and current key version; `None` before `init` wrote them.
pub async fn meta(db: impl Executor<'_>) -> sqlx::Result<Option<(String, i64)>> {
    sqlx::query_as("SELECT vault_id, key_version FROM vault_meta WHERE id = 1")
        .fetch_optional(db)
        .await
}

pub async fn key_version(db: impl Executor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT key_version FROM vault_meta WHERE id = 1")
        .fetch_one(db)
        .await
}

pub async fn set_key_version(db: impl Executor<'_>, version: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE vault_meta SET key_version = ? WHERE id = 1")
        .bind(version)
        .execute(db)
        .await
        .map(|_| ())
}

/// A slot's KDF parameters, key version and wrapped data key.
pub async fn slot(
    db: impl Executor<'_>,
    kind: &str,
) -> sqlx::Result<Option<(String, i64, Vec<u8>)>> {
    sqlx::query_as("SELECT params, key_version, wrapped_dek FROM key_slots WHERE kind = ?")
        .bind(kind)
        .fetch_optional(db)
        .await
}

/// Every slot's kind, parameters and creation time, oldest first (no wrapped key).
pub async fn slots(db: impl Executor<'_>) -> sqlx::Result<Vec<(String, String, String)>> {
    sqlx::query_as("SELECT kind, params, created_at FROM key_slots ORDER BY id")
        .fetch_all(db)
        .await
}

pub struct NewSlot<'a> {
    pub kind: &'a str,
    pub params: &'a str,
    pub key_version: i64,
    pub wrapped: &'a [u8],
    pub at: &'a str,
}

pub async fn insert_slot(db: impl Executor<'_>, slot: &NewSlot<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO key_slots (kind, params, key_version, wrapped_dek, created_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(slot.kind)
    .bind(slot.params)
    .bind(slot.key_version)
    .bind(slot.wrapped)
    .bind(slot.at)
    .execute(db)
    .await
    .map(|_| ())
}

/// Deletes the slot of one kind, or every slot.
pub async fn delete_slots(db: impl Executor<'_>, kind: Option<&str>) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM key_slots WHERE ?1 IS NULL OR kind = ?1")
        .bind(kind)
        .execute(db)
        .await
        .map(|_| ())
}

/// A column holding values sealed with the data key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealed {
    Connections,
    OAuthApps,
    OAuthFlows,
}

impl Sealed {
    pub const ALL: [Sealed; 3] = [Sealed::Connections, Sealed::OAuthApps, Sealed::OAuthFlows];

    /// The record kind bound into each value's AAD.
    pub fn kind(self) -> &'static str {
        match self {
            Sealed::Connections => "connection",
            Sealed::OAuthApps => "oauth_app",
            Sealed::OAuthFlows => "oauth_flow",
        }
    }
}

/// Every (row id, sealed value) of a sealed column.
pub async fn sealed(db: impl Executor<'_>, column: Sealed) -> sqlx::Result<Vec<(String, Vec<u8>)>> {
    let select = match column {
        Sealed::Connections => "SELECT id, secret FROM connections ORDER BY id",
        Sealed::OAuthApps => {
            "SELECT connector_id, client_secret FROM oauth_apps WHERE client_secret IS NOT NULL"
        }
        Sealed::OAuthFlows => "SELECT state_hash, verifier FROM oauth_flows",
    };
    sqlx::query_as(select).fetch_all(db).await
}

/// Writes one value back, resealed under key `version`.
pub async fn reseal(
    db: impl Executor<'_>,
    column: Sealed,
    id: &str,
    value: &[u8],
    version: i64,
) -> sqlx::Result<()> {
    let update = match column {
        Sealed::Connections => "UPDATE connections SET secret = ?, key_version = ? WHERE id = ?",
        Sealed::OAuthApps => {
            "UPDATE oauth_apps SET client_secret = ?, key_version = ? WHERE connector_id = ?"
        }
        Sealed::OAuthFlows => {
            "UPDATE oauth_flows SET verifier = ?, key_version = ? WHERE state_hash = ?"
        }
    };
    sqlx::query(update)
        .bind(value)
        .bind(version)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}
