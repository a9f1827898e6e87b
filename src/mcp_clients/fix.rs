//! `mcp scan --fix`: each credential found that Keyport can tell the service of is stored as a
//! connection through the session's connect, and its entry rewritten to run through
//! `keyport exec` with no secret left in it.

use super::*;
use keyport_model::McpFixTarget;

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

impl Fixed {
    /// What was done, as a sentence with no secret in it.
    pub fn message(&self) -> String {
        let f = &self.finding;
        let what = format!(
            "the {} at {} of server {} in {}",
            f.kind,
            f.place,
            f.server,
            f.file.display()
        );
        match (&self.connection, &self.left) {
            (Some(id), None) => format!(
                "Moved {what} into connection {id}{}.",
                if self.verified {
                    ", checked with the service"
                } else {
                    ", unverified"
                }
            ),
            (_, Some(why)) => format!("Left {what}: {}.", why.trim_end_matches('.')),
            (None, None) => format!("Left {what}."),
        }
    }
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
/// An entry with any secret Keyport cannot place is left whole, and said so. With `only`, the
/// secrets of that one entry only: an entry is rewritten whole, so its secrets move together.
pub async fn fix(
    session: &Session,
    catalog: &Catalog,
    places: &Places,
    verify: bool,
    only: Option<&McpFixTarget>,
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
        if std::fs::symlink_metadata(path).is_err() || only.is_some_and(|o| o.file != shown(path)) {
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
        for server in servers
            .iter()
            .filter(|s| only.is_none_or(|o| o.server == s.name))
        {
            let findings = findings_in(catalog, &source, server);
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
    let mut args = vec!["exec".to_owned(), "--mcp".to_owned()];
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
