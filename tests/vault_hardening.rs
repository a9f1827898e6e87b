//! Issue 11, the vault's files and unlock (THREATS.md rows 3, 13, 14, 15): a backup never written
//! over the vault or an existing file, owner-only modes whatever the umask, the guess delay
//! claimed atomically across processes, a clock set back, changes that need the vault unlocked,
//! devices and FIFOs refused, stale restore copies removed, and messages that name what is wrong.

use crate::support::{feed, finish, Keyport, Run, PASSPHRASE};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "sk_live_HARDENING_5e4d3c2b1a";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

fn spawn(mut cmd: Command) -> Child {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn revealed(kp: &Keyport, id: &str) -> String {
    let run = kp.run_in(&["reveal", id], "", Some(PASSPHRASE));
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout.trim_end().to_owned()
}

#[test]
fn a_backup_never_writes_over_the_vault_or_an_existing_file() {
    let kp = Keyport::new();
    kp.init_vault();
    let id = kp.connect_key("stripe", &[], SECRET);
    let db = kp.data_dir().join("vault.db");
    let outside = tempfile::tempdir().unwrap();
    let link = outside.path().join("link.kpbackup");
    std::os::unix::fs::symlink(&db, &link).unwrap();
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let shm = PathBuf::from(format!("{}-shm", db.display()));
    for target in [&db, &wal, &shm, &link] {
        for force in [false, true] {
            let mut args = vec!["backup", "--out", target.to_str().unwrap()];
            if force {
                args.push("--force");
            }
            let run = kp.run_in(&args, "", Some(PASSPHRASE));
            assert_eq!(run.code, 1, "{target:?} force={force}: {}", run.stdout);
            assert!(
                run.stderr.contains("one of the vault's own files"),
                "{target:?}: {}",
                run.stderr
            );
            assert_eq!(revealed(&kp, &id), SECRET, "the vault is intact");
        }
    }

    // An existing file, and a dangling symlink, are refused without --force and kept as they were.
    let existing = outside.path().join("notes.txt");
    std::fs::write(&existing, "my notes").unwrap();
    let dangling = outside.path().join("dangling");
    std::os::unix::fs::symlink(outside.path().join("nowhere"), &dangling).unwrap();
    for target in [&existing, &dangling] {
        let run = kp.run_in(
            &["backup", "--out", target.to_str().unwrap()],
            "",
            Some(PASSPHRASE),
        );
        assert_eq!(run.code, 1, "{target:?}");
        assert!(run.stderr.contains("already exists"), "{}", run.stderr);
        assert!(run.stderr.contains("--force"), "{}", run.stderr);
    }
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "my notes");
    assert!(!outside.path().join("nowhere").exists());

    let run = kp.run_in(
        &["backup", "--out", existing.to_str().unwrap(), "--force"],
        "",
        Some(PASSPHRASE),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::read_to_string(&existing)
        .unwrap()
        .contains("keyport-backup/1"));
    assert_eq!(mode(&existing), 0o600);
    let leftovers: Vec<_> = std::fs::read_dir(outside.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind");
    assert_eq!(revealed(&kp, &id), SECRET);
}

/// Runs keyport under umask 022, as most desktop sessions have.
fn under_umask(data: &Path, args: &[&str], stdin: &str) -> Run {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("umask 022; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_keyport"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("KEYPORT_PASSPHRASE", PASSPHRASE)
        .env_remove("KEYPORT_DATA_DIR");
    let run = feed(cmd, stdin.as_bytes());
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    run
}

/// Every directory under `root` is 0700 and every file 0600.
fn assert_owner_only(root: &Path, after: &str) {
    assert_eq!(mode(root), 0o700, "{root:?} after {after}");
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            assert_owner_only(&path, after);
        } else {
            assert_eq!(mode(&path), 0o600, "{path:?} after {after}");
        }
    }
}

#[test]
fn every_file_keyport_writes_is_owner_only_under_umask_022() {
    let kp = Keyport::new();
    let data = kp.data_dir().join("fresh/keyport");
    let backup = kp.data_dir().join("out.kpbackup");
    let custom = kp.write("custom.toml", crate::support::CUSTOM);
    let steps: Vec<(Vec<&str>, &str)> = vec![
        (vec!["vault", "init", "--no-keyring"], ""),
        (
            vec!["connect", "stripe", "--api-key-stdin", "--no-verify"],
            SECRET,
        ),
        (vec!["backup", "--out", backup.to_str().unwrap()], ""),
        (vec!["restore", backup.to_str().unwrap()], ""),
        (vec!["catalog", "add", custom.to_str().unwrap()], ""),
        (vec!["vault", "rotate-key"], ""),
    ];
    for (args, stdin) in &steps {
        under_umask(&data, args, stdin);
        assert_owner_only(&data, &args.join(" "));
    }
    assert_eq!(mode(&backup), 0o600, "the backup");

    // A vault made before (or by hand) with loose modes is tightened when opened, and says so.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = data.join("vault.db");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = under_umask(&data, &["vault", "status"], "");
    assert!(
        run.stderr.contains("now owner-only") && run.stderr.contains("0644"),
        "{}",
        run.stderr
    );
    assert_owner_only(&data, "vault status");
}

#[test]
fn parallel_wrong_guesses_are_checked_one_slot_at_a_time() {
    let kp = Keyport::new();
    kp.init_vault();
    let id = kp.connect_key("stripe", &[], SECRET);
    let children: Vec<Child> = (0..40)
        .map(|i| {
            let mut cmd = kp.command();
            cmd.env("KEYPORT_PASSPHRASE", format!("wrong guess {i}"))
                .args(["reveal", &id]);
            spawn(cmd)
        })
        .collect();
    let runs: Vec<Run> = children.into_iter().map(|c| finish(c, "a guess")).collect();
    let checked = runs
        .iter()
        .filter(|r| r.stderr.trim_end() == "keyport: wrong passphrase")
        .count();
    let throttled = runs
        .iter()
        .filter(|r| r.stderr.contains("try again in"))
        .count();
    assert!(runs.iter().all(|r| r.code == 1 && r.stdout.is_empty()));
    assert_eq!(
        checked + throttled,
        40,
        "every guess refused one way or the other"
    );
    assert!(
        checked <= 5,
        "{checked} guesses were checked; at most the 5 free ones may be"
    );
    let events: Vec<Value> = serde_json::from_str(&kp.ok(&["audit", "--json"])).unwrap();
    let audited = events
        .iter()
        .filter(|e| e["event"] == "unlock_failed")
        .count();
    assert_eq!(audited, checked);
}

#[test]
fn a_failure_time_in_the_future_counts_as_now() {
    let kp = Keyport::new();
    kp.init_vault();
    let id = kp.connect_key("stripe", &[], SECRET);
    let tomorrow = (time::OffsetDateTime::now_utc() + time::Duration::days(1))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let last_at = |sql: Option<&'static str>| -> String {
        rt().block_on(async {
            let vault = keyport::vault::Vault::open(kp.data_dir()).await.unwrap();
            if let Some(sql) = sql {
                sqlx::query(sql)
                    .bind(&tomorrow)
                    .execute(vault.pool())
                    .await
                    .unwrap();
            }
            let at: String = sqlx::query_scalar("SELECT last_at FROM unlock_failures WHERE id = 1")
                .fetch_one(vault.pool())
                .await
                .unwrap();
            vault.close().await;
            at
        })
    };
    // Five failures recorded by a clock a day ahead, then the clock set right.
    last_at(Some(
        "INSERT INTO unlock_failures (id, count, last_at) VALUES (1, 5, ?)",
    ));
    let run = kp.run_in(&["reveal", &id], "", Some(PASSPHRASE));
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("try again in 30 s"), "{}", run.stderr);
    let pinned = time::OffsetDateTime::parse(
        &last_at(None),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(
        pinned <= time::OffsetDateTime::now_utc(),
        "the wait runs from now, not from tomorrow: {pinned}"
    );
}

#[test]
fn rename_and_delete_need_the_vault_unlocked() {
    let kp = Keyport::new();
    kp.init_vault();
    let id = kp.connect_key("stripe", &[], SECRET);
    let name = |kp: &Keyport| -> String {
        let shown: Value =
            serde_json::from_str(&kp.ok(&["connections", "show", &id, "--json"])).unwrap();
        shown["name"].as_str().unwrap().to_owned()
    };
    let before = name(&kp);
    for (passphrase, words) in [
        (None, "the vault is locked"),
        (Some("not the passphrase"), "wrong passphrase"),
    ] {
        let run = kp.run_in(&["connections", "rename", &id, "Renamed"], "", passphrase);
        assert!(
            run.code == 1 && run.stderr.contains(words),
            "{}",
            run.stderr
        );
        let run = kp.run_in(&["connections", "delete", &id], "", passphrase);
        assert!(
            run.code == 1 && run.stderr.contains(words),
            "{}",
            run.stderr
        );
    }
    // Into the lockout: even the right passphrase now waits, and nothing changes.
    for _ in 0..4 {
        kp.run_in(&["reveal", &id], "", Some("not the passphrase"));
    }
    let run = kp.run_in(&["connections", "delete", &id], "", Some(PASSPHRASE));
    assert!(
        run.code == 1 && run.stderr.contains("try again in"),
        "{}",
        run.stderr
    );
    let run = kp.run_in(
        &["connections", "rename", &id, "Renamed"],
        "",
        Some(PASSPHRASE),
    );
    assert!(
        run.code == 1 && run.stderr.contains("try again in"),
        "{}",
        run.stderr
    );
    assert_eq!(kp.ids(), vec![id.clone()]);
    assert_eq!(name(&kp), before);
}

#[test]
fn restore_refuses_devices_fifos_directories_and_missing_files_by_name() {
    let kp = Keyport::new();
    kp.init_vault();
    let fifo = kp.data_dir().join("pipe.kpbackup");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let folder = tempfile::tempdir().unwrap();
    let missing = folder.path().join("missing.kpbackup");
    for (path, words) in [
        (Path::new("/dev/zero"), "is not a regular file"),
        (fifo.as_path(), "is not a regular file"),
        (folder.path(), "is a directory"),
        (missing.as_path(), "does not exist"),
    ] {
        let mut cmd = kp.command();
        cmd.env("KEYPORT_PASSPHRASE", PASSPHRASE)
            .args(["restore", path.to_str().unwrap()]);
        let run = finish(spawn(cmd), "restore");
        assert_eq!(run.code, 1, "{path:?}");
        assert!(run.stderr.contains(words), "{path:?}: {}", run.stderr);
        assert!(!run.stderr.contains("the vault in"), "{}", run.stderr);
    }
}

#[test]
fn a_killed_restore_leaves_no_copy_of_the_vault_behind() {
    let kp = Keyport::new();
    kp.init_vault();
    kp.connect_key("stripe", &[], SECRET);
    let backup = kp.data_dir().join("kill.kpbackup");
    let run = kp.run_in(
        &["backup", "--out", backup.to_str().unwrap()],
        "",
        Some(PASSPHRASE),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let staging = |kp: &Keyport| -> Vec<PathBuf> {
        std::fs::read_dir(kp.data_dir())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(".restore-")
            })
            .collect()
    };
    // Kill the restore once its checked copy is on disk (a few tries, in case one finishes
    // before it is caught).
    let mut caught = false;
    for _ in 0..10 {
        let mut cmd = kp.command();
        cmd.env("KEYPORT_PASSPHRASE", PASSPHRASE)
            .args(["restore", backup.to_str().unwrap()]);
        let mut child = spawn(cmd);
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
            if staging(&kp).iter().any(|d| d.join("vault.db").exists()) {
                child.kill().unwrap();
                caught = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = child.kill();
        let _ = child.wait();
        if caught {
            break;
        }
    }
    assert!(caught, "the restore was never caught with its copy on disk");
    assert!(!staging(&kp).is_empty(), "the kill left the copy behind");
    // The next start removes it.
    kp.ok(&["vault", "status"]);
    assert!(staging(&kp).is_empty(), "{:?}", staging(&kp));
}

#[test]
fn messages_name_what_is_wrong() {
    let kp = Keyport::new();
    kp.init_vault();
    kp.connect_key("stripe", &[], SECRET);
    let backup = kp.data_dir().join("flip.kpbackup");
    let run = kp.run_in(
        &["backup", "--out", backup.to_str().unwrap()],
        "",
        Some(PASSPHRASE),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);

    // One flipped byte inside the sealed payload: damaged, not a wrong passphrase.
    let text = std::fs::read_to_string(&backup).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let payload = doc["payload"].as_str().unwrap();
    let middle = payload.len() / 2;
    let flipped_char = if &payload[middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    let flipped = format!(
        "{}{}{}",
        &payload[..middle],
        flipped_char,
        &payload[middle + 1..]
    );
    let damaged = kp.write("damaged.kpbackup", &text.replace(payload, &flipped));
    let run = kp.run_in(
        &["restore", damaged.to_str().unwrap()],
        "",
        Some(PASSPHRASE),
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("damaged"), "{}", run.stderr);
    assert!(!run.stderr.contains("wrong passphrase"), "{}", run.stderr);
    let run = kp.run_in(
        &["restore", backup.to_str().unwrap()],
        "",
        Some("wrong wrong"),
    );
    assert!(
        run.stderr.contains("wrong passphrase for this backup"),
        "{}",
        run.stderr
    );

    // A passphrase that is not UTF-8 is named as such.
    use std::os::unix::ffi::OsStrExt;
    let mut cmd = kp.command();
    cmd.env(
        "KEYPORT_PASSPHRASE",
        std::ffi::OsStr::from_bytes(b"caf\xe9 passphrase"),
    )
    .args(["vault", "rotate-key"]);
    let run = finish(spawn(cmd), "rotate-key");
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("KEYPORT_PASSPHRASE is not valid UTF-8"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_losers_of_concurrent_inits_find_the_winners_vault() {
    let kp = Keyport::new();
    let data = kp.data_dir().join("new");
    let children: Vec<Child> = (0..4)
        .map(|_| {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_keyport"));
            cmd.arg("--data-dir")
                .arg(&data)
                .env_remove("KEYPORT_DATA_DIR")
                .env("KEYPORT_PASSPHRASE", PASSPHRASE)
                .args(["vault", "init", "--no-keyring"]);
            spawn(cmd)
        })
        .collect();
    let runs: Vec<Run> = children.into_iter().map(|c| finish(c, "init")).collect();
    let won = runs.iter().filter(|r| r.code == 0).count();
    assert_eq!(
        won,
        1,
        "{:?}",
        runs.iter().map(|r| &r.stderr).collect::<Vec<_>>()
    );
    for run in runs.iter().filter(|r| r.code != 0) {
        assert!(
            run.stderr.contains("a vault already exists"),
            "{}",
            run.stderr
        );
    }
}
