//! `keyport vault …`, `connect`, `connections …`, `reveal`, `backup`, `restore`, `audit`.

use super::output::{json, json_document, print, table};
use super::Failure;
use crate::catalog::Catalog;
use crate::connections;
use crate::manager::{self, Credential};
use crate::oauth;
use crate::session::Session;
use crate::vault::{Passphrase, SecretValue, Vault, VaultError};
use clap::{Args, Subcommand};
use keyport_model::{ConnectionType, ConnectionView};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::Path;

#[derive(Debug, Subcommand)]
pub enum VaultCommand {
    /// Create the vault (asks for a passphrase twice, or reads KEYPORT_PASSPHRASE)
    Init {
        /// Do not add an OS keyring slot; every unlock then needs the passphrase
        #[arg(long)]
        no_keyring: bool,
    },
    /// Show whether the vault exists, how it unlocks, and how many connections it holds
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Change the passphrase (the new one from KEYPORT_NEW_PASSPHRASE or a prompt)
    ChangePassphrase,
    /// Make a new data key and reseal every record with it
    RotateKey,
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The connector's id (`keyport catalog list`)
    connector: String,
    /// A name to tell this connection apart [default: the connector's name]
    #[arg(long)]
    name: Option<String>,
    /// A connector setting, e.g. --config subdomain=acme (repeatable)
    #[arg(long = "config", value_name = "KEY=VALUE", value_parser = parse_pair)]
    config: Vec<(String, String)>,
    #[command(flatten)]
    credential: StdinCredential,
    /// A service account: the key file (Google's JSON key), or a file holding the client secret
    #[arg(long, value_name = "FILE", group = "credential")]
    service_account_file: Option<std::path::PathBuf>,
    /// Sign in through the service's OAuth consent page in the browser
    #[arg(long, group = "credential")]
    oauth: bool,
    /// With --oauth: print the sign-in address on stdout instead of opening a browser
    #[arg(long, requires = "oauth")]
    no_browser: bool,
    /// Store without checking the credential with the service first
    #[arg(long)]
    no_verify: bool,
}

/// A credential read from stdin, never from the command line, where other users can see it.
#[derive(Debug, Args)]
pub struct StdinCredential {
    /// Read an API key from stdin
    #[arg(long, group = "credential")]
    api_key_stdin: bool,
    /// Read a bearer token from stdin
    #[arg(long, group = "credential")]
    token_stdin: bool,
    /// Basic auth as USER, the password read from stdin
    #[arg(long, value_name = "USER", group = "credential")]
    basic: Option<String>,
    /// Read a database connection URL (password included) from stdin
    #[arg(long, group = "credential")]
    database_url_stdin: bool,
    /// A database login by its fields (with connect: --config host=… port=… user=… database=…
    /// tls=…; with replace-key: the stored ones), the password read from stdin
    #[arg(long, group = "credential")]
    password_stdin: bool,
}

impl StdinCredential {
    /// The credential the flags ask for, read from stdin; `None` when they ask for none.
    fn read(&self) -> Result<Option<Credential>, Failure> {
        let key = |kind, username| -> Result<Option<Credential>, Failure> {
            Ok(Some(Credential::Key {
                kind,
                username,
                secret: read_stdin_secret()?,
            }))
        };
        if let Some(user) = &self.basic {
            return key(ConnectionType::BasicAuth, Some(user.clone()));
        }
        if self.api_key_stdin {
            return key(ConnectionType::ApiKey, None);
        }
        if self.token_stdin {
            return key(ConnectionType::BearerToken, None);
        }
        if self.database_url_stdin {
            return Ok(Some(Credential::DatabaseUrl(read_stdin_secret()?)));
        }
        if self.password_stdin {
            return Ok(Some(Credential::DatabaseLogin {
                password: Some(read_stdin_secret()?),
            }));
        }
        Ok(None)
    }
}

#[derive(Debug, Subcommand)]
pub enum ConnectionsCommand {
    /// List stored connections (never a secret)
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one connection
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Rename a connection
    Rename { id: String, name: String },
    /// Delete a connection (an OAuth grant is revoked at the provider first, where it can be)
    Delete { id: String },
    /// Check a connection with its service now, and record the outcome
    Test {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Refresh an OAuth connection's access token now
    Refresh {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Sign in again for an OAuth connection whose grant expired or was revoked, keeping its
    /// id, name and settings
    Reconnect {
        id: String,
        /// Print the sign-in address instead of opening a browser
        #[arg(long)]
        no_browser: bool,
    },
    /// Replace the revoked API key, token, password or database login of a connection, read
    /// from stdin, keeping its id, name and settings; the service checks it first
    ReplaceKey {
        id: String,
        #[command(flatten)]
        credential: StdinCredential,
    },
    /// Change a connection's settings
    Set {
        id: String,
        /// Minutes between health checks (1 to 10080), or `default` (15)
        #[arg(long, value_name = "MINUTES", value_parser = parse_interval)]
        health_interval: Option<Interval>,
        /// Ask before use: hand it to a program only once you allow that in the Keyport app
        /// (once, always for that program, or deny; no answer within 60 s is a deny)
        #[arg(long, conflicts_with = "no_ask")]
        ask: bool,
        /// Stop asking before use (and forget the programs allowed always)
        #[arg(long)]
        no_ask: bool,
    },
}

/// A health-check interval as given: minutes, or the default.
#[derive(Debug, Clone, Copy)]
pub enum Interval {
    Default,
    Minutes(u32),
}

fn parse_interval(text: &str) -> Result<Interval, String> {
    if text.eq_ignore_ascii_case("default") {
        return Ok(Interval::Default);
    }
    text.parse()
        .map(Interval::Minutes)
        .map_err(|_| "expected a number of minutes or `default`".to_owned())
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's hash chain
    Verify,
}

fn parse_pair(text: &str) -> Result<(String, String), String> {
    let (k, v) = text
        .split_once('=')
        .ok_or_else(|| "expected KEY=VALUE".to_owned())?;
    Ok((k.trim().to_owned(), v.trim().to_owned()))
}

/// Runs an async core call to completion on a small runtime of its own.
pub(super) fn block_on<T, E>(
    fut: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, Failure>
where
    Failure: From<E>,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("could not start: {e}")))?;
    rt.block_on(fut).map_err(Failure::from)
}

/// The passphrase from `var`, else a prompt on the terminal. Never from a flag: it would land in
/// the shell history and the process list.
fn ask(var: &str, prompt: &str) -> Result<Passphrase, VaultError> {
    match std::env::var(var) {
        Ok(value) => return Ok(Passphrase::new(value)),
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(VaultError::PassphraseNotText {
                var: var.to_owned(),
            })
        }
        Err(std::env::VarError::NotPresent) => {}
    }
    if !std::io::stdin().is_terminal() && !std::io::stderr().is_terminal() {
        return Err(VaultError::Locked);
    }
    rpassword::prompt_password(prompt)
        .map(Passphrase::new)
        .map_err(|_| VaultError::Locked)
}

fn ask_new(var: &str) -> Result<Passphrase, VaultError> {
    if std::env::var_os(var).is_some() {
        return ask(var, "");
    }
    let first = ask(var, "New passphrase: ")?;
    let second = ask(var, "Repeat it: ")?;
    if first.expose_for_kdf() != second.expose_for_kdf() {
        return Err(crate::vault::Refused::PassphrasesDiffer.into());
    }
    Ok(first)
}

/// The core's session, unlocked the CLI's way: by the keyring slot silently, unless
/// KEYPORT_PASSPHRASE is set, else by the passphrase. The CLI then calls the session exactly as
/// the desktop does.
pub(super) async fn session(dir: &Path) -> Result<Session, VaultError> {
    let session = Session::new(dir.to_path_buf());
    session.open().await?;
    if std::env::var_os("KEYPORT_PASSPHRASE").is_none() {
        session.start().await;
    }
    if !session.is_unlocked() {
        session
            .unlock_key(&ask("KEYPORT_PASSPHRASE", "Vault passphrase: ")?)
            .await?;
    }
    Ok(session)
}

pub fn vault(cmd: VaultCommand, dir: &Path) -> Result<(), Failure> {
    match cmd {
        VaultCommand::Init { no_keyring } => {
            let pw = block_on(async { ask_new("KEYPORT_PASSPHRASE") })?;
            let (_, keyring) = block_on(Vault::init(dir, &pw, !no_keyring))?;
            let how = if keyring {
                format!(
                    "unlocks with the passphrase or the OS keyring ({})",
                    crate::vault::keyring_backend()
                )
            } else if no_keyring {
                "unlocks with the passphrase only (--no-keyring)".to_owned()
            } else {
                "unlocks with the passphrase only: no OS keyring is available".to_owned()
            };
            print(&format!(
                "Created the vault in {}; it {how}.\nA forgotten passphrase cannot be recovered.\n",
                dir.display()
            ))
        }
        VaultCommand::Status { json: as_json } => {
            let status = block_on(async {
                match Vault::open(dir).await {
                    Ok(v) => v.status().await,
                    Err(VaultError::NotInitialized) => Ok(keyport_model::VaultStatus {
                        initialized: false,
                        locked: true,
                        key_slots: Vec::new(),
                        kdf: None,
                        connections: 0,
                        keyring: None,
                    }),
                    Err(e) => Err(e),
                }
            })?;
            if as_json {
                return json(&status);
            }
            if !status.initialized {
                return print(&format!(
                    "No vault in {} yet: create one with `keyport vault init`.\n",
                    dir.display()
                ));
            }
            let slots: Vec<&str> = status.key_slots.iter().map(|s| s.kind.as_str()).collect();
            let kdf = status
                .kdf
                .as_ref()
                .map(|k| format!("{}, {} iterations", k.algorithm, k.iterations))
                .unwrap_or_default();
            let keyring = status
                .keyring
                .clone()
                .unwrap_or_else(|| "not available: passphrase only".into());
            print(&format!(
                "Vault        {}\nKey slots    {}\nKDF          {kdf}\nKeyring      {keyring}\nLocked       {}\nConnections  {}\n",
                dir.display(),
                slots.join(", "),
                if status.locked { "yes (needs the passphrase)" } else { "no (the keyring unlocks it)" },
                status.connections
            ))
        }
        VaultCommand::ChangePassphrase => {
            block_on(async {
                let vault = Vault::open(dir).await?;
                let old = ask("KEYPORT_PASSPHRASE", "Current passphrase: ")?;
                let new = ask_new("KEYPORT_NEW_PASSPHRASE")?;
                vault.change_passphrase(&old, &new).await
            })?;
            print("Passphrase changed.\n")
        }
        VaultCommand::RotateKey => {
            block_on(async {
                let vault = Vault::open(dir).await?;
                vault
                    .rotate_key(&ask("KEYPORT_PASSPHRASE", "Vault passphrase: ")?)
                    .await
            })?;
            print("Data key rotated; every record is resealed.\n")
        }
    }
}

/// A secret from stdin as given, but for one trailing newline (the terminal's, not the
/// secret's). What it must be is checked by the core, the same for every way in.
pub(super) fn read_stdin_secret() -> Result<SecretValue, Failure> {
    const LIMIT: usize = 64 * 1024;
    // Sized up front so the secret is never left behind in a grown-and-freed buffer.
    let mut bytes = Vec::with_capacity(LIMIT + 3);
    let read = std::io::stdin()
        .take(LIMIT as u64 + 3)
        .read_to_end(&mut bytes);
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    let secret = SecretValue::new(bytes);
    read.map_err(|e| Failure(format!("reading stdin failed: {e}")))?;
    if secret.expose_to_caller().len() > LIMIT {
        // Cut short, it would be stored altered.
        return Err(Failure(format!(
            "stdin holds more than {} KB; no credential is that long. Nothing was stored",
            LIMIT / 1024
        )));
    }
    Ok(secret)
}

pub fn connect(args: ConnectArgs, dir: &Path) -> Result<(), Failure> {
    let mut config = BTreeMap::new();
    for (k, v) in args.config {
        if config.insert(k.clone(), v).is_some() {
            return Err(Failure(format!("--config {k} is given twice")));
        }
    }
    if args.oauth {
        return super::oauth::connect(
            &args.connector,
            config,
            args.name.as_deref(),
            args.no_browser,
            dir,
        );
    }
    let catalog = Catalog::load(dir);
    let connector = catalog.get(&args.connector)?;
    // Read the credential before the vault is touched: bad input changes nothing.
    let credential = match (&args.service_account_file, args.credential.read()?) {
        (Some(file), _) => Credential::ServiceAccount(crate::service_account::secret_from_file(
            connector,
            &mut config,
            crate::service_account::read_key_file(file)?,
        )?),
        (None, Some(credential)) => credential,
        (None, None) => {
            return Err(Failure(
                "say how to connect: --oauth, --api-key-stdin, --token-stdin, --basic USER, --database-url-stdin, --password-stdin or --service-account-file FILE".into(),
            ))
        }
    };
    let request = manager::Request {
        connector,
        name: args.name,
        config,
        verify: !args.no_verify,
    };
    let view = block_on(async {
        session(dir)
            .await?
            .connect_credential(request, credential)
            .await
            .map_err(Failure::from)
    })?;
    print(&connected(connector, &view))
}

pub(super) fn health_word(status: keyport_model::HealthStatus) -> &'static str {
    use keyport_model::HealthStatus::*;
    match status {
        Healthy => "healthy",
        Degraded => "degraded",
        Unhealthy => "unhealthy",
        Unknown => "unknown",
    }
}

fn connected(connector: &keyport_model::Connector, view: &ConnectionView) -> String {
    format!(
        "Connected {} as {} ({}){}.\n",
        connector.name,
        view.name,
        view.id,
        if view.verified {
            ", checked with the service"
        } else {
            ", unverified"
        }
    )
}

pub fn connections(cmd: ConnectionsCommand, dir: &Path) -> Result<(), Failure> {
    match cmd {
        ConnectionsCommand::List { json: true } => {
            let doc = block_on(async { connections::list_json(&Vault::open(dir).await?).await })?;
            json_document(&doc)
        }
        ConnectionsCommand::List { json: false } => {
            let list = block_on(async { connections::list(&Vault::open(dir).await?).await })?;
            if list.is_empty() {
                return print("No connections yet: `keyport connect CONNECTOR …` adds one.\n");
            }
            let rows: Vec<Vec<String>> = list.iter().map(row).collect();
            print(&table(
                &[
                    "ID",
                    "NAME",
                    "CONNECTOR",
                    "TYPE",
                    "STATUS",
                    "HEALTH",
                    "CREATED",
                ],
                &rows,
            ))
        }
        ConnectionsCommand::Show { id, json: as_json } => {
            let view = block_on(async { connections::get(&Vault::open(dir).await?, &id).await })?;
            if as_json {
                return json(&view);
            }
            let mut out = table(
                &["FIELD", "VALUE"],
                &[
                    vec!["id".into(), view.id.clone()],
                    vec!["name".into(), view.name.clone()],
                    vec!["connector".into(), view.connector_id.clone()],
                    vec!["type".into(), view.connection_type.id().into()],
                    vec!["status".into(), format!("{:?}", view.status).to_lowercase()],
                    vec![
                        "health".into(),
                        format!("{:?}", view.health_status).to_lowercase(),
                    ],
                    vec!["verified".into(), view.verified.to_string()],
                    vec!["created".into(), view.created_at.clone()],
                    vec!["created by".into(), view.created_by.clone()],
                ],
            );
            for (k, v) in &view.metadata {
                out.push_str(&format!("{k:<10} {v}\n"));
            }
            print(&out)
        }
        ConnectionsCommand::Rename { id, name } => {
            let view = block_on(async { session(dir).await?.rename(&id, &name).await })?;
            print(&format!("Renamed {} to {}.\n", view.id, view.name))
        }
        ConnectionsCommand::Delete { id } => {
            let catalog = Catalog::load(dir);
            let deletion = block_on(async { session(dir).await?.delete(&catalog, &id).await })?;
            let note = match deletion.revoked {
                Ok(oauth::Revoked::Done) => " The provider revoked its access.",
                Ok(oauth::Revoked::NotApplicable) => "",
                Err(err) => {
                    super::output::stderr_lines(
                        "warning: ",
                        &format!("the access was not revoked at the provider ({err}); deleted here anyway. Revoke it in the service's app settings."),
                    );
                    ""
                }
            };
            print(&format!("Deleted {id}.{note}\n"))
        }
        ConnectionsCommand::Test { id, json: as_json } => {
            use keyport_model::HealthStatus;
            let catalog = Catalog::load(dir);
            let view = block_on(async { session(dir).await?.test(&catalog, &id).await })?;
            if as_json {
                json(&view)?;
            }
            // A check that did not pass fails the command, so scripts can tell; the view is
            // still printed with --json, and an offline machine says so in its own words.
            let why = view
                .last_error
                .as_deref()
                .unwrap_or("no reason was recorded");
            let (name, id) = (&view.name, &view.id);
            match view.health_status {
                HealthStatus::Healthy if as_json => Ok(()),
                HealthStatus::Healthy => print(&format!("{name} ({id}): healthy\n")),
                HealthStatus::Unhealthy => {
                    Err(Failure(format!("{name} ({id}) failed its check: {why}")))
                }
                HealthStatus::Degraded => Err(Failure(format!(
                    "{name} ({id}) could not be checked now: {why}; try again later"
                ))),
                HealthStatus::Unknown => Err(Failure(format!(
                    "{name} ({id}) could not be checked: {why}"
                ))),
            }
        }
        ConnectionsCommand::Reconnect { id, no_browser } => {
            super::oauth::reconnect(&id, no_browser, dir)
        }
        ConnectionsCommand::ReplaceKey { id, credential } => {
            // Read before the vault is touched: bad input changes nothing.
            let Some(credential) = credential.read()? else {
                return Err(Failure(
                    "say what replaces it: --api-key-stdin, --token-stdin, --basic USER, --database-url-stdin or --password-stdin".into(),
                ));
            };
            let catalog = Catalog::load(dir);
            let view = block_on(async {
                session(dir)
                    .await?
                    .replace_secret(&catalog, &id, credential)
                    .await
                    .map_err(Failure::from)
            })?;
            print(&format!(
                "{} ({}) is connected again with the new credential, checked with the service.\n",
                view.name, view.id
            ))
        }
        ConnectionsCommand::Set {
            id,
            health_interval,
            ask,
            no_ask,
        } => {
            if health_interval.is_none() && !ask && !no_ask {
                return Err(Failure(
                    "nothing to set: give --health-interval MINUTES, --ask or --no-ask".into(),
                ));
            }
            let minutes = health_interval.map(|interval| match interval {
                Interval::Default => None,
                Interval::Minutes(m) => Some(m),
            });
            let view = block_on(async {
                let session = session(dir).await?;
                let mut view = None;
                if let Some(minutes) = minutes {
                    view = Some(session.set_health_interval(&id, minutes).await?);
                }
                if ask || no_ask {
                    view = Some(session.set_ask(&id, ask).await?);
                }
                view.ok_or_else(|| Failure("nothing was set".into()))
            })?;
            let mut said = String::new();
            if let Some(minutes) = minutes {
                let every = minutes.map_or("every 15 minutes (the default)".to_owned(), |m| {
                    format!("every {m} minutes")
                });
                said.push_str(&format!(
                    "{} ({}) is checked {every}.\n",
                    view.name, view.id
                ));
            }
            if ask {
                said.push_str(&format!(
                    "{} ({}) now asks before use: a program gets it only once you allow that in the Keyport app.\n",
                    view.name, view.id
                ));
            } else if no_ask {
                said.push_str(&format!(
                    "{} ({}) no longer asks before use; the programs allowed always were forgotten.\n",
                    view.name, view.id
                ));
            }
            print(&said)
        }
        ConnectionsCommand::Refresh { id, json: as_json } => {
            let catalog = Catalog::load(dir);
            let view = block_on(async {
                session(dir)
                    .await?
                    .refresh(&catalog, &id)
                    .await
                    .map_err(Failure::from)
            })?;
            if as_json {
                return json(&view);
            }
            print(&format!(
                "Refreshed {} ({}); the access token expires {}.\n",
                view.name,
                view.id,
                view.token_expires_at
                    .as_deref()
                    .unwrap_or("when the service decides")
            ))
        }
    }
}

fn row(c: &ConnectionView) -> Vec<String> {
    vec![
        c.id.clone(),
        c.name.clone(),
        c.connector_id.clone(),
        c.connection_type.id().to_owned(),
        format!("{:?}", c.status).to_lowercase(),
        format!("{:?}", c.health_status).to_lowercase(),
        c.created_at.get(..10).unwrap_or(&c.created_at).to_owned(),
    ]
}

/// Prints a secret: always asks for the passphrase, even when the keyring could unlock.
pub fn reveal(id: &str, dir: &Path) -> Result<(), Failure> {
    let secret = block_on(async {
        let vault = Vault::open(dir).await?;
        let pw = ask("KEYPORT_PASSPHRASE", "Vault passphrase: ")?;
        let unlocked = vault.unlock_passphrase(&pw).await?;
        connections::reveal(&vault, &unlocked, id).await
    })?;
    let mut text = String::from_utf8_lossy(secret.expose_to_caller()).into_owned();
    text.push('\n');
    let printed = super::output::print_raw(&text);
    zeroize::Zeroize::zeroize(&mut text);
    printed
}

pub fn backup(out: &Path, force: bool, dir: &Path) -> Result<(), Failure> {
    block_on(async {
        let vault = Vault::open(dir).await?;
        let pw = ask("KEYPORT_PASSPHRASE", "Vault passphrase: ")?;
        crate::backup::create(&vault, &pw, out, force).await
    })?;
    print(&format!("Backup written to {}.\n", out.display()))
}

pub fn restore(file: &Path, dir: &Path) -> Result<(), Failure> {
    block_on(async {
        let pw = ask("KEYPORT_PASSPHRASE", "Passphrase of the backup: ")?;
        crate::backup::restore(dir, file, &pw).await
    })?;
    print(&format!(
        "Restored the vault in {} from {}.\n",
        dir.display(),
        file.display()
    ))
}

pub fn audit(cmd: Option<AuditCommand>, as_json: bool, dir: &Path) -> Result<(), Failure> {
    let vault = block_on(Vault::open(dir))?;
    match cmd {
        Some(AuditCommand::Verify) => {
            let result = block_on(async {
                crate::audit::verify(vault.pool())
                    .await
                    .map_err(vault.io_err())
            })?;
            match result {
                Ok(n) => print(&format!(
                    "The audit log is intact: {n} events, chain verified.\n"
                )),
                Err(why) => Err(Failure::from(VaultError::AuditBroken(why))),
            }
        }
        None => {
            let events = block_on(async {
                crate::audit::list(vault.pool())
                    .await
                    .map_err(vault.io_err())
            })?;
            if as_json {
                return json(&events);
            }
            let rows: Vec<Vec<String>> = events
                .iter()
                .map(|e| {
                    vec![
                        e.seq.to_string(),
                        e.at.clone(),
                        e.event.clone(),
                        e.connection_id.clone().unwrap_or_default(),
                        e.detail.clone(),
                    ]
                })
                .collect();
            print(&table(
                &["SEQ", "AT", "EVENT", "CONNECTION", "DETAIL"],
                &rows,
            ))
        }
    }
}

/// `health [--check] [--json]`: every connection's last known state, or probed now.
pub fn health(check: bool, as_json: bool, dir: &Path) -> Result<(), Failure> {
    let catalog = Catalog::load(dir);
    let list = block_on(async {
        if !check {
            return connections::list(&Vault::open(dir).await?).await;
        }
        session(dir).await?.health_check(&catalog).await
    })?;
    if as_json {
        let rows: Vec<serde_json::Value> = list
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id, "name": c.name, "connector_id": c.connector_id,
                    "health_status": c.health_status, "last_health_check": c.last_health_check,
                    "error_count": c.error_count, "last_error": c.last_error,
                })
            })
            .collect();
        json(&rows)?;
        return swept(check, &list);
    }
    if list.is_empty() {
        return print("No connections yet.\n");
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.connector_id.clone(),
                health_word(c.health_status).to_owned(),
                c.last_health_check
                    .clone()
                    .unwrap_or_else(|| "never".into()),
                c.last_error.clone().unwrap_or_default(),
            ]
        })
        .collect();
    print(&table(
        &["NAME", "CONNECTOR", "HEALTH", "CHECKED", "LAST ERROR"],
        &rows,
    ))?;
    swept(check, &list)
}

/// A sweep in which some connection did not pass fails the command, as `connections test`
/// does, so a script or a cron job can tell; the recorded states alone (no `--check`) do not.
fn swept(check: bool, list: &[ConnectionView]) -> Result<(), Failure> {
    let failed = list
        .iter()
        .filter(|c| c.health_status != keyport_model::HealthStatus::Healthy)
        .count();
    if !check || failed == 0 {
        return Ok(());
    }
    Err(Failure(format!(
        "{failed} of {} connections did not pass their check",
        list.len()
    )))
}
