//! A connector's check request: the cheapest authenticated call its docs offer, sent to prove a
//! credential works before it is stored.

use crate::catalog::fill;
use crate::http::{read_limited, retry_after, Http};
use keyport_model::{CheckRequest, KeyAuth, KeyLocation, Lookup};
use std::collections::BTreeMap;

#[derive(Debug, PartialEq, Eq)]
pub enum CheckError {
    /// The service answered, and not with the expected status (401 for a bad token...).
    Refused(u16),
    /// The service could not be reached or is busy; the credential may be fine.
    Unavailable {
        detail: String,
        retry_after: Option<u64>,
    },
    /// The request could not be built from the catalog entry and these values.
    Template(RequestProblem),
    /// The answer is not the JSON the lookup reads.
    Unreadable,
}

/// Why a check request could not be built from its catalog entry and the values given.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestProblem {
    /// Names the template (`Bearer {secret}`), never a value.
    #[error("a value for {0} is missing")]
    MissingValue(String),
    #[error(transparent)]
    Url(crate::catalog::UrlError),
    #[error("unknown method {0}")]
    Method(String),
    #[error("the credential has no place")]
    NoPlace,
    #[error("the check request cannot be signed")]
    Unsigned,
    /// A value a request cannot carry (a control character in a header) is the input's fault,
    /// not the network's: saying "could not be reached" would invite --no-verify.
    #[error(
        "the check request cannot carry a value it was given (a setting with a control character?)"
    )]
    Uncarried,
}

impl RequestProblem {
    /// The setting whose value made the address unusable, when one did.
    pub fn field(&self) -> Option<&str> {
        match self {
            RequestProblem::Url(e) => e.field.as_deref(),
            _ => None,
        }
    }
}

/// Sends `check` with the access token as `Authorization: Bearer` (unless the entry sets its
/// own `Authorization`), its `{placeholders}` filled from `values`.
pub async fn bearer(
    http: &Http,
    check: &CheckRequest,
    values: &BTreeMap<String, String>,
    token: &str,
) -> Result<(), CheckError> {
    let (status, _) = send(
        http,
        &check.method,
        &check.url,
        &check.headers,
        check.body.as_deref(),
        values,
        token,
    )
    .await?;
    if status != check.expect_status {
        return Err(CheckError::Refused(status));
    }
    Ok(())
}

/// Sends a key connector's check with the credential where its catalog entry puts it: a header
/// from a template (`Bearer {secret}`), a query parameter, or HTTP Basic. `{secret}` and
/// `{username}` are also filled in the check's own headers and body (Tableau's sign-in).
pub async fn key(
    http: &Http,
    auth: &KeyAuth,
    values: &BTreeMap<String, String>,
    secret: &str,
    username: Option<&str>,
) -> Result<(), CheckError> {
    let mut with_secret = values.clone();
    with_secret.insert("secret".into(), secret.to_owned());
    if let Some(user) = username {
        with_secret.insert("username".into(), user.to_owned());
    }
    let fill_all = |text: &str| {
        fill(text, |name| with_secret.get(name).cloned())
            .ok_or_else(|| CheckError::Template(RequestProblem::MissingValue(text.to_owned())))
    };
    let check = &auth.check;
    // Only the check's own URL is filled without the secret: a secret never goes in a path.
    let url = http
        .url(&check.url, values)
        .map_err(|e| CheckError::Template(RequestProblem::Url(e)))?;
    let method = reqwest::Method::from_bytes(check.method.as_bytes())
        .map_err(|_| CheckError::Template(RequestProblem::Method(check.method.clone())))?;
    let mut request = http.request(method, &url);
    request = match (auth.location, &auth.name) {
        (KeyLocation::Header, Some(name)) => {
            let value = fill_all(auth.template.as_deref().unwrap_or("{secret}"))?;
            request.header(name.as_str(), value)
        }
        (KeyLocation::Query, Some(name)) => request.query(&[(name.as_str(), secret)]),
        (KeyLocation::Basic, _) => {
            let user = fill_all(auth.username.as_deref().unwrap_or("{username}"))?;
            let password = fill_all(auth.password.as_deref().unwrap_or("{secret}"))?;
            request.basic_auth(user, Some(password))
        }
        _ => return Err(CheckError::Template(RequestProblem::NoPlace)),
    };
    for (name, value) in &check.headers {
        request = request.header(name, fill_all(value)?);
    }
    if let Some(body) = &check.body {
        request = request.body(fill_all(body)?);
    }
    let (status, _) = answer(request).await?;
    if status != check.expect_status {
        return Err(CheckError::Refused(status));
    }
    Ok(())
}

/// A lookup after sign-in (Xero's tenants, Atlassian's sites): the JSON answer of a 200.
pub async fn lookup(
    http: &Http,
    lookup: &Lookup,
    values: &BTreeMap<String, String>,
    token: &str,
) -> Result<serde_json::Value, CheckError> {
    let (status, body) = send(
        http,
        &lookup.method,
        &lookup.url,
        &lookup.headers,
        None,
        values,
        token,
    )
    .await?;
    if status != 200 {
        return Err(CheckError::Refused(status));
    }
    serde_json::from_slice(&body).map_err(|_| CheckError::Unreadable)
}

async fn send(
    http: &Http,
    method: &str,
    url: &str,
    headers: &BTreeMap<String, String>,
    body: Option<&str>,
    values: &BTreeMap<String, String>,
    token: &str,
) -> Result<(u16, Vec<u8>), CheckError> {
    let fill = |text: &str| {
        fill(text, |name| values.get(name).cloned())
            .ok_or_else(|| CheckError::Template(RequestProblem::MissingValue(text.to_owned())))
    };
    let url = http
        .url(url, values)
        .map_err(|e| CheckError::Template(RequestProblem::Url(e)))?;
    let method = reqwest::Method::from_bytes(method.as_bytes())
        .map_err(|_| CheckError::Template(RequestProblem::Method(method.to_owned())))?;
    let mut request = http.request(method, &url);
    // A header that carries `{access_token}` itself (Amazon's `x-amz-access-token`) replaces
    // the bearer header, as does an `Authorization` of the entry's own. Only headers get the
    // token: it never goes in a URL.
    let own_place = headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("authorization") || value.contains("{access_token}")
    });
    if !own_place {
        request = request.bearer_auth(token);
    }
    let mut with_token = values.clone();
    with_token.insert("access_token".to_owned(), token.to_owned());
    for (name, value) in headers {
        let value = crate::catalog::fill(value, |n| with_token.get(n).cloned())
            .ok_or_else(|| CheckError::Template(RequestProblem::MissingValue(value.clone())))?;
        request = request.header(name, value);
    }
    if let Some(body) = body {
        request = request.body(fill(body)?);
    }
    answer(request).await
}

/// Sends `request`: 5xx and 429 are the service being unavailable, anything else is its
/// answer (status and body).
pub(crate) async fn answer(request: reqwest::RequestBuilder) -> Result<(u16, Vec<u8>), CheckError> {
    let response = request.send().await.map_err(|e| {
        if e.is_builder() {
            return CheckError::Template(RequestProblem::Uncarried);
        }
        CheckError::Unavailable {
            detail: if e.is_timeout() {
                "timed out"
            } else {
                "could not connect"
            }
            .into(),
            retry_after: None,
        }
    })?;
    let status = response.status();
    if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(CheckError::Unavailable {
            detail: format!("HTTP {}", status.as_u16()),
            retry_after: retry_after(response.headers()),
        });
    }
    let body = read_limited(response)
        .await
        .map_err(|e| CheckError::Unavailable {
            detail: e.to_string(),
            retry_after: None,
        })?;
    Ok((status.as_u16(), body))
}
