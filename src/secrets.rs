//! The secrets a person gives, each a type of its own so one cannot be passed where another is
//! meant: an API key (or token) only goes where a request carries a key, a password only into a
//! login. As the OAuth tokens (`oauth::tokens`): zeroized when dropped, a Debug that prints no
//! value, and no Display, so neither can be formatted into a message or a log by accident.

use crate::vault::SecretValue;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// An API key, personal access token or bearer token.
pub struct ApiKey(SecretString);

/// A password: of a basic-auth login, or of a database login.
pub struct Password(SecretString);

/// The text of a sealed value, or `None` when it is not UTF-8.
fn text_of(value: &SecretValue) -> Option<SecretString> {
    let text = std::str::from_utf8(value.expose_to_caller()).ok()?;
    Some(SecretString::from(text))
}

impl ApiKey {
    /// The key a value holds, when it is text.
    pub fn read(value: &SecretValue) -> Option<ApiKey> {
        text_of(value).map(ApiKey)
    }

    /// For the request that carries it (the check call).
    pub fn expose_for_request(&self) -> &str {
        self.0.expose_secret()
    }
}

impl Password {
    /// The password a value holds, when it is text.
    pub fn read(value: &SecretValue) -> Option<Password> {
        text_of(value).map(Password)
    }

    /// For the login it belongs to (a basic-auth header, a database URL).
    pub fn expose_for_login(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reads_text_only_and_never_prints_its_value() {
        let key = ApiKey::read(&SecretValue::new(b"SG.live-key".to_vec())).unwrap();
        let password = Password::read(&SecretValue::new(b" pass word ".to_vec())).unwrap();
        assert_eq!(key.expose_for_request(), "SG.live-key");
        assert_eq!(password.expose_for_login(), " pass word ");
        assert_eq!(format!("{key:?} {password:?}"), "ApiKey(***) Password(***)");
        assert!(ApiKey::read(&SecretValue::new(vec![0xff, 0xfe])).is_none());
        assert!(Password::read(&SecretValue::new(vec![0xc3])).is_none());
    }
}
