//! Replacing a revoked API key in place (issue 13): `keyport connections replace-key` through the
//! real binary, against a stand-in key service on 127.0.0.1 that accepts one key only, the way
//! a service does once the old key was revoked and a new one made.

use crate::health::connect_unchecked;
use crate::keys::with_connector;
use crate::support::serve::serve;
use crate::support::{block_on, refused, Keyport, PASSPHRASE};
use keyport::catalog::Catalog;
use keyport::scheduler::lease::Holder;
use keyport::scheduler::run::unix_now;
use keyport::scheduler::{Outcome, CHECK};
use keyport::session::{Session, Turn};
use keyport::vault::Passphrase;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

const NEW_KEY: &str = "SG.new-key";
const OLD_KEY: &str = "SG.revoked-key";

fn show(kp: &Keyport, id: &str) -> Value {
    serde_json::from_str(&kp.ok(&["connections", "show", id, "--json"])).unwrap()
}

fn replace(
    kp: &Keyport,
    id: &str,
    how: &[&str],
    secret: &str,
    passphrase: Option<&str>,
) -> crate::support::Run {
    let mut args = vec!["connections", "replace-key", id];
    args.extend_from_slice(how);
    kp.run_in(&args, secret, passphrase)
}

/// What can change when a key is replaced; the rest of the view must stay as it was.
fn kept(view: &Value) -> Value {
    json!([
        view["id"],
        view["name"],
        view["connector_id"],
        view["connection_type"],
        view["health_interval_minutes"],
        view["status"],
        view["updated_at"]
    ])
}

#[test]
fn a_revoked_key_is_replaced_in_place_once_the_service_accepts_the_new_one() {
    // SendGrid's check (GET /v3/scopes with `Authorization: Bearer <key>`), accepting only the
    // new key: the stored one was revoked.
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let service = {
        let seen = seen.clone();
        serve(move |r| {
            seen.lock().unwrap().push(r.authorization.clone());
            match (r.path.as_str(), r.authorization.strip_prefix("Bearer ")) {
                ("/v3/scopes", Some(NEW_KEY)) => (200, json!({"scopes": ["mail.send"]}), None),
                _ => (
                    401,
                    json!({"errors": [{"message": "authorization required"}]}),
                    None,
                ),
            }
        })
    };
    let kp = with_connector("sendgrid", &service);
    let id = connect_unchecked(&kp, &["standin_sendgrid", "--api-key-stdin"], OLD_KEY);
    kp.change(&["connections", "rename", &id, "Mail (production)"]);
    kp.change(&["connections", "set", &id, "--health-interval", "30"]);

    // The scheduler's check finds the key refused: the connection needs reconnecting.
    block_on(async {
        let session = Session::new(kp.data_dir().to_path_buf());
        session
            .unlock_key(&Passphrase::new(PASSPHRASE.to_owned()))
            .await
            .unwrap();
        let catalog = Catalog::load(kp.data_dir());
        let holder = Holder::new("test");
        // The first pass plans the never-checked key's check within a minute; the next runs it.
        let mut ran = Vec::new();
        for now in [unix_now(), unix_now() + 61] {
            let Turn::Ran(pass) = session
                .scheduler_turn(&catalog, &holder, now)
                .await
                .unwrap()
            else {
                panic!("expected a pass");
            };
            ran.extend(pass.ran);
        }
        assert!(
            ran.iter().any(|r| r.connection_id == id
                && r.kind == CHECK
                && matches!(r.outcome, Outcome::NeedsReconnect { .. })),
            "{ran:?}"
        );
        session.release_scheduler(&holder).await.unwrap();
    });
    let before = show(&kp, &id);
    assert_eq!(before["needs_reconnect"], true, "{before}");

    // Refused, and nothing changed: a key the service also refuses, a token for a key
    // connection, no credential at all, a locked vault, an unknown id.
    let wrong = replace(
        &kp,
        &id,
        &["--api-key-stdin"],
        "SG.another-wrong-key",
        Some(PASSPHRASE),
    );
    refused(
        &wrong,
        "refused the API key (HTTP 401)",
        &["SG.another-wrong-key"],
    );
    let token = replace(&kp, &id, &["--token-stdin"], NEW_KEY, Some(PASSPHRASE));
    refused(&token, "is a connection by API key", &[NEW_KEY]);
    let nothing = replace(&kp, &id, &[], "", Some(PASSPHRASE));
    refused(&nothing, "say what replaces it", &[]);
    let locked = replace(&kp, &id, &["--api-key-stdin"], NEW_KEY, None);
    assert_eq!(locked.code, 1, "{}", locked.stdout);
    assert!(!locked.stderr.contains(NEW_KEY), "{}", locked.stderr);
    let unknown = replace(
        &kp,
        "no-such-id",
        &["--api-key-stdin"],
        NEW_KEY,
        Some(PASSPHRASE),
    );
    refused(&unknown, "no-such-id", &[NEW_KEY]);
    assert_eq!(kept(&show(&kp, &id)), kept(&before));
    assert_eq!(show(&kp, &id)["needs_reconnect"], true);
    let revealed = kp.run_in(&["reveal", &id], "", Some(PASSPHRASE));
    assert_eq!(revealed.stdout.trim(), OLD_KEY, "{}", revealed.stderr);

    // The new key: checked with the service, then stored in place.
    let checks_before = seen.lock().unwrap().len();
    let run = replace(
        &kp,
        &id,
        &["--api-key-stdin"],
        &format!("{NEW_KEY}\n"),
        Some(PASSPHRASE),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Mail (production)"), "{}", run.stdout);
    assert!(!run.stdout.contains(NEW_KEY), "{}", run.stdout);
    assert_eq!(
        seen.lock().unwrap()[checks_before..],
        [format!("Bearer {NEW_KEY}")],
        "one check, with the new key"
    );
    assert_eq!(kp.ids(), vec![id.clone()], "no second connection");
    let after = show(&kp, &id);
    assert_eq!(after["name"], "Mail (production)");
    assert_eq!(after["health_interval_minutes"], 30);
    assert_eq!(after["status"], "active");
    assert_eq!(after["needs_reconnect"], false);
    assert_eq!(after["health_status"], "healthy");
    assert_eq!(after["verified"], true);
    assert_eq!(after["error_count"], 0);
    assert!(after["last_error"].is_null(), "{after}");
    let revealed = kp.run_in(&["reveal", &id], "", Some(PASSPHRASE));
    assert_eq!(revealed.stdout.trim(), NEW_KEY, "{}", revealed.stderr);
    // The next check uses the new key and passes.
    assert_eq!(kp.probe(&id)["health_status"], "healthy");

    // One `reconnect` event, naming the connector and type; no key anywhere in the audit log.
    let audit = kp.ok(&["audit", "--json"]);
    let events: Vec<Value> = serde_json::from_str(&audit).unwrap();
    let reconnects: Vec<&Value> = events
        .iter()
        .filter(|e| e["event"] == "reconnect")
        .collect();
    assert_eq!(reconnects.len(), 1, "{audit}");
    assert_eq!(reconnects[0]["connection_id"], id.as_str());
    assert_eq!(reconnects[0]["detail"], "standin_sendgrid by api_key");
    for key in [NEW_KEY, OLD_KEY, "SG.another-wrong-key"] {
        assert!(!audit.contains(key), "a key in the audit log: {audit}");
    }
}
