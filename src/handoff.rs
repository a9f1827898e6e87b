//! Handing a connection's credential to the program that asks for it (issue 14): `keyport
//! token`, the git and AWS helpers and `exec` all draw through here (`Session::hand_off`), so
//! each gets a fresh credential (an access token near expiry is refreshed first, through the
//! single-flight refresh), each hand-off is an audit event naming the connection and the asker,
//! and none gets what could mint credentials of its own: never a refresh token, an OAuth client
//! secret or a key slot's secret.

pub mod ask;
mod asker;
mod credential;
mod env;
pub mod git;

pub use asker::{find_program, Asker};
pub use credential::{Credential, Handed};
pub use env::{environment, is_variable_name, EnvEntry, EnvOverride, EnvSpecError, Environment};

use crate::catalog::{Catalog, CatalogError};
use crate::connections;
use crate::http::{ClientError, Http};
use crate::oauth::{self, OAuthError, TokenSet};
use crate::service_account::AwsKeys;
use crate::store;
use crate::vault::{now, Unlocked, Vault, VaultError};
use keyport_model::{
    ConnectionStatus, ConnectionType, ConnectionView, Connector, ErrorCode, ServiceAccountFormat,
};

const SEALED_KIND: &str = "connection";

/// A credential handed out, with the connection it came from (no secret in the view).
#[derive(Debug)]
pub struct HandOff {
    pub connection: ConnectionView,
    /// The connection's connector, as the catalog describes it.
    pub connector: Connector,
    pub credential: Credential,
}

impl HandOff {
    /// When the handed access token expires (RFC 3339); `None` for credentials that do not.
    pub fn expires_at(&self) -> Option<&str> {
        match self.credential {
            Credential::AccessToken(_) => self.connection.token_expires_at.as_deref(),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HandOffError {
    #[error("{name} needs reconnecting ({why}); connect it again with `keyport connect {connector} …`, then try again")]
    NeedsReconnect {
        name: String,
        connector: String,
        why: &'static str,
    },
    #[error("{name} is a {kind} connection; Keyport hands out no credential for it yet")]
    NotHanded { name: String, kind: String },
    #[error("{connector} does not take its {what} in an HTTP header")]
    NoHeader {
        connector: String,
        what: &'static str,
    },
    /// A credential that is not one token (a login, AWS keys), with where to get it instead.
    #[error("{0}")]
    NotOne(&'static str),
    #[error("{name} holds no AWS keys; aws-credential-process hands out AWS connections only")]
    NotAws { name: String },
    #[error("{name} gives no environment variables: its connector ({connector}) declares none; name them with --env NAME=ID[.field]")]
    NoVariables { name: String, connector: String },
    #[error(
        "{variable} would be set by both {first} and {second}; choose with --env {variable}=ID"
    )]
    VariableTwice {
        variable: String,
        first: String,
        second: String,
    },
    #[error(
        "--env {variable}: {name} holds a {what}, more than one value; name the field (ID.field)"
    )]
    NameAField {
        variable: String,
        name: String,
        what: &'static str,
    },
    #[error("--env {variable}: {name} has no field `{field}`; it has: {fields}")]
    NoField {
        variable: String,
        name: String,
        field: String,
        fields: String,
    },
    #[error("{name} was not handed to {program}: {why}")]
    Denied {
        name: String,
        program: String,
        why: String,
    },
    #[error("{name} asks before use, and {why}; start Keyport and try again, or stop asking with `keyport connections set {id} --no-ask`")]
    NoApp {
        name: String,
        id: String,
        why: String,
    },
    #[error("that request no longer waits for an answer: the program stopped waiting")]
    AskGone,
    #[error("Keyport could not tell which program asks, so it cannot be allowed always; allow it once, or deny it")]
    AlwaysUnknown,
    #[error("git sent a credential request Keyport cannot read: {0}")]
    GitRequest(&'static str),
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Http(#[from] ClientError),
}

impl HandOffError {
    pub fn code(&self) -> ErrorCode {
        match self {
            HandOffError::NeedsReconnect { .. } => ErrorCode::HandOffNeedsReconnect,
            HandOffError::NotHanded { .. }
            | HandOffError::NoHeader { .. }
            | HandOffError::NotOne(_)
            | HandOffError::NotAws { .. } => ErrorCode::HandOffNotHanded,
            HandOffError::NoVariables { .. }
            | HandOffError::VariableTwice { .. }
            | HandOffError::NameAField { .. }
            | HandOffError::NoField { .. } => ErrorCode::ExecEnv,
            HandOffError::Denied { .. } => ErrorCode::HandOffDenied,
            HandOffError::NoApp { .. } => ErrorCode::HandOffNoApp,
            HandOffError::AskGone => ErrorCode::HandOffAskGone,
            HandOffError::AlwaysUnknown => ErrorCode::HandOffAlwaysUnknown,
            HandOffError::GitRequest(_) => ErrorCode::CredentialInvalid,
            HandOffError::OAuth(e) => e.code(),
            HandOffError::Vault(e) => e.code(),
            HandOffError::Catalog(e) => e.code(),
            HandOffError::Http(e) => e.code(),
        }
    }
}

impl crate::error::Coded for HandOffError {
    fn code(&self) -> ErrorCode {
        HandOffError::code(self)
    }
}

/// Why only a person can make a connection work again, when that is so.
fn reconnect_reason(view: &ConnectionView) -> Option<&'static str> {
    match view.status {
        ConnectionStatus::Expired => Some("its sign-in expired or was revoked at the service"),
        ConnectionStatus::Revoked => Some("its access was revoked"),
        ConnectionStatus::Invalid => Some("the service refused its credential"),
        ConnectionStatus::Pending => Some("it was never finished connecting"),
        ConnectionStatus::Active | ConnectionStatus::Error if view.needs_reconnect => {
            Some("the service refused its credential")
        }
        ConnectionStatus::Active | ConnectionStatus::Error => None,
    }
}

fn needs_reconnect(view: &ConnectionView, why: &'static str) -> HandOffError {
    HandOffError::NeedsReconnect {
        name: view.name.clone(),
        connector: view.connector_id.clone(),
        why,
    }
}

/// Whether a stored expiry (RFC 3339) has passed; an unreadable one counts as passed.
fn has_expired(expires_at: Option<&str>) -> bool {
    let Some(text) = expires_at else {
        return false;
    };
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_or(true, |at| at <= time::OffsetDateTime::now_utc())
}

/// What the asker does with the credential, checked before anything is handed out (or
/// recorded), so the audit log holds no hand-off that served nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// Variables for a program's environment (`exec`): any credential.
    Environment,
    /// One value printed (`token`, git), or with `header` an HTTP header.
    Token { header: bool },
    /// AWS keys as `credential_process` prints them.
    AwsKeys,
}

impl Wanted {
    fn check(self, connector: &Connector, view: &ConnectionView) -> Result<(), HandOffError> {
        match self {
            Wanted::Environment => Ok(()),
            Wanted::Token { header } => check_printable(connector, view, header),
            Wanted::AwsKeys if holds_aws_keys(connector, view) => Ok(()),
            Wanted::AwsKeys => Err(HandOffError::NotAws {
                name: view.name.clone(),
            }),
        }
    }
}

/// Hands connection `id`'s credential to `asker` for what it `wanted`: refreshed first when it
/// is an access token that expires within 5 minutes (or has), and recorded in the audit log. `http` is called only
/// for a refresh: building the client reads the system's CA bundle, most of a hand-off's time.
/// The catalog is read for this connection's connector alone (a tool runs this at every start).
pub async fn hand_off(
    vault: &Vault,
    unlocked: &Unlocked,
    http: impl FnOnce() -> Result<Http, ClientError>,
    id: &str,
    wanted: Wanted,
    asker: &Asker,
) -> Result<HandOff, HandOffError> {
    let mut view = connections::get(vault, id).await?;
    let catalog = Catalog::for_connectors(vault.dir(), &[&view.connector_id]);
    let connector = catalog.get(&view.connector_id)?;
    wanted.check(connector, &view)?;
    if let Some(why) = reconnect_reason(&view) {
        return Err(needs_reconnect(&view, why));
    }
    ask::permit(vault, &view, asker).await?;
    if view.connection_type == ConnectionType::Oauth2 && view.needs_refresh {
        view = fresh(vault, unlocked, &http()?, &catalog, view).await?;
    }
    let row = store::connections::sealed(vault.pool(), id)
        .await
        .map_err(vault.io_err())?
        .ok_or_else(|| VaultError::ConnectionNotFound(id.to_owned()))?;
    let opened = unlocked.open(SEALED_KIND, id, &row.secret)?;
    let credential = read(&view, connector, opened.expose_to_caller())?;
    let mut tx = vault.write().await?;
    let detail = format!("{} to {asker}", credential.what());
    crate::audit::append(&mut tx, "hand-off", Some(id), &detail)
        .await
        .map_err(vault.io_err())?;
    store::connections::mark_used(&mut *tx, id, &now())
        .await
        .map_err(vault.io_err())?;
    tx.commit().await.map_err(vault.io_err())?;
    Ok(HandOff {
        connection: view,
        connector: connector.clone(),
        credential,
    })
}

/// The connection with an access token that is not about to expire: refreshed through the
/// single-flight refresh, which uses another process's refresh when one happened since `view`
/// was read. A token that still works for its last minutes is handed out when the service
/// cannot refresh it now (busy, offline, or it gave no refresh token).
async fn fresh(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    catalog: &Catalog,
    mut view: ConnectionView,
) -> Result<ConnectionView, HandOffError> {
    // Twice at most: a change to the row that was not a refresh (a health check's outcome)
    // makes the first call take the row as refreshed by someone else.
    for _ in 0..2 {
        let refreshed = oauth::refresh_unless_changed(
            vault,
            unlocked,
            http,
            catalog,
            &view.id,
            Some(&view.updated_at),
        )
        .await;
        let expired = has_expired(view.token_expires_at.as_deref());
        view = match refreshed {
            Ok(view) => view,
            Err(OAuthError::NoRefreshToken(_)) if expired => {
                return Err(needs_reconnect(
                    &view,
                    "its access token expired and the service gave it no refresh token",
                ))
            }
            Err(OAuthError::GrantRevoked { .. }) => {
                return Err(needs_reconnect(
                    &view,
                    "the service no longer accepts its refresh token",
                ))
            }
            Err(err @ (OAuthError::NoRefreshToken(_) | OAuthError::Unavailable { .. }))
                if !expired =>
            {
                tracing::info!(connection = %view.id, code = %err.code(), "handing out a token near expiry");
                return Ok(view);
            }
            Err(err) => return Err(err.into()),
        };
        if !view.needs_refresh {
            break;
        }
    }
    if has_expired(view.token_expires_at.as_deref()) {
        return Err(HandOffError::OAuth(OAuthError::Unavailable {
            connector: view.name.clone(),
            detail: "its access token could not be refreshed".into(),
            retry_after: None,
        }));
    }
    Ok(view)
}

/// The credential a sealed secret holds, by the connection's type.
fn read(
    view: &ConnectionView,
    connector: &Connector,
    secret: &[u8],
) -> Result<Credential, HandOffError> {
    let unreadable = || {
        HandOffError::Vault(VaultError::Corrupt(format!(
            "the stored credential of {} is not what its type says",
            view.name
        )))
    };
    let text = || std::str::from_utf8(secret).map_err(|_| unreadable());
    Ok(match view.connection_type {
        ConnectionType::Oauth2 => {
            let tokens = TokenSet::from_bytes(secret, &connector.name)?;
            Credential::AccessToken(Handed::new(tokens.access_token.expose_for_bearer()))
        }
        ConnectionType::ApiKey | ConnectionType::BearerToken => {
            Credential::Key(Handed::new(text()?))
        }
        ConnectionType::BasicAuth => Credential::Login {
            user: view.metadata.get("username").cloned().unwrap_or_default(),
            password: Handed::new(text()?),
        },
        ConnectionType::Database => Credential::DatabaseUrl(Handed::new(text()?)),
        ConnectionType::ServiceAccount if holds_aws_keys(connector, view) => {
            Credential::Aws(AwsKeys::read(secret).map_err(|_| unreadable())?)
        }
        other => {
            return Err(HandOffError::NotHanded {
                name: view.name.clone(),
                kind: other.id().replace('_', " "),
            })
        }
    })
}

/// Whether a connection holds AWS access keys (what `aws-credential-process` hands out).
fn holds_aws_keys(connector: &Connector, view: &ConnectionView) -> bool {
    view.connection_type == ConnectionType::ServiceAccount
        && connector
            .service_account
            .as_ref()
            .is_some_and(|s| s.format == ServiceAccountFormat::AwsAccessKey)
}

/// What `keyport token` cannot print for this connection (as one value, or with `header` as an
/// HTTP header).
fn check_printable(
    connector: &Connector,
    view: &ConnectionView,
    header: bool,
) -> Result<(), HandOffError> {
    if holds_aws_keys(connector, view) {
        return Err(HandOffError::NotOne(credential::AWS_NOT_ONE));
    }
    match view.connection_type {
        ConnectionType::BasicAuth if !header => {
            Err(HandOffError::NotOne(credential::LOGIN_NOT_ONE))
        }
        ConnectionType::Database if header => Err(HandOffError::NoHeader {
            connector: connector.name.clone(),
            what: "database URL",
        }),
        _ => Ok(()),
    }
}
