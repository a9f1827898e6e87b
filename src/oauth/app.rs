//! The OAuth app a person registered with a service: its client ID (not secret) and, for
//! confidential clients, its client secret, sealed to the app's row. The environment
//! (`KEYPORT_<CONNECTOR>_CLIENT_ID` / `_CLIENT_SECRET`) overrides what is stored.

use super::OAuthError;
use crate::manager::{usable_value, SecretShape};
use crate::store;
use crate::vault::{now, SecretValue, Unlocked, Vault};
use keyport_model::{Connector, OAuthAppView, RedirectKind};

const SEALED_KIND: &str = "oauth_app";
const MAX_CLIENT_ID: usize = 512;

pub struct OAuthApp {
    pub client_id: String,
    pub client_secret: Option<SecretValue>,
    /// The https redirect registered with a service that accepts nothing else.
    pub redirect_uri: Option<String>,
}

/// An https redirect URL as a person registers it: https, a host, no query or fragment.
fn check_redirect(text: &str) -> Result<String, OAuthError> {
    let bad = || OAuthError::RedirectUrl {
        given: super::error::provider_words(text),
    };
    let url = url::Url::parse(text.trim()).map_err(|_| bad())?;
    if url.scheme() != "https"
        || url.host_str().is_none()
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
    {
        return Err(bad());
    }
    Ok(url.to_string())
}

pub use keyport_model::oauth_app_env_prefix as env_prefix;

fn check_client_id(client_id: &str) -> Result<(), OAuthError> {
    if client_id.is_empty()
        || client_id.len() > MAX_CLIENT_ID
        || client_id
            .chars()
            .any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(OAuthError::ClientId { max: MAX_CLIENT_ID });
    }
    Ok(())
}

pub async fn set(
    vault: &Vault,
    unlocked: &Unlocked,
    connector: &Connector,
    client_id: &str,
    client_secret: Option<SecretValue>,
    redirect_uri: Option<&str>,
) -> Result<(), OAuthError> {
    if connector.oauth2.is_none() {
        return Err(OAuthError::NotOAuth(connector.name.clone()));
    }
    check_client_id(client_id)?;
    let redirect_uri = redirect_uri.map(check_redirect).transpose()?;
    let client_secret = client_secret
        .map(|s| usable_value(s, SecretShape::OneLine, "client_secret", "client secret"))
        .transpose()?;
    let sealed = match &client_secret {
        Some(s) => Some(unlocked.seal(SEALED_KIND, &connector.id, s.expose_to_caller())?),
        None => None,
    };
    let mut tx = vault.write().await?;
    unlocked.check_current(&mut tx, vault).await?;
    store::oauth_apps::upsert(
        &mut *tx,
        &store::oauth_apps::NewApp {
            connector_id: &connector.id,
            client_id,
            sealed_secret: sealed.as_deref(),
            key_version: unlocked.key_version(),
            at: &now(),
            redirect_uri: redirect_uri.as_deref(),
        },
    )
    .await
    .map_err(vault.io_err())?;
    let detail = format!(
        "{}{}",
        connector.id,
        if client_secret.is_some() {
            " with a client secret"
        } else {
            ""
        }
    );
    crate::audit::append(&mut tx, "oauth_app_set", None, &detail)
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())?;
    Ok(())
}

/// The app for `connector`: the environment first, then the vault.
pub async fn get(
    vault: &Vault,
    unlocked: &Unlocked,
    connector: &Connector,
) -> Result<OAuthApp, OAuthError> {
    let prefix = env_prefix(&connector.id);
    let secret_var = format!("{prefix}_CLIENT_SECRET");
    let env_secret = std::env::var_os(&secret_var)
        .filter(|s| !s.is_empty())
        .map(|s| {
            usable_value(
                SecretValue::new(s.into_encoded_bytes()),
                SecretShape::OneLine,
                "client_secret",
                &format!("client secret in {secret_var}"),
            )
        })
        .transpose()?;
    let env_redirect = std::env::var(format!("{prefix}_REDIRECT_URI"))
        .ok()
        .map(|r| check_redirect(&r))
        .transpose()?;
    if let Ok(client_id) = std::env::var(format!("{prefix}_CLIENT_ID")) {
        check_client_id(&client_id)?;
        return Ok(OAuthApp {
            client_id,
            client_secret: env_secret,
            redirect_uri: env_redirect,
        });
    }
    let row = store::oauth_apps::get(vault.pool(), &connector.id)
        .await
        .map_err(vault.io_err())?;
    let Some((client_id, sealed, redirect_uri)) = row else {
        return Err(OAuthError::NoApp {
            id: connector.id.clone(),
            name: connector.name.clone(),
            env: prefix.trim_start_matches("KEYPORT_").to_owned(),
        });
    };
    let client_secret = match (env_secret, sealed) {
        (Some(s), _) => Some(s),
        (None, Some(sealed)) => Some(unlocked.open(SEALED_KIND, &connector.id, &sealed)?),
        (None, None) => None,
    };
    Ok(OAuthApp {
        client_id,
        client_secret,
        redirect_uri: env_redirect.or(redirect_uri),
    })
}

/// What the UI shows in a connector's OAuth app form; needs no key.
pub async fn view(vault: &Vault, connector: &Connector) -> Result<OAuthAppView, OAuthError> {
    let spec = super::flow::spec(connector)?;
    let prefix = env_prefix(&connector.id);
    let env_id = std::env::var(format!("{prefix}_CLIENT_ID")).ok();
    let stored = store::oauth_apps::describe(vault.pool(), &connector.id)
        .await
        .map_err(vault.io_err())?;
    let redirect_uris = spec
        .redirect
        .iter()
        .filter_map(|kind| match kind {
            RedirectKind::CustomScheme => Some(super::flow::CUSTOM_SCHEME_REDIRECT.to_owned()),
            // RFC 8252 section 7.3: the port is chosen per sign-in; services match loopback
            // redirects without it.
            RedirectKind::Loopback => Some("http://127.0.0.1/oauth/callback".to_owned()),
            RedirectKind::Https => std::env::var(format!("{prefix}_REDIRECT_URI"))
                .ok()
                .or_else(|| stored.as_ref().and_then(|(_, _, r)| r.clone())),
        })
        .collect();
    Ok(OAuthAppView {
        connector_id: connector.id.clone(),
        from_environment: env_id.is_some(),
        has_client_secret: std::env::var_os(format!("{prefix}_CLIENT_SECRET")).is_some()
            || stored.as_ref().is_some_and(|(_, s, _)| *s),
        client_id: env_id.or(stored.map(|(id, _, _)| id)),
        redirect_uris,
    })
}
