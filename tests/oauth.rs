//! OAuth end to end through the real `keyport` binary against stand-in providers on 127.0.0.1
//! that answer as each provider's docs show (tests/support/standin.rs).

use crate::support::standin::{connector_file, rfc6749_refusal, Profile, StandIn};
use crate::support::{refused, Keyport, PASSPHRASE};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Stdio};
use std::time::{Duration, Instant};

const CLIENT_ID: &str = "stand-in-client";

/// Salesforce's token response (web server flow): no `expires_in`; `instance_url` is the API
/// host. https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_web_server_flow.htm
fn salesforce_body(base: &str, access: &str, refresh: Option<&str>) -> Value {
    let mut body = json!({
        "access_token": access,
        "signature": "Mh2Ce6xPNs2rDJQpRVULwaFI0dXHAiyAw7t5mgxjvc8=",
        "scope": "id api refresh_token",
        "instance_url": format!("{base}/instance"),
        "id": format!("{base}/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS"),
        "token_type": "Bearer",
        "issued_at": "1278448101416"
    });
    if let Some(r) = refresh {
        body["refresh_token"] = r.into();
    }
    body
}

pub(crate) fn salesforce() -> Profile {
    Profile {
        token_path: "/services/oauth2/token",
        revoke_path: Some("/services/oauth2/revoke"),
        check_path: "/services/oauth2/userinfo",
        check_token_header: None,
        lookups: &[],
        client_id: CLIENT_ID,
        client_secret: None,
        token_body: salesforce_body,
        rotates: false,
        refusal: rfc6749_refusal,
    }
}

/// Google's token response: `expires_in` 3599, a refresh token on the first exchange only.
/// https://developers.google.com/identity/protocols/oauth2/native-app#exchange-authorization-code
fn google_body(_: &str, access: &str, refresh: Option<&str>) -> Value {
    let mut body = json!({
        "access_token": access,
        "expires_in": 3599,
        "scope": "openid https://www.googleapis.com/auth/gmail.readonly",
        "token_type": "Bearer"
    });
    if let Some(r) = refresh {
        body["refresh_token"] = r.into();
    }
    body
}

fn google() -> Profile {
    Profile {
        token_path: "/token",
        revoke_path: Some("/revoke"),
        check_path: "/v1/userinfo",
        check_token_header: None,
        // The signed-in account's address, kept for a reconnect's login_hint: UserInfo's claims
        // with the email scope.
        // https://developers.google.com/identity/openid-connect/openid-connect#obtaininguserprofileinformation
        lookups: &[(
            "/v1/userinfo",
            |_| json!({"sub": "110169484474386276334", "email": "ana@example.com", "email_verified": true}),
        )],
        client_id: CLIENT_ID,
        client_secret: Some("stand-in-secret"),
        token_body: google_body,
        rotates: false,
        refusal: rfc6749_refusal,
    }
}

/// GitHub's user-token response with expiring tokens, and its errors inside HTTP 200.
/// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
fn github_body(_: &str, access: &str, refresh: Option<&str>) -> Value {
    json!({
        "access_token": access,
        "expires_in": 28800,
        "refresh_token": refresh,
        "refresh_token_expires_in": 15897600,
        "scope": "",
        "token_type": "bearer"
    })
}

fn github_refusal(error: &str) -> (u16, Value) {
    let error = match error {
        "invalid_grant" => "bad_verification_code",
        other => other,
    };
    (
        200,
        json!({
            "error": error,
            "error_description": "The code passed is incorrect or expired.",
            "error_uri": "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code"
        }),
    )
}

pub(crate) fn github() -> Profile {
    Profile {
        token_path: "/login/oauth/access_token",
        revoke_path: None,
        check_path: "/user",
        check_token_header: None,
        lookups: &[],
        client_id: CLIENT_ID,
        client_secret: Some("stand-in-secret"),
        token_body: github_body,
        rotates: true,
        refusal: github_refusal,
    }
}

fn query(url: &str) -> BTreeMap<String, String> {
    url::Url::parse(url.trim())
        .expect("an authorization URL")
        .query_pairs()
        .into_owned()
        .collect()
}

/// A vault with the stand-in connector `standin_<id>` and its OAuth app (with a client secret
/// and an https redirect where given).
pub(crate) fn setup(
    id: &str,
    standin: &StandIn,
    secret: Option<&str>,
    redirect: Option<&str>,
) -> Keyport {
    let kp = Keyport::new();
    kp.init_vault();
    let file = kp.write(&format!("{id}.toml"), &connector_file(id, &standin.base));
    kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    let connector = format!("standin_{id}");
    let mut args = vec![
        "oauth-app",
        "set",
        connector.as_str(),
        "--client-id",
        CLIENT_ID,
    ];
    if secret.is_some() {
        args.push("--client-secret-stdin");
    }
    if let Some(uri) = redirect {
        args.extend(["--redirect-uri", uri]);
    }
    let run = kp.run_in(&args, secret.unwrap_or(""), Some(PASSPHRASE));
    assert_eq!(run.code, 0, "{}", run.stderr);
    kp
}

pub(crate) fn start(kp: &Keyport, connector: &str) -> BTreeMap<String, String> {
    let run = kp.run_in(
        &["connect", connector, "--oauth", "--no-browser"],
        "",
        Some(PASSPHRASE),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    query(run.stdout.lines().next().expect("the sign-in address"))
}

fn callback(kp: &Keyport, url: &str) -> crate::support::Run {
    kp.run_in(&["oauth", "callback", url], "", Some(PASSPHRASE))
}

fn list(kp: &Keyport) -> Vec<Value> {
    serde_json::from_str(&kp.ok(&["connections", "list", "--json"])).unwrap()
}

#[test]
fn salesforce_deep_link_flow_refresh_and_revoke() {
    let standin = StandIn::start(salesforce());
    let kp = setup("salesforce", &standin, None, None);
    let params = start(&kp, "standin_salesforce");
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["client_id"], CLIENT_ID);
    assert_eq!(params["redirect_uri"], "keyport://oauth/callback");
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params["scope"], "api id refresh_token");
    assert!(params["state"].len() >= 43, "at least 256 bits of state");

    let code = standin.consent(&params);
    let url = format!(
        "keyport://oauth/callback?code={code}&state={}",
        params["state"]
    );
    let done = callback(&kp, &url);
    assert_eq!(done.code, 0, "{}", done.stderr);
    assert!(done.stdout.contains("Connected"), "{}", done.stdout);

    let conns = list(&kp);
    assert_eq!(conns.len(), 1);
    let c = &conns[0];
    assert_eq!(c["connector_id"], "standin_salesforce");
    assert_eq!(c["connection_type"], "oauth2");
    assert_eq!(
        c["metadata"]["instance_url"],
        format!("{}/instance", standin.base)
    );
    assert_eq!(
        c["token_expires_at"],
        Value::Null,
        "Salesforce sends no expires_in"
    );
    assert_eq!(c["verified"], true);
    assert_eq!(
        standin.seen.lock().unwrap().checks,
        1,
        "checked with UserInfo"
    );
    let text = kp.ok(&["connections", "list", "--json"]);
    assert!(
        !text.contains("access-") && !text.contains("refresh-"),
        "no token in the list"
    );

    // The same callback again (a replayed link) is refused and stores nothing.
    let again = callback(&kp, &url);
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("already completed"),
        "{}",
        again.stderr
    );
    assert_eq!(list(&kp).len(), 1);

    let id = c["id"].as_str().unwrap().to_owned();
    let refreshed = kp.run_in(&["connections", "refresh", &id], "", Some(PASSPHRASE));
    assert_eq!(refreshed.code, 0, "{}", refreshed.stderr);
    let last = standin
        .seen
        .lock()
        .unwrap()
        .token_requests
        .last()
        .cloned()
        .unwrap();
    assert_eq!(last["grant_type"], "refresh_token");
    let refresh_token = last["refresh_token"].clone();
    let revealed = kp.run_in(&["reveal", &id], "", Some(PASSPHRASE));
    let tokens: Value = serde_json::from_str(revealed.stdout.trim()).unwrap();
    assert_eq!(
        tokens["refresh_token"],
        refresh_token.as_str(),
        "a refresh answer without a refresh token keeps the old one"
    );
    assert_ne!(tokens["access_token"], "access-2");

    let deleted = kp.run_in(&["connections", "delete", &id], "", Some(PASSPHRASE));
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    assert!(deleted.stdout.contains("revoked"), "{}", deleted.stdout);
    let revoked = standin.seen.lock().unwrap().revoked.clone();
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0]["token"], refresh_token);
    assert_eq!(revoked[0]["token_type_hint"], "refresh_token");
    assert!(list(&kp).is_empty());
}

/// How long a test waits on the binary or its listener before calling it hung: a guard
/// against a stalled suite, not a speed requirement.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// Sends `head` to the loopback listener on `port`; returns the whole answer.
fn send(port: u16, head: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(HANG_GUARD))?;
    stream.write_all(head.as_bytes())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}

/// Sends the browser's redirect to the loopback listener; returns the HTTP status line.
fn browser_get(url: &str) -> std::io::Result<String> {
    let url = url::Url::parse(url).unwrap();
    let target = format!("{}?{}", url.path(), url.query().unwrap_or(""));
    let answer = send(
        url.port().unwrap(),
        &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    )?;
    Ok(answer.lines().next().unwrap_or("").to_owned())
}

/// `connect CONNECTOR --oauth --no-browser` for a loopback connector, waiting on its listener.
struct LoopbackSignIn {
    child: Child,
    out: BufReader<ChildStdout>,
    /// The authorization request's parameters.
    params: BTreeMap<String, String>,
}

struct Ended {
    success: bool,
    stdout: String,
    stderr: String,
}

// A test that fails midway leaves no sign-in waiting behind it.
impl Drop for LoopbackSignIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl LoopbackSignIn {
    fn start(kp: &Keyport, connector: &str, extra: &[&str]) -> LoopbackSignIn {
        let mut args = vec!["connect", connector, "--oauth", "--no-browser"];
        args.extend(extra);
        LoopbackSignIn::run(kp, &args)
    }

    /// Runs a command that prints a sign-in address and waits on loopback for its callback.
    fn run(kp: &Keyport, args: &[&str]) -> LoopbackSignIn {
        let mut child = kp
            .command()
            .args(args)
            .env("KEYPORT_PASSPHRASE", PASSPHRASE)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let params = query(&line);
        let redirect = &params["redirect_uri"];
        assert!(
            redirect.starts_with("http://127.0.0.1:") && redirect.ends_with("/oauth/callback"),
            "{redirect}"
        );
        LoopbackSignIn { child, out, params }
    }

    fn redirect(&self) -> &str {
        &self.params["redirect_uri"]
    }

    fn port(&self) -> u16 {
        url::Url::parse(self.redirect()).unwrap().port().unwrap()
    }

    /// The callback the provider's redirect brings after consent.
    fn callback_url(&self, standin: &StandIn) -> String {
        let code = standin.consent(&self.params);
        format!(
            "{}?state={}&code={code}&scope=openid",
            self.redirect(),
            self.params["state"]
        )
    }

    fn is_waiting(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits for the command to end, killing it if it hangs.
    fn end(mut self) -> Ended {
        let deadline = Instant::now() + HANG_GUARD;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the sign-in did not end after its callback");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut stdout = String::new();
        self.out.read_to_string(&mut stdout).unwrap();
        let mut stderr = String::new();
        let mut err = self.child.stderr.take().unwrap();
        err.read_to_string(&mut stderr).unwrap();
        Ended {
            success: status.success(),
            stdout,
            stderr,
        }
    }
}

#[test]
fn google_loopback_flow_closes_its_listener() {
    let standin = StandIn::start(google());
    let kp = setup("google_workspace", &standin, Some("stand-in-secret"), None);
    let sign_in = LoopbackSignIn::start(&kp, "standin_google_workspace", &["--name", "Work mail"]);
    let params = sign_in.params.clone();
    assert_eq!(params["access_type"], "offline");
    assert_eq!(params["prompt"], "consent");
    let redirect = params["redirect_uri"].clone();

    let status = browser_get(&sign_in.callback_url(&standin)).unwrap();
    assert!(status.contains("200"), "{status}");
    let ended = sign_in.end();
    assert!(ended.success, "{}", ended.stderr);
    assert!(ended.stdout.contains("Connected"), "{}", ended.stdout);
    // THREATS.md row 5: the listener is gone once the one redirect arrived.
    assert!(
        browser_get(&format!("{redirect}?state=x&code=y")).is_err(),
        "a second request finds no listener"
    );

    let c = &list(&kp)[0];
    assert_eq!(
        c["name"], "Work mail",
        "the name given when the sign-in started"
    );
    assert_eq!(
        c["metadata"]["email"], "ana@example.com",
        "kept for a reconnect's login_hint"
    );
    assert!(
        c["token_expires_at"].is_string(),
        "expires_in became an expiry"
    );
    let exchange = &standin.seen.lock().unwrap().token_requests[0];
    assert_eq!(
        exchange["client_secret"], "stand-in-secret",
        "client_secret_post"
    );
    assert_eq!(exchange["redirect_uri"], redirect);
}

#[test]
fn refused_states_store_nothing() {
    let standin = StandIn::start(salesforce());
    let kp = setup("salesforce", &standin, None, None);
    let params = start(&kp, "standin_salesforce");
    let code = standin.consent(&params);
    let state = &params["state"];

    let forged = callback(
        &kp,
        &format!("keyport://oauth/callback?code={code}&state=forged-state-value"),
    );
    assert!(
        forged.stderr.contains("no sign-in is waiting"),
        "{}",
        forged.stderr
    );
    // Delivered to a loopback port although the flow was started for the deep link.
    let elsewhere = callback(
        &kp,
        &format!("http://127.0.0.1:4567/oauth/callback?code={code}&state={state}"),
    );
    assert!(
        elsewhere.stderr.contains("different way"),
        "{}",
        elsewhere.stderr
    );
    let malformed = callback(&kp, "keyport://oauth/callback?code=a&code=b&state=s");
    assert_eq!(malformed.code, 1);
    assert!(malformed.stderr.contains("twice"), "{}", malformed.stderr);

    // Expired: the flow's deadline moved into the past.
    let expired_params = start(&kp, "standin_salesforce");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let vault = keyport::vault::Vault::open(kp.data_dir()).await.unwrap();
        sqlx::query("UPDATE oauth_flows SET expires_at = '2000-01-01T00:00:00Z' WHERE used_at IS NULL AND created_at = (SELECT max(created_at) FROM oauth_flows)")
            .execute(vault.pool())
            .await
            .unwrap();
        vault.close().await;
    });
    let expired = callback(
        &kp,
        &format!(
            "keyport://oauth/callback?code=x&state={}",
            expired_params["state"]
        ),
    );
    assert!(expired.stderr.contains("expired"), "{}", expired.stderr);

    let denied = callback(
        &kp,
        &format!("keyport://oauth/callback?error=access_denied&state={state}"),
    );
    assert!(denied.stderr.contains("declined"), "{}", denied.stderr);
    // The denial used the flow up: the code cannot be brought in after it.
    let late = callback(
        &kp,
        &format!("keyport://oauth/callback?code={code}&state={state}"),
    );
    assert!(late.stderr.contains("already completed"), "{}", late.stderr);
    assert!(list(&kp).is_empty());
    assert!(
        standin.seen.lock().unwrap().token_requests.is_empty(),
        "no code was exchanged"
    );
}

pub(crate) fn connect_github(kp: &Keyport, standin: &StandIn) -> String {
    let sign_in = LoopbackSignIn::start(kp, "standin_github", &[]);
    browser_get(&sign_in.callback_url(standin)).unwrap();
    let ended = sign_in.end();
    assert!(ended.success, "{}", ended.stderr);
    list(kp)[0]["id"].as_str().unwrap().to_owned()
}

#[test]
fn github_errors_in_http_200_and_a_bad_code_are_reported() {
    let standin = StandIn::start(github());
    let kp = setup("github", &standin, Some("stand-in-secret"), None);
    let sign_in = LoopbackSignIn::start(&kp, "standin_github", &[]);
    browser_get(&format!(
        "{}?code=not-a-code&state={}",
        sign_in.redirect(),
        sign_in.params["state"]
    ))
    .unwrap();
    let ended = sign_in.end();
    let err = ended.stderr;
    assert!(!ended.success);
    assert!(err.contains("bad_verification_code"), "{err}");
    assert!(
        !err.contains("not-a-code"),
        "the code never reaches a message: {err}"
    );
    assert!(list(&kp).is_empty());
}

#[test]
fn concurrent_refreshes_never_spend_a_refresh_token_twice() {
    let standin = StandIn::start(github());
    let kp = setup("github", &standin, Some("stand-in-secret"), None);
    let id = connect_github(&kp, &standin);
    let children: Vec<_> = (0..6)
        .map(|_| {
            kp.command()
                .args(["connections", "refresh", &id])
                .env("KEYPORT_PASSPHRASE", PASSPHRASE)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let seen = standin.seen.lock().unwrap();
    assert!(
        seen.reused_refresh.is_empty(),
        "refresh tokens sent twice: {:?}",
        seen.reused_refresh
    );
    let refreshes = seen
        .token_requests
        .iter()
        .filter(|r| r["grant_type"] == "refresh_token")
        .count();
    assert!(refreshes >= 1, "at least one refresh happened");
    drop(seen);
    assert_eq!(standin.live_refresh_tokens(), 1);
    assert_eq!(list(&kp)[0]["status"], "active");
    // The stored refresh token is the live one: one more refresh works.
    let again = kp.run_in(&["connections", "refresh", &id], "", Some(PASSPHRASE));
    assert_eq!(again.code, 0, "{}", again.stderr);
}

#[test]
fn refresh_failures_are_retryable_or_expire_the_connection() {
    let standin = StandIn::start(github());
    let kp = setup("github", &standin, Some("stand-in-secret"), None);
    let id = connect_github(&kp, &standin);
    let refresh = || kp.run_in(&["connections", "refresh", &id], "", Some(PASSPHRASE));

    standin.force(500, json!({"message": "Server Error"}), None);
    let down = refresh();
    assert_eq!(down.code, 1);
    assert!(
        down.stderr.contains("HTTP 500") && down.stderr.contains("try again"),
        "{}",
        down.stderr
    );
    standin.force(429, json!({"message": "rate limited"}), Some(7));
    let busy = refresh();
    assert!(busy.stderr.contains("in 7 s"), "{}", busy.stderr);
    assert_eq!(
        list(&kp)[0]["status"],
        "active",
        "transient failures leave the connection as it was"
    );
    assert_eq!(list(&kp)[0]["error_count"], 2);

    // A provider that does not answer in time (KEYPORT_HTTP_TIMEOUT_SECS=1 here).
    standin.stall(3);
    let hung = kp
        .command()
        .args(["connections", "refresh", &id])
        .env("KEYPORT_PASSPHRASE", PASSPHRASE)
        .env("KEYPORT_HTTP_TIMEOUT_SECS", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&hung.stderr);
    assert!(!hung.status.success());
    assert!(
        stderr.contains("timed out") && stderr.contains("try again"),
        "{stderr}"
    );
    assert_eq!(
        list(&kp)[0]["status"],
        "active",
        "a timeout changes nothing"
    );
    // Let the stand-in finish hanging before the next request.
    std::thread::sleep(std::time::Duration::from_secs(3));

    standin.force(200, json!({"error": "bad_refresh_token", "error_description": "The refresh token passed is incorrect or expired."}), None);
    let dead = refresh();
    assert!(
        dead.stderr.contains("bad_refresh_token") && dead.stderr.contains("connect again"),
        "{}",
        dead.stderr
    );
    assert_eq!(list(&kp)[0]["status"], "expired");
}

/// THREATS.md row 6: a token endpoint that answers an HTML page, cut-off JSON, or JSON without
/// a token gets a clear error, and nothing is stored.
#[test]
fn unreadable_token_answers_store_nothing() {
    let standin = StandIn::start(salesforce());
    let kp = setup("salesforce", &standin, None, None);
    for body in [
        json!("<html><body>Service Unavailable</body></html>"),
        json!("{\"access_token\": \"abc"),
        json!({"token_type": "Bearer", "instance_url": "https://x.example"}),
    ] {
        let params = start(&kp, "standin_salesforce");
        let code = standin.consent(&params);
        standin.force(200, body, None);
        let run = callback(
            &kp,
            &format!(
                "keyport://oauth/callback?code={code}&state={}",
                params["state"]
            ),
        );
        assert_eq!(run.code, 1);
        assert!(run.stderr.contains("cannot read"), "{}", run.stderr);
        assert!(
            !run.stderr.contains("Service Unavailable"),
            "no body in the message"
        );
    }
    assert!(list(&kp).is_empty());
}

/// THREATS.md row 4: mangled callback addresses never panic, and store at most the one
/// connection the real callback can make.
#[test]
fn mangled_callbacks_never_panic_or_store_more_than_one_connection() {
    let standin = StandIn::start(salesforce());
    let kp = setup("salesforce", &standin, None, None);
    let params = start(&kp, "standin_salesforce");
    let code = standin.consent(&params);
    let real = format!(
        "keyport://oauth/callback?code={code}&state={}",
        params["state"]
    );
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let stored = rt.block_on(async {
        let vault = keyport::vault::Vault::open(kp.data_dir()).await.unwrap();
        let unlocked = vault
            .unlock_passphrase(&keyport::vault::Passphrase::new(PASSPHRASE.into()))
            .await
            .unwrap();
        let catalog = keyport::catalog::Catalog::load(kp.data_dir());
        let alphabet = b"?&=%#:/.abcXYZ019 \x00\xff";
        let mut completed = 0;
        let http = keyport::http::Http::new().unwrap();
        for round in 0..400 {
            let mut bytes = real.clone().into_bytes();
            for _ in 0..1 + next(3) {
                match next(4) {
                    0 if !bytes.is_empty() => {
                        let at = next(bytes.len());
                        bytes[at] = alphabet[next(alphabet.len())];
                    }
                    1 if !bytes.is_empty() => {
                        let at = next(bytes.len());
                        bytes.truncate(at);
                    }
                    2 => {
                        let at = next(bytes.len() + 1);
                        bytes.insert(at, alphabet[next(alphabet.len())]);
                    }
                    _ => bytes.extend_from_slice(b"&state=dup"),
                }
            }
            // The untouched address goes last: by then the flow may be spent, which is fine.
            let text = if round == 399 {
                real.clone()
            } else {
                String::from_utf8_lossy(&bytes).into_owned()
            };
            if let Ok(cb) = keyport::oauth::parse_callback(&text) {
                if keyport::oauth::complete(&vault, &unlocked, &http, &catalog, &cb)
                    .await
                    .is_ok()
                {
                    completed += 1;
                }
            }
        }
        vault.close().await;
        completed
    });
    assert!(stored <= 1, "one flow, at most one connection ({stored})");
    assert_eq!(list(&kp).len(), stored);
}

/// THREATS.md row 16: requests that are not the flow's exact callback (another state, another
/// path, no state, a repeated parameter, another method) get an error page and leave the
/// sign-in waiting; the real callback then completes it, and the listener closes.
#[test]
fn stray_loopback_requests_leave_the_sign_in_to_complete() {
    let standin = StandIn::start(google());
    let kp = setup("google_workspace", &standin, Some("stand-in-secret"), None);
    let mut sign_in = LoopbackSignIn::start(&kp, "standin_google_workspace", &[]);
    let state = sign_in.params["state"].clone();
    let code = standin.consent(&sign_in.params);
    let real = format!("{}?state={state}&code={code}", sign_in.redirect());
    for (request, status) in [
        (
            format!("GET /oauth/callback?state=not-the-state&code={code}"),
            "400",
        ),
        (format!("GET /oauth/callback?code={code}"), "400"),
        (
            format!("GET /oauth/callback?state={state}&state={state}&code={code}"),
            "400",
        ),
        (
            format!("GET /oauth/callback?state={state}&code={code}&code={code}"),
            "400",
        ),
        (
            format!("POST /oauth/callback?state={state}&code={code}"),
            "400",
        ),
        (
            format!("GET /oauth/callbackx?state={state}&code={code}"),
            "404",
        ),
        ("GET /favicon.ico".to_owned(), "404"),
        (
            format!("GET /x/../oauth/callback?state={state}&code={code}"),
            "404",
        ),
    ] {
        let answer = send(
            sign_in.port(),
            &format!("{request} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
        )
        .unwrap();
        let status_line = answer.lines().next().unwrap_or("");
        assert!(status_line.contains(status), "{request}: {answer}");
        assert!(
            !answer.contains("received the sign-in"),
            "{request} is not told the sign-in arrived"
        );
        assert!(sign_in.is_waiting(), "{request} ended the sign-in");
    }
    assert!(
        standin.seen.lock().unwrap().token_requests.is_empty(),
        "no stray request reached the token endpoint"
    );

    let port = sign_in.port();
    let status = browser_get(&real).unwrap();
    assert!(status.contains("200"), "{status}");
    let ended = sign_in.end();
    assert!(ended.success, "{}", ended.stderr);
    assert!(ended.stdout.contains("Connected"), "{}", ended.stdout);
    assert_eq!(list(&kp).len(), 1);
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the listener closed with the sign-in"
    );
}

/// THREATS.md row 16: clients that connect and send nothing, or half a request, and hold on
/// do not keep the browser's redirect from being served.
#[test]
fn half_open_connections_do_not_hold_up_the_callback() {
    let standin = StandIn::start(google());
    let kp = setup("google_workspace", &standin, Some("stand-in-secret"), None);
    let sign_in = LoopbackSignIn::start(&kp, "standin_google_workspace", &[]);
    let port = sign_in.port();
    let mut idle: Vec<TcpStream> = (0..12)
        .map(|i| {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            if i % 2 == 1 {
                stream.write_all(b"GET /oauth/callback?state=").unwrap();
            }
            stream
        })
        .collect();

    let status = browser_get(&sign_in.callback_url(&standin)).unwrap();
    assert!(status.contains("200"), "{status}");
    let ended = sign_in.end();
    assert!(ended.success, "{}", ended.stderr);
    assert_eq!(list(&kp).len(), 1);
    // The end of the sign-in closes the connections still open, unanswered.
    for stream in &mut idle {
        stream.set_read_timeout(Some(HANG_GUARD)).unwrap();
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        assert!(rest.is_empty(), "{}", String::from_utf8_lossy(&rest));
    }
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

/// A provider's error redirect carrying the flow's state ends the sign-in, as it should.
#[test]
fn a_declined_loopback_sign_in_ends_the_wait() {
    let standin = StandIn::start(google());
    let kp = setup("google_workspace", &standin, Some("stand-in-secret"), None);
    let sign_in = LoopbackSignIn::start(&kp, "standin_google_workspace", &[]);
    let status = browser_get(&format!(
        "{}?error=access_denied&state={}",
        sign_in.redirect(),
        sign_in.params["state"]
    ))
    .unwrap();
    assert!(status.contains("200"), "{status}");
    let ended = sign_in.end();
    assert!(!ended.success);
    assert!(ended.stderr.contains("declined"), "{}", ended.stderr);
    assert!(list(&kp).is_empty());
}

/// Issue 11 item 12: once a callback's code was taken to the token endpoint its state is
/// spent, so a failed exchange names why and says to start again, not "try again"; the same
/// callback delivered again is refused as used.
#[test]
fn a_failed_code_exchange_says_the_sign_in_is_used_up() {
    let standin = StandIn::start(salesforce());
    let kp = setup("salesforce", &standin, None, None);
    let deliver = |code: &str, state: &str| {
        let url = format!("keyport://oauth/callback?code={code}&state={state}");
        (callback(&kp, &url), url)
    };
    let restart = "start it again with `keyport connect standin_salesforce --oauth`";

    // A code the provider never issued: RFC 6749 section 5.2's invalid_grant.
    let params = start(&kp, "standin_salesforce");
    let (run, url) = deliver("never-issued-code", &params["state"]);
    refused(
        &run,
        "Stand-in salesforce refused the sign-in's code: invalid_grant (refused by the stand-in)",
        &["never-issued-code", &params["state"]],
    );
    assert!(run.stderr.contains(restart), "{}", run.stderr);
    assert!(!run.stderr.contains("try again"), "{}", run.stderr);
    refused(&callback(&kp, &url), "already completed", &[]);

    // A token endpoint that is down: the flow is spent all the same.
    let params = start(&kp, "standin_salesforce");
    let code = standin.consent(&params);
    standin.force(503, json!({"message": "Service Unavailable"}), None);
    let (run, url) = deliver(&code, &params["state"]);
    refused(&run, "could not be reached or is busy (HTTP 503)", &[&code]);
    assert!(run.stderr.contains(restart), "{}", run.stderr);
    assert!(!run.stderr.contains("nothing changed"), "{}", run.stderr);
    refused(&callback(&kp, &url), "already completed", &[]);
    assert!(list(&kp).is_empty());
}

/// The core's session keeps the flows it started, for every front-end alike: the sign-in page
/// while one waits; Cancel ends its loopback wait (the listener closes, nothing is reported) and
/// the page is refused after; a pasted address that completes a loopback flow ends its wait too.
#[test]
fn the_session_keeps_its_flows_until_cancelled_or_completed() {
    use keyport::catalog::Catalog;
    use keyport::model::ErrorCode;
    use keyport::session::Session;
    use keyport::vault::Passphrase;

    let standin = StandIn::start(google());
    let kp = setup("google_workspace", &standin, Some("stand-in-secret"), None);
    let catalog = Catalog::load(kp.data_dir());
    let connector = "standin_google_workspace";
    crate::support::block_on(async {
        let session = Session::new(kp.data_dir().to_path_buf());
        session
            .unlock_key(&Passphrase::new(PASSPHRASE.into()))
            .await
            .unwrap();
        let no_config = BTreeMap::new();

        let first = session
            .start_oauth(&catalog, connector, &no_config, None)
            .await
            .unwrap();
        let page = session.oauth_page(&first.flow_id).await.unwrap();
        assert_eq!(page, first.authorization_url);
        let redirect = query(&page)["redirect_uri"].clone();
        let cancel = async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            session.cancel_oauth(&first.flow_id).await.unwrap();
        };
        let loopback = first.loopback.expect("a loopback flow");
        let (waited, ()) = tokio::join!(
            session.wait_loopback(&catalog, &first.flow_id, loopback),
            cancel
        );
        assert!(waited.is_none(), "a cancelled wait reports nothing");
        assert!(
            browser_get(&format!("{redirect}?state=x&code=y")).is_err(),
            "the cancelled flow's listener is closed"
        );
        let refused = session.oauth_page(&first.flow_id).await.unwrap_err();
        assert_eq!(refused.code(), ErrorCode::OAuthStateUnknown);

        let second = session
            .start_oauth(&catalog, connector, &no_config, Some("Pasted"))
            .await
            .unwrap();
        let params = query(&second.authorization_url);
        let pasted = format!(
            "{}?state={}&code={}&scope=openid",
            params["redirect_uri"],
            params["state"],
            standin.consent(&params)
        );
        let paste = async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            session.complete_oauth(&catalog, &pasted).await
        };
        let loopback = second.loopback.expect("a loopback flow");
        let (waited, connected) = tokio::join!(
            session.wait_loopback(&catalog, &second.flow_id, loopback),
            paste
        );
        assert_eq!(connected.unwrap().name, "Pasted");
        assert!(
            waited.is_none(),
            "the paste finished the flow; the wait ends quietly"
        );
        assert!(
            browser_get(&params["redirect_uri"]).is_err(),
            "its listener is closed"
        );
        assert!(session.oauth_page(&second.flow_id).await.is_err());
    });
    assert_eq!(
        list(&kp).len(),
        1,
        "only the pasted sign-in stored a connection"
    );
}

/// Issue 13: a dead grant is renewed in place. Reconnecting signs in again as the same account
/// (Google's `login_hint`) and keeps the connection's id, name and settings, so whatever names
/// the connection goes on working; the sign-in is audited, never its tokens.
#[test]
fn a_dead_grant_is_reconnected_in_place_with_a_login_hint() {
    let standin = StandIn::start(google());
    let kp = setup("google_workspace", &standin, Some("stand-in-secret"), None);
    let sign_in = LoopbackSignIn::start(&kp, "standin_google_workspace", &["--name", "Work mail"]);
    assert!(
        !sign_in.params.contains_key("login_hint"),
        "a first sign-in knows no account"
    );
    browser_get(&sign_in.callback_url(&standin)).unwrap();
    assert!(sign_in.end().success);
    let before = list(&kp)[0].clone();
    let id = before["id"].as_str().unwrap().to_owned();
    let set = kp.run_in(
        &["connections", "set", &id, "--health-interval", "45"],
        "",
        Some(PASSPHRASE),
    );
    assert_eq!(set.code, 0, "{}", set.stderr);

    let (status, body) = rfc6749_refusal("invalid_grant");
    standin.force(status, body, None);
    let refused = kp.run_in(&["connections", "refresh", &id], "", Some(PASSPHRASE));
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert_eq!(list(&kp)[0]["needs_reconnect"], true);

    let sign_in = LoopbackSignIn::run(&kp, &["connections", "reconnect", &id, "--no-browser"]);
    assert_eq!(sign_in.params["login_hint"], "ana@example.com");
    assert_eq!(
        sign_in.params["access_type"], "offline",
        "the catalog's own parameters too"
    );
    browser_get(&sign_in.callback_url(&standin)).unwrap();
    let ended = sign_in.end();
    assert!(ended.success, "{}", ended.stderr);

    let after = list(&kp);
    assert_eq!(after.len(), 1, "renewed, not added: {after:?}");
    let c = &after[0];
    assert_eq!(c["id"], before["id"]);
    assert_eq!(c["name"], "Work mail");
    assert_eq!(c["health_interval_minutes"], 45, "its settings are kept");
    assert_eq!(c["status"], "active");
    assert_eq!(c["needs_reconnect"], false);
    assert_eq!(c["error_count"], 0);
    assert!(c["token_expires_at"].is_string());
    let refreshed = kp.run_in(&["connections", "refresh", &id], "", Some(PASSPHRASE));
    assert_eq!(
        refreshed.code, 0,
        "the new grant refreshes: {}",
        refreshed.stderr
    );

    let audit = kp.ok(&["audit", "--json"]);
    assert!(audit.contains("\"reconnect\""), "{audit}");
    for issued in ["access-", "refresh-", "code-"] {
        assert!(
            !audit.contains(issued),
            "no token in the audit log: {audit}"
        );
    }
}

/// A reconnect of a connection that holds a key, or of one that does not exist, is refused
/// before any browser opens, and changes nothing.
#[test]
fn only_signed_in_connections_reconnect() {
    let kp = Keyport::new();
    kp.init_vault();
    let unknown = kp.run_in(
        &["connections", "reconnect", "no-such-id", "--no-browser"],
        "",
        Some(PASSPHRASE),
    );
    assert_eq!(unknown.code, 1);
    assert!(unknown.stdout.is_empty(), "{}", unknown.stdout);
    assert!(unknown.stderr.contains("no-such-id"), "{}", unknown.stderr);
}
