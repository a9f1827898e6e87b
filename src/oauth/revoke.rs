//! Revoking an OAuth connection's grant at the provider before it is deleted: RFC 7009 (a form
//! POST of the refresh token when there is one, since revoking it ends its access tokens too)
//! or the service's own way, as its catalog entry names it.

use super::app;
use super::flow::spec;
use super::tokens::{RefreshToken, TokenSet};
use super::OAuthError;
use crate::catalog::Catalog;
use crate::http::{read_limited, Http};
use crate::vault::{Unlocked, Vault, VaultError};
use keyport_model::{ClientAuth, ConnectionType, Revocation};
use reqwest::Method;
use std::collections::BTreeMap;

/// What happened at the provider.
#[derive(Debug, PartialEq, Eq)]
pub enum Revoked {
    /// The provider confirmed.
    Done,
    /// Not an OAuth connection, or the service has no revocation endpoint.
    NotApplicable,
}

pub async fn revoke(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    catalog: &Catalog,
    id: &str,
) -> Result<Revoked, OAuthError> {
    let row = crate::store::connections::sealed(vault.pool(), id)
        .await
        .map_err(vault.io_err())?
        .ok_or_else(|| VaultError::ConnectionNotFound(id.to_owned()))?;
    if row.connection_type != ConnectionType::Oauth2.id() {
        return Ok(Revoked::NotApplicable);
    }
    let Ok(connector) = catalog.get(&row.connector_id) else {
        return Ok(Revoked::NotApplicable);
    };
    let spec = spec(connector)?;
    let Some(url) = &spec.revocation_url else {
        return Ok(Revoked::NotApplicable);
    };
    let values: BTreeMap<String, String> = serde_json::from_str(&row.metadata).unwrap_or_default();
    let http = http.for_connector(connector);
    let url = http.url(url, &values)?;
    let opened = unlocked.open("connection", id, &row.secret)?;
    let tokens = TokenSet::from_bytes(opened.expose_to_caller(), &connector.name)?;
    let (token, hint) = match &tokens.refresh_token {
        Some(refresh) => (refresh.expose_for_refresh(), "refresh_token"),
        None => (tokens.access_token.expose_for_bearer(), "access_token"),
    };
    let app = app::get(vault, unlocked, connector).await?;
    let secret = app
        .client_secret
        .as_ref()
        .and_then(|s| std::str::from_utf8(s.expose_to_caller()).ok());
    let request = match spec.revocation {
        Revocation::Rfc7009 => {
            let mut form = vec![("token", token), ("token_type_hint", hint)];
            let mut request = http.request(Method::POST, &url);
            match (spec.client_auth, secret) {
                (ClientAuth::Basic, Some(secret)) => {
                    request = request.basic_auth(&app.client_id, Some(secret));
                }
                (ClientAuth::Post, Some(secret)) => {
                    form.push(("client_id", app.client_id.as_str()));
                    form.push(("client_secret", secret));
                }
                _ => form.push(("client_id", app.client_id.as_str())),
            }
            request.form(&form)
        }
        Revocation::DeleteRefreshTokenPath => {
            let refresh = tokens
                .refresh_token
                .as_ref()
                .map(RefreshToken::expose_for_refresh)
                .ok_or_else(|| OAuthError::NoRefreshToken(connector.name.clone()))?;
            http.request(Method::DELETE, &url.with_segments([refresh]))
        }
        Revocation::DeleteGrantBasicJson => http
            .request(
                Method::DELETE,
                &url.with_segments([app.client_id.as_str(), "grant"]),
            )
            .basic_auth(&app.client_id, secret)
            .json(&BTreeMap::from([(
                "access_token",
                tokens.access_token.expose_for_bearer(),
            )])),
        Revocation::Deauthorize => {
            let account = values
                .get("stripe_user_id")
                .ok_or(OAuthError::AccountNotKept)?;
            http.request(Method::POST, &url)
                .bearer_auth(secret.unwrap_or_default())
                .form(&[
                    ("client_id", app.client_id.as_str()),
                    ("stripe_user_id", account),
                ])
        }
    };
    let response = request.send().await.map_err(|_| OAuthError::Unavailable {
        connector: connector.name.clone(),
        detail: "could not connect".into(),
        retry_after: None,
    })?;
    let status = response.status();
    let _ = read_limited(response).await;
    if status.is_success() {
        Ok(Revoked::Done)
    } else {
        Err(OAuthError::Provider {
            connector: connector.name.clone(),
            error: format!("revocation answered HTTP {}", status.as_u16()),
            description: None,
        })
    }
}
