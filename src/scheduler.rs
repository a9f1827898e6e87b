//! The background scheduler (DESIGN.md section 6, issue 13): every OAuth connection refreshed
//! before its token expires or its refresh token lapses unused, every active connection checked
//! on its interval. Due times are rows in the vault (`store::jobs`), made from each connection's
//! stored state (`plan`), so a restart or a wake from sleep catches up on each overdue job once.
//!
//! One scheduler acts per vault however many hosts run it (the desktop app, `keyport agent`): a
//! host acts only while it holds the lease (`lease`); the others wait as warm spares. A pass is a
//! function of the clock it is given, so tests drive it with any time and no sleeps; `run` is the
//! hosts' loop around it, asleep until the next due time.

pub mod alerts;
pub mod lease;
pub mod plan;
pub mod run;
pub mod tray;

use crate::catalog::Catalog;
use crate::health::{self, Cause};
use crate::http::Http;
use crate::oauth::{self, OAuthError};
use crate::store::{self, jobs::Planned};
use crate::vault::{Unlocked, Vault, VaultError};
use futures_util::stream::{self, StreamExt};
use keyport_model::HealthStatus;
use std::collections::{BTreeMap, BTreeSet};

/// At most this many jobs run in one pass; the rest are due at once in the next.
const PASS_LIMIT: i64 = 256;
/// Refreshes in flight at once (health checks use the sweep's own bound).
const REFRESH_CONCURRENCY: usize = 4;

pub const REFRESH: &str = "refresh";
pub const CHECK: &str = "check";

/// What a job came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Refreshed,
    /// Another process refreshed it since the plan was made.
    AlreadyFresh,
    /// A transient failure: tried again at `retry_at`.
    Retry {
        retry_at: i64,
        why: String,
    },
    /// Only a person can fix it: the grant is dead or the service refused the credential.
    NeedsReconnect {
        why: String,
    },
    /// Nothing to refresh with (no refresh token); planned again when the connection changes.
    NotRefreshable {
        why: String,
    },
    Checked(HealthStatus),
    /// This machine is offline: checked again when it is back.
    Offline,
}

impl Outcome {
    /// The word stored as the job's last outcome.
    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Refreshed => "refreshed",
            Outcome::AlreadyFresh => "already fresh",
            Outcome::Retry { .. } => "retrying",
            Outcome::NeedsReconnect { .. } => "needs reconnect",
            Outcome::NotRefreshable { .. } => "not refreshable",
            Outcome::Checked(HealthStatus::Healthy) => "healthy",
            Outcome::Checked(HealthStatus::Degraded) => "degraded",
            Outcome::Checked(HealthStatus::Unhealthy) => "unhealthy",
            Outcome::Checked(HealthStatus::Unknown) => "unknown",
            Outcome::Offline => "offline",
        }
    }
}

/// One job run in a pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    pub connection_id: String,
    pub kind: &'static str,
    pub outcome: Outcome,
}

/// What a pass did and when the next job is due.
#[derive(Debug, Default)]
pub struct Pass {
    pub ran: Vec<Ran>,
    pub next_due: Option<i64>,
}

/// Brings every connection's jobs in line with its stored state; writes only what changed.
pub async fn plan_all(vault: &Vault, catalog: &Catalog, now: i64) -> Result<(), VaultError> {
    let connections = store::jobs::to_plan(vault.pool(), None)
        .await
        .map_err(vault.io_err())?;
    let jobs: BTreeMap<(String, String), String> = store::jobs::all(vault.pool())
        .await
        .map_err(vault.io_err())?
        .into_iter()
        .map(|j| ((j.connection_id, j.kind), j.planned_from))
        .collect();
    let mut changes = Vec::new();
    for c in &connections {
        let plans = [
            (REFRESH, plan::refresh(c, idle_days(catalog, c))),
            (CHECK, plan::check(c, now)),
        ];
        for (kind, plan) in plans {
            if jobs.get(&(c.id.clone(), kind.to_owned())) != Some(&plan.from) {
                changes.push((c.id.clone(), kind, plan));
            }
        }
    }
    let orphans = jobs.len() > connections.len() * 2
        || jobs
            .keys()
            .any(|(id, _)| !connections.iter().any(|c| &c.id == id));
    if changes.is_empty() && !orphans {
        return Ok(());
    }
    let mut tx = vault.write().await?;
    for (id, kind, plan) in &changes {
        store::jobs::plan(&mut *tx, id, kind, plan.due_at, &plan.from)
            .await
            .map_err(vault.io_err())?;
    }
    store::jobs::forget_orphans(&mut *tx)
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())
}

/// How many days the connector's provider keeps an unused refresh token, from the catalog.
fn idle_days(catalog: &Catalog, c: &Planned) -> Option<u32> {
    catalog
        .get(&c.connector_id)
        .ok()?
        .oauth2
        .as_ref()?
        .keep_alive
        .as_ref()?
        .idle_days
}

/// Plans again only when what plans are made from changed since `seen` (the fingerprint the
/// last plan was made at, kept by the host): an idle heartbeat reads one aggregate, not every row.
async fn plan_if_changed(
    vault: &Vault,
    catalog: &Catalog,
    now: i64,
    seen: &mut Option<String>,
) -> Result<(), VaultError> {
    let fingerprint = store::jobs::plan_inputs_fingerprint(vault.pool())
        .await
        .map_err(vault.io_err())?;
    if seen.as_deref() == Some(fingerprint.as_str()) {
        return Ok(());
    }
    plan_all(vault, catalog, now).await?;
    // Planning may add or drop job rows, which the fingerprint counts: take it after.
    *seen = Some(
        store::jobs::plan_inputs_fingerprint(vault.pool())
            .await
            .map_err(vault.io_err())?,
    );
    Ok(())
}

/// One pass at `now`: plans what changed, runs what is due, records each outcome and plans
/// again. `seen` is the host's memory of what it last planned from (`None` plans everything).
pub async fn pass(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    catalog: &Catalog,
    now: i64,
    seen: &mut Option<String>,
) -> Result<Pass, VaultError> {
    plan_if_changed(vault, catalog, now, seen).await?;
    let due = store::jobs::due(vault.pool(), now, PASS_LIMIT)
        .await
        .map_err(vault.io_err())?;
    let (refreshes, checks): (Vec<_>, Vec<_>) = due.into_iter().partition(|j| j.kind == REFRESH);
    let mut ran = Vec::new();

    let runs: Vec<_> = refreshes
        .iter()
        .map(|job| refresh_one(vault, unlocked, http, catalog, job, now))
        .collect();
    let results: Vec<_> = stream::iter(runs)
        .buffer_unordered(REFRESH_CONCURRENCY)
        .collect()
        .await;
    for result in results {
        ran.push(result?);
    }

    let ids: BTreeSet<String> = checks.iter().map(|j| j.connection_id.clone()).collect();
    if !ids.is_empty() {
        let outcomes = health::probe(vault, unlocked, http, catalog, &ids).await?;
        let failures: BTreeMap<&str, i64> = checks
            .iter()
            .map(|j| (j.connection_id.as_str(), j.failures))
            .collect();
        // Back online: every probe of this pass got through. (A pass where some got through
        // and some did not says those hosts are down, not this machine: they keep backing off.)
        let back_online =
            !outcomes.is_empty() && outcomes.iter().all(|(_, o)| o.cause != Cause::Offline);
        for (id, probed) in outcomes {
            let failures = failures.get(id.as_str()).copied().unwrap_or(0);
            let outcome = record_check(vault, &id, &probed, failures, now).await?;
            ran.push(Ran {
                connection_id: id,
                kind: CHECK,
                outcome,
            });
        }
        if back_online {
            // What found this machine offline is checked now, not at its back-off.
            store::jobs::due_now_if_offline(vault.pool(), now)
                .await
                .map_err(vault.io_err())?;
        }
    }

    if !ran.is_empty() {
        plan_if_changed(vault, catalog, now, seen).await?;
    }
    let next_due = store::jobs::next_due(vault.pool())
        .await
        .map_err(vault.io_err())?;
    for r in &ran {
        tracing::info!(connection = %r.connection_id, job = r.kind, outcome = r.outcome.word(), "job ran");
    }
    Ok(Pass { ran, next_due })
}

async fn refresh_one(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    catalog: &Catalog,
    job: &store::jobs::Job,
    now: i64,
) -> Result<Ran, VaultError> {
    let id = job.connection_id.as_str();
    let unchanged = current(vault, id)
        .await?
        .is_some_and(|c| plan::refresh(&c, idle_days(catalog, &c)).from == job.planned_from);
    let outcome = if !unchanged {
        // Refreshed (or reconnected, or deleted) by another process since the plan was made.
        Outcome::AlreadyFresh
    } else {
        match oauth::refresh(vault, unlocked, http, catalog, id).await {
            Ok(_) => Outcome::Refreshed,
            Err(err) => match classify(err)? {
                Classified::Dead(why) => Outcome::NeedsReconnect { why },
                Classified::NotRefreshable(why) => Outcome::NotRefreshable { why },
                Classified::Transient { why, retry_after } => Outcome::Retry {
                    retry_at: now + plan::backoff(job.failures + 1, retry_after),
                    why,
                },
            },
        }
    };
    let (due_at, failures) = match &outcome {
        Outcome::Retry { retry_at, .. } => (Some(*retry_at), job.failures + 1),
        // Planned again from the connection's new state by the next plan.
        _ => (None, 0),
    };
    store::jobs::record_run(
        vault.pool(),
        &store::jobs::Ran {
            id,
            kind: REFRESH,
            due_at,
            planned_from: None,
            failures,
            at: now,
            outcome: outcome.word(),
        },
    )
    .await
    .map_err(vault.io_err())?;
    match &outcome {
        Outcome::Retry { why, retry_at } => {
            tracing::warn!(connection = id, why = %why, retry_at, "refresh failed; will retry");
        }
        Outcome::NeedsReconnect { why } => {
            tracing::warn!(connection = id, why = %why, "refresh refused: needs reconnect");
        }
        _ => {}
    }
    Ok(Ran {
        connection_id: id.to_owned(),
        kind: REFRESH,
        outcome,
    })
}

enum Classified {
    Dead(String),
    NotRefreshable(String),
    Transient {
        why: String,
        retry_after: Option<u64>,
    },
}

/// A failed refresh: the vault's own failures end the pass (locked, key rotated elsewhere);
/// a dead grant needs a person; anything else is tried again later.
fn classify(err: OAuthError) -> Result<Classified, VaultError> {
    Ok(match err {
        OAuthError::Vault(v @ (VaultError::Locked | VaultError::KeyRetired)) => return Err(v),
        OAuthError::GrantRevoked { .. } => Classified::Dead(err.to_string()),
        OAuthError::NoRefreshToken(_) | OAuthError::NoTokens => {
            Classified::NotRefreshable(err.to_string())
        }
        OAuthError::Unavailable { retry_after, .. } => Classified::Transient {
            why: err.to_string(),
            retry_after,
        },
        other => Classified::Transient {
            why: other.to_string(),
            retry_after: None,
        },
    })
}

/// Records a check: offline backs off (checked at once when the machine is back); a refused
/// key or login marks the connection as needing reconnect; anything else is planned again from
/// its new last check.
async fn record_check(
    vault: &Vault,
    id: &str,
    probed: &health::Outcome,
    failures: i64,
    now: i64,
) -> Result<Outcome, VaultError> {
    let mut planned_from = None;
    let (outcome, due_at, failures) = match probed.cause {
        Cause::Offline => {
            // The probe recorded its check; the back-off's due time stands against that.
            planned_from = current(vault, id).await?.map(|c| plan::check(&c, now).from);
            let failures = failures + 1;
            (
                Outcome::Offline,
                Some(now + plan::backoff(failures, None).min(plan::DEFAULT_CHECK_INTERVAL_S)),
                failures,
            )
        }
        Cause::CredentialRefused => {
            let why = probed.error.clone().unwrap_or_default();
            store::connections::needs_reconnect(vault.pool(), id, &why, &crate::vault::now())
                .await
                .map_err(vault.io_err())?;
            (Outcome::NeedsReconnect { why }, None, 0)
        }
        Cause::Answered => (Outcome::Checked(probed.status), None, 0),
    };
    store::jobs::record_run(
        vault.pool(),
        &store::jobs::Ran {
            id,
            kind: CHECK,
            due_at,
            planned_from: planned_from.as_deref(),
            failures,
            at: now,
            outcome: outcome.word(),
        },
    )
    .await
    .map_err(vault.io_err())?;
    Ok(outcome)
}

async fn current(vault: &Vault, id: &str) -> Result<Option<Planned>, VaultError> {
    Ok(store::jobs::to_plan(vault.pool(), Some(id))
        .await
        .map_err(vault.io_err())?
        .pop())
}

fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The jobs and the scheduler's host as front-ends show them.
pub async fn view(vault: &Vault, now: i64) -> Result<keyport_model::JobsView, VaultError> {
    let names: BTreeMap<String, String> = store::jobs::alert_rows(vault.pool())
        .await
        .map_err(vault.io_err())?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    let jobs = store::jobs::all(vault.pool())
        .await
        .map_err(vault.io_err())?
        .into_iter()
        .map(|j| keyport_model::JobView {
            connection_name: names.get(&j.connection_id).cloned().unwrap_or_default(),
            connection_id: j.connection_id,
            kind: j.kind,
            due_at: j.due_at.map(rfc3339),
            last_run_at: j.last_run_at.map(rfc3339),
            last_outcome: j.last_outcome,
            failures: u32::try_from(j.failures).unwrap_or(u32::MAX),
        })
        .collect();
    let host = lease::current(vault, now)
        .await?
        .map(|l| keyport_model::SchedulerHostView {
            host: l.host,
            pid: u32::try_from(l.pid).unwrap_or(0),
            since: rfc3339(l.since),
            until: rfc3339(l.until),
        });
    Ok(keyport_model::JobsView { host, jobs })
}
