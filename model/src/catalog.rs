//! What the Marketplace receives: the loaded catalog and the problems found while loading it.

use crate::connector::{Category, Connector};
use serde::{Deserialize, Serialize};

/// The whole catalog as the UI sees it. Valid connectors always show, even when a custom file
/// beside them is broken; the broken ones are listed in `problems`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogView {
    pub connectors: Vec<Connector>,
    pub problems: Vec<CatalogProblem>,
}

/// A file that was refused, with where exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogProblem {
    pub file: String,
    /// Dotted path of the field, e.g. `oauth2.token_url`; empty for a syntax error.
    pub field: String,
    /// 1-based line, when it could be located.
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for CatalogProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.field.is_empty() {
            write!(f, ": field `{}`", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryCount {
    pub category: Category,
    pub count: usize,
}

impl CatalogView {
    /// Per category, how many connectors match `query` (lower-cased), for the filter chips.
    pub fn counts(&self, query: &str) -> Vec<CategoryCount> {
        Category::ALL
            .into_iter()
            .map(|category| CategoryCount {
                category,
                count: self
                    .connectors
                    .iter()
                    .filter(|c| c.category == category && c.matches(query))
                    .count(),
            })
            .collect()
    }
}
