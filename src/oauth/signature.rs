//! Checks on a redirect beyond its state: Shopify signs its redirect with the client secret
//! (an HMAC-SHA256 of the other parameters), and names the shop it came from, which must be
//! the shop the person connected.

use super::app::OAuthApp;
use super::{Callback, CallbackResult, OAuthError};
use hmac::{Hmac, Mac};
use keyport_model::{Connector, OAuth2Spec};
use sha2::Sha256;
use std::collections::BTreeMap;

fn refused(connector: &Connector, why: &str) -> OAuthError {
    OAuthError::Provider {
        connector: connector.name.clone(),
        error: "invalid_callback".into(),
        description: Some(why.to_owned()),
    }
}

pub fn check(
    spec: &OAuth2Spec,
    app: &OAuthApp,
    callback: &Callback,
    config: &BTreeMap<String, String>,
    connector: &Connector,
) -> Result<(), OAuthError> {
    let param = |name: &str| {
        callback
            .extra
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    for (name, template) in &spec.callback_must_match {
        let expected = crate::catalog::fill(template, |key| config.get(key).cloned());
        if expected.is_none() || param(name) != expected.as_deref() {
            return Err(refused(
                connector,
                &format!("the redirect's `{name}` is not the one this sign-in was started for"),
            ));
        }
    }
    if !spec.callback_hmac {
        return Ok(());
    }
    let secret = app.client_secret.as_ref().ok_or_else(|| {
        refused(
            connector,
            "checking the redirect's signature needs the app's client secret",
        )
    })?;
    let signature = param("hmac")
        .and_then(|h| hex::decode(h).ok())
        .ok_or_else(|| refused(connector, "the redirect carries no valid signature"))?;
    // Every parameter but `hmac` (and the legacy `signature`), sorted by name, form-encoded
    // as a query string: what Shopify's own library (shopify-app-js, hmac-validator.ts) signs.
    let mut pairs: Vec<(&str, &str)> = callback
        .extra
        .iter()
        .filter(|(k, _)| k != "hmac" && k != "signature")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.push(("state", callback.state.as_str()));
    match &callback.result {
        CallbackResult::Code(code) => pairs.push(("code", code.as_str())),
        CallbackResult::Error { error, description } => {
            pairs.push(("error", error.as_str()));
            if let Some(d) = description {
                pairs.push(("error_description", d.as_str()));
            }
        }
    }
    pairs.sort();
    let message = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose_to_caller())
        .map_err(|_| refused(connector, "the client secret cannot key a signature"))?;
    mac.update(message.as_bytes());
    // Constant-time comparison.
    mac.verify_slice(&signature).map_err(|_| {
        refused(
            connector,
            "the redirect's signature does not match; it was not sent by the service",
        )
    })
}
