//! What Keyport asks of the kernel before it reads a secret: no core dump, and no other process
//! of the same user attaching to it or reading its memory or `/proc/PID/environ`, which holds a
//! `KEYPORT_PASSPHRASE` it was started with. That matters most for `keyport exec`, whose child
//! runs as the same user beside it for days (ssh-agent guards itself the same way). A program
//! Keyport starts is dumpable again: `execve` resets the flag.

/// Makes this process private to itself (Linux: `PR_SET_DUMPABLE` 0). Where the platform has no
/// such switch nothing changes.
pub fn keep_private() {
    #[cfg(target_os = "linux")]
    if let Err(err) =
        rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)
    {
        tracing::warn!(%err, "could not keep this process from being traced or dumped");
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn this_process_is_neither_dumped_nor_traced_and_its_children_are_as_usual() {
        super::keep_private();
        assert_eq!(
            rustix::process::dumpable_behavior().unwrap(),
            rustix::process::DumpableBehavior::NotDumpable
        );
        // A program it runs starts dumpable (`/proc/self/status` has no field for it; the
        // child's own files are its user's again, which `stat` on them shows).
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import ctypes; print(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))",
            ])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
    }
}
