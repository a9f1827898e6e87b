//! How what was typed becomes the request: the secrets read from their elements for the one
//! call that sends them, the required fields left empty, the trimmed settings, the
//! `ConnectRequest` and the key file's path.

use super::fields::{KEY_FILE, USERNAME};
use keyport_model::{ConfigField, ConnectRequest, ConnectionType, Connector};
use std::collections::BTreeMap;

/// The secrets as typed, by key, for the one call that sends them: `read` gives a secret
/// field's content; empty ones are left out (Redis without a password, no AWS session token).
pub fn typed_secrets(
    fields: &[ConfigField],
    mut read: impl FnMut(&str) -> String,
) -> BTreeMap<String, String> {
    fields
        .iter()
        .filter(|f| f.secret)
        .map(|f| (f.key.clone(), read(&f.key)))
        .filter(|(_, value)| !value.is_empty())
        .collect()
}

/// The keys of required fields left empty (whitespace counts as empty), settings and secrets.
pub fn missing_required(
    fields: &[ConfigField],
    values: &BTreeMap<String, String>,
    secrets: &BTreeMap<String, String>,
) -> Vec<String> {
    fields
        .iter()
        .filter(|f| {
            let given = if f.secret { secrets } else { values };
            f.required && given.get(&f.key).is_none_or(|v| v.trim().is_empty())
        })
        .map(|f| f.key.clone())
        .collect()
}

/// The settings a form sends: its non-secret fields, trimmed, empty ones left out (the core
/// treats a missing optional value as not given).
pub fn settings(
    kind: ConnectionType,
    fields: &[ConfigField],
    values: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    fields
        .iter()
        .filter(|f| {
            let username = kind == ConnectionType::BasicAuth && f.key == USERNAME;
            !f.secret && !username && f.key != KEY_FILE
        })
        .filter_map(|f| {
            let value = values.get(&f.key)?.trim();
            (!value.is_empty()).then(|| (f.key.clone(), value.to_owned()))
        })
        .collect()
}

/// The request the form sends beside its secrets. `verify` asks the core to check the
/// credential with the service before storing it (the default); `false` is the explicit
/// "Store without checking".
pub fn connect_request(
    connector: &Connector,
    kind: ConnectionType,
    fields: &[ConfigField],
    name: &str,
    values: &BTreeMap<String, String>,
    verify: bool,
) -> ConnectRequest {
    let name = name.trim();
    ConnectRequest {
        connector_id: connector.id.clone(),
        connection_type: kind,
        name: (!name.is_empty()).then(|| name.to_owned()),
        config: settings(kind, fields, values),
        username: (kind == ConnectionType::BasicAuth).then(|| {
            values
                .get(USERNAME)
                .map(|u| u.trim().to_owned())
                .unwrap_or_default()
        }),
        verify,
    }
}

/// The key file's path the form sends as `keyFile`, when it asks for one and one was given.
pub fn key_file_path(fields: &[ConfigField], values: &BTreeMap<String, String>) -> Option<String> {
    fields.iter().find(|f| f.key == KEY_FILE)?;
    let path = values.get(KEY_FILE)?.trim();
    (!path.is_empty()).then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::super::fields::{control, defaults, form_fields, Control, DbEntry, SECRET, URL};
    use super::*;
    use crate::test_support::{
        connector, database, field, key_auth_section, keys, map, service_account,
    };
    use keyport_model::{Category, DbDriver, ServiceAccountFormat};

    #[test]
    fn database_fields_split_into_settings_and_the_password() {
        let c = database(DbDriver::Redis, 6379, &["redis"], &["none", "secure"]);
        let fields = form_fields(&c, ConnectionType::Database, DbEntry::Fields);
        let mut values = defaults(&fields);
        values.insert("host".to_owned(), " 127.0.0.1 ".to_owned());
        values.insert("user".to_owned(), "".to_owned());
        let secrets = typed_secrets(&fields, |key| {
            assert_eq!(key, "password");
            "pw with spaces ".to_owned()
        });
        assert_eq!(secrets, map(&[("password", "pw with spaces ")]));
        assert!(missing_required(&fields, &values, &secrets).is_empty());
        let request = connect_request(&c, ConnectionType::Database, &fields, "", &values, true);
        assert_eq!(
            request.config,
            map(&[("host", "127.0.0.1"), ("port", "6379"), ("tls", "none")])
        );
        assert_eq!((request.name, request.username), (None, None));
        // Redis without a password: no secret at all.
        assert!(typed_secrets(&fields, |_| String::new()).is_empty());

        // URL entry: the URL is the one secret and the settings stay empty.
        let url = form_fields(&c, ConnectionType::Database, DbEntry::Url);
        let values = defaults(&url);
        let secrets = typed_secrets(&url, |_| "redis://:pw@127.0.0.1:6379".to_owned());
        assert_eq!(secrets.keys().collect::<Vec<_>>(), [URL]);
        let request = connect_request(&c, ConnectionType::Database, &url, "Cache", &values, false);
        assert!(request.config.is_empty());
        assert!(!request.verify);
        assert_eq!(request.name.as_deref(), Some("Cache"));
        assert_eq!(
            missing_required(&url, &values, &BTreeMap::new()),
            [URL.to_owned()]
        );
    }

    #[test]
    fn service_account_secrets_are_its_secret_fields() {
        let mut key_json = field("key_json", true, true);
        key_json.label = "Service account key (JSON)".to_owned();
        let mut region = field("region", true, false);
        region.default = Some("us-east-1".to_owned());
        let mut c = service_account(vec![
            field("access_key_id", true, false),
            field("secret_access_key", true, true),
            field("session_token", false, true),
            region,
            key_json,
            field("private_key", true, true),
        ]);
        c.fields = vec![field("workspace_host", true, false)];
        let fields = form_fields(&c, ConnectionType::ServiceAccount, DbEntry::Fields);
        assert_eq!(
            keys(&fields),
            [
                "workspace_host",
                "access_key_id",
                "secret_access_key",
                "session_token",
                "region",
                "key_json",
                "private_key"
            ]
        );
        let controls: Vec<_> = fields.iter().map(control).collect();
        assert_eq!(
            controls,
            [
                Control::Text,
                Control::Text,
                Control::Password,
                Control::Password,
                Control::Text,
                Control::Password,
                Control::Password
            ]
        );
        let mut values = defaults(&fields);
        values.insert("access_key_id".to_owned(), "AKIAEXAMPLE".to_owned());
        let typed = map(&[
            ("secret_access_key", "wJalr"),
            ("session_token", ""),
            ("key_json", "{}"),
        ]);
        let secrets = typed_secrets(&fields, |key| typed.get(key).cloned().unwrap_or_default());
        assert_eq!(
            secrets,
            map(&[("secret_access_key", "wJalr"), ("key_json", "{}")])
        );
        assert_eq!(
            missing_required(&fields, &values, &secrets),
            ["workspace_host", "private_key"]
        );
        let request = connect_request(
            &c,
            ConnectionType::ServiceAccount,
            &fields,
            " Prod ",
            &values,
            true,
        );
        assert_eq!(
            request.config,
            map(&[("access_key_id", "AKIAEXAMPLE"), ("region", "us-east-1")])
        );
        assert_eq!(request.name.as_deref(), Some("Prod"));
        assert!(!request.config.keys().any(|k| secrets.contains_key(k)));
    }

    #[test]
    fn a_key_file_is_asked_for_by_its_path() {
        let mut key_json = field("key_json", true, true);
        key_json.label = "Service account key (JSON)".to_owned();
        key_json.help = Some("The whole downloaded key file.".to_owned());
        let mut c = service_account(vec![key_json]);
        c.connection_types = vec![ConnectionType::ServiceAccount];
        c.service_account.as_mut().unwrap().format = ServiceAccountFormat::GcpJsonKey;
        let fields = form_fields(&c, ConnectionType::ServiceAccount, DbEntry::Fields);
        assert_eq!(keys(&fields), [KEY_FILE]);
        let file = &fields[0];
        assert_eq!(control(file), Control::KeyFile);
        assert!(!file.secret && file.required);
        assert_eq!(file.label, "Key file");
        assert_eq!(
            file.help.as_deref(),
            Some("Service account key (JSON). The whole downloaded key file.")
        );
        // The path is neither a secret nor a setting: it goes as `keyFile`.
        let values = map(&[(KEY_FILE, " /home/jane/key.json ")]);
        assert!(typed_secrets(&fields, |_| unreachable!()).is_empty());
        assert!(missing_required(&fields, &values, &BTreeMap::new()).is_empty());
        let request = connect_request(
            &c,
            ConnectionType::ServiceAccount,
            &fields,
            "",
            &values,
            true,
        );
        assert!(request.config.is_empty());
        assert_eq!(
            key_file_path(&fields, &values).as_deref(),
            Some("/home/jane/key.json")
        );
        assert_eq!(key_file_path(&fields, &map(&[(KEY_FILE, " ")])), None);
        assert_eq!(
            missing_required(&fields, &BTreeMap::new(), &BTreeMap::new()),
            [KEY_FILE]
        );
        // Another type of the same connector has no key file.
        assert_eq!(
            key_file_path(
                &form_fields(&c, ConnectionType::ApiKey, DbEntry::Fields),
                &values
            ),
            None
        );
    }

    #[test]
    fn request_trims_and_leaves_out_empty_values() {
        let mut c = connector("jira", "Jira", Category::Crm, "Issues");
        c.fields = vec![
            field("site", true, false),
            field("region", false, false),
            field("extra_secret", false, true),
        ];
        c.basic_auth = Some(key_auth_section());
        c.api_key = Some(key_auth_section());
        let basic = form_fields(&c, ConnectionType::BasicAuth, DbEntry::Fields);
        let mut values = map(&[("site", " acme "), ("region", "  "), (USERNAME, " jane ")]);
        let secrets = map(&[(SECRET, "x")]);
        assert!(missing_required(&basic, &values, &secrets).is_empty());
        let request = connect_request(&c, ConnectionType::BasicAuth, &basic, " ", &values, true);
        assert!(request.verify);
        assert_eq!(request.name, None);
        assert_eq!(request.username.as_deref(), Some("jane"));
        assert_eq!(request.config, map(&[("site", "acme")]));
        let key = form_fields(&c, ConnectionType::ApiKey, DbEntry::Fields);
        let request = connect_request(&c, ConnectionType::ApiKey, &key, "Prod", &values, false);
        assert!(!request.verify);
        assert_eq!(
            (request.name.as_deref(), request.username),
            (Some("Prod"), None)
        );
        values.insert("site".to_owned(), " ".to_owned());
        values.insert(USERNAME.to_owned(), "".to_owned());
        assert_eq!(
            missing_required(&basic, &values, &BTreeMap::new()),
            ["site", USERNAME, SECRET]
        );
    }
}
