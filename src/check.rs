//! A connector's check request: the cheapest authenticated call its docs offer, sent to prove a
//! credential works before it is stored.

use crate::catalog::fill;
use crate::oauth::http::{read_limited, retry_after, Http};
use keyport_model::CheckRequest;
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
}

/// Sends `check` with the access token as `Authorization: Bearer` (unless the entry sets its
/// own `Authorization`), its `{placeholders}` filled from `values`.
pub async fn bearer(
    http: &Http,
    check: &CheckRequest,
    values: &BTreeMap<String, String>,
    token: &str,
) -> Result<(), CheckError> {
    let fill = |text: &str| {
        fill(text, |name| values.get(name).cloned())
            .ok_or_else(|| CheckError::Template(format!("the check needs a value for {text}")))
    };
    let url = fill(&check.url)?;
    let method = reqwest::Method::from_bytes(check.method.as_bytes())
        .map_err(|_| CheckError::Template(format!("unknown method {}", check.method)))?;
    let mut request = http.client().request(method, &url);
    if !check
        .headers
        .keys()
        .any(|h| h.eq_ignore_ascii_case("authorization"))
    {
        request = request.bearer_auth(token);
    }
    for (name, value) in &check.headers {
        request = request.header(name, fill(value)?);
    }
    if let Some(body) = &check.body {
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
    // Drain the body so the connection can be reused; its content is not needed.
    let _ = read_limited(response).await;
    if status.as_u16() != check.expect_status {
        return Err(CheckError::Refused(status.as_u16()));
    }
    Ok(())
}
