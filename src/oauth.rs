//! OAuth 2.0 sign-in (DESIGN.md section 2): the OAuth apps people register, starting a flow
//! with state and PKCE, reading the redirect that brings it back (a `keyport://` deep link or a
//! loopback request), exchanging the code, and later refreshing and revoking the tokens.

pub mod app;
mod callback;
pub mod dead_grant;
mod error;
mod flow;
mod loopback;
pub mod reconnect;
mod refresh;
mod revoke;
mod signature;
mod tokens;

pub use callback::{parse_callback, Callback, CallbackError, CallbackResult};
pub use error::{provider_words, OAuthError};
pub use flow::{
    begin, cancel, complete, flow_id_of, pending, waiting, Purpose, Started, FLOW_LIFETIME,
};
pub use loopback::Loopback;
pub use refresh::{refresh, refresh_unless_changed};
pub use revoke::{revoke, Revoked};
pub use tokens::TokenSet;
