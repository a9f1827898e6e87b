//! Files Keyport reads from the person and writes for them. Every read has a size limit suited to
//! what is read and refuses anything but a regular file (a FIFO with no writer would hang the
//! process, `/dev/zero` would fill memory). Every write is owner-only whatever the umask, goes to
//! a temporary file renamed into place, and never replaces an existing file unless asked.

use keyport_model::ErrorCode;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Mode of every directory Keyport creates for its data.
pub const DIR_MODE: u32 = 0o700;
/// Mode of every file Keyport writes.
pub const FILE_MODE: u32 = 0o600;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    #[error("{path} does not exist")]
    NotFound { path: String },
    #[error("{path} is a directory; give a file")]
    Directory { path: String },
    #[error("{path} is not a regular file (a device, FIFO or socket); give a file")]
    NotRegular { path: String },
    #[error("{path} is larger than {limit}, far more than a {what} can be")]
    TooLarge {
        path: String,
        limit: Size,
        what: &'static str,
    },
    #[error("{path} is empty")]
    Empty { path: String },
    #[error("{path} already exists; choose another name, or pass --force to replace it")]
    Exists { path: String },
    #[error(
        "{path} is one of the vault's own files; choose a path outside the data dir's vault files"
    )]
    IsVaultFile { path: String },
    #[error("{path} could not be read ({detail})")]
    Unreadable { path: String, detail: String },
    #[error("{path} could not be written ({detail})")]
    Unwritable { path: String, detail: String },
}

impl FileError {
    pub fn code(&self) -> ErrorCode {
        match self {
            FileError::NotFound { .. } => ErrorCode::FileNotFound,
            FileError::Directory { .. } | FileError::NotRegular { .. } => ErrorCode::FileNotRegular,
            FileError::TooLarge { .. } => ErrorCode::FileTooLarge,
            FileError::Empty { .. } => ErrorCode::FileEmpty,
            FileError::Exists { .. } => ErrorCode::FileExists,
            FileError::IsVaultFile { .. } => ErrorCode::FileIsVault,
            FileError::Unreadable { .. } | FileError::Unwritable { .. } => ErrorCode::FileIo,
        }
    }
}

/// A byte count as people read it (64 KB, 512 MB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size(pub u64);

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const KB: u64 = 1024;
        match self.0 {
            n if n >= KB * KB && n % (KB * KB) == 0 => write!(f, "{} MB", n / (KB * KB)),
            n if n >= KB && n % KB == 0 => write!(f, "{} KB", n / KB),
            n => write!(f, "{n} bytes"),
        }
    }
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn unreadable(path: &Path) -> impl Fn(std::io::Error) -> FileError + '_ {
    move |e| match e.kind() {
        std::io::ErrorKind::NotFound => FileError::NotFound { path: shown(path) },
        kind => FileError::Unreadable {
            path: shown(path),
            detail: kind.to_string(),
        },
    }
}

fn unwritable(path: &Path) -> impl Fn(std::io::Error) -> FileError + '_ {
    move |e| FileError::Unwritable {
        path: shown(path),
        detail: e.kind().to_string(),
    }
}

/// Reads a whole regular file of at most `limit` bytes; `what` names what it should be (for the
/// too-large message). An empty file is refused: nothing Keyport reads is usable empty.
pub fn read_limited(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, FileError> {
    let mut options = OpenOptions::new();
    options.read(true);
    // Opening a FIFO for reading blocks until a writer comes; non-blocking, it returns at once
    // and the type check below refuses it.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(unreadable(path))?;
    let meta = file.metadata().map_err(unreadable(path))?;
    if meta.is_dir() {
        return Err(FileError::Directory { path: shown(path) });
    }
    if !meta.is_file() {
        return Err(FileError::NotRegular { path: shown(path) });
    }
    let too_large = || FileError::TooLarge {
        path: shown(path),
        limit: Size(limit),
        what,
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    // Sized up front so a secret is never left behind in a grown-and-freed buffer.
    let mut buf = Vec::with_capacity(meta.len() as usize + 1);
    file.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(unreadable(path))?;
    if buf.len() as u64 > limit {
        return Err(too_large());
    }
    if buf.is_empty() {
        return Err(FileError::Empty { path: shown(path) });
    }
    Ok(buf)
}

/// Creates `dir` (and its missing parents) owner-only, and tightens it when it exists with
/// looser modes. Returns the mode it had when it had to be tightened.
pub fn private_dir(dir: &Path) -> Result<Option<u32>, FileError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(dir).map_err(unwritable(dir))?;
    tighten(dir, DIR_MODE)
}

/// Tightens a file Keyport owns to owner-only; a missing file or a symlink is left alone (a link
/// is never followed into a file that is not ours). Returns the mode it had when it changed.
pub fn tighten_file(path: &Path) -> Result<Option<u32>, FileError> {
    tighten(path, FILE_MODE)
}

#[cfg(unix)]
fn tighten(path: &Path, mode: u32) -> Result<Option<u32>, FileError> {
    use std::os::unix::fs::PermissionsExt;
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(path)(e)),
    };
    let old = meta.permissions().mode() & 0o7777;
    if meta.file_type().is_symlink() || old & !mode == 0 {
        return Ok(None);
    }
    fs::set_permissions(path, fs::Permissions::from_mode(old & mode)).map_err(unwritable(path))?;
    Ok(Some(old))
}

#[cfg(not(unix))]
fn tighten(_path: &Path, _mode: u32) -> Result<Option<u32>, FileError> {
    Ok(None)
}

/// Creates a new owner-only file; fails if anything (a file, a symlink) is at `path` already.
pub fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    options.open(path)
}

/// Writes `bytes` to `path` owner-only through a temporary file beside it, so a crash leaves the
/// old file or the new one. Without `replace`, an existing path (even a dangling symlink) is
/// refused; with it, a symlink at `path` is replaced, never followed.
pub fn write_private(path: &Path, bytes: &[u8], replace: bool) -> Result<(), FileError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => return Err(FileError::Directory { path: shown(path) }),
        Ok(_) if !replace => return Err(FileError::Exists { path: shown(path) }),
        _ => {}
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| FileError::Directory { path: shown(path) })?;
    let temp = parent.join(format!(
        ".{}.{}.partial",
        name.to_string_lossy(),
        uuid::Uuid::new_v4().simple()
    ));
    let written = create_private(&temp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .map_err(unwritable(path))
        .and_then(|()| place(&temp, path, replace));
    let _ = fs::remove_file(&temp);
    written?;
    // The rename itself is durable only once the directory is.
    if let Ok(dir) = File::open(&parent) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Moves `temp` to `path`: a rename when replacing; otherwise a hard link, which the kernel
/// refuses atomically when `path` exists (a check then a rename would race another writer).
fn place(temp: &Path, path: &Path, replace: bool) -> Result<(), FileError> {
    if replace {
        return fs::rename(temp, path).map_err(unwritable(path));
    }
    match fs::hard_link(temp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(FileError::Exists { path: shown(path) })
        }
        // File systems without hard links (FAT, some network mounts): check, then rename.
        Err(_) if fs::symlink_metadata(path).is_err() => {
            fs::rename(temp, path).map_err(unwritable(path))
        }
        Err(_) => Err(FileError::Exists { path: shown(path) }),
    }
}

/// Whether two paths name the same file (the same device and inode), following links; false
/// when either does not exist.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(a), fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (fs::canonicalize(a), fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}

/// An advisory lock on a file in the data dir, held until dropped. Locks are released by the
/// kernel when their process dies, so a lock that can be taken proves no live holder.
pub struct DirLock {
    _file: File,
}

fn lock_file(dir: &Path, name: &str) -> Result<(File, PathBuf), FileError> {
    let path = dir.join(name);
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    let file = options.open(&path).map_err(unwritable(&path))?;
    tighten_file(&path)?;
    Ok((file, path))
}

/// Takes the exclusive lock `name` in `dir`, waiting for it.
pub fn lock(dir: &Path, name: &str) -> Result<DirLock, FileError> {
    let (file, path) = lock_file(dir, name)?;
    file.lock().map_err(unwritable(&path))?;
    Ok(DirLock { _file: file })
}

/// Takes the exclusive lock `name` in `dir` if no one holds it; `None` when someone does.
pub fn try_lock(dir: &Path, name: &str) -> Result<Option<DirLock>, FileError> {
    let (file, path) = lock_file(dir, name)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(DirLock { _file: file })),
        Err(fs::TryLockError::WouldBlock) => Ok(None),
        Err(fs::TryLockError::Error(e)) => Err(unwritable(&path)(e)),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn reads_refuse_devices_directories_empty_and_oversized_files() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_limited(Path::new("/dev/zero"), 1024, "test file"),
            Err(FileError::NotRegular { .. })
        ));
        assert!(matches!(
            read_limited(dir.path(), 1024, "test file"),
            Err(FileError::Directory { .. })
        ));
        let empty = dir.path().join("empty");
        fs::write(&empty, b"").unwrap();
        assert!(matches!(
            read_limited(&empty, 1024, "test file"),
            Err(FileError::Empty { .. })
        ));
        let big = dir.path().join("big");
        fs::write(&big, vec![b'x'; 2048]).unwrap();
        let err = read_limited(&big, 1024, "test file").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{} is larger than 1 KB, far more than a test file can be",
                big.display()
            )
        );
        assert!(matches!(
            read_limited(&dir.path().join("missing"), 1024, "test file"),
            Err(FileError::NotFound { .. })
        ));
        assert_eq!(read_limited(&big, 4096, "test file").unwrap().len(), 2048);
    }

    #[test]
    fn writes_are_owner_only_and_never_replace_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        write_private(&target, b"one", false).unwrap();
        assert_eq!(mode(&target), 0o600);
        assert!(matches!(
            write_private(&target, b"two", false),
            Err(FileError::Exists { .. })
        ));
        assert_eq!(fs::read(&target).unwrap(), b"one");
        write_private(&target, b"two", true).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");

        // A dangling symlink is an existing path too; replacing it never writes through it.
        let victim = dir.path().join("victim");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(matches!(
            write_private(&link, b"x", false),
            Err(FileError::Exists { .. })
        ));
        write_private(&link, b"x", true).unwrap();
        assert!(!victim.exists());
        assert!(!fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());

        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn private_dirs_are_created_and_tightened() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("a/b");
        assert_eq!(private_dir(&data).unwrap(), None);
        assert_eq!(mode(&data), 0o700);
        fs::set_permissions(&data, fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(private_dir(&data).unwrap(), Some(0o755));
        assert_eq!(mode(&data), 0o700);
    }

    #[test]
    fn a_held_lock_is_reported_and_freed_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock(dir.path(), ".test.lock").unwrap();
        assert!(try_lock(dir.path(), ".test.lock").unwrap().is_none());
        drop(held);
        assert!(try_lock(dir.path(), ".test.lock").unwrap().is_some());
    }
}
