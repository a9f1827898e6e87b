//! Checks the values a person gives for a connector's fields (`--config k=v`): only declared,
//! non-secret fields, each matching its pattern, required ones present (defaults filled in).

use super::validate::whole_match;
use keyport_model::{ConfigField, ConnectionType, Connector};
use std::collections::BTreeMap;

pub fn validate_config(
    connector: &Connector,
    kind: ConnectionType,
    config: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, String> {
    let fields: Vec<_> = connector.fields_for(kind).filter(|f| !f.secret).collect();
    validate_fields(connector, &fields, config)
}

/// Checks `config` against `fields` (non-secret ones), filling in defaults.
pub fn validate_fields(
    connector: &Connector,
    fields: &[&ConfigField],
    config: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (key, value) in config {
        let Some(field) = fields.iter().find(|f| &f.key == key) else {
            let known: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
            return Err(if known.is_empty() {
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
            });
        };
        if !field.options.is_empty() && !field.options.contains(value) {
            return Err(format!(
                "`{value}` is not a {} {} knows; use one of {}",
                field.label.to_lowercase(),
                connector.name,
                field.options.join(", ")
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
                return Err(format!(
                    "`{value}` is not a valid {}{example}",
                    field.label.to_lowercase()
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
                return Err(format!(
                    "{} needs `{}` ({}): add --config {}=…",
                    connector.name, field.key, field.label, field.key
                ))
            }
            (None, false) => {}
        }
    }
    Ok(out)
}
