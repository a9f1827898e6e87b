//! The Marketplace's state: one `Reducible` struct and the `Action`s that change it, plus the pure
//! helpers (filtering, chip counts, roving-focus moves) the components call. Nothing here touches
//! the DOM, so all of it is tested natively with `cargo test -p keyport-ui`.

use crate::api::{Finished, Outcome, ShownError};
use keyport_model::{
    CatalogProblem, CatalogView, Category, ConnectionStatus, ConnectionView, Connector, ErrorCode,
    HealthStatus, OAuthVia, RedirectKind, SessionView,
};
use std::rc::Rc;
use yew::Reducible;

/// The catalog as the page keeps it: connectors behind `Rc` so filtering and props are cheap.
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

/// Where loading the catalog stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    /// Waiting for the shell; `skeleton` turns true after 150 ms so a fast load never flashes.
    Loading {
        skeleton: bool,
    },
    Loaded(Rc<Catalog>),
    Failed(ShownError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Marketplace {
    pub load: Load,
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

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A (re)load started: the Reload button after a failure or a catalog problem.
    Reload,
    /// 150 ms passed and the catalog has not arrived.
    ShowSkeleton,
    Loaded(CatalogView),
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
                    if next.connector(open).is_none() {
                        next.open = None;
                    }
                }
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
                if next.connector(&id).is_none() {
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
    pub fn catalog(&self) -> Option<&Rc<Catalog>> {
        match &self.load {
            Load::Loaded(catalog) => Some(catalog),
            _ => None,
        }
    }

    /// The search as `Connector::matches` wants it: trimmed and lower-cased.
    pub fn needle(&self) -> String {
        self.query.trim().to_lowercase()
    }

    pub fn connector(&self, id: &str) -> Option<Rc<Connector>> {
        self.catalog()?
            .connectors
            .iter()
            .find(|c| c.id == id)
            .cloned()
    }

    /// The connectors the grid shows, in catalog order.
    pub fn visible(&self) -> Vec<Rc<Connector>> {
        match self.catalog() {
            Some(catalog) => filter(&catalog.connectors, &self.needle(), self.category),
            None => Vec::new(),
        }
    }

    /// The chips in order, `All` first, each with how many connectors match the search.
    pub fn chips(&self) -> Vec<Chip> {
        match self.catalog() {
            Some(catalog) => chips(&catalog.connectors, &self.needle(), self.category),
            None => Vec::new(),
        }
    }

    /// Index of the card holding the tab stop among `visible`.
    pub fn active_index(&self, visible: &[Rc<Connector>]) -> usize {
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
    connectors: &[Rc<Connector>],
    needle: &str,
    category: Option<Category>,
) -> Vec<Rc<Connector>> {
    connectors
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

pub fn chips(connectors: &[Rc<Connector>], needle: &str, selected: Option<Category>) -> Vec<Chip> {
    let matching: Vec<&Connector> = connectors
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

/// A key that moves focus inside a composite widget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Left,
    Right,
    Up,
    Down,
    /// Home: the start of the row (grid) or the first item (chips).
    RowStart,
    /// End: the end of the row (grid) or the last item (chips).
    RowEnd,
    /// Ctrl+Home.
    First,
    /// Ctrl+End.
    Last,
}

impl Move {
    /// The move for a `KeyboardEvent.key`, if it is one.
    pub fn from_key(key: &str, ctrl: bool) -> Option<Move> {
        Some(match key {
            "ArrowLeft" => Move::Left,
            "ArrowRight" => Move::Right,
            "ArrowUp" => Move::Up,
            "ArrowDown" => Move::Down,
            "Home" if ctrl => Move::First,
            "End" if ctrl => Move::Last,
            "Home" => Move::RowStart,
            "End" => Move::RowEnd,
            _ => return None,
        })
    }
}

/// Where the card grid's focus goes from `index`, with `columns` as rendered. Moves stop at the
/// edges (no wrapping), as the grid pattern of the ARIA practices asks.
pub fn grid_move(index: usize, len: usize, columns: usize, key: Move) -> usize {
    if len == 0 {
        return 0;
    }
    let columns = columns.max(1);
    let index = index.min(len - 1);
    let row_start = index - index % columns;
    match key {
        Move::Left if index > row_start => index - 1,
        Move::Right if index + 1 < len && index + 1 < row_start + columns => index + 1,
        Move::Up if index >= columns => index - columns,
        Move::Down if index + columns < len => index + columns,
        Move::RowStart => row_start,
        Move::RowEnd => (row_start + columns - 1).min(len - 1),
        Move::First => 0,
        Move::Last => len - 1,
        _ => index,
    }
}

/// Where a radio group's selection goes: arrows wrap around, Home and End jump to the ends.
pub fn chip_move(index: usize, len: usize, key: Move) -> usize {
    if len == 0 {
        return 0;
    }
    match key {
        Move::Left | Move::Up => (index + len - 1) % len,
        Move::Right | Move::Down => (index + 1) % len,
        Move::RowStart | Move::First => 0,
        Move::RowEnd | Move::Last => len - 1,
    }
}

// ---------- The vault, the pages and the connect flow ----------

/// The pages of the sidebar, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Page {
    #[default]
    Marketplace,
    Connections,
    Settings,
}

impl Page {
    pub fn title(self) -> &'static str {
        match self {
            Page::Marketplace => "Marketplace",
            Page::Connections => "Connections",
            Page::Settings => "Settings",
        }
    }

    /// The sidebar shortcut: Ctrl+1, Ctrl+2, Ctrl+3.
    pub fn shortcut(self) -> &'static str {
        match self {
            Page::Marketplace => "Ctrl+1",
            Page::Connections => "Ctrl+2",
            Page::Settings => "Ctrl+3",
        }
    }

    /// The page behind the digit of Ctrl+<digit>, if any.
    pub fn from_digit(key: &str) -> Option<Page> {
        match key {
            "1" => Some(Page::Marketplace),
            "2" => Some(Page::Connections),
            "3" => Some(Page::Settings),
            _ => None,
        }
    }
}

/// The screen that must come before the vault can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultScreen {
    FirstRun,
    Unlock,
}

/// Where the person was heading when the vault stood in the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    Page(Page),
    /// The connect dialog of this connector.
    Connect(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    pub screen: VaultScreen,
    pub intent: Intent,
}

/// The app around the Marketplace: which page shows, the vault session, a vault screen standing
/// in the way, and the connector whose connect dialog is open. Never holds a secret: what is typed
/// lives in the form components only.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Shell {
    pub page: Page,
    /// `None` until the shell first answers `session`.
    pub session: Option<SessionView>,
    pub gate: Option<Gate>,
    pub connect: Option<String>,
    /// Bumped by `Connect another`, so the dialog starts over with empty fields.
    pub connect_generation: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ShellAction {
    Navigate(Page),
    /// The shell reported the session (an answer, or `session-changed`).
    Session(SessionView),
    /// Connect was pressed for this connector.
    Connect(String),
    /// Unlock was pressed (sidebar, banner).
    Unlock,
    /// The first-run or unlock screen succeeded.
    VaultReady(SessionView),
    CancelGate,
    CloseConnect,
    ConnectAnother,
}

impl Reducible for Shell {
    type Action = ShellAction;

    fn reduce(self: Rc<Self>, action: ShellAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ShellAction::Navigate(page) => {
                if next.page == page && next.gate.is_none() {
                    return self;
                }
                next.page = page;
                next.gate = None;
                next.connect = None;
            }
            ShellAction::Session(session) => {
                if !session.unlocked {
                    // The key is gone: no form may stay open on a locked vault.
                    next.connect = None;
                }
                next.session = Some(session);
            }
            ShellAction::Connect(id) => match needed_screen(next.session.as_ref()) {
                Some(screen) => {
                    next.gate = Some(Gate {
                        screen,
                        intent: Intent::Connect(id),
                    })
                }
                None => next.connect = Some(id),
            },
            ShellAction::Unlock => {
                let screen = needed_screen(next.session.as_ref()).unwrap_or(VaultScreen::Unlock);
                next.gate = Some(Gate {
                    screen,
                    intent: Intent::Page(next.page),
                });
            }
            ShellAction::VaultReady(session) => {
                next.session = Some(session);
                match next.gate.take().map(|g| g.intent) {
                    Some(Intent::Page(page)) => next.page = page,
                    Some(Intent::Connect(id)) => next.connect = Some(id),
                    None => {}
                }
            }
            ShellAction::CancelGate => {
                next.gate = None;
                if next.screen() == Some(VaultScreen::FirstRun) {
                    next.page = Page::Marketplace;
                }
            }
            ShellAction::CloseConnect => next.connect = None,
            ShellAction::ConnectAnother => {
                next.connect_generation = next.connect_generation.wrapping_add(1)
            }
        }
        Rc::new(next)
    }
}

impl Shell {
    /// The vault screen main shows instead of the page, if any: the one asked for, or first run
    /// when Connections opens without a vault.
    pub fn screen(&self) -> Option<VaultScreen> {
        if let Some(gate) = &self.gate {
            return Some(gate.screen);
        }
        let no_vault = self.session.as_ref().is_some_and(|s| !s.vault.initialized);
        // Settings shows its own call to action instead of taking the page.
        (self.page == Page::Connections && no_vault).then_some(VaultScreen::FirstRun)
    }

    /// What the window title names.
    pub fn title(&self) -> String {
        let page = match self.screen() {
            Some(VaultScreen::FirstRun) => "Create your vault",
            Some(VaultScreen::Unlock) => "Unlock",
            None => self.page.title(),
        };
        format!("Keyport — {page}")
    }
}

/// What must happen before the vault can be used: nothing when unlocked (or when the session is
/// not known yet: the command then answers for itself).
pub fn needed_screen(session: Option<&SessionView>) -> Option<VaultScreen> {
    let session = session?;
    if !session.vault.initialized {
        Some(VaultScreen::FirstRun)
    } else if !session.unlocked {
        Some(VaultScreen::Unlock)
    } else {
        None
    }
}

/// The idle-lock choices: minutes, 0 being never.
pub const IDLE_CHOICES: [u32; 6] = [1, 5, 15, 30, 60, 0];

pub fn idle_label(minutes: u32) -> String {
    match minutes {
        0 => "Never".to_owned(),
        1 => "1 minute".to_owned(),
        n => format!("{n} minutes"),
    }
}

/// What Settings › Keyring says about the OS keyring this machine offers.
pub fn keyring_backend_text(session: &SessionView) -> String {
    session
        .vault
        .keyring
        .clone()
        .unwrap_or_else(|| "Not available — passphrase only".to_owned())
}

/// Whether the vault holds a keyring slot (it can also be opened by the OS keyring).
pub fn has_keyring_slot(session: &SessionView) -> bool {
    session
        .vault
        .key_slots
        .iter()
        .any(|slot| slot.kind == "keyring")
}

/// How long a revealed secret stays on screen, and how long until the copied value is cleared
/// from the clipboard, in seconds.
pub const REVEAL_SECONDS: u32 = 30;

/// The reveal countdown as shown: `Hides in 0:30`.
pub fn reveal_countdown(seconds: u32) -> String {
    format!("Hides in {}:{:02}", seconds / 60, seconds % 60)
}

/// How long a new passphrase is, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// Under the 8-character minimum; holds how many more are needed.
    TooShort(usize),
    Fair,
    Good,
    Strong,
}

pub use keyport_model::MIN_PASSPHRASE_CHARS as MIN_PASSPHRASE;

pub fn strength(passphrase: &str) -> Strength {
    match passphrase.chars().count() {
        n if n < MIN_PASSPHRASE => Strength::TooShort(MIN_PASSPHRASE - n),
        n if n < 12 => Strength::Fair,
        n if n < 16 => Strength::Good,
        _ => Strength::Strong,
    }
}

impl Strength {
    pub fn id(self) -> &'static str {
        match self {
            Strength::TooShort(_) => "short",
            Strength::Fair => "fair",
            Strength::Good => "good",
            Strength::Strong => "strong",
        }
    }

    /// Filled segments of the 3-segment meter.
    pub fn level(self) -> usize {
        match self {
            Strength::TooShort(_) => 0,
            Strength::Fair => 1,
            Strength::Good => 2,
            Strength::Strong => 3,
        }
    }

    pub fn hint(self) -> String {
        match self {
            Strength::TooShort(8) => "Use at least 8 characters; 16 or more is strong".to_owned(),
            Strength::TooShort(1) => "1 more character needed".to_owned(),
            Strength::TooShort(n) => format!("{n} more characters needed"),
            Strength::Fair => "Fair — 12 or more characters is good".to_owned(),
            Strength::Good => "Good — 16 or more characters is strong".to_owned(),
            Strength::Strong => "Strong".to_owned(),
        }
    }
}

/// Why a new passphrase cannot be submitted yet, if it cannot.
pub fn new_passphrase_problem(passphrase: &str, repeat: &str) -> Option<&'static str> {
    if passphrase.chars().count() < MIN_PASSPHRASE {
        Some("Use at least 8 characters")
    } else if passphrase != repeat {
        Some("The two passphrases do not match")
    } else {
        None
    }
}

/// The core's messages are lower-case sentences for the CLI's `keyport: …`; the window shows
/// them with a capital.
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether a waiting sign-in (flow `flow_id` for `connector_id`) takes this outcome, or the page
/// shows it elsewhere (a banner, a toast). A paste answers its own field; a loopback outcome names
/// its flow; a link names no flow, so a connection for this connector, or a refusal that is not
/// about some other link (unknown, used, malformed, mis-delivered), is taken as this one's.
pub fn claims(flow_id: &str, connector_id: &str, finished: &Finished) -> bool {
    match finished.via {
        OAuthVia::Paste => false,
        OAuthVia::Loopback => finished.flow_id.as_deref() == Some(flow_id),
        OAuthVia::DeepLink => match &finished.outcome {
            Outcome::Connected { connection } => connection.connector_id == connector_id,
            Outcome::Failed { error } => !matches!(
                error.kind(),
                ErrorCode::OAuthStateUnknown
                    | ErrorCode::OAuthStateUsed
                    | ErrorCode::OAuthCallbackMalformed
                    | ErrorCode::OAuthRedirectMismatch
            ),
        },
    }
}

/// The host of a sign-in address, for `Finish signing in in your browser (login.salesforce.com).`
pub fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    (!host.is_empty()).then_some(host)
}

pub use keyport_model::oauth_app_env_prefix as env_var_prefix;

/// Whether this connector's sign-in comes back to an https page the person registered (the
/// service accepts no `keyport://` or loopback redirect first): the app then needs that URL, and
/// the sign-in completes by pasting the address the browser landed on.
pub fn https_redirect(connector: &Connector) -> bool {
    connector
        .oauth2
        .as_ref()
        .and_then(|o| o.redirect.first())
        .is_some_and(|k| *k == RedirectKind::Https)
}

/// `Expires in 9:12`.
pub fn expires_text(seconds: u32) -> String {
    format!("Expires in {}:{:02}", seconds / 60, seconds % 60)
}

/// How long a sign-in waits for the browser (the core's 10 minutes).
pub const FLOW_SECONDS: u32 = keyport_model::OAUTH_FLOW_SECONDS as u32;

/// The next-step button after a failed sign-in.
pub fn retry_label(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::OAuthStateExpired | ErrorCode::OAuthTimedOut => "Start again",
        _ => "Try again",
    }
}

/// What to do after a sign-in failed, under its message.
pub fn failed_hint(code: ErrorCode, name: &str) -> String {
    match code {
        ErrorCode::OAuthDenied => {
            "Try again, and approve the request in your browser this time.".to_owned()
        }
        ErrorCode::OAuthStateExpired | ErrorCode::OAuthTimedOut => {
            "Start again, and finish on the sign-in page within 10 minutes.".to_owned()
        }
        ErrorCode::OAuthNoApp => "Change settings to enter the OAuth app’s client ID.".to_owned(),
        ErrorCode::OAuthUnavailable => {
            format!("{name} could not be reached; try again in a moment.")
        }
        _ => format!(
            "Try again; if it fails again, check the OAuth app’s client ID and redirect URI in \
             {name}’s settings."
        ),
    }
}

/// The line under a connection's name: `connector · account · host`, so two accounts at one
/// service (or two servers) can be told apart; the type when neither is known.
pub fn connection_subline(connector: &str, view: &ConnectionView) -> String {
    let meta = |key: &str| view.metadata.get(key).filter(|v| !v.is_empty());
    let account = [
        "email",
        "client_email",
        "username",
        "user",
        "tenant",
        "account",
    ]
    .into_iter()
    .find_map(meta);
    let host = meta("host").map(|host| match meta("port") {
        Some(port) => format!("{host}:{port}"),
        None => host.clone(),
    });
    let mut parts = vec![connector.to_owned()];
    parts.extend(account.cloned());
    parts.extend(host);
    if parts.len() == 1 {
        parts.push(view.connection_type.badge().to_owned());
    }
    parts.join(" · ")
}

/// The health badge of a row: `data-health`, its glyph and its word (never colour alone).
pub fn health_badge(connection: &ConnectionView) -> (&'static str, &'static str, &'static str) {
    if matches!(
        connection.status,
        ConnectionStatus::Expired | ConnectionStatus::Revoked | ConnectionStatus::Invalid
    ) {
        return ("reconnect", "✕", "Reconnect needed");
    }
    match connection.health_status {
        HealthStatus::Healthy => ("healthy", "✓", "Healthy"),
        HealthStatus::Degraded => ("degraded", "!", "Degraded"),
        HealthStatus::Unhealthy => ("unhealthy", "✕", "Unhealthy"),
        HealthStatus::Unknown => ("unknown", "?", "Unknown"),
    }
}

/// `2026-05-09T07:29:33Z` as `9 May 2026`; anything else as it came.
pub fn short_date(timestamp: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let date = timestamp.get(..10).unwrap_or(timestamp);
    let mut parts = date.split('-');
    let parsed = (|| {
        let year: u32 = parts.next()?.parse().ok()?;
        let month: usize = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let month = MONTHS.get(month.checked_sub(1)?)?;
        Some(format!("{day} {month} {year}"))
    })();
    parsed.unwrap_or_else(|| timestamp.to_owned())
}

/// Connections as the list shows them: by name, case-insensitively.
pub fn sorted_connections(mut list: Vec<ConnectionView>) -> Vec<ConnectionView> {
    list.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.id.cmp(&b.id))
    });
    list
}

/// `1 connection`, `3 connections`.
pub fn connection_count_text(count: usize) -> String {
    match count {
        1 => "1 connection".to_owned(),
        n => format!("{n} connections"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{connection, connector};

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

    fn loaded() -> Rc<Marketplace> {
        Rc::new(Marketplace::default()).reduce(Action::Loaded(view()))
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
    fn skeleton_shows_only_while_still_loading() {
        let state = Rc::new(Marketplace::default());
        assert_eq!(state.status_text(), "");
        let state = state.reduce(Action::ShowSkeleton);
        assert_eq!(state.load, Load::Loading { skeleton: true });
        let state = loaded().reduce(Action::ShowSkeleton);
        assert!(matches!(state.load, Load::Loaded(_)));
    }

    #[test]
    fn grid_moves_stop_at_the_edges() {
        // 10 cards in 4 columns: rows 0-3, 4-7, 8-9.
        assert_eq!(grid_move(0, 10, 4, Move::Left), 0);
        assert_eq!(grid_move(3, 10, 4, Move::Right), 3);
        assert_eq!(grid_move(2, 10, 4, Move::Right), 3);
        assert_eq!(grid_move(1, 10, 4, Move::Up), 1);
        assert_eq!(grid_move(1, 10, 4, Move::Down), 5);
        assert_eq!(grid_move(5, 10, 4, Move::Down), 9);
        assert_eq!(grid_move(6, 10, 4, Move::Down), 6);
        assert_eq!(grid_move(9, 10, 4, Move::Right), 9);
        assert_eq!(grid_move(6, 10, 4, Move::RowStart), 4);
        assert_eq!(grid_move(5, 10, 4, Move::RowEnd), 7);
        assert_eq!(grid_move(8, 10, 4, Move::RowEnd), 9);
        assert_eq!(grid_move(6, 10, 4, Move::First), 0);
        assert_eq!(grid_move(2, 10, 4, Move::Last), 9);
        assert_eq!(grid_move(0, 0, 4, Move::Down), 0);
        assert_eq!(grid_move(0, 3, 0, Move::Down), 1);
    }

    #[test]
    fn only_plain_hex_colours_reach_a_style() {
        assert_eq!(safe_color("#533AFD"), "#533AFD");
        assert_eq!(safe_color("#533afd"), "#533afd");
        assert_eq!(safe_color("red"), "#555E6C");
        assert_eq!(safe_color("#000; background:url(x)"), "#555E6C");
        assert_eq!(safe_color("#12345G"), "#555E6C");
    }

    #[test]
    fn chip_moves_wrap() {
        assert_eq!(chip_move(0, 12, Move::Left), 11);
        assert_eq!(chip_move(11, 12, Move::Right), 0);
        assert_eq!(chip_move(4, 12, Move::Down), 5);
        assert_eq!(chip_move(4, 12, Move::RowEnd), 11);
        assert_eq!(Move::from_key("Home", true), Some(Move::First));
        assert_eq!(Move::from_key("Home", false), Some(Move::RowStart));
        assert_eq!(Move::from_key("a", false), None);
    }

    fn session(initialized: bool, unlocked: bool) -> SessionView {
        SessionView {
            vault: keyport_model::VaultStatus {
                initialized,
                locked: !unlocked,
                key_slots: Vec::new(),
                kdf: None,
                connections: 0,
                keyring: None,
            },
            unlocked,
            idle_lock_minutes: 15,
        }
    }

    fn shell(initialized: bool, unlocked: bool) -> Rc<Shell> {
        Rc::new(Shell::default()).reduce(ShellAction::Session(session(initialized, unlocked)))
    }

    #[test]
    fn connect_goes_through_first_run_then_opens_the_dialog() {
        let state = shell(false, false).reduce(ShellAction::Connect("hubspot".to_owned()));
        assert_eq!(state.screen(), Some(VaultScreen::FirstRun));
        assert_eq!(state.connect, None);
        assert_eq!(state.title(), "Keyport — Create your vault");
        let state = state.reduce(ShellAction::VaultReady(session(true, true)));
        assert_eq!(state.screen(), None);
        assert_eq!(state.connect.as_deref(), Some("hubspot"));
        assert_eq!(state.page, Page::Marketplace);
    }

    #[test]
    fn connect_when_locked_asks_to_unlock_and_unlocked_opens_at_once() {
        let state = shell(true, false).reduce(ShellAction::Connect("stripe".to_owned()));
        assert_eq!(state.screen(), Some(VaultScreen::Unlock));
        let state = shell(true, true).reduce(ShellAction::Connect("stripe".to_owned()));
        assert_eq!(state.screen(), None);
        assert_eq!(state.connect.as_deref(), Some("stripe"));
        // Locking (idle, tray) drops the open form.
        let state = state.reduce(ShellAction::Session(session(true, false)));
        assert_eq!(state.connect, None);
    }

    #[test]
    fn connections_without_a_vault_is_the_first_run_page() {
        let state = shell(false, false).reduce(ShellAction::Navigate(Page::Connections));
        assert_eq!(state.screen(), Some(VaultScreen::FirstRun));
        assert_eq!(state.page, Page::Connections);
        let cancelled = state.clone().reduce(ShellAction::CancelGate);
        assert_eq!(cancelled.page, Page::Marketplace);
        let done = state.reduce(ShellAction::VaultReady(session(true, true)));
        assert_eq!((done.page, done.screen()), (Page::Connections, None));
        // Locked: the list shows (metadata), Unlock returns to it.
        let state = shell(true, false).reduce(ShellAction::Navigate(Page::Connections));
        assert_eq!(state.screen(), None);
        let state = state.reduce(ShellAction::Unlock);
        assert_eq!(state.screen(), Some(VaultScreen::Unlock));
        let cancelled = state.clone().reduce(ShellAction::CancelGate);
        assert_eq!(
            (cancelled.page, cancelled.screen()),
            (Page::Connections, None)
        );
        let done = state.reduce(ShellAction::VaultReady(session(true, true)));
        assert_eq!((done.page, done.screen()), (Page::Connections, None));
    }

    #[test]
    fn strength_follows_length_in_characters() {
        assert_eq!(strength(""), Strength::TooShort(8));
        assert_eq!(strength("abcdefg"), Strength::TooShort(1));
        assert_eq!(strength("ééééééé").hint(), "1 more character needed");
        assert_eq!(strength("abcdefgh"), Strength::Fair);
        assert_eq!(strength("abcdefghijkl"), Strength::Good);
        assert_eq!(strength("abcdefghijklmnop"), Strength::Strong);
        assert_eq!(strength("abcdefghijklmnop").level(), 3);
        assert_eq!(
            new_passphrase_problem("short", "short"),
            Some("Use at least 8 characters")
        );
        assert_eq!(
            new_passphrase_problem("long enough", "long enougH"),
            Some("The two passphrases do not match")
        );
        assert_eq!(new_passphrase_problem("long enough", "long enough"), None);
    }

    #[test]
    fn messages_start_with_a_capital() {
        assert_eq!(sentence("wrong passphrase"), "Wrong passphrase");
        assert_eq!(sentence("élan"), "Élan");
        assert_eq!(sentence(""), "");
    }

    fn finished(via: OAuthVia, flow: Option<&str>, outcome: Outcome) -> Finished {
        Finished {
            flow_id: flow.map(str::to_owned),
            via,
            outcome,
        }
    }

    fn failed(code: ErrorCode) -> Outcome {
        Outcome::Failed {
            error: ShownError::new(code, "m"),
        }
    }

    #[test]
    fn the_waiting_flow_takes_only_its_own_outcomes() {
        let loopback = finished(
            OAuthVia::Loopback,
            Some("f1"),
            failed(ErrorCode::OAuthDenied),
        );
        assert!(claims("f1", "salesforce", &loopback));
        assert!(!claims("f2", "salesforce", &loopback));
        // A paste answers its own field.
        let paste = finished(OAuthVia::Paste, None, failed(ErrorCode::OAuthStateUsed));
        assert!(!claims("f1", "salesforce", &paste));
        // A link: a refusal of this flow, not some other link's.
        let denied = finished(OAuthVia::DeepLink, None, failed(ErrorCode::OAuthDenied));
        assert!(claims("f1", "salesforce", &denied));
        for code in [
            ErrorCode::OAuthStateUnknown,
            ErrorCode::OAuthStateUsed,
            ErrorCode::OAuthCallbackMalformed,
            ErrorCode::OAuthRedirectMismatch,
        ] {
            let other = finished(OAuthVia::DeepLink, None, failed(code));
            assert!(!claims("f1", "salesforce", &other), "{code}");
        }
    }

    #[test]
    fn oauth_texts() {
        assert_eq!(
            url_host("https://login.salesforce.com/services/oauth2/authorize?x=1"),
            Some("login.salesforce.com")
        );
        assert_eq!(url_host("http://127.0.0.1:4321?a"), Some("127.0.0.1:4321"));
        assert_eq!(
            url_host("https://user@host.example/x"),
            Some("host.example")
        );
        assert_eq!(url_host("nonsense"), None);
        assert_eq!(expires_text(552), "Expires in 9:12");
        assert_eq!(expires_text(FLOW_SECONDS), "Expires in 10:00");
        assert_eq!(env_var_prefix("hubspot-crm.eu"), "KEYPORT_HUBSPOT_CRM_EU");
        assert_eq!(retry_label(ErrorCode::OAuthTimedOut), "Start again");
        assert_eq!(retry_label(ErrorCode::OAuthDenied), "Try again");
        assert!(failed_hint(ErrorCode::OAuthDenied, "X").contains("approve"));
    }

    #[test]
    fn rows_name_the_account_and_the_host() {
        let mut view = connection("redis", keyport_model::ConnectionType::Database);
        view.metadata
            .insert("host".to_owned(), "127.0.0.1".to_owned());
        view.metadata.insert("port".to_owned(), "6380".to_owned());
        assert_eq!(connection_subline("Redis", &view), "Redis · 127.0.0.1:6380");
        view.metadata.insert("user".to_owned(), "app".to_owned());
        assert_eq!(
            connection_subline("Redis", &view),
            "Redis · app · 127.0.0.1:6380"
        );
        view.metadata.clear();
        assert_eq!(connection_subline("Redis", &view), "Redis · Database");
    }

    #[test]
    fn dates_and_counts_read_well() {
        assert_eq!(short_date("2026-05-09T07:29:33Z"), "9 May 2026");
        assert_eq!(short_date("2026-12-31"), "31 Dec 2026");
        assert_eq!(short_date("yesterday"), "yesterday");
        assert_eq!(short_date("2026-13-01"), "2026-13-01");
        assert_eq!(connection_count_text(1), "1 connection");
        assert_eq!(idle_label(0), "Never");
        assert_eq!(idle_label(15), "15 minutes");
    }

    #[test]
    fn settings_is_the_third_page_and_keeps_its_own_call_to_action() {
        assert_eq!(Page::from_digit("3"), Some(Page::Settings));
        assert_eq!(Page::from_digit("1"), Some(Page::Marketplace));
        assert_eq!(Page::from_digit("2"), Some(Page::Connections));
        assert_eq!(Page::from_digit("4"), None);
        assert_eq!(Page::Settings.shortcut(), "Ctrl+3");
        let state = shell(false, false).reduce(ShellAction::Navigate(Page::Settings));
        assert_eq!(state.screen(), None);
        assert_eq!(state.title(), "Keyport — Settings");
        let state = state.reduce(ShellAction::Unlock);
        assert_eq!(state.screen(), Some(VaultScreen::FirstRun));
        let state = state.reduce(ShellAction::VaultReady(session(true, true)));
        assert_eq!((state.page, state.screen()), (Page::Settings, None));
    }

    #[test]
    fn keyring_and_reveal_texts() {
        let mut s = session(true, true);
        s.vault.keyring = None;
        assert_eq!(keyring_backend_text(&s), "Not available — passphrase only");
        s.vault.keyring = Some("Secret Service".to_owned());
        assert_eq!(keyring_backend_text(&s), "Secret Service");
        assert!(!has_keyring_slot(&s));
        s.vault.key_slots.push(keyport_model::KeySlotView {
            kind: "keyring".to_owned(),
            created_at: "2026-05-09T07:29:33Z".to_owned(),
        });
        assert!(has_keyring_slot(&s));
        assert_eq!(reveal_countdown(REVEAL_SECONDS), "Hides in 0:30");
        assert_eq!(reveal_countdown(9), "Hides in 0:09");
        assert_eq!(reveal_countdown(0), "Hides in 0:00");
    }
}
