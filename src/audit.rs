//! The tamper-evident audit log: each event's hash covers the previous event's hash, so an
//! edited, deleted or reordered row breaks the chain at that row, and the head (last seq and
//! hash) is kept apart in `settings`, so a cut-off tail is caught too. Events name what happened
//! and to which connection, never a secret.

use crate::store;
use keyport_model::AuditEvent;
use sha2::{Digest, Sha256};
use sqlx::{SqliteConnection, SqlitePool};

/// Where the chain's head (`seq:hash` of the last event) is kept, apart from the chain.
const HEAD_SETTING: &str = "audit_head";
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
    let (seq, prev) = match store::audit::last(&mut *tx).await? {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_owned()),
    };
    let at = crate::vault::now();
    let digest = hash(&prev, seq, &at, event, connection_id, detail);
    store::audit::insert(
        &mut *tx,
        &store::audit::Link {
            seq,
            at,
            event: event.to_owned(),
            connection_id: connection_id.map(str::to_owned),
            detail: detail.to_owned(),
            prev_hash: prev,
            hash: digest.clone(),
        },
    )
    .await?;
    store::settings::set(&mut *tx, HEAD_SETTING, &format!("{seq}:{digest}")).await
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<AuditEvent>, sqlx::Error> {
    store::audit::events(pool).await
}

/// Checks the whole chain; `Err` names the first row that breaks it and how.
pub async fn verify(pool: &SqlitePool) -> Result<Result<usize, String>, sqlx::Error> {
    let rows = store::audit::chain(pool).await?;
    let head = store::settings::get(pool, HEAD_SETTING).await?;
    let mut prev = GENESIS.to_owned();
    let mut expected_seq = 1;
    for link in &rows {
        let seq = link.seq;
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
        if link.prev_hash != prev {
            return Ok(Err(format!(
                "audit event {seq} does not follow event {} (reordered or replaced)",
                seq - 1
            )));
        }
        let recomputed = hash(
            &prev,
            seq,
            &link.at,
            &link.event,
            link.connection_id.as_deref(),
            &link.detail,
        );
        if recomputed != link.hash {
            return Ok(Err(format!("audit event {seq} was edited")));
        }
        prev = link.hash.clone();
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
    store::audit::insert_metric(
        tx,
        &store::audit::Metric {
            at: &crate::vault::now(),
            kind,
            connector_id,
            connection_type,
            value,
            ok,
        },
    )
    .await
}
