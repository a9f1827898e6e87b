//! `exec --mcp`: an MCP server on stdio outlives the access token it was started with. Keyport
//! sits between the client and the server, message by message (newline-delimited JSON-RPC, as
//! the stdio transport defines it). Before the token expires it starts a fresh server with a
//! fresh token, brings it to the client's session (for the stateful revisions up to
//! 2025-11-25: the client's `initialize` again, under an id of Keyport's own whose answer the
//! client never sees, then `notifications/initialized`; the stateless revision needs none),
//! sends it every request from then on, lets the old one answer what it was already asked, and
//! then closes the old one's stdin. The client sees one session: no request is lost or answered
//! twice, and no pause but the routing.

use super::child::masked_stderr;
use super::mask::Masker;
use super::{ExecError, Exit, Program};
use crate::handoff::Environment;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin};
use tokio::sync::mpsc;
use tokio::time::Instant;
use zeroize::Zeroizing;

/// How long a retired server may take to exit after its stdin closed, before SIGTERM, then
/// SIGKILL (the shutdown the stdio transport describes).
const RETIRE_GRACE: Duration = Duration::from_secs(5);
/// How long a fresh server may take to answer the replayed `initialize`.
const READY_WITHIN: Duration = Duration::from_secs(30);
/// When a switch could not be made (no fresher token, the service unreachable, a server that
/// would not start), the next try.
const RETRY: Duration = Duration::from_secs(15);
/// The longest lead before expiry a switch is made with; shorter-lived tokens switch at three
/// quarters of their life.
const LEAD: Duration = Duration::from_secs(60);

/// What a line from one side is, as far as routing goes.
#[derive(Debug, PartialEq)]
enum Kind {
    /// A request: its id (as JSON text, so `1` and `"1"` differ) and method.
    Request {
        id: String,
        method: String,
    },
    Notification {
        method: String,
        about: Option<String>,
    },
    Response {
        id: String,
    },
    /// Not a JSON-RPC message Keyport reads (a batch, garbage): passed on as it is.
    Other,
}

fn kind(message: &Value) -> Kind {
    let id = message.get("id").map(Value::to_string);
    let method = message
        .get("method")
        .and_then(Value::as_str)
        .map(str::to_owned);
    match (id, method) {
        (Some(id), Some(method)) => Kind::Request { id, method },
        (None, Some(method)) => Kind::Notification {
            about: message.pointer("/params/requestId").map(Value::to_string),
            method,
        },
        (Some(id), None) => Kind::Response { id },
        (None, None) => Kind::Other,
    }
}

/// One server process and what it owes.
struct Server {
    n: u64,
    child: Child,
    stdin: Option<ChildStdin>,
    /// The client's requests it has not answered.
    owes: HashSet<String>,
    /// Its requests to the client the client has not answered.
    asked: HashSet<String>,
    /// Retired: when it is signalled next if still running (SIGTERM first, then SIGKILL), and
    /// whether SIGTERM went out. Its pid stays its own until `ended` reaps it.
    retiring: Option<(Instant, bool)>,
    /// The secrets it was started with: masked until it is gone.
    secrets: Vec<Zeroizing<String>>,
}

enum Event {
    Line(u64, Vec<u8>),
    End(u64),
}

/// A server being brought to the session: the id its replayed `initialize` went out with.
struct Joining {
    n: u64,
    replay: String,
    deadline: Instant,
}

struct Proxy<'a> {
    program: &'a Program,
    servers: BTreeMap<u64, Server>,
    current: u64,
    next: u64,
    joining: Option<Joining>,
    /// The client's `initialize` request and `notifications/initialized`, to replay.
    initialize: Option<Value>,
    initialized: Option<Vec<u8>>,
    /// The secrets of the servers alive, masked in everything they send; a server's go with
    /// it, so a long session does not mask every token it ever had.
    masker: Masker,
    events: mpsc::Sender<Event>,
    switch_at: Option<Instant>,
}

/// Runs `program` as an MCP server for the client on our stdio, starting a fresh one with
/// `fetch`'s environment before each token expires. `read` is what was already read from
/// stdin (the client's first message, when it told us this is MCP).
pub async fn run<F, Fut>(
    program: &Program,
    first: Environment,
    read: Vec<u8>,
    mut fetch: F,
) -> Result<Exit, ExecError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Environment, ExecError>>,
{
    let (events, mut incoming) = mpsc::channel(64);
    let mut proxy = Proxy {
        program,
        servers: BTreeMap::new(),
        current: 0,
        next: 0,
        joining: None,
        initialize: None,
        initialized: None,
        masker: Masker::new([]),
        events,
        switch_at: None,
    };
    proxy.current = proxy.start(&first)?;
    proxy.switch_at = switch_time(first.expires_at.as_deref());

    let mut client = BufReader::new(std::io::Cursor::new(read).chain(tokio::io::stdin()));
    let mut client_open = true;
    let mut out = tokio::io::stdout();
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(ExecError::Terminal)?;
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .map_err(ExecError::Terminal)?;
    let mut line = Vec::new();
    // Fresh credentials are fetched beside the routing (an unlock, a refresh at the service),
    // so no request waits for them.
    let mut fetching: Option<std::pin::Pin<Box<Fut>>> = None;
    loop {
        let switch_at = proxy
            .switch_at
            .filter(|_| proxy.joining.is_none() && fetching.is_none());
        let joining_deadline = proxy.joining.as_ref().map(|j| j.deadline);
        tokio::select! {
            read = client.read_until(b'\n', &mut line), if client_open => {
                match read {
                    Ok(0) | Err(_) => {
                        // The client is done: every server's stdin closes, and the current
                        // one's exit is ours.
                        client_open = false;
                        for server in proxy.servers.values_mut() {
                            server.stdin = None;
                        }
                    }
                    Ok(_) => proxy.client_said(&line).await,
                }
                line.clear();
            }
            Some(event) = incoming.recv() => match event {
                Event::Line(n, message) => {
                    if let Some(forward) = proxy.server_said(n, &message).await {
                        if out.write_all(&forward).await.and(out.flush().await).is_err() {
                            client_open = false;
                        }
                    }
                }
                Event::End(n) => {
                    if let Some(exit) = proxy.ended(n).await? {
                        return Ok(exit);
                    }
                }
            },
            () = sleep_until(switch_at) => fetching = Some(Box::pin(fetch())),
            fetched = async {
                match fetching.as_mut() {
                    Some(fetch) => fetch.await,
                    None => std::future::pending().await,
                }
            } => {
                fetching = None;
                proxy.switch_at = Some(Instant::now() + RETRY);
                match fetched {
                    Ok(env) => proxy.begin_switch(&env).await,
                    Err(err) => tracing::warn!(code = %err.code(), "mcp: no fresh credentials; the server keeps its token"),
                }
            }
            () = sleep_until(joining_deadline) => {
                tracing::warn!("mcp: the fresh server did not answer initialize; it is stopped");
                if let Some(joining) = proxy.joining.take() {
                    proxy.retire(joining.n);
                }
            }
            () = sleep_until(proxy.next_signal()) => proxy.hurry(),
            Some(()) = terminate.recv() => proxy.signal_all(rustix::process::Signal::TERM),
            Some(()) = interrupt.recv() => proxy.signal_all(rustix::process::Signal::INT),
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// When to switch to a fresh token: a quarter of its remaining life before it expires, at most
/// [`LEAD`] before.
fn switch_time(expires_at: Option<&str>) -> Option<Instant> {
    let at =
        time::OffsetDateTime::parse(expires_at?, &time::format_description::well_known::Rfc3339)
            .ok()?;
    let left = (at - time::OffsetDateTime::now_utc()).max(time::Duration::ZERO);
    let left = Duration::try_from(left).unwrap_or_default();
    let lead = (left / 4).min(LEAD);
    Some(Instant::now() + left.saturating_sub(lead).max(Duration::from_secs(1)))
}

impl Proxy<'_> {
    /// Starts a server with `env`; its stdout lines arrive as events.
    fn start(&mut self, env: &Environment) -> Result<u64, ExecError> {
        let n = self.next;
        self.next += 1;
        let mut command = tokio::process::Command::from(self.program.command(env));
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(masked_stderr(env.secrets())?)
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .map_err(|e| ExecError::spawn(self.program, e))?;
        let stdin = child.stdin.take();
        if let Some(stdout) = child.stdout.take() {
            let events = self.events.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stdout);
                let mut line = Vec::new();
                while let Ok(read) = lines.read_until(b'\n', &mut line).await {
                    if read == 0
                        || events
                            .send(Event::Line(n, std::mem::take(&mut line)))
                            .await
                            .is_err()
                    {
                        break;
                    }
                }
                let _ = events.send(Event::End(n)).await;
            });
        }
        self.servers.insert(
            n,
            Server {
                n,
                child,
                stdin,
                owes: HashSet::new(),
                asked: HashSet::new(),
                retiring: None,
                secrets: env
                    .secrets()
                    .map(|s| Zeroizing::new(s.to_owned()))
                    .collect(),
            },
        );
        self.remask();
        Ok(n)
    }

    async fn send(&mut self, n: u64, message: &[u8]) {
        let Some(stdin) = self.servers.get_mut(&n).and_then(|s| s.stdin.as_mut()) else {
            return;
        };
        if stdin
            .write_all(message)
            .await
            .and(stdin.flush().await)
            .is_err()
        {
            tracing::warn!(server = n, "mcp: a server's stdin closed");
        }
    }

    /// A message from the client, to the server it belongs to.
    async fn client_said(&mut self, message: &[u8]) {
        let parsed: Option<Value> = serde_json::from_slice(message).ok();
        let to = match parsed.as_ref().map(kind).unwrap_or(Kind::Other) {
            Kind::Request { id, method } => {
                if method == "initialize" {
                    self.initialize = parsed.clone();
                }
                if let Some(server) = self.servers.get_mut(&self.current) {
                    server.owes.insert(id);
                }
                self.current
            }
            Kind::Notification { method, about } => {
                if method == "notifications/initialized" {
                    self.initialized = Some(message.to_vec());
                }
                // A cancellation goes to the server that was asked.
                about
                    .and_then(|id| self.servers.values().find(|s| s.owes.contains(&id)))
                    .map_or(self.current, |s| s.n)
            }
            Kind::Response { id } => {
                let asker = self.servers.values_mut().find(|s| s.asked.contains(&id));
                match asker {
                    Some(server) => {
                        server.asked.remove(&id);
                        server.n
                    }
                    None => self.current,
                }
            }
            Kind::Other => self.current,
        };
        self.send(to, message).await;
        self.retire_idle();
    }

    /// A message from server `n`: what goes on to the client (masked), if anything.
    async fn server_said(&mut self, n: u64, message: &[u8]) -> Option<Vec<u8>> {
        let parsed: Option<Value> = serde_json::from_slice(message).ok();
        let kind = parsed.as_ref().map(kind).unwrap_or(Kind::Other);
        if let Some(joining) = self.joining.as_ref().filter(|j| j.n == n) {
            // A server joining speaks to Keyport only: the answer to the replay ends it.
            if kind
                == (Kind::Response {
                    id: joining.replay.clone(),
                })
            {
                let failed = parsed.as_ref().is_some_and(|m| m.get("error").is_some());
                self.joined(n, failed).await;
            }
            return None;
        }
        match kind {
            Kind::Response { id } => {
                if let Some(server) = self.servers.get_mut(&n) {
                    server.owes.remove(&id);
                }
                self.retire_idle();
            }
            Kind::Request { id, .. } => {
                if let Some(server) = self.servers.get_mut(&n) {
                    server.asked.insert(id);
                }
            }
            Kind::Notification { .. } | Kind::Other => {}
        }
        Some(self.masker.whole(message))
    }

    /// The masker for the secrets of the servers alive.
    fn remask(&mut self) {
        self.masker = Masker::new(
            self.servers
                .values()
                .flat_map(|server| server.secrets.iter().map(|s| s.as_str())),
        );
    }

    /// Starts a server with a fresh environment and brings it to the session.
    async fn begin_switch(&mut self, env: &Environment) {
        let current = self.servers.get(&self.current);
        let unchanged = env
            .secrets()
            .all(|s| current.is_some_and(|server| server.secrets.iter().any(|k| k.as_str() == s)));
        if unchanged {
            tracing::info!("mcp: no fresher token yet; the server keeps its own");
            return;
        }
        let n = match self.start(env) {
            Ok(n) => n,
            Err(err) => {
                tracing::warn!(code = %err.code(), "mcp: the fresh server did not start");
                return;
            }
        };
        self.switch_at = switch_time(env.expires_at.as_deref());
        let Some(mut replay) = self.initialize.clone() else {
            // Stateless (or not yet initialized): nothing to bring it to.
            self.joined(n, false).await;
            return;
        };
        let id = format!("keyport-replay-{n}");
        replay["id"] = Value::String(id.clone());
        let mut text = serde_json::to_vec(&replay).unwrap_or_default();
        text.push(b'\n');
        self.joining = Some(Joining {
            n,
            replay: Value::String(id).to_string(),
            deadline: Instant::now() + READY_WITHIN,
        });
        self.send(n, &text).await;
    }

    /// Server `n` answered the replayed `initialize`: it takes every request from now on.
    async fn joined(&mut self, n: u64, failed: bool) {
        self.joining = None;
        if failed {
            tracing::warn!(
                server = n,
                "mcp: the fresh server refused initialize; it is stopped"
            );
            self.switch_at = Some(Instant::now() + RETRY);
            self.retire(n);
            return;
        }
        if let Some(initialized) = self.initialized.clone() {
            self.send(n, &initialized).await;
        }
        tracing::info!(server = n, "mcp: switched to a server with a fresh token");
        self.current = n;
        self.retire_idle();
    }

    /// Closes the stdin of every old server that owes nothing, so it exits.
    fn retire_idle(&mut self) {
        let idle: Vec<u64> = self
            .servers
            .values()
            .filter(|s| s.n < self.current && s.stdin.is_some())
            .filter(|s| s.owes.is_empty() && s.asked.is_empty())
            .map(|s| s.n)
            .collect();
        for n in idle {
            self.retire(n);
        }
    }

    /// Closes server `n`'s stdin; SIGTERM, then SIGKILL, if it does not exit.
    fn retire(&mut self, n: u64) {
        if let Some(server) = self.servers.get_mut(&n) {
            server.stdin = None;
            server.retiring = Some((Instant::now() + RETIRE_GRACE, false));
        }
    }

    /// When the next retired server that has not exited is signalled.
    fn next_signal(&self) -> Option<Instant> {
        self.servers
            .values()
            .filter_map(|s| s.retiring.map(|(at, _)| at))
            .min()
    }

    /// Signals the retired servers whose time is up.
    fn hurry(&mut self) {
        let now = Instant::now();
        for server in self.servers.values_mut() {
            match server.retiring {
                Some((at, false)) if at <= now => {
                    if let Some(pid) = server
                        .child
                        .id()
                        .and_then(|id| rustix::process::Pid::from_raw(id as i32))
                    {
                        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
                    }
                    server.retiring = Some((now + RETIRE_GRACE, true));
                }
                Some((at, true)) if at <= now => {
                    let _ = server.child.start_kill();
                    server.retiring = None;
                }
                _ => {}
            }
        }
    }

    /// Server `n`'s stdout ended: the exit of the current server is Keyport's.
    async fn ended(&mut self, n: u64) -> Result<Option<Exit>, ExecError> {
        let Some(mut server) = self.servers.remove(&n) else {
            return Ok(None);
        };
        self.remask();
        let status = match tokio::time::timeout(RETIRE_GRACE, server.child.wait()).await {
            Ok(status) => status.map_err(ExecError::Terminal)?,
            Err(_) => {
                let _ = server.child.start_kill();
                server.child.wait().await.map_err(ExecError::Terminal)?
            }
        };
        if self.joining.as_ref().is_some_and(|j| j.n == n) {
            tracing::warn!(server = n, "mcp: the fresh server ended before it joined");
            self.joining = None;
            return Ok(None);
        }
        if n != self.current {
            return Ok(None);
        }
        for other in self.servers.values_mut() {
            other.stdin = None;
        }
        Ok(Some(Exit::from(status)))
    }

    fn signal_all(&self, signal: rustix::process::Signal) {
        for server in self.servers.values() {
            if let Some(pid) = server
                .child
                .id()
                .and_then(|id| rustix::process::Pid::from_raw(id as i32))
            {
                let _ = rustix::process::kill_process(pid, signal);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_what_a_message_is() {
        assert_eq!(
            kind(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call"})),
            Kind::Request {
                id: "1".into(),
                method: "tools/call".into()
            }
        );
        assert_eq!(
            kind(&json!({"jsonrpc": "2.0", "id": "1", "result": {}})),
            Kind::Response { id: "\"1\"".into() }
        );
        assert_eq!(
            kind(
                &json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 4}})
            ),
            Kind::Notification {
                method: "notifications/cancelled".into(),
                about: Some("4".into())
            }
        );
        assert_eq!(kind(&json!([1, 2])), Kind::Other);
    }

    #[test]
    fn switches_a_quarter_of_the_life_before_expiry_at_most_a_minute() {
        let at = |secs: i64| {
            (time::OffsetDateTime::now_utc() + time::Duration::seconds(secs))
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap()
        };
        let after = |secs: i64| switch_time(Some(&at(secs))).unwrap() - Instant::now();
        let short = after(20);
        assert!(
            short > Duration::from_secs(13) && short <= Duration::from_secs(15),
            "{short:?}"
        );
        let hour = after(3600);
        assert!(
            hour > Duration::from_secs(3535) && hour <= Duration::from_secs(3540),
            "{hour:?}"
        );
        assert!(after(-5) <= Duration::from_secs(1));
        assert_eq!(switch_time(None), None);
        assert_eq!(switch_time(Some("not a time")), None);
    }
}
