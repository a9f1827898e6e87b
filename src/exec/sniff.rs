//! `keyport exec` without `--mcp` or `--no-masking` tells an MCP client from the first bytes on
//! its stdin (issue 14): a client that starts a stdio server writes a JSON-RPC request at once
//! (`initialize`, or any request in the stateless revision), so when stdin is a pipe or socket
//! and its first line is one, the server runs as `--mcp` would run it. Anything else runs as it
//! would have, with what was read handed on first.
//!
//! Only a pipe or a socket is looked at, never a terminal or a file, and for a short while: a
//! program whose stdin stays silent starts that much later, with its stdin untouched.

use serde_json::Value;
use std::io::IsTerminal;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

/// How long a silent pipe is waited on. A client writes `initialize` as soon as it spawns the
/// server, before Keyport has even opened the vault.
pub const WAIT: Duration = Duration::from_millis(300);

/// A first line longer than this is no JSON-RPC request a client sends first.
const MAX_LINE: usize = 1 << 20;

/// What was learned from stdin.
#[derive(Debug, PartialEq, Eq)]
pub enum Stdin {
    /// Nothing was read: the child gets our stdin as it is.
    Untouched,
    /// These bytes were read and must reach the child before the rest; `mcp` when their first
    /// line is a JSON-RPC request.
    Read { bytes: Vec<u8>, mcp: bool },
}

/// Whether a client could be speaking to us: stdin is a pipe or a socket and our stdout is no
/// terminal (a person at a terminal is no MCP client).
pub fn maybe_a_client() -> bool {
    let piped = rustix::fs::fstat(std::io::stdin().as_fd()).is_ok_and(|stat| {
        matches!(
            rustix::fs::FileType::from_raw_mode(stat.st_mode),
            rustix::fs::FileType::Fifo | rustix::fs::FileType::Socket
        )
    });
    piped && !std::io::stdout().is_terminal()
}

/// Looks at our stdin for up to `wait`, when [`maybe_a_client`].
pub fn sniff(wait: Duration) -> Stdin {
    if !maybe_a_client() {
        return Stdin::Untouched;
    }
    let stdin = std::io::stdin();
    let bytes = first_line(stdin.as_fd(), wait);
    if bytes.is_empty() {
        return Stdin::Untouched;
    }
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let mcp = is_request(line);
    Stdin::Read { bytes, mcp }
}

/// Reads from `fd` until a newline, the end, `MAX_LINE` bytes or `wait`, whichever is first.
fn first_line(fd: std::os::fd::BorrowedFd<'_>, wait: Duration) -> Vec<u8> {
    let deadline = Instant::now() + wait;
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 8192];
    while !bytes.contains(&b'\n') && bytes.len() < MAX_LINE {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(timeout) = rustix::event::Timespec::try_from(left) else {
            break;
        };
        if left.is_zero() {
            break;
        }
        let mut fds = [rustix::event::PollFd::new(
            &fd,
            rustix::event::PollFlags::IN,
        )];
        match rustix::event::poll(&mut fds, Some(&timeout)) {
            Ok(0) => break,
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(_) => break,
        }
        match rustix::io::read(fd, &mut chunk) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => continue,
            Err(_) => break,
        }
    }
    bytes
}

/// Whether `line` is a JSON-RPC 2.0 request or notification: what an MCP client sends first.
pub fn is_request(line: &[u8]) -> bool {
    serde_json::from_slice::<Value>(line).is_ok_and(|message| {
        message.get("jsonrpc").and_then(Value::as_str) == Some("2.0")
            && message.get("method").is_some_and(Value::is_string)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_s_first_request_is_told_from_other_input() {
        let initialize = br#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}"#;
        assert!(is_request(initialize));
        // The stateless revision's first request is any request.
        assert!(is_request(
            br#"{"jsonrpc":"2.0","id":"a","method":"tools/list"}"#
        ));
        assert!(is_request(b"{\"jsonrpc\":\"2.0\",\"method\":\"x\"}\r"));
        for other in [
            &b"hello world"[..],
            b"",
            b"{}",
            br#"{"jsonrpc":"1.0","method":"initialize"}"#,
            br#"{"jsonrpc":"2.0","id":1,"result":{}}"#,
            br#"{"jsonrpc":"2.0","method":7}"#,
            br#"["jsonrpc","2.0"]"#,
            b"{\"jsonrpc\":\"2.0\",\"method\":\"x\"",
        ] {
            assert!(!is_request(other), "{}", String::from_utf8_lossy(other));
        }
    }
}
