//! The wrong-passphrase throttle, stored in the vault so a restart does not reset it: after 5
//! failures each further try waits 30 s, doubling up to 5 minutes (UI.md section 3), and a try
//! inside the wait is refused without running the KDF, so the CLI is no brute-force oracle.
//!
//! Tries are taken one at a time across processes (the caller holds the data dir's unlock lock),
//! and each is claimed, and counted as a failure, in a write transaction *before* the KDF runs;
//! a right passphrase then clears the count. So guesses started in parallel each see the count
//! the others left: at most one is checked per allowed slot however many start at once, and
//! killing a guess mid-KDF does not take its count back.

use super::{now, Vault, VaultError};
use crate::store;
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

/// Seconds still to wait after `count` failures, the last at `last`; a last failure in the
/// future (the clock was set back) counts as now, so the wait never grows by the skew.
fn remaining(count: i64, last: Option<OffsetDateTime>, now: OffsetDateTime) -> u64 {
    // An unreadable time counts as just now: editing it must not lift the wait.
    let last = last.unwrap_or(now).min(now);
    let elapsed = (now - last).whole_seconds().max(0) as u64;
    wait_after(count).saturating_sub(elapsed)
}

/// Claims one passphrase check, or refuses with the seconds left to wait.
pub async fn claim(vault: &Vault) -> Result<(), VaultError> {
    let mut tx = vault.write().await?;
    let failures = store::throttle::failures(&mut *tx)
        .await
        .map_err(vault.io_err())?;
    let now_at = OffsetDateTime::now_utc();
    if let Some((count, last_text)) = failures {
        let last = OffsetDateTime::parse(&last_text, &Rfc3339).ok();
        let wait = remaining(count, last, now_at);
        if wait > 0 {
            if last.is_some_and(|l| l > now_at) {
                // Pin the future time to now, so the wait runs out from here.
                store::throttle::set_last(&mut *tx, &now())
                    .await
                    .map_err(vault.io_err())?;
                tx.commit().await.map_err(vault.io_err())?;
            }
            return Err(VaultError::Throttled(wait));
        }
    }
    store::throttle::count(&mut *tx, &now())
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())
}

/// Records a wrong passphrase in the audit log (the claim already counted it).
pub async fn audit_failure(vault: &Vault) -> Result<(), VaultError> {
    let mut tx = vault.write().await?;
    crate::audit::append(&mut tx, "unlock_failed", None, "wrong passphrase")
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())
}

pub async fn reset(vault: &Vault) -> Result<(), VaultError> {
    store::throttle::clear(vault.pool())
        .await
        .map_err(vault.io_err())
}

#[cfg(test)]
mod tests {
    #[test]
    fn waits_grow_after_five_failures_and_stay_bounded() {
        let waits: Vec<u64> = (0..12).map(super::wait_after).collect();
        assert_eq!(waits, [0, 0, 0, 0, 0, 30, 60, 120, 240, 300, 300, 300]);
        assert_eq!(super::wait_after(i64::MAX), 300);
    }

    #[test]
    fn a_failure_in_the_future_counts_as_now() {
        let now = time::OffsetDateTime::now_utc();
        let day_ahead = now + time::Duration::days(1);
        assert_eq!(super::remaining(5, Some(day_ahead), now), 30);
        assert_eq!(super::remaining(5, None, now), 30);
        assert_eq!(
            super::remaining(5, Some(now - time::Duration::seconds(10)), now),
            20
        );
        assert_eq!(super::remaining(4, Some(day_ahead), now), 0);
    }
}
