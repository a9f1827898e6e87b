//! `keyport oauth-app set`, `connect … --oauth`, `connections reconnect ID`, `oauth callback URL`.

use super::output::print;
use super::vault::{block_on, read_stdin_secret, session};
use super::Failure;
use crate::catalog::Catalog;
use crate::oauth::{self, OAuthError};
use crate::session::Session;
use clap::Subcommand;
use keyport_model::{ConnectionView, RedirectKind};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Subcommand)]
pub enum OauthAppCommand {
    /// Store the client ID (and secret) of the OAuth app you registered with a service
    Set {
        /// The connector's id (`keyport catalog list`)
        connector: String,
        #[arg(long, value_name = "ID")]
        client_id: String,
        /// Read the client secret from stdin (confidential clients only)
        #[arg(long)]
        client_secret_stdin: bool,
        /// The https redirect URL you registered, for services that accept only https ones
        #[arg(long, value_name = "URL")]
        redirect_uri: Option<String>,
    },
}

pub fn oauth_app(cmd: OauthAppCommand, dir: &Path) -> Result<(), Failure> {
    match cmd {
        OauthAppCommand::Set {
            connector,
            client_id,
            client_secret_stdin,
            redirect_uri,
        } => {
            let catalog = Catalog::load(dir);
            let connector = catalog.get(&connector)?;
            let secret = if client_secret_stdin {
                Some(read_stdin_secret()?)
            } else {
                None
            };
            block_on(async {
                session(dir)
                    .await?
                    .set_oauth_app(
                        &catalog,
                        &connector.id,
                        &client_id,
                        secret,
                        redirect_uri.as_deref(),
                    )
                    .await
                    .map_err(Failure::from)
            })?;
            print(&format!(
                "OAuth app for {} stored; connect with `keyport connect {} --oauth`.\n",
                connector.name, connector.id
            ))
        }
    }
}

fn connected(view: &ConnectionView) -> String {
    format!("Connected {} ({}).\n", view.name, view.id)
}

/// `connect CONNECTOR --oauth`: starts the flow, opens (or prints) the sign-in address, and for
/// a loopback redirect waits for the browser to come back and completes the sign-in.
pub fn connect(
    connector: &str,
    config: BTreeMap<String, String>,
    name: Option<&str>,
    no_browser: bool,
    dir: &Path,
) -> Result<(), Failure> {
    let catalog = Catalog::load(dir);
    let connector = catalog.get(connector)?;
    block_on(async {
        let session = session(dir).await?;
        let started = session
            .start_oauth(&catalog, &connector.id, &config, name)
            .await?;
        sign_in(&session, &catalog, &connector.name, started, no_browser).await
    })
}

/// `connections reconnect ID`: signs in again for a connection whose grant died, keeping its
/// id, name and settings.
pub fn reconnect(id: &str, no_browser: bool, dir: &Path) -> Result<(), Failure> {
    let catalog = Catalog::load(dir);
    block_on(async {
        let session = session(dir).await?;
        let started = session.start_reconnect(&catalog, id).await?;
        let service = catalog.get(&started.connector_id)?.name.clone();
        sign_in(&session, &catalog, &service, started, no_browser).await
    })
}

/// Opens (or prints) a started sign-in's page and, for a loopback redirect, waits for the
/// browser to come back and completes it.
async fn sign_in(
    session: &Session,
    catalog: &Catalog,
    service: &str,
    started: oauth::Started,
    no_browser: bool,
) -> Result<(), Failure> {
    if no_browser {
        print(&format!("{}\n", started.authorization_url))?;
    } else if open_browser(&started.authorization_url).is_err() {
        eprintln!("Open this address in your browser to sign in to {service}:");
        print(&format!("{}\n", started.authorization_url))?;
    } else {
        eprintln!("Your browser is open at {service}'s sign-in page.");
    }
    let Some(loopback) = started.loopback else {
        eprintln!(
            "{}",
            if started.redirect == RedirectKind::Https {
                "When you approve, the browser lands on your registered redirect address: copy that whole address and run `keyport oauth callback 'URL'`."
            } else {
                "When you approve, the browser hands the sign-in to Keyport. If it cannot, run `keyport oauth callback 'URL'` with the address it landed on."
            }
        );
        return Ok(());
    };
    let result = session
        .wait_loopback(catalog, &started.flow_id, loopback)
        .await
        .unwrap_or(Err(OAuthError::NotWaiting));
    print(&connected(&result.map_err(failed)?))
}

fn failed(err: OAuthError) -> Failure {
    match &err {
        // The desktop's own button starts again; here it takes a command.
        OAuthError::SignInSpent { connector_id, .. } => Failure::from(format!(
            "{err} with `keyport connect {connector_id} --oauth`"
        )),
        _ => Failure::from(err),
    }
}

/// `oauth callback URL`: completes a pending flow from the address the browser landed on.
pub fn callback(url: &str, dir: &Path) -> Result<(), Failure> {
    // A malformed address is refused before the vault is touched or unlocked.
    oauth::parse_callback(url)?;
    let catalog = Catalog::load(dir);
    let view = block_on(async {
        let session = match session(dir).await {
            Ok(session) => session,
            // No vault, so no flow can be waiting.
            Err(crate::vault::VaultError::NotInitialized) => {
                return Err(Failure::from(OAuthError::StateUnknown))
            }
            Err(e) => return Err(e.into()),
        };
        session.complete_oauth(&catalog, url).await.map_err(failed)
    })?;
    print(&connected(&view))
}

fn open_browser(url: &str) -> std::io::Result<()> {
    use std::process::{Command, Stdio};
    let mut command = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        let mut c = Command::new("rundll32");
        c.arg("url.dll,FileProtocolHandler");
        c
    } else {
        Command::new("xdg-open")
    };
    let status = command
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other("no browser opener"))
    }
}
