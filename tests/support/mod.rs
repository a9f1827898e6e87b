//! Runs the real `keyport` binary with its own temporary data dir and no inherited
//! `KEYPORT_*` variables.

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
