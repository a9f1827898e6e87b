//! Refreshing an OAuth connection's access token, one refresh at a time per connection across
//! every Keyport process (DESIGN.md section 6, THREATS.md row 11). Many providers accept a
//! refresh token once: a process claims the refresh with a lease row in the vault, re-reads the
//! latest token set after the claim, and stores the new tokens (a rotated refresh token with
//! its access token) in the same transaction that clears the lease. A process that waited while
//! another refreshed uses that result instead of refreshing again.

use super::app;
use super::dead_grant::dead_grant;
use super::error::provider_words;
use super::flow::{client, spec, token_error, CUSTOM_SCHEME_REDIRECT};
use super::tokens::{self, TokenSet};
use super::OAuthError;
use crate::catalog::Catalog;
use crate::connections;
use crate::http::Http;
use crate::store::{self, connections::SealedRow};
use crate::vault::{now, Unlocked, Vault};
use keyport_model::{ConnectionType, ConnectionView, Connector};
use oauth2::RefreshToken;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const SEALED_KIND: &str = "connection";
/// Longer than the HTTP client's 30-second timeout: a lease outlives its refresh unless its
/// owner died, and then it lapses.
const LEASE_S: i64 = 60;
const WAIT_LIMIT: Duration = Duration::from_secs(75);

async fn read_row(vault: &Vault, id: &str) -> Result<SealedRow, OAuthError> {
    Ok(store::connections::sealed(vault.pool(), id)
        .await
        .map_err(vault.io_err())?
        .ok_or_else(|| crate::vault::VaultError::ConnectionNotFound(id.to_owned()))?)
}

/// Claims the refresh of `id` for `owner`, waiting while another process holds it. Returns
/// whether the token set changed while this process waited.
async fn claim(vault: &Vault, id: &str, owner: &str, seen: &str) -> Result<bool, OAuthError> {
    let started = Instant::now();
    loop {
        let claimed = store::connections::claim_refresh(vault.pool(), id, owner, LEASE_S)
            .await
            .map_err(vault.io_err())?;
        if claimed == 1 {
            let now_at = read_row(vault, id).await?.updated_at;
            return Ok(now_at != seen);
        }
        if started.elapsed() > WAIT_LIMIT {
            return Err(OAuthError::Unavailable {
                connector: "the vault".into(),
                detail: "another Keyport process is still refreshing this connection".into(),
                retry_after: Some(LEASE_S as u64),
            });
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn release(vault: &Vault, id: &str, owner: &str) {
    let _ = store::connections::release_refresh(vault.pool(), id, owner).await;
}

/// Refreshes connection `id` now (unless another process just did), and returns its view.
pub async fn refresh(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    catalog: &Catalog,
    id: &str,
) -> Result<ConnectionView, OAuthError> {
    refresh_unless_changed(vault, unlocked, http, catalog, id, None).await
}

/// As `refresh`, for a caller that decided to refresh from the connection as it was when it
/// last changed at `seen` (its `updated_at`): a change since then is another process's refresh,
/// whose tokens are used. So callers that all saw the same expired token (a burst of hand-offs
/// after a laptop wakes) refresh it once, even those that look after the first one finished.
pub async fn refresh_unless_changed(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    catalog: &Catalog,
    id: &str,
    seen: Option<&str>,
) -> Result<ConnectionView, OAuthError> {
    let before = read_row(vault, id).await?;
    if before.connection_type != ConnectionType::Oauth2.id() {
        return Err(OAuthError::NoTokens);
    }
    let connector = catalog
        .get(&before.connector_id)
        .map_err(|_| OAuthError::ConnectorGone(before.connector_id.clone()))?;
    let owner = uuid::Uuid::new_v4().to_string();
    if claim(vault, id, &owner, seen.unwrap_or(&before.updated_at)).await? {
        // Another process refreshed while this one waited: its tokens are the fresh ones.
        release(vault, id, &owner).await;
        return Ok(connections::get(vault, id).await?);
    }
    let result = refresh_claimed(vault, unlocked, http, connector, id, &owner).await;
    release(vault, id, &owner).await;
    result
}

async fn refresh_claimed(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    connector: &Connector,
    id: &str,
    owner: &str,
) -> Result<ConnectionView, OAuthError> {
    let spec = spec(connector)?;
    // The latest token set, read after the claim: never a refresh token another process spent.
    let row = read_row(vault, id).await?;
    let opened = unlocked.open(SEALED_KIND, id, &row.secret)?;
    let current = TokenSet::from_bytes(opened.expose_to_caller(), &connector.name)?;
    let Some(refresh_token) = &current.refresh_token else {
        return Err(OAuthError::NoRefreshToken(connector.name.clone()));
    };
    let mut values: BTreeMap<String, String> =
        serde_json::from_str(&row.metadata).unwrap_or_default();
    let app = app::get(vault, unlocked, connector).await?;
    let client = client(spec, &app, &values, CUSTOM_SCHEME_REDIRECT)?;
    let http = http.for_connector(connector);
    let answer = client
        .exchange_refresh_token(&RefreshToken::new(
            refresh_token.expose_for_refresh().to_owned(),
        ))
        .request_async(&http)
        .await;
    let response = match answer {
        Ok(response) => response,
        Err(err) => {
            let err = token_error(err, connector);
            record_failure(vault, id, &connector.id, &err).await?;
            return Err(match err {
                OAuthError::Provider {
                    error, description, ..
                } if dead_grant(&connector.id, &error, description.as_deref()).is_some() => {
                    OAuthError::GrantRevoked {
                        connector: connector.name.clone(),
                        error,
                    }
                }
                other => other,
            });
        }
    };
    let grant = tokens::read(&response, spec, Some(refresh_token)).map_err(|what| {
        OAuthError::BadResponse {
            connector: connector.name.clone(),
            what,
        }
    })?;
    values.extend(grant.metadata.clone());
    let sealed = unlocked.seal(SEALED_KIND, id, &grant.tokens.to_bytes())?;
    let mut tx = vault.write().await?;
    unlocked.check_current(&mut tx, vault).await?;
    let at = now();
    let stored = store::connections::store_refreshed(
        &mut *tx,
        &store::connections::Refreshed {
            id,
            owner,
            sealed: &sealed,
            key_version: unlocked.key_version(),
            token_expires_at: grant.expires_at.as_deref(),
            metadata: &serde_json::to_string(&values).unwrap_or_else(|_| "{}".into()),
            at: &at,
        },
    )
    .await
    .map_err(vault.io_err())?;
    if stored != 1 {
        return Err(OAuthError::Unavailable {
            connector: connector.name.clone(),
            detail: "the refresh took longer than its claim".into(),
            retry_after: None,
        });
    }
    let rotated = response_rotated(&grant.tokens, refresh_token);
    crate::audit::metric(&mut tx, "refresh", &connector.id, "oauth2", None, true)
        .await
        .map_err(vault.io_err())?;
    crate::audit::append(
        &mut tx,
        "refresh",
        Some(id),
        if rotated { "refresh token rotated" } else { "" },
    )
    .await
    .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())?;
    Ok(connections::get(vault, id).await?)
}

fn response_rotated(tokens: &TokenSet, old: &tokens::RefreshToken) -> bool {
    tokens
        .refresh_token
        .as_ref()
        .map(tokens::RefreshToken::expose_for_refresh)
        != Some(old.expose_for_refresh())
}

/// Records a failed refresh: a dead grant marks the connection expired (no more retries); a
/// transient failure only counts.
async fn record_failure(
    vault: &Vault,
    id: &str,
    connector_id: &str,
    err: &OAuthError,
) -> Result<(), OAuthError> {
    let dead = matches!(err, OAuthError::Provider { error, description, .. }
        if dead_grant(connector_id, error, description.as_deref()).is_some());
    let mut tx = vault.write().await?;
    store::connections::record_refresh_failure(
        &mut *tx,
        id,
        &provider_words(&err.to_string()),
        dead,
        &now(),
    )
    .await
    .map_err(vault.io_err())?;
    crate::audit::metric(&mut tx, "refresh", connector_id, "oauth2", None, false)
        .await
        .map_err(vault.io_err())?;
    let detail = format!("failed: {}", err.code());
    crate::audit::append(&mut tx, "refresh", Some(id), &detail)
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())?;
    Ok(())
}
