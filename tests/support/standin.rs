//! A stand-in OAuth provider on 127.0.0.1 (tiny_http), answering as the provider's docs show:
//! it hands out codes for a consent the test gives, checks the PKCE verifier (S256), the client
//! and the redirect URI at the token endpoint, hands out refresh tokens that work once when
//! the provider rotates them, and records what it was sent. Each provider's token response
//! shape comes from `Profile`.

use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// A JSON answer built from the stand-in's base URL.
pub type Answer = fn(base: &str) -> serde_json::Value;

/// How the stand-in answers, from the provider's documentation.
pub struct Profile {
    pub token_path: &'static str,
    pub revoke_path: Option<&'static str>,
    pub check_path: &'static str,
    /// The header the check call carries the access token in, with no `Authorization` beside
    /// it (Amazon's `x-amz-access-token`); `None` is `Authorization: Bearer`.
    pub check_token_header: Option<&'static str>,
    /// Further GET endpoints answering JSON to a valid access token (post-connect lookups).
    pub lookups: &'static [(&'static str, Answer)],
    pub client_id: &'static str,
    pub client_secret: Option<&'static str>,
    /// Token response for a fresh access/refresh token pair (refresh `None` on a refresh answer
    /// of a provider that does not rotate).
    pub token_body: fn(base: &str, access: &str, refresh: Option<&str>) -> serde_json::Value,
    /// Whether each refresh hands out a new refresh token and kills the old one.
    pub rotates: bool,
    /// An exchange or refresh the provider refuses: (HTTP status, body).
    pub refusal: fn(error: &str) -> (u16, serde_json::Value),
}

#[derive(Default)]
pub struct Seen {
    /// Every form posted to the token endpoint.
    pub token_requests: Vec<BTreeMap<String, String>>,
    /// Revocation requests: their form or JSON fields, plus `method`, `path` and
    /// `authorization`.
    pub revoked: Vec<BTreeMap<String, String>>,
    pub checks: usize,
    /// Refresh tokens presented after they were spent (must stay empty).
    pub reused_refresh: Vec<String>,
}

#[derive(Default)]
struct State {
    codes: HashMap<String, (String, String)>, // code -> (challenge, redirect_uri)
    /// Live access tokens and when each expires (its `expires_in`, as the provider keeps it).
    access: HashMap<String, Option<std::time::Instant>>,
    refresh_live: HashSet<String>,
    refresh_spent: HashSet<String>,
    counter: u64,
    /// Answers forced for the next token requests: (status, body, retry-after).
    forced: Vec<(u16, serde_json::Value, Option<u64>)>,
    /// Seconds the next token request hangs before a 504 (a provider that does not answer).
    stall: u64,
}

pub struct StandIn {
    pub base: String,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
    state: Arc<Mutex<State>>,
    pub seen: Arc<Mutex<Seen>>,
}

fn form(body: &str) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

/// Sends `body` as JSON; a JSON string is sent as raw text (an HTML page, a cut-off body).
fn reply(request: tiny_http::Request, status: u16, body: &serde_json::Value, retry: Option<u64>) {
    let text = match body {
        serde_json::Value::String(raw) => raw.clone(),
        other => other.to_string(),
    };
    let mut response = tiny_http::Response::from_string(text)
        .with_status_code(status)
        .with_header(
            "Content-Type: application/json"
                .parse::<tiny_http::Header>()
                .unwrap(),
        );
    if let Some(s) = retry {
        response = response.with_header(
            format!("Retry-After: {s}")
                .parse::<tiny_http::Header>()
                .unwrap(),
        );
    }
    let _ = request.respond(response);
}

impl State {
    /// Records an access token with the lifetime its answer gave it.
    fn issue(&mut self, access: String, body: &serde_json::Value) {
        let expires = body["expires_in"]
            .as_u64()
            .map(|s| std::time::Instant::now() + std::time::Duration::from_secs(s));
        self.access.insert(access, expires);
    }

    fn access_valid(&self, token: &str) -> bool {
        self.access
            .get(token)
            .is_some_and(|e| e.is_none_or(|at| std::time::Instant::now() < at))
    }
}

impl StandIn {
    pub fn start(profile: Profile) -> StandIn {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind stand-in"));
        let base = format!("http://{}", server.server_addr().to_ip().expect("ip addr"));
        let state = Arc::new(Mutex::new(State::default()));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let thread = {
            let (server, state, seen, base) =
                (server.clone(), state.clone(), seen.clone(), base.clone());
            std::thread::spawn(move || {
                for mut request in server.incoming_requests() {
                    let mut body = String::new();
                    let _ = request.as_reader().read_to_string(&mut body);
                    let path = request.url().split('?').next().unwrap_or("").to_owned();
                    let auth = request
                        .headers()
                        .iter()
                        .find(|h| h.field.equiv("Authorization"))
                        .map(|h| h.value.as_str().to_owned());
                    let own_token = profile.check_token_header.and_then(|name| {
                        request
                            .headers()
                            .iter()
                            .find(|h| h.field.equiv(name))
                            .map(|h| h.value.as_str().to_owned())
                    });
                    if path == profile.token_path {
                        let stall = std::mem::take(&mut state.lock().unwrap().stall);
                        if stall > 0 {
                            // Hangs past the client's timeout, then gives up without acting.
                            std::thread::sleep(std::time::Duration::from_secs(stall));
                            reply(request, 504, &serde_json::json!({}), None);
                            continue;
                        }
                        let params = form(&body);
                        seen.lock().unwrap().token_requests.push(params.clone());
                        let basic = auth.as_deref().and_then(basic_credentials);
                        let (status, answer, retry) =
                            token(&profile, basic, &state, &seen, &base, &params);
                        reply(request, status, &answer, retry);
                    } else if profile.revoke_path.is_some_and(|p| path.starts_with(p)) {
                        let mut fields = match serde_json::from_str::<serde_json::Value>(&body) {
                            Ok(serde_json::Value::Object(map)) => map
                                .into_iter()
                                .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_owned()))
                                .collect(),
                            _ => form(&body),
                        };
                        fields.insert("method".into(), request.method().to_string());
                        fields.insert("path".into(), path.clone());
                        fields.insert("authorization".into(), auth.clone().unwrap_or_default());
                        seen.lock().unwrap().revoked.push(fields);
                        reply(request, 200, &serde_json::json!({}), None);
                    } else if let Some((_, answer)) =
                        profile.lookups.iter().find(|(p, _)| *p == path)
                    {
                        let token = auth
                            .as_deref()
                            .and_then(|a| a.strip_prefix("Bearer "))
                            .unwrap_or("");
                        if state.lock().unwrap().access_valid(token) {
                            reply(request, 200, &answer(&base), None);
                        } else {
                            reply(
                                request,
                                401,
                                &serde_json::json!({"error": "invalid_token"}),
                                None,
                            );
                        }
                    } else if path.starts_with(profile.check_path) {
                        seen.lock().unwrap().checks += 1;
                        let token = match (profile.check_token_header, &own_token, &auth) {
                            (Some(_), Some(t), None) => t.as_str(),
                            (Some(_), _, _) => "",
                            (None, _, _) => auth
                                .as_deref()
                                .and_then(|a| a.strip_prefix("Bearer "))
                                .unwrap_or(""),
                        };
                        if state.lock().unwrap().access_valid(token) {
                            reply(
                                request,
                                200,
                                &serde_json::json!({"sub": "stand-in user"}),
                                None,
                            );
                        } else {
                            reply(
                                request,
                                401,
                                &serde_json::json!({"error": "invalid_token"}),
                                None,
                            );
                        }
                    } else {
                        reply(
                            request,
                            404,
                            &serde_json::json!({"error": "not_found"}),
                            None,
                        );
                    }
                }
            })
        };
        StandIn {
            base,
            server,
            thread: Some(thread),
            state,
            seen,
        }
    }

    /// The person approves: the authorization request's parameters in, a code out.
    pub fn consent(&self, params: &BTreeMap<String, String>) -> String {
        let mut state = self.state.lock().unwrap();
        state.counter += 1;
        let code = format!("code-{}", state.counter);
        state.codes.insert(
            code.clone(),
            (
                params.get("code_challenge").cloned().unwrap_or_default(),
                params["redirect_uri"].clone(),
            ),
        );
        code
    }

    /// The next token requests get these answers instead.
    pub fn force(&self, status: u16, body: serde_json::Value, retry_after: Option<u64>) {
        self.state
            .lock()
            .unwrap()
            .forced
            .push((status, body, retry_after));
    }

    /// The next token request hangs for `seconds`, then gets a 504 and changes nothing.
    pub fn stall(&self, seconds: u64) {
        self.state.lock().unwrap().stall = seconds;
    }

    pub fn live_refresh_tokens(&self) -> usize {
        self.state.lock().unwrap().refresh_live.len()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn token(
    profile: &Profile,
    basic: Option<(String, String)>,
    state: &Mutex<State>,
    seen: &Mutex<Seen>,
    base: &str,
    params: &BTreeMap<String, String>,
) -> (u16, serde_json::Value, Option<u64>) {
    let mut st = state.lock().unwrap();
    if !st.forced.is_empty() {
        let (status, body, retry) = st.forced.remove(0);
        return (status, body, retry);
    }
    let refuse = |e: &str| {
        let (s, b) = (profile.refusal)(e);
        (s, b, None)
    };
    // The client authenticates in the body (client_secret_post, or a public client's id) or
    // with HTTP Basic (client_secret_basic), as its catalog entry says.
    let (id, secret) = match basic {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (
            params.get("client_id").cloned(),
            params.get("client_secret").cloned(),
        ),
    };
    if id.as_deref() != Some(profile.client_id) || secret.as_deref() != profile.client_secret {
        return refuse("invalid_client");
    }
    st.counter += 1;
    let n = st.counter;
    match params.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let Some((challenge, redirect)) = params.get("code").and_then(|c| st.codes.remove(c))
            else {
                return refuse("invalid_grant");
            };
            if params.get("redirect_uri") != Some(&redirect) {
                return refuse("invalid_grant");
            }
            // PKCE (RFC 7636 S256) when the authorization request carried a challenge; a
            // verifier without one is as wrong as a missing verifier.
            let verifier = params.get("code_verifier");
            let pkce_ok = match (challenge.is_empty(), verifier) {
                (true, None) => true,
                (false, Some(v)) => {
                    base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .encode(Sha256::digest(v.as_bytes()))
                        == challenge
                }
                _ => false,
            };
            if !pkce_ok {
                return refuse("invalid_grant");
            }
            let (access, refresh) = (format!("access-{n}"), format!("refresh-{n}"));
            st.refresh_live.insert(refresh.clone());
            let body = (profile.token_body)(base, &access, Some(&refresh));
            st.issue(access, &body);
            (200, body, None)
        }
        Some("refresh_token") => {
            let presented = params.get("refresh_token").cloned().unwrap_or_default();
            if st.refresh_spent.contains(&presented) {
                // As strict authorization servers do (RFC 9700 section 4.14.2): a spent refresh
                // token presented again revokes the whole chain, the live token included.
                seen.lock().unwrap().reused_refresh.push(presented);
                let live: Vec<String> = st.refresh_live.drain().collect();
                st.refresh_spent.extend(live);
                st.access.clear();
                return refuse("invalid_grant");
            }
            if !st.refresh_live.contains(&presented) {
                return refuse("invalid_grant");
            }
            let access = format!("access-{n}");
            let body = if profile.rotates {
                st.refresh_live.remove(&presented);
                st.refresh_spent.insert(presented);
                let refresh = format!("refresh-{n}");
                st.refresh_live.insert(refresh.clone());
                (profile.token_body)(base, &access, Some(&refresh))
            } else {
                (profile.token_body)(base, &access, None)
            };
            st.issue(access, &body);
            (200, body, None)
        }
        _ => refuse("unsupported_grant_type"),
    }
}

/// `Authorization: Basic` as RFC 6749 section 2.3.1 encodes it (each part form-encoded).
fn basic_credentials(header: &str) -> Option<(String, String)> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(header.strip_prefix("Basic ")?)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

/// RFC 6749 section 5.2: HTTP 400 and `{"error": …}`.
pub fn rfc6749_refusal(error: &str) -> (u16, serde_json::Value) {
    (
        400,
        serde_json::json!({ "error": error, "error_description": "refused by the stand-in" }),
    )
}

/// A built-in connector's catalog file as a custom connector `standin_<id>` whose every
/// endpoint is on the stand-in (same paths, so the stand-in sees the documented ones).
pub fn connector_file(id: &str, base: &str) -> String {
    let path = format!("{}/catalog/{id}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("catalog file");
    let mut out = String::new();
    // The top-level id and name come before any [section]; a later `name` is a header's.
    let mut top = true;
    // MCP servers are addresses the person's AI tools reach, not the service's API: kept.
    let mut in_mcp = false;
    for line in text.lines() {
        top &= !line.starts_with('[');
        if line.starts_with('[') {
            in_mcp = line.starts_with("[[mcp_servers");
        }
        let line = if top && line.starts_with("id = ") {
            format!("id = \"standin_{id}\"")
        } else if top && line.starts_with("name = ") {
            format!("name = \"Stand-in {id}\"")
        } else if let Some(at) = line.find("\"https://").filter(|_| !in_mcp) {
            let is_endpoint = ["authorization_url", "token_url", "revocation_url", "url ="]
                .iter()
                .any(|k| line.starts_with(k));
            if is_endpoint {
                let rest = &line[at + "\"https://".len()..];
                let path_at = rest.find('/').unwrap_or(rest.len());
                format!("{}\"{base}{}", &line[..at], &rest[path_at..])
            } else {
                line.to_owned()
            }
        } else {
            line.to_owned()
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}
