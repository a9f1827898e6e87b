//! The vault (issue 4) against real SQLite files and the real binary: sealing, key slots,
//! tampering, the throttle, backups, and the audit chain.

use crate::support::{contains, Keyport, PASSPHRASE};
use keyport::vault::{Passphrase, Vault};
use serde_json::Value;

const SENTINEL: &str = "sk_live_SENTINEL_9f8e7d6c5b4a";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn init_status_and_refusals() {
    let kp = Keyport::new();
    let status: Value = serde_json::from_str(&kp.ok(&["vault", "status", "--json"])).unwrap();
    assert_eq!(status["initialized"], false);
    kp.init_vault();
    let status: Value = serde_json::from_str(&kp.ok(&["vault", "status", "--json"])).unwrap();
    assert_eq!(status["initialized"], true);
    assert_eq!(
        status["locked"], true,
        "no keyring slot: the passphrase is needed"
    );
    assert_eq!(status["kdf"]["algorithm"], "pbkdf2-hmac-sha256");
    assert!(status["kdf"]["iterations"].as_u64().unwrap() >= 600_000);
    assert_eq!(status["key_slots"][0]["kind"], "passphrase");
    assert_eq!(status["connections"], 0);

    let again = kp.run_in(&["vault", "init"], "", Some(PASSPHRASE));
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);

    let other = Keyport::new();
    let weak = other.run_in(&["vault", "init"], "", Some("short"));
    assert_eq!(weak.code, 1);
    assert!(weak.stderr.contains("at least 8"), "{}", weak.stderr);
    let none = other.run_in(&["vault", "init"], "", None);
    assert_eq!(
        none.code, 1,
        "no passphrase and no terminal: refused, not hung"
    );
}

#[test]
fn connect_list_rename_reveal_delete() {
    let kp = Keyport::new();
    kp.init_vault();
    let id = kp.connect_key("stripe", &[], SENTINEL);
    let list: Vec<Value> =
        serde_json::from_str(&kp.ok(&["connections", "list", "--json"])).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["connector_id"], "stripe");
    assert_eq!(list[0]["connection_type"], "api_key");
    assert_eq!(list[0]["verified"], false);
    for key in [
        "is_expired",
        "needs_refresh",
        "is_healthy",
        "status",
        "health_status",
        "created_at",
    ] {
        assert!(list[0].get(key).is_some(), "{key}");
    }

    kp.change(&["connections", "rename", &id, "Stripe live"]);
    let shown: Value =
        serde_json::from_str(&kp.ok(&["connections", "show", &id, "--json"])).unwrap();
    assert_eq!(shown["name"], "Stripe live");

    let revealed = kp.run_in(&["reveal", &id], "", Some(PASSPHRASE));
    assert_eq!(revealed.code, 0, "{}", revealed.stderr);
    assert_eq!(revealed.stdout.trim_end(), SENTINEL);

    let wrong = kp.run_in(&["reveal", &id], "", Some("not the passphrase"));
    assert_eq!(wrong.code, 1);
    assert!(
        wrong.stderr.contains("wrong passphrase"),
        "{}",
        wrong.stderr
    );
    assert!(!wrong.stdout.contains(SENTINEL));

    kp.change(&["connections", "delete", &id]);
    let list: Vec<Value> =
        serde_json::from_str(&kp.ok(&["connections", "list", "--json"])).unwrap();
    assert!(list.is_empty());
    let gone = kp.run_in(&["connections", "delete", &id], "", Some(PASSPHRASE));
    assert_eq!(gone.code, 1);
    assert!(gone.stderr.contains(&id), "{}", gone.stderr);
}

/// The expiry flags are computed by SQLite for the listing; they must agree with the record's
/// `token_expires_at` on both sides of now and of the 5-minute refresh buffer, in `list` and
/// `show`, and the list must come out by name whatever the insertion order.
#[test]
fn listing_derives_expiry_flags_and_sorts_by_name() {
    let kp = Keyport::new();
    kp.init_vault();
    let mut ids = Vec::new();
    for (name, offset_s) in [
        ("delta", None),
        ("Charlie", Some(3600)),
        ("bravo", Some(120)),
        ("alpha", Some(-60)),
    ] {
        let id = kp.connect_key("stripe", &[], SENTINEL);
        kp.change(&["connections", "rename", &id, name]);
        ids.push((id, name, offset_s));
    }
    rt().block_on(async {
        let vault = Vault::open(kp.data_dir()).await.unwrap();
        for (id, _, offset_s) in &ids {
            if let Some(offset_s) = offset_s {
                let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(*offset_s);
                sqlx::query("UPDATE connections SET token_expires_at = ?, health_status = 'healthy' WHERE id = ?")
                    .bind(at.format(&time::format_description::well_known::Rfc3339).unwrap())
                    .bind(id)
                    .execute(vault.pool())
                    .await
                    .unwrap();
            }
        }
        vault.close().await;
    });
    let list: Vec<Value> =
        serde_json::from_str(&kp.ok(&["connections", "list", "--json"])).unwrap();
    let names: Vec<&str> = list.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["alpha", "bravo", "Charlie", "delta"]);
    let flags = |c: &Value| {
        (
            c["is_expired"].as_bool().unwrap(),
            c["needs_refresh"].as_bool().unwrap(),
            c["is_healthy"].as_bool().unwrap(),
        )
    };
    let expected = [
        (true, true, false),   // expired a minute ago
        (false, true, true),   // expires within the buffer
        (false, false, true),  // expires in an hour
        (false, false, false), // never expires, health unknown
    ];
    for (c, want) in list.iter().zip(expected) {
        assert_eq!(flags(c), want, "{}", c["name"]);
        let shown: Value = serde_json::from_str(&kp.ok(&[
            "connections",
            "show",
            c["id"].as_str().unwrap(),
            "--json",
        ]))
        .unwrap();
        assert_eq!(&shown, c, "show and list agree");
    }
}

#[test]
fn bad_connect_input_is_refused_and_stores_nothing() {
    let kp = Keyport::new();
    kp.init_vault();
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["connect", "bamboohr", "--api-key-stdin", "--no-verify"],
            "k",
            "needs `subdomain`",
        ),
        (
            &[
                "connect",
                "bamboohr",
                "--api-key-stdin",
                "--no-verify",
                "--config",
                "subdomain=evil.com/x",
            ],
            "k",
            "not a valid",
        ),
        (
            &[
                "connect",
                "stripe",
                "--api-key-stdin",
                "--no-verify",
                "--config",
                "nope=1",
            ],
            "k",
            "no setting",
        ),
        (
            &["connect", "stripe", "--api-key-stdin", "--no-verify"],
            "",
            "empty",
        ),
        (
            &["connect", "github", "--api-key-stdin", "--no-verify"],
            "k",
            "does not connect by api_key",
        ),
        (
            &["connect", "nope", "--api-key-stdin", "--no-verify"],
            "k",
            "no connector",
        ),
        (
            &["connect", "stripe", "--api-key-stdin"],
            "k",
            "--no-verify",
        ),
    ];
    for (args, stdin, expect) in cases {
        let run = kp.run_in(args, stdin, Some(PASSPHRASE));
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("keyport: ") && run.stderr.contains(expect),
            "{args:?}: {}",
            run.stderr
        );
    }
    let list: Vec<Value> =
        serde_json::from_str(&kp.ok(&["connections", "list", "--json"])).unwrap();
    assert!(list.is_empty());
}

#[test]
fn no_plaintext_secret_on_disk_in_backups_or_output() {
    let kp = Keyport::new();
    kp.init_vault();
    let id = kp.connect_key("stripe", &[], SENTINEL);
    kp.connect_key("sendgrid", &[], "SG.other-secret");
    let mut outputs = String::new();
    for args in [
        vec!["connections", "list", "--json"],
        vec!["connections", "list"],
        vec!["connections", "show", &id],
        vec!["vault", "status", "--json"],
        vec!["audit", "--json"],
        vec!["audit", "verify"],
    ] {
        let run = kp.run_in(&args, "", Some(PASSPHRASE));
        outputs.push_str(&run.stdout);
        outputs.push_str(&run.stderr);
    }
    let backup = kp.data_dir().join("b.kpbackup");
    let run = kp.run_in(
        &["backup", "--out", backup.to_str().unwrap()],
        "",
        Some(PASSPHRASE),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    outputs.push_str(&run.stdout);
    assert!(!outputs.contains(SENTINEL), "a command printed the secret");
    assert!(
        !outputs.contains(PASSPHRASE),
        "a command printed the passphrase"
    );
    for (path, bytes) in kp.all_bytes() {
        assert!(
            !contains(&bytes, SENTINEL.as_bytes()),
            "{} holds the secret in plain text",
            path.display()
        );
        assert!(
            !contains(&bytes, PASSPHRASE.as_bytes()),
            "{} holds the passphrase",
            path.display()
        );
    }
}

#[test]
fn every_flipped_byte_of_a_record_is_refused_and_the_others_still_open() {
    let kp = Keyport::new();
    kp.init_vault();
    let a = kp.connect_key("stripe", &[], SENTINEL);
    let b = kp.connect_key("sendgrid", &[], "SG.second");
    rt().block_on(async {
        let vault = Vault::open(kp.data_dir()).await.unwrap();
        let unlocked = vault
            .unlock_passphrase(&Passphrase::new(PASSPHRASE.into()))
            .await
            .unwrap();
        let sealed: Vec<u8> = sqlx::query_scalar("SELECT secret FROM connections WHERE id = ?")
            .bind(&a)
            .fetch_one(vault.pool())
            .await
            .unwrap();
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            set_secret(&vault, &a, &bad).await;
            let unreadable = keyport::connections::unreadable(&vault, &unlocked)
                .await
                .unwrap();
            assert_eq!(
                unreadable,
                std::slice::from_ref(&a),
                "byte {i}: only the flipped record fails"
            );
        }
        set_secret(&vault, &a, &sealed).await;
        assert!(keyport::connections::unreadable(&vault, &unlocked)
            .await
            .unwrap()
            .is_empty());

        // A sealed value moved to another row does not open there.
        set_secret(&vault, &b, &sealed).await;
        let unreadable = keyport::connections::unreadable(&vault, &unlocked)
            .await
            .unwrap();
        assert_eq!(unreadable, std::slice::from_ref(&b));
    });
    let run = kp.run_in(&["reveal", &b], "", Some(PASSPHRASE));
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("damaged or edited"), "{}", run.stderr);
    let run = kp.run_in(&["reveal", &a], "", Some(PASSPHRASE));
    assert_eq!(
        run.stdout.trim_end(),
        SENTINEL,
        "the untouched record still opens"
    );
}

async fn set_secret(vault: &Vault, id: &str, sealed: &[u8]) {
    sqlx::query("UPDATE connections SET secret = ? WHERE id = ?")
        .bind(sealed)
        .bind(id)
        .execute(vault.pool())
        .await
        .unwrap();
}

#[test]
fn flipped_key_slot_bytes_and_edited_kdf_parameters_are_refused() {
    let kp = Keyport::new();
    kp.init_vault();
    let id = kp.connect_key("stripe", &[], SENTINEL);
    let (wrapped, params): (Vec<u8>, String) = rt().block_on(async {
        let vault = Vault::open(kp.data_dir()).await.unwrap();
        let row: (Vec<u8>, String) =
            sqlx::query_as("SELECT wrapped_dek, params FROM key_slots WHERE kind = 'passphrase'")
                .fetch_one(vault.pool())
                .await
                .unwrap();
        row
    });
    let set = |w: &[u8], p: &str| {
        rt().block_on(async {
            let vault = Vault::open(kp.data_dir()).await.unwrap();
            sqlx::query(
                "UPDATE key_slots SET wrapped_dek = ?, params = ? WHERE kind = 'passphrase'",
            )
            .bind(w)
            .bind(p)
            .execute(vault.pool())
            .await
            .unwrap();
            sqlx::query("DELETE FROM unlock_failures")
                .execute(vault.pool())
                .await
                .unwrap();
        })
    };
    // Every byte of the wrapped key, sampled across nonce, body and tag.
    for i in (0..wrapped.len()).step_by(7).chain([wrapped.len() - 1]) {
        let mut bad = wrapped.clone();
        bad[i] ^= 0x80;
        set(&bad, &params);
        let run = kp.run_in(&["reveal", &id], "", Some(PASSPHRASE));
        assert_eq!(run.code, 1, "byte {i}");
        assert!(
            !run.stderr.contains("panicked") && !run.stdout.contains(SENTINEL),
            "byte {i}: {}",
            run.stderr
        );
    }
    // Lowering the iteration count does not weaken the slot: the parameters are bound to it.
    let weakened = params.replace("600000", "1000");
    assert_ne!(weakened, params);
    set(&wrapped, &weakened);
    assert_eq!(kp.run_in(&["reveal", &id], "", Some(PASSPHRASE)).code, 1);
    set(&wrapped, &params);
    let run = kp.run_in(&["reveal", &id], "", Some(PASSPHRASE));
    assert_eq!(
        run.stdout.trim_end(),
        SENTINEL,
        "restored slot opens again: {}",
        run.stderr
    );
}

#[test]
fn wrong_passphrases_slow_down_and_survive_a_restart() {
    let kp = Keyport::new();
    kp.init_vault();
    let id = kp.connect_key("stripe", &[], SENTINEL);
    for i in 0..5 {
        let run = kp.run_in(&["reveal", &id], "", Some("guess-guess-guess"));
        assert!(
            run.stderr.contains("wrong passphrase"),
            "try {i}: {}",
            run.stderr
        );
    }
    // Each try is a new process: the count lives in the vault. Now even the right passphrase
    // waits, and the refusal comes before any key derivation.
    let run = kp.run_in(&["reveal", &id], "", Some(PASSPHRASE));
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("try again in"), "{}", run.stderr);
    assert!(!run.stdout.contains(SENTINEL));
    let events: Vec<Value> = serde_json::from_str(&kp.ok(&["audit", "--json"])).unwrap();
    let failures = events
        .iter()
        .filter(|e| e["event"] == "unlock_failed")
        .count();
    assert_eq!(failures, 5);
}

#[test]
fn change_passphrase_and_rotate_key_keep_every_record() {
    let kp = Keyport::new();
    kp.init_vault();
    let a = kp.connect_key("stripe", &[], SENTINEL);
    let b = kp.connect_key("sendgrid", &[], "SG.second");
    let run = kp.run_in(&["vault", "rotate-key"], "", Some(PASSPHRASE));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut cmd = kp.command();
    cmd.env("KEYPORT_PASSPHRASE", PASSPHRASE)
        .env("KEYPORT_NEW_PASSPHRASE", "a whole new passphrase");
    let out = cmd.args(["vault", "change-passphrase"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        kp.run_in(&["reveal", &a], "", Some(PASSPHRASE)).code,
        1,
        "the old passphrase is gone"
    );
    let run = kp.run_in(&["reveal", &a], "", Some("a whole new passphrase"));
    assert_eq!(run.stdout.trim_end(), SENTINEL, "{}", run.stderr);
    let run = kp.run_in(&["reveal", &b], "", Some("a whole new passphrase"));
    assert_eq!(run.stdout.trim_end(), "SG.second");
    let events: Vec<Value> = serde_json::from_str(&kp.ok(&["audit", "--json"])).unwrap();
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"rotate_key") && names.contains(&"change_passphrase"),
        "{names:?}"
    );
    kp.ok(&["audit", "verify"]);
}

#[test]
fn backup_and_restore_round_trip_and_refusals_change_nothing() {
    let kp = Keyport::new();
    kp.init_vault();
    let a = kp.connect_key("stripe", &[], SENTINEL);
    let backup = kp.data_dir().join("vault.kpbackup");
    let b = backup.to_str().unwrap();
    assert_eq!(
        kp.run_in(&["backup", "--out", b], "", Some(PASSPHRASE))
            .code,
        0
    );
    kp.change(&["connections", "delete", &a]);

    let db = kp.data_dir().join("vault.db");
    let before = std::fs::read(&db).unwrap();
    // A wrong passphrase, junk, a truncated backup and another vault's backup: all refused.
    let run = kp.run_in(&["restore", b], "", Some("wrong wrong wrong"));
    assert!(
        run.code == 1 && run.stderr.contains("wrong passphrase for this backup"),
        "{}",
        run.stderr
    );
    let junk = kp.write("junk.kpbackup", "this is not a backup");
    let run = kp.run_in(&["restore", junk.to_str().unwrap()], "", Some(PASSPHRASE));
    assert!(
        run.code == 1 && run.stderr.contains("not a usable Keyport backup"),
        "{}",
        run.stderr
    );
    let full = std::fs::read(&backup).unwrap();
    let cut = kp.data_dir().join("cut.kpbackup");
    std::fs::write(&cut, &full[..full.len() / 2]).unwrap();
    let run = kp.run_in(&["restore", cut.to_str().unwrap()], "", Some(PASSPHRASE));
    assert!(
        run.code == 1 && run.stderr.contains("not a usable Keyport backup"),
        "{}",
        run.stderr
    );
    let other = Keyport::new();
    other.init_vault();
    let foreign = other.data_dir().join("other.kpbackup");
    assert_eq!(
        other
            .run_in(
                &["backup", "--out", foreign.to_str().unwrap()],
                "",
                Some(PASSPHRASE)
            )
            .code,
        0
    );
    let run = kp.run_in(
        &["restore", foreign.to_str().unwrap()],
        "",
        Some(PASSPHRASE),
    );
    assert!(
        run.code == 1 && run.stderr.contains("another vault"),
        "{}",
        run.stderr
    );
    let list: Vec<Value> =
        serde_json::from_str(&kp.ok(&["connections", "list", "--json"])).unwrap();
    assert!(list.is_empty(), "refused restores changed nothing");
    drop(before);

    let run = kp.run_in(&["restore", b], "", Some(PASSPHRASE));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = kp.run_in(&["reveal", &a], "", Some(PASSPHRASE));
    assert_eq!(run.stdout.trim_end(), SENTINEL, "{}", run.stderr);
    kp.ok(&["audit", "verify"]);
    // The backup restores into an empty data dir as well.
    let fresh = Keyport::new();
    let run = fresh.run_in(&["restore", b], "", Some(PASSPHRASE));
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_truncated_database_gives_a_clear_error() {
    let kp = Keyport::new();
    kp.init_vault();
    kp.connect_key("stripe", &[], SENTINEL);
    let db = kp.data_dir().join("vault.db");
    rt().block_on(async { Vault::open(kp.data_dir()).await.unwrap().close().await });
    let bytes = std::fs::read(&db).unwrap();
    std::fs::write(&db, &bytes[..bytes.len() / 3]).unwrap();
    for args in [
        &["connections", "list"][..],
        &["vault", "status"],
        &["audit", "verify"],
    ] {
        let run = kp.run_in(args, "", Some(PASSPHRASE));
        assert_ne!(run.code, 0, "{args:?}");
        assert!(!run.stderr.contains("panicked"), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.starts_with("keyport: "),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn audit_verify_names_edited_deleted_and_reordered_rows() {
    let setup = || {
        let kp = Keyport::new();
        kp.init_vault();
        let id = kp.connect_key("stripe", &[], SENTINEL);
        kp.change(&["connections", "rename", &id, "two"]);
        kp.change(&["connections", "rename", &id, "three"]);
        kp.ok(&["audit", "verify"]);
        kp
    };
    let edits: &[(&str, &str)] = &[
        ("UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 2", "event 2 was edited"),
        ("DELETE FROM audit_log WHERE seq = 3", "event 3 is missing"),
        ("UPDATE audit_log SET seq = -seq WHERE seq IN (2, 3); UPDATE audit_log SET seq = 3 WHERE seq = -2; UPDATE audit_log SET seq = 2 WHERE seq = -3", "event 2"),
        ("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)", "cut off"),
    ];
    for (sql, expect) in edits {
        let kp = setup();
        rt().block_on(async {
            let vault = Vault::open(kp.data_dir()).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
                .execute(vault.pool())
                .await
                .unwrap();
        });
        let err = kp.fails(&["audit", "verify"]);
        assert!(err.contains(expect), "{sql}: {err}");
    }
}

/// Against a real Secret Service (make test runs the suite under scripts/secret-service.sh):
/// the keyring slot unlocks without the passphrase, except for `reveal`, which always asks.
#[test]
fn keyring_slot_unlocks_through_the_secret_service() {
    if std::env::var_os("KEYPORT_TEST_SECRET_SERVICE").is_none() {
        eprintln!("skipped: no Secret Service session (make test provides one)");
        return;
    }
    let kp = Keyport::new();
    let run = kp.run_in(&["vault", "init"], "", Some(PASSPHRASE));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("OS keyring"), "{}", run.stdout);
    let status: Value = serde_json::from_str(&kp.ok(&["vault", "status", "--json"])).unwrap();
    assert_eq!(status["locked"], false, "{status}");
    assert_eq!(status["keyring"], "Secret Service");
    let kinds: Vec<&str> = status["key_slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["passphrase", "keyring"]);

    // No passphrase given and no terminal: the keyring slot opens the vault.
    let run = kp.run_in(
        &["connect", "stripe", "--api-key-stdin", "--no-verify"],
        SENTINEL,
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id: Vec<Value> = serde_json::from_str(&kp.ok(&["connections", "list", "--json"])).unwrap();
    let id = id[0]["id"].as_str().unwrap().to_owned();
    let run = kp.run_in(&["reveal", &id], "", None);
    assert_eq!(
        run.code, 1,
        "reveal asks for the passphrase even with the keyring"
    );
    assert!(!run.stdout.contains(SENTINEL));
    // Rotation keeps the keyring slot working.
    assert_eq!(
        kp.run_in(&["vault", "rotate-key"], "", Some(PASSPHRASE))
            .code,
        0
    );
    let run = kp.run_in(
        &["connect", "sendgrid", "--api-key-stdin", "--no-verify"],
        "SG.x",
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// With no session bus at all the vault runs on its passphrase slot and says so.
#[test]
fn without_a_session_bus_the_vault_is_passphrase_only() {
    let kp = Keyport::new();
    let mut cmd = kp.command();
    cmd.env("KEYPORT_PASSPHRASE", PASSPHRASE).env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/keyport-test-bus",
    );
    let out = cmd.args(["vault", "init"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("passphrase only"), "{text}");
    let status: Value = serde_json::from_str(&kp.ok(&["vault", "status", "--json"])).unwrap();
    assert_eq!(status["keyring"], Value::Null);
    assert_eq!(status["key_slots"].as_array().unwrap().len(), 1);
}
