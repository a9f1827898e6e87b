//! One contract test per provider the original plan configured, beyond those in oauth.rs: the
//! whole flow through the real `keyport` binary against a stand-in that answers with the
//! provider's documented bodies (quoted from the page in each profile's comment), then refresh
//! and delete (revocation).

use crate::support::standin::{connector_file, rfc6749_refusal, Profile, StandIn};
use crate::support::{Keyport, PASSPHRASE};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;

const CLIENT_ID: &str = "stand-in-client";
const SECRET: &str = "stand-in-secret";
/// What a person registers for services that take only https redirects.
const HTTPS_REDIRECT: &str = "https://example.com/keyport/callback";

/// A confidential client's stand-in with a plain RFC 6749 token response; each test sets what
/// its provider does differently.
fn base(token_path: &'static str, check_path: &'static str) -> Profile {
    Profile {
        token_path,
        revoke_path: None,
        check_path,
        check_token_header: None,
        lookups: &[],
        client_id: CLIENT_ID,
        client_secret: Some(SECRET),
        token_body: |_, access, refresh| json!({"access_token": access, "refresh_token": refresh, "token_type": "Bearer", "expires_in": 3600}),
        rotates: false,
        refusal: rfc6749_refusal,
    }
}

/// Runs a whole sign-in: `connect --oauth --no-browser`, the stand-in's consent, and the
/// redirect back by whichever way the flow chose (loopback request, or `oauth callback` with
/// the deep link or the pasted https address). `extra` adds callback parameters.
fn sign_in(
    kp: &Keyport,
    standin: &StandIn,
    connector: &str,
    config: &[&str],
    extra: &dyn Fn(&BTreeMap<String, String>, &str) -> String,
) -> crate::support::Run {
    sign_in_naming_the_code(kp, standin, connector, config, "code", extra)
}

/// `sign_in` for a provider whose redirect names the code otherwise (Amazon's
/// `spapi_oauth_code`).
fn sign_in_naming_the_code(
    kp: &Keyport,
    standin: &StandIn,
    connector: &str,
    config: &[&str],
    code_name: &str,
    extra: &dyn Fn(&BTreeMap<String, String>, &str) -> String,
) -> crate::support::Run {
    let mut args = vec!["connect", connector, "--oauth", "--no-browser"];
    for c in config {
        args.extend(["--config", c]);
    }
    let mut child = kp
        .command()
        .args(&args)
        .env("KEYPORT_PASSPHRASE", PASSPHRASE)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let params: BTreeMap<String, String> = url::Url::parse(line.trim())
        .unwrap_or_else(|_| panic!("no sign-in address: {line}"))
        .query_pairs()
        .into_owned()
        .collect();
    let code = standin.consent(&params);
    let redirect = params["redirect_uri"].clone();
    let query = format!(
        "{code_name}={code}&state={}{}",
        params["state"],
        extra(&params, &code)
    );
    let url = format!("{redirect}?{query}");
    if redirect.starts_with("http://127.0.0.1:") {
        let parsed = url::Url::parse(&url).unwrap();
        let mut stream =
            std::net::TcpStream::connect(("127.0.0.1", parsed.port().unwrap())).unwrap();
        write!(
            stream,
            "GET /oauth/callback?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        .unwrap();
        let mut stdout = String::new();
        out.read_to_string(&mut stdout).unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        return crate::support::Run {
            code: status.code().unwrap_or(-1),
            stdout,
            stderr,
        };
    }
    assert!(child.wait().unwrap().success());
    kp.run_in(&["oauth", "callback", &url], "", Some(PASSPHRASE))
}

fn setup(id: &str, standin: &StandIn, secret: bool, https: bool) -> Keyport {
    crate::oauth::setup(
        id,
        standin,
        secret.then_some(SECRET),
        https.then_some(HTTPS_REDIRECT),
    )
}

fn only_connection(kp: &Keyport) -> Value {
    let list: Vec<Value> =
        serde_json::from_str(&kp.ok(&["connections", "list", "--json"])).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    list[0].clone()
}

fn no_extra(_: &BTreeMap<String, String>, _: &str) -> String {
    String::new()
}

fn refresh(kp: &Keyport, id: &str) {
    let run = kp.run_in(&["connections", "refresh", id], "", Some(PASSPHRASE));
    assert_eq!(run.code, 0, "{}", run.stderr);
}

fn delete(kp: &Keyport, id: &str) -> String {
    let run = kp.run_in(&["connections", "delete", id], "", Some(PASSPHRASE));
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

/// Microsoft identity platform v2: `{tenant}` in the endpoints, a public client with PKCE, a
/// new refresh token on every refresh; no revocation endpoint.
/// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
#[test]
fn microsoft_tenant_endpoints_and_rotating_refresh() {
    let mut profile = base("/contoso.onmicrosoft.com/oauth2/v2.0/token", "/v1.0/me");
    profile.client_secret = None;
    profile.rotates = true;
    // GET /me, the signed-in user (the documented example's default properties), whose
    // userPrincipalName a reconnect sends as login_hint.
    // https://learn.microsoft.com/en-us/graph/api/user-get
    profile.lookups = &[("/v1.0/me", |_| {
        json!({"businessPhones": ["+1 425 555 0109"], "displayName": "Adele Vance", "givenName": "Adele",
               "jobTitle": "Retail Manager", "mail": "AdeleV@contoso.com", "mobilePhone": "+1 425 555 0109",
               "officeLocation": "18/2111", "preferredLanguage": "en-US", "surname": "Vance",
               "userPrincipalName": "AdeleV@contoso.com", "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd"})
    })];
    profile.token_body = |_, access, refresh| {
        json!({"access_token": access, "token_type": "Bearer", "expires_in": 3599,
               "scope": "https%3A%2F%2Fgraph.microsoft.com%2Fmail.read", "refresh_token": refresh,
               "id_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJhdWQiOiIyZDRkMTFhMi1mODE0LTQ2YTctOD"})
    };
    let standin = StandIn::start(profile);
    let kp = setup("microsoft_365", &standin, false, false);
    let done = sign_in(
        &kp,
        &standin,
        "standin_microsoft_365",
        &["tenant=contoso.onmicrosoft.com"],
        &no_extra,
    );
    assert_eq!(done.code, 0, "{}", done.stderr);
    let c = only_connection(&kp);
    assert_eq!(c["metadata"]["user_principal_name"], "AdeleV@contoso.com");
    let id = c["id"].as_str().unwrap();
    refresh(&kp, id);
    refresh(&kp, id);
    let seen = standin.seen.lock().unwrap();
    let refreshes: Vec<_> = seen
        .token_requests
        .iter()
        .filter(|r| r["grant_type"] == "refresh_token")
        .collect();
    assert_eq!(refreshes.len(), 2);
    assert_ne!(
        refreshes[0]["refresh_token"], refreshes[1]["refresh_token"],
        "the rotated token is used next"
    );
    assert!(
        refreshes.iter().all(|r| !r.contains_key("client_secret")),
        "a public client sends no secret"
    );
    drop(seen);
    assert!(
        delete(&kp, id).starts_with("Deleted"),
        "no revocation endpoint: deleted here only"
    );
}

/// GitLab: self-managed host in every URL, PKCE, rotating refresh tokens, RFC 7009 revoke.
/// https://docs.gitlab.com/api/oauth2/
#[test]
fn gitlab_self_managed_host_and_revoke() {
    let mut profile = base("/oauth/token", "/api/v4/user");
    profile.client_secret = None;
    profile.revoke_path = Some("/oauth/revoke");
    profile.rotates = true;
    profile.token_body = |_, access, refresh| {
        json!({"access_token": access, "token_type": "Bearer", "expires_in": 7200,
               "refresh_token": refresh, "scope": "read_api read_user", "created_at": 1607635748})
    };
    let standin = StandIn::start(profile);
    let kp = setup("gitlab", &standin, false, false);
    let done = sign_in(
        &kp,
        &standin,
        "standin_gitlab",
        &["gitlab_host=gitlab.example.com"],
        &no_extra,
    );
    assert_eq!(done.code, 0, "{}", done.stderr);
    let c = only_connection(&kp);
    assert_eq!(c["metadata"]["gitlab_host"], "gitlab.example.com");
    let id = c["id"].as_str().unwrap();
    refresh(&kp, id);
    assert!(delete(&kp, id).contains("revoked"));
    let revoked = standin.seen.lock().unwrap().revoked[0].clone();
    assert_eq!(revoked["method"], "POST");
    assert_eq!(revoked["token_type_hint"], "refresh_token");
    assert_eq!(revoked["client_id"], CLIENT_ID);
}

/// HubSpot: an https-only redirect, so the person pastes where the browser landed.
/// https://developers.hubspot.com/docs/api-reference/auth-oauth-v3/guide
#[test]
fn hubspot_pasted_https_redirect() {
    let mut profile = base("/oauth/2026-03/token", "/account-info/2026-03/details");
    profile.revoke_path = Some("/oauth/2026-03/token/revoke");
    profile.token_body = |_, access, refresh| json!({"token_type": "bearer", "refresh_token": refresh, "access_token": access, "expires_in": 1800});
    let standin = StandIn::start(profile);
    let kp = setup("hubspot_crm", &standin, true, true);
    // Saving the same app again without its secret or redirect keeps both.
    let again = kp.run_in(
        &[
            "oauth-app",
            "set",
            "standin_hubspot_crm",
            "--client-id",
            CLIENT_ID,
        ],
        "",
        Some(PASSPHRASE),
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    let done = sign_in(&kp, &standin, "standin_hubspot_crm", &[], &no_extra);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let exchange = standin.seen.lock().unwrap().token_requests[0].clone();
    assert_eq!(exchange["redirect_uri"], HTTPS_REDIRECT);
    assert_eq!(exchange["client_secret"], SECRET);
    let c = only_connection(&kp);
    // A pasted address of another page is not this flow's redirect.
    let started = kp.run_in(
        &["connect", "standin_hubspot_crm", "--oauth", "--no-browser"],
        "",
        Some(PASSPHRASE),
    );
    let state = url::Url::parse(started.stdout.trim())
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let wrong = kp.run_in(
        &[
            "oauth",
            "callback",
            &format!("https://example.com/elsewhere?code=c&state={state}"),
        ],
        "",
        Some(PASSPHRASE),
    );
    assert!(wrong.stderr.contains("different way"), "{}", wrong.stderr);
    assert!(delete(&kp, c["id"].as_str().unwrap()).contains("revoked"));
}

/// QuickBooks: the company id arrives as `realmId` on the redirect and fills the check's path;
/// the client authenticates with HTTP Basic; refresh tokens are replaced on refresh.
/// https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
#[test]
fn quickbooks_realm_id_from_the_callback() {
    let mut profile = base(
        "/oauth2/v1/tokens/bearer",
        "/v3/company/9341453474484455/companyinfo/9341453474484455",
    );
    profile.revoke_path = Some("/v2/oauth2/tokens/revoke");
    profile.rotates = true;
    profile.token_body = |_, access, refresh| {
        json!({"token_type": "bearer", "expires_in": 3600, "refresh_token": refresh,
               "x_refresh_token_expires_in": 8726400, "access_token": access})
    };
    let standin = StandIn::start(profile);
    let kp = setup("quickbooks", &standin, true, true);
    let done = sign_in(&kp, &standin, "standin_quickbooks", &[], &|_, _| {
        "&realmId=9341453474484455".into()
    });
    assert_eq!(done.code, 0, "{}", done.stderr);
    let c = only_connection(&kp);
    assert_eq!(c["metadata"]["realm_id"], "9341453474484455");
    assert_eq!(
        standin.seen.lock().unwrap().checks,
        1,
        "CompanyInfo read for that realm"
    );
    let exchange = standin.seen.lock().unwrap().token_requests[0].clone();
    assert!(
        !exchange.contains_key("client_secret"),
        "client_secret_basic, not in the body"
    );
    refresh(&kp, c["id"].as_str().unwrap());
}

/// Stripe Connect: the connected account (`stripe_user_id`) is kept, and deleting
/// deauthorizes it. https://docs.stripe.com/connect/oauth-reference
#[test]
fn stripe_keeps_the_account_and_deauthorizes_it() {
    let mut profile = base("/oauth/token", "/v1/account");
    profile.revoke_path = Some("/oauth/deauthorize");
    profile.token_body = |_, access, refresh| {
        json!({"access_token": access, "livemode": false, "refresh_token": refresh,
               "token_type": "bearer", "stripe_publishable_key": "pk_test_51Standin",
               "stripe_user_id": "acct_1032D82eZvKYlo2C", "scope": "read_only"})
    };
    let standin = StandIn::start(profile);
    let kp = setup("stripe", &standin, true, true);
    let done = sign_in(&kp, &standin, "standin_stripe", &[], &no_extra);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let c = only_connection(&kp);
    assert_eq!(c["metadata"]["stripe_user_id"], "acct_1032D82eZvKYlo2C");
    assert!(delete(&kp, c["id"].as_str().unwrap()).contains("revoked"));
    let revoked = standin.seen.lock().unwrap().revoked[0].clone();
    assert_eq!(revoked["method"], "POST");
    assert_eq!(revoked["stripe_user_id"], "acct_1032D82eZvKYlo2C");
    assert_eq!(revoked["client_id"], CLIENT_ID);
    assert_eq!(revoked["authorization"], format!("Bearer {SECRET}"));
}

/// Slack: errors come as `{"ok": false, "error": …}` in HTTP 200; the bot token is at the top
/// level. https://docs.slack.dev/reference/methods/oauth.v2.access
#[test]
fn slack_ok_false_and_the_bot_token() {
    let mut profile = base("/api/oauth.v2.access", "/api/auth.test");
    profile.revoke_path = Some("/api/auth.revoke");
    profile.token_body = |_, access, _| {
        json!({"access_token": access, "app_id": "A0KRD7HC3",
               "authed_user": {"access_token": "xoxp-1234", "id": "U1234", "scope": "chat:write", "token_type": "user"},
               "bot_user_id": "U0KRQLJ9H", "enterprise": {"id": "E12345678", "name": "slack-sports"},
               "ok": true, "scope": "commands,incoming-webhook",
               "team": {"id": "T9TK3CUKW", "name": "Slack Softball Team"}, "token_type": "bot"})
    };
    profile.refusal = |error| {
        let error = if error == "invalid_grant" {
            "invalid_code"
        } else {
            error
        };
        (200, json!({"ok": false, "error": error}))
    };
    let standin = StandIn::start(profile);
    let kp = setup("slack", &standin, true, true);
    let done = sign_in(&kp, &standin, "standin_slack", &[], &no_extra);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let c = only_connection(&kp);
    let revealed = kp.run_in(&["reveal", c["id"].as_str().unwrap()], "", Some(PASSPHRASE));
    let tokens: Value = serde_json::from_str(revealed.stdout.trim()).unwrap();
    assert!(
        tokens["access_token"]
            .as_str()
            .unwrap()
            .starts_with("access-"),
        "the bot token"
    );
    assert_eq!(tokens["token_type"], "bot");
}

/// Slack's error words inside HTTP 200 reach the person, and nothing is stored.
#[test]
fn slack_invalid_code_is_reported() {
    let mut profile = base("/api/oauth.v2.access", "/api/auth.test");
    profile.refusal = |_| (200, json!({"ok": false, "error": "invalid_code"}));
    let standin = StandIn::start(profile);
    // The app's secret is wrong, so the stand-in refuses the exchange the way Slack does.
    let kp2 = Keyport::new();
    kp2.init_vault();
    let file = kp2.write("slack.toml", &connector_file("slack", &standin.base));
    kp2.ok(&["catalog", "add", file.to_str().unwrap()]);
    let run = kp2.run_in(
        &[
            "oauth-app",
            "set",
            "standin_slack",
            "--client-id",
            CLIENT_ID,
            "--client-secret-stdin",
            "--redirect-uri",
            HTTPS_REDIRECT,
        ],
        "wrong-secret",
        Some(PASSPHRASE),
    );
    assert_eq!(run.code, 0);
    let failed = sign_in(&kp2, &standin, "standin_slack", &[], &no_extra);
    assert_eq!(failed.code, 1);
    assert!(failed.stderr.contains("invalid_code"), "{}", failed.stderr);
    let list: Vec<Value> =
        serde_json::from_str(&kp2.ok(&["connections", "list", "--json"])).unwrap();
    assert!(list.is_empty());
}

fn shopify_hmac(params: &[(&str, &str)], secret: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut sorted = params.to_vec();
    sorted.sort();
    let message = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(sorted)
        .finish();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Shopify: the redirect is signed with the client secret and names its shop; a forged
/// signature or another shop is refused before the code is exchanged.
/// https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant
#[test]
fn shopify_signed_callback() {
    let mut profile = base("/admin/oauth/access_token", "/admin/api/");
    profile.check_token_header = Some("X-Shopify-Access-Token");
    profile.rotates = true;
    profile.token_body = |_, access, refresh| {
        json!({"access_token": access, "scope": "read_products,read_orders,read_customers",
               "expires_in": 3600, "refresh_token": refresh, "refresh_token_expires_in": 7776000})
    };
    let standin = StandIn::start(profile);
    let kp = setup("shopify", &standin, true, true);
    let signed = |shop: &'static str, secret: &'static str| {
        move |params: &BTreeMap<String, String>, code: &str| {
            let host = "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZmFuY3ktd2lkZ2V0cw==";
            let hmac = shopify_hmac(
                &[
                    ("code", code),
                    ("host", host),
                    ("shop", shop),
                    ("state", &params["state"]),
                    ("timestamp", "1337178173"),
                ],
                secret,
            );
            format!(
                "&host={}&shop={shop}&timestamp=1337178173&hmac={hmac}",
                url::form_urlencoded::byte_serialize(host.as_bytes()).collect::<String>()
            )
        }
    };
    let forged = sign_in(
        &kp,
        &standin,
        "standin_shopify",
        &["shop=fancy-widgets"],
        &signed("fancy-widgets.myshopify.com", "not-the-secret"),
    );
    assert_eq!(forged.code, 1);
    assert!(
        forged.stderr.contains("signature does not match"),
        "{}",
        forged.stderr
    );
    let other_shop = sign_in(
        &kp,
        &standin,
        "standin_shopify",
        &["shop=fancy-widgets"],
        &signed("evil.myshopify.com", SECRET),
    );
    assert!(
        other_shop.stderr.contains("`shop`"),
        "{}",
        other_shop.stderr
    );
    assert!(
        standin.seen.lock().unwrap().token_requests.is_empty(),
        "no code was exchanged"
    );
    let done = sign_in(
        &kp,
        &standin,
        "standin_shopify",
        &["shop=fancy-widgets"],
        &signed("fancy-widgets.myshopify.com", SECRET),
    );
    assert_eq!(done.code, 0, "{}", done.stderr);
    let exchange = standin.seen.lock().unwrap().token_requests[0].clone();
    assert_eq!(
        exchange["expiring"], "1",
        "expiring offline tokens asked for"
    );
    assert_eq!(
        standin.seen.lock().unwrap().checks,
        1,
        "the token was proven in X-Shopify-Access-Token"
    );
    let c = only_connection(&kp);
    refresh(&kp, c["id"].as_str().unwrap());
}

/// Xero: after the exchange, the tenants the person authorised (`/connections`); the first
/// is kept. https://developer.xero.com/documentation/guides/oauth2/auth-flow
#[test]
fn xero_tenant_lookup_after_sign_in() {
    let mut profile = base("/connect/token", "/connections");
    profile.client_secret = None;
    profile.rotates = true;
    profile.revoke_path = Some("/connect/revocation");
    profile.lookups = &[("/connections", |_| {
        json!([{"id": "e1eede29-f875-4a5d-8470-17f6a29a88b1", "authEventId": "d99ecdfe-391d-43d2-b834-17636ba90e8d",
                "tenantId": "70784a63-d24b-46a9-a4db-0e70a274b056", "tenantType": "ORGANISATION",
                "tenantName": "Maple Florists", "createdDateUtc": "2019-07-09T23:40:30.1833130",
                "updatedDateUtc": "2020-05-15T01:35:13.8491980"}])
    })];
    profile.token_body = |_, access, refresh| {
        json!({"id_token": "xxxxxx.yyyyyyy.zzzzzzzz", "access_token": access, "expires_in": 1800,
               "token_type": "Bearer", "refresh_token": refresh, "scope": "openid profile email accounting.transactions offline_access"})
    };
    let standin = StandIn::start(profile);
    let kp = setup("xero", &standin, false, false);
    let done = sign_in(&kp, &standin, "standin_xero", &[], &no_extra);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let c = only_connection(&kp);
    assert_eq!(
        c["metadata"]["tenant_id"],
        "70784a63-d24b-46a9-a4db-0e70a274b056"
    );
    assert_eq!(c["metadata"]["tenant_name"], "Maple Florists");
    refresh(&kp, c["id"].as_str().unwrap());
}

/// Xero with no organisation authorised: the lookup finds no tenant, nothing is stored.
#[test]
fn xero_without_a_tenant_stores_nothing() {
    let mut profile = base("/connect/token", "/connections");
    profile.client_secret = None;
    profile.lookups = &[("/connections", |_| json!([]))];
    let standin = StandIn::start(profile);
    let kp = setup("xero", &standin, false, false);
    let done = sign_in(&kp, &standin, "standin_xero", &[], &no_extra);
    assert_eq!(done.code, 1);
    assert!(
        done.stderr.contains("no site or organisation"),
        "{}",
        done.stderr
    );
    let list: Vec<Value> =
        serde_json::from_str(&kp.ok(&["connections", "list", "--json"])).unwrap();
    assert!(list.is_empty());
}

/// Jira (Atlassian 3LO): the cloud id of the site from accessible-resources; rotating
/// refresh tokens. https://developer.atlassian.com/cloud/oauth/getting-started/implementing-oauth-3lo
#[test]
fn jira_cloud_id_from_accessible_resources() {
    let mut profile = base("/oauth/token", "/oauth/token/accessible-resources");
    profile.rotates = true;
    profile.lookups = &[("/oauth/token/accessible-resources", |_| {
        json!([{"id": "1324a887-45db-1bf4-1e99-ef0ff456d421", "name": "Site name",
                "url": "https://your-domain.atlassian.net", "scopes": ["write:jira-work", "read:jira-user", "manage:jira-configuration"],
                "avatarUrl": "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png"}])
    })];
    profile.token_body = |_, access, refresh| {
        json!({"access_token": access, "expires_in": 3600, "token_type": "Bearer", "refresh_token": refresh,
               "scope": "read:jira-work read:jira-user offline_access"})
    };
    let standin = StandIn::start(profile);
    let kp = setup("jira", &standin, true, false);
    let done = sign_in(
        &kp,
        &standin,
        "standin_jira",
        &["site=your-domain"],
        &|params, _| {
            assert_eq!(params["audience"], "api.atlassian.com");
            String::new()
        },
    );
    assert_eq!(done.code, 0, "{}", done.stderr);
    let c = only_connection(&kp);
    assert_eq!(
        c["metadata"]["cloud_id"],
        "1324a887-45db-1bf4-1e99-ef0ff456d421"
    );
    refresh(&kp, c["id"].as_str().unwrap());
}

/// GitHub: deleting removes the app's grant (DELETE /applications/{client_id}/grant, Basic).
/// https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization
#[test]
fn github_delete_removes_the_grant() {
    let mut profile = base("/login/oauth/access_token", "/user");
    profile.revoke_path = Some("/applications/");
    profile.rotates = true;
    let standin = StandIn::start(profile);
    let kp = setup("github", &standin, true, false);
    let done = sign_in(&kp, &standin, "standin_github", &[], &no_extra);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let c = only_connection(&kp);
    assert!(delete(&kp, c["id"].as_str().unwrap()).contains("revoked"));
    let revoked = standin.seen.lock().unwrap().revoked[0].clone();
    assert_eq!(revoked["method"], "DELETE");
    assert_eq!(revoked["path"], format!("/applications/{CLIENT_ID}/grant"));
    assert!(revoked["access_token"].starts_with("access-"));
    assert!(revoked["authorization"].starts_with("Basic "));
}

/// DATEV: an OpenID `nonce` of at least 20 characters, fresh for every sign-in, beside PKCE.
/// https://developer.datev.de/de/guides/authentication (see catalog/datev.toml)
#[test]
fn datev_gets_a_fresh_nonce_per_sign_in() {
    let standin = StandIn::start(base("/token", "/userinfo"));
    let kp = setup("datev", &standin, true, false);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let nonces: Vec<String> = rt.block_on(async {
        let vault = keyport::vault::Vault::open(kp.data_dir()).await.unwrap();
        let unlocked = vault
            .unlock_passphrase(&keyport::vault::Passphrase::new(PASSPHRASE.into()))
            .await
            .unwrap();
        let catalog = keyport::catalog::Catalog::load(kp.data_dir());
        let connector = catalog.get("standin_datev").unwrap();
        let mut nonces = Vec::new();
        for _ in 0..2 {
            let started = keyport::oauth::begin(
                &vault,
                &unlocked,
                connector,
                &BTreeMap::new(),
                keyport::oauth::Purpose::Connect { name: None },
                &[keyport_model::RedirectKind::Loopback],
            )
            .await
            .unwrap();
            let params: BTreeMap<String, String> = url::Url::parse(&started.authorization_url)
                .unwrap()
                .query_pairs()
                .into_owned()
                .collect();
            assert_eq!(params["code_challenge_method"], "S256");
            assert!(params["state"].len() >= 20);
            nonces.push(params["nonce"].clone());
        }
        vault.close().await;
        nonces
    });
    assert!(nonces.iter().all(|n| n.len() >= 20), "{nonces:?}");
    assert_ne!(nonces[0], nonces[1]);
}

/// Amazon's Selling Partner API: the redirect names the code `spapi_oauth_code` and the seller
/// `selling_partner_id`; the check call (getMarketplaceParticipations) takes the LWA access
/// token in `x-amz-access-token`, not as a bearer.
/// https://developer-docs.amazon.com/sp-api/docs/website-authorization-workflow
/// https://developer-docs.amazon.com/sp-api/docs/connecting-to-the-selling-partner-api
#[test]
fn amazon_code_seller_and_access_token_header() {
    let mut profile = base("/auth/o2/token", "/sellers/v1/marketplaceParticipations");
    profile.check_token_header = Some("x-amz-access-token");
    profile.token_body = |_, access, refresh| json!({"access_token": access, "refresh_token": refresh, "token_type": "bearer", "expires_in": 3600});
    let standin = StandIn::start(profile);
    let kp = setup("amazon_seller_central", &standin, true, true);
    let done = sign_in_naming_the_code(
        &kp,
        &standin,
        "standin_amazon_seller_central",
        &["application_id=amzn1.sp.solution.0bf296b5-36a6-4942-a13e-EXAMPLEfcd28"],
        "spapi_oauth_code",
        &|_, _| "&selling_partner_id=A3FFEXAMPLE0".into(),
    );
    assert_eq!(done.code, 0, "{}", done.stderr);
    let c = only_connection(&kp);
    assert_eq!(c["metadata"]["selling_partner_id"], "A3FFEXAMPLE0");
    assert_eq!(c["verified"], true);
    assert_eq!(
        standin.seen.lock().unwrap().checks,
        1,
        "the token was proven in x-amz-access-token"
    );
}
