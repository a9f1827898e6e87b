//! Issue 12: the CLI and the desktop decide nothing of their own. The same scenario run through
//! the real `keyport` binary and through the core's `Session` (what every Tauri command calls)
//! leaves the same records, audit events and provider calls: a delete revokes the grant first
//! in both, and both refuse while the vault is locked.

use crate::oauth::{salesforce, setup, start};
use crate::support::standin::StandIn;
use crate::support::{block_on, Keyport, PASSPHRASE};
use keyport::catalog::Catalog;
use keyport::oauth::Revoked;
use keyport::session::Session;
use keyport::vault::{Passphrase, VaultError};
use serde_json::Value;
use std::collections::BTreeMap;

/// Signs in to the stand-in Salesforce through the CLI; returns the new connection's id.
fn sign_in(kp: &Keyport, standin: &StandIn) -> String {
    let before = kp.ids();
    let params = start(kp, "standin_salesforce");
    let code = standin.consent(&params);
    let url = format!(
        "keyport://oauth/callback?code={code}&state={}",
        params["state"]
    );
    let run = kp.run_in(&["oauth", "callback", &url], "", Some(PASSPHRASE));
    assert_eq!(run.code, 0, "{}", run.stderr);
    kp.ids()
        .into_iter()
        .find(|id| !before.contains(id))
        .expect("a new connection")
}

/// The audit events about `id`, by name.
fn events_of(kp: &Keyport, id: &str) -> Vec<String> {
    let events: Vec<Value> = serde_json::from_str(&kp.ok(&["audit", "--json"])).unwrap();
    events
        .iter()
        .filter(|e| e["connection_id"] == id)
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect()
}

fn revocations(standin: &StandIn) -> Vec<BTreeMap<String, String>> {
    standin.seen.lock().unwrap().revoked.clone()
}

#[test]
fn deleting_through_the_cli_and_through_the_session_revokes_and_refuses_alike() {
    let standin = StandIn::start(salesforce());
    let kp = setup("salesforce", &standin, None, None);
    let by_cli = sign_in(&kp, &standin);
    let by_session = sign_in(&kp, &standin);
    let kept = sign_in(&kp, &standin);
    let catalog = Catalog::load(kp.data_dir());

    // Locked: both front-ends refuse, and nothing reaches the provider or the vault.
    let run = kp.run_in(&["connections", "delete", &kept], "", None);
    assert!(
        run.code == 1 && run.stderr.contains("the vault is locked"),
        "{}",
        run.stderr
    );
    let locked = block_on(async {
        let session = Session::new(kp.data_dir().to_path_buf());
        session.delete(&catalog, &kept).await
    });
    assert!(
        matches!(locked, Err(VaultError::Locked)),
        "the session refuses while locked: {locked:?}"
    );
    assert!(revocations(&standin).is_empty());
    assert_eq!(kp.ids().len(), 3);

    // Unlocked: the CLI's delete and the session's delete do the same things.
    let run = kp.run_in(&["connections", "delete", &by_cli], "", Some(PASSPHRASE));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("The provider revoked its access"),
        "{}",
        run.stdout
    );
    let deletion = block_on(async {
        let session = Session::new(kp.data_dir().to_path_buf());
        session
            .unlock_key(&Passphrase::new(PASSPHRASE.into()))
            .await
            .unwrap();
        session.delete(&catalog, &by_session).await.unwrap()
    });
    assert_eq!(deletion.revoked.unwrap(), Revoked::Done);

    let revoked = revocations(&standin);
    assert_eq!(revoked.len(), 2, "one revocation per delete: {revoked:?}");
    // The same fields, the same hint (the tokens themselves differ per connection).
    let shape = |r: &BTreeMap<String, String>| {
        let keys: Vec<&String> = r.keys().collect();
        (
            keys.into_iter().cloned().collect::<Vec<_>>(),
            r.get("token_type_hint").cloned(),
        )
    };
    assert_eq!(shape(&revoked[0]), shape(&revoked[1]), "the same request");
    assert_eq!(kp.ids(), vec![kept]);
    assert_eq!(events_of(&kp, &by_cli), events_of(&kp, &by_session));
    assert_eq!(
        events_of(&kp, &by_cli).last().map(String::as_str),
        Some("delete")
    );
}
