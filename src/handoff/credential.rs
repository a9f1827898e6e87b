//! What a hand-off gives: only what a program needs to call the service (an access token, a key,
//! a login, a database URL, AWS keys), each kept secret until the one place that prints or
//! injects it, and in the forms the ecosystem asks for (a bare token, an HTTP header).

use super::HandOffError;
use crate::catalog::fill;
use crate::service_account::AwsKeys;
use base64::Engine;
use keyport_model::{ConnectionType, Connector, KeyLocation};
use secrecy::{ExposeSecret, SecretString};
use std::collections::BTreeMap;
use std::fmt;
use zeroize::Zeroizing;

pub(super) const LOGIN_NOT_ONE: &str =
    "a basic-auth login is a user name and a password, not one token; ask for it as a header (--header)";
pub(super) const AWS_NOT_ONE: &str =
    "AWS keys are more than one value; use `keyport aws-credential-process ID`, which AWS's tools and SDKs read";

/// A secret on its way to the program that asked; zeroized when dropped, never printed by Debug.
pub struct Handed(SecretString);

impl Handed {
    pub(super) fn new(text: &str) -> Handed {
        Handed(SecretString::from(text))
    }

    /// For the one place that gives it to the asker (stdout, a child's environment).
    pub fn expose_to_asker(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Handed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Handed(***)")
    }
}

/// A connection's credential as handed out. Never a refresh token, a client secret or anything
/// else that could mint credentials of its own.
pub enum Credential {
    /// An OAuth access token (refreshed first when near expiry).
    AccessToken(Handed),
    /// An API key, personal access token or bearer token, sent where its connector says.
    Key(Handed),
    /// A basic-auth login.
    Login { user: String, password: Handed },
    /// A database's connection URL, its password included.
    DatabaseUrl(Handed),
    /// AWS keys, as the vault keeps them: `credential_process` JSON.
    Aws(AwsKeys),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what())
    }
}

impl Credential {
    /// What it is, in words (for messages and the audit log).
    pub fn what(&self) -> &'static str {
        match self {
            Credential::AccessToken(_) => "access token",
            Credential::Key(_) => "key",
            Credential::Login { .. } => "login",
            Credential::DatabaseUrl(_) => "database URL",
            Credential::Aws(_) => "AWS keys",
        }
    }

    /// The credential as one string, for `keyport token`: a token, a key, or a database URL.
    /// A login or AWS keys are more than one value and are refused with where to get them.
    pub fn token(&self) -> Result<&str, HandOffError> {
        match self {
            Credential::AccessToken(t) | Credential::Key(t) | Credential::DatabaseUrl(t) => {
                Ok(t.expose_to_asker())
            }
            Credential::Login { .. } => Err(HandOffError::NotOne(LOGIN_NOT_ONE)),
            Credential::Aws(_) => Err(HandOffError::NotOne(AWS_NOT_ONE)),
        }
    }

    /// The credential as the HTTP header its service takes: `Authorization: Bearer …` for an
    /// access token; for a key or login, where its catalog entry puts it (a header filled from
    /// its template and the connection's settings, or HTTP Basic).
    pub fn header(
        &self,
        connector: &Connector,
        connection_type: ConnectionType,
        settings: &BTreeMap<String, String>,
    ) -> Result<(String, Zeroizing<String>), HandOffError> {
        let no_header = || HandOffError::NoHeader {
            connector: connector.name.clone(),
            what: self.what(),
        };
        let secret = match self {
            Credential::AccessToken(token) => {
                let value = format!("Bearer {}", token.expose_to_asker());
                return Ok(("Authorization".to_owned(), Zeroizing::new(value)));
            }
            Credential::Key(secret)
            | Credential::Login {
                password: secret, ..
            } => secret,
            Credential::DatabaseUrl(_) | Credential::Aws(_) => return Err(no_header()),
        };
        let Some(auth) = connector.key_auth(connection_type) else {
            return match self {
                Credential::Login { user, password } => Ok(basic(user, password.expose_to_asker())),
                _ => Err(no_header()),
            };
        };
        // The settings hold a login's user name (`{username}`); the secret is added for the
        // templates and wiped after.
        let mut values = settings.clone();
        values.insert("secret".to_owned(), secret.expose_to_asker().to_owned());
        let filled = |template: &str| fill(template, |name| values.get(name).cloned());
        let header = match (auth.location, &auth.name) {
            (KeyLocation::Header, Some(name)) => {
                filled(auth.template.as_deref().unwrap_or("{secret}"))
                    .map(|value| (name.clone(), Zeroizing::new(value)))
            }
            (KeyLocation::Basic, _) => {
                let user =
                    filled(auth.username.as_deref().unwrap_or("{username}")).map(Zeroizing::new);
                let password =
                    filled(auth.password.as_deref().unwrap_or("{secret}")).map(Zeroizing::new);
                user.zip(password).map(|(u, p)| basic(&u, &p))
            }
            _ => None,
        };
        if let Some(secret) = values.get_mut("secret") {
            zeroize::Zeroize::zeroize(secret);
        }
        header.ok_or_else(no_header)
    }
}

/// HTTP Basic (RFC 7617): the user and password joined by a colon, in base64.
fn basic(user: &str, password: &str) -> (String, Zeroizing<String>) {
    let joined = Zeroizing::new(format!("{user}:{password}"));
    let encoded =
        Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(joined.as_bytes()));
    (
        "Authorization".to_owned(),
        Zeroizing::new(format!("Basic {}", encoded.as_str())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handed_values_never_print() {
        let token = Credential::AccessToken(Handed::new("at-sentinel"));
        let login = Credential::Login {
            user: "ana".into(),
            password: Handed::new("pw-sentinel"),
        };
        let shown = format!("{token:?} {login:?} {:?}", Handed::new("x-sentinel"));
        assert!(!shown.contains("sentinel"), "{shown}");
        assert_eq!(token.token().unwrap(), "at-sentinel");
        assert!(matches!(login.token(), Err(HandOffError::NotOne(_))));
    }
}
