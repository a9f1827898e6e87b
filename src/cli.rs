//! The `keyport` command line: the headless twin of the desktop app. People get aligned tables,
//! scripts get `--json`; errors are one `keyport: <message>` line on stderr with exit 1, usage
//! errors exit 2 (clap's own convention).

mod catalog;
mod exec;
mod handoff;
mod jobs;
mod logs;
mod mcp;
mod oauth;
mod output;
mod vault;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "keyport",
    version,
    about = "Keyport: your SaaS, database and cloud connections, handed safely to MCP servers and AI tools"
)]
struct Cli {
    /// Where the vault and custom connectors live [default: the platform data dir]
    #[arg(long, global = true, env = "KEYPORT_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Browse the connector catalog, and add or remove custom connectors
    #[command(subcommand)]
    Catalog(catalog::CatalogCommand),
    /// OAuth sign-in steps
    #[command(subcommand)]
    Oauth(OauthCommand),
    /// The OAuth apps (client IDs) you registered with services
    #[command(subcommand, name = "oauth-app")]
    OauthApp(oauth::OauthAppCommand),
    /// Create the vault, check it, change its passphrase, rotate its key
    #[command(subcommand)]
    Vault(vault::VaultCommand),
    /// Store a connection to a service
    Connect(vault::ConnectArgs),
    /// The stored connections
    #[command(subcommand)]
    Connections(vault::ConnectionsCommand),
    /// Every connection's health: the last recorded state, or with --check probed now
    Health {
        /// Check every connection with its service now (bounded concurrency, a timeout each)
        #[arg(long)]
        check: bool,
        #[arg(long)]
        json: bool,
    },
    /// Run a command with connections' credentials in its environment, its output masked
    Exec(exec::ExecArgs),
    /// Print a connection's fresh access token or key, for scripts and header helpers
    Token(handoff::TokenArgs),
    /// git's credential helper: tokens of GitHub and GitLab connections for `git push` over https
    #[command(name = "git-credential", subcommand)]
    GitCredential(handoff::GitCredentialAction),
    /// AWS's credential_process: an AWS connection's keys as the AWS CLI and SDKs read them
    #[command(name = "aws-credential-process")]
    AwsCredentialProcess { id: String },
    /// Print a connection's secret (asks for the passphrase every time)
    Reveal { id: String },
    /// Write an encrypted backup of the whole vault
    Backup {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Replace FILE if it exists (never the vault's own files)
        #[arg(long)]
        force: bool,
    },
    /// Restore the vault from a backup (needs the passphrase it was made with)
    Restore { file: PathBuf },
    /// The agent's and the desktop app's log: the last lines, or with --follow as they come
    Logs(logs::LogsArgs),
    /// Run the background scheduler (refresh and health) in the foreground, until stopped
    Agent,
    /// MCP clients' configs: add servers that run through `keyport exec`, list them, and move
    /// plain-text secrets out of them
    #[command(subcommand)]
    Mcp(mcp::McpCommand),
    /// The background scheduler's jobs
    #[command(subcommand)]
    Jobs(jobs::JobsCommand),
    /// The audit log
    Audit {
        #[command(subcommand)]
        command: Option<vault::AuditCommand>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum OauthCommand {
    /// Complete a pending sign-in from the address the browser landed on (what the deep link does)
    Callback {
        /// keyport://oauth/callback?… or http://127.0.0.1:<port>/oauth/callback?…
        url: String,
    },
}

/// A failure as the CLI reports it: the sentence only (codes are for `--json` consumers later).
pub struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(err: E) -> Failure {
        Failure(err.to_string())
    }
}

pub fn main() -> ExitCode {
    crate::private::keep_private();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2, escaped like
            // every error since they echo the arguments.
            if err.use_stderr() {
                output::eprint(&err.render().to_string());
            } else {
                let _ = err.print();
            }
            return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
        }
    };
    let data_dir = cli.data_dir.unwrap_or_else(crate::paths::default_data_dir);
    // Every command first brings an existing data dir to owner-only, and says what it changed.
    match crate::vault::secure(&data_dir) {
        Ok(fixed) => {
            for fix in fixed {
                output::stderr_lines("note: ", &fix.to_string());
            }
        }
        Err(err) => output::stderr_lines("warning: ", &err.to_string()),
    }
    let result = match cli.command {
        Command::Exec(args) => return exec::exec(args, &data_dir),
        Command::Catalog(cmd) => catalog::run(cmd, &data_dir),
        Command::Oauth(OauthCommand::Callback { url }) => oauth::callback(&url, &data_dir),
        Command::OauthApp(cmd) => oauth::oauth_app(cmd, &data_dir),
        Command::Vault(cmd) => vault::vault(cmd, &data_dir),
        Command::Connect(args) => vault::connect(args, &data_dir),
        Command::Connections(cmd) => vault::connections(cmd, &data_dir),
        Command::Health { check, json } => vault::health(check, json, &data_dir),
        Command::Reveal { id } => vault::reveal(&id, &data_dir),
        Command::Token(args) => handoff::token(args, &data_dir),
        Command::GitCredential(action) => handoff::git_credential(action, &data_dir),
        Command::AwsCredentialProcess { id } => handoff::aws_credential_process(&id, &data_dir),
        Command::Backup { out, force } => vault::backup(&out, force, &data_dir),
        Command::Restore { file } => vault::restore(&file, &data_dir),
        Command::Audit { command, json } => vault::audit(command, json, &data_dir),
        Command::Agent => jobs::agent(&data_dir),
        Command::Jobs(cmd) => jobs::jobs(cmd, &data_dir),
        Command::Logs(args) => logs::logs(args, &data_dir),
        Command::Mcp(cmd) => mcp::run(cmd, &data_dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) if output::is_broken_pipe(&message) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            output::stderr_lines("", &message);
            ExitCode::FAILURE
        }
    }
}
