//! Reconnecting: a new sign-in for a connection whose grant died (issue 13). The connection
//! keeps its id, name and settings, so everything that names it (an MCP client's entry, a
//! script) goes on working; only the grant is replaced when the sign-in completes.

use super::flow::spec;
use super::OAuthError;
use crate::catalog::{fill, Catalog};
use crate::connections;
use crate::vault::Vault;
use keyport_model::{ConnectionType, Connector};
use std::collections::BTreeMap;

/// Longer than any e-mail address or user principal name a provider takes as a hint.
const MAX_HINT_CHARS: usize = 320;

/// The connection a sign-in renews, and the account it should preselect.
pub struct Target {
    pub id: String,
    pub login_hint: Option<String>,
}

/// What reconnecting connection `id` signs in with: its connector, the settings it was made
/// with, and the target (with a login hint where the catalog says how to make one).
pub async fn plan<'c>(
    vault: &Vault,
    catalog: &'c Catalog,
    id: &str,
) -> Result<(&'c Connector, BTreeMap<String, String>, Target), OAuthError> {
    let view = connections::get(vault, id).await?;
    if view.connection_type != ConnectionType::Oauth2 {
        return Err(OAuthError::NotSignedIn(view.name));
    }
    let connector = catalog
        .get(&view.connector_id)
        .map_err(|_| OAuthError::ConnectorGone(view.connector_id.clone()))?;
    let spec = spec(connector)?;
    // The metadata holds the settings beside what sign-in learned; only settings go back in.
    let config = connector
        .fields_for(ConnectionType::Oauth2)
        .filter(|f| !f.secret)
        .filter_map(|f| Some((f.key.clone(), view.metadata.get(&f.key)?.clone())))
        .collect();
    let login_hint = spec
        .login_hint
        .as_deref()
        .and_then(|template| fill(template, |name| view.metadata.get(name).cloned()))
        .filter(|hint| usable_hint(hint));
    Ok((
        connector,
        config,
        Target {
            id: view.id,
            login_hint,
        },
    ))
}

/// A hint goes into the sign-in address: a value learned from a provider's answer that is
/// empty, huge or holds control characters is left out rather than sent.
fn usable_hint(hint: &str) -> bool {
    !hint.trim().is_empty()
        && hint.chars().count() <= MAX_HINT_CHARS
        && !hint.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::usable_hint;

    #[test]
    fn hints_that_would_disguise_the_address_are_left_out() {
        assert!(usable_hint("ada@example.com"));
        assert!(!usable_hint(""));
        assert!(!usable_hint("  "));
        assert!(!usable_hint("ada@example.com\r\nX: y"));
        assert!(!usable_hint(&"a".repeat(321)));
    }
}
