//! The person's custom connectors: `connectors/<id>.toml` under the data dir.

use super::{parse_custom, Catalog, CatalogError};
use crate::files::{private_dir, read_limited, write_private, FileError};
use crate::vault::{Vault, VaultError};
use keyport_model::Connector;
use std::fs;
use std::path::{Path, PathBuf};

/// The most a connector file may hold. The largest built-in one is under 9 KB; every custom
/// file is parsed on every run, so a huge one would slow every command.
pub const MAX_FILE_BYTES: u64 = 64 * 1024;
const WHAT: &str = "connector file";

/// A stored custom file: its path, and its text or why it could not be read.
pub type StoredFile = (PathBuf, Result<String, CatalogError>);

fn stored(path: PathBuf) -> StoredFile {
    let text = read_limited(&path, MAX_FILE_BYTES, WHAT)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(CatalogError::File);
    (path, text)
}

pub struct CustomStore {
    data_dir: PathBuf,
    dir: PathBuf,
}

impl CustomStore {
    pub fn new(data_dir: &Path) -> CustomStore {
        CustomStore {
            data_dir: data_dir.to_path_buf(),
            dir: data_dir.join("connectors"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every stored custom file with its text, in name order. A missing folder is no custom
    /// connector, not an error; a file that cannot be read (too large, not a regular file) is
    /// reported by itself and the others still load.
    pub fn files(&self) -> Result<Vec<StoredFile>, CatalogError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(io("reading", &self.dir, err)),
        };
        let mut files = Vec::new();
        for entry in entries {
            let path = entry.map_err(|err| io("reading", &self.dir, err))?.path();
            if path.extension().is_some_and(|e| e == "toml") {
                files.push(stored(path));
            }
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(files)
    }

    /// The stored file of connector `id`, if there is one. An id that is not a plain file name
    /// names no file (it comes from a vault row, and must not reach outside the folder).
    pub fn file(&self, id: &str) -> Option<StoredFile> {
        let plain = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        let path = self.dir.join(format!("{id}.toml"));
        (plain && fs::symlink_metadata(&path).is_ok()).then(|| stored(path))
    }

    /// Validates `file` and stores it. Nothing is written unless every check passes.
    pub fn add(&self, catalog: &Catalog, file: &Path) -> Result<Connector, CatalogError> {
        let bytes = read_limited(file, MAX_FILE_BYTES, WHAT)?;
        let name = file.display().to_string();
        let text = String::from_utf8(bytes).map_err(|_| CatalogError::Invalid {
            problems: vec![keyport_model::CatalogProblem {
                file: name.clone(),
                field: String::new(),
                line: None,
                message: "is not UTF-8 text".to_owned(),
            }],
        })?;
        let connector = parse_custom(catalog, &name, &text)
            .map_err(|problems| CatalogError::Invalid { problems })?;
        let target = self.dir.join(format!("{}.toml", connector.id));
        if catalog.find(&connector.id).is_some() {
            return Err(CatalogError::CustomExists {
                id: connector.id.clone(),
            });
        }
        private_dir(&self.dir)?;
        // A temporary file renamed into place, so a crash never leaves a half-written
        // connector; an existing file (a broken one is still the person's) is never replaced.
        write_private(&target, text.as_bytes(), false).map_err(|err| match err {
            FileError::Exists { .. } => CatalogError::CustomExists {
                id: connector.id.clone(),
            },
            other => other.into(),
        })?;
        Ok(connector)
    }

    /// Removes a custom connector; built-in ones cannot be removed, nor one that stored
    /// connections still use (they would be left with no connector to check or refresh them).
    pub async fn remove(&self, catalog: &Catalog, id: &str) -> Result<(), CatalogError> {
        let path = self.dir.join(format!("{id}.toml"));
        match catalog.find(id) {
            Some(c) if !c.custom => return Err(CatalogError::NotCustom { id: id.to_owned() }),
            // A stored file that failed to load can still be removed by its id.
            None if !is_plain_id(id) || !path.is_file() => {
                return Err(CatalogError::UnknownConnector { id: id.to_owned() })
            }
            _ => {}
        }
        let connections = self.connections_using(id).await?;
        if connections > 0 {
            return Err(CatalogError::InUse {
                id: id.to_owned(),
                connections,
            });
        }
        fs::remove_file(&path).map_err(|err| io("removing", &path, err))
    }

    /// How many stored connections use connector `id`: none when there is no vault yet. Only
    /// reads the vault, so it needs no passphrase.
    async fn connections_using(&self, id: &str) -> Result<u64, CatalogError> {
        let vault = match Vault::open(&self.data_dir).await {
            Ok(vault) => vault,
            Err(VaultError::NotInitialized) => return Ok(0),
            Err(err) => return Err(err.into()),
        };
        let count = crate::store::connections::count_for_connector(vault.pool(), id)
            .await
            .map_err(vault.io_err())?;
        vault.close().await;
        Ok(u64::try_from(count).unwrap_or_default())
    }
}

// Keeps `catalog remove ../../x` from reaching outside the connectors folder.
fn is_plain_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn io(action: &'static str, path: &Path, source: std::io::Error) -> CatalogError {
    CatalogError::Io {
        action,
        path: path.display().to_string(),
        source,
    }
}
