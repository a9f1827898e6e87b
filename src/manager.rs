//! The connection manager (the original plan's ConnectionManager): a credential is checked with
//! its service before it is stored, with the check request its catalog entry records from the
//! service's docs. A refused credential, or a service that cannot be reached, stores nothing.

use crate::catalog::validate_config;
use crate::check::{self, CheckError};
use crate::connections::{self, NewConnection};
use crate::oauth::http::Http;
use crate::vault::{Unlocked, Vault, VaultError};
use keyport_model::{ConnectionView, ErrorCode};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManagerError {
    #[error("{connector} refused the {what} (HTTP {status}); check that it was copied whole and is still active. Nothing was stored")]
    Rejected {
        connector: String,
        what: String,
        status: u16,
    },
    #[error("{connector} could not be reached to check the credential ({detail}); nothing was stored. Try again{}, or add --no-verify to store it unchecked", retry_after.map(|s| format!(" in {s} s")).unwrap_or_default())]
    Unavailable {
        connector: String,
        detail: String,
        retry_after: Option<u64>,
    },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl ManagerError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ManagerError::Rejected { .. } => ErrorCode::ProviderKeyRejected,
            ManagerError::Unavailable { .. } => ErrorCode::ProviderUnavailable,
            ManagerError::Invalid(_) => ErrorCode::ConnectionInvalid,
            ManagerError::Vault(e) => e.code(),
        }
    }
}

/// Connects by API key, bearer token or user and password: checks the credential with the
/// service unless `verify` is false, then stores it (marked verified or not).
pub async fn connect_key(
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
        let http = Http::new().map_err(|e| ManagerError::Invalid(e.to_string()))?;
        let checked = check::key(&http, auth, &values, secret, new.username.as_deref()).await;
        match checked {
            Ok(()) => new.verified = true,
            Err(CheckError::Refused(status)) => {
                return Err(ManagerError::Rejected {
                    connector: connector.name.clone(),
                    what: auth.secret_label.to_lowercase(),
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
