//! Runs the real `keyport` binary with its own temporary data dir and no inherited
//! `KEYPORT_*` variables.

pub mod mongo;
pub mod serve;
pub mod servers;
pub mod sigv4;
pub mod standin;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Keyport {
    dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Keyport {
    pub fn new() -> Keyport {
        Keyport {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// A file in the temp dir (outside the data dir's connectors folder).
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_keyport"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("KEYPORT_") {
                cmd.env_remove(key);
            }
        }
        cmd.arg("--data-dir").arg(self.dir.path());
        cmd.stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let Output {
            status,
            stdout,
            stderr,
        } = self.command().args(args).output().expect("run keyport");
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8(stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(stderr).expect("utf-8 stderr"),
        }
    }

    /// Runs and expects success, returning stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(run.code, 0, "keyport {args:?} failed: {}", run.stderr);
        run.stdout
    }

    /// Runs and expects exit 1 with one or more `keyport: ` lines on stderr, returning stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(
            run.code, 1,
            "keyport {args:?}: expected exit 1, got {}: {}",
            run.code, run.stderr
        );
        assert!(
            run.stdout.is_empty(),
            "nothing on stdout on failure: {}",
            run.stdout
        );
        assert!(
            run.stderr.lines().all(|l| l.starts_with("keyport: ")),
            "every error line starts with `keyport: `: {}",
            run.stderr
        );
        run.stderr
    }

    /// The stored custom connector files.
    pub fn stored(&self) -> Vec<String> {
        let dir = self.dir.path().join("connectors");
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }
}

/// A valid custom connector (an internal service on loopback), for `catalog add` tests to mutate.
pub const CUSTOM: &str = r##"id = "acme_internal"
name = "Acme Internal API"
category = "devops"
connection_types = ["api_key"]
description = "Acme's internal deployment API."
api_docs_url = "https://docs.acme.example/api"
setup_instructions = ["Open Settings > API keys in the Acme console and create a key."]
icon = { monogram = "AI", color = "#1D5FD6" }

[[fields]]
key = "region"
label = "Region"
pattern = "[a-z]{2}[0-9]"
example = "eu1"

[api_key]
secret_label = "API key"
location = "header"
name = "Authorization"
template = "Bearer {secret}"
docs_url = "https://docs.acme.example/api/auth"

[api_key.check]
method = "GET"
url = "https://{region}.api.acme.example/v1/me"
docs_url = "https://docs.acme.example/api/me"
"##;

/// The passphrase test vaults are made with.
pub const PASSPHRASE: &str = "correct horse battery staple";

impl Keyport {
    /// Runs `args` with the test passphrase and `stdin` fed in.
    pub fn run_in(&self, args: &[&str], stdin: &str, passphrase: Option<&str>) -> Run {
        let mut cmd = self.command();
        if let Some(pw) = passphrase {
            cmd.env("KEYPORT_PASSPHRASE", pw);
        }
        cmd.args(args);
        feed(cmd, stdin.as_bytes())
    }

    /// `connections test ID --json`: the probed connection's view, printed whatever the
    /// outcome; the command exits 0 only when the check passed.
    pub fn probe(&self, id: &str) -> serde_json::Value {
        let run = self.run_in(&["connections", "test", id, "--json"], "", Some(PASSPHRASE));
        let view: serde_json::Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|_| panic!("a connection view: {}", run.stderr));
        let passed = view["health_status"] == "healthy";
        assert_eq!(
            run.code,
            if passed { 0 } else { 1 },
            "{view}: {}",
            run.stderr
        );
        assert_eq!(run.stderr.is_empty(), passed, "{}", run.stderr);
        view
    }

    /// Runs a command that changes the vault (which needs it unlocked) with the test
    /// passphrase, and expects success, returning stdout.
    pub fn change(&self, args: &[&str]) -> String {
        let run = self.run_in(args, "", Some(PASSPHRASE));
        assert_eq!(run.code, 0, "keyport {args:?} failed: {}", run.stderr);
        run.stdout
    }

    /// The stored connections' ids, in the listing's order.
    pub fn ids(&self) -> Vec<String> {
        let list: Vec<serde_json::Value> =
            serde_json::from_str(&self.ok(&["connections", "list", "--json"])).unwrap();
        list.iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// A vault made with [`PASSPHRASE`] and no keyring slot.
    pub fn init_vault(&self) {
        let run = self.run_in(&["vault", "init", "--no-keyring"], "", Some(PASSPHRASE));
        assert_eq!(run.code, 0, "vault init: {}", run.stderr);
    }

    /// Stores an API key for `connector` and returns the new connection's id.
    pub fn connect_key(&self, connector: &str, config: &[&str], secret: &str) -> String {
        let mut args = vec!["connect", connector, "--api-key-stdin", "--no-verify"];
        for c in config {
            args.extend(["--config", c]);
        }
        let run = self.run_in(&args, secret, Some(PASSPHRASE));
        assert_eq!(run.code, 0, "connect: {}", run.stderr);
        let start = run.stdout.rfind('(').expect("id in output") + 1;
        run.stdout[start..start + 36].to_owned()
    }

    /// Every file under the data dir, recursively, as bytes.
    pub fn all_bytes(&self) -> Vec<(PathBuf, Vec<u8>)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    out.push((path, bytes));
                }
            }
        }
        let mut out = Vec::new();
        walk(self.dir.path(), &mut out);
        out
    }
}

/// A refusal: exit 1, `words` in the message, and none of `secrets` anywhere in it.
pub fn refused(run: &Run, words: &str, secrets: &[&str]) {
    assert_eq!(run.code, 1, "expected a refusal: {}", run.stdout);
    assert!(
        run.stderr.contains(words),
        "expected `{words}`: {}",
        run.stderr
    );
    for secret in secrets {
        assert!(!run.stderr.contains(secret), "no secret in: {}", run.stderr);
    }
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Runs `cmd` with `stdin` fed in and its output captured (read as it comes, so a long output
/// never fills the pipe).
pub fn feed(mut cmd: Command, stdin: &[u8]) -> Run {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn keyport");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap().into()
}

/// Waits for `child` (its stdout and stderr piped) to end, or kills it and fails the test when
/// it is still running after a minute: a guard against a read that blocks forever, not a speed
/// requirement.
pub fn finish(mut child: std::process::Child, what: &str) -> Run {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} was still running after 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap().into()
}

/// Runs a future to its end on a runtime of its own, as each CLI call does.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// Whether `needle` occurs in `hay`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
