//! Running the child as if it ran alone: its stdin is ours, its exit status becomes ours, the
//! signals a person or a supervisor sends us reach it, and a child whose output goes to a
//! terminal still writes to one (a pty per terminal stream, so it keeps its colours and line
//! buffering) while Keyport masks what passes through.

use super::mask::Masker;
use super::ExecError;
use crate::handoff::Environment;
use rustix::process::{Pid, Signal};
use std::ffi::OsString;
use std::fs::File;
use std::io::{IsTerminal, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::signal::unix::{signal, SignalKind};

/// How long output may still trickle in after the child exited: a grandchild that outlives it
/// and keeps its stdout open must not keep `exec` running.
const DRAIN_QUIET: Duration = Duration::from_millis(500);

/// The program to run.
#[derive(Debug, Clone)]
pub struct Program {
    pub program: OsString,
    pub args: Vec<OsString>,
}

impl Program {
    pub fn name(&self) -> String {
        self.program.to_string_lossy().into_owned()
    }

    /// The command, with the environment Keyport gives: ours, minus what unlocks Keyport, plus
    /// the injected variables.
    pub(super) fn command(&self, env: &Environment) -> std::process::Command {
        let mut command = std::process::Command::new(&self.program);
        command.args(&self.args);
        for (name, _) in std::env::vars_os() {
            if unlocks_keyport(&name) {
                command.env_remove(&name);
            }
        }
        for entry in &env.entries {
            command.env(&entry.name, entry.value.as_str());
        }
        command
    }
}

/// Whether a variable of ours would let the child unlock the vault or mint tokens: a passphrase
/// (`KEYPORT_PASSPHRASE`, `KEYPORT_NEW_PASSPHRASE`) or an OAuth app's client secret
/// (`KEYPORT_<CONNECTOR>_CLIENT_SECRET`).
fn unlocks_keyport(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with("KEYPORT_") && (name.contains("PASSPHRASE") || name.ends_with("_SECRET"))
}

/// How the child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
}

impl Exit {
    /// The status a shell would report for it (128 + the signal's number for a signal).
    pub fn status(self) -> u8 {
        match self {
            Exit::Code(code) => u8::try_from(code & 0xff).unwrap_or(1),
            Exit::Signal(signal) => u8::try_from((128 + signal) & 0xff).unwrap_or(1),
        }
    }
}

impl From<std::process::ExitStatus> for Exit {
    fn from(status: std::process::ExitStatus) -> Exit {
        use std::os::unix::process::ExitStatusExt;
        match (status.code(), status.signal()) {
            (Some(code), _) => Exit::Code(code),
            (None, Some(signal)) => Exit::Signal(signal),
            (None, None) => Exit::Code(1),
        }
    }
}

/// Replaces this process with the child (`--no-masking`): nothing of Keyport stays between
/// them, so stdio, signals and the exit status are the child's own. Returns only on failure.
pub fn replace(program: &Program, env: &Environment) -> ExecError {
    use std::os::unix::process::CommandExt;
    ExecError::spawn(program, program.command(env).exec())
}

/// One of the child's output streams, as Keyport reads it.
struct Stream {
    reader: File,
    /// The pty's master side, to pass on a change of the terminal's size.
    pty: Option<OwnedFd>,
}

/// The child's end of one output stream: a pty when ours is a terminal, else a pipe.
fn stream(ours_is_terminal: bool, ours: impl AsFd) -> Result<(Stream, Stdio), ExecError> {
    if ours_is_terminal {
        let (master, slave) = pty(ours).map_err(ExecError::Terminal)?;
        let reader = File::from(master.try_clone().map_err(ExecError::Terminal)?);
        return Ok((
            Stream {
                reader,
                pty: Some(master),
            },
            Stdio::from(slave),
        ));
    }
    let (reader, writer) = std::io::pipe().map_err(ExecError::Terminal)?;
    Ok((
        Stream {
            reader: File::from(OwnedFd::from(reader)),
            pty: None,
        },
        Stdio::from(writer),
    ))
}

/// A new pty the size of the terminal `like`.
fn pty(like: impl AsFd) -> std::io::Result<(OwnedFd, OwnedFd)> {
    use rustix::pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags};
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)?;
    grantpt(&master)?;
    unlockpt(&master)?;
    let name = ptsname(&master, Vec::new())?;
    let slave = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open(std::path::Path::new(std::ffi::OsStr::from_bytes(
            name.as_bytes(),
        )))?;
    if let Ok(size) = rustix::termios::tcgetwinsize(like) {
        let _ = rustix::termios::tcsetwinsize(&master, size);
    }
    Ok((master, OwnedFd::from(slave)))
}

/// Copies one stream to `out`, masked, until it ends (or `out` is closed: then the child's next
/// write fails as it would have). Counts what it passed on in `moved`.
fn pump(
    mut stream: File,
    mut out: impl Write,
    mut masker: Masker,
    moved: Arc<AtomicU64>,
    done: mpsc::Sender<()>,
) {
    let mut buf = zeroize::Zeroizing::new(vec![0u8; 16 * 1024]);
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            // A pty's master reads EIO once the last holder of its other side closed it.
            Err(_) => break,
        };
        let masked = masker.push(&buf[..n]);
        if out.write_all(&masked).and_then(|()| out.flush()).is_err() {
            let _ = done.send(());
            return;
        }
        moved.fetch_add(n as u64, Ordering::Relaxed);
    }
    let tail = masker.finish();
    let _ = out.write_all(&tail).and_then(|()| out.flush());
    let _ = done.send(());
}

/// A child's stderr, masked on its way to ours (through a pty when ours is a terminal), for
/// the children of `--mcp`, whose stdout Keyport reads message by message.
pub(super) fn masked_stderr<'a>(
    secrets: impl IntoIterator<Item = &'a str>,
) -> Result<Stdio, ExecError> {
    let (err, stdio) = stream(std::io::stderr().is_terminal(), std::io::stderr())?;
    let masker = Masker::new(secrets);
    let (done, _) = mpsc::channel();
    let moved = Arc::new(AtomicU64::new(0));
    std::thread::spawn(move || pump(err.reader, std::io::stderr(), masker, moved, done));
    Ok(stdio)
}

/// The signals passed on to the child, with the kind tokio listens for.
const FORWARDED: [(Signal, fn() -> SignalKind); 6] = [
    (Signal::TERM, SignalKind::terminate),
    (Signal::HUP, SignalKind::hangup),
    (Signal::QUIT, SignalKind::quit),
    (Signal::USR1, SignalKind::user_defined1),
    (Signal::USR2, SignalKind::user_defined2),
    (Signal::INT, SignalKind::interrupt),
];

/// Whether a Ctrl+C on our terminal already reaches the child: the terminal signals its whole
/// foreground process group, which the child shares with us. Passing it on as well would make
/// it two.
fn terminal_signals_child() -> bool {
    let stdin = std::io::stdin();
    stdin.is_terminal()
        && rustix::termios::tcgetpgrp(stdin.as_fd()).ok() == Some(rustix::process::getpgrp())
}

/// Runs the child with its output masked, and waits for it. `read` is what was already read
/// from our stdin: the child gets it first, then the rest through a pipe; with none it gets our
/// stdin itself.
pub async fn run_masked(
    program: &Program,
    env: &Environment,
    read: Option<Vec<u8>>,
) -> Result<Exit, ExecError> {
    let secrets: Vec<&str> = env.secrets().collect();
    let (out, out_stdio) = stream(std::io::stdout().is_terminal(), std::io::stdout())?;
    let (err, err_stdio) = stream(std::io::stderr().is_terminal(), std::io::stderr())?;
    // Listening before the child starts, so no signal in between ends Keyport instead.
    let signals = Signals::listen()?;
    let mut command = tokio::process::Command::from(program.command(env));
    command
        .stdin(if read.is_some() {
            Stdio::piped()
        } else {
            Stdio::inherit()
        })
        .stdout(out_stdio)
        .stderr(err_stdio);
    let spawned = command.spawn();
    // The child's ends now belong to the child alone, so its exit ends the streams.
    drop(command);
    let mut child = spawned.map_err(|e| ExecError::spawn(program, e))?;
    let pid = child.id().and_then(|id| Pid::from_raw(id as i32));
    if let (Some(read), Some(mut input)) = (read, child.stdin.take()) {
        tokio::spawn(async move {
            // A child that stops reading ends the copy; its stdin closes with our end.
            if input.write_all(&read).await.is_ok() {
                let _ = tokio::io::copy(&mut tokio::io::stdin(), &mut input).await;
            }
        });
    }

    let moved = Arc::new(AtomicU64::new(0));
    let (done_tx, done) = mpsc::channel();
    let ptys: Vec<OwnedFd> = [&out.pty, &err.pty]
        .into_iter()
        .flatten()
        .filter_map(|fd| fd.try_clone().ok())
        .collect();
    for (stream, is_out) in [(out, true), (err, false)] {
        let (masker, moved, done_tx) = (
            Masker::new(secrets.iter().copied()),
            moved.clone(),
            done_tx.clone(),
        );
        std::thread::spawn(move || {
            if is_out {
                pump(stream.reader, std::io::stdout(), masker, moved, done_tx);
            } else {
                pump(stream.reader, std::io::stderr(), masker, moved, done_tx);
            }
        });
    }
    drop(done_tx);

    if let Some(pid) = pid {
        signals.forward(pid, ptys);
    }
    let status = child.wait().await.map_err(ExecError::Terminal)?;
    wait_for_output(&done, &moved);
    Ok(Exit::from(status))
}

/// The signals Keyport listens for while the child runs.
struct Signals {
    forwarded: Vec<(Signal, bool, tokio::signal::unix::Signal)>,
    winch: tokio::signal::unix::Signal,
}

impl Signals {
    fn listen() -> Result<Signals, ExecError> {
        let terminal_interrupts = terminal_signals_child();
        let mut forwarded = Vec::new();
        for (sig, kind) in FORWARDED {
            // A Ctrl+C the terminal already sent the child is still listened for, so it does
            // not end Keyport before the child, but not sent again.
            let forward = !(sig == Signal::INT && terminal_interrupts);
            forwarded.push((sig, forward, signal(kind()).map_err(ExecError::Terminal)?));
        }
        let winch = signal(SignalKind::window_change()).map_err(ExecError::Terminal)?;
        Ok(Signals { forwarded, winch })
    }

    /// Passes the signals on to the child (tasks that end with the process), and a change of
    /// the terminal's size on to its ptys.
    fn forward(self, pid: Pid, ptys: Vec<OwnedFd>) {
        for (sig, forward, mut listener) in self.forwarded {
            tokio::spawn(async move {
                while listener.recv().await.is_some() {
                    if forward {
                        let _ = rustix::process::kill_process(pid, sig);
                    }
                }
            });
        }
        let mut winch = self.winch;
        tokio::spawn(async move {
            while winch.recv().await.is_some() {
                if let Ok(size) = rustix::termios::tcgetwinsize(std::io::stdout()) {
                    for pty in &ptys {
                        let _ = rustix::termios::tcsetwinsize(pty, size);
                    }
                }
                let _ = rustix::process::kill_process(pid, Signal::WINCH);
            }
        });
    }
}

/// Waits for both streams to end, as long as output still arrives.
fn wait_for_output(done: &mpsc::Receiver<()>, moved: &AtomicU64) {
    let mut ended = 0;
    let mut seen = moved.load(Ordering::Relaxed);
    while ended < 2 {
        match done.recv_timeout(DRAIN_QUIET) {
            Ok(()) => ended += 1,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let now = moved.load(Ordering::Relaxed);
                if now == seen {
                    break;
                }
                seen = now;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_unlocks_keyport_from_the_child() {
        for name in [
            "KEYPORT_PASSPHRASE",
            "KEYPORT_NEW_PASSPHRASE",
            "KEYPORT_GITHUB_CLIENT_SECRET",
        ] {
            assert!(unlocks_keyport(name.as_ref()), "{name}");
        }
        for name in [
            "KEYPORT_DATA_DIR",
            "KEYPORT_GITHUB_CLIENT_ID",
            "PATH",
            "MY_SECRET",
        ] {
            assert!(!unlocks_keyport(name.as_ref()), "{name}");
        }
    }

    #[test]
    fn exit_status_as_a_shell_reports_it() {
        assert_eq!(Exit::Code(3).status(), 3);
        assert_eq!(Exit::Signal(15).status(), 143);
        assert_eq!(Exit::Code(256).status(), 0);
    }
}
