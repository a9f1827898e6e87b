//! Errors of the OAuth layer. Messages carry codes, connector names and the provider's own
//! error words, never a code, token, verifier, client secret or response body.

use super::callback::CallbackError;
use crate::catalog::{CatalogError, ConfigError, UrlError};
use crate::error::Coded;
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
    /// A page asked for a sign-in this process is no longer waiting for.
    #[error("this sign-in is no longer waiting; start the connection again")]
    NotWaiting,
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
    /// A reconnect asked of a connection that holds a key or a login, not a sign-in.
    #[error("“{0}” was not connected by signing in, so it cannot sign in again; give it its new key or login with `keyport connections replace-key`")]
    NotSignedIn(String),
    /// The connection a reconnect was for was deleted while the person signed in.
    #[error("the connection being reconnected was deleted meanwhile; nothing was stored, connect it anew")]
    ReconnectGone,
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
    /// The flow was claimed (its state spent) and then could not finish: its callback cannot
    /// be delivered again, so unlike a refresh there is nothing to retry but a new sign-in.
    #[error(
        "{connector} {failure}; nothing was stored, and this sign-in is used up: start it again"
    )]
    SignInSpent {
        connector: String,
        connector_id: String,
        failure: SpentBy,
    },
    /// A connection or flow names a connector the catalog no longer has.
    #[error("the connector `{0}` is no longer in the catalog")]
    ConnectorGone(String),
    #[error("only OAuth connections have tokens to refresh")]
    NoTokens,
    #[error("`{given}` is not an https redirect URL (https://host/path, without ? or #)")]
    RedirectUrl { given: String },
    #[error("a client ID is 1 to {max} characters without spaces or control characters")]
    ClientId { max: usize },
    #[error("{0} accepts no redirect this Keyport can receive")]
    NoRedirect(String),
    #[error("{name} only accepts an https redirect URL: register one in its app settings (any https address you choose; the sign-in ends there and you paste that address into Keyport), then set it with `keyport oauth-app set {id} --client-id … --redirect-uri URL`")]
    NeedsHttpsRedirect { name: String, id: String },
    /// The catalog's address for this step cannot be made from the connection's settings.
    #[error("the {0} needs a setting that is missing")]
    EndpointSetting(&'static str),
    #[error("the {0} is not a valid URL")]
    EndpointUrl(&'static str),
    /// A sealed value that must be text is not (a client secret, a stored verifier).
    #[error("the {what} is not text")]
    NotText {
        what: &'static str,
        field: Option<&'static str>,
    },
    #[error("the connected account's id was not kept at sign-in")]
    AccountNotKept,
    #[error("no loopback port could be opened for the sign-in")]
    NoLoopback,
    #[error(transparent)]
    Setting(#[from] ConfigError),
    #[error(transparent)]
    Url(#[from] UrlError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Http(#[from] crate::http::ClientError),
    #[error(transparent)]
    Secret(#[from] crate::manager::SecretError),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl OAuthError {
    pub fn code(&self) -> ErrorCode {
        match self {
            OAuthError::Callback(e) => e.code(),
            OAuthError::StateUnknown | OAuthError::NotWaiting => ErrorCode::OAuthStateUnknown,
            OAuthError::StateExpired => ErrorCode::OAuthStateExpired,
            OAuthError::StateUsed => ErrorCode::OAuthStateUsed,
            OAuthError::RedirectMismatch => ErrorCode::OAuthRedirectMismatch,
            OAuthError::Denied(_) => ErrorCode::OAuthDenied,
            OAuthError::Provider { .. } => ErrorCode::OAuthProviderError,
            OAuthError::NoApp { .. } => ErrorCode::OAuthNoApp,
            OAuthError::NotOAuth(_) | OAuthError::NotSignedIn(_) => ErrorCode::OAuthNotOAuth,
            OAuthError::ReconnectGone => ErrorCode::ConnectionNotFound,
            OAuthError::BadResponse { .. } => ErrorCode::OAuthBadResponse,
            OAuthError::Unavailable { .. } => ErrorCode::OAuthUnavailable,
            OAuthError::GrantRevoked { .. } => ErrorCode::OAuthGrantRevoked,
            OAuthError::NoRefreshToken(_) => ErrorCode::OAuthNoRefreshToken,
            OAuthError::CheckFailed { .. } => ErrorCode::OAuthCheckFailed,
            OAuthError::TimedOut(_) => ErrorCode::OAuthTimedOut,
            OAuthError::SignInSpent { failure, .. } => match failure {
                SpentBy::Refused { .. } => ErrorCode::OAuthProviderError,
                SpentBy::Unreachable { .. } => ErrorCode::OAuthUnavailable,
                SpentBy::Unreadable { .. } => ErrorCode::OAuthBadResponse,
            },
            OAuthError::ConnectorGone(_) => ErrorCode::CatalogUnknownConnector,
            OAuthError::NoTokens
            | OAuthError::RedirectUrl { .. }
            | OAuthError::ClientId { .. }
            | OAuthError::NoRedirect(_)
            | OAuthError::NeedsHttpsRedirect { .. }
            | OAuthError::EndpointSetting(_)
            | OAuthError::EndpointUrl(_)
            | OAuthError::NotText { .. }
            | OAuthError::AccountNotKept
            | OAuthError::Setting(_)
            | OAuthError::Url(_) => ErrorCode::ConnectionInvalid,
            OAuthError::NoLoopback => ErrorCode::Internal,
            OAuthError::Catalog(e) => e.code(),
            OAuthError::Http(e) => e.code(),
            OAuthError::Secret(_) => ErrorCode::CredentialInvalid,
            OAuthError::Vault(e) => e.code(),
        }
    }

    /// The form field it concerns: a setting's key, or the OAuth app form's `client_id`,
    /// `client_secret` or `redirect_uri`.
    pub fn field(&self) -> Option<&str> {
        match self {
            OAuthError::RedirectUrl { .. } | OAuthError::NeedsHttpsRedirect { .. } => {
                Some("redirect_uri")
            }
            OAuthError::ClientId { .. } => Some("client_id"),
            OAuthError::NotText { field, .. } => *field,
            OAuthError::Setting(e) => e.field.as_deref(),
            OAuthError::Url(e) => e.field.as_deref(),
            OAuthError::Secret(e) => Some(&e.field),
            OAuthError::Vault(e) => e.field(),
            _ => None,
        }
    }

    /// Whether trying again later may work (the provider was down or rate-limited).
    pub fn is_retryable(&self) -> bool {
        matches!(self, OAuthError::Unavailable { .. })
    }
}

impl Coded for OAuthError {
    fn code(&self) -> ErrorCode {
        OAuthError::code(self)
    }

    fn field(&self) -> Option<&str> {
        OAuthError::field(self)
    }
}

/// Why a claimed sign-in could not finish, after the provider's code was taken.
#[derive(Debug, thiserror::Error)]
pub enum SpentBy {
    /// The token endpoint's error (RFC 6749 section 5.2), in the provider's words.
    #[error("refused the sign-in's code: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Refused {
        error: String,
        description: Option<String>,
    },
    #[error("could not be reached or is busy ({detail})")]
    Unreachable { detail: String },
    #[error("answered {what} that Keyport cannot read")]
    Unreadable { what: String },
}

impl OAuthError {
    /// This error as it is once the flow's state is spent: an error that would say "try
    /// again" says to start again instead. Others are returned as they are.
    pub(super) fn spent(self, connector_id: &str) -> OAuthError {
        let (connector, failure) = match self {
            OAuthError::Provider {
                connector,
                error,
                description,
            } => (connector, SpentBy::Refused { error, description }),
            OAuthError::Unavailable {
                connector, detail, ..
            } => (connector, SpentBy::Unreachable { detail }),
            OAuthError::BadResponse { connector, what } => {
                (connector, SpentBy::Unreadable { what })
            }
            other => return other,
        };
        OAuthError::SignInSpent {
            connector,
            connector_id: connector_id.to_owned(),
            failure,
        }
    }
}

/// Provider words are shown to people: keep them short and printable, so a hostile server
/// cannot fill a dialog or a terminal with control sequences. Microsoft's trailing
/// `Trace ID: … Correlation ID: … Timestamp: …` is for its support desk, not the person; a cut
/// falls between words and says so.
pub fn provider_words(text: &str) -> String {
    const LIMIT: usize = 300;
    let text = text.split(" Trace ID: ").next().unwrap_or_default();
    let printable: String = text.chars().filter(|c| !c.is_control()).collect();
    if printable.chars().count() <= LIMIT {
        return printable;
    }
    let cut: String = printable.chars().take(LIMIT).collect();
    let words = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", words.trim_end_matches([',', ';', ':', ' ']))
}

impl OAuthError {
    /// A request that failed on the way: refused by the address rule, or the provider
    /// unreachable or busy (retryable, keeping its `Retry-After`).
    pub(super) fn transport(err: crate::http::TransportError, connector: &str) -> OAuthError {
        use crate::http::TransportError;
        let (detail, retry_after) = match err {
            TransportError::Network(kind) => (kind.to_owned(), None),
            TransportError::Busy {
                status,
                retry_after,
            } => (format!("HTTP {status}"), retry_after),
            TransportError::Refused(err) => return OAuthError::Url(err),
        };
        OAuthError::Unavailable {
            connector: connector.to_owned(),
            detail,
            retry_after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::provider_words;

    #[test]
    fn provider_words_are_short_printable_and_cut_between_words() {
        assert_eq!(provider_words("bad\u{1b}[31m code"), "bad[31m code");
        let azure = "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '291bba3f-e0a5-47bc-a099-3bdcb2a50a05'. Trace ID: 0b1c Correlation ID: 9d8e Timestamp: 2026-12-01 20:00:00Z";
        let shown = provider_words(azure);
        assert!(
            shown.ends_with("'291bba3f-e0a5-47bc-a099-3bdcb2a50a05'."),
            "{shown}"
        );
        let long = "word ".repeat(100);
        let shown = provider_words(&long);
        assert!(
            shown.chars().count() <= 301 && shown.ends_with("word…"),
            "{shown}"
        );
    }
}
