//! The app around the pages: which page shows, the vault session, a vault screen (first run,
//! unlock) standing in the way and where the person was heading, and the open connect dialog.

use keyport_model::SessionView;
use std::rc::Rc;
use yew::Reducible;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::session;

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
}
