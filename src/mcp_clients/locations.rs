//! Which MCP clients Keyport knows, where each keeps its servers, and in which format: each
//! location from the client's own documentation, whose address stands beside it.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Client {
    ClaudeDesktop,
    ClaudeCode,
    Cursor,
    #[serde(rename = "vscode")]
    VsCode,
    Windsurf,
    Codex,
}

impl Client {
    pub const ALL: [Client; 6] = [
        Client::ClaudeDesktop,
        Client::ClaudeCode,
        Client::Cursor,
        Client::VsCode,
        Client::Windsurf,
        Client::Codex,
    ];

    /// The name `--client` takes.
    pub fn id(self) -> &'static str {
        match self {
            Client::ClaudeDesktop => "claude-desktop",
            Client::ClaudeCode => "claude-code",
            Client::Cursor => "cursor",
            Client::VsCode => "vscode",
            Client::Windsurf => "windsurf",
            Client::Codex => "codex",
        }
    }

    /// The name a person knows it by.
    pub fn name(self) -> &'static str {
        match self {
            Client::ClaudeDesktop => "Claude Desktop",
            Client::ClaudeCode => "Claude Code",
            Client::Cursor => "Cursor",
            Client::VsCode => "VS Code",
            Client::Windsurf => "Windsurf",
            Client::Codex => "Codex",
        }
    }

    pub fn parse(name: &str) -> Option<Client> {
        Client::ALL.into_iter().find(|c| c.id() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Every project of this person.
    User,
    /// Claude Code's private per-project servers, kept in `~/.claude.json`.
    Local,
    /// The project's own file, meant to be committed.
    Project,
}

impl Scope {
    pub fn id(self) -> &'static str {
        match self {
            Scope::User => "user",
            Scope::Local => "local",
            Scope::Project => "project",
        }
    }
}

/// A file's format and where in it the servers are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// A JSON object; the servers under this key path.
    Json(Vec<String>),
    /// Codex's `config.toml`, `[mcp_servers.NAME]`.
    CodexToml,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub client: Client,
    pub scope: Scope,
    pub path: PathBuf,
    pub format: Format,
    /// The client's page that documents this file.
    pub docs: &'static str,
    /// A deprecated form the client still reads: listed and scanned, never written by `add`.
    pub legacy: bool,
}

fn json(keys: &[&str]) -> Format {
    Format::Json(keys.iter().map(|k| (*k).to_owned()).collect())
}

/// Every location of every client, for a home dir and a project dir (absolute); with no
/// project (the desktop app, whose working directory means nothing), the user scope only.
pub fn all(home: &Path, project: Option<&Path>) -> Vec<Location> {
    let mut out = all_in(home, project.unwrap_or(Path::new("/")));
    if project.is_none() {
        out.retain(|l| l.scope == Scope::User);
    }
    out
}

fn all_in(home: &Path, project: &Path) -> Vec<Location> {
    let at = |client, scope, path: PathBuf, format, docs| Location {
        client,
        scope,
        path,
        format,
        docs,
        legacy: false,
    };
    let project_key = project.to_string_lossy().into_owned();
    vec![
        at(
            Client::ClaudeDesktop,
            Scope::User,
            claude_desktop(home),
            json(&["mcpServers"]),
            "https://modelcontextprotocol.io/quickstart/user",
        ),
        at(
            Client::ClaudeCode,
            Scope::User,
            home.join(".claude.json"),
            json(&["mcpServers"]),
            "https://code.claude.com/docs/en/mcp#mcp-installation-scopes",
        ),
        at(
            Client::ClaudeCode,
            Scope::Local,
            home.join(".claude.json"),
            Format::Json(vec!["projects".into(), project_key, "mcpServers".into()]),
            "https://code.claude.com/docs/en/mcp#mcp-installation-scopes",
        ),
        at(
            Client::ClaudeCode,
            Scope::Project,
            project.join(".mcp.json"),
            json(&["mcpServers"]),
            "https://code.claude.com/docs/en/mcp#project-scope",
        ),
        at(
            Client::Cursor,
            Scope::User,
            home.join(".cursor/mcp.json"),
            json(&["mcpServers"]),
            "https://cursor.com/docs/mcp",
        ),
        at(
            Client::Cursor,
            Scope::Project,
            project.join(".cursor/mcp.json"),
            json(&["mcpServers"]),
            "https://cursor.com/docs/mcp",
        ),
        at(
            Client::VsCode,
            Scope::User,
            home.join(".copilot/mcp-config.json"),
            json(&["mcpServers"]),
            "https://code.visualstudio.com/docs/copilot/customization/mcp-servers",
        ),
        at(
            Client::VsCode,
            Scope::Project,
            project.join(".mcp.json"),
            json(&["mcpServers"]),
            "https://code.visualstudio.com/docs/copilot/customization/mcp-servers",
        ),
        Location {
            legacy: true,
            ..at(
                Client::VsCode,
                Scope::Project,
                project.join(".vscode/mcp.json"),
                json(&["servers"]),
                "https://code.visualstudio.com/docs/copilot/reference/mcp-configuration",
            )
        },
        at(
            Client::Windsurf,
            Scope::User,
            home.join(".codeium/windsurf/mcp_config.json"),
            json(&["mcpServers"]),
            "https://docs.windsurf.com/windsurf/cascade/mcp",
        ),
        at(
            Client::Codex,
            Scope::User,
            home.join(".codex/config.toml"),
            Format::CodexToml,
            "https://developers.openai.com/codex/mcp",
        ),
        at(
            Client::Codex,
            Scope::Project,
            project.join(".codex/config.toml"),
            Format::CodexToml,
            "https://developers.openai.com/codex/mcp",
        ),
    ]
}

/// Claude Desktop's file: `~/Library/Application Support/Claude/` on macOS and
/// `%APPDATA%\Claude\` on Windows (https://modelcontextprotocol.io/quickstart/user). Anthropic
/// ships no Linux build; the community builds keep it in `~/.config/Claude/`.
fn claude_desktop(home: &Path) -> PathBuf {
    const FILE: &str = "claude_desktop_config.json";
    if cfg!(target_os = "macos") {
        home.join("Library/Application Support/Claude").join(FILE)
    } else if cfg!(windows) {
        home.join("AppData/Roaming/Claude").join(FILE)
    } else {
        home.join(".config/Claude").join(FILE)
    }
}

/// The one location `mcp add` writes for a client and scope; `None` when the client has no
/// such scope.
pub fn for_add(
    home: &Path,
    project: Option<&Path>,
    client: Client,
    scope: Scope,
) -> Option<Location> {
    all(home, project)
        .into_iter()
        .find(|l| l.client == client && l.scope == scope && !l.legacy)
}

/// Whether a client is installed here: its file exists, or the folder it keeps it in does
/// (`~/.cursor`, `~/.config/Claude`; Claude Code's file sits in the home dir itself).
pub fn found(home: &Path, location: &Location) -> bool {
    location.path.exists()
        || location
            .path
            .parent()
            .is_some_and(|dir| dir != home && dir.is_dir())
}

/// The scopes a client has, for the message that refuses another.
pub fn scopes(client: Client) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for l in all(Path::new("/"), Some(Path::new("/"))) {
        if l.client == client && !l.legacy && !out.contains(&l.scope.id()) {
            out.push(l.scope.id());
        }
    }
    out
}
