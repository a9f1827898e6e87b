//! The token set Keyport seals for an OAuth connection, and reading one out of a provider's
//! token response (through the `oauth2` crate's parser).

use super::OAuthError;
use keyport_model::OAuth2Spec;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{EndpointNotSet, EndpointSet, StandardRevocableToken, TokenResponse as _};
use std::collections::BTreeMap;
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Every field of a token response beyond the standard ones, so the catalog's
/// `token_metadata` pointers can read them (`instance_url`, `stripe_user_id`, `team`...).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct AllFields {
    #[serde(flatten)]
    fields: serde_json::Map<String, serde_json::Value>,
}

// An `id_token` or a user token can be in here: never print values.
impl fmt::Debug for AllFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.fields.keys()).finish()
    }
}

impl oauth2::ExtraTokenFields for AllFields {}

pub type TokenResponse = oauth2::StandardTokenResponse<AllFields, BasicTokenType>;

pub type Client<HasAuthUrl = EndpointSet> = oauth2::Client<
    BasicErrorResponse,
    TokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    HasAuthUrl,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// An access token: the one thing that goes in a bearer header. A type of its own, so a refresh
/// token cannot be sent where an access token is meant (it would hand the service a long-lived
/// credential). Stored as a plain JSON string, as before.
#[derive(serde::Serialize, serde::Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(transparent)]
pub struct AccessToken(String);

impl AccessToken {
    pub fn expose_for_bearer(&self) -> &str {
        &self.0
    }
}

/// A refresh token: only ever sent to the token endpoint, or to the revocation endpoint.
#[derive(serde::Serialize, serde::Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(transparent)]
pub struct RefreshToken(String);

impl RefreshToken {
    pub fn expose_for_refresh(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(***)")
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken(***)")
    }
}

/// What is sealed as an OAuth connection's secret.
#[derive(serde::Serialize, serde::Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct TokenSet {
    pub access_token: AccessToken,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<RefreshToken>,
    pub token_type: String,
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSet(***)")
    }
}

impl TokenSet {
    pub fn to_bytes(&self) -> zeroize::Zeroizing<Vec<u8>> {
        zeroize::Zeroizing::new(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn from_bytes(bytes: &[u8], connector: &str) -> Result<TokenSet, OAuthError> {
        serde_json::from_slice(bytes).map_err(|_| OAuthError::BadResponse {
            connector: connector.to_owned(),
            what: "a stored token set".into(),
        })
    }
}

/// A token response read: the set to seal, and the non-secret facts stored beside it.
pub struct Grant {
    pub tokens: TokenSet,
    pub scopes: Option<Vec<String>>,
    pub expires_at: Option<String>,
    pub metadata: BTreeMap<String, String>,
}

pub fn read(
    response: &TokenResponse,
    spec: &OAuth2Spec,
    previous_refresh: Option<&RefreshToken>,
) -> Result<Grant, String> {
    let access_token = response.access_token().secret();
    if access_token.is_empty() {
        return Err("an empty access token".into());
    }
    // A refresh answer without a refresh token keeps the one it was made with.
    let refresh_token = response
        .refresh_token()
        .map(|t| t.secret().as_str())
        .or_else(|| previous_refresh.map(RefreshToken::expose_for_refresh))
        .map(|t| RefreshToken(t.to_owned()));
    let expires_at = response.expires_in().and_then(|d| {
        let at = time::OffsetDateTime::now_utc() + d;
        at.format(&time::format_description::well_known::Rfc3339)
            .ok()
    });
    let scopes = response
        .scopes()
        .map(|s| s.iter().map(|s| s.to_string()).collect());
    let extra = serde_json::Value::Object(response.extra_fields().fields.clone());
    let mut metadata = BTreeMap::new();
    for (key, pointer) in &spec.token_metadata {
        let value = match extra.pointer(pointer) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => continue,
        };
        metadata.insert(key.clone(), value);
    }
    Ok(Grant {
        tokens: TokenSet {
            access_token: AccessToken(access_token.clone()),
            refresh_token,
            token_type: response.token_type().as_ref().to_owned(),
        },
        scopes,
        expires_at,
        metadata,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORED: &str =
        r#"{"access_token":"at-sentinel","refresh_token":"rt-sentinel","token_type":"bearer"}"#;

    #[test]
    fn each_token_keeps_its_kind_and_the_stored_form() {
        let tokens = TokenSet::from_bytes(STORED.as_bytes(), "Example").unwrap();
        assert_eq!(tokens.access_token.expose_for_bearer(), "at-sentinel");
        let refresh = tokens.refresh_token.as_ref().unwrap();
        assert_eq!(refresh.expose_for_refresh(), "rt-sentinel");
        assert_eq!(tokens.to_bytes().as_slice(), STORED.as_bytes());
        let shown = format!("{tokens:?} {:?} {refresh:?}", tokens.access_token);
        assert_eq!(shown, "TokenSet(***) AccessToken(***) RefreshToken(***)");
    }
}
