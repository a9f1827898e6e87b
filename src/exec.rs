//! `keyport exec`: a program run with connections' credentials in its environment (issue 14).
//! The credentials come from hand-offs (fresh, recorded, never a refresh token or a client
//! secret); the child runs as if alone (stdin, signals, exit status); what it prints is masked
//! wherever an injected secret shows up; with `--mcp`, an MCP server outlives the tokens it was
//! started with, by a fresh child taking over the client's session before they expire.

mod child;
pub mod mask;
pub mod mcp;
pub mod sniff;

pub use child::{replace, run_masked, Exit, Program};

/// Runs `program` with `env`, its output masked: as an MCP server when `mcp` says so or the
/// first bytes on stdin are a client's request (`sniff`), else as a plain command. `fetch`
/// gives an MCP server's successors their fresh credentials.
pub async fn run<F, Fut>(
    program: &Program,
    env: crate::handoff::Environment,
    mcp: bool,
    fetch: F,
) -> Result<Exit, ExecError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<crate::handoff::Environment, ExecError>>,
{
    if mcp {
        return mcp::run(program, env, Vec::new(), fetch).await;
    }
    match sniff::sniff(sniff::WAIT) {
        sniff::Stdin::Untouched => run_masked(program, &env, None).await,
        sniff::Stdin::Read { bytes, mcp: true } => {
            tracing::info!("exec: a client's JSON-RPC request on stdin; running as an MCP server");
            mcp::run(program, env, bytes, fetch).await
        }
        sniff::Stdin::Read { bytes, mcp: false } => run_masked(program, &env, Some(bytes)).await,
    }
}

use crate::handoff::HandOffError;
use keyport_model::ErrorCode;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExecError {
    #[error("name the command to run after `--`")]
    NoCommand,
    #[error("name at least one connection (an ID, or --env NAME=ID)")]
    NoConnection,
    #[error("{program}: command not found")]
    NotFound { program: String },
    #[error("{program}: permission denied")]
    NotAllowed { program: String },
    #[error("could not start {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    /// A pty, pipe or signal listener the child's stdio needs could not be made.
    #[error("could not set up the child's input and output: {0}")]
    Terminal(std::io::Error),
    #[error(transparent)]
    HandOff(#[from] HandOffError),
    #[error(transparent)]
    Vault(#[from] crate::vault::VaultError),
}

impl ExecError {
    pub(crate) fn spawn(program: &Program, source: std::io::Error) -> ExecError {
        let program = program.name();
        match source.kind() {
            std::io::ErrorKind::NotFound => ExecError::NotFound { program },
            std::io::ErrorKind::PermissionDenied => ExecError::NotAllowed { program },
            _ => ExecError::Spawn { program, source },
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ExecError::NoCommand | ExecError::NoConnection => ErrorCode::ExecEnv,
            ExecError::NotFound { .. }
            | ExecError::NotAllowed { .. }
            | ExecError::Spawn { .. }
            | ExecError::Terminal(_) => ErrorCode::ExecSpawn,
            ExecError::HandOff(e) => e.code(),
            ExecError::Vault(e) => e.code(),
        }
    }

    /// The status a shell gives for a command it could not run: 127 not found, 126 not
    /// executable; 1 for Keyport's own failures.
    pub fn status(&self) -> u8 {
        match self {
            ExecError::NotFound { .. } => 127,
            ExecError::NotAllowed { .. } => 126,
            _ => 1,
        }
    }
}

impl crate::error::Coded for ExecError {
    fn code(&self) -> ErrorCode {
        ExecError::code(self)
    }
}
