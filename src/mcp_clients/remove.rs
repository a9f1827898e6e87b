//! `mcp remove`: takes one Keyport entry (one that runs `keyport exec`) out of a client's file,
//! planned as a change and shown as a diff, as `mcp add` does. An entry that does not run
//! through keyport is the person's own and is refused, whatever its name.

use super::add::hide_secrets;
use super::*;

/// The entry to take out: the one named `server`, or the one that runs `connection`.
#[derive(Debug, Clone)]
pub struct RemoveRequest<'a> {
    /// The connection the entry runs; `None` takes any Keyport entry named `server`.
    pub connection: Option<&'a str>,
    pub client: &'a str,
    pub scope: Scope,
    /// The entry's name in the file [default: the one entry that runs `connection`].
    pub server: Option<&'a str>,
}

/// The change removing `request`'s entry would make.
pub fn plan_remove(
    catalog: &Catalog,
    places: &Places,
    request: &RemoveRequest<'_>,
) -> Result<(Client, Change), McpError> {
    let client = parse_client(request.client)?;
    let scope = request.scope;
    let (location, mut loaded) = file_to_change(places, client, scope)?;
    let servers = loaded
        .doc
        .servers()
        .map_err(|p| invalid(&location.path, p))?;
    let runs = |s: &Server| {
        through_keyport(s).is_some_and(|(ids, _)| {
            request
                .connection
                .is_none_or(|c| ids.iter().any(|id| id == c))
        })
    };
    let no_entry = || McpError::NoEntry {
        path: shown(&location.path),
        what: match (request.server, request.connection) {
            (Some(s), _) => format!("no Keyport entry called {s}"),
            (None, Some(c)) => format!("no entry that runs {c} through keyport"),
            (None, None) => "no Keyport entry".to_owned(),
        },
    };
    let entry = match request.server {
        Some(name) => {
            let entry = servers
                .iter()
                .find(|s| s.name == name)
                .ok_or_else(no_entry)?;
            if through_keyport(entry).is_none() {
                return Err(McpError::ForeignEntry {
                    path: shown(&location.path),
                    server: name.to_owned(),
                });
            }
            if !runs(entry) {
                return Err(no_entry());
            }
            entry
        }
        None => {
            let mut running = servers.iter().filter(|s| runs(s));
            let entry = running.next().ok_or_else(no_entry)?;
            if let Some(other) = running.next() {
                return Err(McpError::WhichEntry {
                    path: shown(&location.path),
                    entries: format!("{}, {}", entry.name, other.name),
                });
            }
            entry
        }
    };
    let name = entry.name.clone();
    loaded.doc.remove_server(&name);
    let new = loaded.doc.render();
    Ok((
        client,
        Change {
            diff: hide_secrets(
                catalog,
                &diff::unified(&shown(&location.path), &loaded.text, &new),
            ),
            path: location.path,
            server: name,
            replaces: true,
            exists: loaded.exists,
            old: loaded.text,
            new,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(connection: Option<&'a str>, server: Option<&'a str>) -> RemoveRequest<'a> {
        RemoveRequest {
            connection,
            client: "cursor",
            scope: Scope::User,
            server,
        }
    }

    #[test]
    fn only_a_keyport_entry_is_removed_and_every_refusal_has_its_code() {
        let home = tempfile::tempdir().expect("a temporary dir");
        let places = Places {
            home: home.path().to_owned(),
            project: None,
            keyport: PathBuf::from("/opt/keyport/keyport"),
        };
        let catalog = Catalog::builtin();
        let file = home.path().join(".cursor/mcp.json");
        std::fs::create_dir_all(file.parent().expect("a folder")).expect("a folder");
        let runs = |id: &str| {
            serde_json::json!({
                "command": "/opt/keyport/keyport",
                "args": ["exec", "--mcp", id, "--", "npx", "server"],
            })
        };
        let text = serde_json::json!({ "mcpServers": {
            "own": { "command": "npx", "args": ["x"] },
            "a": runs("c1"),
            "b": runs("c2"),
            "c": runs("c2"),
        }})
        .to_string();
        std::fs::write(&file, &text).expect("written");
        let code = |r: &RemoveRequest| {
            plan_remove(&catalog, &places, r)
                .err()
                .map(|e| e.code().as_str())
        };

        assert_eq!(code(&request(None, Some("own"))), Some("mcp.foreign_entry"));
        assert_eq!(code(&request(Some("c9"), None)), Some("mcp.no_entry"));
        assert_eq!(code(&request(Some("c1"), Some("b"))), Some("mcp.no_entry"));
        assert_eq!(code(&request(Some("c2"), None)), Some("mcp.which_entry"));
        let (_, change) =
            plan_remove(&catalog, &places, &request(Some("c1"), None)).expect("a plan");
        assert_eq!(change.server, "a");
        let left: serde_json::Value = serde_json::from_str(&change.new).expect("still JSON");
        let mut names: Vec<&String> = left["mcpServers"]
            .as_object()
            .expect("servers")
            .keys()
            .collect();
        names.sort();
        assert_eq!(names, ["b", "c", "own"]);
        assert_eq!(
            std::fs::read_to_string(&file).expect("read"),
            text,
            "a plan writes nothing"
        );

        std::fs::write(&file, "{ \"mcpServers\": { ").expect("written");
        assert_eq!(code(&request(Some("c1"), None)), Some("mcp.config_invalid"));
    }
}
