//! The `audit_log` and `metric_events` tables.

use super::Executor;
use keyport_model::AuditEvent;

/// One link of the chain as stored.
#[derive(sqlx::FromRow)]
pub struct Link {
    pub seq: i64,
    pub at: String,
    pub event: String,
    pub connection_id: Option<String>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The newest event's number and hash.
pub async fn last(db: impl Executor<'_>) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(db)
        .await
}

pub async fn insert(db: impl Executor<'_>, link: &Link) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (seq, at, event, connection_id, detail, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(link.seq)
    .bind(&link.at)
    .bind(&link.event)
    .bind(&link.connection_id)
    .bind(&link.detail)
    .bind(&link.prev_hash)
    .bind(&link.hash)
    .execute(db)
    .await
    .map(|_| ())
}

/// Every event, oldest first, as `audit list` shows them.
pub async fn events(db: impl Executor<'_>) -> sqlx::Result<Vec<AuditEvent>> {
    let rows: Vec<(i64, String, String, Option<String>, String)> =
        sqlx::query_as("SELECT seq, at, event, connection_id, detail FROM audit_log ORDER BY seq")
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(seq, at, event, connection_id, detail)| AuditEvent {
            seq,
            at,
            event,
            connection_id,
            detail,
        })
        .collect())
}

/// Every link in the order the rows were written, which is what the chain is checked in.
pub async fn chain(db: impl Executor<'_>) -> sqlx::Result<Vec<Link>> {
    sqlx::query_as(
        "SELECT seq, at, event, connection_id, detail, prev_hash, hash
           FROM audit_log ORDER BY rowid",
    )
    .fetch_all(db)
    .await
}

/// One metric event (DESIGN.md section 7).
pub struct Metric<'a> {
    pub at: &'a str,
    pub kind: &'a str,
    pub connector_id: &'a str,
    pub connection_type: &'a str,
    pub value: Option<f64>,
    pub ok: bool,
}

pub async fn insert_metric(db: impl Executor<'_>, metric: &Metric<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO metric_events (at, kind, connector_id, connection_type, value, ok)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(metric.at)
    .bind(metric.kind)
    .bind(metric.connector_id)
    .bind(metric.connection_type)
    .bind(metric.value)
    .bind(metric.ok)
    .execute(db)
    .await
    .map(|_| ())
}
