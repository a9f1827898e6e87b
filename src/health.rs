//! Health probes: each connection's check run now, and its outcome recorded (health status,
//! last check, error count, last error; never a secret). Healthy when the service accepted the
//! credential; unhealthy when it refused it or could not be reached; degraded when it answered
//! busy (429, 5xx); unknown when this machine itself looks offline (the service's name does not
//! resolve), since being offline is not the service's fault. A sweep probes every connection
//! with bounded concurrency, each probe within a timeout, and records them in one transaction.

use crate::catalog::Catalog;
use crate::check::{self, CheckError};
use crate::connections;
use crate::database::{self, DbError};
use crate::http::Http;
use crate::manager::ManagerError;
use crate::oauth::TokenSet;
use crate::store::{self, connections::SealedRow as Target};
use crate::vault::{now, Unlocked, Vault, VaultError};
use futures_util::stream::{self, StreamExt};
use keyport_model::{ConnectionType, ConnectionView, HealthStatus};
use std::collections::BTreeMap;
use std::time::Duration;
use zeroize::Zeroizing;

const PROBE_TIMEOUT: Duration = Duration::from_secs(15);
pub const SWEEP_CONCURRENCY: usize = 16;

/// One probe's outcome: the status and, when not healthy, why (no secret in it).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: HealthStatus,
    pub error: Option<String>,
    pub cause: Cause,
}

/// What the scheduler needs to know beyond the status: whether the machine was offline (check
/// again when it is back), or the service refused a credential that only a person can replace
/// (a revoked key, a deleted database user: the connection needs reconnecting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    Answered,
    Offline,
    CredentialRefused,
}

impl Outcome {
    fn healthy() -> Outcome {
        Outcome {
            status: HealthStatus::Healthy,
            error: None,
            cause: Cause::Answered,
        }
    }

    fn with(status: HealthStatus, error: impl Into<String>) -> Outcome {
        Outcome {
            status,
            error: Some(error.into()),
            cause: Cause::Answered,
        }
    }

    fn because(mut self, cause: Cause) -> Outcome {
        self.cause = cause;
        self
    }
}

async fn targets(vault: &Vault, id: Option<&str>) -> Result<Vec<Target>, VaultError> {
    store::connections::sealed_all(vault.pool(), id)
        .await
        .map_err(vault.io_err())
}

/// Whether `host` resolves: when it does not, this machine is most likely offline.
async fn resolves(host: &str) -> bool {
    tokio::net::lookup_host((host, 443)).await.is_ok()
}

fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url).ok()?.host_str().map(str::to_owned)
}

async fn unreachable(host: Option<String>, detail: &str) -> Outcome {
    match host {
        Some(h) if !resolves(&h).await => Outcome::with(
            HealthStatus::Unknown,
            format!("{h} does not resolve: this machine looks offline"),
        )
        .because(Cause::Offline),
        _ => Outcome::with(
            HealthStatus::Unhealthy,
            format!("could not be reached ({detail})"),
        ),
    }
}

/// `refusal` is what a 401 means: for a stored key, that it was revoked (only a person can
/// replace it); for an OAuth access token, that it expired (the refresh replaces it).
async fn from_check(result: Result<(), CheckError>, url: &str, refusal: Cause) -> Outcome {
    match result {
        Ok(()) => Outcome::healthy(),
        Err(CheckError::Refused(status)) => Outcome::with(
            HealthStatus::Unhealthy,
            format!("the service refused the credential (HTTP {status})"),
        )
        .because(if status == 401 {
            refusal
        } else {
            Cause::Answered
        }),
        Err(CheckError::Unavailable { detail, .. }) if detail.starts_with("HTTP ") => {
            Outcome::with(
                HealthStatus::Degraded,
                format!("the service is busy ({detail})"),
            )
        }
        Err(CheckError::Unavailable { detail, .. }) => unreachable(host_of(url), &detail).await,
        Err(CheckError::Template(what)) => Outcome::with(HealthStatus::Unhealthy, what.to_string()),
        Err(CheckError::Unreadable) => Outcome::with(
            HealthStatus::Unhealthy,
            "the service's answer is unreadable",
        ),
    }
}

async fn run(http: &Http, unlocked: &Unlocked, catalog: &Catalog, t: &Target) -> Outcome {
    let Ok(connector) = catalog.get(&t.connector_id) else {
        return Outcome::with(
            HealthStatus::Unknown,
            format!(
                "the connector `{}` is no longer in the catalog",
                t.connector_id
            ),
        );
    };
    let Ok(secret) = unlocked.open("connection", &t.id, &t.secret) else {
        return Outcome::with(
            HealthStatus::Unhealthy,
            "the sealed credential does not open",
        );
    };
    let values: BTreeMap<String, String> = serde_json::from_str(&t.metadata).unwrap_or_default();
    let http = &http.for_connector(connector);
    let kind = ConnectionType::ALL
        .into_iter()
        .find(|k| k.id() == t.connection_type);
    match kind {
        Some(
            kind @ (ConnectionType::ApiKey
            | ConnectionType::BearerToken
            | ConnectionType::BasicAuth),
        ) => {
            let Some(auth) = connector.key_auth(kind) else {
                return Outcome::with(HealthStatus::Unknown, "the connector has no check for it");
            };
            let Ok(text) = std::str::from_utf8(secret.expose_to_caller()) else {
                return Outcome::with(HealthStatus::Unhealthy, "the credential is not text");
            };
            let user = values.get("username").map(String::as_str);
            let url = http
                .url(&auth.check.url, &values)
                .map(|u| u.as_str().to_owned())
                .unwrap_or_default();
            let result = check::key(http, auth, &values, text, user).await;
            from_check(result, &url, Cause::CredentialRefused).await
        }
        Some(ConnectionType::Oauth2) => {
            let Some(check) = connector.oauth2.as_ref().and_then(|o| o.check.as_ref()) else {
                return Outcome::with(HealthStatus::Unknown, "the connector has no check call");
            };
            let Ok(tokens) = TokenSet::from_bytes(secret.expose_to_caller(), &connector.name)
            else {
                return Outcome::with(
                    HealthStatus::Unhealthy,
                    "the stored token set is unreadable",
                );
            };
            let token = tokens.access_token.expose_for_bearer();
            let url = http
                .url(&check.url, &values)
                .map(|u| u.as_str().to_owned())
                .unwrap_or_default();
            let result = check::bearer(http, check, &values, token).await;
            from_check(result, &url, Cause::Answered).await
        }
        Some(ConnectionType::Database) => {
            let text =
                Zeroizing::new(String::from_utf8_lossy(secret.expose_to_caller()).into_owned());
            let login = match database::read_url(connector, &text) {
                Ok(login) => login,
                Err(_) => {
                    return Outcome::with(HealthStatus::Unhealthy, "the stored login is unreadable")
                }
            };
            match database::check(&login).await {
                Ok(()) => Outcome::healthy(),
                Err(DbError::AuthFailed) => {
                    Outcome::with(HealthStatus::Unhealthy, "the login was refused")
                        .because(Cause::CredentialRefused)
                }
                Err(DbError::NotFound) => {
                    Outcome::with(HealthStatus::Unhealthy, "the database is gone")
                }
                Err(DbError::TlsRefused) => {
                    Outcome::with(HealthStatus::Unhealthy, "the server no longer offers TLS")
                }
                Err(DbError::Unreachable(detail)) => {
                    unreachable(login.metadata.get("host").cloned(), detail).await
                }
                Err(refused) => Outcome::with(HealthStatus::Unhealthy, refused.to_string()),
            }
        }
        Some(ConnectionType::ServiceAccount) => {
            let text =
                Zeroizing::new(String::from_utf8_lossy(secret.expose_to_caller()).into_owned());
            match crate::service_account::check(http, connector, &values, &text).await {
                Ok(_) => Outcome::healthy(),
                Err(ManagerError::Unavailable { detail, .. }) if detail.starts_with("HTTP ") => {
                    Outcome::with(
                        HealthStatus::Degraded,
                        format!("the service is busy ({detail})"),
                    )
                }
                Err(ManagerError::Unavailable { detail, .. }) => {
                    let host = connector
                        .service_account
                        .as_ref()
                        // Where the probe goes first: the token endpoint, or the check call
                        // itself when the key signs it (AWS, Snowflake).
                        .and_then(|s| {
                            s.token_url
                                .as_deref()
                                .or(s.check.as_ref().map(|c| c.url.as_str()))
                        })
                        .and_then(|u| http.url(u, &values).ok())
                        .and_then(|u| host_of(u.as_str()));
                    unreachable(host, &detail).await
                }
                Err(other) => Outcome::with(HealthStatus::Unhealthy, other.to_string()),
            }
        }
        None => Outcome::with(HealthStatus::Unknown, "an unknown connection type"),
    }
}

/// One probe within its timeout. A named function, not a closure, keeps the sweep's future
/// `Send` for the desktop's runtime.
async fn probe_one(
    http: &Http,
    unlocked: &Unlocked,
    catalog: &Catalog,
    t: &Target,
) -> (String, Outcome) {
    let outcome = tokio::time::timeout(PROBE_TIMEOUT, run(http, unlocked, catalog, t))
        .await
        .unwrap_or_else(|_| Outcome::with(HealthStatus::Unhealthy, "the check timed out"));
    (t.id.clone(), outcome)
}

async fn probe_all(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    catalog: &Catalog,
    id: Option<&str>,
) -> Result<Vec<(String, Outcome)>, VaultError> {
    let targets = targets(vault, id).await?;
    if let (Some(id), true) = (id, targets.is_empty()) {
        return Err(VaultError::ConnectionNotFound(id.to_owned()));
    }
    probe_targets(vault, unlocked, http, catalog, &targets).await
}

/// Probes `ids` (those that still exist) and records the outcomes: the scheduler's checks.
pub async fn probe(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    catalog: &Catalog,
    ids: &std::collections::BTreeSet<String>,
) -> Result<Vec<(String, Outcome)>, VaultError> {
    let mut targets = targets(vault, None).await?;
    targets.retain(|t| ids.contains(&t.id));
    probe_targets(vault, unlocked, http, catalog, &targets).await
}

async fn probe_targets(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    catalog: &Catalog,
    targets: &[Target],
) -> Result<Vec<(String, Outcome)>, VaultError> {
    // The probes are made first and only then streamed: a closure inside the stream's type
    // would keep the sweep's future from being `Send` (rustc's higher-ranked lifetimes).
    let probes: Vec<_> = targets
        .iter()
        .map(|t| probe_one(http, unlocked, catalog, t))
        .collect();
    let outcomes = stream::iter(probes)
        .buffer_unordered(SWEEP_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    record(vault, &outcomes).await?;
    Ok(outcomes)
}

/// Writes the outcomes in one transaction.
async fn record(vault: &Vault, outcomes: &[(String, Outcome)]) -> Result<(), VaultError> {
    let at = now();
    let mut tx = vault.write().await?;
    for (id, outcome) in outcomes {
        let ok = outcome.status == HealthStatus::Healthy;
        let status = serde_json::to_value(outcome.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned));
        let health = store::connections::Health {
            status: status.as_deref(),
            ok,
            error: outcome.error.as_deref(),
            at: &at,
        };
        store::connections::record_health(&mut *tx, id, &health)
            .await
            .map_err(vault.io_err())?;
    }
    tx.commit().await.map_err(vault.io_err())
}

/// `connections test ID`: probes one connection now and records it.
pub async fn test(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    catalog: &Catalog,
    id: &str,
) -> Result<ConnectionView, VaultError> {
    probe_all(vault, unlocked, http, catalog, Some(id)).await?;
    connections::get(vault, id).await
}

/// `health --check`: probes every connection and records them; returns the updated list.
pub async fn sweep(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    catalog: &Catalog,
) -> Result<Vec<ConnectionView>, VaultError> {
    probe_all(vault, unlocked, http, catalog, None).await?;
    connections::list(vault).await
}
