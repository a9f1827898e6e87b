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
    /// The program the credential goes to when it is not the asker itself: the command
    /// `keyport exec` runs.
    pub program: Option<PathBuf>,
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
            program: None,
        }
    }

    /// The same asker, handing what it gets to `program` (`keyport exec`'s command).
    pub fn for_program(self, program: PathBuf) -> Asker {
        Asker {
            program: Some(program),
            ..self
        }
    }

    /// The program the credential goes to, as "ask before use" allows it: by its executable's
    /// path; `None` when it could not be read (the process is gone, or not ours to look at).
    pub fn recipient(&self) -> Option<String> {
        self.program
            .as_ref()
            .or(self.exe.as_ref())
            .map(|p| p.display().to_string())
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

/// Where `name` runs from, as `execvp` finds it: a name with a slash is a path (made absolute),
/// any other is looked up in `PATH`. `None` when there is no such executable.
pub fn find_program(name: &std::ffi::OsStr) -> Option<PathBuf> {
    let name = Path::new(name);
    if name.components().count() > 1 || name.is_absolute() {
        return std::path::absolute(name).ok().filter(|p| is_executable(p));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
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

/// How a program whose executable could not be read is named.
pub const UNKNOWN_PROGRAM: &str = "an unknown program";

fn shown(path: Option<&PathBuf>) -> String {
    path.map(|p| p.display().to_string())
        .unwrap_or_else(|| UNKNOWN_PROGRAM.to_owned())
}

impl fmt::Display for Asker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(program) = &self.program {
            write!(f, "{}, run by ", program.display())?;
        }
        write!(f, "{} (pid {}", shown(self.exe.as_ref()), self.pid)?;
        if let Some(parent) = self.parent_pid {
            write!(
                f,
                ", parent {} (pid {parent})",
                shown(self.parent_exe.as_ref())
            )?;
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
    fn a_program_is_found_as_execvp_finds_it() {
        let sh = find_program(std::ffi::OsStr::new("sh")).expect("sh is on PATH");
        assert!(sh.is_absolute() && sh.ends_with("sh"), "{}", sh.display());
        assert_eq!(
            find_program(std::ffi::OsStr::new("/bin/sh")),
            Some("/bin/sh".into())
        );
        assert_eq!(
            find_program(std::ffi::OsStr::new("no-such-program-here")),
            None
        );
        // A file that is not executable is not a program.
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::write(&plain, "").unwrap();
        assert_eq!(find_program(plain.as_os_str()), None);
    }

    #[test]
    fn the_recipient_is_the_program_run_for_the_asker() {
        let me = Asker::of_pid(std::process::id());
        assert_eq!(
            me.recipient(),
            Some(std::env::current_exe().unwrap().display().to_string())
        );
        let run = me.for_program("/usr/bin/node".into());
        assert_eq!(run.recipient().as_deref(), Some("/usr/bin/node"));
        assert!(
            run.to_string().starts_with("/usr/bin/node, run by "),
            "{run}"
        );
    }

    #[test]
    fn a_process_that_is_gone_is_named_unknown() {
        // Pids are at most 2^22 on Linux: this one cannot exist.
        let gone = Asker::of_pid(u32::MAX);
        assert_eq!(gone.exe, None);
        assert_eq!(gone.recipient(), None, "no name to allow always");
        assert_eq!(
            gone.to_string(),
            format!("an unknown program (pid {})", u32::MAX)
        );
    }
}
