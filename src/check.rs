//! A connector's check request: the cheapest authenticated call its docs offer, sent to prove a
//! credential works before it is stored.

use crate::catalog::fill;
use crate::oauth::http::{read_limited, retry_after, Http};
use keyport_model::{CheckRequest, Lookup};
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
    Template(String),
    /// The answer is not the JSON the lookup reads.
    Unreadable,
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
            .ok_or_else(|| CheckError::Template(format!("a value for {text} is missing")))
    };
    let url = fill(url)?;
    let method = reqwest::Method::from_bytes(method.as_bytes())
        .map_err(|_| CheckError::Template(format!("unknown method {method}")))?;
    let mut request = http.client().request(method, &url);
    if !headers
        .keys()
        .any(|h| h.eq_ignore_ascii_case("authorization"))
    {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(name, fill(value)?);
    }
    if let Some(body) = body {
        request = request.body(fill(body)?);
    }
    let response = request.send().await.map_err(|e| CheckError::Unavailable {
        detail: if e.is_timeout() {
            "timed out"
        } else {
            "could not connect"
        }
        .into(),
        retry_after: None,
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
