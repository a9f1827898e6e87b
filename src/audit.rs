//! The tamper-evident audit log: each event's hash covers the previous event's hash, so an
//! edited, deleted or reordered row breaks the chain at that row, and the head (last seq and
//! hash) is kept apart in `settings`, so a cut-off tail is caught too. Events name what happened
//! and to which connection, never a secret.

use keyport_model::AuditEvent;
use sha2::{Digest, Sha256};
use sqlx::{Row, SqliteConnection, SqlitePool};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn hash(
    prev: &str,
    seq: i64,
    at: &str,
    event: &str,
    connection: Option<&str>,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    h.update(b"keyport-audit-v1");
    for part in [
        prev,
        &seq.to_string(),
        at,
        event,
        connection.unwrap_or(""),
        detail,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends an event inside the caller's transaction, so the event and the change it records
/// commit together.
pub async fn append(
    tx: &mut SqliteConnection,
    event: &str,
    connection_id: Option<&str>,
    detail: &str,
) -> Result<(), sqlx::Error> {
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *tx)
        .await?;
    let (seq, prev) = match last {
        Some(row) => (row.get::<i64, _>(0) + 1, row.get::<String, _>(1)),
        None => (1, GENESIS.to_owned()),
    };
    let at = crate::vault::now();
    let digest = hash(&prev, seq, &at, event, connection_id, detail);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, event, connection_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(seq)
    .bind(&at)
    .bind(event)
    .bind(connection_id)
    .bind(detail)
    .bind(&prev)
    .bind(&digest)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO settings (key, value) VALUES ('audit_head', ?1) ON CONFLICT (key) DO UPDATE SET value = ?1")
        .bind(format!("{seq}:{digest}"))
        .execute(&mut *tx)
        .await?;
    Ok(())
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<AuditEvent>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT seq, at, event, connection_id, detail FROM audit_log ORDER BY seq")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEvent {
            seq: r.get(0),
            at: r.get(1),
            event: r.get(2),
            connection_id: r.get(3),
            detail: r.get(4),
        })
        .collect())
}

/// Checks the whole chain; `Err` names the first row that breaks it and how.
pub async fn verify(pool: &SqlitePool) -> Result<Result<usize, String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT seq, at, event, connection_id, detail, prev_hash, hash FROM audit_log ORDER BY rowid",
    )
    .fetch_all(pool)
    .await?;
    let head: Option<String> =
        sqlx::query_scalar("SELECT value FROM settings WHERE key = 'audit_head'")
            .fetch_optional(pool)
            .await?;
    let mut prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    for row in &rows {
        let seq: i64 = row.get(0);
        let stored_prev: String = row.get(5);
        let stored: String = row.get(6);
        if seq != expected_seq {
            return Ok(Err(if seq > expected_seq {
                format!("audit event {expected_seq} is missing (deleted) before event {seq}")
            } else {
                format!(
                    "audit event {seq} is out of order (after event {})",
                    expected_seq - 1
                )
            }));
        }
        if stored_prev != prev {
            return Ok(Err(format!(
                "audit event {seq} does not follow event {} (reordered or replaced)",
                seq - 1
            )));
        }
        let connection: Option<String> = row.get(3);
        let recomputed = hash(
            &prev,
            seq,
            row.get(1),
            row.get(2),
            connection.as_deref(),
            row.get(4),
        );
        if recomputed != stored {
            return Ok(Err(format!("audit event {seq} was edited")));
        }
        prev = stored;
        expected_seq += 1;
    }
    let last = format!("{}:{prev}", expected_seq - 1);
    match head {
        Some(head) if head == last => Ok(Ok(rows.len())),
        None if rows.is_empty() => Ok(Ok(0)),
        _ => Ok(Err(format!(
            "the audit log ends at event {} but the vault recorded a later head; events were cut off",
            expected_seq - 1
        ))),
    }
}

/// One metric event (DESIGN.md section 7): what happened, to which connector, how long it took
/// and whether it worked. Never a secret; written in the caller's transaction.
pub async fn metric(
    tx: &mut SqliteConnection,
    kind: &str,
    connector_id: &str,
    connection_type: &str,
    value: Option<f64>,
    ok: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO metric_events (at, kind, connector_id, connection_type, value, ok)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(crate::vault::now())
    .bind(kind)
    .bind(connector_id)
    .bind(connection_type)
    .bind(value)
    .bind(ok)
    .execute(tx)
    .await
    .map(|_| ())
}
