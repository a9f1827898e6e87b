//! Connecting by API key through the real `keyport` binary, checked live against stand-ins on
//! 127.0.0.1 that answer as each service's docs show: accepted, rejected, rate-limited.

use crate::support::serve::{serve, Answer, Served};
use crate::support::standin::connector_file;
use crate::support::{Keyport, PASSPHRASE};
use serde_json::{json, Value};

/// A service's check endpoint: `answer(path, authorization header, query)`.
pub(crate) fn key_service(answer: fn(&str, &str, &str) -> Answer) -> Served {
    serve(move |r| answer(&r.path, &r.authorization, &r.query))
}

pub(crate) fn with_connector(id: &str, service: &Served) -> Keyport {
    let kp = Keyport::new();
    kp.init_vault();
    let file = kp.write(&format!("{id}.toml"), &connector_file(id, &service.base));
    kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    kp
}

fn list(kp: &Keyport) -> Vec<Value> {
    serde_json::from_str(&kp.ok(&["connections", "list", "--json"])).unwrap()
}

/// SendGrid: `Authorization: Bearer <key>` on GET /v3/scopes.
/// https://www.twilio.com/docs/sendgrid/api-reference/api-key-permissions/retrieve-a-list-of-scopes-for-which-this-user-has-access
pub(crate) fn sendgrid(path: &str, auth: &str, _: &str) -> Answer {
    match (path, auth) {
        ("/v3/scopes", "Bearer SG.good-key") => (
            200,
            json!({"scopes": ["mail.send", "alerts.create", "alerts.read"]}),
            None,
        ),
        ("/v3/scopes", "Bearer SG.busy-key") => (
            429,
            json!({"errors": [{"field": null, "message": "too many requests"}]}),
            Some(12),
        ),
        _ => (
            401,
            json!({"errors": [{"field": null, "message": "authorization required"}]}),
            None,
        ),
    }
}

#[test]
fn a_key_the_service_accepts_is_stored_verified() {
    let service = key_service(sendgrid);
    let kp = with_connector("sendgrid", &service);
    let run = kp.run_in(
        &["connect", "standin_sendgrid", "--api-key-stdin"],
        "SG.good-key\n",
        Some(PASSPHRASE),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("checked with the service"),
        "{}",
        run.stdout
    );
    let c = &list(&kp)[0];
    assert_eq!(c["verified"], true);
    assert_eq!(c["health_status"], "healthy");
    // The stand-in accepts only `Bearer SG.good-key` on /v3/scopes: the check sent exactly that.
    assert!(c["last_health_check"].is_string());
}

#[test]
fn a_rejected_or_unreachable_check_stores_nothing_and_names_no_secret() {
    let service = key_service(sendgrid);
    let kp = with_connector("sendgrid", &service);
    let bad = kp.run_in(
        &["connect", "standin_sendgrid", "--api-key-stdin"],
        "SG.wrong-key",
        Some(PASSPHRASE),
    );
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("refused the API key (HTTP 401)"),
        "{}",
        bad.stderr
    );
    assert!(
        !bad.stderr.contains("SG.wrong-key"),
        "the key is never in a message"
    );
    let busy = kp.run_in(
        &["connect", "standin_sendgrid", "--api-key-stdin"],
        "SG.busy-key",
        Some(PASSPHRASE),
    );
    assert!(
        busy.stderr.contains("HTTP 429") && busy.stderr.contains("in 12 s"),
        "{}",
        busy.stderr
    );
    assert!(list(&kp).is_empty(), "nothing stored");
    drop(service);
    // The service is gone (a closed port): a clear message, quickly, and still nothing stored.
    let gone = kp.run_in(
        &["connect", "standin_sendgrid", "--api-key-stdin"],
        "SG.good-key",
        Some(PASSPHRASE),
    );
    assert!(
        gone.stderr.contains("could not be reached"),
        "{}",
        gone.stderr
    );
    assert!(list(&kp).is_empty());
    // --no-verify stores it unchecked, and says so.
    let unchecked = kp.run_in(
        &[
            "connect",
            "standin_sendgrid",
            "--api-key-stdin",
            "--no-verify",
        ],
        "SG.good-key",
        Some(PASSPHRASE),
    );
    assert!(
        unchecked.stdout.contains("unverified"),
        "{}",
        unchecked.stdout
    );
    assert_eq!(list(&kp)[0]["verified"], false);
}

/// Mailchimp: HTTP Basic with any user name and the key as the password, on the data center's
/// host. https://mailchimp.com/developer/marketing/docs/fundamentals/#api-structure
fn mailchimp(path: &str, auth: &str, _: &str) -> Answer {
    use base64::Engine;
    let good = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode("keyport:0123456789abcdef0123456789abcdef-us6")
    );
    if path == "/3.0/" && auth == good {
        (
            200,
            json!({"account_id": "8d3a3db4d97663a9074efcc16", "account_name": "Freddie's Jokes", "email": "freddie@example.com"}),
            None,
        )
    } else {
        (
            401,
            json!({"type": "https://mailchimp.com/developer/marketing/docs/errors/", "title": "API Key Invalid", "status": 401,
                     "detail": "Your API key may be invalid, or you've attempted to access the wrong datacenter.", "instance": "a4e3f5b1-ba1c-4c6e-b5a3-b1c8e4b3a8f1"}),
            None,
        )
    }
}

#[test]
fn basic_auth_keys_and_settings_reach_the_check() {
    let service = key_service(mailchimp);
    let kp = with_connector("mailchimp", &service);
    let run = kp.run_in(
        &[
            "connect",
            "standin_mailchimp",
            "--config",
            "dc=us6",
            "--api-key-stdin",
        ],
        "0123456789abcdef0123456789abcdef-us6",
        Some(PASSPHRASE),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bad = kp.run_in(
        &[
            "connect",
            "standin_mailchimp",
            "--config",
            "dc=us6",
            "--api-key-stdin",
        ],
        "ffffffffffffffffffffffffffffffff-us6",
        Some(PASSPHRASE),
    );
    assert!(bad.stderr.contains("HTTP 401"), "{}", bad.stderr);
    let bad_setting = kp.run_in(
        &[
            "connect",
            "standin_mailchimp",
            "--config",
            "dc=../evil",
            "--api-key-stdin",
        ],
        "0123456789abcdef0123456789abcdef-us6",
        Some(PASSPHRASE),
    );
    assert!(
        bad_setting.stderr.contains("not a valid"),
        "{}",
        bad_setting.stderr
    );
    assert_eq!(list(&kp).len(), 1);
}

/// Elasticsearch's authenticate call, by API key (`Authorization: ApiKey <encoded>`) or by user
/// and password (Basic). https://www.elastic.co/guide/en/elasticsearch/reference/current/security-api-authenticate.html
fn elasticsearch(path: &str, auth: &str, _: &str) -> Answer {
    use base64::Engine;
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("elastic:es-password")
    );
    let known = auth == "ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
        || auth == basic;
    if path == "/_security/_authenticate" && known {
        (
            200,
            json!({"username": "elastic", "roles": ["superuser"], "full_name": null, "email": null,
                     "metadata": {"_reserved": true}, "enabled": true,
                     "authentication_realm": {"name": "reserved", "type": "reserved"},
                     "lookup_realm": {"name": "reserved", "type": "reserved"}, "authentication_type": "realm"}),
            None,
        )
    } else {
        (
            401,
            json!({"error": {"root_cause": [{"type": "security_exception",
                      "reason": "unable to authenticate user [elastic] for REST request [/_security/_authenticate]"}],
                      "type": "security_exception",
                      "reason": "unable to authenticate user [elastic] for REST request [/_security/_authenticate]"},
                     "status": 401}),
            None,
        )
    }
}

#[test]
fn elasticsearch_by_api_key_or_password() {
    let service = key_service(elasticsearch);
    let kp = Keyport::new();
    kp.init_vault();
    // The endpoint field takes https only; the stand-in copy takes this loopback address.
    let file = std::fs::read_to_string(format!("{}/catalog/elasticsearch.toml", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .replace("id = \"elasticsearch\"", "id = \"standin_elasticsearch\"")
        .replace("name = \"Elasticsearch\"", "name = \"Stand-in Elasticsearch\"")
        .replace(
            r#"pattern = "^https://[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$""#,
            r#"pattern = "^http://127\\.0\\.0\\.1:[0-9]{1,5}$""#,
        )
        .replace(
            "example = \"https://my-deployment.es.us-central1.gcp.cloud.es.io:443\"",
            "example = \"http://127.0.0.1:9200\"",
        );
    let path = kp.write("es.toml", &file);
    kp.ok(&["catalog", "add", path.to_str().unwrap()]);
    let endpoint = format!("base_url={}", service.base);
    let key = kp.run_in(
        &[
            "connect",
            "standin_elasticsearch",
            "--config",
            &endpoint,
            "--api-key-stdin",
        ],
        "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==",
        Some(PASSPHRASE),
    );
    assert_eq!(key.code, 0, "{}", key.stderr);
    let wrong = kp.run_in(
        &[
            "connect",
            "standin_elasticsearch",
            "--config",
            &endpoint,
            "--basic",
            "elastic",
        ],
        "not-the-password",
        Some(PASSPHRASE),
    );
    assert!(wrong.stderr.contains("HTTP 401"), "{}", wrong.stderr);
    assert!(!wrong.stderr.contains("not-the-password"));
    let basic = kp.run_in(
        &[
            "connect",
            "standin_elasticsearch",
            "--config",
            &endpoint,
            "--basic",
            "elastic",
        ],
        "es-password",
        Some(PASSPHRASE),
    );
    assert_eq!(basic.code, 0, "{}", basic.stderr);
    let list = list(&kp);
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|c| c["verified"] == true));
}

/// Runs `args` with the test passphrase, `stdin` as raw bytes (a key need not be text) and
/// `env` set.
pub(crate) fn run_bytes(
    kp: &Keyport,
    args: &[&str],
    stdin: &[u8],
    env: &[(&str, &str)],
) -> crate::support::Run {
    let mut cmd = kp.command();
    cmd.env("KEYPORT_PASSPHRASE", PASSPHRASE)
        .envs(env.iter().copied())
        .args(args);
    crate::support::feed(cmd, stdin)
}

/// Keys that can never work (not text, blank, control characters) are refused for what they
/// are, whether or not they would be checked, instead of being stored altered or met with
/// "could not be reached ... store it unchecked". The message never carries the key.
#[test]
fn unusable_keys_are_refused_for_what_they_are() {
    let service = key_service(sendgrid);
    let kp = with_connector("sendgrid", &service);
    let cases: [(&[u8], &str); 9] = [
        (b"SG.good\xff\xfe-key", "the API key is not UTF-8 text"),
        (b"    ", "the API key is empty or only spaces"),
        (b"\t \r\n", "the API key is empty or only spaces"),
        (
            b"SG.good\n-key",
            "the API key contains a line break at character 8",
        ),
        (
            b"SG.good\0-key",
            "the API key contains a NUL character at character 8",
        ),
        (
            b"SG.good\x1b]0;owned\x07-key",
            "the API key contains an escape character (ESC) at character 8",
        ),
        (
            b"SG.good\t-key",
            "the API key contains a tab at character 8",
        ),
        (
            b"SG.good\x7f-key",
            "the API key contains a control character (U+007F) at character 8",
        ),
        (
            "SG.good\u{9b}-key".as_bytes(),
            "the API key contains a control character (U+009B) at character 8",
        ),
    ];
    for verify in [true, false] {
        for (key, words) in cases {
            let mut args = vec!["connect", "standin_sendgrid", "--api-key-stdin"];
            if !verify {
                args.push("--no-verify");
            }
            let run = run_bytes(&kp, &args, key, &[]);
            crate::support::refused(&run, words, &["SG.good", "-key"]);
            assert!(
                !run.stderr.contains("could not be reached") && !run.stderr.contains("--no-verify"),
                "{}",
                run.stderr
            );
        }
        // A basic-auth password and its user name are held to the same rules.
        let mut args = vec!["connect", "elasticsearch", "--basic", "elastic"];
        if !verify {
            args.push("--no-verify");
        }
        let run = run_bytes(&kp, &args, b"es-pass\x1b[2Jword", &[]);
        crate::support::refused(
            &run,
            "the password contains an escape character (ESC) at character 8",
            &["es-pass"],
        );
        args[3] = "ela\nstic";
        let run = run_bytes(&kp, &args, b"es-password", &[]);
        crate::support::refused(
            &run,
            "the user name contains a line break",
            &["es-password"],
        );
    }
    assert!(list(&kp).is_empty(), "nothing stored");

    // Whitespace around a key is a paste accident and is dropped (as `gh auth login
    // --with-token` does): the stand-in accepts exactly `Bearer SG.good-key`.
    let run = run_bytes(
        &kp,
        &["connect", "standin_sendgrid", "--api-key-stdin"],
        b"  SG.good-key \r\n",
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(list(&kp)[0]["verified"], true);
}

/// A key longer than stdin's limit is refused, not cut short and stored altered.
#[test]
fn an_overlong_key_is_refused_not_cut() {
    let kp = Keyport::new();
    kp.init_vault();
    let run = run_bytes(
        &kp,
        &["connect", "sendgrid", "--api-key-stdin", "--no-verify"],
        &vec![b'k'; 64 * 1024 + 1],
        &[],
    );
    crate::support::refused(&run, "stdin holds more than 64 KB", &["kkkk"]);
    assert!(list(&kp).is_empty());
}

/// `KEYPORT_HTTP_TIMEOUT_SECS` that is not whole seconds from 1 to 300 is refused by name, not
/// silently replaced by 30 s.
#[test]
fn an_unusable_http_timeout_is_refused_by_name() {
    let service = key_service(sendgrid);
    let kp = with_connector("sendgrid", &service);
    let args = ["connect", "standin_sendgrid", "--api-key-stdin"];
    for value in ["abc", "0", "-1", "99999", "2.5"] {
        let run = run_bytes(
            &kp,
            &args,
            b"SG.good-key",
            &[("KEYPORT_HTTP_TIMEOUT_SECS", value)],
        );
        crate::support::refused(
            &run,
            &format!(
                "KEYPORT_HTTP_TIMEOUT_SECS is \"{value}\"; it takes whole seconds from 1 to 300"
            ),
            &["SG.good-key"],
        );
    }
    assert!(list(&kp).is_empty(), "nothing stored");
    let run = run_bytes(
        &kp,
        &args,
        b"SG.good-key",
        &[("KEYPORT_HTTP_TIMEOUT_SECS", "300")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}
