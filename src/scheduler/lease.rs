//! One scheduler per vault: the host that holds the lease acts; the others are warm spares that
//! take over once it lapses (its holder died, or a laptop slept through its renewals).

use crate::store::{self, jobs::Lease};
use crate::vault::{Vault, VaultError};

/// A lease lasts this long unless renewed...
pub const LEASE_S: i64 = 45;
/// ...and its holder renews it (and a spare looks for a lapsed one) this often, so a spare takes
/// over within a minute of the holder's death.
pub const HEARTBEAT_S: i64 = 15;

/// This host as it appears in the lease.
#[derive(Debug, Clone)]
pub struct Holder {
    pub id: String,
    pub host: String,
    pub pid: u32,
}

impl Holder {
    /// `host` says what runs the scheduler: `agent` or `desktop`.
    pub fn new(host: &str) -> Holder {
        Holder {
            id: uuid::Uuid::new_v4().to_string(),
            host: host.to_owned(),
            pid: std::process::id(),
        }
    }
}

/// Where this host stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    Holds,
    /// Another host holds the lease.
    Spare(Lease),
}

/// Takes or renews the lease at `now`.
pub async fn hold(vault: &Vault, holder: &Holder, now: i64) -> Result<Standing, VaultError> {
    let lease = Lease {
        holder: holder.id.clone(),
        host: holder.host.clone(),
        pid: i64::from(holder.pid),
        since: now,
        until: now + LEASE_S,
    };
    let mut tx = vault.write().await?;
    let held = store::jobs::hold_lease(&mut *tx, &lease, now)
        .await
        .map_err(vault.io_err())?;
    let standing = if held == 1 {
        Standing::Holds
    } else {
        let other = store::jobs::lease(&mut *tx).await.map_err(vault.io_err())?;
        Standing::Spare(other.unwrap_or(lease))
    };
    tx.commit().await.map_err(vault.io_err())?;
    Ok(standing)
}

/// Gives the lease up (a host that stops), so a spare need not wait for it to lapse.
pub async fn release(vault: &Vault, holder: &Holder) -> Result<(), VaultError> {
    store::jobs::release_lease(vault.pool(), &holder.id)
        .await
        .map_err(vault.io_err())
}

/// Who holds the lease now, if anyone's is current at `now`.
pub async fn current(vault: &Vault, now: i64) -> Result<Option<Lease>, VaultError> {
    Ok(store::jobs::lease(vault.pool())
        .await
        .map_err(vault.io_err())?
        .filter(|l| l.until >= now))
}
