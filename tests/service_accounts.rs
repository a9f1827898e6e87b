//! Service accounts through the real `keyport` binary against stand-ins on 127.0.0.1: Google's
//! token endpoint checks the JWT's RS256 signature against the key's public half and its
//! claims, as Google documents; Azure's answers the client-credentials grant. Broken key files
//! get a message naming what is wrong, and nothing is stored.

use crate::support::serve::{serve, Served};
use crate::support::standin::connector_file;
use crate::support::{Keyport, PASSPHRASE};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// `answer(path, form body, authorization)` gives the status and JSON body.
fn token_service(answer: impl Fn(&str, &str, &str) -> (u16, Value) + Send + 'static) -> Served {
    serve(move |r| {
        let (status, json) = answer(&r.path, &r.body, &r.authorization);
        (status, json, None)
    })
}

/// An RSA key pair made by openssl: (private PKCS#8 PEM, public SPKI PEM).
pub fn rsa_pair(kp: &Keyport, name: &str) -> (String, String) {
    let private = kp.write(&format!("{name}.key"), "");
    let made = std::process::Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
        ])
        .arg(&private)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let public = std::process::Command::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(&private)
        .output()
        .unwrap();
    (
        std::fs::read_to_string(&private).unwrap(),
        String::from_utf8(public.stdout).unwrap(),
    )
}

fn key_file(private_pem: &str) -> String {
    json!({
        "type": "service_account",
        "project_id": "keyport-test-123",
        "private_key_id": "4f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6",
        "private_key": private_pem,
        "client_email": "keyport@keyport-test-123.iam.gserviceaccount.com",
        "client_id": "112233445566778899001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
    })
    .to_string()
}

fn list(kp: &Keyport) -> Vec<Value> {
    serde_json::from_str(&kp.ok(&["connections", "list", "--json"])).unwrap()
}

#[test]
fn gcp_json_key_signs_a_jwt_the_token_endpoint_verifies() {
    let kp = Keyport::new();
    kp.init_vault();
    let (private, public) = rsa_pair(&kp, "sa");
    let (other_private, _) = rsa_pair(&kp, "other");
    let audience = Arc::new(Mutex::new(String::new()));
    let service = {
        let audience = audience.clone();
        token_service(move |path, body, auth| match path {
            // https://developers.google.com/identity/protocols/oauth2/service-account#httprest
            "/token" => {
                let form: std::collections::BTreeMap<String, String> =
                    url::form_urlencoded::parse(body.as_bytes())
                        .into_owned()
                        .collect();
                if form.get("grant_type").map(String::as_str)
                    != Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
                {
                    return (400, json!({"error": "unsupported_grant_type"}));
                }
                let key = jsonwebtoken::DecodingKey::from_rsa_pem(public.as_bytes()).unwrap();
                let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
                validation.set_audience(&[audience.lock().unwrap().as_str()]);
                validation.set_issuer(&["keyport@keyport-test-123.iam.gserviceaccount.com"]);
                match jsonwebtoken::decode::<Value>(&form["assertion"], &key, &validation) {
                    Ok(data)
                        if data.claims["scope"]
                            == "https://www.googleapis.com/auth/cloud-platform" =>
                    {
                        (
                            200,
                            json!({"access_token": "ya29.c.stand-in", "expires_in": 3599, "token_type": "Bearer"}),
                        )
                    }
                    _ => (
                        400,
                        json!({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}),
                    ),
                }
            }
            "/v3/projects:search" if auth == "Bearer ya29.c.stand-in" => {
                (200, json!({"projects": []}))
            }
            _ => (
                401,
                json!({"error": {"code": 401, "status": "UNAUTHENTICATED"}}),
            ),
        })
    };
    *audience.lock().unwrap() = format!("{}/token", service.base);
    let file = kp.write("gcp.toml", &connector_file("gcp", &service.base));
    kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    let connect = |name: &str, text: &str| {
        let path = kp.write(name, text);
        kp.run_in(
            &[
                "connect",
                "standin_gcp",
                "--service-account-file",
                path.to_str().unwrap(),
            ],
            "",
            Some(PASSPHRASE),
        )
    };
    let good = key_file(&private);
    let cut = connect("cut.json", &good[..good.len() / 2]);
    assert!(cut.stderr.contains("cut off"), "{}", cut.stderr);
    let not_json = connect("notjson.json", "-----BEGIN PRIVATE KEY-----");
    assert!(not_json.stderr.contains("not JSON"), "{}", not_json.stderr);
    let user = connect("user.json", &json!({"type": "authorized_user", "client_id": "x", "client_secret": "y", "refresh_token": "z"}).to_string());
    assert!(
        user.stderr.contains("\"authorized_user\" credential"),
        "{}",
        user.stderr
    );
    let forged = connect("forged.json", &key_file(&other_private));
    assert!(
        forged.stderr.contains("Invalid JWT Signature"),
        "{}",
        forged.stderr
    );
    assert!(!forged.stderr.contains("PRIVATE KEY"), "no key in messages");
    assert!(list(&kp).is_empty(), "nothing stored for a refused key");

    let ok = connect("sa.json", &good);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let c = &list(&kp)[0];
    assert_eq!(c["connection_type"], "service_account");
    assert_eq!(c["verified"], true);
    assert_eq!(
        c["metadata"]["client_email"],
        "keyport@keyport-test-123.iam.gserviceaccount.com"
    );
    assert_eq!(c["metadata"]["project_id"], "keyport-test-123");
    assert!(!kp
        .ok(&["connections", "list", "--json"])
        .contains("PRIVATE"));
}

#[test]
fn azure_client_credentials() {
    // https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow
    let service = token_service(|path, body, auth| {
        let form: std::collections::BTreeMap<String, String> =
            url::form_urlencoded::parse(body.as_bytes())
                .into_owned()
                .collect();
        match path {
            "/8f70baf1-1f6e-46a2-a1ff-238dac1ebfb7/oauth2/v2.0/token" => {
                if form.get("grant_type").map(String::as_str) == Some("client_credentials")
                    && form.get("client_id").map(String::as_str)
                        == Some("291bba3f-e0a5-47bc-a099-3bdcb2a50a05")
                    && form.get("client_secret").map(String::as_str) == Some("azure~secret")
                    && form.get("scope").map(String::as_str)
                        == Some("https://management.azure.com/.default")
                {
                    (
                        200,
                        json!({"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": "eyJ0eXAiOiJKV1Qi.stand-in"}),
                    )
                } else {
                    (
                        401,
                        json!({"error": "invalid_client",
                                 "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
                                 "error_codes": [7000215]}),
                    )
                }
            }
            "/subscriptions" if auth == "Bearer eyJ0eXAiOiJKV1Qi.stand-in" => {
                (200, json!({"value": []}))
            }
            _ => (
                401,
                json!({"error": {"code": "InvalidAuthenticationToken"}}),
            ),
        }
    });
    let kp = Keyport::new();
    kp.init_vault();
    let file = kp.write("azure.toml", &connector_file("azure", &service.base));
    kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    let connect = |secret: &str| {
        let path = kp.write("secret.txt", secret);
        kp.run_in(
            &[
                "connect",
                "standin_azure",
                "--config",
                "tenant=8f70baf1-1f6e-46a2-a1ff-238dac1ebfb7",
                "--config",
                "client_id=291bba3f-e0a5-47bc-a099-3bdcb2a50a05",
                "--service-account-file",
                path.to_str().unwrap(),
            ],
            "",
            Some(PASSPHRASE),
        )
    };
    let wrong = connect("not-the-secret");
    assert!(
        wrong.stderr.contains("invalid_client") && wrong.stderr.contains("AADSTS7000215"),
        "{}",
        wrong.stderr
    );
    assert!(!wrong.stderr.contains("not-the-secret"));
    assert!(list(&kp).is_empty());
    let ok = connect("azure~secret");
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(list(&kp)[0]["verified"], true);
    // A probe later gets a fresh token the same way.
    let view = kp.probe(list(&kp)[0]["id"].as_str().unwrap());
    assert_eq!(view["health_status"], "healthy", "{view}");
}

/// Snowflake: the key pair signs a JWT whose issuer names the public key's SHA-256 fingerprint;
/// the SQL API takes it as the bearer token with `X-Snowflake-Authorization-Token-Type:
/// KEYPAIR_JWT`. https://docs.snowflake.com/en/developer-guide/sql-api/authenticating
#[test]
fn snowflake_key_pair_jwt() {
    let kp = Keyport::new();
    kp.init_vault();
    let (private, public) = rsa_pair(&kp, "snow");
    // The fingerprint as Snowflake's docs compute it, with openssl.
    let public_path = kp.write("snow.pub", &public);
    let fingerprint = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl pkey -pubin -in '{}' -outform DER | openssl dgst -sha256 -binary | openssl enc -base64",
            public_path.display()
        ))
        .output()
        .unwrap();
    let issuer = format!(
        "MYORG-ACCOUNT123.KEYPORT_SVC.SHA256:{}",
        String::from_utf8(fingerprint.stdout).unwrap().trim()
    );
    let service = serve(move |r| {
        let key = jsonwebtoken::DecodingKey::from_rsa_pem(public.as_bytes()).unwrap();
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.set_issuer(&[issuer.as_str()]);
        validation.validate_aud = false;
        let token = r.authorization.strip_prefix("Bearer ").unwrap_or("");
        match (
            r.path.as_str(),
            jsonwebtoken::decode::<Value>(token, &key, &validation),
        ) {
            ("/api/v2/statements", Ok(data))
                if data.claims["sub"] == "MYORG-ACCOUNT123.KEYPORT_SVC" =>
            {
                (
                    200,
                    json!({"code": "090001", "sqlState": "00000", "message": "Statement executed successfully.",
                       "statementHandle": "01a2b3c4-0000-1111-0000-000000000001", "data": [["KEYPORT_SVC"]]}),
                    None,
                )
            }
            _ => (
                401,
                json!({"code": "390144", "message": "JWT token is invalid."}),
                None,
            ),
        }
    });
    let file = kp.write(
        "snowflake.toml",
        &connector_file("snowflake", &service.base),
    );
    kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    let connect = |pem: &str| {
        let path = kp.write("key.p8", pem);
        kp.run_in(
            &[
                "connect",
                "standin_snowflake",
                "--config",
                "account=myorg-account123",
                "--config",
                "user=keyport_svc",
                "--service-account-file",
                path.to_str().unwrap(),
            ],
            "",
            Some(PASSPHRASE),
        )
    };
    let (other, _) = rsa_pair(&kp, "other");
    let wrong = connect(&other);
    assert!(wrong.stderr.contains("HTTP 401"), "{}", wrong.stderr);
    assert!(!wrong.stderr.contains("PRIVATE KEY"));
    let garbage =
        connect("-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----");
    assert!(garbage.stderr.contains("PKCS#8"), "{}", garbage.stderr);
    assert!(list(&kp).is_empty());
    let ok = connect(&private);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(list(&kp)[0]["verified"], true);
}

/// Runs keyport to its end, or kills it and fails the test if it is still running long after
/// any refusal should have come (a read that blocks forever).
fn finishes(kp: &Keyport, args: &[&str]) -> crate::support::Run {
    use std::process::Stdio;
    let child = kp
        .command()
        .env("KEYPORT_PASSPHRASE", PASSPHRASE)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn keyport");
    crate::support::finish(child, &format!("keyport {args:?}"))
}

/// A key file must be a regular file of sensible size: a FIFO with no writer is refused
/// instead of hanging, `/dev/zero` instead of being read, an empty file says it is empty, and a
/// client-secret file holding more than one line is refused. Nothing is stored.
#[test]
fn key_files_that_are_not_files_or_hold_nothing_usable_are_refused() {
    let kp = Keyport::new();
    kp.init_vault();
    let fifo = kp.data_dir().join("key.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let gcp = |path: &str| finishes(&kp, &["connect", "gcp", "--service-account-file", path]);
    let run = gcp(fifo.to_str().unwrap());
    crate::support::refused(&run, "key.fifo is not a regular file", &[]);
    let run = gcp("/dev/zero");
    crate::support::refused(&run, "/dev/zero is not a regular file", &[]);
    let empty = kp.write("empty.json", "");
    crate::support::refused(&gcp(empty.to_str().unwrap()), "empty.json is empty", &[]);
    let blank = kp.write("blank.json", " \n\n");
    crate::support::refused(&gcp(blank.to_str().unwrap()), "blank.json is empty", &[]);
    let nul = kp.write("nul.json", "{\"type\": \"service_account\",\0}");
    crate::support::refused(
        &gcp(nul.to_str().unwrap()),
        "the service account key (JSON) contains a NUL character at character 28",
        &[],
    );
    let two_lines = kp.write("secret.txt", "azure~secret\nazure~other\n");
    let run = finishes(
        &kp,
        &[
            "connect",
            "azure",
            "--config",
            "tenant=8f70baf1-1f6e-46a2-a1ff-238dac1ebfb7",
            "--config",
            "client_id=291bba3f-e0a5-47bc-a099-3bdcb2a50a05",
            "--service-account-file",
            two_lines.to_str().unwrap(),
            "--no-verify",
        ],
    );
    crate::support::refused(
        &run,
        "the client secret value contains a line break at character 13",
        &["azure~"],
    );
    assert!(list(&kp).is_empty(), "nothing stored");
}
