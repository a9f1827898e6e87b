//! `mcp add`: the entry that runs a connector's MCP server through `keyport exec`, planned as
//! a change of the client's file and shown as a diff with every secret around it hidden.

use super::*;

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
    let (location, mut loaded) = file_to_change(places, client, scope)?;
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
    // `--mcp`: a server the client keeps for days outlives the hour-long tokens it started with.
    let mut args = vec![
        "exec".to_owned(),
        "--mcp".to_owned(),
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

/// Replaces every secret in `text` (a diff of a client file) with `‹hidden›`, so a diff can be
/// shown with the entries around the change.
pub(super) fn hide_secrets(catalog: &Catalog, text: &str) -> String {
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
                // An argument may be a pair itself (`--api-key=…`).
                let pair = split_pair(&value)
                    .is_some_and(|(name, v)| detect::detect(catalog, Some(name), v).is_some());
                if pair || detect::detect(catalog, key.as_deref(), &value).is_some() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_show_keys_and_placeholders_but_hide_secrets() {
        let catalog = Catalog::builtin();
        let diff = "-        \"GITHUB_PERSONAL_ACCESS_TOKEN\": \"ghp_16C7e42F292c6912E7710c838347Ae178B4a\"\n \"API_KEY\": \"${env:API_KEY}\"\n+env = { \"DATABASE_URL\" = \"postgresql://a:s3cret-pw@h/db\" }\n-args = [\"--api-key=sk_live_abcdefghijklmnop\"]\n";
        let shown = hide_secrets(&catalog, diff);
        assert_eq!(
            shown,
            "-        \"GITHUB_PERSONAL_ACCESS_TOKEN\": \"‹hidden›\"\n \"API_KEY\": \"${env:API_KEY}\"\n+env = { \"DATABASE_URL\" = \"‹hidden›\" }\n-args = [\"‹hidden›\"]\n"
        );
    }
}
