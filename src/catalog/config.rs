//! Checks the values a person gives for a connector's fields (`--config k=v`): only declared,
//! non-secret fields, each matching its pattern, required ones present (defaults filled in),
//! and every address the connection will call still acceptable once they are filled in.

use super::template::{fill_url, placeholders, UrlRule};
use super::validate::whole_match;
use keyport_model::{ConfigField, ConnectionType, Connector};
use std::collections::BTreeMap;

/// A setting refused, with the field it concerns so a form can show the reason beside it
/// (`None` only when an address built from several settings is refused without naming one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub field: Option<String>,
    pub message: String,
}

impl ConfigError {
    fn at(field: &str, message: String) -> Self {
        ConfigError {
            field: Some(field.to_owned()),
            message,
        }
    }
}

/// The settings of a connection of `kind`, checked, with defaults filled in.
pub fn config_values(
    connector: &Connector,
    kind: ConnectionType,
    config: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, ConfigError> {
    let fields: Vec<_> = connector.fields_for(kind).filter(|f| !f.secret).collect();
    let values = validate_fields(connector, &fields, config)?;
    // Refused here, before a browser opens or anything is stored; each request checks its
    // address again, with what a sign-in learned too (Salesforce's `instance_url`).
    for (_, template) in endpoints(connector, kind) {
        let complete =
            placeholders(template).is_ok_and(|names| names.iter().all(|n| values.contains_key(*n)));
        if complete {
            fill_url(template, &values, UrlRule::of(connector)).map_err(|e| ConfigError {
                message: e.to_string(),
                field: e.field,
            })?;
        }
    }
    Ok(values)
}

/// The URL templates a connection of `kind` sends requests to, each with its field path.
pub(crate) fn endpoints(c: &Connector, kind: ConnectionType) -> Vec<(String, &str)> {
    let mut urls = Vec::new();
    match kind {
        ConnectionType::Oauth2 => {
            if let Some(o) = &c.oauth2 {
                urls.push((
                    "oauth2.authorization_url".to_owned(),
                    o.authorization_url.as_str(),
                ));
                urls.push(("oauth2.token_url".to_owned(), o.token_url.as_str()));
                if let Some(r) = &o.revocation_url {
                    urls.push(("oauth2.revocation_url".to_owned(), r.as_str()));
                }
                for (i, lookup) in o.post_connect.iter().enumerate() {
                    urls.push((format!("oauth2.post_connect[{i}].url"), lookup.url.as_str()));
                }
                if let Some(check) = &o.check {
                    urls.push(("oauth2.check.url".to_owned(), check.url.as_str()));
                }
            }
        }
        ConnectionType::ApiKey | ConnectionType::BearerToken | ConnectionType::BasicAuth => {
            if let Some(auth) = c.key_auth(kind) {
                urls.push((format!("{}.check.url", kind.id()), auth.check.url.as_str()));
            }
        }
        ConnectionType::ServiceAccount => {
            if let Some(sa) = &c.service_account {
                if let Some(t) = &sa.token_url {
                    urls.push(("service_account.token_url".to_owned(), t.as_str()));
                }
                if let Some(check) = &sa.check {
                    urls.push(("service_account.check.url".to_owned(), check.url.as_str()));
                }
            }
        }
        ConnectionType::Database => {}
    }
    urls
}

/// Checks `config` against `fields` (non-secret ones), filling in defaults.
pub fn validate_fields(
    connector: &Connector,
    fields: &[&ConfigField],
    config: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, ConfigError> {
    let mut out = BTreeMap::new();
    for (key, value) in config {
        let Some(field) = fields.iter().find(|f| &f.key == key) else {
            let known: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
            return Err(ConfigError::at(
                key,
                if known.is_empty() {
                    format!(
                        "{} takes no settings, so `{key}` is not one",
                        connector.name
                    )
                } else {
                    format!(
                        "{} has no setting `{key}`; it takes {}",
                        connector.name,
                        known.join(", ")
                    )
                },
            ));
        };
        if !field.options.is_empty() && !field.options.contains(value) {
            return Err(ConfigError::at(
                key,
                format!(
                    "`{value}` is not a {} {} knows; use one of {}",
                    field.label.to_lowercase(),
                    connector.name,
                    field.options.join(", ")
                ),
            ));
        }
        if let Some(pattern) = &field.pattern {
            let matches = whole_match(pattern).is_ok_and(|re| re.is_match(value));
            if !matches {
                let example = field
                    .example
                    .as_deref()
                    .map(|e| format!(" (for example {e})"))
                    .unwrap_or_default();
                return Err(ConfigError::at(
                    key,
                    format!(
                        "`{value}` is not a valid {}{example}",
                        field.label.to_lowercase()
                    ),
                ));
            }
        }
        out.insert(key.clone(), value.clone());
    }
    for field in fields.iter() {
        if out.contains_key(&field.key) {
            continue;
        }
        match (&field.default, field.required) {
            (Some(default), _) => {
                out.insert(field.key.clone(), default.clone());
            }
            (None, true) => {
                return Err(ConfigError::at(
                    &field.key,
                    format!(
                        "{} needs `{}` ({}): add --config {}=…",
                        connector.name, field.key, field.label, field.key
                    ),
                ))
            }
            (None, false) => {}
        }
    }
    Ok(out)
}
