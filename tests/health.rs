//! `connections test` and `health`: probes recorded per connection, against a key service
//! stand-in, a real PostgreSQL server, and a host that does not resolve (this machine offline).

use crate::keys::{key_service, sendgrid, with_connector};
use crate::support::{servers, Keyport, PASSPHRASE};
use serde_json::Value;

fn connect_unchecked(kp: &Keyport, args: &[&str], secret: &str) -> String {
    let mut all = vec!["connect"];
    all.extend_from_slice(args);
    all.push("--no-verify");
    let run = kp.run_in(&all, secret, Some(PASSPHRASE));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let start = run.stdout.rfind('(').unwrap() + 1;
    run.stdout[start..start + 36].to_owned()
}

#[test]
fn probes_record_healthy_unhealthy_degraded_and_unknown() {
    let service = key_service(sendgrid);
    let kp = with_connector("sendgrid", &service);
    let good = connect_unchecked(&kp, &["standin_sendgrid", "--api-key-stdin"], "SG.good-key");
    let revoked = connect_unchecked(
        &kp,
        &["standin_sendgrid", "--api-key-stdin"],
        "SG.wrong-key",
    );
    let busy = connect_unchecked(&kp, &["standin_sendgrid", "--api-key-stdin"], "SG.busy-key");

    let g = kp.probe(&good);
    assert_eq!(g["health_status"], "healthy");
    assert_eq!(g["is_healthy"], true);
    assert!(g["last_health_check"].is_string());
    let r = kp.probe(&revoked);
    assert_eq!(r["health_status"], "unhealthy");
    assert_eq!(r["error_count"], 1);
    assert!(r["last_error"].as_str().unwrap().contains("HTTP 401"));
    assert!(!r["last_error"].as_str().unwrap().contains("SG.wrong-key"));
    assert_eq!(kp.probe(&busy)["health_status"], "degraded");

    // A service whose name does not resolve: this machine looks offline, not the service bad.
    let file = kp.write(
        "offline.toml",
        &crate::support::CUSTOM.replace(
            "https://{region}.api.acme.example/v1/me",
            "https://{region}.keyport-offline.invalid/v1/me",
        ),
    );
    kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    let offline = connect_unchecked(
        &kp,
        &["acme_internal", "--config", "region=eu1", "--api-key-stdin"],
        "acme-key",
    );
    let o = kp.probe(&offline);
    assert_eq!(o["health_status"], "unknown", "{o}");
    assert!(o["last_error"].as_str().unwrap().contains("offline"));

    // The whole sweep, and the recorded states without probing.
    let run = kp.run_in(&["health", "--check", "--json"], "", Some(PASSPHRASE));
    assert_eq!(run.code, 1, "a sweep with failures fails: {}", run.stderr);
    assert!(
        run.stderr
            .contains("3 of 4 connections did not pass their check"),
        "{}",
        run.stderr
    );
    let swept: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(swept.len(), 4);
    let recorded: Vec<Value> = serde_json::from_str(&kp.ok(&["health", "--json"])).unwrap();
    let status_of =
        |id: &str| recorded.iter().find(|c| c["id"] == id).unwrap()["health_status"].clone();
    assert_eq!(status_of(&good), "healthy");
    assert_eq!(status_of(&revoked), "unhealthy");
    assert_eq!(
        recorded.iter().find(|c| c["id"] == revoked).unwrap()["error_count"],
        2,
        "each failed probe counts"
    );
    let err = kp.run_in(&["connections", "test", "no-such-id"], "", Some(PASSPHRASE));
    assert!(
        err.stderr.contains("no connection has the id"),
        "{}",
        err.stderr
    );

    // A check that does not pass fails the command, in words that tell a refused credential,
    // a busy service and an offline machine apart (the --json view is printed all the same,
    // as `probe` checks).
    let test = |id: &str| kp.run_in(&["connections", "test", id], "", Some(PASSPHRASE));
    let passed = test(&good);
    assert_eq!(passed.code, 0, "{}", passed.stderr);
    assert!(passed.stdout.ends_with(": healthy\n"), "{}", passed.stdout);
    for (id, words) in [
        (
            &revoked,
            "failed its check: the service refused the credential (HTTP 401)",
        ),
        (
            &busy,
            "could not be checked now: the service is busy (HTTP 429); try again later",
        ),
        (
            &offline,
            "could not be checked: eu1.keyport-offline.invalid does not resolve: this machine looks offline",
        ),
    ] {
        let run = test(id);
        assert_eq!(run.code, 1, "{}", run.stdout);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        assert!(
            run.stderr.starts_with("keyport: ")
                && run.stderr.contains(&format!("({id}) {words}")),
            "{}",
            run.stderr
        );
    }

    // An HTTP timeout it cannot take is refused by name before anything is probed.
    let run = crate::keys::run_bytes(
        &kp,
        &["connections", "test", &good],
        b"",
        &[("KEYPORT_HTTP_TIMEOUT_SECS", "abc")],
    );
    crate::support::refused(
        &run,
        "KEYPORT_HTTP_TIMEOUT_SECS is \"abc\"; it takes whole seconds from 1 to 300",
        &[],
    );
}

#[test]
fn a_database_that_goes_away_turns_unhealthy() {
    let pg = servers::postgres("pg-pass-for-health");
    let kp = Keyport::new();
    kp.init_vault();
    let url = format!(
        "postgresql://postgres:pg-pass-for-health@127.0.0.1:{}/postgres",
        pg.port
    );
    let run = kp.run_in(
        &["connect", "postgresql", "--database-url-stdin"],
        &url,
        Some(PASSPHRASE),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = {
        let list: Vec<Value> =
            serde_json::from_str(&kp.ok(&["connections", "list", "--json"])).unwrap();
        list[0]["id"].as_str().unwrap().to_owned()
    };
    assert_eq!(kp.probe(&id)["health_status"], "healthy");
    drop(pg);
    let after = kp.probe(&id);
    assert_eq!(after["health_status"], "unhealthy");
    assert!(after["last_error"]
        .as_str()
        .unwrap()
        .contains("could not be reached"));
}
