//! MCP clients' own config files (issue 14): `mcp add` writes an entry that runs a connector's
//! MCP server through `keyport exec` by its absolute path (so it works when the client starts
//! from the desktop with an empty environment, where `${VAR}` arrives as literal text), `mcp
//! list` says what is configured where, and `mcp scan` finds credentials written in those files
//! in plain text and, with `--fix`, moves each into the vault and rewrites its entry.
//!
//! Every file is read with a size cap and refused when it is not a regular file; one that does
//! not parse is refused and left as it is. A write keeps a backup of the old file, goes through
//! a temporary file renamed into place, keeps the file's mode, and is refused through a
//! symbolic link (replacing the link would cut it from the file it points to). No secret is
//! ever printed: findings name the file, the server and the key, and diffs hide the values.

mod add;
mod codex;
pub mod detect;
mod diff;
mod facade;
mod fix;
mod json;
pub mod locations;
mod remove;
mod write;

pub use add::plan_add;
pub use facade::{
    add, ai_tools, fix_view, keyport_binary, plan, plan_remove, remove, use_with, used_by,
    AddRequest, RemoveRequest,
};
pub use fix::{fix, Fixed};
pub use locations::{Client, Format, Location, Scope};
pub use write::{write, Change, Written};

use crate::catalog::{Catalog, CatalogError};
use crate::files::{self, FileError};
use crate::manager::{self, Credential, ManagerError};
use crate::session::Session;
use crate::vault::{SecretValue, VaultError};
use detect::{Detected, Makes};
use keyport_model::{env_value, ConnectionView, Connector, ErrorCode};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// No client's config is near this size; a larger file is not one (or not one to trust).
pub const MAX_FILE: u64 = 4 * 1024 * 1024;

/// One server entry as a client file holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub name: String,
    pub command: Option<String>,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub url: Option<String>,
    pub headers: Vec<(String, String)>,
}

/// Why a file's content is not a client config Keyport can edit. Never quotes the content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigProblem {
    #[error("not valid {format}: {what} at line {line}, column {column}")]
    Syntax {
        format: &'static str,
        line: usize,
        column: usize,
        what: &'static str,
    },
    #[error("{at} is not {expected}")]
    Shape { at: String, expected: &'static str },
    #[error("it is not UTF-8 text")]
    NotText,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum McpError {
    #[error("there is no MCP client called {name}; Keyport knows {known}")]
    UnknownClient { name: String, known: String },
    #[error("{client} has no {scope} scope; it has {scopes}")]
    Scope {
        client: &'static str,
        scope: &'static str,
        scopes: String,
    },
    #[error("the {scope} scope is a project's, and there is no project here; run `keyport mcp add --scope {scope}` in the project")]
    NoProject { scope: &'static str },
    #[error("HOME is not set, so the clients' files cannot be found")]
    NoHome,
    #[error("{path} is not a directory")]
    NotADirectory { path: String },
    #[error("the keyport command cannot be found ({detail}); the entries run it by its path")]
    NoKeyport { detail: String },
    #[error("Keyport's catalog records no MCP server for {connector}, so there is no entry to add; run the server you use with `keyport exec ID -- COMMAND`")]
    NoServers { connector: String },
    #[error("{connector} has no MCP server called {server}; it has {known}")]
    UnknownServer {
        connector: String,
        server: String,
        known: String,
    },
    #[error("{server} is a remote server ({url}): Keyport starts local servers through `keyport exec` and cannot hand a remote one its token through these files yet; sign in to it from the client{local}")]
    RemoteServer {
        server: String,
        url: String,
        local: String,
    },
    #[error("{path} cannot be read as an MCP client config: {problem}. Nothing was changed; fix the file or move it away first")]
    Invalid {
        path: String,
        problem: ConfigProblem,
    },
    #[error("{path} already has a server called {server} that does not run through keyport; pass --force to replace it, or --name to give the new one another name")]
    EntryExists { path: String, server: String },
    #[error("{path} has {what}; nothing was changed")]
    NoEntry { path: String, what: String },
    #[error("the entry {server} in {path} does not run through keyport: it is not Keyport's to remove. Nothing was changed; edit the file yourself to remove it")]
    ForeignEntry { path: String, server: String },
    #[error("{path} runs this connection in more than one entry ({entries}); name the one to remove with --server")]
    WhichEntry { path: String, entries: String },
    #[error("{path} is a symbolic link (to {target}); Keyport writes no client file through a link, which the rewrite would replace. Nothing was changed")]
    Link { path: String, target: String },
    #[error("{path} changed while Keyport was working on it; nothing was written. Run the command again")]
    Changed { path: String },
    #[error("the entry {server} in {path} would still hold a secret after its rewrite; nothing was written")]
    SecretLeft { path: String, server: String },
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

impl McpError {
    pub fn code(&self) -> ErrorCode {
        match self {
            McpError::UnknownClient { .. } => ErrorCode::McpUnknownClient,
            McpError::Scope { .. } | McpError::NoProject { .. } => ErrorCode::McpScope,
            McpError::NoHome | McpError::NotADirectory { .. } | McpError::NoKeyport { .. } => {
                ErrorCode::FileNotFound
            }
            McpError::NoServers { .. } => ErrorCode::McpNoServers,
            McpError::UnknownServer { .. } => ErrorCode::McpUnknownServer,
            McpError::RemoteServer { .. } => ErrorCode::McpRemoteServer,
            McpError::Invalid { .. } => ErrorCode::McpConfigInvalid,
            McpError::EntryExists { .. } => ErrorCode::McpEntryExists,
            McpError::NoEntry { .. } => ErrorCode::McpNoEntry,
            McpError::WhichEntry { .. } => ErrorCode::McpWhichEntry,
            McpError::ForeignEntry { .. } => ErrorCode::McpForeignEntry,
            McpError::Link { .. } => ErrorCode::McpLink,
            McpError::Changed { .. } | McpError::SecretLeft { .. } => ErrorCode::McpChanged,
            McpError::File(e) => e.code(),
            McpError::Vault(e) => e.code(),
            McpError::Catalog(e) => e.code(),
        }
    }
}

impl crate::error::Coded for McpError {
    fn code(&self) -> ErrorCode {
        McpError::code(self)
    }
}

/// Where the person's files are and which `keyport` the entries run.
pub struct Places {
    /// `$HOME`.
    pub home: PathBuf,
    /// The project whose files are read (absolute); none where no directory means one (the
    /// desktop app), and then only the user-scope files are read and written.
    pub project: Option<PathBuf>,
    /// This keyport binary, absolute: clients started from the desktop have no useful PATH.
    pub keyport: PathBuf,
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

pub fn parse_client(name: &str) -> Result<Client, McpError> {
    Client::parse(name).ok_or_else(|| McpError::UnknownClient {
        name: name.to_owned(),
        known: Client::ALL.map(Client::id).join(", "),
    })
}

/// What a rewritten entry keeps of the old one.
#[derive(Debug, Clone, Copy)]
pub enum Keep<'a> {
    /// Nothing: a new entry (`mcp add`).
    Nothing,
    /// Its other keys, and its variables but these (`scan --fix`).
    AllBut(&'a [String]),
}

enum Doc {
    Json(json::JsonDoc),
    Toml(codex::TomlDoc),
}

impl Doc {
    fn parse(format: &Format, text: &str) -> Result<Doc, ConfigProblem> {
        Ok(match format {
            Format::Json(at) => Doc::Json(json::JsonDoc::parse(text, at.clone())?),
            Format::CodexToml => Doc::Toml(codex::TomlDoc::parse(text)?),
        })
    }

    fn servers(&self) -> Result<Vec<Server>, ConfigProblem> {
        match self {
            Doc::Json(d) => d.servers(),
            Doc::Toml(d) => d.servers(),
        }
    }

    fn set_stdio(&mut self, name: &str, command: &str, args: &[String], keep: Keep) {
        match self {
            Doc::Json(d) => d.set_stdio(name, command, args, keep),
            Doc::Toml(d) => d.set_stdio(name, command, args, keep),
        }
    }

    fn remove_server(&mut self, name: &str) {
        match self {
            Doc::Json(d) => d.remove_server(name),
            Doc::Toml(d) => d.remove_server(name),
        }
    }

    fn render(&self) -> String {
        match self {
            Doc::Json(d) => d.render(),
            Doc::Toml(d) => d.render(),
        }
    }
}

/// A client file as read: its text (empty for a file that is not there yet) and its document.
struct Loaded {
    path: PathBuf,
    exists: bool,
    text: String,
    doc: Doc,
}

fn invalid(path: &Path, problem: ConfigProblem) -> McpError {
    McpError::Invalid {
        path: shown(path),
        problem,
    }
}

/// The file `mcp add` and `mcp remove` change for `client`'s `scope`, read: refused for a project
/// scope with no project, a scope the client does not have, and a symbolic link.
fn file_to_change(
    places: &Places,
    client: Client,
    scope: Scope,
) -> Result<(Location, Loaded), McpError> {
    if places.project.is_none() && scope != Scope::User {
        return Err(McpError::NoProject { scope: scope.id() });
    }
    let location = locations::for_add(&places.home, places.project.as_deref(), client, scope)
        .ok_or_else(|| McpError::Scope {
            client: client.id(),
            scope: scope.id(),
            scopes: locations::scopes(client).join(", "),
        })?;
    write::refuse_link(&location.path)?;
    let loaded = load(&location.path, &location.format)?;
    Ok((location, loaded))
}

/// Reads a client file; a missing one reads as empty.
fn load(path: &Path, format: &Format) -> Result<Loaded, McpError> {
    let (exists, bytes) = match files::read_limited(path, MAX_FILE, "MCP client config") {
        Ok(bytes) => (true, bytes),
        Err(FileError::NotFound { .. }) => (false, Vec::new()),
        Err(FileError::Empty { .. }) => (true, Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let text = String::from_utf8(bytes).map_err(|_| invalid(path, ConfigProblem::NotText))?;
    let doc = Doc::parse(format, &text).map_err(|p| invalid(path, p))?;
    Ok(Loaded {
        path: path.to_owned(),
        exists,
        text,
        doc,
    })
}

/// The connection ids an entry hands to `keyport exec`, and the command it runs after `--`;
/// `None` for an entry that does not run through keyport.
fn through_keyport(server: &Server) -> Option<(Vec<String>, &[String])> {
    let command = server.command.as_deref()?;
    let program = Path::new(command).file_name()?.to_str()?;
    if !(program == "keyport" || program == "keyport.exe") || server.args.first()? != "exec" {
        return None;
    }
    let rest = &server.args[1..];
    let split = rest.iter().position(|a| a == "--").unwrap_or(rest.len());
    let mut ids = Vec::new();
    let mut options = rest[..split].iter();
    while let Some(arg) = options.next() {
        if arg == "--env" {
            options.next();
        } else if !arg.starts_with('-') {
            ids.push(arg.clone());
        }
    }
    Some((ids, rest.get(split + 1..).unwrap_or(&[])))
}

/// Where in an entry a secret is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "in", rename_all = "snake_case")]
pub enum Place {
    Env {
        name: String,
    },
    /// `args[index]`; `flag` when the secret is the value of the argument before it.
    Arg {
        index: usize,
        flag: Option<String>,
    },
    Header {
        name: String,
    },
    Url,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Env { name } => write!(f, "env {name}"),
            Place::Arg {
                index,
                flag: Some(flag),
            } => write!(f, "args[{index}] (value of {flag})"),
            Place::Arg { index, flag: None } => write!(f, "args[{index}]"),
            Place::Header { name } => write!(f, "header {name}"),
            Place::Url => f.write_str("url"),
        }
    }
}

/// A credential found in plain text. The secret itself is kept for `--fix` only and is
/// never serialized or shown.
#[derive(Debug, serde::Serialize)]
pub struct Finding {
    pub clients: Vec<Client>,
    pub scope: Scope,
    pub file: PathBuf,
    pub server: String,
    #[serde(flatten)]
    pub place: Place,
    pub kind: String,
    pub connector: Option<String>,
    #[serde(skip)]
    secret: Zeroizing<String>,
    #[serde(skip)]
    makes: Option<Makes>,
}

/// An argument that is a name=value pair (`--api-key=…`, docker's `-e NAME=…`).
fn split_pair(arg: &str) -> Option<(&str, &str)> {
    let (name, value) = arg.split_once('=')?;
    let bare = name.trim_start_matches('-');
    (!bare.is_empty()
        && bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    .then_some((name, value))
}

/// The secrets in one entry, in the order they appear, each with its place.
fn secrets_in(catalog: &Catalog, server: &Server) -> Vec<(Place, Detected, String)> {
    let mut out = Vec::new();
    for (name, value) in &server.env {
        if let Some(d) = detect::detect(catalog, Some(name), value) {
            out.push((Place::Env { name: name.clone() }, d, value.clone()));
        }
    }
    // In an entry that runs through keyport, only the server's own arguments can hold one.
    let skip = match through_keyport(server) {
        Some((_, command)) => server.args.len() - command.len(),
        None => 0,
    };
    for (index, arg) in server.args.iter().enumerate().skip(skip) {
        let previous = index
            .checked_sub(1)
            .and_then(|i| server.args.get(i))
            .filter(|p| p.starts_with('-') && !p.contains('=') && detect::secret_name(p));
        let (flag, found) = match (split_pair(arg), previous) {
            (Some((name, value)), _) => (
                None,
                detect::detect(catalog, Some(name), value).map(|d| (d, value)),
            ),
            (None, Some(flag)) => (
                Some(flag.clone()),
                detect::detect(catalog, Some(flag), arg).map(|d| (d, arg.as_str())),
            ),
            (None, None) => (
                None,
                detect::detect(catalog, None, arg).map(|d| (d, arg.as_str())),
            ),
        };
        if let Some((d, value)) = found {
            out.push((Place::Arg { index, flag }, d, value.to_owned()));
        }
    }
    for (name, value) in &server.headers {
        if let Some(d) = detect::detect(catalog, Some(name), value) {
            out.push((Place::Header { name: name.clone() }, d, value.clone()));
        }
    }
    if let Some(url) = &server.url {
        let in_query = url::Url::parse(url).ok().and_then(|u| {
            u.query_pairs()
                .find_map(|(k, v)| detect::detect(catalog, Some(&k), &v))
        });
        if let Some(d) = detect::detect(catalog, None, url).or(in_query) {
            out.push((Place::Url, d, url.clone()));
        }
    }
    out
}

/// A file every client location that shares it reads, with the clients that read it.
struct Source {
    clients: Vec<Client>,
    location: Location,
}

/// The client locations, one per file and place in it.
fn sources(places: &Places) -> Vec<Source> {
    let mut out: Vec<Source> = Vec::new();
    for location in locations::all(&places.home, places.project.as_deref()) {
        match out
            .iter_mut()
            .find(|s| s.location.path == location.path && s.location.format == location.format)
        {
            Some(source) => source.clients.push(location.client),
            None => out.push(Source {
                clients: vec![location.client],
                location,
            }),
        }
    }
    out
}

/// One configured server as `mcp list` shows it.
#[derive(Debug, serde::Serialize)]
pub struct Listed {
    pub name: String,
    /// The connections it gets through `keyport exec`, when it runs through keyport.
    pub keyport_connections: Option<Vec<String>>,
    pub remote: bool,
    /// How many credentials it holds in plain text (never which).
    pub plain_text_secrets: usize,
}

/// One client file found.
#[derive(Debug, serde::Serialize)]
pub struct ListedFile {
    pub clients: Vec<Client>,
    pub scope: Scope,
    pub path: PathBuf,
    /// Why it could not be read, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    pub servers: Vec<Listed>,
}

/// The existing client files and their servers.
pub fn list(catalog: &Catalog, places: &Places) -> Vec<ListedFile> {
    let mut out = Vec::new();
    for source in sources(places) {
        let path = &source.location.path;
        if std::fs::symlink_metadata(path).is_err() {
            continue;
        }
        let mut file = ListedFile {
            clients: source.clients.clone(),
            scope: source.location.scope,
            path: path.clone(),
            problem: None,
            servers: Vec::new(),
        };
        match load(path, &source.location.format)
            .and_then(|l| l.doc.servers().map_err(|p| invalid(path, p)))
        {
            Ok(servers) => {
                // Claude Code's local scope is one project's part of ~/.claude.json: a file
                // without that part has no servers there to list.
                if servers.is_empty() && source.location.scope == Scope::Local {
                    continue;
                }
                file.servers = servers
                    .iter()
                    .map(|s| Listed {
                        name: s.name.clone(),
                        keyport_connections: through_keyport(s).map(|(ids, _)| ids),
                        remote: s.command.is_none() && s.url.is_some(),
                        plain_text_secrets: secrets_in(catalog, s).len(),
                    })
                    .collect();
            }
            Err(e) => file.problem = Some(e.to_string()),
        }
        out.push(file);
    }
    out
}

/// Every credential in plain text in the client files, and the files that could not be read.
pub fn scan(catalog: &Catalog, places: &Places) -> (Vec<Finding>, Vec<McpError>) {
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    for source in sources(places) {
        let path = &source.location.path;
        if std::fs::symlink_metadata(path).is_err() {
            continue;
        }
        let servers = match load(path, &source.location.format)
            .and_then(|l| l.doc.servers().map_err(|p| invalid(path, p)))
        {
            Ok(servers) => servers,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        for server in &servers {
            findings.extend(findings_in(catalog, &source, server));
        }
    }
    (findings, problems)
}

/// The credentials in plain text in one server entry of `source`'s file.
fn findings_in(catalog: &Catalog, source: &Source, server: &Server) -> Vec<Finding> {
    secrets_in(catalog, server)
        .into_iter()
        .map(|(place, d, secret)| Finding {
            clients: source.clients.clone(),
            scope: source.location.scope,
            file: source.location.path.clone(),
            server: server.name.clone(),
            place,
            kind: d.kind,
            connector: d.connector,
            secret: Zeroizing::new(secret),
            makes: d.credential,
        })
        .collect()
}
