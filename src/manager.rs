//! The connection manager (the original plan's ConnectionManager): a credential is checked with
//! its service before it is stored, with the check request its catalog entry records from the
//! service's docs. A refused credential, or a service that cannot be reached, stores nothing.

use crate::catalog::{config_values, CatalogError, ConfigError};
use crate::check::{self, CheckError};
use crate::connections::{self, Learned, NewConnection};
use crate::database::{self, DbError};
use crate::error::Coded;
use crate::files::FileError;
use crate::http::{ClientError, Http};
use crate::secrets::{ApiKey, Password};
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
            return Err(ManagerError::SignInOnly);
        }
        let takes = |allowed: &[&str]| match secrets.keys().find(|k| !allowed.contains(&k.as_str()))
        {
            Some(extra) => Err(ManagerError::NotASecret {
                field: extra.clone(),
                taker: "this form".to_owned(),
            }),
            None => Ok(()),
        };
        match kind {
            ConnectionType::Database => takes(&["url", login::PASSWORD])?,
            // A service account's own fields, checked where they are read.
            ConnectionType::ServiceAccount => {}
            _ => takes(&["secret"])?,
        }
        let credential = match kind {
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
                    .ok_or_else(|| ManagerError::Missing {
                        field: "secret".to_owned(),
                        what: "secret".to_owned(),
                    })?,
            },
        };
        credential.usable(connector)
    }

    /// The credential refused when it can never work (not text, blank, or with control
    /// characters a request cannot carry), with the surrounding whitespace of one-line values
    /// dropped. Called where a credential is read and again before it is stored, so every way
    /// in (CLI, desktop) meets the same rules.
    pub fn usable(self, connector: &Connector) -> Result<Credential, ManagerError> {
        Ok(match self {
            Credential::Key {
                kind,
                username,
                secret,
            } => {
                if let Some(user) = &username {
                    usable_secret(
                        user.as_bytes(),
                        SecretShape::Password,
                        "username",
                        "user name",
                    )?;
                }
                let label = connector
                    .key_auth(kind)
                    .map(|auth| auth.secret_label.clone())
                    .unwrap_or_else(|| "secret".to_owned());
                let shape = match kind {
                    ConnectionType::BasicAuth => SecretShape::Password,
                    _ => SecretShape::OneLine,
                };
                Credential::Key {
                    kind,
                    username,
                    secret: usable_value(secret, shape, "secret", &label)?,
                }
            }
            Credential::DatabaseUrl(url) => Credential::DatabaseUrl(usable_value(
                url,
                SecretShape::OneLine,
                "url",
                "connection URL",
            )?),
            // An empty password is no password (a Redis without AUTH), as the form leaves it.
            Credential::DatabaseLogin { password } => Credential::DatabaseLogin {
                password: password
                    .filter(|p| !p.expose_to_caller().is_empty())
                    .map(|p| usable_value(p, SecretShape::Password, login::PASSWORD, "password"))
                    .transpose()?,
            },
            Credential::ServiceAccount(secret) => {
                Credential::ServiceAccount(crate::service_account::usable(connector, secret)?)
            }
        })
    }
}

/// What a secret is, for the rules it must meet before it is sent or stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretShape {
    /// An API key, token, client secret or connection URL: one line of text. Whitespace around
    /// it is a copy-and-paste accident and is dropped, as `gh auth login --with-token` and
    /// aws-vault (`strings.TrimSpace`) do.
    OneLine,
    /// A password: kept exactly as given, since spaces at its ends may be part of it
    /// (KeePassXC and Bitwarden store passwords verbatim).
    Password,
    /// A key file's text (JSON, PEM): lines, so line breaks and tabs may be inside it.
    Lines,
}

/// Why a secret can never work. Never carries the secret; a control character's position is
/// given so it can be found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecretProblem {
    #[error("is not UTF-8 text (a binary file, or text in another encoding?)")]
    NotText,
    #[error("is empty or only spaces")]
    Blank,
    #[error("contains {} at character {at}, which no credential has (was more than the value copied?)", control_name(*.found))]
    Control { found: char, at: usize },
}

fn control_name(c: char) -> String {
    match c {
        '\0' => "a NUL character".to_owned(),
        '\n' | '\r' => "a line break".to_owned(),
        '\t' => "a tab".to_owned(),
        '\u{1b}' => "an escape character (ESC)".to_owned(),
        other => format!("a control character (U+{:04X})", u32::from(other)),
    }
}

/// A secret refused for what it is, naming its form field (`secret`, `password`, `url`, a
/// service account's own) and, in the message, what a person calls it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the {label} {problem}. Nothing was stored")]
pub struct SecretError {
    pub field: String,
    pub label: String,
    pub problem: SecretProblem,
}

/// Checks a secret (or a user name beside one) against the rules of its shape, and gives its
/// text as it is to be used: the one check every credential kind goes through.
pub fn usable_secret<'a>(
    bytes: &'a [u8],
    shape: SecretShape,
    field: &str,
    label: &str,
) -> Result<&'a str, SecretError> {
    let refuse = |problem| SecretError {
        field: field.to_owned(),
        label: as_noun(label),
        problem,
    };
    let text = std::str::from_utf8(bytes).map_err(|_| refuse(SecretProblem::NotText))?;
    let text = match shape {
        SecretShape::Password => text,
        SecretShape::OneLine | SecretShape::Lines => text.trim(),
    };
    if text.trim().is_empty() {
        return Err(refuse(SecretProblem::Blank));
    }
    let allowed = |c: char| shape == SecretShape::Lines && matches!(c, '\n' | '\r' | '\t');
    if let Some((at, found)) = text
        .chars()
        .enumerate()
        .find(|&(_, c)| c.is_control() && !allowed(c))
    {
        return Err(refuse(SecretProblem::Control { found, at: at + 1 }));
    }
    Ok(text)
}

/// [`usable_secret`] for a sealed value: gives it back, or a copy without the whitespace that
/// was dropped (the original is zeroized when dropped).
pub fn usable_value(
    secret: SecretValue,
    shape: SecretShape,
    field: &str,
    label: &str,
) -> Result<SecretValue, SecretError> {
    let text = usable_secret(secret.expose_to_caller(), shape, field, label)?;
    if text.len() == secret.expose_to_caller().len() {
        return Ok(secret);
    }
    Ok(SecretValue::new(text.as_bytes().to_vec()))
}

/// A catalog label as a noun inside a sentence: "Client secret" reads "client secret", while
/// an initialism ("API key") keeps its capitals.
fn as_noun(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => first
            .to_lowercase()
            .chain(label[first.len_utf8()..].chars())
            .collect(),
        _ => label.to_owned(),
    }
}

/// Connects by any credential but OAuth: checks it with the service unless told not to, then
/// stores it. What the CLI's `connect` and the desktop's connect form both call.
pub async fn connect(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    request: Request<'_>,
    credential: Credential,
) -> Result<ConnectionView, ManagerError> {
    match credential.usable(request.connector)? {
        Credential::ServiceAccount(secret) => {
            crate::service_account::connect(vault, unlocked, http, request, secret).await
        }
        credential => {
            let new = checked(http, request, credential).await?;
            Ok(connections::insert(vault, unlocked, new).await?)
        }
    }
}

/// Replaces the key, token, password or database login of connection `id` after the service
/// revoked the old one (issue 13): the new one is checked with the service the way connecting
/// checks it, and only a credential the service accepts is stored. The connection keeps its id,
/// name, settings and health interval. A basic-auth credential without a user keeps the stored
/// one. OAuth connections sign in again instead (`Session::start_reconnect`).
pub async fn replace(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    catalog: &crate::catalog::Catalog,
    id: &str,
    credential: Credential,
) -> Result<ConnectionView, ManagerError> {
    let view = connections::get(vault, id).await?;
    let connector = catalog.get(&view.connector_id)?;
    let kind = view.connection_type;
    let given = match &credential {
        Credential::Key { kind, .. } => *kind,
        Credential::DatabaseUrl(_) | Credential::DatabaseLogin { .. } => ConnectionType::Database,
        Credential::ServiceAccount(_) => ConnectionType::ServiceAccount,
    };
    match kind {
        ConnectionType::Oauth2 => return Err(ManagerError::SignInOnly),
        ConnectionType::ServiceAccount => {
            return Err(ManagerError::not_offered(
                connector,
                "service accounts are replaced by connecting the new key file",
            ))
        }
        _ if given != kind => {
            return Err(ManagerError::OtherKind {
                name: view.name,
                kind: kind.badge(),
                given: given.badge(),
            })
        }
        _ => {}
    }
    // The settings it was made with go back in; what connecting learned stays in the metadata.
    let settings: Vec<String> = match (&credential, &connector.database) {
        (Credential::DatabaseUrl(_), _) => Vec::new(),
        (Credential::DatabaseLogin { .. }, Some(spec)) => spec
            .login_fields()
            .into_iter()
            .filter(|f| !f.secret)
            .map(|f| f.key)
            .collect(),
        _ => connector
            .fields_for(kind)
            .filter(|f| !f.secret)
            .map(|f| f.key.clone())
            .collect(),
    };
    let config = settings
        .into_iter()
        .filter_map(|key| Some((key.clone(), view.metadata.get(&key)?.clone())))
        .collect();
    let credential = match credential {
        Credential::Key {
            kind: ConnectionType::BasicAuth,
            username: None,
            secret,
        } => Credential::Key {
            kind: ConnectionType::BasicAuth,
            username: view.metadata.get("username").cloned(),
            secret,
        },
        other => other,
    };
    let request = Request {
        connector,
        name: Some(view.name),
        config,
        verify: true,
    };
    let new = checked(http, request, credential.usable(connector)?).await?;
    Ok(connections::replace_secret(vault, unlocked, id, new).await?)
}

/// The connection a usable key, token, password or database login makes, checked with the
/// service first unless `verify` is false: what connecting and replacing a revoked key share.
async fn checked<'c>(
    http: &Http,
    request: Request<'c>,
    credential: Credential,
) -> Result<NewConnection<'c>, ManagerError> {
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
            let mut new = NewConnection {
                connector,
                connection_type: kind,
                name,
                config,
                username,
                secret,
                verified: false,
                learned: None,
            };
            if verify {
                check_key(http, &new).await?;
                new.verified = true;
            }
            Ok(new)
        }
        Credential::DatabaseUrl(url) => {
            if !config.is_empty() {
                return Err(ManagerError::UrlWithSettings);
            }
            database_connection(connector, name, url, "url", verify).await
        }
        Credential::DatabaseLogin { password } => {
            let password = password
                .as_ref()
                .map(|p| Password::read(p).ok_or(ManagerError::not_text(login::PASSWORD)))
                .transpose()?;
            let url = database::url_from_fields(connector, &config, password.as_ref())
                .map_err(|e| db_error(connector, None, login::PASSWORD, e))?;
            database_connection(connector, name, url, login::PASSWORD, verify).await
        }
        Credential::ServiceAccount(_) => Err(ManagerError::not_offered(
            connector,
            "checks service accounts on their own path",
        )),
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
    DbAuthFailed {
        connector: String,
        field: &'static str,
    },
    #[error("{connector} has no database by that name for this user. Nothing was stored")]
    DbNotFound {
        connector: String,
        field: &'static str,
    },
    #[error("{connector} could not be reached at {target} ({detail}); check the host, the port and that the server accepts connections from this machine. Nothing was stored")]
    DbUnreachable {
        connector: String,
        target: String,
        detail: &'static str,
    },
    #[error("{connector} at {target} does not offer the TLS the URL asks for; use a server with TLS, or another sslmode / ssl-mode if you accept the risk. Nothing was stored")]
    DbTlsRefused {
        connector: String,
        target: String,
        field: &'static str,
    },
    /// A service account's key or key file that can never work, at its field when one is known
    /// (`key_file` for a picked file, else the secret field's key).
    #[error("the service-account credentials are not usable: {what}. Nothing was stored")]
    ServiceAccountInvalid { field: Option<String>, what: String },
    #[error("{connector} refused the service account ({detail}). Nothing was stored")]
    ServiceAccountRejected { connector: String, detail: String },
    #[error("OAuth connections are made by signing in")]
    SignInOnly,
    /// A replacement credential of another type than the connection's.
    #[error("{name} is a connection by {kind}, so its new credential is one too, not {given}. Nothing was changed")]
    OtherKind {
        name: String,
        kind: &'static str,
        given: &'static str,
    },
    /// A secret field the form, or the connector, does not have.
    #[error("`{field}` is not a secret {taker} takes")]
    NotASecret { field: String, taker: String },
    #[error("the {what} is missing")]
    Missing { field: String, what: String },
    #[error("the {what} is not text")]
    NotText { field: String, what: String },
    #[error("the {what} is given twice")]
    Twice { field: String, what: String },
    #[error("a database connection is given by its URL alone; put host, port, database and options in it")]
    UrlWithSettings,
    /// What the connector's catalog entry does not offer (a connection type, a service account,
    /// a secret, a check request).
    #[error("{connector} {what}")]
    NotOffered { connector: String, what: String },
    #[error("{connector} takes no key file")]
    TakesNoKeyFile { connector: String },
    #[error(
        "{connector} service accounts are not checked yet; add --no-verify to store it unchecked"
    )]
    NotChecked { connector: String },
    #[error("the access key ID {given} is not the key file's ({id})")]
    AccessKeyMismatch { given: String, id: String },
    /// The connector's check request could not be built from its catalog entry and settings.
    #[error(transparent)]
    CheckRequest(crate::check::RequestProblem),
    #[error("the check's answer is unreadable")]
    CheckUnreadable,
    #[error(transparent)]
    Setting(#[from] ConfigError),
    #[error(transparent)]
    Database(#[from] DbError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Http(#[from] ClientError),
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
            ManagerError::ServiceAccountInvalid { .. } => ErrorCode::ServiceAccountInvalid,
            ManagerError::ServiceAccountRejected { .. } => ErrorCode::ServiceAccountRejected,
            ManagerError::SignInOnly
            | ManagerError::OtherKind { .. }
            | ManagerError::NotASecret { .. }
            | ManagerError::Missing { .. }
            | ManagerError::NotText { .. }
            | ManagerError::Twice { .. }
            | ManagerError::UrlWithSettings
            | ManagerError::NotOffered { .. }
            | ManagerError::TakesNoKeyFile { .. }
            | ManagerError::NotChecked { .. }
            | ManagerError::AccessKeyMismatch { .. }
            | ManagerError::CheckRequest(_)
            | ManagerError::CheckUnreadable
            | ManagerError::Setting(_) => ErrorCode::ConnectionInvalid,
            ManagerError::Database(e) => e.code(),
            ManagerError::Catalog(e) => e.code(),
            ManagerError::Secret(_) => ErrorCode::CredentialInvalid,
            ManagerError::File(e) => e.code(),
            ManagerError::Http(e) => e.code(),
            ManagerError::Url(_) => ErrorCode::ConnectionInvalid,
            ManagerError::Vault(e) => e.code(),
        }
    }

    /// The form field it concerns: a connector field's key, `secret` (a key form's one secret),
    /// `url` (a pasted database URL), `key_file`, or `name`.
    pub fn field(&self) -> Option<&str> {
        match self {
            ManagerError::Rejected { .. } | ManagerError::OtherKind { .. } => Some("secret"),
            ManagerError::DbAuthFailed { field, .. }
            | ManagerError::DbNotFound { field, .. }
            | ManagerError::DbTlsRefused { field, .. } => Some(field),
            ManagerError::ServiceAccountInvalid { field, .. } => field.as_deref(),
            ManagerError::NotASecret { field, .. }
            | ManagerError::Missing { field, .. }
            | ManagerError::NotText { field, .. }
            | ManagerError::Twice { field, .. } => Some(field),
            ManagerError::UrlWithSettings => Some("url"),
            ManagerError::TakesNoKeyFile { .. } => Some("key_file"),
            ManagerError::AccessKeyMismatch { .. } => Some(crate::service_account::ACCESS_KEY_ID),
            ManagerError::Setting(e) => e.field.as_deref(),
            ManagerError::Database(e) => e.field(),
            ManagerError::Secret(e) => Some(&e.field),
            ManagerError::Url(e) => e.field.as_deref(),
            // A key file that cannot be read is the one thing a file error here concerns.
            ManagerError::File(_) => Some("key_file"),
            ManagerError::CheckRequest(problem) => problem.field(),
            ManagerError::Unavailable { .. }
            | ManagerError::DbUnreachable { .. }
            | ManagerError::ServiceAccountRejected { .. }
            | ManagerError::SignInOnly
            | ManagerError::NotOffered { .. }
            | ManagerError::NotChecked { .. }
            | ManagerError::CheckUnreadable
            | ManagerError::Catalog(_)
            | ManagerError::Http(_) => None,
            ManagerError::Vault(e) => e.field(),
        }
    }

    pub(crate) fn not_text(field: &str) -> ManagerError {
        ManagerError::NotText {
            field: field.to_owned(),
            what: if field == "url" {
                "connection URL".to_owned()
            } else {
                field.replace('_', " ")
            },
        }
    }

    pub(crate) fn not_offered(connector: &Connector, what: impl Into<String>) -> ManagerError {
        ManagerError::NotOffered {
            connector: connector.name.clone(),
            what: what.into(),
        }
    }
}

impl Coded for ManagerError {
    fn code(&self) -> ErrorCode {
        ManagerError::code(self)
    }

    fn field(&self) -> Option<&str> {
        ManagerError::field(self)
    }
}

/// Checks an API key, bearer token or user and password with the service, by the check
/// request its catalog entry records.
async fn check_key(http: &Http, new: &NewConnection<'_>) -> Result<(), ManagerError> {
    let connector = new.connector;
    let auth = connector.key_auth(new.connection_type).ok_or_else(|| {
        let kind = new.connection_type.id();
        ManagerError::not_offered(connector, format!("does not connect by {kind}"))
    })?;
    let values = config_values(connector, new.connection_type, &new.config)?;
    let http = http.for_connector(connector);
    let user = new.username.as_deref();
    let checked = if new.connection_type == ConnectionType::BasicAuth {
        let password =
            Password::read(&new.secret).ok_or_else(|| ManagerError::not_text("secret"))?;
        check::key(&http, auth, &values, password.expose_for_login(), user).await
    } else {
        let key = ApiKey::read(&new.secret).ok_or_else(|| ManagerError::not_text("secret"))?;
        check::key(&http, auth, &values, key.expose_for_request(), user).await
    };
    checked.map_err(|e| match e {
        CheckError::Refused(status) => ManagerError::Rejected {
            connector: connector.name.clone(),
            what: auth.secret_label.clone(),
            status,
        },
        CheckError::Unavailable {
            detail,
            retry_after,
        } => ManagerError::Unavailable {
            connector: connector.name.clone(),
            detail,
            retry_after,
        },
        CheckError::Template(what) => ManagerError::CheckRequest(what),
        CheckError::Unreadable => ManagerError::CheckUnreadable,
    })
}

/// A database connection from its connection URL (the secret, password included): reads it,
/// logs in and runs the cheapest statement unless `verify` is false. Its host, port, database,
/// user and TLS mode become its metadata.
async fn database_connection<'c>(
    connector: &'c Connector,
    name: Option<String>,
    url: SecretValue,
    field: &'static str,
    verify: bool,
) -> Result<NewConnection<'c>, ManagerError> {
    let text =
        std::str::from_utf8(url.expose_to_caller()).map_err(|_| ManagerError::not_text("url"))?;
    let login =
        database::read_url(connector, text).map_err(|e| db_error(connector, None, field, e))?;
    let target = format!("{}:{}", login.metadata["host"], login.metadata["port"]);
    if verify {
        database::check(&login)
            .await
            .map_err(|e| db_error(connector, Some(&target), field, e))?;
    }
    Ok(NewConnection {
        connector,
        connection_type: ConnectionType::Database,
        name,
        config: Default::default(),
        username: None,
        secret: url,
        verified: verify,
        learned: Some(Learned {
            metadata: login.metadata,
            ..Default::default()
        }),
    })
}

/// A database's refusal in the manager's words. `given` is how the login was given: `url`, or
/// by fields (`password`): a refused login is placed at the one, or at its own field.
fn db_error(
    connector: &Connector,
    target: Option<&str>,
    given: &'static str,
    err: DbError,
) -> ManagerError {
    let connector_name = connector.name.clone();
    let target = target.unwrap_or("its host").to_owned();
    let by_url = given == "url";
    let at = |field: &'static str| if by_url { "url" } else { field };
    match err {
        DbError::AuthFailed => ManagerError::DbAuthFailed {
            connector: connector_name,
            field: at(login::PASSWORD),
        },
        DbError::NotFound => ManagerError::DbNotFound {
            connector: connector_name,
            field: at(login::DATABASE),
        },
        DbError::Unreachable(detail) => ManagerError::DbUnreachable {
            connector: connector_name,
            target,
            detail,
        },
        DbError::TlsRefused => ManagerError::DbTlsRefused {
            connector: connector_name,
            target,
            field: at(login::TLS),
        },
        invalid => ManagerError::Database(invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn form(
        connector: &str,
        kind: ConnectionType,
        username: Option<&str>,
        config: &[(&str, &str)],
        secrets: &[(&str, &[u8])],
    ) -> Result<Credential, ManagerError> {
        let catalog = Catalog::builtin();
        let connector = catalog.get(connector).unwrap();
        let config = config
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let secrets = secrets
            .iter()
            .map(|(k, v)| (k.to_string(), SecretValue::new(v.to_vec())))
            .collect();
        Credential::from_form(
            connector,
            kind,
            username.map(str::to_owned),
            &config,
            secrets,
        )
    }

    fn refusal(result: Result<Credential, ManagerError>) -> (String, SecretProblem, String) {
        match result {
            Err(err @ ManagerError::Secret(_)) => {
                assert_eq!(err.code(), ErrorCode::CredentialInvalid);
                let message = err.to_string();
                let ManagerError::Secret(SecretError { field, problem, .. }) = err else {
                    unreachable!()
                };
                (field, problem, message)
            }
            Err(other) => panic!("expected a secret refusal, got {other}"),
            Ok(_) => panic!("expected a secret refusal, got a credential"),
        }
    }

    fn key_of(credential: Credential) -> Vec<u8> {
        match credential {
            Credential::Key { secret, .. } => secret.expose_to_caller().to_vec(),
            _ => panic!("expected a key"),
        }
    }

    #[test]
    fn the_desktop_form_refuses_secrets_that_can_never_work() {
        let key = |bytes: &[u8]| {
            form(
                "sendgrid",
                ConnectionType::ApiKey,
                None,
                &[],
                &[("secret", bytes)],
            )
        };
        let control = |found, at| SecretProblem::Control { found, at };
        for (bytes, problem) in [
            (&b"SG.\xff\xfe"[..], SecretProblem::NotText),
            (b"", SecretProblem::Blank),
            (b"  \t\r\n ", SecretProblem::Blank),
            (b"SG.a\nb", control('\n', 5)),
            (b"SG.a\0b", control('\0', 5)),
            (b"SG.a\x1b[2Jb", control('\u{1b}', 5)),
            (b"SG.a\tb", control('\t', 5)),
            (b"SG.a\x7fb", control('\u{7f}', 5)),
            ("SG.a\u{9b}b".as_bytes(), control('\u{9b}', 5)),
        ] {
            let (field, got, message) = refusal(key(bytes));
            assert_eq!((field.as_str(), got), ("secret", problem), "{bytes:?}");
            assert!(message.starts_with("the API key "), "{message}");
            assert!(!message.contains("SG.a"), "never the secret: {message}");
        }
        // Whitespace around a one-line key is a paste accident, dropped as `gh` does.
        assert_eq!(key_of(key(b" SG.good-key \r\n").unwrap()), b"SG.good-key");

        // A password keeps its spaces; a control character is still refused, as in its user.
        let basic = |user: &str, password: &[u8]| {
            form(
                "elasticsearch",
                ConnectionType::BasicAuth,
                Some(user),
                &[],
                &[("secret", password)],
            )
        };
        assert_eq!(
            key_of(basic("elastic", b" pass word ").unwrap()),
            b" pass word "
        );
        let (_, _, message) = refusal(basic("elastic", b"pass\nword"));
        assert!(
            message.starts_with("the password contains a line break"),
            "{message}"
        );
        assert_eq!(refusal(basic("ela\u{1b}stic", b"pw")).0, "username");

        // Database URLs and passwords.
        let db = |key: &str, value: &[u8]| {
            form(
                "postgresql",
                ConnectionType::Database,
                None,
                &[],
                &[(key, value)],
            )
        };
        let (field, problem, _) = refusal(db("url", b"postgresql://u:p\0w@db.example/x"));
        assert_eq!((field.as_str(), problem), ("url", control('\0', 17)));
        assert_eq!(refusal(db("url", b"   ")).1, SecretProblem::Blank);
        let (field, problem, _) = refusal(db("password", b"pa\x1bss"));
        assert_eq!(
            (field.as_str(), problem),
            ("password", control('\u{1b}', 3))
        );
        assert!(matches!(
            db("password", b""),
            Ok(Credential::DatabaseLogin { password: None })
        ));

        // A service account's own field: a client secret is one line, a key file may span lines.
        let (field, problem, message) = refusal(form(
            "azure",
            ConnectionType::ServiceAccount,
            None,
            &[],
            &[("client_secret", b"abc\ndef")],
        ));
        assert_eq!(
            (field.as_str(), problem),
            ("client_secret", control('\n', 4))
        );
        assert!(message.starts_with("the client secret value "), "{message}");
        let (field, problem, _) = refusal(form(
            "snowflake",
            ConnectionType::ServiceAccount,
            None,
            &[],
            &[("private_key", b"-----BEGIN PRIVATE KEY-----\nMII\0\n")],
        ));
        assert_eq!(
            (field.as_str(), problem),
            ("private_key", control('\0', 32))
        );
        assert!(form(
            "snowflake",
            ConnectionType::ServiceAccount,
            None,
            &[],
            &[("private_key", b"-----BEGIN PRIVATE KEY-----\r\nMII\r\n")],
        )
        .is_ok());
        let (field, _, _) = refusal(form(
            "aws",
            ConnectionType::ServiceAccount,
            None,
            &[("access_key_id", "AKIAIOSFODNN7EXAMPLE")],
            &[("secret_access_key", b"wJalr\x1bXUtnFEMI")],
        ));
        assert_eq!(field, "secret_access_key");
    }
}
