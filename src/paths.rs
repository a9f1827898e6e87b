//! Where Keyport keeps its files: `--data-dir`, else `KEYPORT_DATA_DIR`, else the platform's
//! data directory (`~/.local/share/keyport` on Linux).

use std::path::PathBuf;

/// The data directory when none was given explicitly.
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("dev", "Keyport", "keyport")
        .map(|dirs| dirs.data_dir().to_path_buf())
        // No home directory at all (a bare service account): stay usable in the working dir.
        .unwrap_or_else(|| PathBuf::from(".keyport"))
}

/// The data directory from the environment, as the desktop app resolves it (the CLI adds
/// `--data-dir` on top through clap).
pub fn data_dir_from_env() -> PathBuf {
    std::env::var_os("KEYPORT_DATA_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(default_data_dir)
}
