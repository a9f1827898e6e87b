//! Errors of the catalog layer.

use keyport_model::{CatalogProblem, ErrorCode};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    #[error("no connector has the id `{id}`; `keyport catalog list` shows them all")]
    UnknownConnector { id: String },
    #[error("{}", problems_sentence(.problems))]
    Invalid { problems: Vec<CatalogProblem> },
    #[error("a custom connector `{id}` already exists; remove it first with `keyport catalog remove {id}`")]
    CustomExists { id: String },
    #[error("`{id}` is a built-in connector; only custom connectors can be removed")]
    NotCustom { id: String },
    #[error("{connections} stored connection{} use{} `{id}`; delete {} first (`keyport connections list` shows them, `keyport connections delete ID` deletes one), then remove the connector", if *.connections == 1 { "" } else { "s" }, if *.connections == 1 { "s" } else { "" }, if *.connections == 1 { "it" } else { "them" })]
    InUse { id: String, connections: u64 },
    #[error(transparent)]
    File(#[from] crate::files::FileError),
    #[error(transparent)]
    Vault(#[from] crate::vault::VaultError),
    #[error("{action} `{path}` failed: {source}")]
    Io {
        action: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
}

fn problems_sentence(problems: &[CatalogProblem]) -> String {
    let mut lines = problems.iter().map(ToString::to_string);
    let first = lines
        .next()
        .unwrap_or_else(|| "the connector file is invalid".to_owned());
    lines.fold(first, |acc, line| acc + "\n" + &line)
}

impl CatalogError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CatalogError::UnknownConnector { .. } => ErrorCode::CatalogUnknownConnector,
            CatalogError::Invalid { .. } => ErrorCode::CatalogInvalid,
            CatalogError::CustomExists { .. } => ErrorCode::CatalogExists,
            CatalogError::NotCustom { .. } => ErrorCode::CatalogNotCustom,
            CatalogError::InUse { .. } => ErrorCode::CatalogInUse,
            CatalogError::File(e) => e.code(),
            CatalogError::Vault(e) => e.code(),
            CatalogError::Io { .. } => ErrorCode::CatalogIo,
        }
    }
}
