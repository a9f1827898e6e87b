//! The `oauth_flows` table: sign-ins started and not yet completed, by the hash of their state.

use super::Executor;

/// Forgets flows that lapsed more than a day ago: of no use to anyone.
pub async fn prune(db: impl Executor<'_>) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM oauth_flows WHERE unixepoch(expires_at) < unixepoch('now') - 86400")
        .execute(db)
        .await
        .map(|_| ())
}

pub struct NewFlow<'a> {
    pub state_hash: &'a str,
    pub connector_id: &'a str,
    /// JSON object of the connector's settings.
    pub config: &'a str,
    /// The sealed PKCE verifier (sealed empty when the service takes none).
    pub verifier: &'a [u8],
    pub key_version: i64,
    pub redirect_uri: &'a str,
    pub created_at: &'a str,
    pub expires_at: &'a str,
    pub name: Option<&'a str>,
    /// The connection this sign-in renews, when it is a reconnect.
    pub reconnects: Option<&'a str>,
}

pub async fn insert(db: impl Executor<'_>, flow: &NewFlow<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO oauth_flows (state_hash, connector_id, config, verifier, key_version,
            redirect_uri, created_at, expires_at, name, reconnects)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(flow.state_hash)
    .bind(flow.connector_id)
    .bind(flow.config)
    .bind(flow.verifier)
    .bind(flow.key_version)
    .bind(flow.redirect_uri)
    .bind(flow.created_at)
    .bind(flow.expires_at)
    .bind(flow.name)
    .bind(flow.reconnects)
    .execute(db)
    .await
    .map(|_| ())
}

/// A stored flow, with whether it has expired and its age in seconds, both by SQLite's clock.
#[derive(sqlx::FromRow)]
pub struct Flow {
    pub connector_id: String,
    pub config: String,
    pub verifier: Vec<u8>,
    pub redirect_uri: String,
    pub used_at: Option<String>,
    pub expired: bool,
    pub name: Option<String>,
    pub age: f64,
    pub reconnects: Option<String>,
}

pub async fn find(db: impl Executor<'_>, state_hash: &str) -> sqlx::Result<Option<Flow>> {
    sqlx::query_as(
        "SELECT connector_id, config, verifier, redirect_uri, used_at,
                unixepoch(expires_at) <= unixepoch('now') AS expired, name,
                unixepoch('now', 'subsec') - unixepoch(created_at, 'subsec') AS age, reconnects
           FROM oauth_flows WHERE state_hash = ?",
    )
    .bind(state_hash)
    .fetch_optional(db)
    .await
}

/// Whether a flow still waits: neither used nor cancelled, and within its lifetime. `None` for
/// a flow the vault does not know.
pub async fn waiting(db: impl Executor<'_>, state_hash: &str) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar(
        "SELECT used_at IS NULL AND unixepoch(expires_at) > unixepoch('now')
           FROM oauth_flows WHERE state_hash = ?",
    )
    .bind(state_hash)
    .fetch_optional(db)
    .await
}

/// Marks a flow used (completed or cancelled); the number of rows changed, 0 when it already was.
pub async fn mark_used(db: impl Executor<'_>, state_hash: &str, at: &str) -> sqlx::Result<u64> {
    sqlx::query("UPDATE oauth_flows SET used_at = ? WHERE state_hash = ? AND used_at IS NULL")
        .bind(at)
        .bind(state_hash)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
