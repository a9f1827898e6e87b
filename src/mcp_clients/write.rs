//! Every write of a client file: refused through a link, made only if the file is still what
//! the change was planned from, after an owner-only backup, through a temporary file renamed
//! into place, with the file's mode kept.

use super::*;

/// A planned change of one client file: its text before and after, as a diff to show and a
/// text to write.
pub struct Change {
    pub path: PathBuf,
    pub diff: String,
    /// The entry's name in the file.
    pub server: String,
    /// Whether an entry of that name was there (and is replaced).
    pub replaces: bool,
    pub(super) exists: bool,
    pub(super) old: String,
    pub(super) new: String,
}

/// What a written change left behind.
#[derive(Debug, serde::Serialize)]
pub struct Written {
    pub path: PathBuf,
    /// The old file's copy; none when there was no file.
    pub backup: Option<PathBuf>,
}

/// Refuses a target that is a symbolic link, before anything is read for writing.
pub(super) fn refuse_link(path: &Path) -> Result<(), McpError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(McpError::Link {
            path: shown(path),
            target: std::fs::read_link(path)
                .map(|t| shown(&t))
                .unwrap_or_else(|_| "somewhere unreadable".to_owned()),
        }),
        _ => Ok(()),
    }
}

/// Writes a planned change: a backup of the old file beside it (owner-only), then the new
/// text through a temporary file renamed into place, with the old file's mode.
pub fn write(change: &Change) -> Result<Written, McpError> {
    let path = &change.path;
    refuse_link(path)?;
    // What is there now must be what the plan was made from.
    let now = match files::read_limited(path, MAX_FILE, "MCP client config") {
        Ok(bytes) => Some(bytes),
        Err(FileError::NotFound { .. }) => None,
        Err(FileError::Empty { .. }) => Some(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    if now.is_some() != change.exists || now.as_deref().unwrap_or_default() != change.old.as_bytes()
    {
        return Err(McpError::Changed { path: shown(path) });
    }
    let mode = std::fs::metadata(path).ok().map(|m| permissions_of(&m));
    let backup = if change.exists {
        Some(backup(path, change.old.as_bytes())?)
    } else {
        if let Some(parent) = path.parent().filter(|p| !p.exists()) {
            files::private_dir(parent)?;
        }
        None
    };
    files::write_private(path, change.new.as_bytes(), true)?;
    if let Some(mode) = mode {
        set_permissions(path, mode)?;
    }
    tracing::info!(path = %path.display(), "wrote an MCP client config");
    Ok(Written {
        path: path.clone(),
        backup,
    })
}

#[cfg(unix)]
fn permissions_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn permissions_of(_meta: &std::fs::Metadata) -> u32 {
    0
}

#[cfg(unix)]
fn set_permissions(path: &Path, mode: u32) -> Result<(), McpError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| {
        FileError::Unwritable {
            path: shown(path),
            detail: e.kind().to_string(),
        }
        .into()
    })
}

#[cfg(not(unix))]
fn set_permissions(_path: &Path, _mode: u32) -> Result<(), McpError> {
    Ok(())
}

/// `FILE.keyport-backup-<UTC time>` (with `-2`, `-3`... when one of that second exists),
/// owner-only: the old file may hold the very secrets a fix moves into the vault.
fn backup(path: &Path, bytes: &[u8]) -> Result<PathBuf, McpError> {
    let stamp = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| "now".to_owned());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for n in 1..100 {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("-{n}")
        };
        let target = path.with_file_name(format!("{name}.keyport-backup-{stamp}{suffix}"));
        match files::write_private(&target, bytes, false) {
            Ok(()) => return Ok(target),
            Err(FileError::Exists { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(FileError::Exists { path: shown(path) }.into())
}
