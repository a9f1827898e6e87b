//! `keyport mcp add|remove|list|scan`: the MCP clients' own config files. `add` and `remove`
//! show the change they would make as a diff and make it with `--write`; `scan --fix` moves plain-text
//! credentials into the vault. The core decides everything (`crate::mcp_clients`); this file
//! reads arguments and prints results, never a secret.

use super::output::{json, print, stderr_lines, table};
use super::vault::{block_on, session};
use super::Failure;
use crate::catalog::Catalog;
use crate::mcp_clients::{self, AddRequest, Change, Client, Places, RemoveRequest, Scope};
use crate::session::Session;
use clap::{Args, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum McpCommand {
    /// Add an entry that runs a connection's MCP server through `keyport exec` to an MCP
    /// client's config: shows the change as a diff, and writes it with --write
    Add(AddArgs),
    /// Remove the entry that runs a connection through `keyport exec` from an MCP client's
    /// config: shows the change as a diff, and writes it with --write. Entries that do not run
    /// through keyport are refused
    Remove(RemoveArgs),
    /// The MCP client configs found here and the servers in each (never a secret)
    List {
        #[command(flatten)]
        project: ProjectArg,
        #[arg(long)]
        json: bool,
    },
    /// Find credentials written in plain text in MCP client configs; --fix moves them into the
    /// vault and rewrites their entries to run through `keyport exec`
    Scan {
        /// Move each credential Keyport can place into the vault and rewrite its entry (a
        /// backup of each file is kept)
        #[arg(long)]
        fix: bool,
        /// With --fix: store without checking each credential with its service first (as
        /// `keyport connect --no-verify`)
        #[arg(long, requires = "fix")]
        no_verify: bool,
        #[command(flatten)]
        project: ProjectArg,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct ProjectArg {
    /// The project whose own MCP files are read (.mcp.json, .cursor/, .vscode/, .codex/)
    /// [default: the current directory]
    #[arg(long, value_name = "DIR")]
    project: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ScopeArg {
    User,
    Local,
    Project,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The connection's id (`keyport connections list`)
    connection: String,
    /// The MCP client: claude-desktop, claude-code, cursor, vscode, windsurf or codex
    #[arg(long)]
    client: String,
    /// Which of the connector's MCP servers [default: its first local one]
    #[arg(long)]
    server: Option<String>,
    /// The entry's name in the client's file [default: the server's name]
    #[arg(long)]
    name: Option<String>,
    /// Which of the client's files: user (every project), local (Claude Code: this project,
    /// kept private in ~/.claude.json) or project (the project's own file)
    #[arg(long, value_enum, default_value = "user")]
    scope: ScopeArg,
    #[command(flatten)]
    project: ProjectArg,
    /// Write the change (a backup of the old file is kept beside it)
    #[arg(long)]
    write: bool,
    /// Replace an entry of the same name that does not run through keyport
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The connection's id the entry runs (`keyport mcp list`)
    connection: String,
    /// The MCP client: claude-desktop, claude-code, cursor, vscode, windsurf or codex
    #[arg(long)]
    client: String,
    /// The entry's name in the client's file [default: the one entry that runs the connection]
    #[arg(long)]
    server: Option<String>,
    /// Which of the client's files: user, local or project (as for `mcp add`)
    #[arg(long, value_enum, default_value = "user")]
    scope: ScopeArg,
    #[command(flatten)]
    project: ProjectArg,
    /// Write the change (a backup of the old file is kept beside it)
    #[arg(long)]
    write: bool,
}

impl ScopeArg {
    fn scope(self) -> Scope {
        match self {
            ScopeArg::User => Scope::User,
            ScopeArg::Local => Scope::Local,
            ScopeArg::Project => Scope::Project,
        }
    }
}

/// The files of `$HOME` and of the project (the current directory unless given), and this
/// keyport, through the core.
fn places(project: &ProjectArg) -> Result<Places, Failure> {
    let project = match &project.project {
        Some(dir) => dir.clone(),
        None => std::env::current_dir()
            .map_err(|e| Failure(format!("the current directory cannot be read ({e})")))?,
    };
    Ok(Places::find(
        Some(&project),
        mcp_clients::keyport_binary()?,
    )?)
}

pub fn run(cmd: McpCommand, dir: &Path) -> Result<(), Failure> {
    match cmd {
        McpCommand::Add(args) => add(args, dir),
        McpCommand::Remove(args) => remove(args, dir),
        McpCommand::List {
            project,
            json: as_json,
        } => list(&project, as_json, dir),
        McpCommand::Scan {
            fix: false,
            project,
            json: as_json,
            ..
        } => scan(&project, as_json, dir),
        McpCommand::Scan {
            fix: true,
            no_verify,
            project,
            json: as_json,
        } => fix(&project, !no_verify, as_json, dir),
    }
}

fn add(args: AddArgs, dir: &Path) -> Result<(), Failure> {
    let request = AddRequest {
        connection: &args.connection,
        client: &args.client,
        scope: args.scope.scope(),
        server: args.server.as_deref(),
        name: args.name.as_deref(),
        force: args.force,
    };
    let places = places(&args.project)?;
    let catalog = Catalog::load(dir);
    let (client, change) = block_on(mcp_clients::plan(
        &Session::new(dir.to_path_buf()),
        &catalog,
        &places,
        &request,
    ))?;
    if change.diff.is_empty() {
        return print(&format!("{}\n", change.unchanged_message(client)));
    }
    diff_or_write(&change, args.write, || {
        Ok(mcp_clients::add(&change, client, None)?.message)
    })
}

fn remove(args: RemoveArgs, dir: &Path) -> Result<(), Failure> {
    let request = RemoveRequest {
        connection: Some(&args.connection),
        client: &args.client,
        scope: args.scope.scope(),
        server: args.server.as_deref(),
    };
    let places = places(&args.project)?;
    let (client, change) = mcp_clients::plan_remove(&Catalog::load(dir), &places, &request)?;
    diff_or_write(&change, args.write, || {
        Ok(mcp_clients::remove(&change, client, None)?.message)
    })
}

/// Prints a planned change's diff, and makes it (`apply`, saying what it did) only with --write.
fn diff_or_write(
    change: &Change,
    write: bool,
    apply: impl FnOnce() -> Result<String, Failure>,
) -> Result<(), Failure> {
    print(&change.diff)?;
    if !write {
        return print(&format!(
            "\nNothing was written. Run again with --write to write it (a backup of {} is kept).\n",
            change.path.display()
        ));
    }
    print(&format!("\n{}\n", apply()?))
}

fn clients(list: &[Client]) -> String {
    list.iter().map(|c| c.id()).collect::<Vec<_>>().join(", ")
}

fn list(project: &ProjectArg, as_json: bool, dir: &Path) -> Result<(), Failure> {
    let places = places(project)?;
    let files = mcp_clients::list(&Catalog::load(dir), &places);
    if as_json {
        return json(&files);
    }
    if files.is_empty() {
        return print("No MCP client config found.\n");
    }
    let mut rows = Vec::new();
    for file in &files {
        if let Some(problem) = &file.problem {
            stderr_lines("warning: ", problem);
        }
        for s in &file.servers {
            rows.push(vec![
                clients(&file.clients),
                file.scope.id().to_owned(),
                file.path.display().to_string(),
                s.name.clone(),
                match &s.keyport_connections {
                    Some(ids) => format!("keyport exec {}", ids.join(" ")),
                    None if s.remote => "remote".to_owned(),
                    None => "-".to_owned(),
                },
                s.plain_text_secrets.to_string(),
            ]);
        }
    }
    print(&table(
        &[
            "CLIENT",
            "SCOPE",
            "FILE",
            "SERVER",
            "RUNS THROUGH",
            "PLAIN-TEXT SECRETS",
        ],
        &rows,
    ))
}

fn scan(project: &ProjectArg, as_json: bool, dir: &Path) -> Result<(), Failure> {
    let places = places(project)?;
    let (findings, problems) = mcp_clients::scan(&Catalog::load(dir), &places);
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    if as_json {
        return json(&serde_json::json!({ "findings": findings, "problems": problems }));
    }
    for problem in &problems {
        stderr_lines("warning: ", problem);
    }
    if findings.is_empty() {
        return print("No credential in plain text found in the MCP client configs.\n");
    }
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            vec![
                f.file.display().to_string(),
                f.server.clone(),
                f.place.to_string(),
                f.kind.clone(),
                f.connector.clone().unwrap_or_else(|| "?".to_owned()),
            ]
        })
        .collect();
    print(&table(
        &["FILE", "SERVER", "WHERE", "WHAT", "CONNECTOR"],
        &rows,
    ))?;
    print(&format!(
        "\n{} credential(s) in plain text. `keyport mcp scan --fix` moves the ones Keyport can place into the vault.\n",
        findings.len()
    ))
}

fn fix(project: &ProjectArg, verify: bool, as_json: bool, dir: &Path) -> Result<(), Failure> {
    let places = places(project)?;
    let catalog = Catalog::load(dir);
    let (fixed, problems) = block_on(async {
        let session = session(dir).await?;
        mcp_clients::fix(&session, &catalog, &places, verify, None)
            .await
            .map_err(Failure::from)
    })?;
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    if as_json {
        return json(&serde_json::json!({ "fixed": fixed, "problems": problems }));
    }
    for problem in &problems {
        stderr_lines("warning: ", problem);
    }
    if fixed.is_empty() {
        return print("No credential in plain text found in the MCP client configs.\n");
    }
    let mut text = String::new();
    for f in &fixed {
        text.push_str(&f.message());
        text.push('\n');
    }
    let mut backups: Vec<&PathBuf> = fixed.iter().filter_map(|f| f.backup.as_ref()).collect();
    backups.dedup();
    for b in backups {
        text.push_str(&format!("Backup: {}\n", b.display()));
    }
    print(&text)
}
