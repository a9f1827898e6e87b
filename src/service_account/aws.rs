//! AWS access keys. The pair (and a session token, for temporary credentials) is kept in the
//! JSON that AWS's `credential_process` setting reads, so the sealed secret is already in a
//! form AWS's own tools take. The check is STS GetCallerIdentity, signed with Signature
//! Version 4 by the `aws-sigv4` crate; AWS answers it for any valid key, whatever its policies.
//! https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sourcing-external.html
//! https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html

use crate::check::RequestProblem;
use crate::check::{self, CheckError};
use crate::http::Http;
use crate::manager::{usable_secret, ManagerError, SecretShape};
use crate::oauth::provider_words;
use crate::vault::SecretValue;
use keyport_model::{CheckRequest, Connector};
use std::collections::BTreeMap;
use zeroize::{Zeroize, ZeroizeOnDrop};

pub const ACCESS_KEY_ID: &str = "access_key_id";
pub const SECRET_ACCESS_KEY: &str = "secret_access_key";
pub const SESSION_TOKEN: &str = "session_token";
/// The signing name of the service the check calls.
const SERVICE: &str = "sts";

/// The `credential_process` output format, version 1.
#[derive(serde::Serialize, serde::Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Keys {
    version: u8,
    access_key_id: String,
    secret_access_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expiration: Option<String>,
}

/// What `aws iam create-access-key` prints: the new pair inside `AccessKey`.
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html
#[derive(serde::Deserialize)]
struct CreatedAccessKey {
    #[serde(rename = "AccessKey")]
    access_key: CreatedPair,
}

#[derive(serde::Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(rename_all = "PascalCase")]
struct CreatedPair {
    access_key_id: String,
    secret_access_key: String,
}

/// A key that can never work, at the field it concerns (`key_file` for a file read whole).
fn invalid_at(field: &str, what: impl Into<String>) -> ManagerError {
    ManagerError::ServiceAccountInvalid {
        field: Some(field.to_owned()),
        what: what.into(),
    }
}

fn invalid(what: impl Into<String>) -> ManagerError {
    invalid_at("key_file", what)
}

impl Keys {
    fn new(access_key_id: &str, secret_access_key: &str, session_token: Option<&str>) -> Keys {
        Keys {
            version: 1,
            access_key_id: access_key_id.trim().to_owned(),
            secret_access_key: secret_access_key.trim().to_owned(),
            session_token: session_token
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
            expiration: None,
        }
    }

    fn checked(self) -> Result<Keys, ManagerError> {
        if self.version != 1 {
            return Err(invalid("its \"Version\" is not 1"));
        }
        let id_ok = (16..=128).contains(&self.access_key_id.len())
            && self
                .access_key_id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !id_ok {
            return Err(invalid_at(
                ACCESS_KEY_ID,
                "the access key ID is not one (16 to 128 capital letters and digits, e.g. AKIA…)",
            ));
        }
        usable_secret(
            self.secret_access_key.as_bytes(),
            SecretShape::OneLine,
            SECRET_ACCESS_KEY,
            "secret access key",
        )?;
        if let Some(token) = &self.session_token {
            usable_secret(
                token.as_bytes(),
                SecretShape::OneLine,
                SESSION_TOKEN,
                "session token",
            )?;
        }
        Ok(self)
    }

    /// Reads what the vault stores.
    pub fn read(secret: &[u8]) -> Result<Keys, ManagerError> {
        serde_json::from_slice::<Keys>(secret)
            .map_err(|_| ManagerError::ServiceAccountInvalid {
                field: None,
                what: "the stored AWS key is not credential_process JSON".to_owned(),
            })?
            .checked()
    }

    /// Reads a key file: the `credential_process` JSON (what `aws configure
    /// export-credentials` prints), what `aws iam create-access-key` prints, or the `.csv` the
    /// IAM console offers when a key is made (a header naming `Access key ID` and `Secret
    /// access key`, then one row).
    pub fn from_file(text: &str) -> Result<Keys, ManagerError> {
        let text = text.trim_start_matches('\u{feff}').trim();
        if text.starts_with('{') {
            if let Ok(created) = serde_json::from_str::<CreatedAccessKey>(text) {
                let pair = &created.access_key;
                return Keys::new(&pair.access_key_id, &pair.secret_access_key, None).checked();
            }
            return serde_json::from_str::<Keys>(text)
                .map_err(|e| {
                    if e.is_eof() {
                        invalid("the key file is cut off (it ends before its JSON does)")
                    } else {
                        invalid("the JSON is not credential_process output (Version, AccessKeyId, SecretAccessKey, and SessionToken if temporary)")
                    }
                })?
                .checked();
        }
        let mut lines = text.lines().map(|l| l.trim()).filter(|l| !l.is_empty());
        let header: Vec<String> = lines
            .next()
            .unwrap_or_default()
            .split(',')
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let column = |name: &str| header.iter().position(|h| h == name);
        let (Some(id_at), Some(secret_at)) = (column("access key id"), column("secret access key"))
        else {
            return Err(invalid(
                "it is neither credential_process JSON nor the access key .csv from the IAM console",
            ));
        };
        let row: Vec<&str> = lines
            .next()
            .ok_or_else(|| invalid("the .csv has a header but no key"))?
            .split(',')
            .map(str::trim)
            .collect();
        if lines.next().is_some() {
            return Err(invalid(
                "the .csv holds more than one key; keep the one to use",
            ));
        }
        match (row.get(id_at), row.get(secret_at)) {
            (Some(id), Some(secret)) => Keys::new(id, secret, None).checked(),
            _ => Err(invalid("the .csv's row is shorter than its header")),
        }
    }

    /// From a form's fields: the access key ID (not secret) and the secret fields.
    pub fn from_fields(
        access_key_id: Option<&str>,
        mut secrets: BTreeMap<String, SecretValue>,
    ) -> Result<Keys, ManagerError> {
        let id = access_key_id
            .ok_or_else(|| invalid_at(ACCESS_KEY_ID, "the access key ID is missing"))?;
        let text = |value: &SecretValue, field: &str, label: &str| {
            usable_secret(value.expose_to_caller(), SecretShape::OneLine, field, label)
                .map(str::to_owned)
        };
        let secret = secrets
            .remove(SECRET_ACCESS_KEY)
            .ok_or_else(|| invalid_at(SECRET_ACCESS_KEY, "the secret access key is missing"))?;
        // A session token left empty in the form is no session token.
        let token = secrets
            .remove(SESSION_TOKEN)
            .filter(|t| !t.expose_to_caller().is_empty());
        if let Some(extra) = secrets.keys().next() {
            return Err(ManagerError::NotASecret {
                field: extra.clone(),
                taker: "AWS".to_owned(),
            });
        }
        let mut secret = text(&secret, SECRET_ACCESS_KEY, "secret access key")?;
        let mut token = token
            .as_ref()
            .map(|t| text(t, SESSION_TOKEN, "session token"))
            .transpose()?;
        let keys = Keys::new(id, &secret, token.as_deref());
        secret.zeroize();
        token.zeroize();
        keys.checked()
    }

    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// For the one place that hands it out (`exec`'s `AWS_SECRET_ACCESS_KEY`).
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// The JSON the vault seals.
    pub fn sealed(&self) -> SecretValue {
        SecretValue::new(serde_json::to_vec(self).unwrap_or_default())
    }
}

/// Sends the connector's check (GetCallerIdentity), signed for `sts` in the connection's region;
/// gives the account and the identity's ARN it answers with, to tell keys apart.
pub async fn check(
    http: &Http,
    connector: &Connector,
    request: &CheckRequest,
    values: &BTreeMap<String, String>,
    keys: &Keys,
) -> Result<BTreeMap<String, String>, ManagerError> {
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    let region = values
        .get("region")
        .ok_or_else(|| super::missing_setting("region"))?;
    let http = http.for_connector(connector);
    let url = http.url(&request.url, values)?;
    let body = request.body.as_deref().unwrap_or_default();
    let identity = aws_credential_types::Credentials::new(
        keys.access_key_id.clone(),
        keys.secret_access_key.clone(),
        keys.session_token.clone(),
        None,
        "keyport",
    )
    .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(SERVICE)
        .time(std::time::SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|_| invalid("the key cannot sign"))?
        .into();
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let signable = SignableRequest::new(
        &request.method,
        url.as_str(),
        headers.iter().copied(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .map_err(|_| ManagerError::CheckRequest(RequestProblem::Unsigned))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|_| invalid("the key cannot sign"))?
        .into_parts();
    let method = reqwest::Method::from_bytes(request.method.as_bytes())
        .map_err(|_| ManagerError::CheckRequest(RequestProblem::Method(request.method.clone())))?;
    let mut call = http.request(method, &url).body(body.to_owned());
    for (name, value) in headers.iter().copied().chain(instructions.headers()) {
        call = call.header(name, value);
    }
    match check::answer(call).await {
        Ok((status, body)) if status == request.expect_status => {
            let text = String::from_utf8_lossy(&body);
            Ok([("account", "Account"), ("arn", "Arn")]
                .into_iter()
                .filter_map(|(key, tag)| Some((key.to_owned(), xml_text(&text, tag)?)))
                .collect())
        }
        Ok((status, body)) => Err(ManagerError::ServiceAccountRejected {
            connector: connector.name.clone(),
            detail: format!("HTTP {status}{}", error_code(&body)),
        }),
        Err(CheckError::Unavailable {
            detail,
            retry_after,
        }) => Err(ManagerError::Unavailable {
            connector: connector.name.clone(),
            detail,
            retry_after,
        }),
        Err(_) => Err(ManagerError::CheckUnreadable),
    }
}

/// The `<Code>` of an AWS query-API error answer (`InvalidClientTokenId`, `SignatureDoesNotMatch`,
/// `ExpiredToken`), with what it means.
fn error_code(body: &[u8]) -> String {
    let Some(code) = xml_text(&String::from_utf8_lossy(body), "Code") else {
        return String::new();
    };
    let meaning = match code.as_str() {
        "InvalidClientTokenId" => ": AWS knows no such access key ID",
        "SignatureDoesNotMatch" => ": the secret access key does not belong to that access key ID",
        "ExpiredToken" => ": the temporary credentials have expired; get new ones",
        "AccessDenied" => ": the key is not allowed to call STS",
        _ => "",
    };
    format!(", {code}{meaning}")
}

/// The text of the first `<tag>` of an AWS query-API answer, as plain words. The answers are
/// flat, documented XML: the element is found, not the document parsed.
fn xml_text(text: &str, tag: &str) -> Option<String> {
    let (_, rest) = text.split_once(&format!("<{tag}>"))?;
    let (value, _) = rest.split_once(&format!("</{tag}>"))?;
    Some(provider_words(value.trim())).filter(|v| !v.is_empty())
}
