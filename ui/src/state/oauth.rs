//! The OAuth dialog's state: which `Phase` the sign-in is in (setup, waiting for the browser,
//! done, failed), the OAuth app as loaded and as being edited, the sign-in settings, and the
//! paste fallback, changed only by `Action`s; and which `oauth-finished` outcomes the waiting
//! flow takes (`claims`). The client secret and the pasted address never enter it: they stay in
//! their input elements until submitted.

use crate::api::{Finished, Outcome, ShownError};
use keyport_model::{ConnectionView, ErrorCode, OAuthAppView, OAuthStartView, OAuthVia};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

/// Where the sign-in stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// The OAuth app and the sign-in settings, then **Connect with <Name>**.
    Setup,
    /// The browser is open on the sign-in page; the flow expires after `FLOW_SECONDS`.
    Waiting(Rc<OAuthStartView>),
    Done(Rc<ConnectionView>),
    Failed(ShownError),
}

/// Which part of the sign-in shows: the dialog draws its own header and width for `Setup` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Setup,
    Waiting,
    Finished,
}

impl Phase {
    pub fn stage(&self) -> Stage {
        match self {
            Phase::Setup => Stage::Setup,
            Phase::Waiting(_) => Stage::Waiting,
            Phase::Done(_) | Phase::Failed(_) => Stage::Finished,
        }
    }

    /// The flow being waited for, if any.
    pub fn flow_id(&self) -> Option<&str> {
        match self {
            Phase::Waiting(started) => Some(&started.flow_id),
            _ => None,
        }
    }
}

/// The OAuth app as the dialog has it: `None` while it loads.
pub type AppLoad = Option<Result<OAuthAppView, ShownError>>;

#[derive(Debug, Clone, PartialEq)]
pub struct OAuthDialog {
    pub phase: Phase,
    pub app: AppLoad,
    /// The app form shows (no client ID yet, or Change was pressed).
    pub editing: bool,
    /// The client ID as typed (not a secret).
    pub client_id: String,
    /// The https redirect URL as typed, for a service that returns only to an https page.
    pub redirect_uri: String,
    pub app_busy: bool,
    pub app_error: Option<ShownError>,
    /// The sign-in settings as typed, by field key.
    pub values: BTreeMap<String, String>,
    /// Required settings left empty when Connect was pressed.
    pub missing: Vec<String>,
    /// Waiting for `oauth_start` to answer.
    pub starting: bool,
    pub start_error: Option<ShownError>,
    pub paste_open: bool,
    pub paste_busy: bool,
    pub paste_error: Option<ShownError>,
    /// What Open again or Copy link did.
    pub link_note: Option<String>,
}

impl OAuthDialog {
    /// A dialog in setup, the settings at their defaults, the app still loading.
    pub fn new(values: BTreeMap<String, String>) -> Self {
        OAuthDialog {
            phase: Phase::Setup,
            app: None,
            editing: false,
            client_id: String::new(),
            redirect_uri: String::new(),
            app_busy: false,
            app_error: None,
            values,
            missing: Vec::new(),
            starting: false,
            start_error: None,
            paste_open: false,
            paste_busy: false,
            paste_error: None,
            link_note: None,
        }
    }

    /// The app once loaded.
    pub fn app_view(&self) -> Option<&OAuthAppView> {
        self.app.as_ref().and_then(|a| a.as_ref().ok())
    }

    /// Whether the app has a client ID, so Connect can start a sign-in.
    pub fn app_set(&self) -> bool {
        self.app_view().is_some_and(|a| a.client_id.is_some())
    }

    /// Fills the app form from `view`: what it holds, ready to be changed.
    fn fill_app_form(&mut self, view: &OAuthAppView) {
        self.client_id = view.client_id.clone().unwrap_or_default();
        self.redirect_uri = registered_https(view).unwrap_or_default();
    }
}

/// The https redirect stored with the app, if any.
pub fn registered_https(view: &OAuthAppView) -> Option<String> {
    view.redirect_uris
        .iter()
        .find(|u| u.starts_with("https://"))
        .cloned()
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    AppLoaded(Result<OAuthAppView, ShownError>),
    /// Change was pressed: the form opens with what is stored.
    EditApp,
    /// Keep the current app: the form closes, its error goes.
    KeepApp,
    ClientIdTyped(String),
    RedirectTyped(String),
    /// Save was pressed and what was typed can be sent.
    SavingApp,
    /// The app form was refused, by the page (nothing typed) or the core.
    AppRefused(ShownError),
    AppSaved(OAuthAppView),
    SettingChanged(String, String),
    /// Connect was pressed with these required settings empty.
    Missing(Vec<String>),
    /// A sign-in is starting; `paste_open` opens the paste field at once (an https redirect
    /// returns only by paste).
    Starting {
        paste_open: bool,
    },
    Started(Result<OAuthStartView, ShownError>),
    /// An `oauth-finished` outcome the waiting flow took.
    Finished(Outcome),
    /// The countdown of this flow reached 0:00.
    Expired(String),
    LinkNote(String),
    TogglePaste,
    /// The paste field was refused: empty, or by the core.
    PasteRefused(ShownError),
    PasteSent,
    Pasted(Box<ConnectionView>),
    /// Change settings, after a failure.
    ChangeSettings,
}

impl Reducible for OAuthDialog {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::AppLoaded(result) => {
                if let Ok(view) = &result {
                    next.fill_app_form(view);
                    next.editing = view.client_id.is_none() && !view.from_environment;
                }
                next.app = Some(result);
            }
            Action::EditApp => {
                let Some(view) = next.app_view().cloned() else {
                    return self;
                };
                next.fill_app_form(&view);
                next.editing = true;
            }
            Action::KeepApp => {
                next.app_error = None;
                next.editing = false;
            }
            Action::ClientIdTyped(text) => next.client_id = text,
            Action::RedirectTyped(text) => next.redirect_uri = text,
            Action::SavingApp => {
                next.app_busy = true;
                next.app_error = None;
            }
            Action::AppRefused(error) => {
                next.app_busy = false;
                next.app_error = Some(error);
            }
            Action::AppSaved(view) => {
                next.app_busy = false;
                next.app = Some(Ok(view));
                next.editing = false;
            }
            Action::SettingChanged(key, value) => {
                next.values.insert(key, value);
            }
            Action::Missing(keys) => {
                next.phase = Phase::Setup;
                next.missing = keys;
            }
            Action::Starting { paste_open } => {
                next.missing.clear();
                next.start_error = None;
                next.starting = true;
                next.paste_error = None;
                next.paste_open = paste_open;
                next.link_note = None;
            }
            Action::Started(result) => {
                next.starting = false;
                match result {
                    Ok(started) => next.phase = Phase::Waiting(Rc::new(started)),
                    Err(error) => {
                        next.phase = Phase::Setup;
                        next.start_error = Some(error);
                    }
                }
            }
            Action::Finished(outcome) => {
                if !matches!(next.phase, Phase::Waiting(_)) {
                    return self;
                }
                next.phase = match outcome {
                    Outcome::Connected { connection } => Phase::Done(Rc::new(*connection)),
                    Outcome::Failed { error } => Phase::Failed(error),
                };
            }
            Action::Expired(flow) => {
                if next.phase.flow_id() != Some(flow.as_str()) {
                    return self;
                }
                next.phase = Phase::Failed(ShownError::new(
                    ErrorCode::OAuthStateExpired,
                    "This sign-in expired after 10 minutes; nothing was stored. \
                     Start again to sign in.",
                ));
            }
            Action::LinkNote(note) => next.link_note = Some(note),
            Action::TogglePaste => {
                if next.paste_open {
                    next.paste_error = None;
                }
                next.paste_open = !next.paste_open;
            }
            Action::PasteRefused(error) => {
                next.paste_busy = false;
                next.paste_error = Some(error);
            }
            Action::PasteSent => {
                next.paste_busy = true;
                next.paste_error = None;
            }
            Action::Pasted(view) => {
                next.paste_busy = false;
                next.phase = Phase::Done(Rc::new(*view));
            }
            Action::ChangeSettings => next.phase = Phase::Setup,
        }
        Rc::new(next)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::connection;
    use keyport_model::{ConnectionType, RedirectKind};

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

    fn app(client_id: Option<&str>, from_environment: bool) -> OAuthAppView {
        OAuthAppView {
            connector_id: "salesforce".to_owned(),
            client_id: client_id.map(str::to_owned),
            has_client_secret: false,
            from_environment,
            redirect_uris: vec![
                "keyport://oauth/callback".to_owned(),
                "https://example.com/cb".to_owned(),
            ],
        }
    }

    fn started(flow: &str) -> OAuthStartView {
        OAuthStartView {
            flow_id: flow.to_owned(),
            connector_id: "salesforce".to_owned(),
            authorization_url: "https://login.salesforce.com/authorize?x=1".to_owned(),
            redirect: RedirectKind::CustomScheme,
        }
    }

    fn dialog() -> Rc<OAuthDialog> {
        Rc::new(OAuthDialog::new(BTreeMap::new()))
    }

    /// A dialog whose app is set, waiting for flow `f1`.
    fn waiting() -> Rc<OAuthDialog> {
        dialog()
            .reduce(Action::AppLoaded(Ok(app(Some("id"), false))))
            .reduce(Action::Starting { paste_open: false })
            .reduce(Action::Started(Ok(started("f1"))))
    }

    #[test]
    fn the_app_form_opens_only_when_there_is_no_client_id_to_use() {
        let state = dialog();
        assert!(!state.app_set());
        let state = state.reduce(Action::AppLoaded(Ok(app(None, false))));
        assert!(state.editing && !state.app_set());
        assert_eq!(state.redirect_uri, "https://example.com/cb");
        let state = dialog().reduce(Action::AppLoaded(Ok(app(None, true))));
        assert!(
            !state.editing,
            "an app from the environment is changed there"
        );
        let state = dialog().reduce(Action::AppLoaded(Ok(app(Some("id"), false))));
        assert!(!state.editing && state.app_set());
        // Change, type, keep: the stored app stays, what was typed is refilled next time.
        let state = state
            .reduce(Action::EditApp)
            .reduce(Action::ClientIdTyped("other".to_owned()));
        assert_eq!((state.editing, state.client_id.as_str()), (true, "other"));
        let state = state.reduce(Action::KeepApp).reduce(Action::EditApp);
        assert_eq!(state.client_id, "id");
        // A load that failed has nothing to edit.
        let failed = ShownError::new(ErrorCode::Internal, "m");
        let state = dialog().reduce(Action::AppLoaded(Err(failed)));
        assert!(!state.reduce(Action::EditApp).editing);
    }

    #[test]
    fn saving_the_app_is_busy_until_answered() {
        let state = dialog()
            .reduce(Action::AppLoaded(Ok(app(None, false))))
            .reduce(Action::SavingApp);
        assert!(state.app_busy);
        let refused = ShownError::new(ErrorCode::ConnectionInvalid, "m");
        let state = state.reduce(Action::AppRefused(refused.clone()));
        assert_eq!(
            (state.app_busy, state.app_error.clone()),
            (false, Some(refused))
        );
        let state = state
            .reduce(Action::SavingApp)
            .reduce(Action::AppSaved(app(Some("id"), false)));
        assert!(!state.app_busy && !state.editing && state.app_set());
        assert_eq!(state.app_error, None);
    }

    #[test]
    fn a_start_waits_then_a_refused_start_returns_to_setup() {
        let state = dialog()
            .reduce(Action::Missing(vec!["instance".to_owned()]))
            .reduce(Action::Starting { paste_open: true });
        assert!(state.starting && state.paste_open && state.missing.is_empty());
        assert_eq!(state.phase.stage(), Stage::Setup);
        let refused = ShownError::new(ErrorCode::OAuthNoApp, "m");
        let state = state.reduce(Action::Started(Err(refused.clone())));
        assert_eq!(
            (state.phase.clone(), state.start_error.clone()),
            (Phase::Setup, Some(refused))
        );
        assert!(!state.starting);
        let state = waiting();
        assert_eq!(state.phase.stage(), Stage::Waiting);
        assert_eq!(state.phase.flow_id(), Some("f1"));
    }

    #[test]
    fn the_waiting_flow_ends_by_its_outcome_or_its_own_expiry() {
        let done = waiting().reduce(Action::Finished(Outcome::Connected {
            connection: Box::new(connection("salesforce", ConnectionType::Oauth2)),
        }));
        assert!(matches!(done.phase, Phase::Done(_)));
        assert_eq!(done.phase.stage(), Stage::Finished);
        // Once done, a late outcome or expiry changes nothing.
        let denied = ShownError::new(ErrorCode::OAuthDenied, "m");
        let late = done.clone().reduce(Action::Finished(Outcome::Failed {
            error: denied.clone(),
        }));
        assert_eq!(late, done);
        assert_eq!(done.clone().reduce(Action::Expired("f1".to_owned())), done);

        let failed = waiting().reduce(Action::Finished(Outcome::Failed {
            error: denied.clone(),
        }));
        assert_eq!(failed.phase, Phase::Failed(denied));
        // Only the flow that is waiting expires.
        let state = waiting();
        assert_eq!(
            state.clone().reduce(Action::Expired("f0".to_owned())),
            state
        );
        let expired = state.reduce(Action::Expired("f1".to_owned()));
        match &expired.phase {
            Phase::Failed(error) => assert_eq!(error.kind(), ErrorCode::OAuthStateExpired),
            other => panic!("{other:?}"),
        }
        assert_eq!(expired.reduce(Action::ChangeSettings).phase, Phase::Setup);
    }

    #[test]
    fn the_paste_field_keeps_its_error_until_closed_or_sent() {
        let state = waiting().reduce(Action::TogglePaste);
        assert!(state.paste_open);
        let refused = ShownError::new(ErrorCode::OAuthCallbackMalformed, "m");
        let state = state.reduce(Action::PasteRefused(refused));
        assert!(state.paste_error.is_some());
        let sent = state.clone().reduce(Action::PasteSent);
        assert!(sent.paste_busy && sent.paste_error.is_none());
        let closed = state.reduce(Action::TogglePaste);
        assert!(!closed.paste_open && closed.paste_error.is_none());
        let view = connection("salesforce", ConnectionType::Oauth2);
        let done = sent.reduce(Action::Pasted(Box::new(view)));
        assert!(!done.paste_busy && matches!(done.phase, Phase::Done(_)));
    }
}
