//! The connector catalog: the built-in connectors embedded at build time (so the catalog works
//! offline) plus the person's custom connectors from the data dir, all through one loader.

mod config;
mod custom;
mod error;
mod parse;
mod template;
pub mod text;
mod validate;

use include_dir::{include_dir, Dir};
use keyport_model::{CardView, CardsView, CatalogProblem, CatalogView, Category, Connector};
use std::path::Path;

pub use config::{config_values, validate_fields, ConfigError};
pub use custom::CustomStore;
pub use error::CatalogError;
pub use template::{fill, fill_url, placeholders, CheckedUrl, UrlError, UrlProblem, UrlRule};

static BUILTIN: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/catalog");

/// The loaded catalog: valid connectors, and the files that were refused.
#[derive(Debug, Clone)]
pub struct Catalog {
    connectors: Vec<Connector>,
    problems: Vec<CatalogProblem>,
}

impl Catalog {
    /// The built-in connectors alone.
    pub fn builtin() -> Catalog {
        let mut catalog = Catalog::empty();
        let mut files: Vec<_> = BUILTIN
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort_by_key(|f| f.path());
        for file in files {
            catalog.absorb(parse_builtin(file));
        }
        catalog.sort();
        catalog
    }

    /// The built-in connectors and the custom ones stored under `data_dir`. A broken custom
    /// file is reported in `problems` and the rest still load.
    pub fn load(data_dir: &Path) -> Catalog {
        let mut catalog = Catalog::builtin();
        let store = CustomStore::new(data_dir);
        match store.files() {
            Ok(files) => {
                for file in files {
                    let parsed = parse_custom_file(file)
                        .and_then(|(name, text, c)| catalog.refuse_builtin_id(&name, &text, c));
                    catalog.absorb(parsed);
                }
            }
            Err(err) => catalog.problems.push(CatalogProblem {
                file: store.dir().display().to_string(),
                field: String::new(),
                line: None,
                message: err.to_string(),
            }),
        }
        catalog.sort();
        catalog
    }

    /// Only the connectors `ids` (those of the connections a command uses), each parsed from its
    /// own file as `load` would find it: a hand-off, run by a tool at every start, reads one file
    /// instead of all fifty. A file names its connector (`<id>.toml`), and a built-in id always
    /// wins over a custom file of that name, so the answer is the one `load` gives.
    pub fn for_connectors(data_dir: &Path, ids: &[&str]) -> Catalog {
        let mut catalog = Catalog::empty();
        for id in ids {
            if catalog.find(id).is_some() {
                continue;
            }
            if let Some(file) = BUILTIN.get_file(format!("{id}.toml")) {
                catalog.absorb(parse_builtin(file));
            } else if let Some(file) = CustomStore::new(data_dir).file(id) {
                catalog.absorb(parse_custom_file(file).map(|(_, _, c)| c));
            }
        }
        catalog
    }

    fn empty() -> Catalog {
        Catalog {
            connectors: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn absorb(&mut self, parsed: Result<Connector, Vec<CatalogProblem>>) {
        match parsed {
            Ok(connector) => self.connectors.push(connector),
            Err(problems) => self.problems.extend(problems),
        }
    }

    // A custom file must never shadow a built-in connector: otherwise a file dropped in the
    // data dir could point a known service's token URL at an attacker (THREATS.md row 7).
    fn refuse_builtin_id(
        &self,
        file: &str,
        text: &str,
        connector: Connector,
    ) -> Result<Connector, Vec<CatalogProblem>> {
        match self.find(&connector.id) {
            Some(existing) if !existing.custom => Err(vec![parse::located(
                file,
                text,
                "id".to_owned(),
                format!(
                    "`{}` is a built-in connector's id; a custom connector needs an id of its own",
                    connector.id
                ),
            )]),
            _ => Ok(connector),
        }
    }

    fn sort(&mut self) {
        self.connectors.sort_by(|a, b| {
            (a.category, a.name.to_lowercase()).cmp(&(b.category, b.name.to_lowercase()))
        });
    }

    pub fn connectors(&self) -> &[Connector] {
        &self.connectors
    }

    pub fn problems(&self) -> &[CatalogProblem] {
        &self.problems
    }

    fn find(&self, id: &str) -> Option<&Connector> {
        self.connectors.iter().find(|c| c.id == id)
    }

    /// One connector by id.
    pub fn get(&self, id: &str) -> Result<&Connector, CatalogError> {
        self.find(id)
            .ok_or_else(|| CatalogError::UnknownConnector { id: id.to_owned() })
    }

    /// The connectors of one category, or all.
    pub fn list(&self, category: Option<Category>) -> impl Iterator<Item = &Connector> {
        self.connectors
            .iter()
            .filter(move |c| category.is_none_or(|cat| c.category == cat))
    }

    /// What the Marketplace receives.
    pub fn view(&self) -> CatalogView {
        CatalogView {
            connectors: self.connectors.clone(),
            problems: self.problems.clone(),
        }
    }

    /// What the Marketplace's first look shows: each connector as its card does.
    pub fn cards(&self) -> CardsView {
        CardsView {
            cards: self.connectors.iter().map(CardView::from).collect(),
            problems: self.problems.clone(),
        }
    }
}

fn parse_builtin(file: &include_dir::File<'_>) -> Result<Connector, Vec<CatalogProblem>> {
    let name = format!("catalog/{}", file.path().display());
    let text = String::from_utf8_lossy(file.contents());
    let stem = file.path().file_stem().and_then(|s| s.to_str());
    parse::connector(&name, &text, stem, parse::Origin::Builtin)
}

/// A stored custom file parsed, with its name and text (for a problem placed in it later).
fn parse_custom_file(
    (path, text): custom::StoredFile,
) -> Result<(String, String, Connector), Vec<CatalogProblem>> {
    let name = path.display().to_string();
    let text = text.map_err(|err| {
        vec![CatalogProblem {
            file: name.clone(),
            field: String::new(),
            line: None,
            message: err.to_string(),
        }]
    })?;
    let stem = path.file_stem().and_then(|s| s.to_str());
    let connector = parse::connector(&name, &text, stem, parse::Origin::Custom)?;
    Ok((name, text, connector))
}

/// Parses and validates one custom connector file's text, as `catalog add` does before storing.
pub fn parse_custom(
    catalog: &Catalog,
    file: &str,
    text: &str,
) -> Result<Connector, Vec<CatalogProblem>> {
    parse::connector(file, text, None, parse::Origin::Custom)
        .and_then(|c| catalog.refuse_builtin_id(file, text, c))
}
