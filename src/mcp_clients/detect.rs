//! Telling a credential written in plain text from the other values of a server entry: by the
//! token formats services publish (their prefixes), by the variable names the catalog's
//! connectors declare (`[[env]]`), by a URL that carries a password, and by names that say
//! "secret" (`*TOKEN*`, `*PASSWORD*`, ...). Placeholders (`${VAR}`, `${env:VAR}`, `<token>`,
//! `YOUR_TOKEN`) are not secrets: the client fills them, or the person has not yet.

use crate::catalog::Catalog;
use keyport_model::{env_value, ConnectionType, Connector};

/// What a found secret is, as far as Keyport can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// What a person calls it ("GitHub token", "database URL with a password").
    pub kind: String,
    /// The connector it belongs to, when that is known.
    pub connector: Option<String>,
    /// The credential it makes, when Keyport can store it as one.
    pub credential: Option<Makes>,
}

/// The credential a secret becomes in the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Makes {
    /// An API key or bearer token of this connection type.
    Key(ConnectionType),
    /// A database connection URL, password included.
    DatabaseUrl,
}

struct Prefix {
    starts: &'static str,
    kind: &'static str,
    connector: Option<&'static str>,
}

/// Token formats services publish, each with its page:
/// GitHub https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats
/// GitLab https://docs.gitlab.com/security/tokens/#token-prefixes
/// Stripe https://docs.stripe.com/keys
/// Slack https://docs.slack.dev/authentication/tokens
/// SendGrid https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys
/// AWS https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
/// OpenAI https://platform.openai.com/docs/api-reference/authentication
/// Anthropic https://docs.anthropic.com/en/api/overview#authentication
/// Google https://cloud.google.com/docs/authentication/api-keys
const PREFIXES: &[Prefix] = &[
    Prefix {
        starts: "github_pat_",
        kind: "GitHub token",
        connector: Some("github"),
    },
    Prefix {
        starts: "ghp_",
        kind: "GitHub token",
        connector: Some("github"),
    },
    Prefix {
        starts: "gho_",
        kind: "GitHub token",
        connector: Some("github"),
    },
    Prefix {
        starts: "ghu_",
        kind: "GitHub token",
        connector: Some("github"),
    },
    Prefix {
        starts: "ghs_",
        kind: "GitHub token",
        connector: None,
    },
    Prefix {
        starts: "glpat-",
        kind: "GitLab token",
        connector: Some("gitlab"),
    },
    Prefix {
        starts: "sk_live_",
        kind: "Stripe secret key",
        connector: Some("stripe"),
    },
    Prefix {
        starts: "sk_test_",
        kind: "Stripe secret key",
        connector: Some("stripe"),
    },
    Prefix {
        starts: "rk_live_",
        kind: "Stripe restricted key",
        connector: Some("stripe"),
    },
    Prefix {
        starts: "rk_test_",
        kind: "Stripe restricted key",
        connector: Some("stripe"),
    },
    Prefix {
        starts: "xoxb-",
        kind: "Slack bot token",
        connector: Some("slack"),
    },
    Prefix {
        starts: "xoxp-",
        kind: "Slack user token",
        connector: Some("slack"),
    },
    Prefix {
        starts: "SG.",
        kind: "SendGrid API key",
        connector: Some("sendgrid"),
    },
    // An access key id is half a credential: it is stored with its secret key, by hand.
    Prefix {
        starts: "AKIA",
        kind: "AWS access key id",
        connector: None,
    },
    Prefix {
        starts: "ASIA",
        kind: "AWS temporary access key id",
        connector: None,
    },
    Prefix {
        starts: "sk-ant-",
        kind: "Anthropic API key",
        connector: None,
    },
    Prefix {
        starts: "sk-proj-",
        kind: "OpenAI API key",
        connector: None,
    },
    Prefix {
        starts: "AIza",
        kind: "Google API key",
        connector: None,
    },
];

/// Words docs write where a secret goes (`postgresql://USER:PASSWORD@localhost/mydb`).
const DOC_WORDS: [&str; 6] = ["PASSWORD", "PASS", "SECRET", "TOKEN", "CHANGEME", "VALUE"];

/// A value the client or the person still fills in, not a secret.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let upper = v.to_ascii_uppercase();
    v.is_empty()
        || v.contains("${")
        || v.starts_with('$')
        || v.contains('<')
        || upper.contains("YOUR_")
        || upper.contains("YOUR-")
        || upper.contains("XXXX")
        || DOC_WORDS.contains(&upper.as_str())
}

/// Whether a variable, flag or header name says it holds a secret.
pub fn secret_name(name: &str) -> bool {
    let upper = name
        .trim_start_matches('-')
        .to_ascii_uppercase()
        .replace('-', "_");
    const WORDS: [&str; 10] = [
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
        "AUTHORIZATION",
    ];
    WORDS.iter().any(|w| upper.contains(w))
        || upper.ends_with("_KEY")
        || upper.ends_with("_PWD")
        || upper == "PWD"
        || upper == "KEY"
}

/// A value that names a file or a setting rather than holding a secret: a path, a number, a
/// word such as `true`.
fn looks_like_setting(value: &str) -> bool {
    let v = value.trim();
    v.starts_with('/')
        || v.starts_with("~/")
        || v.starts_with("./")
        || v.chars().nth(1) == Some(':') && v.contains('\\')
        || v.len() < 8
        || v.chars().all(|c| c.is_ascii_digit())
}

/// The scheme of a URL that carries a password, when `value` is one.
fn url_with_password(value: &str) -> Option<String> {
    let url = url::Url::parse(value.trim()).ok()?;
    let password = url.password()?;
    let decoded = percent_encoding::percent_decode_str(password).decode_utf8_lossy();
    (!decoded.is_empty() && !is_placeholder(&decoded)).then(|| url.scheme().to_owned())
}

/// The connection type a key of `connector` is stored as: its first key or token type.
fn key_type(connector: &Connector) -> Option<ConnectionType> {
    connector
        .connection_types
        .iter()
        .copied()
        .find(|t| matches!(t, ConnectionType::ApiKey | ConnectionType::BearerToken))
}

/// The one connector whose `[[env]]` declares `name` as a credential, with the value it names.
fn declared<'c>(catalog: &'c Catalog, name: &str) -> Option<(&'c Connector, &'c str)> {
    let mut found = catalog.connectors().iter().flat_map(|c| {
        c.env
            .iter()
            .filter(move |e| e.name == name && env_value::CREDENTIALS.contains(&e.value.as_str()))
            .map(move |e| (c, e.value.as_str()))
    });
    let first = found.next()?;
    // A name two connectors declare says nothing about which one it is.
    found.next().is_none().then_some(first)
}

/// What the value `value`, found under `name` (a variable, flag or header; none for a bare
/// argument), is, or `None` when it is no secret.
pub fn detect(catalog: &Catalog, name: Option<&str>, value: &str) -> Option<Detected> {
    let value = value.trim();
    // A header's scheme word is not part of the secret.
    let bare = ["Bearer ", "bearer ", "Basic ", "token ", "Token "]
        .iter()
        .find_map(|p| value.strip_prefix(p))
        .unwrap_or(value)
        .trim();
    if is_placeholder(bare) {
        return None;
    }
    if let Some(prefix) = PREFIXES.iter().find(|p| bare.starts_with(p.starts)) {
        let connector = prefix.connector.and_then(|id| catalog.get(id).ok());
        return Some(Detected {
            kind: prefix.kind.to_owned(),
            connector: connector.map(|c| c.id.clone()),
            credential: connector.and_then(key_type).map(Makes::Key),
        });
    }
    if let Some(scheme) = url_with_password(bare) {
        let connector = catalog.connectors().iter().find(|c| {
            c.database
                .as_ref()
                .is_some_and(|d| d.url_schemes.contains(&scheme))
        });
        return Some(Detected {
            kind: match connector {
                Some(c) => format!("{} URL with a password", c.name),
                None => "URL with a password".to_owned(),
            },
            connector: connector.map(|c| c.id.clone()),
            credential: connector.map(|_| Makes::DatabaseUrl),
        });
    }
    let name = name?;
    if let Some((connector, what)) = declared(catalog, name) {
        if looks_like_setting(bare) {
            return None;
        }
        let credential = match what {
            env_value::TOKEN => key_type(connector).map(Makes::Key),
            env_value::DATABASE_URL => Some(Makes::DatabaseUrl),
            // A password, a user name or AWS keys are parts of a login: stored by hand.
            _ => None,
        };
        return Some(Detected {
            kind: format!("{} {}", connector.name, what.replace('_', " ")),
            connector: Some(connector.id.clone()),
            credential,
        });
    }
    (secret_name(name) && !looks_like_setting(bare)).then(|| Detected {
        kind: "secret (by its name)".to_owned(),
        connector: None,
        credential: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: Option<&str>, value: &str) -> Option<(String, Option<String>)> {
        detect(&Catalog::builtin(), name, value).map(|d| (d.kind, d.connector))
    }

    #[test]
    fn prefixes_name_the_service_and_its_connector() {
        let gh = kind(None, "ghp_16C7e42F292c6912E7710c838347Ae178B4a").unwrap();
        assert_eq!(gh, ("GitHub token".into(), Some("github".into())));
        let stripe = detect(
            &Catalog::builtin(),
            Some("X"),
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        )
        .unwrap();
        assert_eq!(stripe.connector.as_deref(), Some("stripe"));
        assert_eq!(stripe.credential, Some(Makes::Key(ConnectionType::ApiKey)));
        assert_eq!(
            kind(Some("Authorization"), "Bearer glpat-abcdefghijklmnop")
                .unwrap()
                .0,
            "GitLab token"
        );
        assert_eq!(
            kind(None, "AKIAIOSFODNN7EXAMPLE").unwrap(),
            ("AWS access key id".into(), None)
        );
    }

    #[test]
    fn database_urls_with_a_password_are_found_by_scheme() {
        let pg = detect(
            &Catalog::builtin(),
            None,
            "postgresql://app:s3cret@db.example:5432/app",
        )
        .unwrap();
        assert_eq!(pg.connector.as_deref(), Some("postgresql"));
        assert_eq!(pg.credential, Some(Makes::DatabaseUrl));
        assert!(kind(None, "postgresql://app@db.example/app").is_none());
        assert!(kind(None, "postgresql://app:${PGPASSWORD}@db/app").is_none());
        assert!(kind(None, "postgresql://USER:PASSWORD@localhost/mydb").is_none());
        assert_eq!(kind(None, "https://u:p4ss@host/x").unwrap().1, None);
    }

    #[test]
    fn catalog_names_and_secret_words_find_the_rest() {
        assert_eq!(
            kind(Some("STRIPE_SECRET_KEY"), "abcdefghijklmnop").unwrap(),
            ("Stripe token".into(), Some("stripe".into()))
        );
        assert_eq!(
            kind(Some("MY_SERVICE_TOKEN"), "abcdefghijklmnop")
                .unwrap()
                .0,
            "secret (by its name)"
        );
        assert!(kind(Some("LOG_LEVEL"), "debug-verbose-mode").is_none());
        assert!(kind(Some("PGPORT"), "5432").is_none());
        assert!(kind(Some("GOOGLE_APPLICATION_CREDENTIALS"), "/home/me/key.json").is_none());
    }

    #[test]
    fn placeholders_are_not_secrets() {
        for v in [
            "${GITHUB_TOKEN}",
            "${env:GITHUB_TOKEN}",
            "${input:token}",
            "YOUR_GITHUB_PAT",
            "<your-token>",
            "",
            "sk_test_xxxxxxxxxxxx",
        ] {
            assert!(kind(Some("GITHUB_TOKEN"), v).is_none(), "{v}");
        }
    }
}
