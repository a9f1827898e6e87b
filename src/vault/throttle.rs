//! The wrong-passphrase throttle, stored in the vault so a restart does not reset it: after 5
//! failures each further try waits 30 s, doubling up to 5 minutes (UI.md section 3), and a try
//! inside the wait is refused without running the KDF, so the CLI is no brute-force oracle.

use super::{now, Vault, VaultError};
use sqlx::Row;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const FREE_TRIES: i64 = 5;
const FIRST_WAIT_S: u64 = 30;
const MAX_WAIT_S: u64 = 300;

/// The wait imposed after `failures` wrong passphrases in a row.
fn wait_after(failures: i64) -> u64 {
    if failures < FREE_TRIES {
        return 0;
    }
    let doublings = (failures - FREE_TRIES).min(16) as u32;
    (FIRST_WAIT_S << doublings).min(MAX_WAIT_S)
}

pub async fn check(vault: &Vault) -> Result<(), VaultError> {
    let row = sqlx::query("SELECT count, last_at FROM unlock_failures WHERE id = 1")
        .fetch_optional(vault.pool())
        .await
        .map_err(vault.io_err())?;
    let Some(row) = row else { return Ok(()) };
    let count: i64 = row.get(0);
    let last: String = row.get(1);
    let wait = wait_after(count);
    if wait == 0 {
        return Ok(());
    }
    // An unreadable time counts as just now: editing it must not lift the wait.
    let last = OffsetDateTime::parse(&last, &Rfc3339).unwrap_or_else(|_| OffsetDateTime::now_utc());
    let elapsed = (OffsetDateTime::now_utc() - last).whole_seconds().max(0) as u64;
    if elapsed < wait {
        return Err(VaultError::Throttled(wait - elapsed));
    }
    Ok(())
}

pub async fn record_failure(vault: &Vault) -> Result<(), VaultError> {
    let mut tx = vault.write().await?;
    sqlx::query(
        "INSERT INTO unlock_failures (id, count, last_at) VALUES (1, 1, ?1)
         ON CONFLICT (id) DO UPDATE SET count = count + 1, last_at = ?1",
    )
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(vault.io_err())?;
    crate::audit::append(&mut tx, "unlock_failed", None, "wrong passphrase")
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())
}

pub async fn reset(vault: &Vault) -> Result<(), VaultError> {
    sqlx::query("DELETE FROM unlock_failures")
        .execute(vault.pool())
        .await
        .map_err(vault.io_err())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn waits_grow_after_five_failures_and_stay_bounded() {
        let waits: Vec<u64> = (0..12).map(super::wait_after).collect();
        assert_eq!(waits, [0, 0, 0, 0, 0, 30, 60, 120, 240, 300, 300, 300]);
        assert_eq!(super::wait_after(i64::MAX), 300);
    }
}
