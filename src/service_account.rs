//! Service accounts: machine credentials a service exchanges for an access token, checked
//! before they are stored. A Google JSON key signs a JWT (RS256, the `jsonwebtoken` crate)
//! that the token endpoint trades for a token (RFC 7523); Azure, Databricks and other
//! client-credentials apps use the `oauth2` crate's client-credentials grant; a Snowflake key
//! pair signs its own JWT, which is the token; an AWS key pair signs the check call itself
//! (`aws`). The token then makes the connector's check call. The token endpoint is always the
//! catalog's, never one named inside an uploaded file.

mod aws;

pub use aws::{Keys as AwsKeys, ACCESS_KEY_ID};

use crate::catalog::{config_values, CheckedUrl};
use crate::check;
use crate::connections::{self, Learned, NewConnection};
use crate::http::Http;
use crate::manager::{usable_secret, usable_value, ManagerError, SecretShape};
use crate::vault::{SecretValue, Unlocked, Vault};
use keyport_model::{
    ConnectionType, ConnectionView, Connector, KeyFact, KeyFileView, ServiceAccountFormat,
    ServiceAccountSpec,
};
use oauth2::TokenResponse as _;
use std::collections::BTreeMap;

/// A Google service-account key file: the fields the exchange needs (the key stays secret).
#[derive(serde::Deserialize)]
struct GcpKey {
    #[serde(default)]
    project_id: Option<String>,
    private_key: String,
    client_email: String,
}

#[derive(serde::Serialize)]
struct GcpClaims<'a> {
    iss: &'a str,
    scope: String,
    aud: &'a str,
    iat: i64,
    exp: i64,
}

/// The form field a key file's problem is shown at.
const KEY_FILE: &str = "key_file";

/// A key file that can never work (Google's JSON key, Snowflake's PEM key), at its field.
fn invalid(what: impl Into<String>) -> ManagerError {
    ManagerError::ServiceAccountInvalid {
        field: Some(KEY_FILE.to_owned()),
        what: what.into(),
    }
}

/// Reads a Google JSON key, naming what is wrong with a file that is not one.
fn read_gcp_key(text: &str) -> Result<GcpKey, ManagerError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        if e.is_eof() {
            invalid("the key file is cut off (it ends before its JSON does)")
        } else {
            invalid(format!(
                "the key file is not JSON (line {}, column {})",
                e.line(),
                e.column()
            ))
        }
    })?;
    let kind = value.get("type").and_then(|t| t.as_str()).unwrap_or("");
    if kind != "service_account" {
        return Err(invalid(if kind.is_empty() {
            "the JSON has no \"type\": it is not a Google service-account key".to_owned()
        } else {
            format!("the JSON is a \"{}\" credential, not a service-account key (\"type\": \"service_account\")", crate::oauth::provider_words(kind))
        }));
    }
    for field in ["private_key", "client_email"] {
        if value
            .get(field)
            .and_then(|v| v.as_str())
            .is_none_or(str::is_empty)
        {
            return Err(invalid(format!("the key file has no \"{field}\"")));
        }
    }
    serde_json::from_value(value).map_err(|_| invalid("the key file's fields are not text"))
}

fn token_error(connector: &Connector, detail: String) -> ManagerError {
    ManagerError::ServiceAccountRejected {
        connector: connector.name.clone(),
        detail,
    }
}

/// The SHA-256 fingerprint (base64) of an RSA private key's public half, as Snowflake shows it
/// for a user's `RSA_PUBLIC_KEY_FP`.
fn public_key_fingerprint(private_pem: &str) -> Result<String, ManagerError> {
    use base64::Engine;
    use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
    use sha2::{Digest, Sha256};
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(private_pem.trim()).map_err(|_| {
        invalid(
            "the private key is not an unencrypted PKCS#8 RSA key (-----BEGIN PRIVATE KEY-----)",
        )
    })?;
    let public = key
        .to_public_key()
        .to_public_key_der()
        .map_err(|_| invalid("its public half cannot be encoded"))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(Sha256::digest(public.as_bytes())))
}

/// A Snowflake key-pair JWT: RS256 over `iss = ACCOUNT.USER.SHA256:<fingerprint of the public
/// key>` and `sub = ACCOUNT.USER` (upper case; an account locator without its region), valid
/// for an hour. Snowflake takes it as the bearer token itself; there is no exchange.
/// https://docs.snowflake.com/en/developer-guide/sql-api/authenticating
fn snowflake_jwt(
    values: &BTreeMap<String, String>,
    private_pem: &str,
) -> Result<String, ManagerError> {
    let fingerprint = public_key_fingerprint(private_pem)?;
    let account = values
        .get("account")
        .and_then(|a| a.split('.').next())
        .ok_or_else(|| missing_setting("account"))?
        .to_uppercase();
    let user = values
        .get("user")
        .ok_or_else(|| missing_setting("user"))?
        .to_uppercase();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = serde_json::json!({
        "iss": format!("{account}.{user}.SHA256:{fingerprint}"),
        "sub": format!("{account}.{user}"),
        "iat": now,
        "exp": now + 3600,
    });
    let signing = jsonwebtoken::EncodingKey::from_rsa_pem(private_pem.trim().as_bytes())
        .map_err(|_| invalid("the private key cannot sign"))?;
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims,
        &signing,
    )
    .map_err(|_| invalid("the private key cannot sign"))
}

/// A setting the exchange needs and the connection lacks.
pub(crate) fn missing_setting(key: &str) -> ManagerError {
    ManagerError::Missing {
        field: key.to_owned(),
        what: format!("{key} setting"),
    }
}

/// Trades a signed JWT for an access token (RFC 7523), as Google documents for service
/// accounts.
async fn gcp_token(
    http: &Http,
    connector: &Connector,
    spec: &ServiceAccountSpec,
    key: &GcpKey,
    token_url: &CheckedUrl,
) -> Result<String, ManagerError> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = GcpClaims {
        iss: &key.client_email,
        scope: spec.scopes.join(" "),
        aud: token_url.as_str(),
        iat: now,
        exp: now + 3600,
    };
    let signing = jsonwebtoken::EncodingKey::from_rsa_pem(key.private_key.as_bytes())
        .map_err(|_| invalid("its private_key is not an RSA private key in PEM"))?;
    let assertion = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims,
        &signing,
    )
    .map_err(|_| invalid("its private_key cannot sign"))?;
    let response = http
        .request(reqwest::Method::POST, token_url)
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", assertion.as_str()),
        ])
        .send()
        .await
        .map_err(|_| unavailable(connector, "could not connect".into()))?;
    let status = response.status();
    if status.is_server_error() || status.as_u16() == 429 {
        return Err(unavailable(connector, format!("HTTP {}", status.as_u16())));
    }
    let body: serde_json::Value = response.json().await.map_err(|_| {
        token_error(
            connector,
            "its token endpoint answered something unreadable".into(),
        )
    })?;
    if let Some(token) = body.get("access_token").and_then(|t| t.as_str()) {
        return Ok(token.to_owned());
    }
    let error = body
        .get("error")
        .and_then(|e| e.as_str())
        .unwrap_or("no token");
    let description = body
        .get("error_description")
        .and_then(|d| d.as_str())
        .map(|d| format!(": {}", crate::oauth::provider_words(d)))
        .unwrap_or_default();
    Err(token_error(
        connector,
        format!(
            "HTTP {}, {}{description}",
            status.as_u16(),
            crate::oauth::provider_words(error)
        ),
    ))
}

fn unavailable(connector: &Connector, detail: String) -> ManagerError {
    ManagerError::Unavailable {
        connector: connector.name.clone(),
        detail,
        retry_after: None,
    }
}

/// The client-credentials grant (RFC 6749 section 4.4) through the `oauth2` crate.
async fn client_credentials(
    http: &Http,
    connector: &Connector,
    spec: &ServiceAccountSpec,
    client_id: &str,
    secret: &str,
    token_url: &str,
) -> Result<String, ManagerError> {
    let client = oauth2::basic::BasicClient::new(oauth2::ClientId::new(client_id.to_owned()))
        .set_client_secret(oauth2::ClientSecret::new(secret.to_owned()))
        .set_auth_type(oauth2::AuthType::RequestBody)
        .set_token_uri(oauth2::TokenUrl::new(token_url.to_owned()).map_err(|_| {
            ManagerError::ServiceAccountInvalid {
                field: None,
                what: "the token URL is not a URL".to_owned(),
            }
        })?);
    let response = client
        .exchange_client_credentials()
        .add_scopes(spec.scopes.iter().cloned().map(oauth2::Scope::new))
        .request_async(http)
        .await
        .map_err(|e| match e {
            oauth2::RequestTokenError::ServerResponse(r) => token_error(
                connector,
                format!(
                    "{}{}",
                    crate::oauth::provider_words(r.error().as_ref()),
                    r.error_description()
                        .map(|d| format!(": {}", crate::oauth::provider_words(d)))
                        .unwrap_or_default()
                ),
            ),
            oauth2::RequestTokenError::Request(t) => unavailable(connector, t.to_string()),
            _ => token_error(
                connector,
                "its token endpoint answered something unreadable".into(),
            ),
        })?;
    Ok(response.access_token().secret().clone())
}

/// Gets a token with the credentials and makes the connector's check call with it: what
/// connecting does before it stores, and what a health probe does later. `values` are the
/// connection's settings. Gives what the check learned about the identity (AWS's account).
pub async fn check(
    http: &Http,
    connector: &Connector,
    values: &BTreeMap<String, String>,
    secret: &str,
) -> Result<BTreeMap<String, String>, ManagerError> {
    let spec = spec_of(connector)?;
    if spec.format == ServiceAccountFormat::AwsAccessKey {
        let keys = aws::Keys::read(secret.as_bytes())?;
        let request = spec
            .check
            .as_ref()
            .ok_or_else(|| ManagerError::not_offered(connector, "has no check request"))?;
        return aws::check(http, connector, request, values, &keys).await;
    }
    let http = http.for_connector(connector);
    let token_url = spec
        .token_url
        .as_deref()
        .map(|u| http.url(u, values))
        .transpose()?;
    let token = match (spec.format, token_url) {
        (ServiceAccountFormat::GcpJsonKey, Some(url)) => {
            let key = read_gcp_key(secret)?;
            gcp_token(&http, connector, spec, &key, &url).await?
        }
        (ServiceAccountFormat::SnowflakeKeyPair, _) => snowflake_jwt(values, secret)?,
        (
            ServiceAccountFormat::AzureClientSecret
            | ServiceAccountFormat::DatabricksOauthM2m
            | ServiceAccountFormat::Oauth2ClientCredentials,
            Some(url),
        ) => {
            let client_id = values
                .get("client_id")
                .ok_or_else(|| missing_setting("client_id"))?;
            client_credentials(&http, connector, spec, client_id, secret, url.as_str()).await?
        }
        _ => {
            return Err(ManagerError::NotChecked {
                connector: connector.name.clone(),
            })
        }
    };
    let Some(check_request) = &spec.check else {
        return Ok(BTreeMap::new());
    };
    check::bearer(&http, check_request, values, &token)
        .await
        .map_err(|e| match e {
            check::CheckError::Refused(status) => token_error(
                connector,
                format!("a token was issued, but the check call answered HTTP {status}; give the account the role the setup steps name"),
            ),
            check::CheckError::Unavailable { detail, .. } => unavailable(connector, detail),
            check::CheckError::Template(what) => ManagerError::CheckRequest(what),
            check::CheckError::Unreadable => ManagerError::CheckUnreadable,
        })?;
    Ok(BTreeMap::new())
}

/// Connects a service account: `secret` is the key file (Google) or the client secret; the
/// other fields come from `config`.
pub async fn connect(
    vault: &Vault,
    unlocked: &Unlocked,
    http: &Http,
    request: crate::manager::Request<'_>,
    secret: SecretValue,
) -> Result<ConnectionView, ManagerError> {
    let crate::manager::Request {
        connector,
        name,
        config,
        verify,
    } = request;
    let spec = spec_of(connector)?;
    let mut config = config;
    if spec.format == ServiceAccountFormat::AwsAccessKey {
        let keys = aws::Keys::read(secret.expose_to_caller())?;
        same_access_key(&mut config, &keys)?;
    }
    let mut values = config_values(connector, ConnectionType::ServiceAccount, &config)?;
    let text = std::str::from_utf8(secret.expose_to_caller()).map_err(|_| {
        ManagerError::ServiceAccountInvalid {
            field: secret_field(spec),
            what: "it is not text".to_owned(),
        }
    })?;
    let mut learned = BTreeMap::new();
    if spec.format == ServiceAccountFormat::GcpJsonKey {
        let key = read_gcp_key(text)?;
        learned.insert("client_email".to_owned(), key.client_email.clone());
        if let Some(project) = &key.project_id {
            learned.insert("project_id".to_owned(), project.clone());
        }
    }
    if verify {
        values.extend(learned.clone());
        let identity = check(http, connector, &values, text).await?;
        learned.extend(identity);
    }
    Ok(connections::insert(
        vault,
        unlocked,
        NewConnection {
            connector,
            connection_type: ConnectionType::ServiceAccount,
            name,
            config,
            username: None,
            secret,
            verified: verify,
            learned: Some(Learned {
                metadata: learned,
                ..Default::default()
            }),
        },
    )
    .await?)
}

/// The access key ID is kept in the settings (it tells keys apart, and is no secret); one
/// given there must be the key's own.
fn same_access_key(
    config: &mut BTreeMap<String, String>,
    keys: &aws::Keys,
) -> Result<(), ManagerError> {
    let id = keys.access_key_id();
    match config.get(aws::ACCESS_KEY_ID) {
        Some(given) if given != id => Err(ManagerError::AccessKeyMismatch {
            given: given.clone(),
            id: id.to_owned(),
        }),
        Some(_) => Ok(()),
        None => {
            config.insert(aws::ACCESS_KEY_ID.to_owned(), id.to_owned());
            Ok(())
        }
    }
}

fn spec_of(connector: &Connector) -> Result<&ServiceAccountSpec, ManagerError> {
    connector
        .service_account
        .as_ref()
        .ok_or_else(|| ManagerError::not_offered(connector, "has no service-account connection"))
}

/// The field a service account's secret is given at: its key file, or its one secret field.
fn secret_field(spec: &ServiceAccountSpec) -> Option<String> {
    if spec.key_file_field().is_some() {
        return Some(KEY_FILE.to_owned());
    }
    spec.fields.iter().find(|f| f.secret).map(|f| f.key.clone())
}

/// A key file chosen by the person, read by the core (a regular file of at most 64 KB, one
/// trailing newline dropped): the CLI's `--service-account-file`, the desktop's file picker.
pub fn read_key_file(path: &std::path::Path) -> Result<SecretValue, ManagerError> {
    let mut buf = crate::files::read_limited(path, MAX_KEY_FILE, "key file")?;
    // A file of blank lines is as empty as one of no bytes.
    if buf.iter().all(u8::is_ascii_whitespace) {
        zeroize::Zeroize::zeroize(&mut buf);
        return Err(crate::files::FileError::Empty {
            path: path.display().to_string(),
        }
        .into());
    }
    if buf.ends_with(b"\n") {
        buf.pop();
    }
    Ok(SecretValue::new(buf))
}

const MAX_KEY_FILE: u64 = 64 * 1024;

/// A key file's text, whatever it holds (JSON, PEM, the IAM console's .csv).
fn key_file_text(file: &SecretValue) -> Result<&str, ManagerError> {
    Ok(usable_secret(
        file.expose_to_caller(),
        SecretShape::Lines,
        KEY_FILE,
        "key file",
    )?)
}

/// A service account's secret refused when it can never work: a key file's text (JSON, PEM)
/// may span lines, a client secret is one line. AWS keys are checked as they are read
/// (`aws::Keys`).
pub fn usable(connector: &Connector, secret: SecretValue) -> Result<SecretValue, ManagerError> {
    let spec = spec_of(connector)?;
    if spec.format == ServiceAccountFormat::AwsAccessKey {
        return Ok(secret);
    }
    let field = spec
        .fields
        .iter()
        .find(|f| f.secret)
        .ok_or_else(|| ManagerError::not_offered(connector, "takes no secret"))?;
    let shape = if spec.key_file_field().is_some() {
        SecretShape::Lines
    } else {
        SecretShape::OneLine
    };
    Ok(usable_value(secret, shape, &field.key, &field.label)?)
}

/// What a key file says about itself, without its secret: what the desktop shows once a file is
/// picked, before anything is sent anywhere. Broken files are named as when connecting.
pub fn describe_key_file(
    connector: &Connector,
    path: &std::path::Path,
) -> Result<KeyFileView, ManagerError> {
    let spec = spec_of(connector)?;
    let file = usable(connector, read_key_file(path)?)?;
    let text = key_file_text(&file)?;
    let fact = |label: &str, value: &str| KeyFact {
        label: label.to_owned(),
        value: value.to_owned(),
    };
    let facts = match spec.format {
        ServiceAccountFormat::GcpJsonKey => {
            let key = read_gcp_key(text)?;
            let mut facts = vec![fact("Service account", &key.client_email)];
            facts.extend(key.project_id.as_deref().map(|p| fact("Project", p)));
            facts
        }
        ServiceAccountFormat::SnowflakeKeyPair => vec![fact(
            "Public key fingerprint",
            &format!("SHA256:{}", public_key_fingerprint(text)?),
        )],
        ServiceAccountFormat::AwsAccessKey => {
            let keys = aws::Keys::from_file(text)?;
            vec![fact("Access key ID", keys.access_key_id())]
        }
        _ => {
            return Err(ManagerError::TakesNoKeyFile {
                connector: connector.name.clone(),
            })
        }
    };
    Ok(KeyFileView {
        path: path.display().to_string(),
        facts,
    })
}

/// The secret to store from a key file (`--service-account-file`): the file itself, or for
/// AWS the key pair it holds (`aws::Keys::from_file`), whose access key ID joins the settings.
pub fn secret_from_file(
    connector: &Connector,
    config: &mut BTreeMap<String, String>,
    file: SecretValue,
) -> Result<SecretValue, ManagerError> {
    if spec_of(connector)?.format != ServiceAccountFormat::AwsAccessKey {
        return usable(connector, file);
    }
    let text = key_file_text(&file)?;
    let keys = aws::Keys::from_file(text)?;
    same_access_key(config, &keys)?;
    Ok(keys.sealed())
}

/// The secret to store from a form's secret fields by key: the one secret field a service
/// account has, or for AWS the key pair (with the access key ID from the settings).
pub fn secret_from_fields(
    connector: &Connector,
    config: &BTreeMap<String, String>,
    mut secrets: BTreeMap<String, SecretValue>,
) -> Result<SecretValue, ManagerError> {
    let spec = spec_of(connector)?;
    if spec.format == ServiceAccountFormat::AwsAccessKey {
        let id = config.get(aws::ACCESS_KEY_ID).map(String::as_str);
        return Ok(aws::Keys::from_fields(id, secrets)?.sealed());
    }
    let field = spec
        .fields
        .iter()
        .find(|f| f.secret)
        .ok_or_else(|| ManagerError::not_offered(connector, "takes no secret"))?;
    let secret = secrets
        .remove(&field.key)
        .filter(|s| !s.expose_to_caller().is_empty())
        .ok_or_else(|| ManagerError::ServiceAccountInvalid {
            field: Some(field.key.clone()),
            what: format!("the {} is missing", field.label.to_lowercase()),
        })?;
    if let Some(extra) = secrets.keys().next() {
        return Err(ManagerError::NotASecret {
            field: extra.clone(),
            taker: connector.name.clone(),
        });
    }
    Ok(secret)
}
