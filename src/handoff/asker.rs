//! The program that asks for a credential, as the audit log names it: its executable, pid,
//! parent program and working directory. Read from `/proc` on Linux, where a process cannot
//! choose what its executable link says (unlike its `argv[0]` or `comm`).

use std::fmt;
use std::path::{Path, PathBuf};

/// Who asked for a hand-off. Fields the system would not tell (another user's process, a
/// platform without `/proc`) are `None` and shown as unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asker {
    pub pid: u32,
    pub exe: Option<PathBuf>,
    pub cwd: Option<PathBuf>,
    pub parent_pid: Option<u32>,
    pub parent_exe: Option<PathBuf>,
}

impl Asker {
    /// The process `pid` as the system describes it now.
    pub fn of_pid(pid: u32) -> Asker {
        let parent_pid = parent_pid_of(pid);
        Asker {
            pid,
            exe: exe_of(pid),
            cwd: proc_link(pid, "cwd"),
            parent_pid,
            parent_exe: parent_pid.and_then(exe_of),
        }
    }

    /// The program that started this one: what asks when a script or a client runs
    /// `keyport token` (Keyport itself only carries the request).
    pub fn parent_of_this_process() -> Asker {
        match this_parent_pid() {
            Some(pid) => Asker::of_pid(pid),
            None => Asker::of_pid(std::process::id()),
        }
    }
}

#[cfg(unix)]
fn this_parent_pid() -> Option<u32> {
    Some(std::os::unix::process::parent_id())
}

#[cfg(not(unix))]
fn this_parent_pid() -> Option<u32> {
    None
}

fn proc_link(pid: u32, what: &str) -> Option<PathBuf> {
    std::fs::read_link(Path::new("/proc").join(pid.to_string()).join(what)).ok()
}

/// The executable, or when its link cannot be read (a process of another user), its name in
/// brackets as `ps` shows a name it could not resolve.
fn exe_of(pid: u32) -> Option<PathBuf> {
    proc_link(pid, "exe").or_else(|| {
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
        Some(PathBuf::from(format!("[{}]", comm.trim_end())))
    })
}

/// `PPid:` from `/proc/PID/status` (the `stat` line is harder to read: its name may hold
/// spaces and parentheses).
fn parent_pid_of(pid: u32) -> Option<u32> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("PPid:"))
        .and_then(|value| value.trim().parse().ok())
}

fn shown(path: &Option<PathBuf>) -> String {
    path.as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "an unknown program".to_owned())
}

impl fmt::Display for Asker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (pid {}", shown(&self.exe), self.pid)?;
        if let Some(parent) = self.parent_pid {
            write!(f, ", parent {} (pid {parent})", shown(&self.parent_exe))?;
        }
        if let Some(cwd) = &self.cwd {
            write!(f, ", in {}", cwd.display())?;
        }
        f.write_str(")")
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_read_from_proc() {
        let me = Asker::of_pid(std::process::id());
        assert_eq!(me.exe, std::env::current_exe().ok());
        assert_eq!(me.cwd, std::env::current_dir().ok());
        assert_eq!(me.parent_pid, Some(std::os::unix::process::parent_id()));
        let shown = me.to_string();
        assert!(
            shown.contains(&format!("pid {}", std::process::id())),
            "{shown}"
        );
        assert!(shown.contains(", parent "), "{shown}");
    }

    #[test]
    fn a_process_that_is_gone_is_named_unknown() {
        // Pids are at most 2^22 on Linux: this one cannot exist.
        let gone = Asker::of_pid(u32::MAX);
        assert_eq!(gone.exe, None);
        assert_eq!(
            gone.to_string(),
            format!("an unknown program (pid {})", u32::MAX)
        );
    }
}
