//! `keyport mcp add|list|scan` (issue 14) on the clients' own sample files
//! (`tests/fixtures/mcp/`, each from its client's docs), with the real binary, a temporary
//! `HOME` and a temporary project dir.

use crate::support::serve::serve;
use crate::support::{feed, Keyport, Run, PASSPHRASE};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Fake secrets in the services' published formats (none is a real credential).
const PAT: &str = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
const STRIPE: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
const PG_PASSWORD: &str = "s3cret-Pg-Pass";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/mcp/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

/// A machine: a vault, a home dir and a project dir, all temporary.
struct Machine {
    kp: Keyport,
    home: tempfile::TempDir,
    project: PathBuf,
}

impl Machine {
    fn new() -> Machine {
        let kp = Keyport::new();
        kp.init_vault();
        let home = tempfile::tempdir().unwrap();
        let project = home.path().join("code/app");
        std::fs::create_dir_all(&project).unwrap();
        Machine {
            kp,
            project: project.canonicalize().unwrap(),
            home,
        }
    }

    fn home(&self, rel: &str) -> PathBuf {
        self.home.path().join(rel)
    }

    /// Writes `text` at `path`, creating its directory.
    fn put(&self, path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// `keyport ARGS` in the project dir with this HOME, and with the passphrase when asked.
    fn run_with(&self, args: &[&str], passphrase: bool) -> Run {
        let mut cmd = self.kp.command();
        cmd.env("HOME", self.home.path()).current_dir(&self.project);
        if passphrase {
            cmd.env("KEYPORT_PASSPHRASE", PASSPHRASE);
        }
        cmd.args(args);
        feed(cmd, b"")
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, true)
    }

    fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(run.code, 0, "keyport {args:?}: {}", run.stderr);
        run.stdout
    }

    fn fails(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(
            run.code, 1,
            "keyport {args:?}: {}{}",
            run.stdout, run.stderr
        );
        assert!(run.stdout.is_empty(), "{}", run.stdout);
        run.stderr
    }

    /// Stores `secret` for `connector` unchecked and returns the connection's id.
    fn connect(&self, connector: &str, how: &str, secret: &str) -> String {
        let run = self.kp.run_in(
            &["connect", connector, how, "--no-verify"],
            secret,
            Some(PASSPHRASE),
        );
        assert_eq!(run.code, 0, "connect: {}", run.stderr);
        let start = run.stdout.rfind('(').unwrap() + 1;
        run.stdout[start..start + 36].to_owned()
    }

    fn connections(&self) -> Vec<Value> {
        serde_json::from_str(&self.kp.ok(&["connections", "list", "--json"])).unwrap()
    }
}

fn keyport_path() -> String {
    std::fs::canonicalize(env!("CARGO_BIN_EXE_keyport"))
        .unwrap()
        .display()
        .to_string()
}

/// Claude Desktop's file where Keyport looks for it on this platform.
fn claude_desktop(m: &Machine) -> PathBuf {
    if cfg!(target_os = "macos") {
        m.home("Library/Application Support/Claude/claude_desktop_config.json")
    } else {
        m.home(".config/Claude/claude_desktop_config.json")
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The backups beside `path`.
fn backups(path: &Path) -> Vec<PathBuf> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let Ok(entries) = std::fs::read_dir(path.parent().unwrap()) else {
        return Vec::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!("{name}.keyport-backup-"))
        })
        .collect()
}

/// The servers' table at `at` in a parsed JSON file.
fn json_servers<'a>(doc: &'a Value, at: &[&str]) -> &'a serde_json::Map<String, Value> {
    let mut node = doc;
    for key in at {
        node = &node[*key];
    }
    node.as_object()
        .unwrap_or_else(|| panic!("no servers at {at:?}: {doc}"))
}

fn github_args(id: &str) -> Vec<String> {
    [
        "exec",
        "--mcp",
        id,
        "--",
        "docker",
        "run",
        "-i",
        "--rm",
        "-e",
        "GITHUB_PERSONAL_ACCESS_TOKEN",
        "ghcr.io/github/github-mcp-server",
    ]
    .map(str::to_owned)
    .to_vec()
}

#[test]
fn add_shows_a_diff_and_writes_only_when_asked_with_a_backup() {
    let m = Machine::new();
    let id = m.connect("github", "--token-stdin", PAT);
    let file = claude_desktop(&m);
    let old = fixture("claude_desktop_config.json").replace("YOUR_GITHUB_PAT", PAT);
    m.put(&file, &old);

    // The file has a `github` entry of its own: replaced only when asked.
    let refused = m.fails(&["mcp", "add", &id, "--client", "claude-desktop", "--write"]);
    assert!(
        refused.contains("already has a server called github"),
        "{refused}"
    );
    assert!(refused.contains("--force"), "{refused}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), old);

    let shown = m.ok(&["mcp", "add", &id, "--client", "claude-desktop", "--force"]);
    assert!(
        shown.starts_with(&format!("--- {}\n", file.display())),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("+      \"command\": \"{}\",", keyport_path())),
        "{shown}"
    );
    assert!(shown.contains(&format!("+        \"{id}\",")), "{shown}");
    assert!(shown.contains("Nothing was written"), "{shown}");
    // The old entry's token is in the diff's removed lines, hidden.
    assert!(!shown.contains(PAT), "{shown}");
    assert!(shown.contains("‹hidden›"), "{shown}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        old,
        "no --write, no change"
    );
    assert!(backups(&file).is_empty());

    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o640)).unwrap();
    let wrote = m.ok(&[
        "mcp",
        "add",
        &id,
        "--client",
        "claude-desktop",
        "--force",
        "--write",
    ]);
    assert!(wrote.contains("Replaced github in "), "{wrote}");
    let new = std::fs::read_to_string(&file).unwrap();
    assert!(!new.contains(PAT), "{new}");
    let doc: Value = serde_json::from_str(&new).unwrap();
    let servers = json_servers(&doc, &["mcpServers"]);
    assert_eq!(servers["github"]["command"], keyport_path());
    assert_eq!(
        servers["github"]["args"],
        serde_json::json!(github_args(&id))
    );
    assert!(servers["github"].get("env").is_none(), "{new}");
    assert_eq!(
        servers["filesystem"]["command"], "npx",
        "other entries stay"
    );
    assert_eq!(mode(&file), 0o640, "the file keeps its mode");
    let saved = backups(&file);
    assert_eq!(saved.len(), 1);
    assert_eq!(std::fs::read_to_string(&saved[0]).unwrap(), old);
    assert_eq!(mode(&saved[0]), 0o600);

    // Again: the entry already runs through keyport, so nothing changes.
    let again = m.ok(&["mcp", "add", &id, "--client", "claude-desktop", "--write"]);
    assert!(again.contains("nothing to change"), "{again}");
    assert_eq!(backups(&file).len(), 1);
}

/// A client, a scope, its file, the sample put there first, and where the servers are in it.
type Case<'a> = (&'a str, &'a str, PathBuf, Option<&'a str>, Vec<&'a str>);

#[test]
fn add_writes_each_client_s_own_format_keeping_everything_else() {
    let m = Machine::new();
    let id = m.connect("github", "--token-stdin", PAT);
    let project = m.project.display().to_string();
    let cases: Vec<Case> = vec![
        (
            "claude-desktop",
            "user",
            claude_desktop(&m),
            Some("claude_desktop_config.json"),
            vec!["mcpServers"],
        ),
        (
            "claude-code",
            "user",
            m.home(".claude.json"),
            Some("claude.json"),
            vec!["mcpServers"],
        ),
        (
            "claude-code",
            "local",
            m.home(".claude.json"),
            None,
            vec!["projects", &project, "mcpServers"],
        ),
        (
            "claude-code",
            "project",
            m.project.join(".mcp.json"),
            Some("project.mcp.json"),
            vec!["mcpServers"],
        ),
        (
            "cursor",
            "user",
            m.home(".cursor/mcp.json"),
            Some("cursor.mcp.json"),
            vec!["mcpServers"],
        ),
        (
            "cursor",
            "project",
            m.project.join(".cursor/mcp.json"),
            None,
            vec!["mcpServers"],
        ),
        (
            "vscode",
            "user",
            m.home(".copilot/mcp-config.json"),
            Some("copilot.mcp-config.json"),
            vec!["mcpServers"],
        ),
        (
            "windsurf",
            "user",
            m.home(".codeium/windsurf/mcp_config.json"),
            Some("windsurf.mcp_config.json"),
            vec!["mcpServers"],
        ),
        (
            "codex",
            "user",
            m.home(".codex/config.toml"),
            Some("codex.config.toml"),
            vec![],
        ),
    ];
    for (client, scope, file, sample, at) in &cases {
        let before = match sample {
            Some(name) => {
                m.put(file, &fixture(name));
                Some(fixture(name))
            }
            None => std::fs::read_to_string(file).ok(),
        };
        let out = m.ok(&[
            "mcp",
            "add",
            &id,
            "--client",
            client,
            "--scope",
            scope,
            "--name",
            "gh-keyport",
            "--write",
        ]);
        assert!(
            out.contains("Added gh-keyport in "),
            "{client} {scope}: {out}"
        );
        let text = std::fs::read_to_string(file).unwrap();
        assert!(!text.contains(PAT), "{client}: {text}");
        if *client == "codex" {
            let new: toml::Table = text.parse().unwrap_or_else(|e| panic!("{e}: {text}"));
            let old: toml::Table = before.as_deref().unwrap().parse().unwrap();
            let entry = &new["mcp_servers"]["gh-keyport"];
            assert_eq!(entry["command"].as_str(), Some(keyport_path().as_str()));
            let args: Vec<&str> = entry["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap())
                .collect();
            assert_eq!(args, github_args(&id));
            for name in old["mcp_servers"].as_table().unwrap().keys() {
                assert_eq!(
                    new["mcp_servers"][name], old["mcp_servers"][name],
                    "{name} kept"
                );
            }
            assert_eq!(new["projects"], old["projects"], "unrelated tables kept");
            assert_eq!(new["model"], old["model"]);
            assert!(
                text.starts_with("model = \"gpt-5-codex\"\n\n[mcp_servers.context7]"),
                "{text}"
            );
        } else {
            let new: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
            let servers = json_servers(&new, at);
            assert_eq!(servers["gh-keyport"]["command"], keyport_path(), "{client}");
            assert_eq!(
                servers["gh-keyport"]["args"],
                serde_json::json!(github_args(&id))
            );
            if let Some(old) = before.as_deref() {
                let old: Value = serde_json::from_str(old).unwrap();
                for (key, value) in old.as_object().unwrap() {
                    if Some(&key.as_str()) != at.first() {
                        assert_eq!(&new[key], value, "{client}: {key} kept");
                    }
                }
                if let Some(old_servers) = at.iter().try_fold(&old, |n, k| n.get(*k)) {
                    for (name, entry) in old_servers.as_object().unwrap() {
                        assert_eq!(&servers[name], entry, "{client}: {name} kept");
                    }
                }
            }
        }
        match sample {
            Some(name) => {
                let saved = backups(file);
                assert_eq!(saved.len(), 1, "{client} {scope}: {saved:?}");
                assert_eq!(std::fs::read_to_string(&saved[0]).unwrap(), fixture(name));
            }
            // A file that was not there is created, with its directory.
            None if before.is_none() => assert!(backups(file).is_empty()),
            None => {}
        }
    }
    // Both of Claude Code's scopes in ~/.claude.json, beside its unrelated settings.
    let claude: Value =
        serde_json::from_str(&std::fs::read_to_string(m.home(".claude.json")).unwrap()).unwrap();
    assert!(claude["mcpServers"]["gh-keyport"].is_object());
    assert!(claude["projects"][&project]["mcpServers"]["gh-keyport"].is_object());
    assert_eq!(
        claude["projects"]["/home/me/other-project"]["hasTrustDialogAccepted"],
        true
    );
    assert_eq!(claude["numStartups"], 42);

    // What is configured where.
    let listed: Vec<Value> = serde_json::from_str(&m.ok(&["mcp", "list", "--json"])).unwrap();
    let ours = &serde_json::json!([id.as_str()]);
    let through: Vec<(&str, &str)> = listed
        .iter()
        .flat_map(|f| {
            f["servers"]
                .as_array()
                .unwrap()
                .iter()
                .filter(move |s| s["keyport_connections"] == *ours)
                .map(move |_| {
                    (
                        f["clients"][0].as_str().unwrap(),
                        f["scope"].as_str().unwrap(),
                    )
                })
        })
        .collect();
    for (client, scope, ..) in &cases {
        assert!(
            through.contains(&(client, scope)),
            "{client} {scope} in {listed:?}"
        );
    }
    let table = m.ok(&["mcp", "list"]);
    assert!(table.contains(&format!("keyport exec {id}")), "{table}");
}

#[test]
fn broken_files_are_refused_and_left_as_they_were() {
    let m = Machine::new();
    let id = m.connect("github", "--token-stdin", PAT);
    let cursor = m.home(".cursor/mcp.json");
    m.put(&cursor, &fixture("broken.json"));
    let err = m.fails(&["mcp", "add", &id, "--client", "cursor", "--write"]);
    assert!(err.contains(&cursor.display().to_string()), "{err}");
    assert!(
        err.contains("not valid JSON") && err.contains("line 6"),
        "{err}"
    );
    assert!(err.contains("Nothing was changed"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&cursor).unwrap(),
        fixture("broken.json")
    );
    assert!(backups(&cursor).is_empty());

    let codex = m.home(".codex/config.toml");
    m.put(&codex, &fixture("broken.toml").replace("npx", STRIPE));
    let err = m.fails(&["mcp", "add", &id, "--client", "codex", "--write"]);
    assert!(
        err.contains("not valid TOML") && err.contains("line 3"),
        "{err}"
    );
    assert!(
        !err.contains(STRIPE),
        "the parser's quote of the file is not passed on: {err}"
    );
    assert!(backups(&codex).is_empty());

    // A scan says which files it could not read, and goes on with the rest.
    let run = m.run(&["mcp", "scan"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("mcp.json cannot be read")
            && run.stderr.contains("config.toml cannot be read"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(STRIPE));
    let fix = m.run(&["mcp", "scan", "--fix", "--no-verify"]);
    assert_eq!(fix.code, 0, "{}", fix.stderr);
    assert_eq!(
        std::fs::read_to_string(&cursor).unwrap(),
        fixture("broken.json")
    );
}

/// Claude Desktop with a GitHub PAT in `env`, Cursor with a Stripe key in `args`, Codex with
/// a PostgreSQL URL with a password in `env`, Windsurf with a PAT in a remote server's header.
fn planted(m: &Machine) -> Vec<PathBuf> {
    let files = vec![
        claude_desktop(m),
        m.home(".cursor/mcp.json"),
        m.home(".codex/config.toml"),
        m.home(".codeium/windsurf/mcp_config.json"),
    ];
    m.put(
        &files[0],
        &fixture("claude_desktop_config.json").replace("YOUR_GITHUB_PAT", PAT),
    );
    m.put(
        &files[1],
        &fixture("cursor.mcp.json").replace("YOUR_STRIPE_SECRET_KEY", STRIPE),
    );
    m.put(
        &files[2],
        &fixture("codex.config.toml").replace("USER:PASSWORD", &format!("app:{PG_PASSWORD}")),
    );
    m.put(
        &files[3],
        &fixture("windsurf.mcp_config.json").replace("YOUR_GITHUB_PAT", PAT),
    );
    files
}

fn no_secret_in(text: &str) {
    for secret in [PAT, STRIPE, PG_PASSWORD] {
        assert!(!text.contains(secret), "a secret printed: {text}");
    }
}

#[test]
fn scan_finds_planted_secrets_and_fix_moves_them_into_the_vault() {
    let m = Machine::new();
    let files = planted(&m);
    // The project's files hold only placeholders, which are no secrets.
    m.put(
        &m.project.join(".vscode/mcp.json"),
        &fixture("vscode.mcp.json"),
    );
    m.put(&m.project.join(".mcp.json"), &fixture("project.mcp.json"));
    let listed = m.ok(&["mcp", "list"]);
    for server in [
        "Perplexity",
        "api-server",
        "shared-server",
        "context7",
        "figma",
    ] {
        assert!(listed.contains(server), "{server}: {listed}");
    }
    let originals: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();

    let run = m.run(&["mcp", "scan"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    no_secret_in(&run.stdout);
    no_secret_in(&run.stderr);
    for words in [
        "env GITHUB_PERSONAL_ACCESS_TOKEN",
        "GitHub token",
        "args[3]",
        "Stripe secret key",
        "env DATABASE_URL",
        "PostgreSQL URL with a password",
        "header Authorization",
    ] {
        assert!(run.stdout.contains(words), "{words}: {}", run.stdout);
    }
    let json = m.ok(&["mcp", "scan", "--json"]);
    no_secret_in(&json);
    let found: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(found["findings"].as_array().unwrap().len(), 4, "{found}");

    // A locked vault: nothing is stored and no file changes.
    let locked = m.run_with(&["mcp", "scan", "--fix", "--no-verify"], false);
    assert_eq!(locked.code, 1, "{}", locked.stdout);
    assert!(locked.stderr.contains("locked"), "{}", locked.stderr);
    for (file, old) in files.iter().zip(&originals) {
        assert_eq!(&std::fs::read_to_string(file).unwrap(), old);
    }
    assert!(m.connections().is_empty());

    // No network here: stored unchecked, as `connect --no-verify` does.
    let fixed = m.ok(&["mcp", "scan", "--fix", "--no-verify"]);
    no_secret_in(&fixed);
    assert_eq!(fixed.matches("Moved the ").count(), 3, "{fixed}");
    assert!(
        fixed.contains("Left the GitHub token at header Authorization of server github"),
        "{fixed}"
    );
    let connections = m.connections();
    let mut connectors: Vec<&str> = connections
        .iter()
        .map(|c| c["connector_id"].as_str().unwrap())
        .collect();
    connectors.sort();
    assert_eq!(connectors, ["github", "postgresql", "stripe"]);
    let id_of = |connector: &str| {
        connections
            .iter()
            .find(|c| c["connector_id"] == connector)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };

    // The rewritten files parse, hold none of the secrets, and run the servers through keyport.
    let desktop: Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    assert_eq!(
        desktop["mcpServers"]["github"]["args"],
        serde_json::json!(github_args(&id_of("github")))
    );
    assert!(desktop["mcpServers"]["github"].get("env").is_none());
    let cursor: Value = serde_json::from_str(&std::fs::read_to_string(&files[1]).unwrap()).unwrap();
    assert_eq!(
        cursor["mcpServers"]["stripe"]["args"],
        serde_json::json!([
            "exec",
            "--mcp",
            id_of("stripe"),
            "--",
            "npx",
            "-y",
            "@stripe/mcp",
            "--tools=all"
        ])
    );
    assert_eq!(
        cursor["mcpServers"]["server-name"]["env"]["API_KEY"],
        "value"
    );
    let codex: toml::Table = std::fs::read_to_string(&files[2]).unwrap().parse().unwrap();
    let pg = id_of("postgresql");
    let args: Vec<&str> = codex["mcp_servers"]["postgres"]["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    // PostgreSQL's connector declares no DATABASE_URL, so exec is told to fill it by name.
    assert_eq!(
        args,
        [
            "exec",
            "--mcp",
            pg.as_str(),
            "--env",
            &format!("DATABASE_URL={pg}"),
            "--",
            "npx",
            "-y",
            "@modelcontextprotocol/server-postgres"
        ]
    );
    assert!(codex["mcp_servers"]["postgres"].get("env").is_none());
    for (file, old) in files.iter().zip(&originals).take(3) {
        let text = std::fs::read_to_string(file).unwrap();
        no_secret_in(&text);
        let saved = backups(file);
        assert_eq!(saved.len(), 1, "{}", file.display());
        assert_eq!(&std::fs::read_to_string(&saved[0]).unwrap(), old);
        assert_eq!(mode(&saved[0]), 0o600);
    }
    // The remote server's header is left as it was, and said so.
    assert_eq!(std::fs::read_to_string(&files[3]).unwrap(), originals[3]);

    let after: Value = serde_json::from_str(&m.ok(&["mcp", "scan", "--json"])).unwrap();
    let left = after["findings"].as_array().unwrap();
    assert_eq!(left.len(), 1, "{after}");
    assert_eq!(left[0]["server"], "github");
    assert_eq!(left[0]["in"], "header");
}

/// A custom connector whose tools read ACME_TOKEN, its key checked at the stand-in.
fn acme(base: &str) -> String {
    format!(
        r##"id = "acme_internal"
name = "Acme Internal API"
category = "devops"
connection_types = ["api_key"]
description = "Acme's internal deployment API."
api_docs_url = "https://docs.acme.example/api"
setup_instructions = ["Open Settings > API keys in the Acme console and create a key."]
icon = {{ monogram = "AI", color = "#1D5FD6" }}

[api_key]
secret_label = "API key"
location = "header"
name = "Authorization"
template = "Bearer {{secret}}"
docs_url = "https://docs.acme.example/api/auth"

[api_key.check]
method = "GET"
url = "{base}/v1/me"
docs_url = "https://docs.acme.example/api/me"

[[env]]
name = "ACME_TOKEN"
value = "token"
docs = "https://docs.acme.example/mcp"
"##
    )
}

#[test]
fn fix_checks_each_key_with_its_service_and_leaves_a_refused_one() {
    let standin = serve(|request| {
        if request.authorization == "Bearer acme-live-key-0123456789" {
            (200, serde_json::json!({ "id": 1 }), None)
        } else {
            (401, serde_json::json!({ "error": "invalid key" }), None)
        }
    });
    let m = Machine::new();
    let file = m.kp.write("acme.toml", &acme(&standin.base));
    m.kp.ok(&["catalog", "add", file.to_str().unwrap()]);
    let cursor = m.home(".cursor/mcp.json");
    let old = r#"{
  "mcpServers": {
    "acme": {"command": "acme-mcp", "args": [], "env": {"ACME_TOKEN": "acme-live-key-0123456789"}},
    "acme-old": {"command": "acme-mcp", "args": [], "env": {"ACME_TOKEN": "acme-revoked-key-987654"}}
  }
}
"#;
    m.put(&cursor, old);
    let out = m.ok(&["mcp", "scan", "--fix"]);
    assert!(
        out.contains("of server acme in") && out.contains("checked with the service"),
        "{out}"
    );
    assert!(
        out.contains("Left the Acme Internal API token at env ACME_TOKEN of server acme-old"),
        "{out}"
    );
    assert!(out.contains("refused"), "{out}");
    assert!(
        !out.contains("acme-live-key") && !out.contains("acme-revoked-key"),
        "{out}"
    );
    let connections = m.connections();
    assert_eq!(connections.len(), 1, "the refused key is not stored");
    assert_eq!(connections[0]["verified"], true);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&cursor).unwrap()).unwrap();
    assert_eq!(
        doc["mcpServers"]["acme"]["args"],
        serde_json::json!(["exec", "--mcp", connections[0]["id"], "--", "acme-mcp"])
    );
    assert_eq!(
        doc["mcpServers"]["acme-old"]["env"]["ACME_TOKEN"],
        "acme-revoked-key-987654"
    );
}

#[test]
fn bad_input_says_why_and_changes_nothing() {
    let m = Machine::new();
    let id = m.connect("github", "--token-stdin", PAT);
    let err = m.fails(&["mcp", "add", &id, "--client", "emacs"]);
    assert!(
        err.contains("no MCP client called emacs")
            && err.contains("claude-desktop, claude-code, cursor, vscode, windsurf, codex"),
        "{err}"
    );
    let err = m.fails(&["mcp", "add", "no-such-id", "--client", "cursor"]);
    assert!(err.contains("no-such-id"), "{err}");
    let err = m.fails(&["mcp", "add", &id, "--client", "cursor", "--scope", "local"]);
    assert!(
        err.contains("cursor has no local scope; it has user, project"),
        "{err}"
    );
    let err = m.fails(&[
        "mcp",
        "add",
        &id,
        "--client",
        "cursor",
        "--server",
        "github-remote",
    ]);
    assert!(
        err.contains("github-remote is a remote server (https://api.githubcopilot.com/mcp/)")
            && err.contains("--server (github)"),
        "{err}"
    );
    let err = m.fails(&["mcp", "add", &id, "--client", "cursor", "--server", "gh"]);
    assert!(
        err.contains("GitHub has no MCP server called gh; it has github, github-remote"),
        "{err}"
    );
    // A custom connector records no MCP server.
    let custom = m.kp.write("custom.toml", crate::support::CUSTOM);
    m.kp.ok(&["catalog", "add", custom.to_str().unwrap()]);
    let acme =
        m.kp.connect_key("acme_internal", &["region=eu1"], "acme-key-0123456789");
    let err = m.fails(&["mcp", "add", &acme, "--client", "cursor"]);
    assert!(
        err.contains("records no MCP server for Acme Internal API"),
        "{err}"
    );

    // A link is not written through; a FIFO and an oversized file are not read.
    let cursor = m.home(".cursor/mcp.json");
    let elsewhere = m.home("dotfiles/cursor-mcp.json");
    m.put(&elsewhere, "{}\n");
    std::fs::create_dir_all(cursor.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &cursor).unwrap();
    let err = m.fails(&["mcp", "add", &id, "--client", "cursor", "--write"]);
    assert!(
        err.contains("is a symbolic link") && err.contains("dotfiles/cursor-mcp.json"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "{}\n");
    std::fs::remove_file(&cursor).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(&cursor)
        .status()
        .unwrap();
    assert!(fifo.success());
    let err = m.fails(&["mcp", "add", &id, "--client", "cursor", "--write"]);
    assert!(err.contains("not a regular file"), "{err}");
    std::fs::remove_file(&cursor).unwrap();
    m.put(
        &cursor,
        &format!("{{\"pad\": \"{}\"}}", "x".repeat(5 * 1024 * 1024)),
    );
    let err = m.fails(&["mcp", "add", &id, "--client", "cursor", "--write"]);
    assert!(err.contains("larger than 4 MB"), "{err}");

    // Names with control characters are printed escaped.
    std::fs::remove_file(&cursor).unwrap();
    m.put(&cursor, "{\"mcpServers\": {\"evil\\u001b[2J\": {\"command\": \"x\", \"env\": {\"MY_TOKEN\": \"abcdefghijklmnop\"}}}}");
    let out = m.ok(&["mcp", "scan"]);
    assert!(
        !out.contains('\u{1b}') && out.contains("evil\\u{1b}[2J"),
        "{out}"
    );
}

#[test]
fn remove_takes_out_only_keyport_s_entry_with_a_backup_and_refuses_the_rest() {
    let m = Machine::new();
    let id = m.connect("github", "--token-stdin", PAT);

    // Cursor (JSON): the entry `mcp add` wrote comes out; the person's entries stay.
    let cursor = m.home(".cursor/mcp.json");
    let original = fixture("cursor.mcp.json");
    m.put(&cursor, &original);
    m.ok(&["mcp", "add", &id, "--client", "cursor", "--write"]);
    let added = std::fs::read_to_string(&cursor).unwrap();
    assert_eq!(backups(&cursor).len(), 1);

    let shown = m.ok(&["mcp", "remove", &id, "--client", "cursor"]);
    assert!(
        shown.starts_with(&format!("--- {}\n", cursor.display())),
        "{shown}"
    );
    assert!(shown.contains("-    \"github\": {"), "{shown}");
    assert!(
        shown.contains(&format!("-      \"command\": \"{}\",", keyport_path())),
        "{shown}"
    );
    assert!(shown.contains("Nothing was written"), "{shown}");
    assert_eq!(
        std::fs::read_to_string(&cursor).unwrap(),
        added,
        "no --write"
    );
    assert_eq!(backups(&cursor).len(), 1);

    let wrote = m.ok(&["mcp", "remove", &id, "--client", "cursor", "--write"]);
    assert!(wrote.contains("Removed github from "), "{wrote}");
    let left = std::fs::read_to_string(&cursor).unwrap();
    let doc: Value = serde_json::from_str(&left).expect("the file still parses");
    assert_eq!(
        doc,
        serde_json::from_str::<Value>(&original).unwrap(),
        "everything else is as it was: {left}"
    );
    assert!(!left.contains(PAT));
    let saved = backups(&cursor);
    assert_eq!(saved.len(), 2, "{saved:?}");
    assert!(
        saved
            .iter()
            .any(|b| std::fs::read_to_string(b).unwrap() == added),
        "the file before the removal is kept"
    );

    // Nothing left to remove, and the person's own entry is refused by name.
    let none = m.fails(&["mcp", "remove", &id, "--client", "cursor", "--write"]);
    assert!(
        none.contains(&format!("no entry that runs {id} through keyport")),
        "{none}"
    );
    let foreign = m.fails(&[
        "mcp", "remove", &id, "--client", "cursor", "--server", "stripe", "--write",
    ]);
    assert!(
        foreign.contains("stripe") && foreign.contains("does not run through keyport"),
        "{foreign}"
    );
    assert_eq!(std::fs::read_to_string(&cursor).unwrap(), left, "unchanged");
    assert_eq!(backups(&cursor).len(), 2, "no backup of a refused change");

    // Codex (TOML): the table comes out; comments, order and other tables stay.
    let codex = m.home(".codex/config.toml");
    let original = format!("# mine\n{}", fixture("codex.config.toml"));
    m.put(&codex, &original);
    m.ok(&["mcp", "add", &id, "--client", "codex", "--write"]);
    assert!(std::fs::read_to_string(&codex)
        .unwrap()
        .contains("[mcp_servers.github]"));
    let wrote = m.ok(&[
        "mcp", "remove", &id, "--client", "codex", "--server", "github", "--write",
    ]);
    assert!(wrote.contains("Removed github from "), "{wrote}");
    let left = std::fs::read_to_string(&codex).unwrap();
    assert_eq!(left, original, "the file is as it was before the add");
    assert_eq!(backups(&codex).len(), 2);
    let foreign = m.fails(&[
        "mcp", "remove", &id, "--client", "codex", "--server", "postgres", "--write",
    ]);
    assert!(
        foreign.contains("does not run through keyport"),
        "{foreign}"
    );
    assert_eq!(std::fs::read_to_string(&codex).unwrap(), original);

    // A file that does not parse is refused and left as it was.
    let desktop = claude_desktop(&m);
    m.put(&desktop, &fixture("broken.json"));
    let err = m.fails(&[
        "mcp",
        "remove",
        &id,
        "--client",
        "claude-desktop",
        "--write",
    ]);
    assert!(
        err.contains("not valid JSON") && err.contains("Nothing was changed"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&desktop).unwrap(),
        fixture("broken.json")
    );
    assert!(backups(&desktop).is_empty());
}
