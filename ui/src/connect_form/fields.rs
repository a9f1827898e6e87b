//! The fields each connection type's form asks for, in order, and the control each is drawn
//! as: the connector's settings, a database's login (or its whole URL), a key or token, a
//! service account's fields with its key file asked for by its path, and the connection's name.

use keyport_model::{ConfigField, ConnectionType, Connector, DatabaseSpec, DbDriver};
use std::collections::BTreeMap;

/// The secret of a key, token or basic-auth form, by the name the core's `secrets` map uses.
pub const SECRET: &str = "secret";
/// A database's whole connection URL, password included (URL entry).
pub const URL: &str = "url";
/// The basic-auth user name: sent as `request.username`, never among the settings.
pub const USERNAME: &str = "username";
/// A service account's key file, by its path: sent as `keyFile`, never among the settings. The
/// core reads the file itself for the spec's key-file field, so its contents never reach the
/// webview.
pub const KEY_FILE: &str = "key_file";

/// The connection's name field, beside the connector's own (`name_field`).
pub const NAME: &str = "connection_name";

/// The help under every secret field that has none of its own.
pub const SEALED_HELP: &str =
    "Sealed in your vault on this device; Keyport never shows it here again.";

/// How a database login is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DbEntry {
    /// Host, port, user, password, database and TLS mode, one field each.
    #[default]
    Fields,
    /// The whole connection URL in one secret field.
    Url,
}

impl DbEntry {
    pub const ALL: [DbEntry; 2] = [DbEntry::Fields, DbEntry::Url];

    pub fn id(self) -> &'static str {
        match self {
            DbEntry::Fields => "fields",
            DbEntry::Url => "url",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DbEntry::Fields => "Fields",
            DbEntry::Url => "Connection URL",
        }
    }
}

/// A required field with a label and, maybe, help; nothing else set.
fn plain(key: &str, label: &str, help: Option<&str>, secret: bool) -> ConfigField {
    ConfigField {
        key: key.to_owned(),
        label: label.to_owned(),
        help: help.map(str::to_owned),
        pattern: None,
        example: None,
        default: None,
        options: Vec::new(),
        required: true,
        secret,
    }
}

/// The one field of URL entry, its help naming the URL's shape for this driver.
fn url_field(spec: &DatabaseSpec) -> ConfigField {
    let scheme = spec.url_schemes.first().map_or("…", String::as_str);
    let path = if spec.driver == DbDriver::Redis {
        "0"
    } else {
        "database"
    };
    let schemes = spec
        .url_schemes
        .iter()
        .map(|s| format!("{s}://"))
        .collect::<Vec<_>>()
        .join(" or ");
    let help = format!(
        "The whole URL, password included, e.g. {scheme}://user:password@host:{}/{path} \
         (starting {schemes}). Sealed in your vault on this device.",
        spec.default_port
    );
    plain(URL, "Connection URL", Some(&help), true)
}

/// The connection's name: how it shows in Keyport. Not a setting the core checks, so it is
/// not among `form_fields`.
pub fn name_field() -> ConfigField {
    let help = "How this connection shows in Keyport, e.g. Production or Jane’s account.";
    ConfigField {
        required: false,
        ..plain(NAME, "Name", Some(help), false)
    }
}

/// The field that stands for a key file (Google's JSON key, Snowflake's PEM key): its path, a
/// setting of the form only. Its help names what the file holds.
fn key_file_input(file: &ConfigField) -> ConfigField {
    let help = match &file.help {
        Some(help) => format!("{}. {help}", file.label),
        None => file.label.clone(),
    };
    ConfigField {
        required: file.required,
        ..plain(KEY_FILE, "Key file", Some(&help), false)
    }
}

/// The fields the form for `kind` shows, in order; `entry` matters for databases only. The
/// connector's own settings come first; secret fields are those the core takes in `secrets`.
/// A service account's key file is asked for by its path (`KEY_FILE`) instead of its contents.
pub fn form_fields(
    connector: &Connector,
    kind: ConnectionType,
    entry: DbEntry,
) -> Vec<ConfigField> {
    // A service account's secrets are its own fields; other types take only their settings.
    let key_file = connector
        .service_account
        .as_ref()
        .and_then(|s| s.key_file_field())
        .filter(|_| kind == ConnectionType::ServiceAccount);
    let own = connector
        .fields_for(kind)
        .filter(|f| kind == ConnectionType::ServiceAccount || !f.secret)
        .map(|f| match key_file {
            Some(file) if file.key == f.key => key_file_input(f),
            _ => f.clone(),
        });
    match kind {
        ConnectionType::Database => match (&connector.database, entry) {
            (Some(spec), DbEntry::Url) => vec![url_field(spec)],
            (Some(spec), DbEntry::Fields) => own.chain(spec.login_fields()).collect(),
            (None, _) => own.collect(),
        },
        ConnectionType::ServiceAccount | ConnectionType::Oauth2 => own.collect(),
        key => {
            let mut fields: Vec<_> = own.collect();
            if let Some(auth) = connector.key_auth(key) {
                if key == ConnectionType::BasicAuth {
                    fields.push(plain(USERNAME, "User name", None, false));
                }
                fields.push(plain(SECRET, &auth.secret_label, Some(SEALED_HELP), true));
            }
            fields
        }
    }
}

/// The control a field is drawn as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Text,
    /// A `<select>` of the field's options.
    Choice,
    /// A password input with a Show toggle.
    Password,
    /// A key file's path, typed or picked with the system's file chooser.
    KeyFile,
}

pub fn control(field: &ConfigField) -> Control {
    if !field.options.is_empty() {
        Control::Choice
    } else if field.key == KEY_FILE && !field.secret {
        Control::KeyFile
    } else if field.secret {
        Control::Password
    } else {
        Control::Text
    }
}

/// The values a form starts with: each setting's default (a choice's is its first option).
pub fn defaults(fields: &[ConfigField]) -> BTreeMap<String, String> {
    fields
        .iter()
        .filter(|f| !f.secret)
        .filter_map(|f| {
            let default = f.default.clone().or_else(|| f.options.first().cloned())?;
            Some((f.key.clone(), default))
        })
        .collect()
}

/// The line under a key file's facts, where one helps: a Snowflake key's fingerprint must be the
/// one Snowflake holds for the user.
pub fn key_fact_hint(label: &str) -> Option<&'static str> {
    (label == "Public key fingerprint")
        .then_some("It must match RSA_PUBLIC_KEY_FP in Snowflake’s DESCRIBE USER for this user.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{connector, database, field, key_auth_section, keys};
    use keyport_model::Category;

    #[test]
    fn key_forms_end_with_the_user_name_and_the_secret() {
        let mut c = connector("jira", "Jira", Category::Crm, "Issues");
        c.connection_types = vec![ConnectionType::BasicAuth, ConnectionType::ApiKey];
        c.fields = vec![field("site", true, false), field("extra", false, true)];
        c.basic_auth = Some(key_auth_section());
        c.api_key = Some(key_auth_section());
        let basic = form_fields(&c, ConnectionType::BasicAuth, DbEntry::Fields);
        assert_eq!(keys(&basic), ["site", USERNAME, SECRET]);
        assert_eq!(basic[2].label, "API token");
        assert_eq!(control(&basic[2]), Control::Password);
        let key = form_fields(&c, ConnectionType::ApiKey, DbEntry::Url);
        assert_eq!(keys(&key), ["site", SECRET]);
    }

    #[test]
    fn database_forms_ask_for_the_login_or_the_url() {
        let c = database(
            DbDriver::Postgres,
            5432,
            &["postgresql", "postgres"],
            &["prefer", "disable", "require"],
        );
        let fields = form_fields(&c, ConnectionType::Database, DbEntry::Fields);
        assert_eq!(
            keys(&fields),
            ["host", "port", "user", "password", "database", "tls"]
        );
        let secret: Vec<_> = fields.iter().filter(|f| f.secret).collect();
        assert_eq!(
            keys(&secret.into_iter().cloned().collect::<Vec<_>>()),
            ["password"]
        );
        let tls = fields.iter().find(|f| f.key == "tls").unwrap();
        assert_eq!(control(tls), Control::Choice);
        let start = defaults(&fields);
        assert_eq!(start["port"], "5432");
        assert_eq!(start["tls"], "prefer");
        assert!(!start.contains_key("password"));

        let url = form_fields(&c, ConnectionType::Database, DbEntry::Url);
        assert_eq!(keys(&url), [URL]);
        assert_eq!(control(&url[0]), Control::Password);
        let help = url[0].help.as_deref().unwrap();
        assert!(help.contains("postgresql://user:password@host:5432/database"));
        assert!(help.contains("postgresql:// or postgres://"));

        let redis = database(
            DbDriver::Redis,
            6379,
            &["redis", "rediss"],
            &["none", "secure"],
        );
        let fields = form_fields(&redis, ConnectionType::Database, DbEntry::Fields);
        let user = fields.iter().find(|f| f.key == "user").unwrap();
        assert!(!user.required, "Redis signs in as the default user");
        let url = form_fields(&redis, ConnectionType::Database, DbEntry::Url);
        assert!(url[0].help.as_deref().unwrap().contains("@host:6379/0"));
    }

    #[test]
    fn a_snowflake_key_names_where_its_fingerprint_must_match() {
        assert_eq!(
            key_fact_hint("Public key fingerprint"),
            Some("It must match RSA_PUBLIC_KEY_FP in Snowflake’s DESCRIBE USER for this user.")
        );
        assert_eq!(key_fact_hint("Project"), None);
    }
}
