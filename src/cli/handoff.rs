//! `keyport token`: a connection's fresh credential on stdout for the program that ran Keyport
//! (a script, an MCP client's header helper), which the audit log names as the asker.

use super::output::print_raw;
use super::vault::{block_on, session};
use super::Failure;
use crate::catalog::Catalog;
use crate::handoff::{Asker, HandOff};
use clap::Args;
use std::collections::BTreeMap;
use std::path::Path;
use zeroize::Zeroizing;

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The connection's id (`keyport connections list`)
    id: String,
    /// Print {"token": …, "expires_at": …}
    #[arg(long, conflicts_with = "header")]
    json: bool,
    /// Print the HTTP header the service takes, as JSON: {"Authorization": "Bearer …"}
    #[arg(long)]
    header: bool,
}

/// Hands the credential of connection `id` to the program that started Keyport.
fn hand_off(id: &str, dir: &Path) -> Result<(HandOff, Catalog), Failure> {
    let catalog = Catalog::load(dir);
    let asker = Asker::parent_of_this_process();
    let handed = block_on(async {
        session(dir)
            .await?
            .hand_off(&catalog, id, &asker)
            .await
            .map_err(Failure::from)
    })?;
    Ok((handed, catalog))
}

/// `--json`'s shape.
#[derive(serde::Serialize)]
struct TokenJson<'a> {
    token: &'a str,
    expires_at: Option<&'a str>,
}

pub fn token(args: TokenArgs, dir: &Path) -> Result<(), Failure> {
    let (handed, catalog) = hand_off(&args.id, dir)?;
    let view = &handed.connection;
    // Every copy of the secret made here is wiped when dropped.
    let text = Zeroizing::new(if args.header {
        let connector = catalog.get(&view.connector_id)?;
        let (name, value) =
            handed
                .credential
                .header(connector, view.connection_type, &view.metadata)?;
        serde_json::to_string(&BTreeMap::from([(name.as_str(), value.as_str())]))?
    } else if args.json {
        serde_json::to_string(&TokenJson {
            token: handed.credential.token()?,
            expires_at: handed.expires_at(),
        })?
    } else {
        handed.credential.token()?.to_owned()
    });
    let mut line = Zeroizing::new(String::with_capacity(text.len() + 1));
    line.push_str(&text);
    line.push('\n');
    print_raw(&line)
}
