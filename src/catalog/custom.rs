//! The person's custom connectors: `connectors/<id>.toml` under the data dir.

use super::{parse_custom, Catalog, CatalogError};
use keyport_model::Connector;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct CustomStore {
    dir: PathBuf,
}

impl CustomStore {
    pub fn new(data_dir: &Path) -> CustomStore {
        CustomStore {
            dir: data_dir.join("connectors"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every stored custom file with its text, in name order. A missing folder is no custom
    /// connector, not an error.
    pub fn files(&self) -> Result<Vec<(PathBuf, String)>, CatalogError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(io("reading", &self.dir, err)),
        };
        let mut files = Vec::new();
        for entry in entries {
            let path = entry.map_err(|err| io("reading", &self.dir, err))?.path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = fs::read(&path).map_err(|err| io("reading", &path, err))?;
                files.push((path, String::from_utf8_lossy(&text).into_owned()));
            }
        }
        files.sort();
        Ok(files)
    }

    /// Validates `file` and stores it. Nothing is written unless every check passes.
    pub fn add(&self, catalog: &Catalog, file: &Path) -> Result<Connector, CatalogError> {
        let bytes = fs::read(file).map_err(|err| io("reading", file, err))?;
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
        // A broken file under that name is still the person's: never overwrite it silently.
        if catalog.find(&connector.id).is_some() || target.exists() {
            return Err(CatalogError::CustomExists {
                id: connector.id.clone(),
            });
        }
        fs::create_dir_all(&self.dir).map_err(|err| io("creating", &self.dir, err))?;
        // Write beside the target and rename, so a crash never leaves a half-written connector.
        let temp = self.dir.join(format!(".{}.toml.tmp", connector.id));
        let written = fs::File::create(&temp)
            .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()))
            .and_then(|()| fs::rename(&temp, &target));
        if let Err(err) = written {
            let _ = fs::remove_file(&temp);
            return Err(io("writing", &target, err));
        }
        Ok(connector)
    }

    /// Removes a custom connector; built-in ones cannot be removed.
    pub fn remove(&self, catalog: &Catalog, id: &str) -> Result<(), CatalogError> {
        let path = self.dir.join(format!("{id}.toml"));
        match catalog.find(id) {
            Some(c) if !c.custom => return Err(CatalogError::NotCustom { id: id.to_owned() }),
            // A stored file that failed to load can still be removed by its id.
            None if !is_plain_id(id) || !path.is_file() => {
                return Err(CatalogError::UnknownConnector { id: id.to_owned() })
            }
            _ => {}
        }
        fs::remove_file(&path).map_err(|err| io("removing", &path, err))
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
