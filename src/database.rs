//! Database logins: a connection URL (the password in it is the secret), read and checked
//! before it is stored, by connecting for real and running the cheapest statement: `SELECT 1`
//! for PostgreSQL and MySQL/MariaDB (sqlx), `PING` for Redis (the redis crate), the `ping`
//! command for MongoDB (the official driver, which signs in with SCRAM). A closed port
//! fails within the connect timeout; the server's own messages never reach ours (a server may
//! echo what it was sent).

mod url;

use crate::error::Coded;
use keyport_model::{DbDriver, ErrorCode};
use std::str::FromStr;
use std::time::Duration;

pub(crate) use self::url::percent_decode;
pub use self::url::{read_url, url_fields, url_from_fields, Login};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a database login was refused: first what is wrong with what was given (each at the form
/// field it concerns), then what the server said when it was tried.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    #[error("{connector} is not a database")]
    NotDatabase { connector: String },
    #[error("not a connection URL; expected {schemes}…")]
    NotUrl { schemes: String },
    #[error("a {connector} URL starts with {schemes}")]
    Scheme { connector: String, schemes: String },
    #[error("the URL names no host")]
    NoHost,
    #[error("`{param}={mode}` is not a TLS mode {connector} knows; use one of {modes}")]
    TlsMode {
        param: &'static str,
        mode: String,
        connector: String,
        modes: String,
    },
    /// What one host and one port cannot say: a `+srv` name, or several hosts.
    #[error("this URL names {what}, which the host and port fields cannot hold; give it as a connection URL instead")]
    NotOneHost { what: &'static str },
    #[error(transparent)]
    Setting(#[from] crate::catalog::ConfigError),
    #[error("the port is a number from 1 to 65535")]
    Port,
    #[error("the host is not a host name or IP address")]
    Host,
    #[error("the URL's options are not valid")]
    Options,
    #[error("wrong user or password")]
    AuthFailed,
    #[error("no database by that name for this user")]
    NotFound,
    #[error("could not be reached ({0})")]
    Unreachable(&'static str),
    #[error("the server does not offer the TLS asked for")]
    TlsRefused,
}

impl DbError {
    pub fn code(&self) -> ErrorCode {
        match self {
            DbError::AuthFailed => ErrorCode::DbAuthFailed,
            DbError::NotFound => ErrorCode::DbNotFound,
            DbError::Unreachable(_) => ErrorCode::DbUnreachable,
            DbError::TlsRefused => ErrorCode::DbTlsRefused,
            _ => ErrorCode::ConnectionInvalid,
        }
    }

    /// The form field it concerns: a pasted URL's (`url`), or a login field's.
    pub fn field(&self) -> Option<&str> {
        match self {
            DbError::NotUrl { .. }
            | DbError::Scheme { .. }
            | DbError::NoHost
            | DbError::TlsMode { .. }
            | DbError::NotOneHost { .. }
            | DbError::Options => Some("url"),
            DbError::Setting(e) => e.field.as_deref(),
            DbError::Port => Some(keyport_model::login::PORT),
            DbError::Host => Some(keyport_model::login::HOST),
            DbError::NotDatabase { .. }
            | DbError::AuthFailed
            | DbError::NotFound
            | DbError::Unreachable(_)
            | DbError::TlsRefused => None,
        }
    }
}

impl Coded for DbError {
    fn code(&self) -> ErrorCode {
        DbError::code(self)
    }

    fn field(&self) -> Option<&str> {
        DbError::field(self)
    }
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
        sqlx::Error::Configuration(_) => DbError::Options,
        _ => DbError::Unreachable("the connection failed"),
    }
}

async fn postgres(url: &::url::Url) -> Result<(), DbError> {
    use sqlx::Connection;
    let options =
        sqlx::postgres::PgConnectOptions::from_str(url.as_str()).map_err(|_| DbError::Options)?;
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

async fn mysql(url: &::url::Url) -> Result<(), DbError> {
    use sqlx::Connection;
    let options =
        sqlx::mysql::MySqlConnectOptions::from_str(url.as_str()).map_err(|_| DbError::Options)?;
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

async fn redis_ping(url: &::url::Url) -> Result<(), DbError> {
    let client = redis::Client::open(url.as_str()).map_err(|_| DbError::Options)?;
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

async fn mongodb_ping(url: &::url::Url) -> Result<(), DbError> {
    use mongodb::error::ErrorKind;
    let mut options = mongodb::options::ClientOptions::parse(url.as_str())
        .await
        .map_err(|e| match *e.kind {
            // A mongodb+srv:// name is looked up while the options are read.
            ErrorKind::DnsResolve { .. } | ErrorKind::Io(_) => {
                DbError::Unreachable("its name did not resolve")
            }
            _ => DbError::Options,
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
    let client = mongodb::Client::with_options(options).map_err(|_| DbError::Options)?;
    let database = url.path().trim_start_matches('/');
    let database = if database.is_empty() {
        "admin"
    } else {
        database
    };
    let pinged = client
        .database(&self::url::percent_decode(database))
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
