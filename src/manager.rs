//! The connection manager (the original plan's ConnectionManager): a credential is checked with
//! its service before it is stored, with the check request its catalog entry records from the
//! service's docs. A refused credential, or a service that cannot be reached, stores nothing.

use crate::catalog::validate_config;
use crate::check::{self, CheckError};
use crate::connections::{self, Learned, NewConnection};
use crate::database::{self, DbError};
use crate::oauth::http::Http;
use crate::vault::SecretValue;
use crate::vault::{Unlocked, Vault, VaultError};
use keyport_model::{login, ConnectionType, ConnectionView, Connector, ErrorCode};
use std::collections::BTreeMap;

/// A credential as it was given, before it is checked and stored.
pub enum Credential {
    /// An API key, a bearer token, or a basic-auth password (with its user).
    Key {
        kind: ConnectionType,
        username: Option<String>,
        secret: SecretValue,
    },
    /// A database's connection URL, password included.
    DatabaseUrl(SecretValue),
    /// A database login given field by field: the settings hold host, port, user, database
    /// and TLS mode (`DatabaseSpec::login_fields`).
    DatabaseLogin { password: Option<SecretValue> },
    /// A service account's secret: its key file, client secret or private key, or (AWS) the
    /// access key pair in the `credential_process` JSON.
    ServiceAccount(SecretValue),
}

/// What to connect, beside the credential.
pub struct Request<'a> {
    pub connector: &'a Connector,
    pub name: Option<String>,
    pub config: BTreeMap<String, String>,
    pub verify: bool,
}

impl Credential {
    /// Reads a credential from a form's secret fields by key: `secret` for keys and tokens
    /// (with `username` for basic auth), `url` or `password` for a database, and a service
    /// account's own secret fields.
    pub fn from_form(
        connector: &Connector,
        kind: ConnectionType,
        username: Option<String>,
        config: &BTreeMap<String, String>,
        mut secrets: BTreeMap<String, SecretValue>,
    ) -> Result<Credential, ManagerError> {
        if kind == ConnectionType::Oauth2 {
            return Err(ManagerError::Invalid(
                "OAuth connections are made by signing in".into(),
            ));
        }
        let takes = |allowed: &[&str]| match secrets.keys().find(|k| !allowed.contains(&k.as_str()))
        {
            Some(extra) => Err(ManagerError::Invalid(format!(
                "`{extra}` is not a secret this form takes"
            ))),
            None => Ok(()),
        };
        match kind {
            ConnectionType::Database => takes(&["url", login::PASSWORD])?,
            // A service account's own fields, checked where they are read.
            ConnectionType::ServiceAccount => {}
            _ => takes(&["secret"])?,
        }
        Ok(match kind {
            ConnectionType::Database => match secrets.remove("url") {
                Some(url) => Credential::DatabaseUrl(url),
                None => Credential::DatabaseLogin {
                    password: secrets.remove(login::PASSWORD),
                },
            },
            ConnectionType::ServiceAccount => Credential::ServiceAccount(
                crate::service_account::secret_from_fields(connector, config, secrets)?,
            ),
            _ => Credential::Key {
                kind,
                username,
                secret: secrets
                    .remove("secret")
                    .ok_or_else(|| ManagerError::Invalid("the secret is missing".into()))?,
            },
        })
    }
}

/// Connects by any credential but OAuth: checks it with the service unless told not to, then
/// stores it. What the CLI's `connect` and the desktop's connect form both call.
pub async fn connect(
    vault: &Vault,
    unlocked: &Unlocked,
    request: Request<'_>,
    credential: Credential,
) -> Result<ConnectionView, ManagerError> {
    let Request {
        connector,
        name,
        config,
        verify,
    } = request;
    match credential {
        Credential::Key {
            kind,
            username,
            secret,
        } => {
            let new = NewConnection {
                connector,
                connection_type: kind,
                name,
                config,
                username,
                secret,
                verified: false,
                learned: None,
            };
            connect_key(vault, unlocked, new, verify).await
        }
        Credential::DatabaseUrl(url) => {
            if !config.is_empty() {
                return Err(ManagerError::Invalid(
                    "a database connection is given by its URL alone; put host, port, database and options in it".into(),
                ));
            }
            connect_database(vault, unlocked, connector, name, url, verify).await
        }
        Credential::DatabaseLogin { password } => {
            let password = password
                .as_ref()
                .map(|p| std::str::from_utf8(p.expose_to_caller()))
                .transpose()
                .map_err(|_| ManagerError::Invalid("the password is not text".into()))?;
            let url = database::url_from_fields(connector, &config, password)
                .map_err(|e| db_error(connector, None, e))?;
            connect_database(vault, unlocked, connector, name, url, verify).await
        }
        Credential::ServiceAccount(secret) => {
            crate::service_account::connect(
                vault, unlocked, connector, name, config, secret, verify,
            )
            .await
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManagerError {
    #[error("{connector} refused the {what} (HTTP {status}); check that it was copied whole and is still active. Nothing was stored")]
    Rejected {
        connector: String,
        what: String,
        status: u16,
    },
    #[error("{connector} could not be reached to check the credential ({detail}); nothing was stored. Try again{}, or store it unchecked (--no-verify)", retry_after.map(|s| format!(" in {s} s")).unwrap_or_default())]
    Unavailable {
        connector: String,
        detail: String,
        retry_after: Option<u64>,
    },
    #[error("{connector} refused the login: wrong user or password (the password is not shown). Nothing was stored")]
    DbAuthFailed { connector: String },
    #[error("{connector} has no database by that name for this user. Nothing was stored")]
    DbNotFound { connector: String },
    #[error("{connector} could not be reached at {target} ({detail}); check the host, the port and that the server accepts connections from this machine. Nothing was stored")]
    DbUnreachable {
        connector: String,
        target: String,
        detail: &'static str,
    },
    #[error("{connector} at {target} does not offer the TLS the URL asks for; use a server with TLS, or another sslmode / ssl-mode if you accept the risk. Nothing was stored")]
    DbTlsRefused { connector: String, target: String },
    #[error("the service-account credentials are not usable: {0}. Nothing was stored")]
    ServiceAccountInvalid(String),
    #[error("{connector} refused the service account ({detail}). Nothing was stored")]
    ServiceAccountRejected { connector: String, detail: String },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Url(#[from] crate::catalog::UrlError),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl ManagerError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ManagerError::Rejected { .. } => ErrorCode::ProviderKeyRejected,
            ManagerError::Unavailable { .. } => ErrorCode::ProviderUnavailable,
            ManagerError::DbAuthFailed { .. } => ErrorCode::DbAuthFailed,
            ManagerError::DbNotFound { .. } => ErrorCode::DbNotFound,
            ManagerError::DbUnreachable { .. } => ErrorCode::DbUnreachable,
            ManagerError::DbTlsRefused { .. } => ErrorCode::DbTlsRefused,
            ManagerError::ServiceAccountInvalid(_) => ErrorCode::ServiceAccountInvalid,
            ManagerError::ServiceAccountRejected { .. } => ErrorCode::ServiceAccountRejected,
            ManagerError::Invalid(_) => ErrorCode::ConnectionInvalid,
            ManagerError::Url(_) => ErrorCode::ConnectionInvalid,
            ManagerError::Vault(e) => e.code(),
        }
    }
}

/// Connects by API key, bearer token or user and password: checks the credential with the
/// service unless `verify` is false, then stores it (marked verified or not).
async fn connect_key(
    vault: &Vault,
    unlocked: &Unlocked,
    mut new: NewConnection<'_>,
    verify: bool,
) -> Result<ConnectionView, ManagerError> {
    new.verified = false;
    if verify {
        let connector = new.connector;
        let auth = connector.key_auth(new.connection_type).ok_or_else(|| {
            ManagerError::Invalid(format!(
                "{} does not connect by {}",
                connector.name,
                new.connection_type.id()
            ))
        })?;
        let values = validate_config(connector, new.connection_type, &new.config)
            .map_err(ManagerError::Invalid)?;
        let secret = std::str::from_utf8(new.secret.expose_to_caller())
            .map_err(|_| ManagerError::Invalid("the secret is not text".into()))?;
        let http = Http::new()
            .map_err(|e| ManagerError::Invalid(e.to_string()))?
            .for_connector(connector);
        let checked = check::key(&http, auth, &values, secret, new.username.as_deref()).await;
        match checked {
            Ok(()) => new.verified = true,
            Err(CheckError::Refused(status)) => {
                return Err(ManagerError::Rejected {
                    connector: connector.name.clone(),
                    what: auth.secret_label.clone(),
                    status,
                })
            }
            Err(CheckError::Unavailable {
                detail,
                retry_after,
            }) => {
                return Err(ManagerError::Unavailable {
                    connector: connector.name.clone(),
                    detail,
                    retry_after,
                })
            }
            Err(CheckError::Template(what)) => return Err(ManagerError::Invalid(what)),
            Err(CheckError::Unreadable) => {
                return Err(ManagerError::Invalid(
                    "the check's answer is unreadable".into(),
                ))
            }
        }
    }
    Ok(connections::insert(vault, unlocked, new).await?)
}

/// Connects a database by its connection URL (the secret, password included): reads it, logs
/// in and runs the cheapest statement unless `verify` is false, then stores it with its host,
/// port, database, user and TLS mode as metadata.
async fn connect_database(
    vault: &Vault,
    unlocked: &Unlocked,
    connector: &Connector,
    name: Option<String>,
    url: SecretValue,
    verify: bool,
) -> Result<ConnectionView, ManagerError> {
    let text = std::str::from_utf8(url.expose_to_caller())
        .map_err(|_| ManagerError::Invalid("the connection URL is not text".into()))?;
    let login = database::read_url(connector, text).map_err(|e| db_error(connector, None, e))?;
    let target = format!("{}:{}", login.metadata["host"], login.metadata["port"]);
    if verify {
        database::check(&login)
            .await
            .map_err(|e| db_error(connector, Some(&target), e))?;
    }
    let metadata = login.metadata;
    Ok(connections::insert(
        vault,
        unlocked,
        NewConnection {
            connector,
            connection_type: ConnectionType::Database,
            name,
            config: Default::default(),
            username: None,
            secret: url,
            verified: verify,
            learned: Some(Learned {
                metadata,
                ..Default::default()
            }),
        },
    )
    .await?)
}

fn db_error(connector: &Connector, target: Option<&str>, err: DbError) -> ManagerError {
    let connector_name = connector.name.clone();
    let target = target.unwrap_or("its host").to_owned();
    match err {
        DbError::Invalid(what) => ManagerError::Invalid(what),
        DbError::AuthFailed => ManagerError::DbAuthFailed {
            connector: connector_name,
        },
        DbError::NotFound => ManagerError::DbNotFound {
            connector: connector_name,
        },
        DbError::Unreachable(detail) => ManagerError::DbUnreachable {
            connector: connector_name,
            target,
            detail,
        },
        DbError::TlsRefused => ManagerError::DbTlsRefused {
            connector: connector_name,
            target,
        },
    }
}
