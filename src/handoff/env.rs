//! The environment `keyport exec` gives a child: for each connection named, the variables its
//! connector's `[[env]]` table declares (the names its common tools read), and each
//! `--env NAME=CONNECTION[.field]` the person adds or overrides. Values come from hand-offs, so
//! they are fresh and recorded; what could mint credentials (a refresh token, a client secret)
//! is never among them.

use super::{Credential, HandOff, HandOffError};
use keyport_model::env_value;
use std::str::FromStr;
use zeroize::Zeroizing;

/// `--env NAME=CONNECTION[.field]`: variable `NAME` gets `field` of connection `CONNECTION`
/// (its token, or whatever one value it holds, when no field is named).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvOverride {
    pub name: String,
    pub connection: String,
    pub field: Option<String>,
}

/// Why an `--env` argument cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvSpecError {
    NoEquals,
    BadName,
    NoConnection,
    BadField,
}

impl EnvSpecError {
    fn why(self) -> &'static str {
        match self {
            EnvSpecError::NoEquals => "it takes the form NAME=CONNECTION or NAME=CONNECTION.field",
            EnvSpecError::BadName => {
                "a variable name is letters, digits and `_`, not starting with a digit"
            }
            EnvSpecError::NoConnection => "no connection is named after `=`",
            EnvSpecError::BadField => "the field after the last `.` is empty",
        }
    }
}

impl std::fmt::Display for EnvSpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.why())
    }
}

impl std::error::Error for EnvSpecError {}

/// A variable name a shell can set and a program can read back (what `[[env]]` also allows).
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl FromStr for EnvOverride {
    type Err = EnvSpecError;

    fn from_str(text: &str) -> Result<EnvOverride, EnvSpecError> {
        let (name, target) = text.split_once('=').ok_or(EnvSpecError::NoEquals)?;
        if !is_variable_name(name) {
            return Err(EnvSpecError::BadName);
        }
        // Connection ids are UUIDs (no `.`), so the last `.` starts the field.
        let (connection, field) = match target.rsplit_once('.') {
            Some((_, "")) => return Err(EnvSpecError::BadField),
            Some((connection, field)) => (connection, Some(field.to_owned())),
            None => (target, None),
        };
        if connection.is_empty() {
            return Err(EnvSpecError::NoConnection);
        }
        Ok(EnvOverride {
            name: name.to_owned(),
            connection: connection.to_owned(),
            field,
        })
    }
}

/// One variable for the child.
pub struct EnvEntry {
    pub name: String,
    pub value: Zeroizing<String>,
    /// A credential (masked in the child's output), not a setting such as a region.
    pub secret: bool,
}

impl std::fmt::Debug for EnvEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.secret {
            true => write!(f, "{}=***", self.name),
            false => write!(f, "{}={}", self.name, self.value.as_str()),
        }
    }
}

/// What `exec` puts in the child's environment, and until when it holds.
#[derive(Debug, Default)]
pub struct Environment {
    pub entries: Vec<EnvEntry>,
    /// The earliest expiry of an access token among them (RFC 3339), when one expires.
    pub expires_at: Option<String>,
}

impl Environment {
    /// The values to mask in the child's output.
    pub fn secrets(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .filter(|e| e.secret)
            .map(|e| e.value.as_str())
    }

    fn set(&mut self, entry: EnvEntry) {
        self.entries.retain(|e| e.name != entry.name);
        self.entries.push(entry);
    }
}

/// Builds the environment from the hand-offs of `named` (each connection given on the command
/// line, with its connector's declared variables) and `overrides` (whose connections must be
/// among `handed`).
pub fn environment(
    handed: &[HandOff],
    named: &[String],
    overrides: &[EnvOverride],
) -> Result<Environment, HandOffError> {
    let find = |id: &str| {
        handed
            .iter()
            .find(|h| h.connection.id == id)
            .ok_or_else(|| {
                HandOffError::Vault(crate::vault::VaultError::ConnectionNotFound(id.to_owned()))
            })
    };
    let mut env = Environment::default();
    let mut set_by: Vec<(String, String)> = Vec::new();
    for id in named {
        let handed = find(id)?;
        let connector = &handed.connector;
        let declared: Vec<_> = connector
            .env
            .iter()
            .filter_map(|var| value(handed, &var.value).map(|v| (var, v)))
            .collect();
        let overridden = overrides.iter().any(|o| o.connection == *id);
        if declared.is_empty() && !overridden {
            return Err(HandOffError::NoVariables {
                name: handed.connection.name.clone(),
                connector: connector.name.clone(),
            });
        }
        for (var, (value, secret)) in declared {
            if let Some((_, first)) = set_by.iter().find(|(name, _)| *name == var.name) {
                if !overrides.iter().any(|o| o.name == var.name) {
                    return Err(HandOffError::VariableTwice {
                        variable: var.name.clone(),
                        first: first.clone(),
                        second: handed.connection.name.clone(),
                    });
                }
            }
            set_by.push((var.name.clone(), handed.connection.name.clone()));
            env.set(EnvEntry {
                name: var.name.clone(),
                value,
                secret,
            });
        }
        env.expires_at = earliest(env.expires_at.take(), handed.expires_at());
    }
    for o in overrides {
        let handed = find(&o.connection)?;
        let field = match &o.field {
            Some(field) => field.as_str(),
            None => one_value(&handed.credential).ok_or_else(|| HandOffError::NameAField {
                variable: o.name.clone(),
                name: handed.connection.name.clone(),
                what: handed.credential.what(),
            })?,
        };
        let (value, secret) = value(handed, field).ok_or_else(|| HandOffError::NoField {
            variable: o.name.clone(),
            name: handed.connection.name.clone(),
            field: field.to_owned(),
            fields: fields(handed).join(", "),
        })?;
        env.set(EnvEntry {
            name: o.name.clone(),
            value,
            secret,
        });
        env.expires_at = earliest(env.expires_at.take(), handed.expires_at());
    }
    Ok(env)
}

fn earliest(a: Option<String>, b: Option<&str>) -> Option<String> {
    let at = |text: &str| {
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
    };
    match (a, b) {
        (Some(a), Some(b)) if at(b) < at(&a) => Some(b.to_owned()),
        (Some(a), _) => Some(a),
        (None, b) => b.map(str::to_owned),
    }
}

/// The field a credential gives when none is named: its one value.
fn one_value(credential: &Credential) -> Option<&'static str> {
    match credential {
        Credential::AccessToken(_) | Credential::Key(_) => Some(env_value::TOKEN),
        Credential::DatabaseUrl(_) => Some(env_value::DATABASE_URL),
        Credential::Login { .. } | Credential::Aws(_) => None,
    }
}

/// The fields a hand-off can fill, for the message that names a missing one.
fn fields(handed: &HandOff) -> Vec<String> {
    let mut names: Vec<String> = env_value::CREDENTIALS
        .iter()
        .filter(|f| value(handed, f).is_some())
        .map(|f| (*f).to_owned())
        .collect();
    names.extend(handed.connection.metadata.keys().cloned());
    names
}

/// `field` of a hand-off and whether it is a secret; `None` when it has no such field.
fn value(handed: &HandOff, field: &str) -> Option<(Zeroizing<String>, bool)> {
    let secret = |text: &str| Some((Zeroizing::new(text.to_owned()), true));
    let plain = |text: &str| Some((Zeroizing::new(text.to_owned()), false));
    match (&handed.credential, field) {
        (Credential::AccessToken(t) | Credential::Key(t), env_value::TOKEN) => {
            secret(t.expose_to_asker())
        }
        (Credential::DatabaseUrl(url), env_value::DATABASE_URL) => secret(url.expose_to_asker()),
        (Credential::DatabaseUrl(url), env_value::USERNAME | env_value::PASSWORD) => {
            // `Url` cannot be wiped; what is taken from it is.
            let parsed = url::Url::parse(url.expose_to_asker()).ok()?;
            let (part, is_secret) = match field {
                env_value::PASSWORD => (parsed.password()?, true),
                _ => (parsed.username(), false),
            };
            let decoded = crate::database::percent_decode(part);
            (!decoded.is_empty()).then(|| (Zeroizing::new(decoded), is_secret))
        }
        (Credential::Login { user, .. }, env_value::USERNAME) => plain(user),
        (Credential::Login { password, .. }, env_value::PASSWORD) => {
            secret(password.expose_to_asker())
        }
        (Credential::Aws(keys), env_value::ACCESS_KEY_ID) => plain(keys.access_key_id()),
        (Credential::Aws(keys), env_value::SECRET_ACCESS_KEY) => secret(keys.secret_access_key()),
        (Credential::Aws(keys), env_value::SESSION_TOKEN) => secret(keys.session_token()?),
        (_, field) if env_value::CREDENTIALS.contains(&field) => None,
        (_, setting) => plain(handed.connection.metadata.get(setting)?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_env_arguments() {
        let parsed: EnvOverride = "GH=0b1c-2d.token".parse().unwrap();
        assert_eq!(
            parsed,
            EnvOverride {
                name: "GH".into(),
                connection: "0b1c-2d".into(),
                field: Some("token".into())
            }
        );
        let bare: EnvOverride = "_X1=abc".parse().unwrap();
        assert_eq!(bare.field, None);
        for (text, err) in [
            ("GH", EnvSpecError::NoEquals),
            ("1GH=abc", EnvSpecError::BadName),
            ("G-H=abc", EnvSpecError::BadName),
            ("=abc", EnvSpecError::BadName),
            ("GH=", EnvSpecError::NoConnection),
            ("GH=.token", EnvSpecError::NoConnection),
            ("GH=abc.", EnvSpecError::BadField),
        ] {
            assert_eq!(text.parse::<EnvOverride>(), Err(err), "{text}");
        }
    }
}
