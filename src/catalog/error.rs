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
            CatalogError::Io { .. } => ErrorCode::CatalogIo,
        }
    }
}
