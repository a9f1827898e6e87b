//! THREATS.md row 10: the real `keyport` process killed with SIGKILL at many points during
//! rotate-key, change-passphrase, connect and restore. Afterwards the vault opens and every
//! record reads, old or new, none lost.

use crate::support::{Keyport, PASSPHRASE};
use keyport::catalog::Catalog;
use keyport::connections::{self, NewConnection};
use keyport::model::ConnectionType;
use keyport::vault::{Passphrase, SecretValue, Vault, VaultError};
use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROUNDS: u64 = 10;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Seeds `n` connections through the library; returns (id, secret) pairs.
fn seed(kp: &Keyport, n: usize) -> Vec<(String, String)> {
    rt().block_on(async {
        let vault = Vault::open(kp.data_dir()).await.unwrap();
        let unlocked = vault
            .unlock_passphrase(&Passphrase::new(PASSPHRASE.into()))
            .await
            .unwrap();
        let catalog = Catalog::builtin();
        let stripe = catalog.get("stripe").unwrap();
        let mut out = Vec::new();
        for i in 0..n {
            let secret = format!("sk_test_crash_{i:04}");
            let view = connections::insert(
                &vault,
                &unlocked,
                NewConnection {
                    connector: stripe,
                    connection_type: ConnectionType::ApiKey,
                    name: Some(format!("seed {i}")),
                    config: BTreeMap::new(),
                    username: None,
                    secret: SecretValue::new(secret.clone().into_bytes()),
                    verified: false,
                    learned: None,
                },
            )
            .await
            .unwrap();
            out.push((view.id, secret));
        }
        out
    })
}

/// Starts `cmd` with `stdin` fed in and its output dropped.
fn spawn(mut cmd: Command, stdin: Option<&str>) -> std::process::Child {
    let mut child = cmd
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    child
}

/// Starts `cmd`, kills it with SIGKILL after `delay` (if it is still running), and waits.
fn kill_after(cmd: Command, stdin: Option<&str>, delay: Duration) {
    let mut child = spawn(cmd, stdin);
    let start = Instant::now();
    while start.elapsed() < delay {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The vault opens with one of `passphrases`; every connection in it opens and, for those in
/// `expected`, holds its secret; the audit chain is intact. Returns the passphrase that worked
/// and the ids present.
fn check(
    kp: &Keyport,
    passphrases: &[&str],
    expected: &[(String, String)],
) -> (String, Vec<String>) {
    rt().block_on(async {
        let vault = Vault::open(kp.data_dir())
            .await
            .expect("the vault opens after the kill");
        let mut found = None;
        for pw in passphrases {
            match vault
                .unlock_passphrase(&Passphrase::new((*pw).into()))
                .await
            {
                Ok(u) => {
                    found = Some((pw.to_string(), u));
                    break;
                }
                Err(VaultError::WrongPassphrase) => continue,
                Err(e) => panic!("unlock failed: {e}"),
            }
        }
        // The failed tries above are this check's, not an attacker's.
        sqlx::query("DELETE FROM unlock_failures")
            .execute(vault.pool())
            .await
            .unwrap();
        let (pw, unlocked) = found.expect("one of the passphrases opens the vault");
        let bad = connections::unreadable(&vault, &unlocked).await.unwrap();
        assert!(bad.is_empty(), "records that no longer open: {bad:?}");
        let ids: Vec<String> = connections::list(&vault)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        for (id, secret) in expected.iter().step_by(7) {
            if ids.contains(id) {
                let value = connections::reveal(&vault, &unlocked, id).await.unwrap();
                assert_eq!(value.expose_to_caller(), secret.as_bytes(), "{id}");
            }
        }
        let chain = keyport::audit::verify(vault.pool()).await.unwrap();
        assert!(chain.is_ok(), "audit chain after the kill: {chain:?}");
        vault.close().await;
        (pw, ids)
    })
}

/// How long an uninterrupted run of `cmd` takes, to spread the kills over it.
fn duration_of(cmd: Command, stdin: Option<&str>) -> Duration {
    let start = Instant::now();
    let mut child = spawn(cmd, stdin);
    assert!(child.wait().unwrap().success());
    start.elapsed()
}

fn points(total: Duration) -> impl Iterator<Item = Duration> {
    (0..ROUNDS).map(move |i| total.mul_f64(i as f64 / ROUNDS as f64))
}

#[test]
fn sigkill_during_rotate_key_loses_nothing() {
    let kp = Keyport::new();
    kp.init_vault();
    let seeded = seed(&kp, 120);
    let rotate = || {
        let mut cmd = kp.command();
        cmd.env("KEYPORT_PASSPHRASE", PASSPHRASE)
            .args(["vault", "rotate-key"]);
        cmd
    };
    let total = duration_of(rotate(), None);
    for delay in points(total) {
        kill_after(rotate(), None, delay);
        let (_, ids) = check(&kp, &[PASSPHRASE], &seeded);
        assert_eq!(ids.len(), seeded.len(), "after a kill at {delay:?}");
    }
}

#[test]
fn sigkill_during_change_passphrase_leaves_old_or_new() {
    let kp = Keyport::new();
    kp.init_vault();
    let seeded = seed(&kp, 20);
    let mut current = PASSPHRASE.to_owned();
    let probe = {
        let mut cmd = kp.command();
        cmd.env("KEYPORT_PASSPHRASE", &current)
            .env("KEYPORT_NEW_PASSPHRASE", PASSPHRASE)
            .args(["vault", "change-passphrase"]);
        duration_of(cmd, None)
    };
    for (i, delay) in points(probe).enumerate() {
        let next = format!("next passphrase number {i}");
        let mut cmd = kp.command();
        cmd.env("KEYPORT_PASSPHRASE", &current)
            .env("KEYPORT_NEW_PASSPHRASE", &next)
            .args(["vault", "change-passphrase"]);
        kill_after(cmd, None, delay);
        let (pw, ids) = check(&kp, &[&current, &next], &seeded);
        assert_eq!(ids.len(), seeded.len());
        current = pw;
    }
}

#[test]
fn sigkill_during_connect_stores_all_or_nothing() {
    let kp = Keyport::new();
    kp.init_vault();
    let connect = || {
        let mut cmd = kp.command();
        cmd.env("KEYPORT_PASSPHRASE", PASSPHRASE).args([
            "connect",
            "stripe",
            "--api-key-stdin",
            "--no-verify",
        ]);
        cmd
    };
    let total = duration_of(connect(), Some("sk_test_probe"));
    let mut before = 1;
    for (i, delay) in points(total).enumerate() {
        let secret = format!("sk_test_connect_{i}");
        kill_after(connect(), Some(&secret), delay);
        let (_, ids) = check(&kp, &[PASSPHRASE], &[]);
        assert!(
            ids.len() == before || ids.len() == before + 1,
            "{} connections after {before}",
            ids.len()
        );
        before = ids.len();
    }
}

#[test]
fn sigkill_during_restore_leaves_the_old_vault_or_the_restored_one() {
    let kp = Keyport::new();
    kp.init_vault();
    let first = seed(&kp, 15);
    let backup = kp.data_dir().join("crash.kpbackup");
    let run = kp.run_in(
        &["backup", "--out", backup.to_str().unwrap()],
        "",
        Some(PASSPHRASE),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let restore = || {
        let mut cmd = kp.command();
        cmd.env("KEYPORT_PASSPHRASE", PASSPHRASE)
            .args(["restore", backup.to_str().unwrap()]);
        cmd
    };
    let total = duration_of(restore(), None);
    for delay in points(total) {
        // Diverge from the backup, then restore it and kill the restore somewhere.
        let extra = seed(&kp, 2);
        kill_after(restore(), None, delay);
        let (_, ids) = check(&kp, &[PASSPHRASE], &first);
        let restored = ids.len() == first.len();
        let untouched = extra.iter().all(|(id, _)| ids.contains(id));
        assert!(
            restored || untouched,
            "a mix of old and restored: {} connections",
            ids.len()
        );
        for (id, _) in &first {
            assert!(ids.contains(id), "a backed-up connection was lost");
        }
        // Leave the vault equal to the backup for the next round.
        let run = kp.run_in(&["restore", backup.to_str().unwrap()], "", Some(PASSPHRASE));
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
}
