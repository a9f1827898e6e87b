//! HTTP to providers: one client with timeouts and no redirects, and the adapter the `oauth2`
//! crate sends its token requests through. The adapter turns the ways providers bend RFC 6749
//! back into it, so one parser reads every answer: Slack's `{"ok": false, "error": …}` and
//! GitHub's `{"error": …}` inside HTTP 200 become the error responses they mean, and 5xx and 429
//! become retryable transport errors that keep their `Retry-After`.

use crate::catalog::{fill_url, CheckedUrl, UrlError, UrlRule};
use keyport_model::Connector;
use std::collections::BTreeMap;
use std::time::Duration;

/// The most of a provider's answer Keyport reads; token responses are a few KB.
const MAX_BODY: usize = 1024 * 1024;

/// The client and the addresses it may send to: every request goes to a [`CheckedUrl`] filled in
/// and checked for this client's rule, or (from the `oauth2` crate) is checked before it leaves.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    rule: UrlRule,
}

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// Only the kind of failure: reqwest's own message names the URL.
    #[error("{0}")]
    Network(&'static str),
    #[error("HTTP {status}")]
    Busy {
        status: u16,
        retry_after: Option<u64>,
    },
    #[error(transparent)]
    Refused(UrlError),
}

fn network_kind(err: &reqwest::Error) -> &'static str {
    if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "network error"
    }
}

/// The HTTP client could not be made.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientError {
    #[error("{TIMEOUT_VAR} is {0:?}; it takes whole seconds from 1 to 300 (when it is unset, calls time out after 30 s)")]
    Timeout(String),
    #[error("the HTTP client could not start")]
    Start,
}

impl ClientError {
    pub fn code(&self) -> keyport_model::ErrorCode {
        match self {
            ClientError::Timeout(_) => keyport_model::ErrorCode::EnvInvalid,
            ClientError::Start => keyport_model::ErrorCode::Internal,
        }
    }
}

/// For slow links (and the tests' slow stand-in).
pub const TIMEOUT_VAR: &str = "KEYPORT_HTTP_TIMEOUT_SECS";

/// The time a call may take: 30 s, or the variable's whole seconds. A value it cannot take is
/// refused, not ignored: whoever set it meant something by it. Set but empty counts as unset.
fn timeout() -> Result<u64, ClientError> {
    let Some(value) = std::env::var_os(TIMEOUT_VAR).filter(|v| !v.is_empty()) else {
        return Ok(30);
    };
    value
        .to_str()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|s| (1..=300).contains(s))
        .ok_or_else(|| ClientError::Timeout(value.to_string_lossy().into_owned()))
}

impl Http {
    pub fn new() -> Result<Http, ClientError> {
        let limit = timeout()?;
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(limit.min(10)))
            .timeout(Duration::from_secs(limit))
            // A token endpoint that redirects is misconfigured or hostile: never follow it
            // with a code or a client secret in the body.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Keyport/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| ClientError::Start)?;
        // The widest rule any connector has; `for_connector` narrows it for a built-in one.
        Ok(Http {
            client,
            rule: UrlRule::HttpsOrLoopback,
        })
    }

    /// The same client, sending only where `connector` may: https alone for a built-in one.
    pub fn for_connector(&self, connector: &Connector) -> Http {
        Http {
            client: self.client.clone(),
            rule: UrlRule::of(connector),
        }
    }

    /// `template` filled from `values` and checked for this client's rule.
    pub fn url(
        &self,
        template: &str,
        values: &BTreeMap<String, String>,
    ) -> Result<CheckedUrl, UrlError> {
        fill_url(template, values, self.rule)
    }

    /// A request to a checked address: the only way to build one.
    pub fn request(&self, method: reqwest::Method, url: &CheckedUrl) -> reqwest::RequestBuilder {
        self.client.request(method, url.url().clone())
    }

    /// Sends a request built by the `oauth2` crate and hands back its answer, normalized.
    pub async fn send(
        &self,
        request: oauth2::HttpRequest,
    ) -> Result<oauth2::HttpResponse, TransportError> {
        CheckedUrl::check(&request.uri().to_string(), self.rule).map_err(|problem| {
            TransportError::Refused(UrlError {
                field: None,
                problem,
            })
        })?;
        let request = reqwest::Request::try_from(request)
            .map_err(|_| TransportError::Network("the request could not be built"))?;
        let response = self
            .client
            .execute(request)
            .await
            .map_err(|e| TransportError::Network(network_kind(&e)))?;
        let status = response.status();
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(TransportError::Busy {
                status: status.as_u16(),
                retry_after: retry_after(response.headers()),
            });
        }
        let headers = response.headers().clone();
        let body = read_limited(response).await?;
        let (status, body) = normalize(status, body);
        let mut out = http::Response::builder().status(status);
        if let Some(kind) = headers.get(http::header::CONTENT_TYPE) {
            out = out.header(http::header::CONTENT_TYPE, kind);
        }
        out.body(body)
            .map_err(|_| TransportError::Network("the answer could not be read"))
    }
}

// A named future type (not a closure) keeps the token requests `Send` for the desktop's
// runtime.
impl<'c> oauth2::AsyncHttpClient<'c> for Http {
    type Error = TransportError;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<oauth2::HttpResponse, TransportError>>
                + Send
                + 'c,
        >,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

pub async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, TransportError> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| TransportError::Network(network_kind(&e)))?
    {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(TransportError::Network("the answer is too large"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `Retry-After` in seconds (the HTTP-date form is rare from APIs and read as absent).
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// An HTTP 200 that carries an error is turned into the HTTP 400 RFC 6749 section 5.2 says it
/// should have been; a token response without its required `token_type` gets `bearer`.
fn normalize(status: reqwest::StatusCode, body: Vec<u8>) -> (http::StatusCode, Vec<u8>) {
    let status =
        http::StatusCode::from_u16(status.as_u16()).unwrap_or(http::StatusCode::BAD_GATEWAY);
    if status != http::StatusCode::OK {
        return (status, body);
    }
    let Ok(serde_json::Value::Object(doc)) = serde_json::from_slice::<serde_json::Value>(&body)
    else {
        return (status, body);
    };
    if doc.get("access_token").is_some() && doc.get("token_type").is_none() {
        // Shopify's token response names no token_type; its tokens are bearer tokens used in
        // the X-Shopify-Access-Token header. RFC 6749 section 5.1 requires the field.
        let mut fixed = doc;
        fixed.insert("token_type".into(), "bearer".into());
        return (
            status,
            serde_json::Value::Object(fixed).to_string().into_bytes(),
        );
    }
    let refused = doc.get("ok") == Some(&serde_json::Value::Bool(false))
        || (doc.get("error").is_some_and(|e| e.is_string()) && doc.get("access_token").is_none());
    if !refused {
        return (status, body);
    }
    let error = doc
        .get("error")
        .and_then(|e| e.as_str())
        .unwrap_or("unknown_error");
    let mut fixed = serde_json::json!({ "error": error });
    if let Some(d) = doc.get("error_description").and_then(|d| d.as_str()) {
        fixed["error_description"] = d.into();
    }
    (
        http::StatusCode::BAD_REQUEST,
        fixed.to_string().into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn errors_inside_http_200_become_http_400() {
        let ok = reqwest::StatusCode::OK;
        let (status, body) = normalize(ok, br#"{"ok":false,"error":"invalid_code"}"#.to_vec());
        assert_eq!(status, 400);
        assert_eq!(body, br#"{"error":"invalid_code"}"#);
        let (status, _) = normalize(
            ok,
            br#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}"#.to_vec(),
        );
        assert_eq!(status, 400);
        let (status, _) = normalize(ok, br#"{"ok":true,"access_token":"xoxb-1"}"#.to_vec());
        assert_eq!(status, 200);
        let (status, body) = normalize(
            ok,
            br#"{"access_token":"shpat_1","scope":"read_orders"}"#.to_vec(),
        );
        assert_eq!(status, 200);
        assert!(String::from_utf8(body)
            .unwrap()
            .contains(r#""token_type":"bearer""#));
        let (status, _) = normalize(ok, b"<html>".to_vec());
        assert_eq!(status, 200, "left for the token parser to refuse");
    }
}
