//! What every front-end calls: the CLI's `keyport mcp` and the desktop's "Use with" panel find
//! the files, plan and write an entry, and say what was done the same way, through these
//! functions. A front-end reads its arguments and shows the answers; it decides nothing.

pub use super::remove::{plan_remove, RemoveRequest};
use super::*;
use keyport_model::{
    AiToolView, AiToolsView, McpAddedView, McpClientView, McpEntryConnection, McpEntryView,
    McpFindingView, McpFixView, McpFixedView, McpPlanView, McpRemovedView, McpServerChoice,
    McpUsageView, UseWithView,
};

impl Places {
    /// `$HOME`, the project (a directory, made absolute; none where no directory means one)
    /// and the `keyport` the entries run.
    pub fn find(project: Option<&Path>, keyport: PathBuf) -> Result<Places, McpError> {
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .ok_or(McpError::NoHome)?;
        let project = match project {
            Some(dir) => Some(
                dir.canonicalize()
                    .ok()
                    .filter(|p| p.is_dir())
                    .ok_or_else(|| McpError::NotADirectory { path: shown(dir) })?,
            ),
            None => None,
        };
        Ok(Places {
            home,
            project,
            keyport,
        })
    }
}

/// The `keyport` command an entry runs, by its absolute path (clients started from the desktop
/// have no useful PATH): this program when it is `keyport`, else the `keyport` installed beside
/// it (the desktop app's).
pub fn keyport_binary() -> Result<PathBuf, McpError> {
    let missing = |detail: String| McpError::NoKeyport { detail };
    let me = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| missing(e.to_string()))?;
    let cli = format!("keyport{}", std::env::consts::EXE_SUFFIX);
    if me.file_name().is_some_and(|n| n == cli.as_str()) {
        return Ok(me);
    }
    let beside = me.with_file_name(&cli);
    if beside.is_file() {
        Ok(beside)
    } else {
        Err(missing(format!("it is not beside {}", shown(&me))))
    }
}

/// An entry to add: `mcp add`'s arguments, as the desktop's Add sends them too.
#[derive(Debug, Clone)]
pub struct AddRequest<'a> {
    pub connection: &'a str,
    pub client: &'a str,
    pub scope: Scope,
    /// The connector's server [default: its first local one].
    pub server: Option<&'a str>,
    /// The entry's name in the file [default: the server's name].
    pub name: Option<&'a str>,
    /// Replace an entry of that name that does not run through keyport.
    pub force: bool,
}

/// The change adding `request`'s entry would make. Listing connections needs no key: the entry
/// holds the connection's id, never its secret.
pub async fn plan(
    session: &Session,
    catalog: &Catalog,
    places: &Places,
    request: &AddRequest<'_>,
) -> Result<(Client, Change), McpError> {
    let client = parse_client(request.client)?;
    let connection = connection(session, request.connection).await?;
    let change = plan_add(
        catalog,
        places,
        &connection,
        client,
        request.scope,
        request.server,
        request.name,
        request.force,
    )?;
    Ok((client, change))
}

async fn connection(session: &Session, id: &str) -> Result<ConnectionView, McpError> {
    session
        .connections()
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| VaultError::ConnectionNotFound(id.to_owned()).into())
}

impl Change {
    /// The sentence for a change with nothing to write.
    pub fn unchanged_message(&self, client: Client) -> String {
        format!(
            "{} already runs {} through keyport in {}; nothing to change.",
            client.name(),
            self.server,
            self.path.display()
        )
    }

    /// The change as the panel shows it before it is made.
    pub fn view(&self, client: Client) -> McpPlanView {
        McpPlanView {
            client: client.id().to_owned(),
            path: shown(&self.path),
            entry: self.server.clone(),
            diff: self.diff.clone(),
            replaces: self.replaces,
        }
    }
}

/// Writes a planned change (a backup of the old file is kept). With `seen`, only when its diff
/// is the one the person was shown: a file changed in between is refused, not overwritten.
fn write_seen(change: &Change, seen: Option<&str>) -> Result<Written, McpError> {
    if seen.is_some_and(|diff| diff != change.diff) {
        return Err(McpError::Changed {
            path: shown(&change.path),
        });
    }
    write(change)
}

fn backup_note(written: &Written) -> String {
    match &written.backup {
        Some(b) => format!("; the old file is in {}", b.display()),
        None => String::new(),
    }
}

/// Writes a planned Add (see `write_seen`).
pub fn add(change: &Change, client: Client, seen: Option<&str>) -> Result<McpAddedView, McpError> {
    let written = write_seen(change, seen)?;
    Ok(McpAddedView {
        message: format!(
            "{} {} in {}{}. Restart {} to start the server.",
            if change.replaces { "Replaced" } else { "Added" },
            change.server,
            written.path.display(),
            backup_note(&written),
            client.name()
        ),
        path: shown(&written.path),
        backup: written.backup.as_deref().map(shown),
    })
}

/// Writes a planned Remove (see `write_seen`).
pub fn remove(
    change: &Change,
    client: Client,
    seen: Option<&str>,
) -> Result<McpRemovedView, McpError> {
    let written = write_seen(change, seen)?;
    Ok(McpRemovedView {
        message: format!(
            "Removed {} from {}{}. Restart {} to stop the server.",
            change.server,
            written.path.display(),
            backup_note(&written),
            client.name()
        ),
        path: shown(&written.path),
        backup: written.backup.as_deref().map(shown),
    })
}

impl Finding {
    /// The finding as a front-end shows it: everything but the secret.
    pub fn view(&self) -> McpFindingView {
        McpFindingView {
            file: shown(&self.file),
            server: self.server.clone(),
            key: self.place.to_string(),
            kind: self.kind.clone(),
            connector: self.connector.clone(),
            clients: self.clients.iter().map(|c| c.name().to_owned()).collect(),
        }
    }
}

/// What a fix did, as a front-end shows it.
pub fn fix_view(fixed: &[Fixed], problems: &[McpError]) -> McpFixView {
    McpFixView {
        fixed: fixed
            .iter()
            .map(|f| McpFixedView {
                finding: f.finding.view(),
                connection: f.connection.clone().filter(|_| f.left.is_none()),
                message: f.message(),
            })
            .collect(),
        problems: problems.iter().map(ToString::to_string).collect(),
    }
}

/// The "Use with" panel of connection `id`: each client with its file and the entries that
/// already run this connection, the connector's servers, and every plain-text credential found.
pub async fn use_with(
    session: &Session,
    catalog: &Catalog,
    places: &Places,
    id: &str,
) -> Result<UseWithView, McpError> {
    let connection = connection(session, id).await?;
    let mut servers: Vec<McpServerChoice> = catalog
        .get(&connection.connector_id)
        .map(|c| {
            c.mcp_servers
                .iter()
                .map(|s| McpServerChoice {
                    name: s.name.clone(),
                    remote: s.command.is_none(),
                })
                .collect()
        })
        .unwrap_or_default();
    servers.sort_by_key(|s| s.remote);
    let files = list(catalog, places);
    let mut clients: Vec<McpClientView> = user_files(places, &files)
        .into_iter()
        .map(|(client, location, file)| McpClientView {
            id: client.id().to_owned(),
            name: client.name().to_owned(),
            path: shown(&location.path),
            found: locations::found(&places.home, &location),
            has_file: file.is_some(),
            entries: file
                .map(|f| {
                    f.servers
                        .iter()
                        .filter(|s| {
                            s.keyport_connections
                                .as_ref()
                                .is_some_and(|ids| ids.contains(&connection.id))
                        })
                        .map(|s| s.name.clone())
                        .collect()
                })
                .unwrap_or_default(),
            plain_text_secrets: file.map(plain_text_secrets).unwrap_or_default(),
            problem: file.and_then(|f| f.problem.clone()),
        })
        .collect();
    clients.sort_by_key(|c| !c.found);
    let (findings, problems) = scan(catalog, places);
    Ok(UseWithView {
        connection_id: connection.id,
        servers,
        clients,
        findings: findings.iter().map(Finding::view).collect(),
        problems: problems.iter().map(ToString::to_string).collect(),
    })
}

/// Each client with its user file (where Add writes), and that file as listed when it exists.
fn user_files<'f>(
    places: &Places,
    files: &'f [ListedFile],
) -> Vec<(Client, Location, Option<&'f ListedFile>)> {
    Client::ALL
        .into_iter()
        .filter_map(|client| {
            let location =
                locations::for_add(&places.home, places.project.as_deref(), client, Scope::User)?;
            let file = files
                .iter()
                .find(|f| f.path == location.path && f.scope == Scope::User);
            Some((client, location, file))
        })
        .collect()
}

fn plain_text_secrets(file: &ListedFile) -> usize {
    file.servers.iter().map(|s| s.plain_text_secrets).sum()
}

/// Settings › AI tools: every client with its user file, the Keyport entries in it (with the
/// name of each connection they run), and every plain-text credential found. Works while
/// locked: no secret is read.
pub async fn ai_tools(
    session: &Session,
    catalog: &Catalog,
    places: &Places,
) -> Result<AiToolsView, McpError> {
    let connections = session.connections().await?;
    let name_of = |id: &str| {
        connections
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
    };
    let files = list(catalog, places);
    let mut clients: Vec<AiToolView> = user_files(places, &files)
        .into_iter()
        .map(|(client, location, file)| AiToolView {
            id: client.id().to_owned(),
            name: client.name().to_owned(),
            path: shown(&location.path),
            found: locations::found(&places.home, &location),
            has_file: file.is_some(),
            entries: file
                .map(|f| {
                    f.servers
                        .iter()
                        .filter_map(|s| {
                            Some(McpEntryView {
                                server: s.name.clone(),
                                connections: s
                                    .keyport_connections
                                    .as_ref()?
                                    .iter()
                                    .map(|id| McpEntryConnection {
                                        id: id.clone(),
                                        name: name_of(id),
                                    })
                                    .collect(),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default(),
            plain_text_secrets: file.map(plain_text_secrets).unwrap_or_default(),
            problem: file.and_then(|f| f.problem.clone()),
        })
        .collect();
    clients.sort_by_key(|c| !c.found);
    let (findings, problems) = scan(catalog, places);
    Ok(AiToolsView {
        clients,
        findings: findings.iter().map(Finding::view).collect(),
        problems: problems.iter().map(ToString::to_string).collect(),
    })
}

/// For every connection some client's user file runs through keyport, those clients: read
/// once for the whole Connections list.
pub fn used_by(catalog: &Catalog, places: &Places) -> Vec<McpUsageView> {
    let files = list(catalog, places);
    let mut out: Vec<McpUsageView> = Vec::new();
    for (client, _, file) in user_files(places, &files) {
        let ids = file
            .into_iter()
            .flat_map(|f| &f.servers)
            .filter_map(|s| s.keyport_connections.as_ref())
            .flatten();
        for id in ids {
            let usage = match out.iter().position(|u| &u.connection_id == id) {
                Some(i) => &mut out[i],
                None => {
                    out.push(McpUsageView {
                        connection_id: id.clone(),
                        clients: Vec::new(),
                    });
                    out.last_mut().expect("just pushed")
                }
            };
            if !usage.clients.iter().any(|c| c == client.name()) {
                usage.clients.push(client.name().to_owned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_no_project_only_user_files_are_read_and_a_client_is_found_by_its_folder() {
        let home = tempfile::tempdir().expect("a temporary dir");
        let all = locations::all(home.path(), None);
        assert!(all.iter().all(|l| l.scope == Scope::User), "{all:?}");
        assert_eq!(
            all.iter().map(|l| l.client).collect::<Vec<_>>(),
            Client::ALL,
            "every client has a user file"
        );
        let cursor = locations::for_add(home.path(), None, Client::Cursor, Scope::User)
            .expect("Cursor's user file");
        assert!(locations::for_add(home.path(), None, Client::Cursor, Scope::Project).is_none());
        assert!(!locations::found(home.path(), &cursor));
        std::fs::create_dir(home.path().join(".cursor")).expect("a folder");
        assert!(
            locations::found(home.path(), &cursor),
            "~/.cursor says it is installed"
        );
        // Claude Code keeps ~/.claude.json in the home dir itself: only the file says so.
        let code = locations::for_add(home.path(), None, Client::ClaudeCode, Scope::User)
            .expect("Claude Code's user file");
        assert!(!locations::found(home.path(), &code));
    }

    #[test]
    fn used_by_names_each_connection_s_clients_once_in_keyport_s_order() {
        let home = tempfile::tempdir().expect("a temporary dir");
        let places = Places {
            home: home.path().to_owned(),
            project: None,
            keyport: PathBuf::from("/opt/keyport/keyport"),
        };
        let put = |client, servers: serde_json::Value| {
            let location =
                locations::for_add(home.path(), None, client, Scope::User).expect("a user file");
            std::fs::create_dir_all(location.path.parent().expect("a folder")).expect("a folder");
            let text = serde_json::json!({ "mcpServers": servers }).to_string();
            std::fs::write(&location.path, text).expect("written");
        };
        let runs = |id: &str| {
            serde_json::json!({
                "command": "/opt/keyport/keyport",
                "args": ["exec", "--mcp", id, "--", "npx", "-y", "server"],
            })
        };
        put(
            Client::Cursor,
            serde_json::json!({ "a": runs("c1"), "b": runs("c2"), "c": runs("c1"),
                                "own": { "command": "npx", "args": ["x"] } }),
        );
        put(
            Client::ClaudeDesktop,
            serde_json::json!({ "a": runs("c1") }),
        );
        let usage = used_by(&Catalog::builtin(), &places);
        let names = |id: &str| {
            usage
                .iter()
                .find(|u| u.connection_id == id)
                .map(|u| u.clients.clone())
                .unwrap_or_default()
        };
        assert_eq!(names("c1"), ["Claude Desktop", "Cursor"]);
        assert_eq!(names("c2"), ["Cursor"]);
        assert_eq!(usage.len(), 2, "{usage:?}");
    }

    #[test]
    fn a_finding_is_shown_without_its_secret() {
        let secret = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
        let finding = Finding {
            clients: vec![Client::Cursor, Client::ClaudeCode],
            scope: Scope::User,
            file: PathBuf::from("/home/me/.cursor/mcp.json"),
            server: "github".to_owned(),
            place: Place::Env {
                name: "GITHUB_TOKEN".to_owned(),
            },
            kind: "GitHub token".to_owned(),
            connector: Some("github".to_owned()),
            secret: Zeroizing::new(secret.to_owned()),
            makes: None,
        };
        let view = finding.view();
        assert_eq!(view.key, "env GITHUB_TOKEN");
        assert_eq!(view.clients, ["Cursor", "Claude Code"]);
        let json = serde_json::to_string(&view).expect("serializes");
        assert!(!json.contains(secret), "{json}");
    }
}
