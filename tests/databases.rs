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
    crate::support::refused(run, words, &[PASSWORD, "wrong-pw"]);
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

fn connect_fields(
    kp: &Keyport,
    connector: &str,
    fields: &[(&str, &str)],
    password: &str,
) -> crate::support::Run {
    let pairs: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut args = vec!["connect", connector];
    for pair in &pairs {
        args.extend(["--config", pair.as_str()]);
    }
    args.push("--password-stdin");
    kp.run_in(&args, password, Some(PASSPHRASE))
}

#[test]
fn logins_by_fields_build_the_url_and_are_checked() {
    let pg = servers::postgres(PASSWORD);
    let kp = Keyport::new();
    kp.init_vault();
    let port = pg.port.to_string();
    let login = |extra: &[(&'static str, &'static str)]| {
        let mut fields = vec![
            ("host", "127.0.0.1"),
            ("port", port.as_str()),
            ("user", "postgres"),
            ("database", "postgres"),
        ];
        fields.extend_from_slice(extra);
        fields
    };
    refused(
        &connect_fields(&kp, "postgresql", &login(&[]), "wrong-pw"),
        "wrong user or password",
    );
    refused(
        &connect_fields(&kp, "postgresql", &login(&[("tls", "sometimes")]), PASSWORD),
        "`sometimes` is not a tls mode PostgreSQL knows; use one of prefer, disable",
    );
    refused(
        &connect_fields(&kp, "postgresql", &login(&[("shard", "3")]), PASSWORD),
        "has no setting `shard`",
    );
    let no_host: Vec<_> = login(&[])
        .into_iter()
        .filter(|(k, _)| *k != "host")
        .collect();
    refused(
        &connect_fields(&kp, "postgresql", &no_host, PASSWORD),
        "needs `host`",
    );
    let bad_port: Vec<_> = login(&[])
        .into_iter()
        .map(|(k, v)| if k == "port" { (k, "99999") } else { (k, v) })
        .collect();
    refused(
        &connect_fields(&kp, "postgresql", &bad_port, PASSWORD),
        "port is a number from 1 to 65535",
    );
    refused(
        &connect_fields(&kp, "postgresql", &login(&[("tls", "require")]), PASSWORD),
        "TLS",
    );
    assert!(list(&kp).is_empty(), "nothing stored on a refusal");

    let ok = connect_fields(&kp, "postgresql", &login(&[("tls", "disable")]), PASSWORD);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let c = &list(&kp)[0];
    assert_eq!(c["verified"], true);
    assert_eq!(c["metadata"]["host"], "127.0.0.1");
    assert_eq!(c["metadata"]["port"], port);
    assert_eq!(c["metadata"]["user"], "postgres");
    assert_eq!(c["metadata"]["tls"], "disable");
    // The stored URL logs in again: the health probe is a real login.
    assert_eq!(
        kp.probe(c["id"].as_str().unwrap())["health_status"],
        "healthy"
    );

    // A password with the characters a URL reserves is encoded, not cut.
    let awkward = "p@ss:w/rd#?%1";
    let redis = servers::redis(awkward);
    let port = redis.port.to_string();
    let fields = [
        ("host", "127.0.0.1"),
        ("port", port.as_str()),
        ("tls", "none"),
    ];
    refused(
        &connect_fields(&kp, "redis", &fields, "p@ss"),
        "wrong user or password",
    );
    let ok = connect_fields(&kp, "redis", &fields, awkward);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let listing = kp.ok(&["connections", "list", "--json"]);
    assert!(!listing.contains(awkward) && !listing.contains(PASSWORD));
}

#[test]
fn mongodb_logins_against_a_scram_stand_in() {
    let mongo = crate::support::mongo::serve("keyport", "admin", PASSWORD);
    let kp = Keyport::new();
    kp.init_vault();
    let base = format!("127.0.0.1:{}", mongo.port);
    let pings = || {
        mongo
            .authenticated_pings
            .load(std::sync::atomic::Ordering::SeqCst)
    };
    refused(
        &connect(
            &kp,
            "mongodb",
            &format!("mongodb://keyport:wrong-pw@{base}/app?authSource=admin"),
        ),
        "wrong user or password",
    );
    refused(
        &connect(
            &kp,
            "mongodb",
            &format!("mongodb://intruder:{PASSWORD}@{base}/app?authSource=admin"),
        ),
        "wrong user or password",
    );
    refused(
        &connect(
            &kp,
            "mongodb",
            &format!("mongodb://keyport:{PASSWORD}@{base}/app?authSource=admin&tls=true"),
        ),
        "TLS",
    );
    refused(
        &connect(
            &kp,
            "mongodb",
            &format!(
                "mongodb://keyport:{PASSWORD}@127.0.0.1:{}/app?authSource=admin",
                free_port()
            ),
        ),
        "could not be reached",
    );
    refused(
        &connect(
            &kp,
            "mongodb",
            &format!("mongodb://keyport:{PASSWORD}@{base}/app?authSource=admin&maxPoolSize=lots"),
        ),
        "options are not valid",
    );
    assert!(list(&kp).is_empty(), "nothing stored on a refusal");
    assert_eq!(pings(), 0, "no refused login got as far as a ping");

    let ok = connect(
        &kp,
        "mongodb",
        &format!("mongodb://keyport:{PASSWORD}@{base}/app?authSource=admin"),
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(pings() >= 1, "the ping ran on a signed-in connection");
    let c = &list(&kp)[0];
    assert_eq!(c["verified"], true);
    assert_eq!(c["metadata"]["database"], "app");
    assert_eq!(c["metadata"]["user"], "keyport");

    let port = mongo.port.to_string();
    let fields = [
        ("host", "127.0.0.1"),
        ("port", port.as_str()),
        ("user", "keyport"),
        ("database", "app"),
        ("auth_source", "admin"),
    ];
    refused(
        &connect_fields(&kp, "mongodb", &fields[..4], PASSWORD),
        "wrong user or password",
    );
    let ok = connect_fields(&kp, "mongodb", &fields, PASSWORD);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let stored = list(&kp);
    assert_eq!(stored.len(), 2);
    for c in &stored {
        assert_eq!(
            kp.probe(c["id"].as_str().unwrap())["health_status"],
            "healthy"
        );
    }
}

/// A connection URL or password that can never work (not text, blank, control characters) is
/// refused for what it is, checked or not, before any server is asked; nothing is stored.
#[test]
fn unusable_urls_and_passwords_are_refused_for_what_they_are() {
    use crate::keys::run_bytes;
    let kp = Keyport::new();
    kp.init_vault();
    let urls: [(&[u8], &str); 4] = [
        (
            b"postgresql://postgres:pw\xff@127.0.0.1:1/postgres",
            "the connection URL is not UTF-8 text",
        ),
        (b"  \n", "the connection URL is empty or only spaces"),
        (
            b"postgresql://postgres:pw\0x@127.0.0.1:1/postgres",
            "the connection URL contains a NUL character at character 25",
        ),
        (
            b"postgresql://postgres:pw@127.0.0.1:1/postgres\n\x1b[2J",
            "the connection URL contains a line break at character 46",
        ),
    ];
    let fields = [
        "--config",
        "host=127.0.0.1",
        "--config",
        "port=1",
        "--config",
        "user=postgres",
        "--password-stdin",
    ];
    for verify in [true, false] {
        let no_verify: &[&str] = if verify { &[] } else { &["--no-verify"] };
        for (url, words) in urls {
            let args = [
                &["connect", "postgresql", "--database-url-stdin"],
                no_verify,
            ]
            .concat();
            refused(&run_bytes(&kp, &args, url, &[]), words);
        }
        let args = [&["connect", "postgresql"][..], &fields, no_verify].concat();
        refused(
            &run_bytes(&kp, &args, b"wrong-pw\x1b]0;x\x07", &[]),
            "the password contains an escape character (ESC) at character 9",
        );
        refused(
            &run_bytes(&kp, &args, b"wrong-pw\r\nsecond", &[]),
            "the password contains a line break at character 9",
        );
    }
    assert!(list(&kp).is_empty(), "nothing stored");
}
