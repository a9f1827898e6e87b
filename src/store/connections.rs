//! The `connections` table: metadata in plain columns, the secret sealed to its row, the health
//! and refresh bookkeeping beside them.

use super::Executor;

/// A connection as `connect` writes it; the secret is already sealed.
pub struct NewRow<'a> {
    pub id: &'a str,
    pub connector_id: &'a str,
    pub connection_type: &'a str,
    pub name: &'a str,
    pub sealed: &'a [u8],
    pub key_version: i64,
    /// JSON object.
    pub metadata: &'a str,
    /// JSON array.
    pub scopes: &'a str,
    pub token_expires_at: Option<&'a str>,
    pub health_status: &'a str,
    pub verified: bool,
    pub created_by: &'a str,
    /// JSON object.
    pub origin: &'a str,
    pub at: &'a str,
}

pub async fn insert(db: impl Executor<'_>, row: &NewRow<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO connections (id, connector_id, connection_type, name, secret, key_version,
            metadata, scopes, token_expires_at, status, health_status, verified, created_by,
            origin, created_at, updated_at, last_rotated_at, last_health_check, granted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'active', ?10, ?11, ?12, ?13, ?14, ?14, ?14,
            iif(?11, ?14, NULL), ?14)",
    )
    .bind(row.id)
    .bind(row.connector_id)
    .bind(row.connection_type)
    .bind(row.name)
    .bind(row.sealed)
    .bind(row.key_version)
    .bind(row.metadata)
    .bind(row.scopes)
    .bind(row.token_expires_at)
    .bind(row.health_status)
    .bind(row.verified)
    .bind(row.created_by)
    .bind(row.origin)
    .bind(row.at)
    .execute(db)
    .await
    .map(|_| ())
}

/// One connection as SQLite writes it with `json_object`, derived flags included, in the field
/// order of `ConnectionView`. Building the whole list as one JSON document inside SQLite hands a
/// single value across instead of one row at a time, and `connections list --json` prints that
/// document as it is: most of the cost of listing 10,000 connections was the per-row hand-over
/// and the parse and re-serialization (see `make bench`). `?1` is now, in Unix seconds; `?2`
/// how long before expiry a token needs a refresh.
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
                           AND coalesce(expires > ?1, 1), 'true', 'false')),
    'next_refresh_at', strftime('%Y-%m-%dT%H:%M:%SZ', next_refresh, 'unixepoch'),
    'next_check_at', strftime('%Y-%m-%dT%H:%M:%SZ', next_check, 'unixepoch'),
    'health_interval_minutes', health_interval_s / 60,
    'needs_reconnect', json(iif(status IN ('expired', 'revoked', 'invalid'), 'true', 'false')),
    'granted_at', granted_at,
    'ask_before_use', json(iif(ask_before_use, 'true', 'false')))";

/// The connections with their expiry in Unix seconds and their scheduled jobs, for `VIEW_JSON`.
const WITH_EXPIRY: &str = "SELECT *, unixepoch(token_expires_at) AS expires,
    (SELECT due_at FROM jobs WHERE connection_id = c.id AND kind = 'refresh') AS next_refresh,
    (SELECT due_at FROM jobs WHERE connection_id = c.id AND kind = 'check') AS next_check
    FROM connections AS c";

/// Every connection without its secret, by name, as one JSON array of `ConnectionView`s.
pub async fn list_json(
    db: impl Executor<'_>,
    now: i64,
    refresh_buffer: i64,
) -> sqlx::Result<String> {
    // The ORDER BY sits in the subquery, where the `connections_by_name` index serves it, and
    // SQLite keeps a subquery's order for an aggregate over it.
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT coalesce(json_group_array({VIEW_JSON}), '[]')
           FROM ({WITH_EXPIRY} ORDER BY name COLLATE NOCASE, created_at)"
    )))
    .bind(now)
    .bind(refresh_buffer)
    .fetch_one(db)
    .await
}

/// One connection without its secret, as a JSON `ConnectionView`.
pub async fn get_json(
    db: impl Executor<'_>,
    now: i64,
    refresh_buffer: i64,
    id: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT {VIEW_JSON} FROM ({WITH_EXPIRY} WHERE id = ?3)"
    )))
    .bind(now)
    .bind(refresh_buffer)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Renames a connection; the number of rows changed (0 for an unknown id).
pub async fn rename(db: impl Executor<'_>, id: &str, name: &str, at: &str) -> sqlx::Result<u64> {
    sqlx::query("UPDATE connections SET name = ?, updated_at = ? WHERE id = ?")
        .bind(name)
        .bind(at)
        .bind(id)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

/// Records that a connection's credential was handed out (its last successful use); the
/// connection itself is unchanged, so `updated_at` stays.
pub async fn mark_used(db: impl Executor<'_>, id: &str, at: &str) -> sqlx::Result<u64> {
    sqlx::query("UPDATE connections SET last_used_at = ? WHERE id = ?")
        .bind(at)
        .bind(id)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

/// Deletes a connection; the number of rows deleted (0 for an unknown id).
pub async fn delete(db: impl Executor<'_>, id: &str) -> sqlx::Result<u64> {
    sqlx::query("DELETE FROM connections WHERE id = ?")
        .bind(id)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

pub async fn count(db: impl Executor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM connections")
        .fetch_one(db)
        .await
}

pub async fn count_for_connector(db: impl Executor<'_>, connector_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM connections WHERE connector_id = ?")
        .bind(connector_id)
        .fetch_one(db)
        .await
}

/// What using a connection's credential needs: its connector, type, sealed secret, metadata
/// (a JSON object) and when it last changed.
#[derive(sqlx::FromRow)]
pub struct SealedRow {
    pub id: String,
    pub connector_id: String,
    pub connection_type: String,
    pub secret: Vec<u8>,
    pub metadata: String,
    pub updated_at: String,
}

const SEALED_ROW: &str =
    "SELECT id, connector_id, connection_type, secret, metadata, updated_at FROM connections";

pub async fn sealed(db: impl Executor<'_>, id: &str) -> sqlx::Result<Option<SealedRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SEALED_ROW} WHERE id = ?")))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Every connection's sealed row, or only `id`'s.
pub async fn sealed_all(db: impl Executor<'_>, id: Option<&str>) -> sqlx::Result<Vec<SealedRow>> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SEALED_ROW} WHERE ?1 IS NULL OR id = ?1 ORDER BY id"
    )))
    .bind(id)
    .fetch_all(db)
    .await
}

/// A health probe's outcome: `ok` resets the error count, anything else counts one more and
/// keeps its error.
pub struct Health<'a> {
    pub status: Option<&'a str>,
    pub ok: bool,
    pub error: Option<&'a str>,
    pub at: &'a str,
}

pub async fn record_health(
    db: impl Executor<'_>,
    id: &str,
    health: &Health<'_>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE connections SET health_status = ?1, last_health_check = ?2,
                error_count = CASE WHEN ?3 THEN 0 ELSE error_count + 1 END,
                last_error = CASE WHEN ?3 THEN last_error ELSE ?4 END,
                last_error_at = CASE WHEN ?3 THEN last_error_at ELSE ?2 END
          WHERE id = ?5",
    )
    .bind(health.status)
    .bind(health.at)
    .bind(health.ok)
    .bind(health.error)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

/// Takes the refresh lease of `id` for `owner` for `seconds`, unless another holds it unexpired;
/// the number of rows claimed (1 when taken).
pub async fn claim_refresh(
    db: impl Executor<'_>,
    id: &str,
    owner: &str,
    seconds: i64,
) -> sqlx::Result<u64> {
    sqlx::query(
        "UPDATE connections SET refresh_lease_owner = ?1,
                refresh_lease_until = unixepoch('now') + ?2
          WHERE id = ?3 AND (refresh_lease_until IS NULL
                             OR refresh_lease_until < unixepoch('now'))",
    )
    .bind(owner)
    .bind(seconds)
    .bind(id)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

pub async fn release_refresh(db: impl Executor<'_>, id: &str, owner: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE connections SET refresh_lease_owner = NULL, refresh_lease_until = NULL
          WHERE id = ? AND refresh_lease_owner = ?",
    )
    .bind(id)
    .bind(owner)
    .execute(db)
    .await
    .map(|_| ())
}

/// A refreshed token set, stored only while `owner` still holds the lease.
pub struct Refreshed<'a> {
    pub id: &'a str,
    pub owner: &'a str,
    pub sealed: &'a [u8],
    pub key_version: i64,
    pub token_expires_at: Option<&'a str>,
    /// JSON object.
    pub metadata: &'a str,
    pub at: &'a str,
}

/// The number of rows stored (0 when the lease was lost).
pub async fn store_refreshed(db: impl Executor<'_>, r: &Refreshed<'_>) -> sqlx::Result<u64> {
    sqlx::query(
        "UPDATE connections SET secret = ?, key_version = ?, token_expires_at = ?, metadata = ?,
                status = 'active', error_count = 0, last_error = NULL, updated_at = ?,
                last_rotated_at = ?
          WHERE id = ? AND refresh_lease_owner = ?",
    )
    .bind(r.sealed)
    .bind(r.key_version)
    .bind(r.token_expires_at)
    .bind(r.metadata)
    .bind(r.at)
    .bind(r.at)
    .bind(r.id)
    .bind(r.owner)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// A new credential for an existing connection, from a sign-in or a key that reconnected it.
pub struct Renewed<'a> {
    pub id: &'a str,
    pub connector_id: &'a str,
    pub connection_type: &'a str,
    pub sealed: &'a [u8],
    pub key_version: i64,
    pub token_expires_at: Option<&'a str>,
    /// JSON object.
    pub metadata: &'a str,
    /// JSON array.
    pub scopes: &'a str,
    pub verified: bool,
    pub at: &'a str,
}

/// Replaces a connection's credential after a reconnect: active and out of any back-off, its
/// id, name and settings kept, checked now when the new credential was. 0 when the connection
/// is gone or now belongs to another connector or type.
pub async fn store_renewed(db: impl Executor<'_>, r: &Renewed<'_>) -> sqlx::Result<u64> {
    sqlx::query(
        "UPDATE connections SET secret = ?1, key_version = ?2, token_expires_at = ?3,
                metadata = ?4, scopes = ?5, verified = ?6, status = 'active',
                health_status = CASE WHEN ?6 THEN 'healthy' ELSE 'unknown' END,
                last_health_check = CASE WHEN ?6 THEN ?7 ELSE last_health_check END,
                error_count = 0, last_error = NULL, updated_at = ?7, last_rotated_at = ?7,
                granted_at = ?7,
                refresh_lease_owner = NULL, refresh_lease_until = NULL, alert_state = 'ok'
          WHERE id = ?8 AND connector_id = ?9 AND connection_type = ?10",
    )
    .bind(r.sealed)
    .bind(r.key_version)
    .bind(r.token_expires_at)
    .bind(r.metadata)
    .bind(r.scopes)
    .bind(r.verified)
    .bind(r.at)
    .bind(r.id)
    .bind(r.connector_id)
    .bind(r.connection_type)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// A failed refresh: counted, its error kept; a dead grant also marks the connection expired.
pub async fn record_refresh_failure(
    db: impl Executor<'_>,
    id: &str,
    error: &str,
    dead: bool,
    at: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE connections SET error_count = error_count + 1, last_error = ?, last_error_at = ?,
                status = CASE WHEN ? THEN 'expired' ELSE status END
          WHERE id = ?",
    )
    .bind(error)
    .bind(at)
    .bind(dead)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

/// The service refused a credential only a person can replace (a revoked key, a deleted
/// database user): the connection needs reconnecting.
pub async fn needs_reconnect(
    db: impl Executor<'_>,
    id: &str,
    error: &str,
    at: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE connections SET status = 'revoked', last_error = ?, last_error_at = ?
          WHERE id = ? AND status = 'active'",
    )
    .bind(error)
    .bind(at)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}
