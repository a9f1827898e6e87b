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

mod codex;
pub mod detect;
mod diff;
mod json;
pub mod locations;

pub use locations::{Client, Format, Location, Scope};

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
            McpError::Scope { .. } => ErrorCode::McpScope,
            McpError::NoServers { .. } => ErrorCode::McpNoServers,
            McpError::UnknownServer { .. } => ErrorCode::McpUnknownServer,
            McpError::RemoteServer { .. } => ErrorCode::McpRemoteServer,
            McpError::Invalid { .. } => ErrorCode::McpConfigInvalid,
            McpError::EntryExists { .. } => ErrorCode::McpEntryExists,
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
    /// The project whose files are read (absolute).
    pub project: PathBuf,
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
    for location in locations::all(&places.home, &places.project) {
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
            for (place, d, secret) in secrets_in(catalog, server) {
                findings.push(Finding {
                    clients: source.clients.clone(),
                    scope: source.location.scope,
                    file: path.clone(),
                    server: server.name.clone(),
                    place,
                    kind: d.kind,
                    connector: d.connector,
                    secret: Zeroizing::new(secret),
                    makes: d.credential,
                });
            }
        }
    }
    (findings, problems)
}

/// Replaces every secret in `text` (a diff of a client file) with `‹hidden›`, so a diff can be
/// shown with the entries around the change.
fn hide_secrets(catalog: &Catalog, text: &str) -> String {
    let strings =
        regex_lite::Regex::new(r#""((?:[^"\\]|\\.)*)"(\s*[:=])?"#).expect("a valid regex");
    let bare_key = regex_lite::Regex::new(r"^[-+ ]\s*([A-Za-z0-9_-]+)\s*=").expect("a valid regex");
    text.lines()
        .map(|line| {
            let mut key = bare_key.captures(line).map(|c| c[1].to_owned());
            let mut out = String::with_capacity(line.len());
            let mut last = 0;
            for caps in strings.captures_iter(line) {
                let inner = &caps[1];
                if caps.get(2).is_some() {
                    key = Some(inner.to_owned());
                    continue;
                }
                let value = serde_json::from_str::<String>(&format!("\"{inner}\""))
                    .unwrap_or_else(|_| inner.to_owned());
                if detect::detect(catalog, key.as_deref(), &value).is_some() {
                    let literal = caps.get(1).expect("group");
                    out.push_str(&line[last..literal.start()]);
                    out.push_str("‹hidden›");
                    last = literal.end();
                }
            }
            out.push_str(&line[last..]);
            out.push('\n');
            out
        })
        .collect()
}

/// A planned change of one client file: its text before and after, as a diff to show and a
/// text to write.
pub struct Change {
    pub path: PathBuf,
    pub diff: String,
    /// The entry's name in the file.
    pub server: String,
    /// Whether an entry of that name was there (and is replaced).
    pub replaces: bool,
    exists: bool,
    old: String,
    new: String,
}

/// What a written change left behind.
#[derive(Debug, serde::Serialize)]
pub struct Written {
    pub path: PathBuf,
    /// The old file's copy; none when there was no file.
    pub backup: Option<PathBuf>,
}

/// Refuses a target that is a symbolic link, before anything is read for writing.
fn refuse_link(path: &Path) -> Result<(), McpError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(McpError::Link {
            path: shown(path),
            target: std::fs::read_link(path)
                .map(|t| shown(&t))
                .unwrap_or_else(|_| "somewhere unreadable".to_owned()),
        }),
        _ => Ok(()),
    }
}

/// The entry `mcp add` writes for `connection` in `client`'s file of `scope`.
#[allow(clippy::too_many_arguments)]
pub fn plan_add(
    catalog: &Catalog,
    places: &Places,
    connection: &ConnectionView,
    client: Client,
    scope: Scope,
    server: Option<&str>,
    name: Option<&str>,
    force: bool,
) -> Result<Change, McpError> {
    let connector = catalog.get(&connection.connector_id)?;
    let chosen = pick_server(connector, server)?;
    let location =
        locations::for_add(&places.home, &places.project, client, scope).ok_or_else(|| {
            McpError::Scope {
                client: client.id(),
                scope: scope.id(),
                scopes: locations::scopes(client).join(", "),
            }
        })?;
    refuse_link(&location.path)?;
    let mut loaded = load(&location.path, &location.format)?;
    let entry_name = name.unwrap_or(&chosen.name).to_owned();
    let existing = loaded
        .doc
        .servers()
        .map_err(|p| invalid(&location.path, p))?
        .into_iter()
        .find(|s| s.name == entry_name);
    if let Some(old) = &existing {
        if through_keyport(old).is_none() && !force {
            return Err(McpError::EntryExists {
                path: shown(&location.path),
                server: entry_name,
            });
        }
    }
    let mut args = vec![
        "exec".to_owned(),
        connection.id.clone(),
        "--".to_owned(),
        chosen.command.clone().expect("picked a local server"),
    ];
    args.extend(chosen.args.iter().cloned());
    // The new entry replaces the old one whole: nothing of a replaced entry (an env with a
    // secret, a remote server's address) is carried over.
    loaded
        .doc
        .set_stdio(&entry_name, &shown(&places.keyport), &args, Keep::Nothing);
    let new = loaded.doc.render();
    Ok(Change {
        diff: hide_secrets(
            catalog,
            &diff::unified(&shown(&location.path), &loaded.text, &new),
        ),
        path: location.path,
        server: entry_name,
        replaces: existing.is_some(),
        exists: loaded.exists,
        old: loaded.text,
        new,
    })
}

/// The connector's server `wanted`, or its first local one; a remote one is refused.
fn pick_server<'c>(
    connector: &'c Connector,
    wanted: Option<&str>,
) -> Result<&'c keyport_model::McpServer, McpError> {
    if connector.mcp_servers.is_empty() {
        return Err(McpError::NoServers {
            connector: connector.name.clone(),
        });
    }
    let local: Vec<&str> = connector
        .mcp_servers
        .iter()
        .filter(|s| s.command.is_some())
        .map(|s| s.name.as_str())
        .collect();
    let chosen = match wanted {
        Some(name) => connector
            .mcp_servers
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| McpError::UnknownServer {
                connector: connector.name.clone(),
                server: name.to_owned(),
                known: connector
                    .mcp_servers
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?,
        None => connector
            .mcp_servers
            .iter()
            .find(|s| s.command.is_some())
            .unwrap_or(&connector.mcp_servers[0]),
    };
    if chosen.command.is_none() {
        return Err(McpError::RemoteServer {
            server: chosen.name.clone(),
            url: chosen.url.clone().unwrap_or_default(),
            local: if local.is_empty() {
                String::new()
            } else {
                format!(", or pick a local one with --server ({})", local.join(", "))
            },
        });
    }
    Ok(chosen)
}

/// Writes a planned change: a backup of the old file beside it (owner-only), then the new
/// text through a temporary file renamed into place, with the old file's mode.
pub fn write(change: &Change) -> Result<Written, McpError> {
    let path = &change.path;
    refuse_link(path)?;
    // What is there now must be what the plan was made from.
    let now = match files::read_limited(path, MAX_FILE, "MCP client config") {
        Ok(bytes) => Some(bytes),
        Err(FileError::NotFound { .. }) => None,
        Err(FileError::Empty { .. }) => Some(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    if now.is_some() != change.exists || now.as_deref().unwrap_or_default() != change.old.as_bytes()
    {
        return Err(McpError::Changed { path: shown(path) });
    }
    let mode = std::fs::metadata(path).ok().map(|m| permissions_of(&m));
    let backup = if change.exists {
        Some(backup(path, change.old.as_bytes())?)
    } else {
        if let Some(parent) = path.parent().filter(|p| !p.exists()) {
            files::private_dir(parent)?;
        }
        None
    };
    files::write_private(path, change.new.as_bytes(), true)?;
    if let Some(mode) = mode {
        set_permissions(path, mode)?;
    }
    tracing::info!(path = %path.display(), "wrote an MCP client config");
    Ok(Written {
        path: path.clone(),
        backup,
    })
}

#[cfg(unix)]
fn permissions_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn permissions_of(_meta: &std::fs::Metadata) -> u32 {
    0
}

#[cfg(unix)]
fn set_permissions(path: &Path, mode: u32) -> Result<(), McpError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| {
        FileError::Unwritable {
            path: shown(path),
            detail: e.kind().to_string(),
        }
        .into()
    })
}

#[cfg(not(unix))]
fn set_permissions(_path: &Path, _mode: u32) -> Result<(), McpError> {
    Ok(())
}

/// `FILE.keyport-backup-<UTC time>` (with `-2`, `-3`... when one of that second exists),
/// owner-only: the old file may hold the very secrets a fix moves into the vault.
fn backup(path: &Path, bytes: &[u8]) -> Result<PathBuf, McpError> {
    let stamp = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| "now".to_owned());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for n in 1..100 {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("-{n}")
        };
        let target = path.with_file_name(format!("{name}.keyport-backup-{stamp}{suffix}"));
        match files::write_private(&target, bytes, false) {
            Ok(()) => return Ok(target),
            Err(FileError::Exists { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(FileError::Exists { path: shown(path) }.into())
}

/// What `scan --fix` did with one finding.
#[derive(Debug, serde::Serialize)]
pub struct Fixed {
    #[serde(flatten)]
    pub finding: Finding,
    /// The connection it now lives in, when it was moved.
    pub connection: Option<String>,
    /// Whether the service accepted it before it was stored.
    pub verified: bool,
    /// Why it was left where it is, when it was.
    pub left: Option<String>,
    /// The old file's copy, once its file was rewritten.
    pub backup: Option<PathBuf>,
}

/// One secret moved: the connection made for it, shared by every place that holds it.
struct Moved {
    connector: String,
    secret: Zeroizing<String>,
    view: ConnectionView,
}

/// An entry's new form: the same name, run through `keyport exec`.
struct Rewrite {
    server: String,
    args: Vec<String>,
    drop_env: Vec<String>,
}

/// Moves every credential found that Keyport can tell the service of into the vault as a
/// connection (checked with the service unless `verify` is off, exactly as `connect` does),
/// and rewrites each entry that held one to run through `keyport exec` with none left in it.
/// An entry with any secret Keyport cannot place is left whole, and said so.
pub async fn fix(
    session: &Session,
    catalog: &Catalog,
    places: &Places,
    verify: bool,
) -> Result<(Vec<Fixed>, Vec<McpError>), McpError> {
    if !session.is_unlocked() {
        return Err(VaultError::Locked.into());
    }
    let mut moved: Vec<Moved> = Vec::new();
    let mut out: Vec<Fixed> = Vec::new();
    let mut problems = Vec::new();
    // Sources that share a file (Claude Code's user and local scopes) are read one after the
    // other, each after the write of the one before.
    for source in sources(places) {
        let path = &source.location.path;
        if std::fs::symlink_metadata(path).is_err() {
            continue;
        }
        let loaded = match load(path, &source.location.format) {
            Ok(loaded) => loaded,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let servers = match loaded.doc.servers() {
            Ok(servers) => servers,
            Err(p) => {
                problems.push(invalid(path, p));
                continue;
            }
        };
        let first = out.len();
        let mut rewrites = Vec::new();
        for server in &servers {
            let findings: Vec<Finding> = secrets_in(catalog, server)
                .into_iter()
                .map(|(place, d, secret)| Finding {
                    clients: source.clients.clone(),
                    scope: source.location.scope,
                    file: path.clone(),
                    server: server.name.clone(),
                    place,
                    kind: d.kind,
                    connector: d.connector,
                    secret: Zeroizing::new(secret),
                    makes: d.credential,
                })
                .collect();
            if findings.is_empty() {
                continue;
            }
            let planned = plan_fix(session, catalog, server, &findings, &mut moved, verify).await;
            let left = planned.as_ref().err().cloned();
            for finding in findings {
                let connection = moved
                    .iter()
                    .find(|m| *m.secret == *finding.secret)
                    .filter(|_| left.is_none())
                    .map(|m| (m.view.id.clone(), m.view.verified));
                out.push(Fixed {
                    connection: connection.as_ref().map(|c| c.0.clone()),
                    verified: connection.is_some_and(|c| c.1),
                    left: left.clone(),
                    backup: None,
                    finding,
                });
            }
            if let Ok(rewrite) = planned {
                rewrites.push(rewrite);
            }
        }
        if rewrites.is_empty() {
            continue;
        }
        match rewrite_file(catalog, places, loaded, &rewrites) {
            Ok(written) => {
                for fixed in out[first..].iter_mut().filter(|f| f.left.is_none()) {
                    fixed.backup = written.backup.clone();
                }
            }
            Err(e) => {
                for fixed in out[first..].iter_mut().filter(|f| f.left.is_none()) {
                    fixed.left = Some(format!(
                        "the file was not rewritten ({e}); the secret is stored as connection {} all the same",
                        fixed.connection.as_deref().unwrap_or("?")
                    ));
                }
            }
        }
    }
    Ok((out, problems))
}

/// Stores one entry's secrets and says how the entry is rewritten, or why it is left as it is.
async fn plan_fix(
    session: &Session,
    catalog: &Catalog,
    server: &Server,
    group: &[Finding],
    moved: &mut Vec<Moved>,
    verify: bool,
) -> Result<Rewrite, String> {
    let Some(original) = server.command.as_deref() else {
        return Err("a remote server: Keyport cannot run it through `keyport exec`; sign in to it from the client and remove the secret by hand".to_owned());
    };
    // Everything is checked before anything is stored.
    let mut placed = Vec::new();
    for f in group {
        let (Some(makes), Some(id)) = (f.makes, f.connector.as_deref()) else {
            return Err(format!(
                "Keyport cannot tell which service the {} at {} belongs to; store it with `keyport connect`, then run the server with `keyport mcp add`",
                f.kind, f.place
            ));
        };
        let connector = catalog.get(id).map_err(|e| e.to_string())?;
        let field = match makes {
            Makes::Key(_) => env_value::TOKEN,
            Makes::DatabaseUrl => env_value::DATABASE_URL,
        };
        match &f.place {
            Place::Env { .. } => {}
            Place::Arg { .. } if connector.env.iter().any(|e| e.value == field) => {}
            Place::Arg { .. } => {
                return Err(format!(
                    "the server takes the {} as an argument, and {} declares no variable Keyport could hand it in instead; rewrite the entry by hand",
                    f.kind, connector.name
                ))
            }
            Place::Header { .. } | Place::Url => {
                return Err("a header or an address of a remote server: remove it by hand".to_owned())
            }
        }
        placed.push((f, connector, makes, field));
    }
    let mut ids: Vec<String> = Vec::new();
    let mut env_options: Vec<String> = Vec::new();
    let mut drop_env = Vec::new();
    let mut drop_args: Vec<usize> = Vec::new();
    for (f, connector, makes, field) in placed {
        let view = match moved
            .iter()
            .find(|m| m.connector == connector.id && *m.secret == *f.secret)
        {
            Some(m) => m.view.clone(),
            None => {
                let view =
                    store(session, connector, makes, &f.secret, &server.name, verify).await?;
                moved.push(Moved {
                    connector: connector.id.clone(),
                    secret: f.secret.clone(),
                    view: view.clone(),
                });
                view
            }
        };
        if !ids.contains(&view.id) {
            ids.push(view.id.clone());
        }
        match &f.place {
            Place::Env { name } => {
                drop_env.push(name.clone());
                // A variable the connector does not declare is filled by name (`--env NAME=ID`
                // hands the connection's token, key or database URL).
                if !connector
                    .env
                    .iter()
                    .any(|e| e.name == *name && e.value == field)
                {
                    env_options.extend(["--env".to_owned(), format!("{name}={}", view.id)]);
                }
            }
            Place::Arg { index, flag } => {
                drop_args.push(*index);
                if flag.is_some() {
                    drop_args.push(index - 1);
                }
            }
            Place::Header { .. } | Place::Url => {}
        }
    }
    // An entry that already runs through keyport keeps its connections and its command.
    let (mut all_ids, command, from) = match through_keyport(server) {
        Some((old, rest)) if !rest.is_empty() => {
            let at = server.args.len() - rest.len();
            (old, rest[0].clone(), at + 1)
        }
        _ => (Vec::new(), original.to_owned(), 0),
    };
    for id in ids {
        if !all_ids.contains(&id) {
            all_ids.push(id);
        }
    }
    let mut args = vec!["exec".to_owned()];
    args.extend(all_ids);
    args.extend(env_options);
    args.push("--".to_owned());
    args.push(command);
    args.extend(
        server
            .args
            .iter()
            .enumerate()
            .skip(from)
            .filter(|(i, _)| !drop_args.contains(i))
            .map(|(_, a)| a.clone()),
    );
    Ok(Rewrite {
        server: server.name.clone(),
        args,
        drop_env,
    })
}

/// Stores one secret as a connection of `connector`, through the session's connect.
async fn store(
    session: &Session,
    connector: &Connector,
    makes: Makes,
    secret: &str,
    server: &str,
    verify: bool,
) -> Result<ConnectionView, String> {
    let value = SecretValue::new(secret.as_bytes().to_vec());
    let credential = match makes {
        Makes::Key(kind) => Credential::Key {
            kind,
            username: None,
            secret: value,
        },
        Makes::DatabaseUrl => Credential::DatabaseUrl(value),
    };
    let request = manager::Request {
        connector,
        name: Some(format!("{} (MCP server {server})", connector.name)),
        config: Default::default(),
        verify,
    };
    session
        .connect_credential(request, credential)
        .await
        .map_err(|e: ManagerError| e.to_string())
}

/// Rewrites a file's entries, then checks that none of them holds a secret any more before
/// anything is written.
fn rewrite_file(
    catalog: &Catalog,
    places: &Places,
    mut loaded: Loaded,
    rewrites: &[Rewrite],
) -> Result<Written, McpError> {
    for r in rewrites {
        loaded.doc.set_stdio(
            &r.server,
            &shown(&places.keyport),
            &r.args,
            Keep::AllBut(&r.drop_env),
        );
    }
    // The rewrite keeps the entries' other keys; none of those may hold a secret either.
    let servers = loaded.doc.servers().map_err(|p| invalid(&loaded.path, p))?;
    if let Some(s) = servers
        .iter()
        .find(|s| rewrites.iter().any(|r| r.server == s.name) && !secrets_in(catalog, s).is_empty())
    {
        return Err(McpError::SecretLeft {
            path: shown(&loaded.path),
            server: s.name.clone(),
        });
    }
    write(&Change {
        new: loaded.doc.render(),
        path: loaded.path,
        diff: String::new(),
        server: String::new(),
        replaces: true,
        exists: loaded.exists,
        old: loaded.text,
    })
}
