//! The hosts' loop around the pass (the desktop app and `keyport agent` run the same one): hold
//! the lease, run what is due, sleep until the next due time. The sleep is cut into heartbeats,
//! which renew the lease and read the wall clock again, so a laptop waking from sleep (whose
//! monotonic clock stood still) catches up within one heartbeat.

use super::lease::{Holder, HEARTBEAT_S};
use super::Pass;
use crate::catalog::Catalog;
use crate::session::{Session, Turn};
use crate::store::jobs::Lease;
use std::time::Duration;

/// What the loop tells its host.
#[derive(Debug)]
pub enum Event {
    /// Jobs ran.
    Ran(Pass),
    /// The vault is locked: due jobs wait for an unlock (never a prompt from the background).
    Locked,
    /// Another host runs the scheduler; this one waits as a spare.
    Spare(Lease),
}

pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Runs until the future is dropped. `wake` cuts a sleep short (an unlock, "Check all now", a
/// new connection); the host gives the lease up with `Session::release_scheduler` when it stops.
pub async fn run(
    session: &Session,
    catalog: &Catalog,
    holder: &Holder,
    wake: &tokio::sync::Notify,
    mut on: impl FnMut(Event),
) {
    let heartbeat = Duration::from_secs(HEARTBEAT_S as u64);
    loop {
        let now = unix_now();
        let turn = {
            let turn = session.scheduler_turn(catalog, holder, now);
            tokio::pin!(turn);
            // A long pass (many refreshes waiting on slow providers) keeps its lease renewed.
            loop {
                tokio::select! {
                    turn = &mut turn => break turn,
                    () = tokio::time::sleep(heartbeat) => {
                        if let Err(err) = session.renew_scheduler(holder, unix_now()).await {
                            tracing::warn!(error = %err, "could not renew the scheduler's lease");
                        }
                    }
                }
            }
        };
        let wait = match turn {
            Ok(Turn::Ran(pass)) => {
                let wait = pass.next_due.map_or(HEARTBEAT_S, |due| due - unix_now());
                if !pass.ran.is_empty() {
                    on(Event::Ran(pass));
                }
                wait.clamp(0, HEARTBEAT_S)
            }
            Ok(Turn::Locked) => {
                on(Event::Locked);
                HEARTBEAT_S
            }
            Ok(Turn::Spare(lease)) => {
                on(Event::Spare(lease));
                HEARTBEAT_S
            }
            Err(err) => {
                tracing::error!(error = %err, "the scheduler's pass failed");
                HEARTBEAT_S
            }
        };
        if wait > 0 {
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(wait as u64)) => {}
                () = wake.notified() => {}
            }
        }
    }
}
