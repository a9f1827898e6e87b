//! What the Marketplace's first paint needs: each connector as its card shows it. The whole
//! `Connector` (setup steps, OAuth endpoints, fields) is larger to send and to read, and the page
//! needs it only once a card is opened, so the shell sends the cards first (start-up).

use crate::catalog::CatalogProblem;
use crate::connector::{Category, ConnectionType, Connector, Icon};
use serde::{Deserialize, Serialize};

/// One Marketplace card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardView {
    pub id: String,
    pub name: String,
    pub category: Category,
    pub description: String,
    pub connection_types: Vec<ConnectionType>,
    pub icon: Icon,
    /// Added by the person (the card says "Custom").
    pub custom: bool,
}

/// The catalog as the first paint shows it; the problems of a refused custom file come with it,
/// since their banner is part of that paint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardsView {
    pub cards: Vec<CardView>,
    pub problems: Vec<CatalogProblem>,
}

impl From<&Connector> for CardView {
    fn from(c: &Connector) -> Self {
        CardView {
            id: c.id.clone(),
            name: c.name.clone(),
            category: c.category,
            description: c.description.clone(),
            connection_types: c.connection_types.clone(),
            icon: c.icon.clone(),
            custom: c.custom,
        }
    }
}

impl CardView {
    /// Whether the search `query` (already lower-cased) finds this card.
    pub fn matches(&self, query: &str) -> bool {
        search_finds(
            query,
            [
                &self.name,
                &self.id,
                self.category.label(),
                &self.description,
            ],
        )
    }
}

/// The one search rule for cards and connectors alike (so both find the same connectors): an
/// empty query finds all, else the lower-cased query is part of a shown field.
pub(crate) fn search_finds(query: &str, fields: [&str; 4]) -> bool {
    query.is_empty() || fields.iter().any(|hay| hay.to_lowercase().contains(query))
}
