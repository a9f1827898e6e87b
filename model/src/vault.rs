//! The vault and its connections as the UI and `--json` consumers see them: metadata only,
//! never a secret.

use crate::connector::{ConnectionType, RedirectKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `keyport vault status --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultStatus {
    pub initialized: bool,
    /// Whether opening a secret now needs the passphrase (no usable keyring slot).
    pub locked: bool,
    pub key_slots: Vec<KeySlotView>,
    pub kdf: Option<KdfView>,
    pub connections: u64,
    /// The keyring backend this machine offers, or `None` when there is none (passphrase only).
    pub keyring: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySlotView {
    /// `passphrase` or `keyring`.
    pub kind: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfView {
    pub algorithm: String,
    pub iterations: u32,
}

/// Connection status, as the original plan's ConnectionCredential has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    Active,
    Expired,
    Invalid,
    Revoked,
    Pending,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Healthy,
    Degraded,
    Unhealthy,
    Unknown,
}

/// One stored connection without its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionView {
    pub id: String,
    pub name: String,
    pub connector_id: String,
    pub connection_type: ConnectionType,
    pub status: ConnectionStatus,
    pub health_status: HealthStatus,
    pub verified: bool,
    pub scopes: Vec<String>,
    pub token_expires_at: Option<String>,
    /// Non-secret settings (shop, tenant, region, user name...).
    pub metadata: BTreeMap<String, String>,
    pub last_health_check: Option<String>,
    pub last_used_at: Option<String>,
    pub error_count: u32,
    pub last_error: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub is_expired: bool,
    pub needs_refresh: bool,
    pub is_healthy: bool,
    /// When the background scheduler refreshes it next (RFC 3339), if it will.
    #[serde(default)]
    pub next_refresh_at: Option<String>,
    /// When it is checked next, if it will be.
    #[serde(default)]
    pub next_check_at: Option<String>,
    /// Minutes between its health checks, when set for it; `None` is the default (15).
    #[serde(default)]
    pub health_interval_minutes: Option<u32>,
    /// Only a person can make it work again: its grant is dead or its key was refused.
    #[serde(default)]
    pub needs_reconnect: bool,
    /// When the person last connected or reconnected it (RFC 3339); a refresh does not count.
    /// A grant with a lifetime (the catalog's `keep_alive.lifetime_days`) ends that long after.
    #[serde(default)]
    pub granted_at: Option<String>,
    /// Handed to a program only once the person allowed it in the desktop app.
    #[serde(default)]
    pub ask_before_use: bool,
}

/// One audit event (no secret in it, ever).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: String,
    pub event: String,
    pub connection_id: Option<String>,
    pub detail: String,
}

/// The desktop app's view of its vault session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub vault: VaultStatus,
    /// Whether this app holds the data key now (it drops it on Lock and after the idle time).
    pub unlocked: bool,
    /// Auto-lock after this many idle minutes; 0 is never.
    pub idle_lock_minutes: u32,
}

/// A request to store a credential made without a sign-in: a key, token or basic-auth
/// password, a database login, or a service account. The secrets travel beside it as their own
/// argument, a map by field key, never inside a type that could be logged or kept: `secret` for
/// keys and tokens; `url`, or `password` with the login fields in `config`
/// (`DatabaseSpec::login_fields`), for a database; a service account's own secret fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectRequest {
    pub connector_id: String,
    pub connection_type: ConnectionType,
    pub name: Option<String>,
    pub config: BTreeMap<String, String>,
    /// The basic-auth user name (basic_auth only).
    pub username: Option<String>,
    /// Check the credential with the service before storing it (the default); `false` stores
    /// it unverified.
    #[serde(default = "checked")]
    pub verify: bool,
}

fn checked() -> bool {
    true
}

/// What a pasted database connection URL says, by login field key (`login::HOST`, `PORT`,
/// `USER`, `DATABASE`, `TLS`, and `AUTH_SOURCE` for MongoDB), for the connect form to fill in;
/// the port is the connector's default when the URL names none, and the TLS mode the one the
/// URL implies. The URL's password is never sent back to the page: `has_password` says it had
/// one, and the form submits the URL itself (`url`) to keep it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseUrlFields {
    pub values: BTreeMap<String, String>,
    pub has_password: bool,
}

/// An OAuth app as the UI sees it: the client ID (not a secret), whether a client secret is
/// stored, and the redirect URIs to register with the service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthAppView {
    pub connector_id: String,
    pub client_id: Option<String>,
    pub has_client_secret: bool,
    /// Set by `KEYPORT_<CONNECTOR>_CLIENT_ID`, which wins over what is stored.
    pub from_environment: bool,
    /// What to enter as the redirect (callback) URL in the service's app settings.
    pub redirect_uris: Vec<String>,
}

/// A sign-in started: the address the browser opens, and the flow's id (the hash of its
/// state, not the state) to cancel it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthStartView {
    pub flow_id: String,
    pub connector_id: String,
    pub authorization_url: String,
    pub redirect: RedirectKind,
}

/// How the browser came back to Keyport at the end of a sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OAuthVia {
    /// A `keyport://oauth/callback?…` link (forwarded by a second launch, or at a cold start).
    DeepLink,
    /// The flow's own loopback listener on 127.0.0.1.
    Loopback,
    /// An address pasted into the waiting dialog.
    Paste,
}

/// How completing a sign-in ended: the new connection (metadata only), or why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum OAuthOutcome {
    Connected { connection: Box<ConnectionView> },
    Failed { error: crate::error::CommandError },
}

/// What deleting a connection did at its provider. The local delete happens whatever the
/// provider answers; a refusal is passed on so the person can revoke the access by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "revocation", rename_all = "snake_case")]
pub enum DeletionView {
    /// The provider confirmed that the grant is revoked.
    Revoked,
    /// Not an OAuth connection, or the service has no way to revoke a grant.
    NothingToRevoke,
    /// The provider refused or could not be reached.
    NotRevoked { error: crate::error::CommandError },
}

/// The desktop's `oauth-finished` event: one per completed or refused callback, whichever way
/// it arrived. Never carries a code, token or verifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthFinished {
    /// The flow, when the shell knows it (a loopback wait it ran); `None` for links and pastes,
    /// whose flow only the core can tell from the state.
    pub flow_id: Option<String>,
    pub via: OAuthVia,
    pub outcome: OAuthOutcome,
}

/// A key file the person picked, as the webview may see it: where it is and what it says about
/// itself (a service account's email and project, a public key's fingerprint), never its secret.
/// The core reads the file again when connecting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFileView {
    pub path: String,
    pub facts: Vec<KeyFact>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFact {
    pub label: String,
    pub value: String,
}
