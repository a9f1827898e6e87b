//! Database logins: a connection URL (the password in it is the secret), read and checked
//! before it is stored, by connecting for real and running the cheapest statement: `SELECT 1`
//! for PostgreSQL and MySQL/MariaDB (sqlx), `PING` for Redis (the redis crate), the `ping`
//! command for MongoDB (the official driver, which signs in with SCRAM). A closed port
//! fails within the connect timeout; the server's own messages never reach ours (a server may
//! echo what it was sent).

use crate::catalog::validate_fields;
use crate::vault::SecretValue;
use keyport_model::{login, Connector, DbDriver};
use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, PartialEq, Eq)]
pub enum DbError {
    Invalid(String),
    AuthFailed,
    NotFound,
    Unreachable(&'static str),
    TlsRefused,
}

/// A login read from its URL: the driver, and the non-secret parts kept as metadata.
pub struct Login {
    pub driver: DbDriver,
    pub url: url::Url,
    pub metadata: BTreeMap<String, String>,
}

/// Reads a connection URL for `connector`: one of its schemes, a host, and (not a secret) the
/// port, database, user and TLS mode.
pub fn read_url(connector: &Connector, text: &str) -> Result<Login, DbError> {
    let spec = connector
        .database
        .as_ref()
        .ok_or_else(|| DbError::Invalid(format!("{} is not a database", connector.name)))?;
    let schemes = spec.url_schemes.join("://, ") + "://";
    let url = url::Url::parse(text.trim())
        .map_err(|_| DbError::Invalid(format!("not a connection URL; expected {schemes}…")))?;
    if !spec.url_schemes.iter().any(|s| s == url.scheme()) {
        return Err(DbError::Invalid(format!(
            "a {} URL starts with {schemes}",
            connector.name
        )));
    }
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| DbError::Invalid("the URL names no host".into()))?;
    let mut metadata = BTreeMap::new();
    metadata.insert("host".to_owned(), host.to_owned());
    metadata.insert(
        "port".to_owned(),
        url.port().unwrap_or(spec.default_port).to_string(),
    );
    if !url.username().is_empty() {
        let user = percent_decode(url.username());
        metadata.insert("user".to_owned(), user);
    }
    let database = url.path().trim_start_matches('/');
    if !database.is_empty() {
        metadata.insert("database".to_owned(), percent_decode(database));
    }
    let tls_param = match spec.driver {
        DbDriver::Postgres => Some("sslmode"),
        DbDriver::Mysql => Some("ssl-mode"),
        _ => None,
    };
    if let Some(param) = tls_param {
        if let Some((_, mode)) = url.query_pairs().find(|(k, _)| k == param) {
            if !spec.tls_modes.iter().any(|m| m.eq_ignore_ascii_case(&mode)) {
                return Err(DbError::Invalid(format!(
                    "`{param}={mode}` is not a TLS mode {} knows; use one of {}",
                    connector.name,
                    spec.tls_modes.join(", ")
                )));
            }
            metadata.insert("tls".to_owned(), mode.into_owned());
        }
    }
    if url.scheme() == "rediss" {
        metadata.insert("tls".to_owned(), "required".to_owned());
    }
    Ok(Login {
        driver: spec.driver,
        url,
        metadata,
    })
}

/// Builds the connection URL of a login given field by field (`DatabaseSpec::login_fields`):
/// the URL is what is stored and checked, exactly as if it had been pasted. Empty values count
/// as not given.
pub fn url_from_fields(
    connector: &Connector,
    config: &BTreeMap<String, String>,
    password: Option<&str>,
) -> Result<SecretValue, DbError> {
    let spec = connector
        .database
        .as_ref()
        .ok_or_else(|| DbError::Invalid(format!("{} is not a database", connector.name)))?;
    let fields = spec.login_fields();
    let plain: Vec<_> = fields.iter().filter(|f| !f.secret).collect();
    let given: BTreeMap<String, String> = config
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.trim().to_owned()))
        .collect();
    let values = validate_fields(connector, &plain, &given).map_err(DbError::Invalid)?;
    let value = |key: &str| values.get(key).map(String::as_str);
    let port: u16 = value(login::PORT)
        .and_then(|p| p.parse().ok())
        .filter(|p| *p > 0)
        .ok_or_else(|| DbError::Invalid("the port is a number from 1 to 65535".into()))?;
    let tls = value(login::TLS).unwrap_or_default();
    let scheme = match spec.driver {
        DbDriver::Postgres => "postgresql",
        DbDriver::Mysql => "mysql",
        DbDriver::Mongodb => "mongodb",
        DbDriver::Redis if tls == "none" => "redis",
        DbDriver::Redis => "rediss",
    };
    let bad = |_| DbError::Invalid("the host is not a host name or IP address".into());
    let mut url = url::Url::parse(&format!("{scheme}://localhost")).map_err(bad)?;
    url.set_host(value(login::HOST)).map_err(bad)?;
    let unusable = || DbError::Invalid("the user or password cannot go in a URL".into());
    url.set_port(Some(port)).map_err(|_| unusable())?;
    url.set_username(value(login::USER).unwrap_or_default())
        .map_err(|_| unusable())?;
    if let Some(password) = password.filter(|p| !p.is_empty()) {
        url.set_password(Some(password)).map_err(|_| unusable())?;
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

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Connects and runs the cheapest statement.
pub async fn check(login: &Login) -> Result<(), DbError> {
    let attempt = async {
        match login.driver {
            DbDriver::Postgres => postgres(&login.url).await,
            DbDriver::Mysql => mysql(&login.url).await,
            DbDriver::Redis => redis_ping(&login.url).await,
            DbDriver::Mongodb => mongodb_ping(&login.url).await,
        }
    };
    tokio::time::timeout(CONNECT_TIMEOUT, attempt)
        .await
        .unwrap_or(Err(DbError::Unreachable("timed out")))
}

fn sqlx_error(err: sqlx::Error, auth_codes: &[&str], missing_codes: &[&str]) -> DbError {
    match &err {
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            if auth_codes.contains(&code.as_str()) {
                DbError::AuthFailed
            } else if missing_codes.contains(&code.as_str()) {
                DbError::NotFound
            } else {
                DbError::Unreachable("the server refused the connection")
            }
        }
        sqlx::Error::Tls(_) => DbError::TlsRefused,
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => DbError::Unreachable("could not connect"),
        sqlx::Error::Configuration(_) => DbError::Invalid("the URL's options are not valid".into()),
        _ => DbError::Unreachable("the connection failed"),
    }
}

async fn postgres(url: &url::Url) -> Result<(), DbError> {
    use sqlx::Connection;
    let options = sqlx::postgres::PgConnectOptions::from_str(url.as_str())
        .map_err(|_| DbError::Invalid("the URL's options are not valid".into()))?;
    // SQLSTATE 28P01 invalid_password, 28000 invalid_authorization_specification; 3D000
    // invalid_catalog_name (no such database).
    let mut conn = sqlx::PgConnection::connect_with(&options)
        .await
        .map_err(|e| sqlx_error(e, &["28P01", "28000"], &["3D000"]))?;
    sqlx::query("SELECT 1")
        .execute(&mut conn)
        .await
        .map_err(|e| sqlx_error(e, &[], &[]))?;
    let _ = conn.close().await;
    Ok(())
}

async fn mysql(url: &url::Url) -> Result<(), DbError> {
    use sqlx::Connection;
    let options = sqlx::mysql::MySqlConnectOptions::from_str(url.as_str())
        .map_err(|_| DbError::Invalid("the URL's options are not valid".into()))?;
    let mut conn = sqlx::MySqlConnection::connect_with(&options)
        .await
        .map_err(|e| {
            // ER_ACCESS_DENIED_ERROR 1045 (user or password), ER_DBACCESS_DENIED_ERROR 1044 (no
            // such database for this user: the server does not say which) and ER_BAD_DB_ERROR
            // 1049 share SQLSTATEs with other errors; the server's error number tells them apart.
            let number = match &e {
                sqlx::Error::Database(db) => db
                    .try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
                    .map(|m| m.number()),
                _ => None,
            };
            match number {
                Some(1045) => DbError::AuthFailed,
                Some(1044) | Some(1049) => DbError::NotFound,
                _ => sqlx_error(e, &[], &[]),
            }
        })?;
    sqlx::query("SELECT 1")
        .execute(&mut conn)
        .await
        .map_err(|e| sqlx_error(e, &[], &[]))?;
    let _ = conn.close().await;
    Ok(())
}

async fn redis_ping(url: &url::Url) -> Result<(), DbError> {
    let client = redis::Client::open(url.as_str())
        .map_err(|_| DbError::Invalid("the URL's options are not valid".into()))?;
    let classify = |e: redis::RedisError| match e.kind() {
        redis::ErrorKind::AuthenticationFailed => DbError::AuthFailed,
        _ if e.is_io_error() || e.is_connection_refusal() || e.is_timeout() => {
            DbError::Unreachable("could not connect")
        }
        _ if matches!(e.code(), Some("NOAUTH") | Some("WRONGPASS")) => DbError::AuthFailed,
        _ => DbError::Unreachable("the server refused the connection"),
    };
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .map_err(classify)?;
    let pong: String = redis::cmd("PING")
        .query_async(&mut conn)
        .await
        .map_err(classify)?;
    if pong != "PONG" {
        return Err(DbError::Unreachable("the server did not answer PING"));
    }
    Ok(())
}

async fn mongodb_ping(url: &url::Url) -> Result<(), DbError> {
    use mongodb::error::ErrorKind;
    let mut options = mongodb::options::ClientOptions::parse(url.as_str())
        .await
        .map_err(|e| match *e.kind {
            // A mongodb+srv:// name is looked up while the options are read.
            ErrorKind::DnsResolve { .. } | ErrorKind::Io(_) => {
                DbError::Unreachable("its name did not resolve")
            }
            _ => DbError::Invalid("the URL's options are not valid".into()),
        })?;
    // Within the outer timeout, so the driver's own account of the failure is what we read.
    options.connect_timeout = Some(CONNECT_TIMEOUT / 2);
    options.server_selection_timeout = Some(CONNECT_TIMEOUT * 4 / 5);
    options.retry_reads = Some(false);
    options.app_name = Some("Keyport".into());
    let asks_tls = options
        .tls
        .as_ref()
        .is_some_and(|t| matches!(t, mongodb::options::Tls::Enabled(_)));
    let client = mongodb::Client::with_options(options)
        .map_err(|_| DbError::Invalid("the URL's options are not valid".into()))?;
    let database = url.path().trim_start_matches('/');
    let database = if database.is_empty() {
        "admin"
    } else {
        database
    };
    let pinged = client
        .database(&percent_decode(database))
        .run_command(mongodb::bson::doc! { "ping": 1 })
        .await;
    client.shutdown().await;
    pinged.map(|_| ()).map_err(|e| match *e.kind {
        ErrorKind::Authentication { .. } => DbError::AuthFailed,
        // 18 AuthenticationFailed.
        ErrorKind::Command(ref c) if c.code == 18 => DbError::AuthFailed,
        ErrorKind::ServerSelection { ref message, .. } if asks_tls && mentions_tls(message) => {
            DbError::TlsRefused
        }
        ErrorKind::ServerSelection { .. } | ErrorKind::Io(_) | ErrorKind::DnsResolve { .. } => {
            DbError::Unreachable("could not connect")
        }
        _ => DbError::Unreachable("the server refused the connection"),
    })
}

/// Whether the driver's account of a failed connection is a TLS handshake's (it is read, never
/// shown: it may quote the server). MongoDB has no TLS negotiation: a server without TLS reads
/// the client's hello as a bad message and hangs up, so a hang-up while TLS was asked for is
/// the server not offering it.
fn mentions_tls(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    [
        "tls",
        "ssl",
        "handshake",
        "certificate",
        "connection reset",
        "end of file",
        "eof",
    ]
    .iter()
    .any(|w| message.contains(w))
}
