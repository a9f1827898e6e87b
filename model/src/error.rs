//! Stable error codes and the error value that crosses the IPC boundary.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A stable, machine-readable error code. Codes are never renamed or reused; a retired code stays
/// in this list so old logs and bug reports keep their meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ErrorCode {
    #[serde(rename = "catalog.invalid")]
    CatalogInvalid,
    #[serde(rename = "catalog.unknown_connector")]
    CatalogUnknownConnector,
    #[serde(rename = "catalog.not_custom")]
    CatalogNotCustom,
    #[serde(rename = "catalog.io")]
    CatalogIo,
    #[serde(rename = "catalog.exists")]
    CatalogExists,
    #[serde(rename = "catalog.in_use")]
    CatalogInUse,
    #[serde(rename = "oauth.callback_malformed")]
    OAuthCallbackMalformed,
    #[serde(rename = "oauth.state_unknown")]
    OAuthStateUnknown,
    #[serde(rename = "oauth.state_expired")]
    OAuthStateExpired,
    #[serde(rename = "oauth.state_used")]
    OAuthStateUsed,
    #[serde(rename = "oauth.redirect_mismatch")]
    OAuthRedirectMismatch,
    #[serde(rename = "oauth.denied")]
    OAuthDenied,
    #[serde(rename = "oauth.provider_error")]
    OAuthProviderError,
    #[serde(rename = "oauth.no_app")]
    OAuthNoApp,
    #[serde(rename = "oauth.not_oauth")]
    OAuthNotOAuth,
    #[serde(rename = "oauth.bad_response")]
    OAuthBadResponse,
    #[serde(rename = "oauth.unavailable")]
    OAuthUnavailable,
    #[serde(rename = "oauth.grant_revoked")]
    OAuthGrantRevoked,
    #[serde(rename = "oauth.no_refresh_token")]
    OAuthNoRefreshToken,
    #[serde(rename = "oauth.check_failed")]
    OAuthCheckFailed,
    #[serde(rename = "oauth.timed_out")]
    OAuthTimedOut,
    #[serde(rename = "provider.key_rejected")]
    ProviderKeyRejected,
    #[serde(rename = "provider.unavailable")]
    ProviderUnavailable,
    #[serde(rename = "db.auth_failed")]
    DbAuthFailed,
    #[serde(rename = "db.unreachable")]
    DbUnreachable,
    #[serde(rename = "db.not_found")]
    DbNotFound,
    #[serde(rename = "db.tls_refused")]
    DbTlsRefused,
    #[serde(rename = "service_account.invalid")]
    ServiceAccountInvalid,
    #[serde(rename = "service_account.rejected")]
    ServiceAccountRejected,
    #[serde(rename = "vault.not_initialized")]
    VaultNotInitialized,
    #[serde(rename = "vault.already_initialized")]
    VaultAlreadyInitialized,
    #[serde(rename = "vault.wrong_passphrase")]
    VaultWrongPassphrase,
    #[serde(rename = "vault.throttled")]
    VaultThrottled,
    #[serde(rename = "vault.locked")]
    VaultLocked,
    #[serde(rename = "vault.io")]
    VaultIo,
    #[serde(rename = "vault.corrupt")]
    VaultCorrupt,
    #[serde(rename = "vault.weak_passphrase")]
    VaultWeakPassphrase,
    #[serde(rename = "connection.not_found")]
    ConnectionNotFound,
    #[serde(rename = "connection.invalid")]
    ConnectionInvalid,
    #[serde(rename = "backup.invalid")]
    BackupInvalid,
    #[serde(rename = "backup.wrong_passphrase")]
    BackupWrongPassphrase,
    #[serde(rename = "backup.other_vault")]
    BackupOtherVault,
    #[serde(rename = "audit.broken")]
    AuditBroken,
    #[serde(rename = "file.not_found")]
    FileNotFound,
    #[serde(rename = "file.not_regular")]
    FileNotRegular,
    #[serde(rename = "file.too_large")]
    FileTooLarge,
    #[serde(rename = "file.empty")]
    FileEmpty,
    #[serde(rename = "file.exists")]
    FileExists,
    #[serde(rename = "file.is_vault")]
    FileIsVault,
    #[serde(rename = "file.io")]
    FileIo,
    #[serde(rename = "credential.invalid")]
    CredentialInvalid,
    #[serde(rename = "env.invalid")]
    EnvInvalid,
    #[serde(rename = "internal")]
    Internal,
}

impl ErrorCode {
    /// The code as written in messages, logs and `Code: …` captions.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::CatalogInvalid => "catalog.invalid",
            ErrorCode::CatalogUnknownConnector => "catalog.unknown_connector",
            ErrorCode::CatalogNotCustom => "catalog.not_custom",
            ErrorCode::CatalogIo => "catalog.io",
            ErrorCode::CatalogExists => "catalog.exists",
            ErrorCode::CatalogInUse => "catalog.in_use",
            ErrorCode::OAuthCallbackMalformed => "oauth.callback_malformed",
            ErrorCode::OAuthStateUnknown => "oauth.state_unknown",
            ErrorCode::OAuthStateExpired => "oauth.state_expired",
            ErrorCode::OAuthStateUsed => "oauth.state_used",
            ErrorCode::OAuthRedirectMismatch => "oauth.redirect_mismatch",
            ErrorCode::OAuthDenied => "oauth.denied",
            ErrorCode::OAuthProviderError => "oauth.provider_error",
            ErrorCode::OAuthNoApp => "oauth.no_app",
            ErrorCode::OAuthNotOAuth => "oauth.not_oauth",
            ErrorCode::OAuthBadResponse => "oauth.bad_response",
            ErrorCode::OAuthUnavailable => "oauth.unavailable",
            ErrorCode::OAuthGrantRevoked => "oauth.grant_revoked",
            ErrorCode::OAuthNoRefreshToken => "oauth.no_refresh_token",
            ErrorCode::OAuthCheckFailed => "oauth.check_failed",
            ErrorCode::OAuthTimedOut => "oauth.timed_out",
            ErrorCode::ProviderKeyRejected => "provider.key_rejected",
            ErrorCode::ProviderUnavailable => "provider.unavailable",
            ErrorCode::DbAuthFailed => "db.auth_failed",
            ErrorCode::DbUnreachable => "db.unreachable",
            ErrorCode::DbNotFound => "db.not_found",
            ErrorCode::DbTlsRefused => "db.tls_refused",
            ErrorCode::ServiceAccountInvalid => "service_account.invalid",
            ErrorCode::ServiceAccountRejected => "service_account.rejected",
            ErrorCode::VaultNotInitialized => "vault.not_initialized",
            ErrorCode::VaultAlreadyInitialized => "vault.already_initialized",
            ErrorCode::VaultWrongPassphrase => "vault.wrong_passphrase",
            ErrorCode::VaultThrottled => "vault.throttled",
            ErrorCode::VaultLocked => "vault.locked",
            ErrorCode::VaultIo => "vault.io",
            ErrorCode::VaultCorrupt => "vault.corrupt",
            ErrorCode::VaultWeakPassphrase => "vault.weak_passphrase",
            ErrorCode::ConnectionNotFound => "connection.not_found",
            ErrorCode::ConnectionInvalid => "connection.invalid",
            ErrorCode::BackupInvalid => "backup.invalid",
            ErrorCode::BackupWrongPassphrase => "backup.wrong_passphrase",
            ErrorCode::BackupOtherVault => "backup.other_vault",
            ErrorCode::AuditBroken => "audit.broken",
            ErrorCode::FileNotFound => "file.not_found",
            ErrorCode::FileNotRegular => "file.not_regular",
            ErrorCode::FileTooLarge => "file.too_large",
            ErrorCode::FileEmpty => "file.empty",
            ErrorCode::FileExists => "file.exists",
            ErrorCode::FileIsVault => "file.is_vault",
            ErrorCode::FileIo => "file.io",
            ErrorCode::CredentialInvalid => "credential.invalid",
            ErrorCode::EnvInvalid => "env.invalid",
            ErrorCode::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error as the UI receives it: a stable code and a sentence a person can act on. Built only
/// from codes and non-secret fields, so it is safe to show, log and copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialized_code_matches_as_str() {
        for code in [
            ErrorCode::CatalogInvalid,
            ErrorCode::CatalogUnknownConnector,
            ErrorCode::CatalogNotCustom,
            ErrorCode::CatalogIo,
            ErrorCode::CatalogExists,
            ErrorCode::CatalogInUse,
            ErrorCode::OAuthCallbackMalformed,
            ErrorCode::OAuthStateUnknown,
            ErrorCode::OAuthStateExpired,
            ErrorCode::OAuthStateUsed,
            ErrorCode::OAuthRedirectMismatch,
            ErrorCode::OAuthDenied,
            ErrorCode::OAuthProviderError,
            ErrorCode::OAuthNoApp,
            ErrorCode::OAuthNotOAuth,
            ErrorCode::OAuthBadResponse,
            ErrorCode::OAuthUnavailable,
            ErrorCode::OAuthGrantRevoked,
            ErrorCode::OAuthNoRefreshToken,
            ErrorCode::OAuthCheckFailed,
            ErrorCode::OAuthTimedOut,
            ErrorCode::ProviderKeyRejected,
            ErrorCode::ProviderUnavailable,
            ErrorCode::DbAuthFailed,
            ErrorCode::DbUnreachable,
            ErrorCode::DbNotFound,
            ErrorCode::DbTlsRefused,
            ErrorCode::ServiceAccountInvalid,
            ErrorCode::ServiceAccountRejected,
            ErrorCode::VaultNotInitialized,
            ErrorCode::VaultAlreadyInitialized,
            ErrorCode::VaultWrongPassphrase,
            ErrorCode::VaultThrottled,
            ErrorCode::VaultLocked,
            ErrorCode::VaultIo,
            ErrorCode::VaultCorrupt,
            ErrorCode::VaultWeakPassphrase,
            ErrorCode::ConnectionNotFound,
            ErrorCode::ConnectionInvalid,
            ErrorCode::BackupInvalid,
            ErrorCode::BackupWrongPassphrase,
            ErrorCode::BackupOtherVault,
            ErrorCode::AuditBroken,
            ErrorCode::FileNotFound,
            ErrorCode::FileNotRegular,
            ErrorCode::FileTooLarge,
            ErrorCode::FileEmpty,
            ErrorCode::FileExists,
            ErrorCode::FileIsVault,
            ErrorCode::FileIo,
            ErrorCode::CredentialInvalid,
            ErrorCode::EnvInvalid,
            ErrorCode::Internal,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
