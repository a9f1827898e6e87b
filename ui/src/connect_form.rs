//! The connect wizard's form as data: which connection types the window connects, the fields
//! each type asks for and the control each is drawn as, how what was typed becomes the request's
//! settings and its secrets, and where a refusal shows. Nothing here touches the DOM, and a typed
//! secret passes through only for the one call that hands it to the shell, so all of it is tested
//! natively with `cargo test -p keyport-ui`.

use keyport_model::{
    login, ConfigField, ConnectRequest, ConnectionType, ConnectionView, Connector, DatabaseSpec,
    DbDriver, ErrorCode,
};
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

/// The help under every secret field that has none of its own.
pub const SEALED_HELP: &str =
    "Sealed in your vault on this device; Keyport never shows it here again.";

/// Whether the connector has the catalog section the form for `kind` needs.
fn has_section(connector: &Connector, kind: ConnectionType) -> bool {
    match kind {
        ConnectionType::Oauth2 => connector.oauth2.is_some(),
        ConnectionType::Database => connector.database.is_some(),
        ConnectionType::ServiceAccount => connector.service_account.is_some(),
        key => connector.key_auth(key).is_some(),
    }
}

/// The types the connect dialog offers for this connector, in the connector's order: each type
/// it lists and has a section for.
pub fn form_types(connector: &Connector) -> Vec<ConnectionType> {
    connector
        .connection_types
        .iter()
        .copied()
        .filter(|t| has_section(connector, *t))
        .collect()
}

/// What the sheet says instead of a Connect button when the dialog cannot connect this connector.
pub fn connect_note(connector: &Connector) -> Option<&'static str> {
    form_types(connector)
        .is_empty()
        .then_some("This connector's file describes no way to connect; use the CLI to check it")
}

/// The line under each choice of the type chooser.
pub fn type_hint(connector: &Connector, kind: ConnectionType) -> String {
    match kind {
        ConnectionType::Oauth2 => "Sign in with your browser".to_owned(),
        ConnectionType::Database => "Host and password, or a connection URL".to_owned(),
        ConnectionType::ServiceAccount => connector
            .fields_for(kind)
            .find(|f| f.secret)
            .map_or_else(|| "A machine identity".to_owned(), |f| f.label.clone()),
        key => connector
            .key_auth(key)
            .map_or_else(|| kind.badge().to_owned(), |a| a.secret_label.clone()),
    }
}

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
        ..plain("connection_name", "Name", Some(help), false)
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

/// The line under a key file's facts, where one helps: a Snowflake key's fingerprint must be the
/// one Snowflake holds for the user.
pub fn key_fact_hint(label: &str) -> Option<&'static str> {
    (label == "Public key fingerprint")
        .then_some("It must match RSA_PUBLIC_KEY_FP in Snowflake’s DESCRIBE USER for this user.")
}

/// A step of the connect wizard, as `Step 2 of 4` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WizardStep {
    /// Choosing how to connect; only when the connector offers more than one type.
    Type,
    /// Filling in the form (the type chooser, when there is one, stays above it).
    Details,
    /// The core checks the credential with the service.
    Verify,
    Done,
}

impl WizardStep {
    pub fn label(self) -> &'static str {
        match self {
            WizardStep::Type => "Type",
            WizardStep::Details => "Details",
            WizardStep::Verify => "Verify",
            WizardStep::Done => "Done",
        }
    }
}

/// The wizard's steps for a connector with `types` ways to connect: Type only when there is a
/// choice to make.
pub fn wizard_steps(types: usize) -> Vec<WizardStep> {
    let all = [
        WizardStep::Type,
        WizardStep::Details,
        WizardStep::Verify,
        WizardStep::Done,
    ];
    let skip = usize::from(types <= 1);
    all[skip..].to_vec()
}

/// `Step 2 of 4`: where `current` stands among the wizard's steps.
pub fn step_text(types: usize, current: WizardStep) -> String {
    let steps = wizard_steps(types);
    let at = steps.iter().position(|s| *s == current).unwrap_or(0) + 1;
    format!("Step {at} of {}", steps.len())
}

/// The submit button while the form waits for the core.
pub fn connect_busy_label(service: &str, verify: bool) -> String {
    if verify {
        format!("Checking with {service}…")
    } else {
        "Storing…".to_owned()
    }
}

/// Who or what a new connection signs in as, by the most telling setting it carries: an email
/// (a service account's `client_email`), a user at its host or account, a host and port, a user
/// name, a tenant or account; else its name.
pub fn done_account(view: &ConnectionView) -> String {
    let meta = |key: &str| {
        view.metadata
            .get(key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    };
    let host = meta("host").map(|host| match meta("port") {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    });
    let user = meta("user").or(meta("username"));
    let email = meta("email").or(meta("client_email"));
    if let Some(email) = email {
        return email.to_owned();
    }
    match (user, host.or(meta("account").map(str::to_owned))) {
        (Some(user), Some(place)) => return format!("{user}@{place}"),
        (None, Some(place)) => return place,
        (Some(user), None) => return user.to_owned(),
        (None, None) => {}
    }
    ["tenant", "access_key_id", "client_id"]
        .into_iter()
        .find_map(meta)
        .map_or_else(|| view.name.clone(), str::to_owned)
}

/// The Done step's title: `HubSpot connected as acme-corp`, `Redis connected as
/// 127.0.0.1:6379`; just `Redis connected` when nothing names the account but the connector.
pub fn done_title(service: &str, view: &ConnectionView) -> String {
    let account = done_account(view);
    if account == service {
        format!("{service} connected")
    } else {
        format!("{service} connected as {account}")
    }
}

/// The line under the Done title: whether the service accepted the credential.
pub fn connect_done_text(service: &str, view: &ConnectionView) -> String {
    if view.verified {
        format!("Checked with {service} and sealed in your vault. Find it under Connections.")
    } else {
        format!(
            "Stored unchecked: {service} was not asked whether it accepts this credential. \
             Sealed in your vault; use Test under Connections to check it later."
        )
    }
}

/// Where a refused connect shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorPlace {
    /// Under this field, which is marked invalid.
    Field(String),
    /// Under the form, with "Store without checking" (the service could not be reached).
    Unreachable,
    /// Under the form.
    Form,
}

/// Where the core's refusal `code` (with its `message`) shows in a form of `fields`: a refused
/// key or password, a missing database or a refused TLS mode at its field (at the URL in URL
/// entry), a broken key file at the secret it came from, a bad setting at the field its message
/// names.
pub fn error_place(code: ErrorCode, message: &str, fields: &[ConfigField]) -> ErrorPlace {
    let has = |key: &str| fields.iter().any(|f| f.key == key);
    let at = |key: &str| [key, URL].into_iter().find(|k| has(k)).map(str::to_owned);
    let first_secret = || fields.iter().find(|f| f.secret).map(|f| f.key.clone());
    let field = match code {
        ErrorCode::ProviderUnavailable | ErrorCode::DbUnreachable => {
            return ErrorPlace::Unreachable
        }
        ErrorCode::ServiceAccountInvalid if has(KEY_FILE) => Some(KEY_FILE.to_owned()),
        ErrorCode::ProviderKeyRejected | ErrorCode::ServiceAccountInvalid => first_secret(),
        ErrorCode::DbAuthFailed => at(login::PASSWORD),
        ErrorCode::DbNotFound => at(login::DATABASE),
        ErrorCode::DbTlsRefused => at(login::TLS),
        ErrorCode::ConnectionInvalid => named_field(message, fields),
        _ => None,
    };
    field.map_or(ErrorPlace::Form, ErrorPlace::Field)
}

/// Whether a refusal empties the field it sits at so the person types it again: a refused key
/// or password. A key file, a URL (it holds more than the password) and every other field keep
/// what was typed.
pub fn clears_field(code: ErrorCode, key: &str) -> bool {
    matches!(
        code,
        ErrorCode::ProviderKeyRejected | ErrorCode::DbAuthFailed
    ) && key != URL
}

/// The field a `connection.invalid` message names: by its label (outside the quoted value the
/// message repeats; the longest label named wins, so `authentication database` beats
/// `database`), else by its key.
fn named_field(message: &str, fields: &[ConfigField]) -> Option<String> {
    let text = message.to_lowercase();
    let unquoted: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    let by_label = fields
        .iter()
        .filter(|f| mentions(&unquoted, &f.label.to_lowercase()))
        .max_by_key(|f| f.label.len());
    let by_key = || {
        fields
            .iter()
            .filter(|f| mentions(&text, &f.key) || mentions(&unquoted, &f.key.replace('_', " ")))
            .max_by_key(|f| f.key.len())
    };
    by_label.or_else(by_key).map(|f| f.key.clone())
}

/// Whether `word` stands in `text` as a whole word.
fn mentions(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    !word.is_empty()
        && text.match_indices(word).any(|(at, _)| {
            let before = text[..at].chars().next_back().is_none_or(|c| !is_word(c));
            let after = text[at + word.len()..]
                .chars()
                .next()
                .is_none_or(|c| !is_word(c));
            before && after
        })
}

/// What shows under the Host field once a URL given there filled in the login.
pub const URL_FILLED: &str = "Filled in from the URL";

/// A database login read from a connection URL pasted or typed into the Host field (§4 of the
/// UI guide): the settings it names, by field key, and, apart, its password.
#[derive(Clone, PartialEq, Eq)]
pub struct UrlLogin {
    /// Host, port (the default when the URL names none), user, database, TLS mode and, for
    /// MongoDB, the authentication database; an empty value empties its field. The TLS mode is
    /// left out when the URL names one the connector does not offer.
    pub values: BTreeMap<String, String>,
    /// The password, percent-decoded, for the password element only (never the form's state);
    /// `None` when the URL has none, or only the `***` Keyport shows in its place.
    pub password: Option<String>,
}

impl std::fmt::Debug for UrlLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UrlLogin")
            .field("values", &self.values)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

/// The login in `text` when it is a connection URL with one of the connector's schemes, else
/// `None` (the text stays as typed). Read by hand, leniently where passwords are concerned: the
/// user and password run to the last `@` before the first `/`, so an unencoded `@`, `:`, `?` or
/// `#` in a password still reads right. What one host and port cannot say (a MongoDB
/// `mongodb+srv://` name, a replica set's several hosts) is left to the Connection URL entry.
pub fn login_from_url(spec: &DatabaseSpec, text: &str) -> Option<UrlLogin> {
    let (scheme, rest) = text.trim().split_once("://")?;
    let scheme = spec
        .url_schemes
        .iter()
        .find(|s| s.eq_ignore_ascii_case(scheme))?
        .to_ascii_lowercase();
    if scheme.ends_with("+srv") {
        return None;
    }
    let slash = rest.find('/').unwrap_or(rest.len());
    let (userinfo, rest) = match rest[..slash].rfind('@') {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => ("", rest),
    };
    let (authority, rest) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if authority.contains(',') {
        return None;
    }
    let (host, port) = host_port(authority)?;
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let query: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let form = |s: &str| percent_decode(&s.replace('+', " "));
            (form(k), form(v))
        })
        .collect();
    let named = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    };
    let option = |mode: &str| {
        spec.tls_modes
            .iter()
            .find(|o| o.eq_ignore_ascii_case(mode))
            .cloned()
    };
    let default_tls = || spec.tls_modes.first().cloned();
    let tls = match spec.driver {
        DbDriver::Postgres => named("sslmode").map_or_else(default_tls, option),
        DbDriver::Mysql => named("ssl-mode").map_or_else(default_tls, option),
        DbDriver::Mongodb => {
            // The modes are the URL's options themselves (`tls=true`; `ssl` is its old name),
            // listed plainest first: the last one the URL names wins. A mongodb+srv:// URL
            // means TLS unless it says otherwise.
            let given: Vec<String> = query
                .iter()
                .map(|(k, v)| {
                    let k = if k.eq_ignore_ascii_case("ssl") {
                        "tls"
                    } else {
                        k
                    };
                    format!("{k}={v}")
                })
                .collect();
            let srv = scheme.ends_with("+srv");
            spec.tls_modes
                .iter()
                .rev()
                .find(|o| given.iter().any(|g| g.eq_ignore_ascii_case(o)))
                .cloned()
                .or_else(|| {
                    if srv {
                        option("tls=true")
                    } else {
                        default_tls()
                    }
                })
        }
        DbDriver::Redis => option(match (scheme.as_str(), fragment) {
            ("rediss", "insecure") => "insecure",
            ("rediss", _) => "secure",
            _ => "none",
        }),
    };
    let port = port.unwrap_or(spec.default_port);
    let mut values = BTreeMap::from([
        (login::HOST.to_owned(), host.to_owned()),
        (login::PORT.to_owned(), port.to_string()),
        (login::USER.to_owned(), percent_decode(user)),
        (
            login::DATABASE.to_owned(),
            percent_decode(path.strip_prefix('/').unwrap_or(path)),
        ),
    ]);
    if spec.driver == DbDriver::Mongodb {
        let source = named("authSource").unwrap_or_default().to_owned();
        values.insert(login::AUTH_SOURCE.to_owned(), source);
    }
    if let Some(tls) = tls {
        values.insert(login::TLS.to_owned(), tls);
    }
    let password = Some(percent_decode(password)).filter(|p| !p.is_empty() && p != "***");
    Some(UrlLogin { values, password })
}

/// The host (an IPv6 address keeps its brackets) and port of one `host[:port]`; `None` when
/// there is no host or the port is not one.
fn host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if authority.starts_with('[') {
        let (host, after) = authority.split_at(authority.find(']')? + 1);
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.is_empty() || host.contains(char::is_whitespace) {
        return None;
    }
    let port = match port.filter(|p| !p.is_empty()) {
        None => None,
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().ok().filter(|p| *p > 0)?)
        }
        Some(_) => return None,
    };
    Some((host, port))
}

/// `text` with its `%XX` escapes decoded (a stray `%` stays as it is).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        match (bytes[at], hex(at + 1), hex(at + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                at += 3;
            }
            (b, _, _) => {
                out.push(b);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{connection, connector, field, key_auth_section};
    use keyport_model::{Category, ServiceAccountFormat, ServiceAccountSpec};

    fn keys(fields: &[ConfigField]) -> Vec<&str> {
        fields.iter().map(|f| f.key.as_str()).collect()
    }

    fn database(driver: DbDriver, port: u16, schemes: &[&str], tls: &[&str]) -> Connector {
        let mut c = connector("redis", "Redis", Category::Databases, "Key-value store");
        c.connection_types = vec![ConnectionType::Database];
        c.database = Some(DatabaseSpec {
            driver,
            default_port: port,
            url_schemes: schemes.iter().map(|s| s.to_string()).collect(),
            tls_modes: tls.iter().map(|s| s.to_string()).collect(),
            docs_url: "https://example.com".to_owned(),
        });
        c
    }

    fn service_account(fields: Vec<ConfigField>) -> Connector {
        let mut c = connector("aws", "AWS", Category::Cloud, "Cloud");
        c.connection_types = vec![ConnectionType::ServiceAccount, ConnectionType::ApiKey];
        c.api_key = Some(key_auth_section());
        c.service_account = Some(ServiceAccountSpec {
            format: ServiceAccountFormat::AwsAccessKey,
            fields,
            token_url: None,
            scopes: Vec::new(),
            check: None,
            docs_url: "https://example.com".to_owned(),
        });
        c
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn every_type_with_a_section_gets_a_form() {
        let mut c = connector("jira", "Jira", Category::Crm, "Issues");
        c.connection_types = vec![
            ConnectionType::Oauth2,
            ConnectionType::BasicAuth,
            ConnectionType::ApiKey,
        ];
        c.basic_auth = Some(key_auth_section());
        assert_eq!(form_types(&c), [ConnectionType::BasicAuth]);
        assert_eq!(connect_note(&c), None);
        c.basic_auth = None;
        assert!(form_types(&c).is_empty());
        assert!(connect_note(&c).is_some());
        let db = database(DbDriver::Redis, 6379, &["redis"], &["none"]);
        assert_eq!(form_types(&db), [ConnectionType::Database]);
        let sa = service_account(vec![field("secret_access_key", true, true)]);
        assert_eq!(
            form_types(&sa),
            [ConnectionType::ServiceAccount, ConnectionType::ApiKey]
        );
        assert_eq!(
            type_hint(&sa, ConnectionType::ServiceAccount),
            "secret_access_key"
        );
        assert_eq!(type_hint(&sa, ConnectionType::ApiKey), "API token");
        assert_eq!(
            type_hint(&db, ConnectionType::Database),
            "Host and password, or a connection URL"
        );
    }

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
        // A broken file is refused at the path.
        assert_eq!(
            error_place(ErrorCode::ServiceAccountInvalid, "it is cut off", &fields),
            ErrorPlace::Field(KEY_FILE.to_owned())
        );
        assert!(!clears_field(ErrorCode::ServiceAccountInvalid, KEY_FILE));
        // Another type of the same connector has no key file.
        assert_eq!(
            key_file_path(
                &form_fields(&c, ConnectionType::ApiKey, DbEntry::Fields),
                &values
            ),
            None
        );
        assert_eq!(
            key_fact_hint("Public key fingerprint"),
            Some("It must match RSA_PUBLIC_KEY_FP in Snowflake’s DESCRIBE USER for this user.")
        );
        assert_eq!(key_fact_hint("Project"), None);
    }

    #[test]
    fn the_wizard_counts_its_steps() {
        assert_eq!(
            wizard_steps(2),
            [
                WizardStep::Type,
                WizardStep::Details,
                WizardStep::Verify,
                WizardStep::Done
            ]
        );
        assert_eq!(wizard_steps(1)[0], WizardStep::Details);
        assert_eq!(step_text(2, WizardStep::Details), "Step 2 of 4");
        assert_eq!(step_text(1, WizardStep::Details), "Step 1 of 3");
        assert_eq!(step_text(1, WizardStep::Verify), "Step 2 of 3");
        assert_eq!(step_text(3, WizardStep::Done), "Step 4 of 4");
    }

    #[test]
    fn done_names_the_account() {
        let mut view = connection("gcp", ConnectionType::ServiceAccount);
        view.name = "Google Cloud Platform".to_owned();
        let with = |pairs: &[(&str, &str)]| {
            let mut v = view.clone();
            if pairs.iter().any(|(k, _)| *k == "tenant") {
                v.name = "Prod".to_owned();
            }
            v.metadata = map(pairs);
            done_title("Google Cloud Platform", &v)
        };
        assert_eq!(with(&[]), "Google Cloud Platform connected");
        assert_eq!(
            with(&[
                ("client_email", "keyport@acme.iam.gserviceaccount.com"),
                ("project_id", "acme")
            ]),
            "Google Cloud Platform connected as keyport@acme.iam.gserviceaccount.com"
        );
        assert_eq!(
            with(&[
                ("host", "db.example.com"),
                ("port", "5432"),
                ("user", "app")
            ]),
            "Google Cloud Platform connected as app@db.example.com:5432"
        );
        assert_eq!(
            with(&[("host", "127.0.0.1"), ("port", "6379")]),
            "Google Cloud Platform connected as 127.0.0.1:6379"
        );
        assert_eq!(
            with(&[("account", "myorg-acct"), ("user", "KEYPORT_SVC")]),
            "Google Cloud Platform connected as KEYPORT_SVC@myorg-acct"
        );
        assert_eq!(
            with(&[
                ("account", "123456789012"),
                ("access_key_id", "AKIAEXAMPLE")
            ]),
            "Google Cloud Platform connected as 123456789012"
        );
        assert_eq!(
            with(&[("access_key_id", "AKIAEXAMPLE")]),
            "Google Cloud Platform connected as AKIAEXAMPLE"
        );
        assert_eq!(
            with(&[("username", "jane")]),
            "Google Cloud Platform connected as jane"
        );
        assert_eq!(
            with(&[("tenant", " ")]),
            "Google Cloud Platform connected as Prod"
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

    #[test]
    fn refusals_show_at_the_field_they_are_about() {
        let c = database(DbDriver::Mongodb, 27017, &["mongodb"], &["tls=false"]);
        let fields = form_fields(&c, ConnectionType::Database, DbEntry::Fields);
        let url = form_fields(&c, ConnectionType::Database, DbEntry::Url);
        let at = |key: &str| ErrorPlace::Field(key.to_owned());
        assert_eq!(
            error_place(ErrorCode::DbAuthFailed, "m", &fields),
            at("password")
        );
        assert_eq!(
            error_place(ErrorCode::DbNotFound, "m", &fields),
            at("database")
        );
        assert_eq!(
            error_place(ErrorCode::DbTlsRefused, "m", &fields),
            at("tls")
        );
        assert_eq!(error_place(ErrorCode::DbAuthFailed, "m", &url), at(URL));
        assert_eq!(error_place(ErrorCode::DbNotFound, "m", &url), at(URL));
        assert_eq!(
            error_place(ErrorCode::DbUnreachable, "m", &fields),
            ErrorPlace::Unreachable
        );
        assert_eq!(
            error_place(ErrorCode::Internal, "m", &fields),
            ErrorPlace::Form
        );
        assert!(clears_field(ErrorCode::DbAuthFailed, "password"));
        assert!(!clears_field(ErrorCode::DbAuthFailed, URL));
        assert!(!clears_field(ErrorCode::ServiceAccountInvalid, "key_json"));

        let invalid = |m: &str| error_place(ErrorCode::ConnectionInvalid, m, &fields);
        assert_eq!(invalid("the port is a number from 1 to 65535"), at("port"));
        assert_eq!(
            invalid("`database` is not a valid host (for example db.example.com)"),
            at("host")
        );
        assert_eq!(
            invalid("MongoDB needs `auth_source` (Authentication database)"),
            at("auth_source")
        );
        assert_eq!(invalid("the URL's options are not valid"), ErrorPlace::Form);
        assert_eq!(
            error_place(
                ErrorCode::ConnectionInvalid,
                "the URL's options are not valid",
                &url
            ),
            at(URL)
        );

        let sa = service_account(vec![
            field("access_key_id", true, false),
            field("secret_access_key", true, true),
        ]);
        let fields = form_fields(&sa, ConnectionType::ServiceAccount, DbEntry::Fields);
        assert_eq!(
            error_place(ErrorCode::ServiceAccountInvalid, "m", &fields),
            at("secret_access_key")
        );
        assert_eq!(
            error_place(ErrorCode::ServiceAccountRejected, "m", &fields),
            ErrorPlace::Form
        );
        assert_eq!(
            error_place(
                ErrorCode::ConnectionInvalid,
                "the access key ID AKIA is not the key file's",
                &fields
            ),
            at("access_key_id")
        );
        assert_eq!(
            error_place(ErrorCode::ConnectionInvalid, "something else", &fields),
            ErrorPlace::Form
        );
        assert_eq!(
            error_place(
                ErrorCode::ProviderKeyRejected,
                "m",
                &form_fields(&sa, ConnectionType::ApiKey, DbEntry::Fields)
            ),
            at(SECRET)
        );
        assert_eq!(
            error_place(ErrorCode::ProviderUnavailable, "m", &fields),
            ErrorPlace::Unreachable
        );
    }

    /// The spec of the catalog's connector for `driver`, its schemes and TLS modes as shipped.
    fn db_spec(driver: DbDriver) -> DatabaseSpec {
        let (port, schemes, tls): (u16, &[&str], &[&str]) = match driver {
            DbDriver::Postgres => (
                5432,
                &["postgresql", "postgres"],
                &[
                    "prefer",
                    "disable",
                    "allow",
                    "require",
                    "verify-ca",
                    "verify-full",
                ],
            ),
            DbDriver::Mysql => (
                3306,
                &["mysql", "mariadb"],
                &[
                    "PREFERRED",
                    "DISABLED",
                    "REQUIRED",
                    "VERIFY_CA",
                    "VERIFY_IDENTITY",
                ],
            ),
            DbDriver::Mongodb => (
                27017,
                &["mongodb", "mongodb+srv"],
                &[
                    "tls=false",
                    "tls=true",
                    "tlsAllowInvalidHostnames=true",
                    "tlsInsecure=true",
                ],
            ),
            DbDriver::Redis => (6379, &["redis", "rediss"], &["none", "secure", "insecure"]),
        };
        database(driver, port, schemes, tls).database.unwrap()
    }

    /// What `login_from_url` fills for `text`, the password apart.
    fn filled(driver: DbDriver, text: &str) -> (BTreeMap<String, String>, Option<String>) {
        let login = login_from_url(&db_spec(driver), text).expect("a connection URL");
        (login.values, login.password)
    }

    #[test]
    fn a_postgres_url_fills_the_login_and_its_sslmode() {
        let (values, password) = filled(
            DbDriver::Postgres,
            " postgresql://app:s3cret@db.example.com:6543/orders?sslmode=verify-full&application_name=x ",
        );
        assert_eq!(
            values,
            map(&[
                ("host", "db.example.com"),
                ("port", "6543"),
                ("user", "app"),
                ("database", "orders"),
                ("tls", "verify-full")
            ])
        );
        assert_eq!(password.as_deref(), Some("s3cret"));
        // No port, no sslmode: the defaults. An sslmode Keyport does not know leaves TLS alone.
        let (values, password) = filled(DbDriver::Postgres, "POSTGRES://app@db/orders");
        assert_eq!(
            (values["port"].as_str(), values["tls"].as_str()),
            ("5432", "prefer")
        );
        assert_eq!(password, None);
        let (values, _) = filled(DbDriver::Postgres, "postgres://db/orders?sslmode=bogus");
        assert!(!values.contains_key("tls"));
        assert_eq!(values["user"], "");
        // The `***` Keyport shows instead of a stored password is not a password.
        assert_eq!(
            filled(DbDriver::Postgres, "postgresql://app:***@db/x").1,
            None
        );
    }

    #[test]
    fn a_mysql_url_fills_its_ssl_mode_in_the_catalog_spelling() {
        let (values, password) = filled(
            DbDriver::Mysql,
            "mariadb://root:pw@10.0.0.5/shop?ssl-mode=required",
        );
        assert_eq!(
            values,
            map(&[
                ("host", "10.0.0.5"),
                ("port", "3306"),
                ("user", "root"),
                ("database", "shop"),
                ("tls", "REQUIRED")
            ])
        );
        assert_eq!(password.as_deref(), Some("pw"));
    }

    #[test]
    fn a_redis_url_names_its_tls_by_scheme_and_fragment() {
        let tls = |text: &str| filled(DbDriver::Redis, text).0["tls"].clone();
        assert_eq!(tls("redis://127.0.0.1"), "none");
        assert_eq!(tls("rediss://cache.example.com:6380"), "secure");
        assert_eq!(
            tls("rediss://cache.example.com:6380/2#insecure"),
            "insecure"
        );
        let (values, password) = filled(DbDriver::Redis, "redis://:pw@127.0.0.1:7000/0");
        assert_eq!(
            values,
            map(&[
                ("host", "127.0.0.1"),
                ("port", "7000"),
                ("user", ""),
                ("database", "0"),
                ("tls", "none")
            ])
        );
        assert_eq!(password.as_deref(), Some("pw"));
        let (values, password) = filled(DbDriver::Redis, "rediss://default:pw@h/#insecure");
        assert_eq!(
            (values["user"].as_str(), values["database"].as_str()),
            ("default", "")
        );
        assert_eq!(password.as_deref(), Some("pw"));
    }

    #[test]
    fn a_mongodb_url_fills_its_auth_source_and_tls_option() {
        let (values, password) = filled(
            DbDriver::Mongodb,
            "mongodb://svc:pw@m1.example.com:27018/app?authSource=admin&tls=true",
        );
        assert_eq!(
            values,
            map(&[
                ("host", "m1.example.com"),
                ("port", "27018"),
                ("user", "svc"),
                ("database", "app"),
                ("auth_source", "admin"),
                ("tls", "tls=true")
            ])
        );
        assert_eq!(password.as_deref(), Some("pw"));
        let tls = |text: &str| filled(DbDriver::Mongodb, text).0["tls"].clone();
        assert_eq!(tls("mongodb://h/app"), "tls=false");
        assert_eq!(tls("mongodb://h/app?ssl=false"), "tls=false");
        assert_eq!(
            tls("mongodb://h/?tls=true&tlsInsecure=true"),
            "tlsInsecure=true"
        );
        // What one host and port cannot hold stays for the Connection URL entry.
        let spec = db_spec(DbDriver::Mongodb);
        for text in [
            "mongodb+srv://svc:pw@cluster0.ab1cd.mongodb.net/?retryWrites=true&w=majority",
            "mongodb://svc:pw@a.example.net:27017,b.example.net:27017/app?replicaSet=rs0",
        ] {
            assert!(login_from_url(&spec, text).is_none(), "{text}");
        }
    }

    #[test]
    fn a_url_keeps_an_ipv6_host_in_brackets() {
        let (values, _) = filled(DbDriver::Postgres, "postgresql://app@[2001:db8::1]:5433/x");
        assert_eq!(
            (values["host"].as_str(), values["port"].as_str()),
            ("[2001:db8::1]", "5433")
        );
        let (values, _) = filled(DbDriver::Redis, "redis://[::1]/1");
        assert_eq!(
            (values["host"].as_str(), values["port"].as_str()),
            ("[::1]", "6379")
        );
        assert!(login_from_url(&db_spec(DbDriver::Redis), "redis://[::1]x/1").is_none());
    }

    #[test]
    fn a_url_password_and_names_are_percent_decoded() {
        let (values, password) = filled(
            DbDriver::Postgres,
            "postgresql://j%C3%A9r%C3%B4me:p%40ss%3Aw%2Frd%23%25+x@db/my%20db",
        );
        assert_eq!(password.as_deref(), Some("p@ss:w/rd#%+x"));
        assert_eq!(
            (values["user"].as_str(), values["database"].as_str()),
            ("jérôme", "my db")
        );
        // Left unencoded, `@`, `:`, `?` and `#` still end up in the password.
        let (values, password) = filled(DbDriver::Redis, "redis://:p@ss:w?r#d@127.0.0.1:6380/0");
        assert_eq!(password.as_deref(), Some("p@ss:w?r#d"));
        assert_eq!(
            (values["host"].as_str(), values["port"].as_str()),
            ("127.0.0.1", "6380")
        );
        // The password never shows in a debug print.
        let login = login_from_url(&db_spec(DbDriver::Redis), "redis://:hunter2@h").unwrap();
        assert!(!format!("{login:?}").contains("hunter2"));
    }

    #[test]
    fn text_that_is_not_a_url_of_the_connector_is_left_alone() {
        let spec = db_spec(DbDriver::Postgres);
        for text in [
            "db.example.com",
            "",
            "postgresql://",
            "postgresql://app:pw@/x",
            "postgresql://db:99999/x",
            "postgresql://db:54x/x",
            "mysql://app:pw@db/x",
            "https://db.example.com/",
            "redis://:pw@127.0.0.1:6379/0",
        ] {
            assert_eq!(login_from_url(&spec, text), None, "{text}");
        }
        assert!(login_from_url(&db_spec(DbDriver::Redis), "postgresql://db/x").is_none());
    }

    #[test]
    fn connect_texts_say_whether_the_service_checked_the_credential() {
        assert_eq!(
            connect_busy_label("SendGrid", true),
            "Checking with SendGrid…"
        );
        assert_eq!(connect_busy_label("SendGrid", false), "Storing…");
        let mut view = connection("redis", ConnectionType::Database);
        view.name = "Redis".to_owned();
        assert_eq!(done_title("Redis", &view), "Redis connected");
        assert!(connect_done_text("Redis", &view).starts_with("Checked with Redis"));
        view.name = "Cache".to_owned();
        view.verified = false;
        assert_eq!(done_title("Redis", &view), "Redis connected as Cache");
        assert!(connect_done_text("Redis", &view).starts_with("Stored unchecked"));
    }
}
