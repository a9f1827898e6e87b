//! Stable error codes and the error value that crosses the IPC boundary.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Writes the list of codes once and derives from it the enum (serialized as the code string),
/// `as_str`, `parse` and `ALL`, so a code added to the list cannot be missing from any of them.
macro_rules! error_codes {
    ($($variant:ident => $code:literal,)*) => {
        /// A stable, machine-readable error code. Codes are never renamed or reused; a retired code
        /// stays in this list so old logs and bug reports keep their meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(#[serde(rename = $code)] $variant,)*
            /// A code this build does not know, sent by a newer backend: an older UI still
            /// deserializes the error and shows its message. The backend never produces it.
            #[serde(other, rename = "unknown")]
            Unknown,
        }

        impl ErrorCode {
            /// Every code the backend can produce (everything but `Unknown`).
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as written in messages, logs and `Code: …` captions.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                    ErrorCode::Unknown => "unknown",
                }
            }

            /// The code a string names, or `Unknown` for one this build does not know.
            pub fn parse(code: &str) -> Self {
                match code {
                    $($code => ErrorCode::$variant,)*
                    _ => ErrorCode::Unknown,
                }
            }
        }
    };
}

error_codes! {
    CatalogInvalid => "catalog.invalid",
    CatalogUnknownConnector => "catalog.unknown_connector",
    CatalogNotCustom => "catalog.not_custom",
    CatalogIo => "catalog.io",
    CatalogExists => "catalog.exists",
    CatalogInUse => "catalog.in_use",
    OAuthCallbackMalformed => "oauth.callback_malformed",
    OAuthStateUnknown => "oauth.state_unknown",
    OAuthStateExpired => "oauth.state_expired",
    OAuthStateUsed => "oauth.state_used",
    OAuthRedirectMismatch => "oauth.redirect_mismatch",
    OAuthDenied => "oauth.denied",
    OAuthProviderError => "oauth.provider_error",
    OAuthNoApp => "oauth.no_app",
    OAuthNotOAuth => "oauth.not_oauth",
    OAuthBadResponse => "oauth.bad_response",
    OAuthUnavailable => "oauth.unavailable",
    OAuthGrantRevoked => "oauth.grant_revoked",
    OAuthNoRefreshToken => "oauth.no_refresh_token",
    OAuthCheckFailed => "oauth.check_failed",
    OAuthTimedOut => "oauth.timed_out",
    ProviderKeyRejected => "provider.key_rejected",
    ProviderUnavailable => "provider.unavailable",
    DbAuthFailed => "db.auth_failed",
    DbUnreachable => "db.unreachable",
    DbNotFound => "db.not_found",
    DbTlsRefused => "db.tls_refused",
    ServiceAccountInvalid => "service_account.invalid",
    ServiceAccountRejected => "service_account.rejected",
    VaultNotInitialized => "vault.not_initialized",
    VaultAlreadyInitialized => "vault.already_initialized",
    VaultWrongPassphrase => "vault.wrong_passphrase",
    VaultThrottled => "vault.throttled",
    VaultLocked => "vault.locked",
    VaultIo => "vault.io",
    VaultCorrupt => "vault.corrupt",
    VaultWeakPassphrase => "vault.weak_passphrase",
    ConnectionNotFound => "connection.not_found",
    ConnectionInvalid => "connection.invalid",
    BackupInvalid => "backup.invalid",
    BackupWrongPassphrase => "backup.wrong_passphrase",
    BackupOtherVault => "backup.other_vault",
    AuditBroken => "audit.broken",
    FileNotFound => "file.not_found",
    FileNotRegular => "file.not_regular",
    FileTooLarge => "file.too_large",
    FileEmpty => "file.empty",
    FileExists => "file.exists",
    FileIsVault => "file.is_vault",
    FileIo => "file.io",
    CredentialInvalid => "credential.invalid",
    EnvInvalid => "env.invalid",
    HandOffNeedsReconnect => "handoff.needs_reconnect",
    HandOffNotHanded => "handoff.not_handed",
    HandOffDenied => "handoff.denied",
    HandOffNoApp => "handoff.no_app",
    HandOffAskGone => "handoff.ask_gone",
    HandOffAlwaysUnknown => "handoff.always_unknown",
    ExecEnv => "exec.env",
    ExecSpawn => "exec.spawn",
    McpUnknownClient => "mcp.unknown_client",
    McpNoServers => "mcp.no_servers",
    McpUnknownServer => "mcp.unknown_server",
    McpRemoteServer => "mcp.remote_server",
    McpConfigInvalid => "mcp.config_invalid",
    McpEntryExists => "mcp.entry_exists",
    McpScope => "mcp.scope",
    McpLink => "mcp.link",
    McpChanged => "mcp.changed",
    McpNoEntry => "mcp.no_entry",
    McpForeignEntry => "mcp.foreign_entry",
    McpWhichEntry => "mcp.which_entry",
    Internal => "internal",
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
    /// The form field the error concerns (a connector field's key such as `api_key`, `host`,
    /// `port`, or `name`), so the UI can place the message beside it without reading the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl CommandError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CommandError {
            code,
            message: message.into(),
            field: None,
        }
    }

    /// The same error, placed at a form field.
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_round_trips_through_serde_and_as_str() {
        for &code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
            assert_eq!(ErrorCode::parse(code.as_str()), code);
        }
    }

    #[test]
    fn codes_are_distinct_and_never_unknown() {
        let strings: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(strings.len(), ErrorCode::ALL.len());
        assert!(!ErrorCode::ALL.contains(&ErrorCode::Unknown));
        assert!(!strings.contains(ErrorCode::Unknown.as_str()));
    }

    #[test]
    fn a_code_from_a_newer_backend_decodes_as_unknown() {
        let code: ErrorCode = serde_json::from_str("\"vault.from_the_future\"").unwrap();
        assert_eq!(code, ErrorCode::Unknown);
        assert_eq!(
            ErrorCode::parse("vault.from_the_future"),
            ErrorCode::Unknown
        );
        let error: CommandError =
            serde_json::from_str(r#"{"code":"sync.conflict","message":"Try again."}"#).unwrap();
        assert_eq!(error.code, ErrorCode::Unknown);
        assert_eq!(error.message, "Try again.");
    }
}
