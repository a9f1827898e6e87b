//! `connections test` and `health`: probes recorded per connection, against a key service
//! stand-in, a real PostgreSQL server, and a host that does not resolve (this machine offline).

use crate::keys::{key_service, sendgrid, with_connector};
use crate::support::{servers, Keyport, PASSPHRASE};
use serde_json::Value;

pub(crate) fn connect_unchecked(kp: &Keyport, args: &[&str], secret: &str) -> String {
    let mut all = vec!["connect"];
    all.extend_from_slice(args);
    all.push("--no-verify");
    let run = kp.run_in(&all, secret, Some(PASSPHRASE));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let start = run.stdout.rfind('(').unwrap() + 1;
    run.stdout[start..start + 36].to_owned()
}

/// A custom connector whose host does not resolve (what a probe sees while this machine is
/// offline), and a connection to it.
pub(crate) fn connect_offline(kp: &Keyport) -> String {
    let file = kp.write(
        "offline.toml",
        &crate::support::CUSTOM.replace(
            "https://{region}.api.acme.example/v1/me",
            "https://{region}.keyport-offline.invalid/v1/me",
        ),
    );
    kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    connect_unchecked(
        kp,
        &["acme_internal", "--config", "region=eu1", "--api-key-stdin"],
        "acme-key",
    )
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
    let offline = connect_offline(&kp);
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

/// One HTTP client per session, shared by every call: a second probe through the same session
/// goes over the first one's connection (HTTP keep-alive) instead of opening another, as a
/// client made per call would.
#[test]
fn a_session_sends_its_calls_through_one_client() {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let server = {
        let (accepted, stop) = (accepted.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                accepted.fetch_add(1, Ordering::SeqCst);
                std::thread::spawn(move || {
                    stream
                        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
                        .unwrap();
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1024];
                    // Answers each request on the connection until the client closes it.
                    while let Ok(n @ 1..) = stream.read(&mut byte) {
                        head.extend_from_slice(&byte[..n]);
                        while let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                            head.drain(..end + 4);
                            let body = r#"{"scopes":["mail.send"]}"#;
                            let answer = format!(
                                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                                body.len()
                            );
                            if stream.write_all(answer.as_bytes()).is_err() {
                                return;
                            }
                        }
                    }
                });
            }
        })
    };

    let kp = Keyport::new();
    kp.init_vault();
    let file = kp.write(
        "sendgrid.toml",
        &crate::support::standin::connector_file("sendgrid", &format!("http://{address}")),
    );
    kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    let id = connect_unchecked(&kp, &["standin_sendgrid", "--api-key-stdin"], "SG.good-key");
    let catalog = keyport::catalog::Catalog::load(kp.data_dir());
    crate::support::block_on(async {
        let session = keyport::session::Session::new(kp.data_dir().to_path_buf());
        session
            .unlock_key(&keyport::vault::Passphrase::new(PASSPHRASE.into()))
            .await
            .unwrap();
        for _ in 0..3 {
            let view = session.test(&catalog, &id).await.unwrap();
            assert_eq!(view.health_status, keyport::model::HealthStatus::Healthy);
        }
    });
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "three probes, one connection"
    );
    stop.store(true, Ordering::SeqCst);
    let _ = std::net::TcpStream::connect(address);
    server.join().unwrap();
}
