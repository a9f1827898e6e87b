//! OAuth sign-in inside the connect dialog: the connector's OAuth app (client ID, optional client
//! secret, the redirect URIs to register), its settings, then **Connect with <Name>**, the
//! waiting step (`Waiting for Salesforce…`, open the page again, paste the address), and Done or
//! the failure with its code. The page never holds a token: the client secret lives in this
//! component's input element until it is sent and is cleared then; a pasted address stays in its
//! input element too, read and cleared on submit.
//!
//! How a sign-in ends arrives as the shell's `oauth-finished` event. The page root listens to it
//! once, decides with `state::claims` whether the waiting flow in `WaitingSlot` takes it, and if
//! so hands it down as `event`.

use super::card::Monogram;
use super::connect::CONNECT_TITLE_ID;
use super::done_step::DoneStep;
use super::form_field::{clear_node, focus_field, node_text, set_value_of, FormField, Problem};
use super::icons;
use super::vault_screens::FormError;
use crate::api::{self, Finished, Outcome, ShownError};
use crate::connect_form::{defaults, form_fields, missing_required, settings, DbEntry};
use crate::state::{
    env_var_prefix, expires_text, failed_hint, https_redirect, retry_label, sentence, url_host,
    FLOW_SECONDS,
};
use keyport_model::{
    ConnectionType, ConnectionView, Connector, ErrorCode, OAuthAppView, OAuthStartView,
    RedirectKind,
};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

/// The flow the open dialog waits for, as (flow id, connector id); shared with the page root,
/// which routes `oauth-finished` by it. Compared by identity.
#[derive(Clone, Default)]
pub struct WaitingSlot(pub Rc<RefCell<Option<(String, String)>>>);

impl PartialEq for WaitingSlot {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl WaitingSlot {
    fn set(&self, flow: Option<(String, String)>) {
        *self.0.borrow_mut() = flow;
    }

    fn take(&self) -> Option<(String, String)> {
        self.0.borrow_mut().take()
    }
}

/// An `oauth-finished` the waiting flow took; `seq` tells two equal ones apart.
#[derive(Clone, PartialEq)]
pub struct OAuthEvent {
    pub seq: u32,
    pub finished: Rc<Finished>,
}

/// Which part of the sign-in shows: the dialog draws its own header and width for `Setup` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Setup,
    Waiting,
    Finished,
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Setup,
    Waiting(Rc<OAuthStartView>),
    Done(Rc<ConnectionView>),
    Failed(ShownError),
}

impl Phase {
    fn stage(&self) -> Stage {
        match self {
            Phase::Setup => Stage::Setup,
            Phase::Waiting(_) => Stage::Waiting,
            Phase::Done(_) | Phase::Failed(_) => Stage::Finished,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct OAuthProps {
    pub connector: Rc<Connector>,
    /// The type chooser, shown first when the connector offers more than OAuth.
    #[prop_or_default]
    pub chooser: Html,
    pub waiting: WaitingSlot,
    /// The last outcome the waiting flow took.
    pub event: Option<OAuthEvent>,
    pub on_stage: Callback<Stage>,
    pub on_close: Callback<()>,
    pub on_open_connections: Callback<String>,
    pub on_another: Callback<()>,
}

/// The https redirect stored with the app, if any.
fn registered_https(view: &OAuthAppView) -> Option<String> {
    view.redirect_uris
        .iter()
        .find(|u| u.starts_with("https://"))
        .cloned()
}

fn focus_title() {
    if let Some(title) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(CONNECT_TITLE_ID))
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<HtmlElement>(t).ok())
    {
        let _ = title.focus();
    }
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

#[function_component(OAuthConnect)]
pub fn oauth_connect(props: &OAuthProps) -> Html {
    let c = &props.connector;
    let app = use_state(|| None::<Result<OAuthAppView, ShownError>>);
    let editing = use_state(|| false);
    let client_id = use_state(String::new);
    // The client secret lives only in its input element (UI.md section 9).
    let client_secret = use_node_ref();
    let redirect_uri = use_state(String::new);
    let show_secret = use_state(|| false);
    let app_busy = use_state(|| false);
    let app_error = use_state(|| None::<ShownError>);
    let values = {
        let c = Rc::clone(c);
        use_state(move || defaults(&form_fields(&c, ConnectionType::Oauth2, DbEntry::Fields)))
    };
    let missing = use_state(Vec::<String>::new);
    let phase = use_state(|| Phase::Setup);
    let starting = use_state(|| false);
    let start_error = use_state(|| None::<ShownError>);
    let paste_open = use_state(|| false);
    // The pasted address (it holds the authorization code) lives only in its input element.
    let paste = use_node_ref();
    let paste_busy = use_state(|| false);
    let paste_error = use_state(|| None::<ShownError>);
    let link_note = use_state(|| None::<String>);
    let seconds = use_state(|| FLOW_SECONDS);
    // False once the dialog closed: a start that answers afterwards is cancelled at once.
    let alive = use_mut_ref(|| true);

    // The OAuth app, once.
    {
        let (app, client_id, editing, redirect_uri) = (
            app.clone(),
            client_id.clone(),
            editing.clone(),
            redirect_uri.clone(),
        );
        let id = c.id.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::oauth_app_get(&id).await;
                if let Ok(view) = &result {
                    client_id.set(view.client_id.clone().unwrap_or_default());
                    redirect_uri.set(registered_https(view).unwrap_or_default());
                    editing.set(view.client_id.is_none() && !view.from_environment);
                }
                app.set(Some(result));
            });
        });
    }

    // Closing the dialog (Cancel, Esc, Close, a lock) ends a waiting flow in the core.
    {
        let (waiting, alive) = (props.waiting.clone(), alive.clone());
        use_effect_with((), move |_| {
            move || {
                *alive.borrow_mut() = false;
                if let Some((flow, _)) = waiting.take() {
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = api::oauth_cancel(&flow).await;
                    });
                }
            }
        });
    }

    // Tell the dialog the stage, and move focus to the new title.
    {
        let on_stage = props.on_stage.clone();
        use_effect_with(phase.stage(), move |stage| {
            on_stage.emit(*stage);
            if *stage != Stage::Setup {
                focus_title();
            }
        });
    }

    // An outcome the waiting flow took.
    {
        let (phase, waiting) = (phase.clone(), props.waiting.clone());
        use_effect_with(props.event.clone(), move |event| {
            if let (Some(event), Phase::Waiting(_)) = (event, &*phase) {
                waiting.set(None);
                match &event.finished.outcome {
                    Outcome::Connected { connection } => {
                        phase.set(Phase::Done(Rc::new((**connection).clone())))
                    }
                    Outcome::Failed { error } => phase.set(Phase::Failed(error.clone())),
                }
            }
        });
    }

    // `Expires in 9:12`, from the moment the flow started; at 0:00 it has expired.
    {
        let flow = match &*phase {
            Phase::Waiting(start) => Some(start.flow_id.clone()),
            _ => None,
        };
        let (seconds, phase, waiting) = (seconds.clone(), phase.clone(), props.waiting.clone());
        use_effect_with(flow, move |flow| {
            let stop = Rc::new(Cell::new(false));
            if flow.is_some() {
                let started = js_sys::Date::now();
                let stop = Rc::clone(&stop);
                seconds.set(FLOW_SECONDS);
                wasm_bindgen_futures::spawn_local(async move {
                    loop {
                        api::sleep(1000).await;
                        if stop.get() {
                            return;
                        }
                        let elapsed = ((js_sys::Date::now() - started) / 1000.0) as u32;
                        let left = FLOW_SECONDS.saturating_sub(elapsed);
                        seconds.set(left);
                        if left == 0 {
                            if let Some((flow, _)) = waiting.take() {
                                let _ = api::oauth_cancel(&flow).await;
                            }
                            phase.set(Phase::Failed(ShownError::new(
                                ErrorCode::OAuthStateExpired,
                                "This sign-in expired after 10 minutes; nothing was stored. \
                                 Start again to sign in.",
                            )));
                            return;
                        }
                    }
                });
            }
            move || stop.set(true)
        });
    }

    let app_view = match &*app {
        Some(Ok(view)) => Some(view.clone()),
        _ => None,
    };
    let app_set = app_view.as_ref().is_some_and(|a| a.client_id.is_some());
    let fields = form_fields(c, ConnectionType::Oauth2, DbEntry::Fields);

    // Starts (or restarts) the sign-in with the settings as typed.
    let start = {
        let c = Rc::clone(c);
        let fields = fields.clone();
        let (values, missing, phase, starting, start_error) = (
            values.clone(),
            missing.clone(),
            phase.clone(),
            starting.clone(),
            start_error.clone(),
        );
        let (waiting, alive, paste, paste_error, paste_open, link_note) = (
            props.waiting.clone(),
            alive.clone(),
            paste.clone(),
            paste_error.clone(),
            paste_open.clone(),
            link_note.clone(),
        );
        Callback::from(move |_: ()| {
            if *starting {
                return;
            }
            let absent = missing_required(&fields, &values, &BTreeMap::new());
            if let Some(first) = absent.first() {
                phase.set(Phase::Setup);
                focus_field(first);
                missing.set(absent);
                return;
            }
            missing.set(Vec::new());
            start_error.set(None);
            starting.set(true);
            clear_node(&paste);
            paste_error.set(None);
            paste_open.set(https_redirect(&c));
            link_note.set(None);
            let config = settings(ConnectionType::Oauth2, &fields, &values);
            let id = c.id.clone();
            let (phase, starting, start_error, waiting, alive) = (
                phase.clone(),
                starting.clone(),
                start_error.clone(),
                waiting.clone(),
                alive.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::oauth_start(&id, &config).await;
                if !*alive.borrow() {
                    // The dialog closed meanwhile: end the flow it no longer shows.
                    if let Ok(started) = result {
                        let _ = api::oauth_cancel(&started.flow_id).await;
                    }
                    return;
                }
                starting.set(false);
                match result {
                    Ok(started) => {
                        waiting.set(Some((started.flow_id.clone(), id)));
                        phase.set(Phase::Waiting(Rc::new(started)));
                    }
                    Err(error) => {
                        phase.set(Phase::Setup);
                        start_error.set(Some(error));
                    }
                }
            });
        })
    };

    let name = c.name.clone();
    let close = props.on_close.reform(|_: MouseEvent| ());

    let body = match &*phase {
        Phase::Setup => {
            let onsubmit = {
                let start = start.clone();
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    start.emit(());
                })
            };
            let app_section = app_section(AppSection {
                connector: c,
                app: &app,
                editing: &editing,
                client_id: &client_id,
                client_secret: &client_secret,
                redirect_uri: &redirect_uri,
                show_secret: &show_secret,
                busy: &app_busy,
                error: &app_error,
            });
            let is_missing = |key: &str| missing.iter().any(|m| m == key);
            let on_change = set_value_of(&values);
            let hint_id = "oauth-connect-hint";
            html! {
                <form class="dialog-form" {onsubmit} novalidate=true>
                    <div class="dialog-body">
                        { props.chooser.clone() }
                        { app_section }
                        if !fields.is_empty() {
                            <section class="oauth-settings" aria-labelledby="oauth-settings-title">
                                <h3 id="oauth-settings-title" class="section-title">{ "Sign-in settings" }</h3>
                                { for fields.iter().map(|f| html! {
                                    <FormField key={f.key.clone()} field={f.clone()}
                                        value={values.get(&f.key).cloned().unwrap_or_default()}
                                        problem={is_missing(&f.key).then_some(Problem::Missing)}
                                        disabled={*starting} on_change={on_change.clone()} />
                                }) }
                            </section>
                        }
                        if let Some(error) = &*start_error {
                            <FormError error={error.clone()} />
                        }
                    </div>
                    <footer class="dialog-footer">
                        if !app_set && app.is_some() {
                            <p id={hint_id} class="sheet-note" data-testid="oauth-connect-hint">
                                { "Save the OAuth app first: Keyport needs its client ID to sign in." }
                            </p>
                        }
                        <button type="button" class="button" onclick={close.clone()}>{ "Cancel" }</button>
                        <button type="submit" class="button button-primary" data-testid="oauth-connect"
                            disabled={!app_set}
                            aria-describedby={(!app_set).then_some(hint_id)}
                            aria-disabled={starting.then_some("true")}>
                            if *starting {
                                <span class="spinner" aria-hidden="true"></span>{ "Opening your browser…" }
                            } else {
                                { format!("Connect with {name}") }
                            }
                        </button>
                    </footer>
                </form>
            }
        }
        Phase::Waiting(started) => {
            let host = url_host(&started.authorization_url).unwrap_or("the service");
            let by_paste = started.redirect == RedirectKind::Https;
            let lead = if by_paste {
                format!("Keyport opened {name}’s sign-in page in your browser. Approve access there; {name} then sends the browser to the redirect page you registered. Copy that page’s whole address from the address bar and paste it below.")
            } else {
                format!("Keyport opened {name}’s sign-in page in your browser. Approve access there; this dialog continues by itself when the browser hands the sign-in back to Keyport.")
            };
            let open_again = {
                let (flow, link_note) = (started.flow_id.clone(), link_note.clone());
                Callback::from(move |_: MouseEvent| {
                    let (flow, link_note) = (flow.clone(), link_note.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        link_note.set(Some(match api::oauth_open(&flow).await {
                            Ok(()) => "The sign-in page opened in your browser again.".to_owned(),
                            Err(e) => format!("{} (Code: {})", sentence(&e.message), e.code),
                        }));
                    });
                })
            };
            let copy_link = {
                let (url, link_note) = (started.authorization_url.clone(), link_note.clone());
                Callback::from(move |_: MouseEvent| {
                    let (url, link_note) = (url.clone(), link_note.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        link_note.set(Some(match api::copy_text(&url).await {
                            Ok(()) => "Link copied: paste it into the browser you sign in with."
                                .to_owned(),
                            Err(()) => "Copying is not available in this window.".to_owned(),
                        }));
                    });
                })
            };
            let toggle = {
                let (paste_open, paste, paste_error) =
                    (paste_open.clone(), paste.clone(), paste_error.clone());
                Callback::from(move |_: MouseEvent| {
                    if *paste_open {
                        clear_node(&paste);
                        paste_error.set(None);
                    }
                    paste_open.set(!*paste_open);
                })
            };
            let submit_paste = {
                let (paste, paste_busy, paste_error, phase, waiting) = (
                    paste.clone(),
                    paste_busy.clone(),
                    paste_error.clone(),
                    phase.clone(),
                    props.waiting.clone(),
                );
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    if *paste_busy {
                        return;
                    }
                    let typed = node_text(&paste).trim().to_owned();
                    clear_node(&paste);
                    if typed.is_empty() {
                        paste_error.set(Some(ShownError::new(
                            ErrorCode::OAuthCallbackMalformed,
                            "Paste the whole address from the browser's address bar.",
                        )));
                        return;
                    }
                    paste_busy.set(true);
                    paste_error.set(None);
                    let (paste_busy, paste_error, phase, waiting) = (
                        paste_busy.clone(),
                        paste_error.clone(),
                        phase.clone(),
                        waiting.clone(),
                    );
                    wasm_bindgen_futures::spawn_local(async move {
                        let result = api::oauth_paste(&typed).await;
                        drop(typed);
                        paste_busy.set(false);
                        match result {
                            Ok(view) => {
                                waiting.set(None);
                                phase.set(Phase::Done(Rc::new(view)));
                            }
                            Err(error) => {
                                paste_error.set(Some(error));
                                super::connections::focus_selector("#oauth-paste");
                            }
                        }
                    });
                })
            };
            let paste_described = if paste_error.is_some() {
                "oauth-paste-error oauth-paste-help"
            } else {
                "oauth-paste-help"
            };
            html! {
                <>
                    <header class="dialog-header">
                        <Monogram text={c.icon.monogram.clone()} color={c.icon.color.clone()} />
                        <div class="dialog-titles">
                            <h2 id={CONNECT_TITLE_ID} class="dialog-title" tabindex="-1">
                                { format!("Waiting for {name}…") }
                            </h2>
                            <p class="dialog-subtitle">{ "OAuth sign-in" }</p>
                        </div>
                    </header>
                    <div class="dialog-body" data-testid="oauth-waiting">
                        <div class="wait-lead">
                            <p class="wait-where">
                                { "Finish signing in in your browser (" }
                                <span class="code">{ host }</span>{ ")." }
                            </p>
                            <p class="dialog-lead">{ lead }</p>
                        </div>
                        <div class="progress" role="progressbar" aria-label={format!("Waiting for {name}")}>
                            <span class="progress-bar"></span>
                        </div>
                        <p class="wait-expires" data-testid="oauth-expires">{ expires_text(*seconds) }</p>
                        <div class="wait-actions">
                            <button type="button" class="button" data-testid="oauth-open-again" onclick={open_again}>
                                { icons::external() }{ "Open the sign-in page again" }
                            </button>
                            <button type="button" class="button button-quiet" data-testid="oauth-copy-link" onclick={copy_link}>
                                { icons::copy() }{ "Copy link" }
                            </button>
                        </div>
                        if let Some(note) = &*link_note {
                            <p class="field-help" data-testid="oauth-link-note">{ note }</p>
                        }
                        <div class="paste">
                            <button type="button" class="link-button disclosure" data-testid="oauth-paste-toggle"
                                aria-expanded={if *paste_open { "true" } else { "false" }}
                                aria-controls="oauth-paste-form" onclick={toggle}>
                                <span class="disclosure-mark" aria-hidden="true">{ if *paste_open { "▾" } else { "▸" } }</span>
                                { if by_paste { "Paste the address to finish" } else { "Browser didn’t return to Keyport?" } }
                            </button>
                            if *paste_open {
                                <form id="oauth-paste-form" class="paste-form" onsubmit={submit_paste} novalidate=true>
                                    <label for="oauth-paste" class="field-label">
                                        { "Paste the address your browser landed on" }
                                    </label>
                                    <div class="secret-box">
                                        <input id="oauth-paste" class="input input-secret" type="text"
                                            data-testid="oauth-paste" autocomplete="off" spellcheck="false"
                                            placeholder="keyport://oauth/callback?code=…"
                                            ref={paste.clone()}
                                            aria-invalid={paste_error.is_some().then_some("true")}
                                            aria-describedby={paste_described} />
                                        <button type="submit" class="button secret-toggle" data-testid="oauth-paste-submit"
                                            aria-disabled={paste_busy.then_some("true")}>
                                            if *paste_busy {
                                                <span class="spinner" aria-hidden="true"></span>
                                            }
                                            { "Submit" }
                                        </button>
                                    </div>
                                    <p id="oauth-paste-help" class="field-help">
                                        if by_paste {
                                            { "The address of your redirect page, with its ?code=…&state=… part." }
                                        } else {
                                            { "It starts with keyport://oauth/callback? or http://127.0.0.1:…/oauth/callback?" }
                                        }
                                    </p>
                                    if let Some(error) = &*paste_error {
                                        <div id="oauth-paste-error" class="inline-error form-error"
                                            data-testid="oauth-paste-error" data-code={error.code.clone()}>
                                            <p>{ sentence(&error.message) }</p>
                                            <p class="code">{ format!("Code: {}", error.code) }</p>
                                        </div>
                                    }
                                </form>
                            }
                        </div>
                    </div>
                    <footer class="dialog-footer">
                        <button type="button" class="button" data-testid="oauth-cancel" onclick={close.clone()}>
                            { "Cancel" }
                        </button>
                    </footer>
                </>
            }
        }
        Phase::Done(view) => html! {
            <DoneStep service={name.clone()} view={(**view).clone()}
                on_open_connections={props.on_open_connections.clone()}
                on_another={props.on_another.clone()}>
                <ul class="oauth-checks" aria-label="Sign-in steps">
                    <li>{ "Code received ✓" }</li>
                    <li>{ "Token exchanged ✓" }</li>
                    if view.verified {
                        <li>{ "Test call ✓" }</li>
                    }
                </ul>
                <p class="dialog-lead">
                    { "The tokens are sealed in your vault, and Keyport renews them by itself. Find the connection under Connections." }
                </p>
            </DoneStep>
        },
        Phase::Failed(error) => {
            let again = start.reform(|_: MouseEvent| ());
            let edit = {
                let phase = phase.clone();
                Callback::from(move |_: MouseEvent| phase.set(Phase::Setup))
            };
            html! {
                <>
                    <header class="dialog-header">
                        <Monogram text={c.icon.monogram.clone()} color={c.icon.color.clone()} />
                        <div class="dialog-titles">
                            <h2 id={CONNECT_TITLE_ID} class="dialog-title" tabindex="-1">
                                { format!("Signing in to {name} did not finish") }
                            </h2>
                            <p class="dialog-subtitle">{ "OAuth sign-in" }</p>
                        </div>
                    </header>
                    <div class="dialog-body" data-testid="oauth-failed" data-code={error.code.clone()}>
                        <FormError error={error.clone()} />
                        <p class="dialog-lead">{ failed_hint(error.kind(), &name) }</p>
                    </div>
                    <footer class="dialog-footer">
                        <button type="button" class="button" onclick={close.clone()}>{ "Close" }</button>
                        <button type="button" class="button" onclick={edit} data-testid="oauth-edit">
                            { "Change settings" }
                        </button>
                        <button type="button" class="button button-primary" onclick={again}
                            data-testid="oauth-retry" aria-disabled={starting.then_some("true")}>
                            if *starting {
                                <span class="spinner" aria-hidden="true"></span>
                            }
                            { retry_label(error.kind()) }
                        </button>
                    </footer>
                </>
            }
        }
    };
    body
}

struct AppSection<'a> {
    connector: &'a Rc<Connector>,
    app: &'a UseStateHandle<Option<Result<OAuthAppView, ShownError>>>,
    editing: &'a UseStateHandle<bool>,
    client_id: &'a UseStateHandle<String>,
    client_secret: &'a NodeRef,
    redirect_uri: &'a UseStateHandle<String>,
    show_secret: &'a UseStateHandle<bool>,
    busy: &'a UseStateHandle<bool>,
    error: &'a UseStateHandle<Option<ShownError>>,
}

/// The OAuth app: what is set (or the form to set it) and the redirect URIs to register.
fn app_section(s: AppSection<'_>) -> Html {
    let c = s.connector;
    let view = match &**s.app {
        None => {
            return html! {
                <section class="oauth-app" data-testid="oauth-app" aria-busy="true">
                    <p class="field-help"><span class="spinner" aria-hidden="true"></span>{ " Loading the OAuth app…" }</p>
                </section>
            }
        }
        Some(Err(error)) => {
            return html! {
                <section class="oauth-app" data-testid="oauth-app">
                    <FormError error={error.clone()} />
                </section>
            }
        }
        Some(Ok(view)) => view.clone(),
    };
    let https = https_redirect(c);
    let save = {
        let (app, editing, client_id, client_secret, redirect_uri, busy, error) = (
            s.app.clone(),
            s.editing.clone(),
            s.client_id.clone(),
            s.client_secret.clone(),
            s.redirect_uri.clone(),
            s.busy.clone(),
            s.error.clone(),
        );
        let id = c.id.clone();
        Callback::from(move |_: ()| {
            if *busy {
                return;
            }
            let typed_id = client_id.trim().to_owned();
            if typed_id.is_empty() {
                error.set(Some(ShownError::new(
                    ErrorCode::ConnectionInvalid,
                    "Enter the client ID of the app you registered.",
                )));
                super::connections::focus_selector("#oauth-client-id");
                return;
            }
            let redirect = redirect_uri.trim().to_owned();
            if https && redirect.is_empty() {
                error.set(Some(ShownError::new(
                    ErrorCode::ConnectionInvalid,
                    "Enter the https redirect URL you registered with the app.",
                )));
                super::connections::focus_selector("#oauth-redirect-uri");
                return;
            }
            let secret = node_text(&client_secret);
            clear_node(&client_secret);
            busy.set(true);
            error.set(None);
            let (app, editing, busy, error, id) = (
                app.clone(),
                editing.clone(),
                busy.clone(),
                error.clone(),
                id.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::oauth_app_set(
                    &id,
                    &typed_id,
                    (!secret.is_empty()).then_some(&*secret),
                    https.then_some(&*redirect),
                )
                .await;
                drop(secret);
                busy.set(false);
                match result {
                    Ok(view) => {
                        app.set(Some(Ok(view)));
                        editing.set(false);
                        super::connections::focus_selector("[data-testid=\"oauth-connect\"]");
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let on_enter = {
        let save = save.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                save.emit(());
            }
        })
    };
    let change = {
        let (editing, client_id, redirect_uri) = (
            s.editing.clone(),
            s.client_id.clone(),
            s.redirect_uri.clone(),
        );
        let current = view.client_id.clone().unwrap_or_default();
        let current_redirect = registered_https(&view).unwrap_or_default();
        Callback::from(move |_: MouseEvent| {
            client_id.set(current.clone());
            redirect_uri.set(current_redirect.clone());
            editing.set(true);
            super::connections::focus_selector("#oauth-client-id");
        })
    };
    let cancel_edit = {
        let (editing, client_secret, error) =
            (s.editing.clone(), s.client_secret.clone(), s.error.clone());
        Callback::from(move |_: MouseEvent| {
            clear_node(&client_secret);
            error.set(None);
            editing.set(false);
        })
    };
    let on_id = {
        let client_id = s.client_id.clone();
        Callback::from(move |e: InputEvent| client_id.set(input_value(&e)))
    };
    let on_redirect = {
        let redirect_uri = s.redirect_uri.clone();
        Callback::from(move |e: InputEvent| redirect_uri.set(input_value(&e)))
    };
    let toggle = {
        let show = s.show_secret.clone();
        Callback::from(move |_: MouseEvent| show.set(!*show))
    };
    let copy = |uri: String| {
        Callback::from(move |_: MouseEvent| {
            let uri = uri.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = api::copy_text(&uri).await;
            });
        })
    };
    let busy = **s.busy;
    let show = **s.show_secret;
    let editing = **s.editing && !view.from_environment;
    let env = env_var_prefix(&c.id);
    html! {
        <section class="oauth-app" data-testid="oauth-app" aria-labelledby="oauth-app-title">
            <div class="section-head">
                <h3 id="oauth-app-title" class="section-title">{ "OAuth app" }</h3>
                if !editing && !view.from_environment && view.client_id.is_some() {
                    <button type="button" class="button button-quiet button-row" data-testid="oauth-app-change"
                        onclick={change}>
                        { icons::pencil() }{ "Change" }
                    </button>
                }
            </div>
            <p class="field-help">
                { format!("Keyport signs in through an OAuth app you register with {} (see the setup steps). Its client ID is not secret.", c.name) }
            </p>
            if view.from_environment {
                <p class="oauth-note" data-testid="oauth-app-env">
                    { icons::info() }
                    <span>
                        { "Set from the environment by " }
                        <span class="code">{ format!("{env}_CLIENT_ID") }</span>
                        { ", which wins over what is stored here. Change it there." }
                    </span>
                </p>
            }
            if editing {
                <div class="oauth-app-form" data-testid="oauth-app-form">
                    <div class="field">
                        <label for="oauth-client-id" class="field-label">
                            { "Client ID" }<span class="required">{ " (required)" }</span>
                        </label>
                        <input id="oauth-client-id" class="input input-mono" type="text"
                            data-testid="oauth-client-id" autocomplete="off" spellcheck="false"
                            value={(**s.client_id).clone()} oninput={on_id} onkeydown={on_enter.clone()}
                            aria-describedby="oauth-client-id-help" disabled={busy} />
                        <p id="oauth-client-id-help" class="field-help">
                            { "Also called consumer key or application ID." }
                        </p>
                    </div>
                    if https {
                        <div class="field">
                            <label for="oauth-redirect-uri" class="field-label">
                                { "Redirect URL" }<span class="required">{ " (required)" }</span>
                            </label>
                            <input id="oauth-redirect-uri" class="input input-mono" type="url"
                                data-testid="oauth-redirect-uri" autocomplete="off" spellcheck="false"
                                placeholder="https://example.com/oauth/callback"
                                value={(**s.redirect_uri).clone()} oninput={on_redirect} onkeydown={on_enter.clone()}
                                aria-describedby="oauth-redirect-uri-help" disabled={busy} />
                            <p id="oauth-redirect-uri-help" class="field-help">
                                { format!("{} only returns to an https page. Register a page you control as the app’s redirect URL and enter it here; after you approve, copy the address the browser lands on back into Keyport.", c.name) }
                            </p>
                        </div>
                    }
                    <div class="field">
                        <label for="oauth-client-secret" class="field-label">
                            { "Client secret" }<span class="optional">{ " (optional)" }</span>
                        </label>
                        <div class="secret-box">
                            <input id="oauth-client-secret" class="input input-secret"
                                type={if show { "text" } else { "password" }}
                                data-testid="oauth-client-secret" autocomplete="off" spellcheck="false"
                                data-secret="true" ref={s.client_secret.clone()} onkeydown={on_enter}
                                aria-describedby="oauth-client-secret-help" disabled={busy} />
                            <button type="button" class="button button-quiet button-row secret-toggle"
                                aria-pressed={if show { "true" } else { "false" }}
                                aria-controls="oauth-client-secret" onclick={toggle}>
                                { icons::eye() }{ if show { "Hide" } else { "Show" } }
                            </button>
                        </div>
                        <p id="oauth-client-secret-help" class="field-help">
                            if view.has_client_secret {
                                { "A client secret is stored. Leave this empty to keep it, or enter a new one to replace it. " }
                            } else {
                                { "Only for apps that require one; desktop apps usually sign in without it. " }
                            }
                            { "Sealed in your vault; Keyport never shows it here." }
                        </p>
                    </div>
                    if let Some(error) = &**s.error {
                        <FormError error={error.clone()} />
                    }
                    <div class="button-line">
                        if view.client_id.is_some() {
                            <button type="button" class="button button-quiet" onclick={cancel_edit}
                                disabled={busy}>{ "Keep the current app" }</button>
                        }
                        <button type="button" class="button" data-testid="oauth-app-save"
                            onclick={save.reform(|_: MouseEvent| ())} aria-disabled={busy.then_some("true")}>
                            if busy {
                                <span class="spinner" aria-hidden="true"></span>{ "Saving…" }
                            } else {
                                { "Save OAuth app" }
                            }
                        </button>
                    </div>
                </div>
            } else if let Some(id) = &view.client_id {
                <dl class="oauth-facts" data-testid="oauth-app-summary">
                    <dt>{ "Client ID" }</dt>
                    <dd class="code" data-testid="oauth-app-client-id">{ id }</dd>
                    <dt>{ "Client secret" }</dt>
                    <dd>{ if view.has_client_secret { "Stored in your vault" } else { "None (public client)" } }</dd>
                </dl>
            }
            if !view.redirect_uris.is_empty() {
                <div class="field">
                    <span class="field-label">
                        { if view.redirect_uris.len() == 1 { "Redirect URI to register" } else { "Redirect URIs to register" } }
                    </span>
                    <ul class="copy-list" data-testid="oauth-redirect-uris">
                        { for view.redirect_uris.iter().map(|uri| html! {
                            <li class="copy-row">
                                <span class="code copy-value">{ uri }</span>
                                <button type="button" class="button button-quiet button-row"
                                    aria-label={format!("Copy {uri}")} onclick={copy(uri.clone())}>
                                    { icons::copy() }{ "Copy" }
                                </button>
                            </li>
                        }) }
                    </ul>
                    <p class="field-help">
                        { format!("Enter it as the callback (redirect) URL in the app’s settings at {}.", c.name) }
                    </p>
                </div>
            }
        </section>
    }
}
