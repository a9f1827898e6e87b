//! Errors of the OAuth layer. Messages carry codes, connector names and the provider's own
//! error words, never a code, token, verifier, client secret or response body.

use super::callback::CallbackError;
use crate::vault::VaultError;
use keyport_model::ErrorCode;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OAuthError {
    #[error(transparent)]
    Callback(#[from] CallbackError),
    #[error("no sign-in is waiting for this callback; start the connection again from Keyport")]
    StateUnknown,
    #[error(
        "this sign-in waited more than 10 minutes and has expired; start the connection again"
    )]
    StateExpired,
    #[error("this sign-in was already completed or refused; start the connection again")]
    StateUsed,
    #[error("this callback arrived by a different way than the sign-in was started with; start the connection again")]
    RedirectMismatch,
    #[error("you declined access at {0}; nothing was stored. Connect again and approve the request to finish")]
    Denied(String),
    #[error("{connector} refused the sign-in: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Provider {
        connector: String,
        error: String,
        description: Option<String>,
    },
    #[error("no OAuth app is set for {name}; run `keyport oauth-app set {id} --client-id …` (or set KEYPORT_{env}_CLIENT_ID) with the client ID of the app you registered")]
    NoApp {
        id: String,
        name: String,
        env: String,
    },
    #[error("{0} does not connect by OAuth")]
    NotOAuth(String),
    #[error("{connector} answered {what} that Keyport cannot read")]
    BadResponse { connector: String, what: String },
    #[error("{connector} could not be reached or is busy ({detail}); nothing changed, try again{}", retry_after.map(|s| format!(" in {s} s")).unwrap_or_default())]
    Unavailable {
        connector: String,
        detail: String,
        retry_after: Option<u64>,
    },
    #[error("{connector} no longer accepts this connection's refresh token ({error}); it is marked expired: connect again to renew it")]
    GrantRevoked { connector: String, error: String },
    #[error(
        "{0} gave this connection no refresh token; connect again when the access token expires"
    )]
    NoRefreshToken(String),
    #[error(
        "{connector} issued a token, but the check call failed ({detail}); nothing was stored"
    )]
    CheckFailed { connector: String, detail: String },
    #[error("no browser came back within {0} minutes; start the connection again")]
    TimedOut(u64),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl OAuthError {
    pub fn code(&self) -> ErrorCode {
        match self {
            OAuthError::Callback(e) => e.code(),
            OAuthError::StateUnknown => ErrorCode::OAuthStateUnknown,
            OAuthError::StateExpired => ErrorCode::OAuthStateExpired,
            OAuthError::StateUsed => ErrorCode::OAuthStateUsed,
            OAuthError::RedirectMismatch => ErrorCode::OAuthRedirectMismatch,
            OAuthError::Denied(_) => ErrorCode::OAuthDenied,
            OAuthError::Provider { .. } => ErrorCode::OAuthProviderError,
            OAuthError::NoApp { .. } => ErrorCode::OAuthNoApp,
            OAuthError::NotOAuth(_) => ErrorCode::OAuthNotOAuth,
            OAuthError::BadResponse { .. } => ErrorCode::OAuthBadResponse,
            OAuthError::Unavailable { .. } => ErrorCode::OAuthUnavailable,
            OAuthError::GrantRevoked { .. } => ErrorCode::OAuthGrantRevoked,
            OAuthError::NoRefreshToken(_) => ErrorCode::OAuthNoRefreshToken,
            OAuthError::CheckFailed { .. } => ErrorCode::OAuthCheckFailed,
            OAuthError::TimedOut(_) => ErrorCode::OAuthTimedOut,
            OAuthError::Invalid(_) => ErrorCode::ConnectionInvalid,
            OAuthError::Vault(e) => e.code(),
        }
    }

    /// Whether trying again later may work (the provider was down or rate-limited).
    pub fn is_retryable(&self) -> bool {
        matches!(self, OAuthError::Unavailable { .. })
    }
}

/// Provider words are shown to people: keep them short and printable, so a hostile server
/// cannot fill a dialog or a terminal with control sequences.
pub fn provider_words(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}
