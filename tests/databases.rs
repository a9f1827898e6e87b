//! Database logins through the real `keyport` binary against real PostgreSQL, MariaDB and
//! Redis servers on 127.0.0.1 (tests/support/servers.rs): right and wrong logins, a closed
//! port, a wrong database name, TLS asked of a server without it. Nothing is stored on a
//! refusal, and the password never appears in a message.

use crate::support::servers::{self, free_port};
use crate::support::{Keyport, PASSPHRASE};
use serde_json::Value;

const PASSWORD: &str = "s3cret-Db-PW-9f2e";

fn connect(kp: &Keyport, connector: &str, url: &str) -> crate::support::Run {
    kp.run_in(
        &["connect", connector, "--database-url-stdin"],
        url,
        Some(PASSPHRASE),
    )
}

fn list(kp: &Keyport) -> Vec<Value> {
    serde_json::from_str(&kp.ok(&["connections", "list", "--json"])).unwrap()
}

fn refused(run: &crate::support::Run, words: &str) {
    assert_eq!(run.code, 1, "expected a refusal: {}", run.stdout);
    assert!(
        run.stderr.contains(words),
        "expected `{words}`: {}",
        run.stderr
    );
    assert!(
        !run.stderr.contains(PASSWORD) && !run.stderr.contains("wrong-pw"),
        "no password in: {}",
        run.stderr
    );
}

#[test]
fn postgresql_logins() {
    let pg = servers::postgres(PASSWORD);
    let kp = Keyport::new();
    kp.init_vault();
    let base = format!("127.0.0.1:{}", pg.port);
    refused(
        &connect(
            &kp,
            "postgresql",
            &format!("postgresql://postgres:wrong-pw@{base}/postgres"),
        ),
        "wrong user or password",
    );
    refused(
        &connect(
            &kp,
            "postgresql",
            &format!("postgresql://postgres:{PASSWORD}@{base}/no_such_db"),
        ),
        "no database by that name",
    );
    refused(
        &connect(
            &kp,
            "postgresql",
            &format!("postgresql://postgres:{PASSWORD}@{base}/postgres?sslmode=require"),
        ),
        "TLS",
    );
    refused(
        &connect(
            &kp,
            "postgresql",
            &format!(
                "postgresql://postgres:{PASSWORD}@127.0.0.1:{}/postgres",
                free_port()
            ),
        ),
        "could not be reached",
    );
    refused(
        &connect(
            &kp,
            "postgresql",
            &format!("mysql://postgres:{PASSWORD}@{base}/postgres"),
        ),
        "starts with postgresql://",
    );
    refused(
        &connect(
            &kp,
            "postgresql",
            &format!("postgresql://postgres:{PASSWORD}@{base}/postgres?sslmode=sometimes"),
        ),
        "not a TLS mode",
    );
    assert!(list(&kp).is_empty(), "nothing stored on a refusal");

    let ok = connect(
        &kp,
        "postgresql",
        &format!("postgresql://postgres:{PASSWORD}@{base}/postgres?sslmode=disable"),
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let c = &list(&kp)[0];
    assert_eq!(c["connection_type"], "database");
    assert_eq!(c["verified"], true);
    assert_eq!(c["metadata"]["host"], "127.0.0.1");
    assert_eq!(c["metadata"]["port"], pg.port.to_string());
    assert_eq!(c["metadata"]["database"], "postgres");
    assert_eq!(c["metadata"]["user"], "postgres");
    assert_eq!(c["metadata"]["tls"], "disable");
    let listing = kp.ok(&["connections", "list", "--json"]);
    assert!(!listing.contains(PASSWORD), "the password stays sealed");
}

#[test]
fn mariadb_logins() {
    let db = servers::mariadb(PASSWORD);
    let kp = Keyport::new();
    kp.init_vault();
    let base = format!("127.0.0.1:{}", db.port);
    refused(
        &connect(
            &kp,
            "mysql",
            &format!("mysql://keyport:wrong-pw@{base}/app"),
        ),
        "wrong user or password",
    );
    refused(
        &connect(
            &kp,
            "mysql",
            &format!("mysql://keyport:{PASSWORD}@{base}/no_such_db"),
        ),
        "no database by that name",
    );
    refused(
        &connect(
            &kp,
            "mysql",
            &format!("mysql://keyport:{PASSWORD}@127.0.0.1:{}/app", free_port()),
        ),
        "could not be reached",
    );
    assert!(list(&kp).is_empty());
    let ok = connect(
        &kp,
        "mysql",
        &format!("mysql://keyport:{PASSWORD}@{base}/app"),
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(list(&kp)[0]["metadata"]["database"], "app");
}

#[test]
fn redis_logins() {
    let redis = servers::redis(PASSWORD);
    let kp = Keyport::new();
    kp.init_vault();
    let base = format!("127.0.0.1:{}", redis.port);
    refused(
        &connect(&kp, "redis", &format!("redis://:wrong-pw@{base}/0")),
        "wrong user or password",
    );
    refused(
        &connect(&kp, "redis", &format!("redis://{base}/0")),
        "wrong user or password",
    );
    refused(
        &connect(
            &kp,
            "redis",
            &format!("redis://:{PASSWORD}@127.0.0.1:{}/0", free_port()),
        ),
        "could not be reached",
    );
    assert!(list(&kp).is_empty());
    let ok = connect(&kp, "redis", &format!("redis://:{PASSWORD}@{base}/0"));
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert_eq!(list(&kp)[0]["verified"], true);
}
