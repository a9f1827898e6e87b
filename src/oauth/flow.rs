//! Starting a sign-in and completing it from its redirect (DESIGN.md section 2). A pending flow
//! lives in the vault: the state's hash (never the state), the sealed PKCE verifier, the
//! connector, its settings and the redirect URI it was started with, a 10-minute expiry, and
//! the moment it was used. Completing claims the flow before the code is exchanged, so two
//! deliveries of one callback cannot both spend it.

use super::app::{self, OAuthApp};
use super::error::provider_words;
use super::loopback::{Loopback, Port};
use super::reconnect::Target;
use super::signature;
use super::tokens::{self, Client, Grant};
use super::{Callback, CallbackResult, OAuthError};
use crate::catalog::{config_values, fill, Catalog};
use crate::check::{self, CheckError};
use crate::connections::{self, Learned, NewConnection};
use crate::http::{Http, TransportError};
use crate::store;
use crate::vault::{now, SecretValue, Unlocked, Vault};
use keyport_model::{
    ClientAuth, ConnectionType, ConnectionView, Connector, OAuth2Spec, Pkce, RedirectKind,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, TokenUrl,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::time::Duration;
use zeroize::Zeroizing;

const SEALED_KIND: &str = "oauth_flow";
pub const FLOW_LIFETIME: Duration = Duration::from_secs(keyport_model::OAUTH_FLOW_SECONDS);
pub const CUSTOM_SCHEME_REDIRECT: &str = "keyport://oauth/callback";

/// A started sign-in: the address to open in the browser, and for a loopback redirect the
/// listener to wait on.
pub struct Started {
    /// The hash of the state: names the flow (to cancel it) without being able to complete it.
    pub flow_id: String,
    pub connector_id: String,
    pub authorization_url: String,
    pub redirect: RedirectKind,
    pub loopback: Option<Loopback>,
}

pub fn spec(connector: &Connector) -> Result<&OAuth2Spec, OAuthError> {
    connector
        .oauth2
        .as_ref()
        .ok_or_else(|| OAuthError::NotOAuth(connector.name.clone()))
}

pub(super) fn state_hash(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

fn render(
    text: &str,
    values: &BTreeMap<String, String>,
    what: &'static str,
) -> Result<String, OAuthError> {
    fill(text, |name| values.get(name).cloned()).ok_or(OAuthError::EndpointSetting(what))
}

/// The `oauth2` client for one connector, app, redirect and set of settings.
pub fn client(
    spec: &OAuth2Spec,
    app: &OAuthApp,
    values: &BTreeMap<String, String>,
    redirect_uri: &str,
) -> Result<Client, OAuthError> {
    let bad = OAuthError::EndpointUrl;
    let mut client = oauth2::Client::new(ClientId::new(app.client_id.clone()))
        .set_auth_uri(
            AuthUrl::new(render(
                &spec.authorization_url,
                values,
                "authorization URL",
            )?)
            .map_err(|_| bad("authorization URL"))?,
        )
        .set_token_uri(
            TokenUrl::new(render(&spec.token_url, values, "token URL")?)
                .map_err(|_| bad("token URL"))?,
        )
        .set_redirect_uri(RedirectUrl::new(redirect_uri.to_owned()).map_err(|_| bad("redirect"))?)
        .set_auth_type(match spec.client_auth {
            ClientAuth::Basic => AuthType::BasicAuth,
            ClientAuth::Post | ClientAuth::None => AuthType::RequestBody,
        });
    if spec.client_auth != ClientAuth::None {
        if let Some(secret) = &app.client_secret {
            let text = String::from_utf8(secret.expose_to_caller().to_vec()).map_err(|_| {
                OAuthError::NotText {
                    what: "client secret",
                    field: Some("client_secret"),
                }
            })?;
            client = client.set_client_secret(ClientSecret::new(text));
        }
    }
    Ok(client)
}

/// What a sign-in is for.
pub enum Purpose<'a> {
    /// A new connection, named `name` (the connector's name when none).
    Connect { name: Option<&'a str> },
    /// New tokens for an existing connection (`super::reconnect`).
    Reconnect(Target),
}

/// Starts a sign-in for `connector` with `config`, choosing the first redirect kind the
/// service accepts that this caller can serve (`redirects`, best first).
pub async fn begin(
    vault: &Vault,
    unlocked: &Unlocked,
    connector: &Connector,
    config: &BTreeMap<String, String>,
    purpose: Purpose<'_>,
    redirects: &[RedirectKind],
) -> Result<Started, OAuthError> {
    let spec = spec(connector)?;
    let (name, target) = match purpose {
        Purpose::Connect { name } => (name.map(crate::connections::clean_name).transpose()?, None),
        Purpose::Reconnect(target) => (None, Some(target)),
    };
    let values = config_values(connector, ConnectionType::Oauth2, config)?;
    let app = app::get(vault, unlocked, connector).await?;
    let redirect = spec
        .redirect
        .iter()
        .copied()
        .find(|k| redirects.contains(k))
        .ok_or_else(|| OAuthError::NoRedirect(connector.name.clone()))?;
    let (port, redirect_uri) = match redirect {
        RedirectKind::Loopback => {
            let port = Port::bind().await?;
            let uri = port.redirect_uri();
            (Some(port), uri)
        }
        RedirectKind::CustomScheme => (None, CUSTOM_SCHEME_REDIRECT.to_owned()),
        RedirectKind::Https => {
            let uri = app
                .redirect_uri
                .clone()
                .ok_or_else(|| OAuthError::NeedsHttpsRedirect {
                    name: connector.name.clone(),
                    id: connector.id.clone(),
                })?;
            (None, uri)
        }
    };
    let client = client(spec, &app, &values, &redirect_uri)?;

    // 256 random bits: THREATS.md row 4 asks for at least 128.
    let mut request = client.authorize_url(|| CsrfToken::new_random_len(32));
    if spec.scope_separator == " " {
        request = request.add_scopes(spec.scopes.iter().cloned().map(Scope::new));
    } else if !spec.scopes.is_empty() {
        request = request.add_extra_param("scope", spec.scopes.join(&spec.scope_separator));
    }
    // `{nonce}` is a fresh random value per sign-in (DATEV requires an OpenID nonce).
    let mut with_nonce = values.clone();
    with_nonce.insert(
        "nonce".to_owned(),
        CsrfToken::new_random_len(32).secret().clone(),
    );
    for (name, value) in &spec.extra_authorization_params {
        request = request.add_extra_param(
            name.as_str(),
            render(value, &with_nonce, "sign-in address")?,
        );
    }
    // Preselects the account being reconnected where the provider takes a hint; one the
    // catalog already fixes is left alone.
    if let Some(hint) = target.as_ref().and_then(|t| t.login_hint.as_deref()) {
        if !spec.extra_authorization_params.contains_key("login_hint") {
            request = request.add_extra_param("login_hint", hint);
        }
    }
    let verifier = if spec.pkce == Pkce::Unsupported {
        None
    } else {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        request = request.set_pkce_challenge(challenge);
        Some(verifier)
    };
    let (url, state) = request.url();

    let hash = state_hash(state.secret());
    let sealed = unlocked.seal(
        SEALED_KIND,
        &hash,
        verifier
            .as_ref()
            .map(|v| v.secret().as_bytes())
            .unwrap_or_default(),
    )?;
    let expires = time::OffsetDateTime::now_utc() + FLOW_LIFETIME;
    let mut tx = vault.write().await?;
    unlocked.check_current(&mut tx, vault).await?;
    store::flows::prune(&mut *tx)
        .await
        .map_err(vault.io_err())?;
    store::flows::insert(
        &mut *tx,
        &store::flows::NewFlow {
            state_hash: &hash,
            connector_id: &connector.id,
            config: &serde_json::to_string(&values).unwrap_or_else(|_| "{}".into()),
            verifier: &sealed,
            key_version: unlocked.key_version(),
            redirect_uri: &redirect_uri,
            created_at: &now(),
            expires_at: &expires
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            name: name.as_deref(),
            reconnects: target.as_ref().map(|t| t.id.as_str()),
        },
    )
    .await
    .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())?;
    Ok(Started {
        loopback: port.map(|port| port.expecting(hash.clone())),
        flow_id: hash,
        connector_id: connector.id.clone(),
        authorization_url: url.to_string(),
        redirect,
    })
}

/// A pending flow, claimed: no other delivery of its callback can use it now.
struct Claimed {
    hash: String,
    name: Option<String>,
    /// Seconds since the flow started.
    age: f64,
    connector_id: String,
    config: BTreeMap<String, String>,
    verifier: Vec<u8>,
    redirect_uri: String,
    reconnects: Option<String>,
}

/// Finds the flow `callback` belongs to, refusing unknown, used, expired and mis-delivered
/// ones. Needs no key, so a locked app can still say whether a callback is its own.
pub async fn pending(vault: &Vault, callback: &Callback) -> Result<(), OAuthError> {
    find(vault, callback).await.map(|_| ())
}

async fn find(vault: &Vault, callback: &Callback) -> Result<Claimed, OAuthError> {
    let hash = state_hash(&callback.state);
    let row = store::flows::find(vault.pool(), &hash)
        .await
        .map_err(vault.io_err())?;
    let Some(store::flows::Flow {
        connector_id,
        config,
        verifier,
        redirect_uri,
        used_at,
        expired,
        name,
        age,
        reconnects,
    }) = row
    else {
        return Err(OAuthError::StateUnknown);
    };
    if used_at.is_some() {
        return Err(OAuthError::StateUsed);
    }
    if expired {
        return Err(OAuthError::StateExpired);
    }
    if callback.redirect_uri != redirect_uri {
        return Err(OAuthError::RedirectMismatch);
    }
    Ok(Claimed {
        hash,
        name,
        age,
        connector_id,
        config: serde_json::from_str(&config).unwrap_or_default(),
        verifier,
        redirect_uri,
        reconnects,
    })
}

/// Marks a found flow used: no other delivery of its callback can use it now.
async fn claim(vault: &Vault, found: Claimed) -> Result<Claimed, OAuthError> {
    let claimed = store::flows::mark_used(vault.pool(), &found.hash, &now())
        .await
        .map_err(vault.io_err())?;
    if claimed != 1 {
        return Err(OAuthError::StateUsed);
    }
    Ok(found)
}

/// The id of the flow a callback address belongs to (the hash of its state), for a shell that
/// must tell which waiting dialog a link answers; `None` for an unreadable address.
pub fn flow_id_of(url: &str) -> Option<String> {
    super::parse_callback(url)
        .ok()
        .map(|c| state_hash(&c.state))
}

/// Whether a flow is still waiting for its callback: started, neither used nor cancelled, and
/// within its lifetime.
pub async fn waiting(vault: &Vault, flow_id: &str) -> Result<bool, OAuthError> {
    let waiting = store::flows::waiting(vault.pool(), flow_id)
        .await
        .map_err(vault.io_err())?;
    Ok(waiting.unwrap_or(false))
}

/// Cancels a waiting sign-in: a callback that arrives later is refused as used.
pub async fn cancel(vault: &Vault, flow_id: &str) -> Result<(), OAuthError> {
    store::flows::mark_used(vault.pool(), flow_id, &now())
        .await
        .map_err(vault.io_err())?;
    Ok(())
}

/// What a provider's error words mean when they come back from an exchange or a refresh.
pub fn token_error(
    err: RequestTokenError<TransportError, oauth2::basic::BasicErrorResponse>,
    connector: &Connector,
) -> OAuthError {
    match err {
        RequestTokenError::ServerResponse(e) => OAuthError::Provider {
            connector: connector.name.clone(),
            error: provider_words(e.error().as_ref()),
            description: e.error_description().map(|d| provider_words(d)),
        },
        RequestTokenError::Request(t) => OAuthError::transport(t, &connector.name),
        RequestTokenError::Parse(..) | RequestTokenError::Other(_) => OAuthError::BadResponse {
            connector: connector.name.clone(),
            what: "a token response".into(),
        },
    }
}

/// Completes a sign-in from the URL its redirect came to: exchange, check, store.
pub async fn complete(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    catalog: &Catalog,
    callback: &Callback,
) -> Result<ConnectionView, OAuthError> {
    let found = find(vault, callback).await?;
    let connector = catalog
        .get(&found.connector_id)
        .map_err(|_| OAuthError::ConnectorGone(found.connector_id.clone()))?;
    let spec = spec(connector)?;
    let app = app::get(vault, unlocked, connector).await?;
    // A forged or altered redirect is refused before it can use up the real one's flow.
    signature::check(spec, &app, callback, &found.config, connector)?;
    let claimed = claim(vault, found).await?;
    let code = match &callback.result {
        CallbackResult::Code(code) => code,
        CallbackResult::Error { error, .. } if error == "access_denied" => {
            return Err(OAuthError::Denied(connector.name.clone()))
        }
        CallbackResult::Error { error, description } => {
            return Err(OAuthError::Provider {
                connector: connector.name.clone(),
                error: provider_words(error),
                description: description.as_deref().map(provider_words),
            })
        }
    };
    let verifier = unlocked.open(SEALED_KIND, &claimed.hash, &claimed.verifier)?;
    let client = client(spec, &app, &claimed.config, &claimed.redirect_uri)?;
    let http = http.for_connector(connector);
    let mut exchange = client.exchange_code(AuthorizationCode::new(code.clone()));
    if !verifier.expose_to_caller().is_empty() {
        let text = String::from_utf8(verifier.expose_to_caller().to_vec()).map_err(|_| {
            OAuthError::NotText {
                what: "stored verifier",
                field: None,
            }
        })?;
        exchange = exchange.set_pkce_verifier(PkceCodeVerifier::new(text));
    }
    for (name, value) in &spec.extra_token_params {
        exchange = exchange.add_extra_param(name.as_str(), value.as_str());
    }
    // From here the state is spent: a failure cannot be retried with the same callback.
    let spent = |e: OAuthError| e.spent(&connector.id);
    let response = exchange
        .request_async(&http)
        .await
        .map_err(|e| spent(token_error(e, connector)))?;
    let mut grant = tokens::read(&response, spec, None).map_err(|what| {
        spent(OAuthError::BadResponse {
            connector: connector.name.clone(),
            what,
        })
    })?;
    for (key, param) in &spec.callback_metadata {
        if let Some((_, value)) = callback.extra.iter().find(|(k, _)| k == param) {
            grant.metadata.insert(key.clone(), provider_words(value));
        }
    }
    verify(&http, connector, spec, &claimed.config, &mut grant)
        .await
        .map_err(spent)?;
    let scopes = grant.scopes.take().unwrap_or_else(|| spec.scopes.clone());
    let secret = SecretValue::new(grant.tokens.to_bytes().to_vec());
    let learned = Learned {
        seconds_to_connect: Some(claimed.age),
        scopes,
        token_expires_at: grant.expires_at.take(),
        metadata: std::mem::take(&mut grant.metadata),
    };
    let verified = spec.check.is_some();
    let view = match &claimed.reconnects {
        Some(id) => connections::renew(vault, unlocked, id, connector, secret, learned, verified)
            .await
            .map_err(|e| match e {
                crate::vault::VaultError::ConnectionNotFound(_) => OAuthError::ReconnectGone,
                other => other.into(),
            })?,
        None => {
            connections::insert(
                vault,
                unlocked,
                NewConnection {
                    connector,
                    connection_type: ConnectionType::Oauth2,
                    name: claimed.name.clone(),
                    config: claimed.config.clone(),
                    username: None,
                    secret,
                    verified,
                    learned: Some(learned),
                },
            )
            .await?
        }
    };
    Ok(view)
}

fn check_error(connector: &Connector, err: CheckError) -> OAuthError {
    let failed = |detail: String| OAuthError::CheckFailed {
        connector: connector.name.clone(),
        detail,
    };
    match err {
        CheckError::Refused(status) => failed(format!("HTTP {status}")),
        CheckError::Template(what) => failed(what.to_string()),
        CheckError::Unreadable => failed("an answer that is not the documented JSON".into()),
        CheckError::Unavailable {
            detail,
            retry_after,
        } => OAuthError::Unavailable {
            connector: connector.name.clone(),
            detail,
            retry_after,
        },
    }
}

/// Runs the connector's post-connect lookups (their answers join the metadata), then its
/// check call, with the new access token; settings and what the sign-in learned fill the
/// placeholders.
pub async fn verify(
    http: &Http,
    connector: &Connector,
    spec: &OAuth2Spec,
    config: &BTreeMap<String, String>,
    grant: &mut Grant,
) -> Result<(), OAuthError> {
    let token = Zeroizing::new(grant.tokens.access_token.expose_for_bearer().to_owned());
    let values = |grant: &Grant| {
        let mut values = config.clone();
        values.extend(grant.metadata.clone());
        values
    };
    for lookup in &spec.post_connect {
        let answer = check::lookup(http, lookup, &values(grant), &token)
            .await
            .map_err(|e| check_error(connector, e))?;
        for (key, pointer) in &lookup.metadata {
            let value = match answer.pointer(pointer) {
                Some(serde_json::Value::String(s)) => provider_words(s),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => {
                    return Err(OAuthError::CheckFailed {
                        connector: connector.name.clone(),
                        detail: format!(
                            "its answer to {} has no `{pointer}`; the account may have no site or organisation connected",
                            lookup.url
                        ),
                    })
                }
            };
            grant.metadata.insert(key.clone(), value);
        }
    }
    let Some(check) = &spec.check else {
        return Ok(());
    };
    check::bearer(http, check, &values(grant), &token)
        .await
        .map_err(|e| check_error(connector, e))
}
