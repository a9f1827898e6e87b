//! The "Use with" panel of a connection: the MCP clients on this machine, the entry Keyport
//! would add to one of them, and the credentials their files hold in plain text. Nothing here
//! holds a secret: a finding names its file, server, place and kind, never its value, and a
//! diff arrives with every secret replaced by `‹hidden›`.

use serde::{Deserialize, Serialize};

/// The panel for one connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UseWithView {
    pub connection_id: String,
    /// The connector's MCP servers, the local ones (which Keyport can run) first.
    pub servers: Vec<McpServerChoice>,
    /// Every client Keyport knows, those found on this machine first.
    pub clients: Vec<McpClientView>,
    /// The credentials written in plain text in the clients' files.
    pub findings: Vec<McpFindingView>,
    /// Files that could not be read, each a sentence with no secret in it.
    pub problems: Vec<String>,
}

/// One of the connector's MCP servers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpServerChoice {
    pub name: String,
    /// A remote server: Keyport cannot add it through `keyport exec`.
    pub remote: bool,
}

/// One MCP client and its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpClientView {
    /// `claude-desktop`, `cursor`, … (what the commands take).
    pub id: String,
    /// `Claude Desktop`, `Cursor`, …
    pub name: String,
    /// The file an entry is added to.
    pub path: String,
    /// Installed here: its file or its config folder exists.
    pub found: bool,
    /// The file exists.
    pub has_file: bool,
    /// Its entries that run this connection through keyport.
    pub entries: Vec<String>,
    /// How many credentials its file holds in plain text (never which).
    pub plain_text_secrets: usize,
    /// Why its file cannot be read, when it cannot.
    pub problem: Option<String>,
}

/// A credential found in plain text: where it is and what it is, never its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpFindingView {
    pub file: String,
    /// The entry (MCP server) that holds it.
    pub server: String,
    /// Where in the entry: `env GITHUB_TOKEN`, `args[3]`, `header Authorization`, `url`.
    pub key: String,
    /// What it is: `GitHub token`, `PostgreSQL URL with a password`, …
    pub kind: String,
    /// The connector it belongs to, when Keyport can tell.
    pub connector: Option<String>,
    /// The clients that read its file, by name.
    pub clients: Vec<String>,
}

/// The change an Add would make, shown before it is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpPlanView {
    pub client: String,
    pub path: String,
    /// The entry's name in the file.
    pub entry: String,
    /// A unified diff with every secret hidden; empty when the file already has this entry.
    pub diff: String,
    /// An entry of that name is there and is replaced.
    pub replaces: bool,
}

/// What an Add wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpAddedView {
    pub path: String,
    /// The old file's copy; none when there was no file.
    pub backup: Option<String>,
    /// The sentence that says so (as `keyport mcp add --write` prints it).
    pub message: String,
}

/// Which plain-text credentials a Fix moves: all of them, or those of one entry of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpFixTarget {
    pub file: String,
    pub server: String,
}

/// What a Fix did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpFixView {
    pub fixed: Vec<McpFixedView>,
    /// Files that could not be read.
    pub problems: Vec<String>,
}

/// One finding after a Fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpFixedView {
    pub finding: McpFindingView,
    /// The connection it now lives in, when it was moved.
    pub connection: Option<String>,
    /// The sentence that says what was done (as `keyport mcp scan --fix` prints it).
    pub message: String,
}

/// What a Remove wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpRemovedView {
    pub path: String,
    /// The old file's copy.
    pub backup: Option<String>,
    /// The sentence that says so (as `keyport mcp remove --write` prints it).
    pub message: String,
}

/// Settings › AI tools: every MCP client Keyport knows, with its user file and the Keyport
/// entries in it, and the credentials those files hold in plain text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AiToolsView {
    /// Those found on this machine first.
    pub clients: Vec<AiToolView>,
    pub findings: Vec<McpFindingView>,
    /// Files that could not be read, each a sentence with no secret in it.
    pub problems: Vec<String>,
}

/// One MCP client in Settings › AI tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AiToolView {
    pub id: String,
    pub name: String,
    /// Its user file.
    pub path: String,
    /// Installed here: its file or its config folder exists.
    pub found: bool,
    pub has_file: bool,
    /// Its entries that run through keyport.
    pub entries: Vec<McpEntryView>,
    /// How many credentials its file holds in plain text (never which).
    pub plain_text_secrets: usize,
    /// Why its file cannot be read, when it cannot.
    pub problem: Option<String>,
}

/// An entry that runs through keyport, and the connections it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpEntryView {
    pub server: String,
    pub connections: Vec<McpEntryConnection>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpEntryConnection {
    pub id: String,
    /// Its name; none when the vault has no such connection (it was deleted).
    pub name: Option<String>,
}

/// The MCP clients whose user files run one connection through keyport.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpUsageView {
    pub connection_id: String,
    /// By name, in Keyport's order of clients.
    pub clients: Vec<String>,
}
