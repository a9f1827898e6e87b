//! The rules a connector must meet beyond its shape: ids, https endpoints, declared and
//! constrained placeholders, sections that match `connection_types`. Every problem is reported
//! with its field path, not just the first (as Nango's provider validator does).

use super::config::endpoints;
use super::parse::Origin;
use super::template::{fill_url, host_placeholders, placeholders, UrlRule};
use super::text::{holds, unsafe_char};
use keyport_model::{
    env_value, CheckRequest, ClientAuth, ConfigField, ConnectionType, Connector, KeepAlive,
    KeyAuth, KeyLocation, OAuth2Spec, Pkce,
};
use regex_lite::Regex;
use std::collections::{BTreeMap, BTreeSet};

/// One problem: the dotted field path and what is wrong with it.
pub type Problem = (String, String);

/// Placeholder names the key templates fill from the credential itself, never from a field.
const RESERVED: [&str; 2] = ["secret", "username"];

/// Values a pattern for a host-position field must refuse: each would change the scheme or
/// hide the host behind a user name, a query or a fragment.
const HOST_PROBES: [&str; 9] = [
    "a@b",
    "a#b",
    "a?b",
    "a\\b",
    "http://x",
    "ftp://x",
    "https://a@b",
    "https://a#b",
    "https://a?b",
];

/// Values a field that is only part of a host must refuse too: `https://{shop}.example.com`
/// with `evil.com/` goes to evil.com. A field that is the whole host names it outright, and a
/// path after it (a shop in a sub-folder) moves nothing.
const PATH_PROBES: [&str; 3] = ["evil.com/x", "x:80/y", "https://a/b"];

pub fn connector(c: &Connector, origin: Origin) -> Vec<Problem> {
    let mut v = Validator {
        origin,
        problems: Vec::new(),
    };
    v.top_level(c);
    let fields = v.fields("fields", &c.fields, &BTreeMap::new());
    let mut urls = Vec::new();
    if let Some(base) = &c.api_base_url {
        urls.push(("api_base_url".to_owned(), base.as_str()));
    }
    if let Some(o) = &c.oauth2 {
        match (o.scopes.is_empty(), o.scopes_from_app) {
            (true, false) => v.push(
                "oauth2.scopes",
                "lists no scope; name the scopes Keyport requests by default \
                 (or set `scopes_from_app` when the service takes none)",
            ),
            (false, true) => v.push(
                "oauth2.scopes",
                "must be empty when `scopes_from_app` is set: the service takes no scope parameter",
            ),
            _ => {}
        }
        if o.redirect.is_empty() {
            v.push(
                "oauth2.redirect",
                "names no redirect kind the service accepts",
            );
        }
        if o.pkce == Pkce::Unsupported && o.client_auth == ClientAuth::None {
            v.push(
                "oauth2.client_auth",
                "a public client (`none`) without PKCE leaves the authorization code unprotected",
            );
        }
        for (key, pointer) in &o.token_metadata {
            if !is_identifier(key) || !pointer.starts_with('/') {
                v.push(
                    "oauth2.token_metadata",
                    format!("`{key}` must be an identifier mapped to a JSON pointer such as \"/instance_url\""),
                );
            }
        }
        for (key, param) in &o.callback_metadata {
            if !is_identifier(key) || param.is_empty() {
                v.push(
                    "oauth2.callback_metadata",
                    format!("`{key}` must be an identifier mapped to a callback parameter name"),
                );
            }
        }
        v.https_page("oauth2.docs_url", &o.docs_url);
        for (i, lookup) in o.post_connect.iter().enumerate() {
            let path = format!("oauth2.post_connect[{i}]");
            v.https_page(&format!("{path}.docs_url"), &lookup.docs_url);
            if lookup.metadata.is_empty()
                || lookup
                    .metadata
                    .iter()
                    .any(|(k, p)| !is_identifier(k) || !p.starts_with('/'))
            {
                v.push(
                    &format!("{path}.metadata"),
                    "maps identifiers to JSON pointers into the answer, at least one",
                );
            }
        }

        if let Some(check) = &o.check {
            v.check("oauth2.check", check);
        }
        if let Some(keep) = &o.keep_alive {
            v.keep_alive("oauth2.keep_alive", keep);
        }
    }
    for (kind, auth) in [
        ("api_key", &c.api_key),
        ("bearer_token", &c.bearer_token),
        ("basic_auth", &c.basic_auth),
    ] {
        if let Some(auth) = auth {
            v.key_auth(kind, auth, &fields);
            v.check(&format!("{kind}.check"), &auth.check);
        }
    }
    for kind in [
        ConnectionType::Oauth2,
        ConnectionType::ApiKey,
        ConnectionType::BearerToken,
        ConnectionType::BasicAuth,
    ] {
        urls.extend(endpoints(c, kind));
    }
    if let Some(db) = &c.database {
        if db.default_port == 0 {
            v.push(
                "database.default_port",
                "must be a port between 1 and 65535",
            );
        }
        if db.url_schemes.is_empty() {
            v.push("database.url_schemes", "names no URL scheme");
        }
        if db.tls_modes.is_empty() {
            v.push("database.tls_modes", "names no TLS mode");
        }
        v.https_page("database.docs_url", &db.docs_url);
        // Built from the TLS modes above, so a custom connector's are checked here too.
        v.fields("database.login", &db.login_fields(), &BTreeMap::new());
    }
    if let Some(sa) = &c.service_account {
        let sa_fields = v.fields("service_account.fields", &sa.fields, &fields);
        v.https_page("service_account.docs_url", &sa.docs_url);
        if let Some(check) = &sa.check {
            v.check("service_account.check", check);
        }
        for (path, url) in endpoints(c, ConnectionType::ServiceAccount) {
            v.url_with(&sa_fields, &path, url);
        }
    }
    for (path, url) in urls {
        v.url_with(&fields, &path, url);
    }
    for (param, template) in c.oauth2.iter().flat_map(|o| &o.extra_authorization_params) {
        let path = format!("oauth2.extra_authorization_params.{param}");
        match placeholders(template) {
            Err(msg) => v.push(&path, msg),
            Ok(names) => {
                // `{nonce}` is filled with a fresh random value for each sign-in.
                for name in names
                    .iter()
                    .filter(|n| **n != "nonce" && !fields.contains_key(*n))
                {
                    v.push(&path, format!("uses `{{{name}}}`, which no field declares"));
                }
            }
        }
    }
    for (param, template) in c.oauth2.iter().flat_map(|o| &o.callback_must_match) {
        let path = format!("oauth2.callback_must_match.{param}");
        match placeholders(template) {
            Err(msg) => v.push(&path, msg),
            Ok(names) => {
                for name in names.iter().filter(|n| !fields.contains_key(*n)) {
                    v.push(&path, format!("uses `{{{name}}}`, which no field declares"));
                }
            }
        }
    }
    if let Some(o) = &c.oauth2 {
        v.login_hint(o, &fields);
    }
    v.env(c);
    v.mcp_servers(c);
    v.problems
}

/// The settings an `[[env]]` entry may name beside the credential values: the non-secret fields
/// of every type, a database login's, and what a sign-in records in the metadata.
fn settings(c: &Connector) -> BTreeSet<String> {
    let secretless = |fields: &[ConfigField]| {
        fields
            .iter()
            .filter(|f| !f.secret)
            .map(|f| f.key.clone())
            .collect::<Vec<_>>()
    };
    let mut names: BTreeSet<String> = secretless(&c.fields).into_iter().collect();
    if let Some(sa) = &c.service_account {
        names.extend(secretless(&sa.fields));
    }
    if let Some(db) = &c.database {
        names.extend(secretless(&db.login_fields()));
    }
    if let Some(o) = &c.oauth2 {
        names.extend(o.token_metadata.keys().cloned());
        names.extend(o.callback_metadata.keys().cloned());
        names.extend(
            o.post_connect
                .iter()
                .flat_map(|l| l.metadata.keys().cloned()),
        );
    }
    names
}

struct Validator {
    origin: Origin,
    problems: Vec<Problem>,
}

impl Validator {
    fn push(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push((path.to_owned(), message.into()));
    }

    /// Text a person reads: no character that could rewrite the terminal or disguise it.
    fn text(&mut self, path: &str, value: &str) {
        if let Some(c) = unsafe_char(value) {
            self.push(path, format!("{}; remove it", holds(c)));
        }
    }

    fn top_level(&mut self, c: &Connector) {
        if !is_identifier(&c.id) {
            self.push(
                "id",
                format!("`{}` is not a valid id: use lower-case letters, digits and `_`, starting with a letter", c.id),
            );
        }
        for (path, value) in [("name", &c.name), ("description", &c.description)] {
            if value.trim().is_empty() {
                self.push(path, "is empty");
            }
            self.text(path, value);
        }
        self.text("icon.monogram", &c.icon.monogram);
        if c.setup_instructions.is_empty() {
            self.push(
                "setup_instructions",
                "lists no step; say where a person creates the key or app",
            );
        }
        for (i, step) in c.setup_instructions.iter().enumerate() {
            if step.trim().is_empty() {
                self.push(&format!("setup_instructions[{i}]"), "is an empty step");
            }
            self.text(&format!("setup_instructions[{i}]"), step);
        }
        self.https_page("api_docs_url", &c.api_docs_url);
        let count = c.icon.monogram.chars().count();
        if !(1..=3).contains(&count) || c.icon.monogram.trim() != c.icon.monogram {
            self.push("icon.monogram", "must be one to three characters");
        }
        match parse_hex_colour(&c.icon.color) {
            None => self.push(
                "icon.color",
                format!("`{}` is not a `#RRGGBB` colour", c.icon.color),
            ),
            Some(rgb) if contrast_with_white(rgb) < 4.5 => self.push(
                "icon.color",
                format!(
                    "`{}` is too light for a white monogram (contrast below 4.5:1)",
                    c.icon.color
                ),
            ),
            Some(_) => {}
        }
        self.sections(c);
    }

    fn sections(&mut self, c: &Connector) {
        if c.connection_types.is_empty() {
            self.push("connection_types", "lists no connection type");
        }
        let mut seen = BTreeSet::new();
        for t in &c.connection_types {
            if !seen.insert(*t) {
                self.push("connection_types", format!("lists `{}` twice", t.id()));
            }
        }
        for t in ConnectionType::ALL {
            let present = match t {
                ConnectionType::Oauth2 => c.oauth2.is_some(),
                ConnectionType::ApiKey => c.api_key.is_some(),
                ConnectionType::BasicAuth => c.basic_auth.is_some(),
                ConnectionType::BearerToken => c.bearer_token.is_some(),
                ConnectionType::Database => c.database.is_some(),
                ConnectionType::ServiceAccount => c.service_account.is_some(),
            };
            match (seen.contains(&t), present) {
                (true, false) => self.push(
                    "connection_types",
                    format!("lists `{0}` but the file has no `[{0}]` section", t.id()),
                ),
                (false, true) => self.push(
                    t.id(),
                    format!(
                        "the `[{0}]` section needs `{0}` in `connection_types`",
                        t.id()
                    ),
                ),
                _ => {}
            }
        }
    }

    /// Checks a list of fields; returns them with `inherited`, by key, for placeholder checks.
    fn fields<'a>(
        &mut self,
        path: &str,
        fields: &'a [ConfigField],
        inherited: &BTreeMap<&'a str, &'a ConfigField>,
    ) -> BTreeMap<&'a str, &'a ConfigField> {
        let mut known = inherited.clone();
        for (i, f) in fields.iter().enumerate() {
            let here = format!("{path}[{i}]");
            if !is_identifier(&f.key) {
                self.push(
                    &format!("{here}.key"),
                    format!("`{}` is not a valid field key", f.key),
                );
            } else if RESERVED.contains(&f.key.as_str()) {
                self.push(
                    &format!("{here}.key"),
                    format!("`{}` is reserved for the credential itself", f.key),
                );
            }
            if known.insert(f.key.as_str(), f).is_some() {
                self.push(
                    &format!("{here}.key"),
                    format!("`{}` is declared twice", f.key),
                );
            }
            if f.label.trim().is_empty() {
                self.push(&format!("{here}.label"), "is empty");
            }
            self.text(&format!("{here}.label"), &f.label);
            for (name, value) in [
                ("help", &f.help),
                ("example", &f.example),
                ("default", &f.default),
            ] {
                if let Some(value) = value {
                    self.text(&format!("{here}.{name}"), value);
                }
            }
            for (j, option) in f.options.iter().enumerate() {
                self.text(&format!("{here}.options[{j}]"), option);
            }
            for (name, value) in [("example", &f.example), ("default", &f.default)] {
                match value {
                    Some(v) if !f.options.is_empty() && !f.options.contains(v) => self.push(
                        &format!("{here}.{name}"),
                        format!("`{v}` is not one of the field's options"),
                    ),
                    _ => {}
                }
            }
            let Some(pattern) = &f.pattern else { continue };
            match whole_match(pattern) {
                Err(err) => self.push(
                    &format!("{here}.pattern"),
                    format!("does not compile: {err}"),
                ),
                Ok(re) => {
                    for (name, value) in [("example", &f.example), ("default", &f.default)] {
                        if let Some(value) = value {
                            if !re.is_match(value) {
                                self.push(
                                    &format!("{here}.{name}"),
                                    format!("`{value}` does not match the field's own pattern"),
                                );
                            }
                        }
                    }
                }
            }
        }
        known
    }

    fn key_auth(&mut self, kind: &str, auth: &KeyAuth, fields: &BTreeMap<&str, &ConfigField>) {
        self.https_page(&format!("{kind}.docs_url"), &auth.docs_url);
        self.text(&format!("{kind}.secret_label"), &auth.secret_label);
        let templates: Vec<(&str, Option<&String>)> = match auth.location {
            KeyLocation::Header => vec![
                ("name", auth.name.as_ref()),
                ("template", auth.template.as_ref()),
            ],
            KeyLocation::Query => vec![("name", auth.name.as_ref())],
            KeyLocation::Basic => vec![
                ("username", auth.username.as_ref()),
                ("password", auth.password.as_ref()),
            ],
        };
        let mut used = BTreeSet::new();
        for (key, value) in &templates {
            let path = format!("{kind}.{key}");
            match value {
                None => self.push(
                    &path,
                    format!(
                        "is required when `location` is `{}`",
                        location_id(auth.location)
                    ),
                ),
                Some(text) => match placeholders(text) {
                    Err(msg) => self.push(&path, msg),
                    Ok(names) => {
                        for name in names {
                            if !RESERVED.contains(&name) && !fields.contains_key(name) {
                                self.push(
                                    &path,
                                    format!("uses `{{{name}}}`, which no field declares"),
                                );
                            }
                            used.insert(name.to_owned());
                        }
                    }
                },
            }
        }
        let secret_sent = auth.location == KeyLocation::Query || used.contains("secret");
        if !secret_sent {
            self.push(
                kind,
                "never sends the credential: put `{secret}` in the template",
            );
        }
        if kind == "basic_auth" && !used.contains("username") && auth.location == KeyLocation::Basic
        {
            self.push(
                &format!("{kind}.username"),
                "should be `{username}`: basic auth takes the user name the person types",
            );
        }
    }

    fn check(&mut self, path: &str, check: &CheckRequest) {
        const METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];
        if !METHODS.contains(&check.method.as_str()) {
            self.push(
                &format!("{path}.method"),
                format!("`{}` is not one of {}", check.method, METHODS.join(", ")),
            );
        }
        if !(100..=599).contains(&check.expect_status) {
            self.push(
                &format!("{path}.expect_status"),
                "must be an HTTP status between 100 and 599",
            );
        }
        self.https_page(&format!("{path}.docs_url"), &check.docs_url);
    }

    /// The reconnect's `login_hint`: filled from the settings and what a sign-in records, so a
    /// placeholder nothing fills would silently never send a hint.
    fn login_hint(&mut self, o: &OAuth2Spec, fields: &BTreeMap<&str, &ConfigField>) {
        let Some(hint) = &o.login_hint else { return };
        let path = "oauth2.login_hint";
        let recorded: BTreeSet<&str> = o
            .token_metadata
            .keys()
            .chain(o.callback_metadata.keys())
            .chain(o.post_connect.iter().flat_map(|l| l.metadata.keys()))
            .map(String::as_str)
            .collect();
        match placeholders(hint) {
            Err(msg) => self.push(path, msg),
            Ok(names) if names.is_empty() => self.push(
                path,
                "names no `{placeholder}`: the hint must be the connection's own account",
            ),
            Ok(names) => {
                for name in names
                    .iter()
                    .filter(|n| !fields.contains_key(*n) && !recorded.contains(*n))
                {
                    self.push(
                        path,
                        format!(
                            "uses `{{{name}}}`, which no field declares and no sign-in records"
                        ),
                    );
                }
            }
        }
    }

    /// `[[env]]`: a variable name as shells spell them, once each, filled with a credential
    /// value or a setting the connection has, and the page of the tool that reads it.
    fn env(&mut self, c: &Connector) {
        let settings = settings(c);
        let mut seen = BTreeSet::new();
        for (i, var) in c.env.iter().enumerate() {
            let path = format!("env[{i}]");
            if !is_env_name(&var.name) {
                self.push(
                    &format!("{path}.name"),
                    format!("`{}` is not a variable name: upper-case letters, digits and `_`, not starting with a digit", var.name),
                );
            } else if !seen.insert(var.name.as_str()) {
                self.push(
                    &format!("{path}.name"),
                    format!("`{}` is declared twice", var.name),
                );
            }
            if !env_value::CREDENTIALS.contains(&var.value.as_str())
                && !settings.contains(&var.value)
            {
                self.push(
                    &format!("{path}.value"),
                    format!(
                        "`{}` is neither a credential ({}) nor a setting of this connector",
                        var.value,
                        env_value::CREDENTIALS.join(", ")
                    ),
                );
            }
            self.https_page(&format!("{path}.docs"), &var.docs);
        }
    }

    /// `[[mcp_servers]]`: a command or an https address (not both), variables the `[[env]]`
    /// table fills, the README, and the official servers first.
    fn mcp_servers(&mut self, c: &Connector) {
        let declared: BTreeSet<&str> = c.env.iter().map(|v| v.name.as_str()).collect();
        let mut names = BTreeSet::new();
        let mut past_official = false;
        for (i, server) in c.mcp_servers.iter().enumerate() {
            let path = format!("mcp_servers[{i}]");
            if !is_identifier(&server.name.replace('-', "_")) {
                self.push(
                    &format!("{path}.name"),
                    format!("`{}` is not a valid server name", server.name),
                );
            } else if !names.insert(server.name.as_str()) {
                self.push(
                    &format!("{path}.name"),
                    format!("`{}` is named twice", server.name),
                );
            }
            if server.official && past_official {
                self.push(&format!("{path}.official"), "official servers come first");
            }
            past_official |= !server.official;
            match (&server.command, &server.url) {
                (Some(command), None) => {
                    self.text(&format!("{path}.command"), command);
                    for (j, arg) in server.args.iter().enumerate() {
                        self.text(&format!("{path}.args[{j}]"), arg);
                    }
                }
                (None, Some(url)) => {
                    self.https_page(&format!("{path}.url"), url);
                    if !server.args.is_empty() {
                        self.push(
                            &format!("{path}.args"),
                            "a remote server takes no arguments",
                        );
                    }
                }
                _ => self.push(&path, "needs either a `command` or a `url`, not both"),
            }
            for name in server.env.iter().filter(|n| !declared.contains(n.as_str())) {
                self.push(
                    &format!("{path}.env"),
                    format!("`{name}` is not in the connector's `[[env]]`, so nothing fills it"),
                );
            }
            self.https_page(&format!("{path}.readme"), &server.readme);
        }
    }

    /// A refresh token's limits: at least one of them, each a positive number of days, with
    /// the page that states them (a keep-alive nobody can check is a guess).
    fn keep_alive(&mut self, path: &str, keep: &KeepAlive) {
        if keep.idle_days.is_none() && keep.lifetime_days.is_none() {
            self.push(
                path,
                "names no limit: give `idle_days`, `lifetime_days` or both, or leave the section out",
            );
        }
        for (name, days) in [
            ("idle_days", keep.idle_days),
            ("lifetime_days", keep.lifetime_days),
        ] {
            if days == Some(0) {
                self.push(
                    &format!("{path}.{name}"),
                    "must be a number of days above 0",
                );
            }
        }
        if let Some(when) = &keep.applies_when {
            if when.trim().is_empty() {
                self.push(
                    &format!("{path}.applies_when"),
                    "is empty; say when the limit applies, or leave it out",
                );
            }
            self.text(&format!("{path}.applies_when"), when);
        }
        self.https_page(&format!("{path}.source"), &keep.source);
    }

    /// A documentation link: a plain https URL, no placeholders.
    fn https_page(&mut self, path: &str, url: &str) {
        match url::Url::parse(url) {
            Ok(u) if u.scheme() == "https" && u.host_str().is_some() => {}
            _ => self.push(path, format!("`{url}` is not an https URL")),
        }
    }

    /// An endpoint: placeholders declared and constrained, host-position fields that cannot
    /// move the host, and an acceptable address once filled with the fields' examples (https;
    /// plain http only to loopback, and only in custom connectors). Every request checks its
    /// address again with the values actually filled in.
    fn url_with(&mut self, fields: &BTreeMap<&str, &ConfigField>, path: &str, url: &str) {
        let names = match placeholders(url) {
            Ok(names) => names,
            Err(msg) => return self.push(path, msg),
        };
        for name in &names {
            match fields.get(name) {
                None => self.push(path, format!("uses `{{{name}}}`, which no field declares")),
                Some(f) if f.pattern.is_none() || f.example.is_none() => self.push(
                    path,
                    format!("uses `{{{name}}}`, whose field needs a `pattern` and an `example`"),
                ),
                Some(_) => {}
            }
        }
        for host in host_placeholders(url) {
            let name = host.name;
            let re = fields
                .get(name)
                .and_then(|f| f.pattern.as_deref())
                .and_then(|p| whole_match(p).ok());
            let path_probes = if host.whole {
                &[][..]
            } else {
                &PATH_PROBES[..]
            };
            let mut probes = HOST_PROBES.iter().chain(path_probes);
            if let Some(probe) = re.and_then(|re| probes.find(|p| re.is_match(p))) {
                self.push(
                    path,
                    format!(
                        "puts `{{{name}}}` in the host, but the pattern of field `{name}` admits `{probe}`: a host field's pattern must refuse `@`, `#`, `?`, `\\`, any scheme but https, and `/` unless the field is the whole host"
                    ),
                );
            }
        }
        let examples: BTreeMap<String, String> = names
            .iter()
            .filter_map(|n| Some(((*n).to_owned(), fields.get(n)?.example.clone()?)))
            .collect();
        if names.iter().any(|n| !examples.contains_key(*n)) {
            return;
        }
        let rule = match self.origin {
            Origin::Builtin => UrlRule::HttpsOnly,
            Origin::Custom => UrlRule::HttpsOrLoopback,
        };
        if let Err(err) = fill_url(url, &examples, rule) {
            let with = if names.is_empty() {
                ""
            } else {
                "with the fields' examples, "
            };
            self.push(path, format!("{with}{err}"));
        }
    }
}

fn location_id(l: KeyLocation) -> &'static str {
    match l {
        KeyLocation::Header => "header",
        KeyLocation::Query => "query",
        KeyLocation::Basic => "basic",
    }
}

fn is_env_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_uppercase() || c == '_')
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && text.len() <= 128
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && text.len() <= 64
}

/// A field's pattern must match the whole value, so it is anchored here whatever its author wrote.
pub fn whole_match(pattern: &str) -> Result<Regex, regex_lite::Error> {
    Regex::new(&format!("^(?:{pattern})$"))
}

fn parse_hex_colour(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// WCAG 2.x contrast ratio of white text on `rgb`.
fn contrast_with_white(rgb: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
    1.05 / (l + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyport_model::{EnvVar, McpServer};

    #[test]
    fn contrast_matches_wcag_reference_points() {
        assert!((contrast_with_white([0, 0, 0]) - 21.0).abs() < 0.01);
        assert!((contrast_with_white([255, 255, 255]) - 1.0).abs() < 0.01);
        // #1D5FD6 is the accent of UI.md, listed there at 5.7:1 against white.
        let accent = contrast_with_white(parse_hex_colour("#1D5FD6").unwrap());
        assert!((accent - 5.7).abs() < 0.1, "{accent}");
    }

    #[test]
    fn patterns_are_anchored() {
        let re = whole_match("[a-z]+").unwrap();
        assert!(re.is_match("acme"));
        assert!(!re.is_match("acme.evil.com/"));
    }

    #[test]
    fn database_login_fields_hold_and_keep_hosts_to_hosts() {
        let catalog = crate::catalog::Catalog::builtin();
        let databases: Vec<_> = catalog
            .connectors()
            .iter()
            .filter_map(|c| Some((c, c.database.as_ref()?)))
            .collect();
        assert_eq!(databases.len(), 4, "PostgreSQL, MySQL, MongoDB, Redis");
        for (c, db) in databases {
            assert_eq!(connector(c, Origin::Builtin), Vec::new(), "{}", c.id);
            let fields = db.login_fields();
            let tls = fields.iter().find(|f| f.key == "tls").unwrap();
            assert_eq!(tls.default.as_ref(), db.tls_modes.first());
            let host = fields.iter().find(|f| f.key == "host").unwrap();
            let re = whole_match(host.pattern.as_deref().unwrap()).unwrap();
            for ok in [
                "db.example.com",
                "127.0.0.1",
                "[::1]",
                "localhost",
                "my-db-1",
            ] {
                assert!(re.is_match(ok), "{ok}");
            }
            for bad in ["a b", "db/evil", "user@host", "", "-db", "host:5432"] {
                assert!(!re.is_match(bad), "{bad}");
            }
        }
    }

    #[test]
    fn a_login_hint_must_be_filled_by_a_field_or_the_sign_in() {
        let catalog = crate::catalog::Catalog::builtin();
        let google = catalog.get("google_workspace").unwrap();
        assert_eq!(connector(google, Origin::Builtin), Vec::new());
        let with_hint = |hint: &str| {
            let mut c = google.clone();
            c.oauth2.as_mut().unwrap().login_hint = Some(hint.to_owned());
            connector(&c, Origin::Builtin)
        };
        for bad in ["{mail}", "someone@example.com", "{email"] {
            let problems = with_hint(bad);
            assert!(
                problems.iter().any(|(path, _)| path == "oauth2.login_hint"),
                "{bad}: {problems:?}"
            );
        }
    }

    #[test]
    fn env_values_name_a_credential_or_a_setting() {
        let catalog = crate::catalog::Catalog::builtin();
        let aws = catalog.get("aws").unwrap().clone();
        let with_value = |value: &str| {
            let mut c = aws.clone();
            c.env = vec![EnvVar {
                name: "AWS_REGION".into(),
                value: value.into(),
                docs: "https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-envvars.html"
                    .into(),
            }];
            connector(&c, Origin::Builtin)
        };
        assert_eq!(with_value("region"), Vec::new());
        assert_eq!(with_value("secret_access_key"), Vec::new());
        for bad in ["refresh_token", "client_secret", "regoin"] {
            let problems = with_value(bad);
            assert!(
                problems.iter().any(|(path, _)| path == "env[0].value"),
                "{bad}: {problems:?}"
            );
        }
    }

    #[test]
    fn mcp_servers_read_only_declared_variables() {
        let catalog = crate::catalog::Catalog::builtin();
        let mut c = catalog.get("aws").unwrap().clone();
        let readme = "https://github.com/example/server#readme".to_owned();
        c.mcp_servers = vec![McpServer {
            name: "example".into(),
            official: false,
            command: Some("npx".into()),
            args: vec!["-y".into(), "example".into()],
            url: Some("https://mcp.example.com/mcp".into()),
            env: vec!["UNDECLARED_TOKEN".into()],
            readme,
        }];
        let paths: Vec<String> = connector(&c, Origin::Builtin)
            .into_iter()
            .map(|(path, _)| path)
            .collect();
        assert!(paths.contains(&"mcp_servers[0]".to_owned()), "{paths:?}");
        assert!(
            paths.contains(&"mcp_servers[0].env".to_owned()),
            "{paths:?}"
        );
    }

    #[test]
    fn colours_need_six_hex_digits() {
        assert_eq!(parse_hex_colour("#00A1E0"), Some([0, 0xA1, 0xE0]));
        assert_eq!(parse_hex_colour("00A1E0"), None);
        assert_eq!(parse_hex_colour("#0A1E0"), None);
        assert_eq!(parse_hex_colour("#GGGGGG"), None);
    }
}
