//! A database login read from a connection URL pasted or typed into the Host field.

use keyport_model::{login, DatabaseSpec, DbDriver};
use std::collections::BTreeMap;

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
    use crate::test_support::{database, map};

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
}
