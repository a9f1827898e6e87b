//! A database's connection URL, read once, here, through the `url` crate: to connect by it, to
//! build it from a login given field by field, and to tell the connect form what a pasted one
//! says (`url_fields`), so the form and the core cannot read one URL two ways.

use super::DbError;
use crate::catalog::validate_fields;
use crate::secrets::Password;
use crate::vault::SecretValue;
use keyport_model::{login, Connector, DatabaseSpec, DatabaseUrlFields, DbDriver};
use std::collections::BTreeMap;

/// A login read from its URL: the driver, and the non-secret parts kept as metadata.
pub struct Login {
    pub driver: DbDriver,
    pub url: url::Url,
    pub metadata: BTreeMap<String, String>,
}

fn spec_of(connector: &Connector) -> Result<&DatabaseSpec, DbError> {
    connector
        .database
        .as_ref()
        .ok_or_else(|| DbError::NotDatabase {
            connector: connector.name.clone(),
        })
}

/// The URL parameter that names the TLS mode, for the drivers that take one.
fn tls_param(driver: DbDriver) -> Option<&'static str> {
    match driver {
        DbDriver::Postgres => Some("sslmode"),
        DbDriver::Mysql => Some("ssl-mode"),
        DbDriver::Mongodb | DbDriver::Redis => None,
    }
}

/// Reads a connection URL for `connector`: one of its schemes, a host, and (not a secret) the
/// port, database, user and TLS mode.
pub fn read_url(connector: &Connector, text: &str) -> Result<Login, DbError> {
    let spec = spec_of(connector)?;
    let schemes = spec.url_schemes.join("://, ") + "://";
    let url = url::Url::parse(text.trim()).map_err(|e| match e {
        url::ParseError::InvalidPort => DbError::Port,
        _ => DbError::NotUrl {
            schemes: schemes.clone(),
        },
    })?;
    if !spec.url_schemes.iter().any(|s| s == url.scheme()) {
        return Err(DbError::Scheme {
            connector: connector.name.clone(),
            schemes,
        });
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or(DbError::NoHost)?;
    if url.port() == Some(0) {
        return Err(DbError::Port);
    }
    let mut metadata = BTreeMap::new();
    metadata.insert(login::HOST.to_owned(), host.to_owned());
    metadata.insert(
        login::PORT.to_owned(),
        url.port().unwrap_or(spec.default_port).to_string(),
    );
    if !url.username().is_empty() {
        metadata.insert(login::USER.to_owned(), percent_decode(url.username()));
    }
    let database = url.path().trim_start_matches('/');
    if !database.is_empty() {
        metadata.insert(login::DATABASE.to_owned(), percent_decode(database));
    }
    if let Some(param) = tls_param(spec.driver) {
        if let Some((_, mode)) = url.query_pairs().find(|(k, _)| k == param) {
            if !spec.tls_modes.iter().any(|m| m.eq_ignore_ascii_case(&mode)) {
                return Err(DbError::TlsMode {
                    param,
                    mode: mode.into_owned(),
                    connector: connector.name.clone(),
                    modes: spec.tls_modes.join(", "),
                });
            }
            metadata.insert(login::TLS.to_owned(), mode.into_owned());
        }
    }
    if url.scheme() == "rediss" {
        metadata.insert(login::TLS.to_owned(), "required".to_owned());
    }
    Ok(Login {
        driver: spec.driver,
        url,
        metadata,
    })
}

/// What a pasted connection URL says for the login form, by field; its password stays here.
/// What one host and one port cannot say (a MongoDB `+srv` name, several hosts) is refused at
/// `url`, so the person gives it as a connection URL instead.
pub fn url_fields(connector: &Connector, text: &str) -> Result<DatabaseUrlFields, DbError> {
    let spec = spec_of(connector)?;
    let text = text.trim();
    if let Some((scheme, rest)) = text.split_once("://") {
        if scheme.to_ascii_lowercase().ends_with("+srv") {
            return Err(DbError::NotOneHost {
                what: "a DNS seed list (+srv)",
            });
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let hosts = authority.rsplit('@').next().unwrap_or_default();
        if hosts.contains(',') {
            return Err(DbError::NotOneHost {
                what: "several hosts",
            });
        }
    }
    let Login { url, metadata, .. } = read_url(connector, text)?;
    let given = |key: &str| metadata.get(key).cloned().unwrap_or_default();
    let mut values: BTreeMap<String, String> =
        [login::HOST, login::PORT, login::USER, login::DATABASE]
            .into_iter()
            .map(|key| (key.to_owned(), given(key)))
            .collect();
    let named = |key: &str| {
        url.query_pairs()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.into_owned())
    };
    if spec.driver == DbDriver::Mongodb {
        values.insert(
            login::AUTH_SOURCE.to_owned(),
            named("authSource").unwrap_or_default(),
        );
    }
    if let Some(tls) = tls_mode(spec, &url) {
        values.insert(login::TLS.to_owned(), tls);
    }
    let has_password = url.password().is_some_and(|p| !p.is_empty() && p != "***");
    Ok(DatabaseUrlFields {
        values,
        has_password,
    })
}

/// The TLS mode a URL implies, in the catalog's spelling; the plainest (the first) when it
/// names none.
fn tls_mode(spec: &DatabaseSpec, url: &url::Url) -> Option<String> {
    let option = |mode: &str| {
        spec.tls_modes
            .iter()
            .find(|o| o.eq_ignore_ascii_case(mode))
            .cloned()
    };
    let default = || spec.tls_modes.first().cloned();
    match spec.driver {
        DbDriver::Postgres | DbDriver::Mysql => {
            let param = tls_param(spec.driver)?;
            match url.query_pairs().find(|(k, _)| k == param) {
                Some((_, mode)) => option(&mode),
                None => default(),
            }
        }
        DbDriver::Mongodb => {
            // The modes are the URL's options themselves (`tls=true`; `ssl` is its old name),
            // listed plainest first: the strictest the URL names wins.
            let given: Vec<String> = url
                .query_pairs()
                .map(|(k, v)| {
                    let k = if k.eq_ignore_ascii_case("ssl") {
                        "tls".into()
                    } else {
                        k
                    };
                    format!("{k}={v}")
                })
                .collect();
            spec.tls_modes
                .iter()
                .rev()
                .find(|o| given.iter().any(|g| g.eq_ignore_ascii_case(o)))
                .cloned()
                .or_else(default)
        }
        DbDriver::Redis => option(match (url.scheme(), url.fragment()) {
            ("rediss", Some("insecure")) => "insecure",
            ("rediss", _) => "secure",
            _ => "none",
        }),
    }
}

/// Builds the connection URL of a login given field by field (`DatabaseSpec::login_fields`):
/// the URL is what is stored and checked, exactly as if it had been pasted. Empty values count
/// as not given.
pub fn url_from_fields(
    connector: &Connector,
    config: &BTreeMap<String, String>,
    password: Option<&Password>,
) -> Result<SecretValue, DbError> {
    let spec = spec_of(connector)?;
    let fields = spec.login_fields();
    let plain: Vec<_> = fields.iter().filter(|f| !f.secret).collect();
    let given: BTreeMap<String, String> = config
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.trim().to_owned()))
        .collect();
    let values = validate_fields(connector, &plain, &given)?;
    let value = |key: &str| values.get(key).map(String::as_str);
    let port: u16 = value(login::PORT)
        .and_then(|p| p.parse().ok())
        .filter(|p| *p > 0)
        .ok_or(DbError::Port)?;
    let tls = value(login::TLS).unwrap_or_default();
    let scheme = match spec.driver {
        DbDriver::Postgres => "postgresql",
        DbDriver::Mysql => "mysql",
        DbDriver::Mongodb => "mongodb",
        DbDriver::Redis if tls == "none" => "redis",
        DbDriver::Redis => "rediss",
    };
    // Only a URL without a usable host refuses a port, a user or a password.
    let bad_host = |_| DbError::Host;
    let mut url = url::Url::parse(&format!("{scheme}://localhost")).map_err(bad_host)?;
    url.set_host(value(login::HOST)).map_err(bad_host)?;
    url.set_port(Some(port)).map_err(|_| DbError::Host)?;
    url.set_username(value(login::USER).unwrap_or_default())
        .map_err(|_| DbError::Host)?;
    if let Some(password) = password
        .map(Password::expose_for_login)
        .filter(|p| !p.is_empty())
    {
        url.set_password(Some(password))
            .map_err(|_| DbError::Host)?;
    }
    if let Some(database) = value(login::DATABASE) {
        url.set_path(&format!("/{database}"));
    }
    {
        let mut query = url.query_pairs_mut();
        match spec.driver {
            DbDriver::Postgres => {
                query.append_pair("sslmode", tls);
            }
            DbDriver::Mysql => {
                query.append_pair("ssl-mode", tls);
            }
            DbDriver::Mongodb => {
                // The modes are the connection-string options themselves (`tls=true`).
                if let Some((k, v)) = tls.split_once('=') {
                    query.append_pair(k, v);
                }
                if let Some(source) = value(login::AUTH_SOURCE) {
                    query.append_pair("authSource", source);
                }
            }
            DbDriver::Redis => {}
        }
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    if spec.driver == DbDriver::Redis && tls == "insecure" {
        // redis-rs: `rediss://…#insecure` skips certificate checks.
        url.set_fragment(Some("insecure"));
    }
    Ok(SecretValue::new(String::from(url).into_bytes()))
}

/// A URL part with its `%XX` escapes decoded. Not form decoding: a `+` in a user or a path is
/// a plus, and `&` or `=` there are plain characters.
pub(crate) fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::error::Coded;
    use keyport_model::ErrorCode;

    fn fields(connector: &str, text: &str) -> Result<DatabaseUrlFields, DbError> {
        url_fields(Catalog::builtin().get(connector).unwrap(), text)
    }

    fn value<'a>(fields: &'a DatabaseUrlFields, key: &str) -> &'a str {
        fields.values[key].as_str()
    }

    /// The code and field a refusal reaches the page with.
    fn refusal(result: Result<DatabaseUrlFields, DbError>) -> (ErrorCode, Option<String>) {
        let shown = result.unwrap_err().to_command_error();
        (shown.code, shown.field)
    }

    #[test]
    fn a_pasted_url_gives_its_fields_and_only_whether_it_had_a_password() {
        let got = fields(
            "postgresql",
            " postgresql://app:s3cret@db.example.com:6543/orders?sslmode=verify-full ",
        )
        .unwrap();
        let expected: BTreeMap<String, String> = [
            ("host", "db.example.com"),
            ("port", "6543"),
            ("user", "app"),
            ("database", "orders"),
            ("tls", "verify-full"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(got.values, expected);
        assert!(got.has_password);
        assert!(!format!("{got:?}").contains("s3cret"), "never the password");
        // The `***` Keyport shows in a password's place is no password.
        assert!(
            !fields("postgresql", "postgres://app:***@db/x")
                .unwrap()
                .has_password
        );
        assert!(
            !fields("postgresql", "postgres://app@db/x")
                .unwrap()
                .has_password
        );
    }

    #[test]
    fn names_are_percent_decoded_as_url_parts_not_as_a_form() {
        let got = fields(
            "postgresql",
            "postgresql://j%C3%A9r%C3%B4me+x:p%40ss@db/my%20db&a=b+c",
        )
        .unwrap();
        // A `+` is a plus and `&`/`=` plain characters in a user or a path (form decoding
        // read the `+` as a space and cut the name at the `&`).
        assert_eq!(value(&got, "user"), "jérôme+x");
        assert_eq!(value(&got, "database"), "my db&a=b+c");
        let login = read_url(
            Catalog::builtin().get("postgresql").unwrap(),
            "postgresql://a+b@db/x%2By",
        )
        .unwrap();
        assert_eq!(
            (
                login.metadata["user"].as_str(),
                login.metadata["database"].as_str()
            ),
            ("a+b", "x+y")
        );
    }

    #[test]
    fn an_ipv6_host_keeps_its_brackets_and_a_missing_port_is_the_default() {
        let got = fields("postgresql", "postgresql://app@[2001:db8::1]:5433/x").unwrap();
        assert_eq!(
            (value(&got, "host"), value(&got, "port")),
            ("[2001:db8::1]", "5433")
        );
        let got = fields("redis", "redis://[::1]/1").unwrap();
        assert_eq!(
            (
                value(&got, "host"),
                value(&got, "port"),
                value(&got, "database")
            ),
            ("[::1]", "6379", "1")
        );
        let got = fields("postgresql", "POSTGRES://app@db/orders").unwrap();
        assert_eq!(
            (value(&got, "port"), value(&got, "tls")),
            ("5432", "prefer")
        );
        assert_eq!(value(&got, "user"), "app");
    }

    #[test]
    fn each_driver_names_its_tls_mode_in_the_catalogs_spelling() {
        let tls = |connector: &str, text: &str| {
            value(&fields(connector, text).unwrap(), "tls").to_owned()
        };
        assert_eq!(tls("mysql", "mysql://u@db/x?ssl-mode=REQUIRED"), "REQUIRED");
        assert_eq!(tls("redis", "rediss://db:6380/0#insecure"), "insecure");
        assert_eq!(tls("redis", "rediss://db/0"), "secure");
        assert_eq!(tls("redis", "redis://db/0"), "none");
        let mongo = fields("mongodb", "mongodb://u:p@db/app?ssl=true&authSource=admin").unwrap();
        assert_eq!(
            (value(&mongo, "tls"), value(&mongo, "auth_source")),
            ("tls=true", "admin")
        );
    }

    #[test]
    fn refusals_name_the_field_they_concern() {
        let invalid = |field: &str| (ErrorCode::ConnectionInvalid, Some(field.to_owned()));
        for bad_port in [
            "postgresql://db:99999/x",
            "postgresql://db:0/x",
            "redis://db:port/0",
        ] {
            assert_eq!(
                refusal(fields("postgresql", bad_port)),
                invalid("port"),
                "{bad_port}"
            );
        }
        assert_eq!(
            refusal(fields("postgresql", "mysql://db/x")),
            invalid("url")
        );
        assert_eq!(
            refusal(fields("postgresql", "db.example.com")),
            invalid("url")
        );
        assert_eq!(
            refusal(fields("postgresql", "postgresql:///x")),
            invalid("url")
        );
        assert_eq!(
            refusal(fields("postgresql", "postgresql://db/x?sslmode=bogus")),
            invalid("url")
        );
        // What a host and a port field cannot hold is left to the connection URL entry.
        assert_eq!(
            refusal(fields("mongodb", "mongodb+srv://u:p@cluster0.example.net/")),
            invalid("url")
        );
        assert_eq!(
            refusal(fields(
                "mongodb",
                "mongodb://u:p@a.example.net:27017,b.example.net:27017/app"
            )),
            invalid("url")
        );
    }

    #[test]
    fn a_login_given_by_fields_is_refused_at_its_field() {
        let catalog = Catalog::builtin();
        let postgres = catalog.get("postgresql").unwrap();
        let config = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let field_of = |pairs: &[(&str, &str)]| {
            let err = url_from_fields(postgres, &config(pairs), None).unwrap_err();
            (err.code(), err.field().map(str::to_owned))
        };
        let at = |field: &str| (ErrorCode::ConnectionInvalid, Some(field.to_owned()));
        let login = [("host", "db"), ("user", "app"), ("database", "x")];
        assert_eq!(
            field_of(&[login.as_slice(), &[("port", "70000")]].concat()),
            at("port")
        );
        assert_eq!(
            field_of(&[login.as_slice(), &[("port", "0")]].concat()),
            at("port")
        );
        assert_eq!(
            field_of(&[
                ("host", "db e"),
                ("port", "5432"),
                ("user", "a"),
                ("database", "x")
            ]),
            at("host")
        );
        assert_eq!(
            field_of(&[login.as_slice(), &[("tls", "bogus")]].concat()),
            at("tls")
        );
        assert_eq!(
            field_of(&[login.as_slice(), &[("colour", "red")]].concat()),
            at("colour")
        );
        let password = Password::read(&SecretValue::new(b"p@ss w/rd".to_vec())).unwrap();
        let url = url_from_fields(
            postgres,
            &config(&[login.as_slice(), &[("port", "5432")]].concat()),
            Some(&password),
        )
        .unwrap();
        let text = std::str::from_utf8(url.expose_to_caller()).unwrap();
        assert!(
            text.starts_with("postgresql://app:p%40ss%20w%2Frd@db:5432/x"),
            "{text}"
        );
    }
}
