//! OAuth 2.0 sign-in. For now this module reads the redirect that brings a sign-in back to
//! Keyport (a `keyport://` deep link or a loopback request); the pending-flow store and the code
//! exchange arrive with the vault.

mod callback;

pub use callback::{parse_callback, Callback, CallbackError, CallbackResult};

/// Completes a sign-in from its redirect URL. Until the vault lands there is no store of pending
/// flows, so no state can match: a well-formed callback is refused as one nothing waits for,
/// and nothing is stored either way.
pub fn complete(url: &str) -> Result<(), CallbackError> {
    parse_callback(url)?;
    Err(CallbackError::StateUnknown)
}
