//! `keyport token`, `git-credential` and `aws-credential-process`: a connection's fresh
//! credential on stdout for the program that ran Keyport (a script, an MCP client's header
//! helper, git, an AWS SDK), which the audit log names as the asker.

use super::output::print_raw;
use super::vault::{block_on, session};
use super::Failure;
use crate::handoff::{git, Asker, Credential, HandOff, HandOffError, Wanted};
use crate::session::Session;
use clap::{Args, Subcommand};
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
fn hand_off(id: &str, dir: &Path, wanted: Wanted) -> Result<HandOff, Failure> {
    let asker = Asker::parent_of_this_process();
    let handed = block_on(async {
        session(dir)
            .await?
            .hand_off(id, wanted, &asker)
            .await
            .map_err(Failure::from)
    })?;
    Ok(handed)
}

/// `--json`'s shape.
#[derive(serde::Serialize)]
struct TokenJson<'a> {
    token: &'a str,
    expires_at: Option<&'a str>,
}

pub fn token(args: TokenArgs, dir: &Path) -> Result<(), Failure> {
    let wanted = Wanted::Token {
        header: args.header,
    };
    let handed = hand_off(&args.id, dir, wanted)?;
    let view = &handed.connection;
    // Every copy of the secret made here is wiped when dropped.
    let text = Zeroizing::new(if args.header {
        let (name, value) =
            handed
                .credential
                .header(&handed.connector, view.connection_type, &view.metadata)?;
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

/// What git asks a credential helper to do.
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum GitCredentialAction {
    /// Answer with the token of the GitHub or GitLab connection for the host git names
    Get,
    /// Nothing to keep: the vault's token is the credential (succeeds)
    Store,
    /// Nothing to forget: connections are removed with `keyport connections delete` (succeeds)
    Erase,
}

/// `git-credential get|store|erase`, as git runs a helper
/// (`credential.helper = !/path/to/keyport git-credential`).
pub fn git_credential(action: GitCredentialAction, dir: &Path) -> Result<(), Failure> {
    let stdin = std::io::stdin();
    let request = git::Request::read(stdin.lock())?;
    if !matches!(action, GitCredentialAction::Get) {
        return Ok(());
    }
    let Some(host) = request.https_host() else {
        return Ok(());
    };
    // Listing needs no key: a vault that holds nothing for this host is never unlocked.
    let chosen = block_on(async {
        let list = Session::new(dir.to_path_buf()).connections().await?;
        Ok::<_, crate::vault::VaultError>(list.into_iter().find_map(|view| {
            let (serves, user) = git::host_of(&view)?;
            (serves == host && !view.needs_reconnect).then_some((view.id, user))
        }))
    })?;
    let Some((id, user)) = chosen else {
        return Ok(());
    };
    let handed = hand_off(&id, dir, Wanted::Token { header: false })?;
    let answer = git::answer(user, handed.credential.token()?, handed.expires_at());
    print_raw(&answer)
}

/// `aws-credential-process ID`: the `credential_process` JSON AWS's tools read (Version 1,
/// the key pair, and a session token and Expiration for temporary keys), which is the form the
/// vault keeps AWS keys in.
pub fn aws_credential_process(id: &str, dir: &Path) -> Result<(), Failure> {
    let handed = hand_off(id, dir, Wanted::AwsKeys)?;
    let Credential::Aws(keys) = &handed.credential else {
        return Err(HandOffError::NotAws {
            name: handed.connection.name.clone(),
        }
        .into());
    };
    let json = keys.sealed();
    let mut line = Zeroizing::new(Vec::with_capacity(json.expose_to_caller().len() + 1));
    line.extend_from_slice(json.expose_to_caller());
    line.push(b'\n');
    print_raw(&String::from_utf8_lossy(&line))
}
