//! The data dir as a whole: owner-only modes whatever the umask (another user on the machine must
//! not copy the sealed vault to guess offline, nor read its names and audit log), the locks that
//! order processes sharing it, and the removal of staging copies a killed process left behind.

use super::VaultError;
use crate::files;
use std::fmt;
use std::path::{Path, PathBuf};

/// Held while a process connects and migrates, and across `vault init`, so two processes never
/// create or migrate the same vault at once.
pub(super) const OPEN_LOCK: &str = ".open.lock";
/// Held from the claim of a passphrase try to its outcome: tries are checked one at a time
/// across processes, so each sees the count its predecessors left.
pub(super) const UNLOCK_LOCK: &str = ".unlock.lock";
/// Held by a backup or restore while it has copies of the vault in the data dir; a process that
/// can take it knows every copy there is stale.
const STAGING_LOCK: &str = ".staging.lock";
/// Names of the copies a backup (`VACUUM INTO`) or a restore (a checked copy) makes.
pub const BACKUP_SNAPSHOT: &str = ".backup-";
pub const RESTORE_STAGING: &str = ".restore-";

/// A path whose mode was looser than owner-only and has been tightened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tightened {
    pub path: PathBuf,
    pub was: u32,
}

impl fmt::Display for Tightened {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} was open to other users (mode {:04o}); it is now owner-only",
            self.path.display(),
            self.was
        )
    }
}

/// Brings an existing data dir and everything in it to owner-only, and removes stale staging
/// copies. A missing dir stays missing. Returns what had to be tightened, for the caller to say.
pub fn secure(dir: &Path) -> Result<Vec<Tightened>, VaultError> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut fixed = Vec::new();
    let mut note = |path: &Path, was: Option<u32>| {
        if let Some(was) = was {
            fixed.push(Tightened {
                path: path.to_path_buf(),
                was,
            });
        }
    };
    note(dir, files::private_dir(dir)?);
    remove_stale_staging(dir)?;
    for entry in entries(dir) {
        let meta = match std::fs::symlink_metadata(&entry) {
            Ok(meta) => meta,
            Err(_) => continue,
        };
        if meta.is_dir() {
            note(&entry, files::private_dir(&entry)?);
            for inner in entries(&entry) {
                if std::fs::symlink_metadata(&inner).is_ok_and(|m| m.is_file()) {
                    note(&inner, files::tighten_file(&inner)?);
                }
            }
        } else if meta.is_file() {
            note(&entry, files::tighten_file(&entry)?);
        }
    }
    Ok(fixed)
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|it| it.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// Removes the copies of the vault that a killed backup or restore left in `dir`; they keep
/// secrets that were deleted or rotated since. Skipped while a live process holds the staging
/// lock (its copies are in use).
fn remove_stale_staging(dir: &Path) -> Result<(), VaultError> {
    let Some(_lock) = files::try_lock(dir, STAGING_LOCK)? else {
        return Ok(());
    };
    for path in entries(dir) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !(name.starts_with(BACKUP_SNAPSHOT) || name.starts_with(RESTORE_STAGING)) {
            continue;
        }
        let removed = match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(&path),
            Ok(_) => std::fs::remove_file(&path),
            Err(_) => continue,
        };
        removed.map_err(|e| VaultError::Io {
            path: path.display().to_string(),
            detail: e.kind().to_string(),
        })?;
    }
    Ok(())
}

/// The staging lock, held while a backup or restore keeps copies of the vault in `dir`.
pub fn staging_lock(dir: &Path) -> Result<files::DirLock, VaultError> {
    lock(dir, STAGING_LOCK)
}

/// Takes the lock `name` in `dir`, waiting for it.
pub fn lock(dir: &Path, name: &str) -> Result<files::DirLock, VaultError> {
    Ok(files::lock(dir, name)?)
}
