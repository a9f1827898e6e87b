//! `keyport exec ID... [--env NAME=ID[.field]]... [--mcp] [--no-masking] -- CMD ARGS`: runs CMD
//! with the connections' credentials in its environment. The exit status is CMD's own (126 or
//! 127 when it cannot be run, as a shell says; 1 for Keyport's own failures).

use super::output;
use super::vault::session;
use crate::exec::{self, ExecError, Program};
use crate::handoff::{find_program, Asker, EnvOverride, Environment};
use clap::Args;
use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The connections whose credentials CMD gets, in the variables their connectors declare
    #[arg(value_name = "ID")]
    connections: Vec<String>,
    /// Set NAME to a connection's token, key or database URL (ID), or to one field (ID.field:
    /// token, username, password, database_url, access_key_id, secret_access_key,
    /// session_token, or a setting such as region)
    #[arg(long = "env", value_name = "NAME=ID[.field]")]
    env: Vec<EnvOverride>,
    /// CMD is an MCP server: keep the client's session alive across token refreshes (also
    /// when a client's JSON-RPC request is the first thing on a piped stdin)
    #[arg(long)]
    mcp: bool,
    /// Pass CMD's output on unmasked (Keyport then steps aside: CMD replaces it)
    #[arg(long, conflicts_with = "mcp")]
    no_masking: bool,
    /// The command to run and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "CMD")]
    command: Vec<OsString>,
}

pub fn exec(args: ExecArgs, dir: &Path) -> ExitCode {
    match run(args, dir) {
        Ok(exit) => ExitCode::from(exit.status()),
        Err(err) => {
            output::stderr_lines("", &err.to_string());
            ExitCode::from(err.status())
        }
    }
}

fn run(args: ExecArgs, dir: &Path) -> Result<exec::Exit, ExecError> {
    let Some((program, rest)) = args.command.split_first() else {
        return Err(ExecError::NoCommand);
    };
    if args.connections.is_empty() && args.env.is_empty() {
        return Err(ExecError::NoConnection);
    }
    let program = Program {
        program: program.clone(),
        args: rest.to_vec(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ExecError::Terminal)?;
    // A long-lived server's switch-overs are told in the log (`keyport logs`), not on the
    // stderr the client shows as the server's own. Only a run that may serve a client opens
    // it: a script's `exec` is over before a log would tell anything.
    let _log = (args.mcp || !args.no_masking && exec::sniff::maybe_a_client())
        .then(|| crate::logging::init(dir, "exec"))
        .and_then(Result::ok);
    // Resolved before anything is handed out: no credential leaves for a command that cannot
    // run, and "ask before use" names the program that gets it.
    let Some(found) = find_program(&program.program) else {
        let kind = if Path::new(&program.program).is_file() {
            std::io::ErrorKind::PermissionDenied
        } else {
            std::io::ErrorKind::NotFound
        };
        return Err(ExecError::spawn(&program, kind.into()));
    };
    let asker = Asker::parent_of_this_process().for_program(found);
    let result = runtime.block_on(async {
        let env = environment(&args, &asker, dir).await?;
        if args.no_masking {
            return Err(exec::replace(&program, &env));
        }
        exec::run(&program, env, args.mcp, || environment(&args, &asker, dir)).await
    });
    // The client's stdin is read on a thread that cannot be cancelled: the runtime is not
    // waited for (the server's exit is final).
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    result
}

/// The child's environment, from a fresh session (the vault is not kept open while it runs).
async fn environment(args: &ExecArgs, asker: &Asker, dir: &Path) -> Result<Environment, ExecError> {
    let session = session(dir).await?;
    Ok(session
        .exec_environment(&args.connections, &args.env, asker)
        .await?)
}
