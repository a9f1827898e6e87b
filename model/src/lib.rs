//! The vocabulary shared by the Keyport core, the desktop shell and the Yew UI: everything that
//! crosses the IPC boundary is typed here, so the two sides cannot drift apart. Serde and little
//! else, so it builds for native and wasm32 alike.

#![forbid(unsafe_code)]

mod card;
mod catalog;
mod connector;
mod error;
mod handoff;
mod jobs;
mod mcp;
mod rules;
mod vault;

pub use card::{CardView, CardsView};
pub use catalog::{CatalogProblem, CatalogView, CategoryCount};
pub use connector::{
    login, Category, CheckRequest, ClientAuth, ConfigField, ConnectionType, Connector,
    DatabaseSpec, DbDriver, Icon, KeepAlive, KeyAuth, KeyLocation, Lookup, OAuth2Spec, Pkce,
    RedirectKind, Revocation, ServiceAccountFormat, ServiceAccountSpec,
};
pub use error::{CommandError, ErrorCode};
pub use handoff::{env_value, AskAnswer, AskRequestView, EnvVar, McpServer};
pub use jobs::{JobView, JobsView, SchedulerHostView};
pub use mcp::{
    AiToolView, AiToolsView, McpAddedView, McpClientView, McpEntryConnection, McpEntryView,
    McpFindingView, McpFixTarget, McpFixView, McpFixedView, McpPlanView, McpRemovedView,
    McpServerChoice, McpUsageView, UseWithView,
};
pub use rules::{oauth_app_env_prefix, MIN_PASSPHRASE_CHARS, OAUTH_FLOW_SECONDS};
pub use vault::{
    AuditEvent, ConnectRequest, ConnectionStatus, ConnectionView, DatabaseUrlFields, DeletionView,
    HealthStatus, KdfView, KeyFact, KeyFileView, KeySlotView, OAuthAppView, OAuthFinished,
    OAuthOutcome, OAuthStartView, OAuthVia, SessionView, VaultStatus,
};
