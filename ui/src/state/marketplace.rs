//! The Marketplace page's state: one `Reducible` struct and the `Action`s that change it (the
//! search, the category chips, the grid's tab stop, the detail sheet), plus the filtering and
//! chip counts it is built on. The cards come first (start-up); the whole catalog, which the
//! sheet, the connect dialog and Connections read, follows once the first paint is done.

use crate::api::ShownError;
use keyport_model::{CardView, CardsView, CatalogProblem, CatalogView, Category, Connector};
use std::rc::Rc;
use yew::Reducible;

/// The cards as the page keeps them: behind `Rc` so filtering and props are cheap.
#[derive(Debug, Clone, PartialEq)]
pub struct Cards {
    pub cards: Vec<Rc<CardView>>,
    pub problems: Vec<CatalogProblem>,
}

impl From<CardsView> for Cards {
    fn from(view: CardsView) -> Self {
        Cards {
            cards: view.cards.into_iter().map(Rc::new).collect(),
            problems: view.problems,
        }
    }
}

/// The whole catalog as the page keeps it: connectors behind `Rc` so props are cheap.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub connectors: Vec<Rc<Connector>>,
    pub problems: Vec<CatalogProblem>,
}

impl From<CatalogView> for Catalog {
    fn from(view: CatalogView) -> Self {
        Catalog {
            connectors: view.connectors.into_iter().map(Rc::new).collect(),
            problems: view.problems,
        }
    }
}

/// Where loading the cards stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    /// Waiting for the shell; `skeleton` turns true after 150 ms so a fast load never flashes.
    Loading {
        skeleton: bool,
    },
    Loaded(Rc<Cards>),
    Failed(ShownError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Marketplace {
    pub load: Load,
    /// The whole catalog, once it arrived after the first paint.
    pub full: Option<Rc<Catalog>>,
    /// Bumped by `Reload`; the page fetches the catalog whenever it changes.
    pub generation: u32,
    /// The search text as typed.
    pub query: String,
    /// `None` is the `All` chip.
    pub category: Option<Category>,
    /// The card that holds the grid's single tab stop, by connector id.
    pub active: Option<String>,
    /// The connector whose detail sheet is open.
    pub open: Option<String>,
    /// The last refused sign-in no open dialog took (`oauth-finished`), until dismissed.
    pub callback_error: Option<ShownError>,
    /// Why the docs link of the open sheet failed, shown inside the sheet.
    pub sheet_error: Option<ShownError>,
    pub problems_dismissed: bool,
    /// A one-off message for the status region (e.g. "Details copied"); counts show otherwise.
    pub note: Option<String>,
}

impl Default for Marketplace {
    fn default() -> Self {
        Marketplace {
            load: Load::Loading { skeleton: false },
            full: None,
            generation: 0,
            query: String::new(),
            category: None,
            active: None,
            open: None,
            callback_error: None,
            sheet_error: None,
            problems_dismissed: false,
            note: None,
        }
    }
}

impl Marketplace {
    /// The state the page starts in: loaded when its cards came with the page (the shell writes
    /// them into it), loading otherwise.
    pub fn starting(cards: Option<CardsView>) -> Marketplace {
        match cards {
            Some(view) => {
                Rc::unwrap_or_clone(Rc::new(Marketplace::default()).reduce(Action::Loaded(view)))
            }
            None => Marketplace::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A (re)load started: the Reload button after a failure or a catalog problem.
    Reload,
    /// 150 ms passed and the catalog has not arrived.
    ShowSkeleton,
    Loaded(CardsView),
    /// The whole catalog arrived.
    Full(CatalogView),
    Failed(ShownError),
    Search(String),
    ClearSearch,
    SelectCategory(Option<Category>),
    /// Moves the grid's tab stop to this connector.
    Activate(String),
    OpenSheet(String),
    CloseSheet,
    SheetFailed(ShownError),
    CallbackError(ShownError),
    DismissCallback,
    DismissProblems,
    Note(String),
}

impl Reducible for Marketplace {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Reload => {
                // A loaded catalog stays on screen until the new one replaces it.
                if !matches!(next.load, Load::Loaded(_)) {
                    next.load = Load::Loading { skeleton: false };
                }
                next.generation = next.generation.wrapping_add(1);
                next.problems_dismissed = false;
            }
            Action::ShowSkeleton => match next.load {
                Load::Loading { skeleton: false } => next.load = Load::Loading { skeleton: true },
                _ => return self,
            },
            Action::Loaded(view) => {
                next.load = Load::Loaded(Rc::new(view.into()));
                next.keep_active_visible();
                // A reload may drop the connector whose sheet was open.
                if let Some(open) = &next.open {
                    if next.card(open).is_none() {
                        next.open = None;
                    }
                }
            }
            Action::Full(view) => {
                let catalog = Catalog::from(view);
                if let Some(open) = &next.open {
                    if !catalog.connectors.iter().any(|c| &c.id == open) {
                        next.open = None;
                    }
                }
                next.full = Some(Rc::new(catalog));
            }
            Action::Failed(error) => next.load = Load::Failed(error),
            Action::Search(query) => {
                if query == next.query {
                    return self;
                }
                next.query = query;
                next.note = None;
                next.keep_active_visible();
            }
            Action::ClearSearch => {
                if next.query.is_empty() {
                    return self;
                }
                next.query.clear();
                next.note = None;
                next.keep_active_visible();
            }
            Action::SelectCategory(category) => {
                if category == next.category {
                    return self;
                }
                next.category = category;
                next.note = None;
                next.keep_active_visible();
            }
            Action::Activate(id) => {
                if next.active.as_deref() == Some(id.as_str()) {
                    return self;
                }
                next.active = Some(id);
            }
            Action::OpenSheet(id) => {
                if next.card(&id).is_none() {
                    return self;
                }
                next.active = Some(id.clone());
                next.open = Some(id);
                next.sheet_error = None;
            }
            Action::CloseSheet => {
                if next.open.is_none() {
                    return self;
                }
                next.open = None;
                next.sheet_error = None;
            }
            Action::SheetFailed(error) => next.sheet_error = Some(error),
            Action::CallbackError(error) => next.callback_error = Some(error),
            Action::DismissCallback => next.callback_error = None,
            Action::DismissProblems => next.problems_dismissed = true,
            Action::Note(note) => next.note = Some(note),
        }
        Rc::new(next)
    }
}

impl Marketplace {
    pub fn cards(&self) -> Option<&Rc<Cards>> {
        match &self.load {
            Load::Loaded(cards) => Some(cards),
            _ => None,
        }
    }

    pub fn card(&self, id: &str) -> Option<&Rc<CardView>> {
        self.cards()?.cards.iter().find(|c| c.id == id)
    }

    /// The search as `Connector::matches` wants it: trimmed and lower-cased.
    pub fn needle(&self) -> String {
        self.query.trim().to_lowercase()
    }

    /// The whole connector, once the catalog arrived (`Full`).
    pub fn connector(&self, id: &str) -> Option<Rc<Connector>> {
        self.full
            .as_ref()?
            .connectors
            .iter()
            .find(|c| c.id == id)
            .cloned()
    }

    /// The connectors the grid shows, in catalog order.
    pub fn visible(&self) -> Vec<Rc<CardView>> {
        match self.cards() {
            Some(cards) => filter(&cards.cards, &self.needle(), self.category),
            None => Vec::new(),
        }
    }

    /// The chips in order, `All` first, each with how many connectors match the search.
    pub fn chips(&self) -> Vec<Chip> {
        match self.cards() {
            Some(cards) => chips(&cards.cards, &self.needle(), self.category),
            None => Vec::new(),
        }
    }

    /// Index of the card holding the tab stop among `visible`.
    pub fn active_index(&self, visible: &[Rc<CardView>]) -> usize {
        self.active
            .as_deref()
            .and_then(|id| visible.iter().position(|c| c.id == id))
            .unwrap_or(0)
    }

    /// What the status region says: a one-off note, or the number of shown connectors.
    pub fn status_text(&self) -> String {
        if let Some(note) = &self.note {
            return note.clone();
        }
        match &self.load {
            Load::Loading { skeleton: true } => "Loading connectors…".to_owned(),
            Load::Loading { skeleton: false } => String::new(),
            Load::Failed(_) => "The catalog could not be loaded".to_owned(),
            Load::Loaded(_) => {
                let shown = self.visible().len();
                if shown == 0 && !self.needle().is_empty() {
                    format!("No connectors match \"{}\"", self.query.trim())
                } else {
                    count_text(shown)
                }
            }
        }
    }

    /// After the filter changes, the tab stop stays on its card if still shown, else the first.
    fn keep_active_visible(&mut self) {
        let visible = self.visible();
        let still_shown = self
            .active
            .as_deref()
            .is_some_and(|id| visible.iter().any(|c| c.id == id));
        if !still_shown {
            self.active = visible.first().map(|c| c.id.clone());
        }
    }
}

/// `1 connector`, `12 connectors`.
pub fn count_text(count: usize) -> String {
    match count {
        1 => "1 connector".to_owned(),
        n => format!("{n} connectors"),
    }
}

pub fn filter(
    cards: &[Rc<CardView>],
    needle: &str,
    category: Option<Category>,
) -> Vec<Rc<CardView>> {
    cards
        .iter()
        .filter(|c| category.is_none_or(|cat| c.category == cat) && c.matches(needle))
        .cloned()
        .collect()
}

/// One filter chip: `category` is `None` for `All`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chip {
    pub category: Option<Category>,
    pub count: usize,
    pub checked: bool,
}

impl Chip {
    pub fn id(&self) -> &'static str {
        self.category.map_or("all", Category::id)
    }

    pub fn label(&self) -> &'static str {
        self.category.map_or("All", Category::label)
    }
}

pub fn chips(cards: &[Rc<CardView>], needle: &str, selected: Option<Category>) -> Vec<Chip> {
    let matching: Vec<&CardView> = cards
        .iter()
        .map(|c| c.as_ref())
        .filter(|c| c.matches(needle))
        .collect();
    std::iter::once(None)
        .chain(Category::ALL.into_iter().map(Some))
        .map(|category| Chip {
            category,
            count: matching
                .iter()
                .filter(|c| category.is_none_or(|cat| c.category == cat))
                .count(),
            checked: category == selected,
        })
        .collect()
}

/// A connector's icon colour if it is exactly `#RRGGBB`, else a neutral grey. The colour goes into
/// a `style` attribute, and a custom connector file is not trusted to hold only a colour there.
pub fn safe_color(color: &str) -> &str {
    let bytes = color.as_bytes();
    if bytes.len() == 7 && bytes[0] == b'#' && bytes[1..].iter().all(u8::is_ascii_hexdigit) {
        color
    } else {
        "#555E6C"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::connector;

    fn view() -> CatalogView {
        CatalogView {
            connectors: vec![
                connector("odoo", "Odoo", Category::Erp, "Sales and accounting"),
                connector("sap", "SAP", Category::Erp, "Enterprise resources"),
                connector("hubspot", "HubSpot", Category::Crm, "Contacts and deals"),
                connector(
                    "postgresql",
                    "PostgreSQL",
                    Category::Databases,
                    "SQL database",
                ),
                connector("mysql", "MySQL", Category::Databases, "SQL database"),
                connector("redis", "Redis", Category::Databases, "Key-value store"),
            ],
            problems: Vec::new(),
        }
    }

    fn cards(view: &CatalogView) -> CardsView {
        CardsView {
            cards: view.connectors.iter().map(CardView::from).collect(),
            problems: view.problems.clone(),
        }
    }

    fn loaded() -> Rc<Marketplace> {
        Rc::new(Marketplace::default()).reduce(Action::Loaded(cards(&view())))
    }

    fn ids(state: &Marketplace) -> Vec<String> {
        state.visible().iter().map(|c| c.id.clone()).collect()
    }

    #[test]
    fn search_is_trimmed_and_case_insensitive() {
        let state = loaded().reduce(Action::Search("  SQL ".to_owned()));
        assert_eq!(ids(&state), ["postgresql", "mysql"]);
        assert_eq!(state.status_text(), "2 connectors");
    }

    #[test]
    fn chip_counts_follow_the_search_not_the_category() {
        let state = loaded()
            .reduce(Action::SelectCategory(Some(Category::Databases)))
            .reduce(Action::Search("sql".to_owned()));
        let chips = state.chips();
        assert_eq!(chips.len(), 12);
        assert_eq!((chips[0].id(), chips[0].count), ("all", 2));
        let erp = chips.iter().find(|c| c.id() == "erp").unwrap();
        assert_eq!((erp.label(), erp.count, erp.checked), ("ERP", 0, false));
        let db = chips.iter().find(|c| c.id() == "databases").unwrap();
        assert_eq!((db.count, db.checked), (2, true));
    }

    #[test]
    fn empty_result_names_the_query() {
        let state = loaded().reduce(Action::Search("zzz".to_owned()));
        assert!(state.visible().is_empty());
        assert_eq!(state.status_text(), "No connectors match \"zzz\"");
        let state = state.reduce(Action::ClearSearch);
        assert_eq!(state.visible().len(), 6);
        assert_eq!(state.status_text(), "6 connectors");
    }

    #[test]
    fn tab_stop_stays_on_a_shown_card_or_moves_to_the_first() {
        let state = loaded();
        assert_eq!(state.active.as_deref(), Some("odoo"));
        let state = state.reduce(Action::Activate("mysql".to_owned()));
        let state = state.reduce(Action::Search("sql".to_owned()));
        assert_eq!(state.active.as_deref(), Some("mysql"));
        let state = state.reduce(Action::SelectCategory(Some(Category::Crm)));
        assert_eq!(state.active, None);
        let state = state.reduce(Action::ClearSearch);
        assert_eq!(state.active.as_deref(), Some("hubspot"));
        assert_eq!(state.active_index(&state.visible()), 0);
    }

    #[test]
    fn sheet_opens_only_for_a_known_connector() {
        let state = loaded().reduce(Action::OpenSheet("nope".to_owned()));
        assert_eq!(state.open, None);
        let state = state.reduce(Action::OpenSheet("redis".to_owned()));
        assert_eq!(state.open.as_deref(), Some("redis"));
        assert_eq!(state.active.as_deref(), Some("redis"));
        let state = state.reduce(Action::CloseSheet);
        assert_eq!(state.open, None);
        assert_eq!(state.active.as_deref(), Some("redis"));
    }

    #[test]
    fn an_open_sheet_gets_its_connector_when_the_whole_catalog_arrives() {
        let state = loaded().reduce(Action::OpenSheet("redis".to_owned()));
        assert_eq!(state.open.as_deref(), Some("redis"));
        assert_eq!(state.connector("redis"), None);
        let state = state.reduce(Action::Full(view()));
        assert_eq!(state.open.as_deref(), Some("redis"));
        let redis = state.connector("redis").unwrap();
        assert_eq!(redis.api_docs_url, "https://example.com/redis");
    }

    #[test]
    fn a_catalog_without_the_open_connector_closes_its_sheet() {
        let state = loaded().reduce(Action::OpenSheet("redis".to_owned()));
        let mut without = view();
        without.connectors.retain(|c| c.id != "redis");
        let state = state.reduce(Action::Full(without.clone()));
        assert_eq!(state.open, None);
        let state = state
            .reduce(Action::OpenSheet("mysql".to_owned()))
            .reduce(Action::Loaded(cards(&without)));
        assert_eq!(state.open.as_deref(), Some("mysql"));
    }

    #[test]
    fn skeleton_shows_only_while_still_loading() {
        let state = Rc::new(Marketplace::default());
        assert_eq!(state.status_text(), "");
        let state = state.reduce(Action::ShowSkeleton);
        assert_eq!(state.load, Load::Loading { skeleton: true });
        let state = loaded().reduce(Action::ShowSkeleton);
        assert!(matches!(state.load, Load::Loaded(_)));
    }

    #[test]
    fn only_plain_hex_colours_reach_a_style() {
        assert_eq!(safe_color("#533AFD"), "#533AFD");
        assert_eq!(safe_color("#533afd"), "#533afd");
        assert_eq!(safe_color("red"), "#555E6C");
        assert_eq!(safe_color("#000; background:url(x)"), "#555E6C");
        assert_eq!(safe_color("#12345G"), "#555E6C");
    }
}
