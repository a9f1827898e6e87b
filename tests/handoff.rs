//! Hand-off (issue 14): `keyport token` as scripts and MCP clients run it, against the strict
//! stand-in GitHub (single-use refresh tokens; a reused one revokes the whole chain).

use crate::oauth::github;
use crate::scheduler::{github_connection, refreshes};
use crate::support::standin::Profile;
use crate::support::{block_on, finish, Keyport, PASSPHRASE};
use keyport::vault::Vault;
use serde_json::{json, Value};
use std::process::Stdio;

/// Moves the stored token's expiry by `seconds` from now, through the vault's own SQLite file:
/// what a clock jump (a laptop waking after days) looks like to a process reading it.
fn expire_in(kp: &Keyport, id: &str, seconds: i64) {
    block_on(async {
        let vault = Vault::open(kp.data_dir()).await.unwrap();
        let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds);
        sqlx::query("UPDATE connections SET token_expires_at = ? WHERE id = ?")
            .bind(
                at.format(&time::format_description::well_known::Rfc3339)
                    .unwrap(),
            )
            .bind(id)
            .execute(vault.pool())
            .await
            .unwrap();
        vault.close().await;
    });
}

fn token(kp: &Keyport, args: &[&str]) -> crate::support::Run {
    let mut all = vec!["token"];
    all.extend(args);
    kp.run_in(&all, "", Some(PASSPHRASE))
}

fn unix(text: &str) -> i64 {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .unwrap()
        .unix_timestamp()
}

#[test]
fn token_hands_out_a_fresh_access_token_and_records_who_asked() {
    let (standin, kp, id) = github_connection(github());

    // A token that is good for hours is handed out as it is.
    let first = token(&kp, &[&id]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stdout.starts_with("access-") && first.stdout.ends_with('\n'));
    assert_eq!(refreshes(&standin), 0);

    // Expired: refreshed first, through the single-flight refresh.
    expire_in(&kp, &id, -60);
    let fresh = token(&kp, &[&id, "--json"]);
    assert_eq!(fresh.code, 0, "{}", fresh.stderr);
    let fresh: Value = serde_json::from_str(&fresh.stdout).unwrap();
    let new = fresh["token"].as_str().unwrap();
    assert_ne!(format!("{new}\n"), first.stdout);
    assert!(new.starts_with("access-"), "{fresh}");
    assert!(
        unix(fresh["expires_at"].as_str().unwrap())
            > time::OffsetDateTime::now_utc().unix_timestamp() + 3600
    );
    assert_eq!(refreshes(&standin), 1);

    // Still fresh: the header a client's header helper asks for, with no second refresh.
    let header = token(&kp, &[&id, "--header"]);
    assert_eq!(header.code, 0, "{}", header.stderr);
    let header: Value = serde_json::from_str(&header.stdout).unwrap();
    assert_eq!(header, json!({ "Authorization": format!("Bearer {new}") }));
    assert_eq!(refreshes(&standin), 1);

    // The audit log names the connection and the program that ran keyport (this test), and
    // holds no token, refresh token or client secret.
    let audit = kp.ok(&["audit", "--json"]);
    let events: Vec<Value> = serde_json::from_str(&audit).unwrap();
    let handed: Vec<&Value> = events.iter().filter(|e| e["event"] == "hand-off").collect();
    assert_eq!(handed.len(), 3, "{audit}");
    let me = std::env::current_exe().unwrap();
    for event in &handed {
        assert_eq!(event["connection_id"], id.as_str());
        let detail = event["detail"].as_str().unwrap();
        assert!(detail.starts_with("access token to "), "{detail}");
        assert!(detail.contains(&me.display().to_string()), "{detail}");
        assert!(
            detail.contains(&format!("pid {}", std::process::id())),
            "{detail}"
        );
        assert!(detail.contains(", parent "), "{detail}");
    }
    let secret = regex_lite::Regex::new(r"access-\d|refresh-\d|stand-in-secret").unwrap();
    assert!(
        !secret.is_match(&audit),
        "a secret in the audit log: {audit}"
    );
    assert!(standin.seen.lock().unwrap().reused_refresh.is_empty());
}

#[test]
fn a_wake_from_sleep_burst_refreshes_once_and_every_process_gets_the_new_token() {
    let (standin, kp, id) = github_connection(github());
    expire_in(&kp, &id, -2 * 86_400);
    let children: Vec<_> = (0..20)
        .map(|_| {
            kp.command()
                .args(["token", &id])
                .env("KEYPORT_PASSPHRASE", PASSPHRASE)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let runs: Vec<_> = children
        .into_iter()
        .map(|child| finish(child, "keyport token"))
        .collect();
    for run in &runs {
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            run.stdout, runs[0].stdout,
            "every process prints the same token"
        );
    }
    assert!(runs[0].stdout.starts_with("access-"), "{}", runs[0].stdout);
    assert_eq!(refreshes(&standin), 1, "one refresh for the whole burst");
    assert!(standin.seen.lock().unwrap().reused_refresh.is_empty());
    assert_eq!(standin.live_refresh_tokens(), 1);
    // The token handed out is the one the provider issued last, and it works.
    assert_eq!(kp.probe(&id)["health_status"], "healthy");
}

/// GitHub's answer without a refresh token (an app with expiring tokens turned off).
fn no_refresh(_: &str, access: &str, _: Option<&str>) -> Value {
    json!({ "access_token": access, "expires_in": 3600, "scope": "", "token_type": "bearer" })
}

#[test]
fn bad_requests_say_why_and_print_nothing() {
    let (_standin, kp, id) = github_connection(Profile {
        token_body: no_refresh,
        ..github()
    });
    let refused = |args: &[&str], passphrase: Option<&str>, words: &str| {
        let mut all = vec!["token"];
        all.extend(args);
        let run = kp.run_in(&all, "", passphrase);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?} printed {}", run.stdout);
        assert!(
            run.stderr.starts_with("keyport: ") && run.stderr.contains(words),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("access-"), "{}", run.stderr);
    };
    refused(
        &["no-such-id"],
        Some(PASSPHRASE),
        "no connection has the id `no-such-id`",
    );
    // No passphrase, no keyring slot and no terminal (as an MCP client runs it).
    refused(&[&id], None, "the vault is locked; set KEYPORT_PASSPHRASE");
    // Expired, and nothing to refresh it with.
    expire_in(&kp, &id, -60);
    refused(&[&id], Some(PASSPHRASE), "needs reconnecting (its access token expired and the service gave it no refresh token); connect it again with `keyport connect standin_github");
    refused(&[&id, "--header"], Some(PASSPHRASE), "needs reconnecting");
}
