//! The connect dialog for API keys, tokens, basic auth and OAuth sign-in: a 640 px modal with a
//! type chooser (when the connector offers more than one of them), the connector's non-secret
//! fields, a name, the user name (basic auth) and the secret; or, for OAuth, the steps of
//! `oauth.rs`. The secret lives only in the secret `<input>` element, never in Rust state: it is
//! read from the element on submit and handed straight to the shell. The core checks it with the
//! service first; a refused key clears the field for retyping, an unreachable service keeps it in
//! the field and offers "Store without checking", which reads it from the field again.

use super::card::Monogram;
use super::icons;
use super::oauth::{OAuthConnect, OAuthEvent, Stage, WaitingSlot};
use super::sheet::trap_tab;
use super::vault_screens::FormError;
use crate::api::{self, ShownError};
use crate::state::{
    connect_busy_label, connect_done_text, connect_error_place, connect_request, form_types,
    key_auth, missing_required, sentence, ConnectErrorPlace,
};
use keyport_model::{ConnectionType, ConnectionView, Connector};
use std::collections::BTreeMap;
use std::rc::Rc;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

pub const CONNECT_TITLE_ID: &str = "connect-title";

#[derive(Properties, PartialEq)]
pub struct ConnectProps {
    pub connector: Rc<Connector>,
    pub on_close: Callback<()>,
    pub on_open_connections: Callback<()>,
    pub on_another: Callback<()>,
    pub on_connected: Callback<ConnectionView>,
    /// The OAuth flow this dialog waits for, shared with the page root that routes outcomes.
    pub waiting: WaitingSlot,
    /// The last sign-in outcome the waiting flow took.
    pub oauth_event: Option<OAuthEvent>,
}

fn defaults(connector: &Connector, kind: ConnectionType) -> BTreeMap<String, String> {
    connector
        .fields_for(kind)
        .filter(|f| !f.secret)
        .filter_map(|f| Some((f.key.clone(), f.default.clone()?)))
        .collect()
}

#[function_component(ConnectDialog)]
pub fn connect_dialog(props: &ConnectProps) -> Html {
    let c = &props.connector;
    let types = form_types(c);
    let kind = use_state(|| types.first().copied().unwrap_or(ConnectionType::ApiKey));
    let values = {
        let c = Rc::clone(c);
        let kind = *kind;
        use_state(move || defaults(&c, kind))
    };
    let name = use_state(|| c.name.clone());
    let username = use_state(String::new);
    let secret_ref = use_node_ref();
    // Whether the pending submit asked the core to check the key (the busy label says so).
    let checking = use_state(|| true);
    let show = use_state(|| false);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ShownError>);
    let missing = use_state(Vec::<String>::new);
    let done = use_state(|| None::<ConnectionView>);
    let oauth_stage = use_state(|| Stage::Setup);
    let dialog = use_node_ref();

    // Focus the title on open and on the Done step.
    {
        let is_done = done.is_some();
        use_effect_with(is_done, move |_| {
            if let Some(title) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(CONNECT_TITLE_ID))
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<HtmlElement>(t).ok())
            {
                let _ = title.focus();
            }
        });
    }

    let onkeydown = {
        let on_close = props.on_close.clone();
        let dialog = dialog.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Escape" => {
                e.prevent_default();
                e.stop_propagation();
                on_close.emit(());
            }
            "Tab" => {
                if let Some(dialog) = dialog.cast::<Element>() {
                    trap_tab(&dialog, &e);
                }
            }
            _ => {}
        })
    };
    let close = {
        let secret_ref = secret_ref.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| {
            clear_secret(&secret_ref);
            on_close.emit(());
        })
    };

    let auth = key_auth(c, *kind);
    let secret_label = auth
        .map_or("Secret", |a| a.secret_label.as_str())
        .to_owned();
    let fields: Vec<_> = c.fields_for(*kind).filter(|f| !f.secret).cloned().collect();

    // Sends the form; `verify` is false only for "Store without checking".
    let send = {
        let c = Rc::clone(c);
        let fields = fields.clone();
        let (kind, values, name, username, secret_ref) = (
            *kind,
            values.clone(),
            name.clone(),
            username.clone(),
            secret_ref.clone(),
        );
        let (busy, checking, error, missing, done) = (
            busy.clone(),
            checking.clone(),
            error.clone(),
            missing.clone(),
            done.clone(),
        );
        let on_connected = props.on_connected.clone();
        Callback::from(move |verify: bool| {
            if *busy {
                return;
            }
            let typed = secret_ref
                .cast::<HtmlInputElement>()
                .map(|input| input.value())
                .unwrap_or_default();
            let mut absent = missing_required(fields.iter(), &values);
            if kind == ConnectionType::BasicAuth && username.trim().is_empty() {
                absent.push("username".to_owned());
            }
            if typed.is_empty() {
                absent.push("secret".to_owned());
            }
            if !absent.is_empty() {
                // Focus the first empty field.
                if let Some(first) = absent.first() {
                    let id = match first.as_str() {
                        "username" => "connect-username".to_owned(),
                        "secret" => "connect-secret".to_owned(),
                        key => format!("field-{key}"),
                    };
                    super::connections::focus_selector(&format!("#{id}"));
                }
                missing.set(absent);
                return;
            }
            missing.set(Vec::new());
            error.set(None);
            busy.set(true);
            checking.set(verify);
            let request = connect_request(&c, kind, &name, &values, &username, verify);
            let (busy, error, done, on_connected, secret_ref) = (
                busy.clone(),
                error.clone(),
                done.clone(),
                on_connected.clone(),
                secret_ref.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::connect_credential(&request, &typed).await;
                drop(typed);
                busy.set(false);
                match result {
                    Ok(view) => {
                        clear_secret(&secret_ref);
                        on_connected.emit(view.clone());
                        done.set(Some(view));
                    }
                    Err(e) => {
                        match connect_error_place(&e.code) {
                            // The service refused this key: clear the field for retyping.
                            ConnectErrorPlace::Secret => {
                                clear_secret(&secret_ref);
                                focus_secret(&secret_ref);
                            }
                            // Unreachable: the key stays in the field for "Store without checking".
                            ConnectErrorPlace::Unreachable => {}
                            ConnectErrorPlace::Form => clear_secret(&secret_ref),
                        }
                        error.set(Some(e));
                    }
                }
            });
        })
    };
    let onsubmit = {
        let send = send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send.emit(true);
        })
    };
    let store_unchecked = send.reform(|_: MouseEvent| false);

    let is_missing = |key: &str| missing.iter().any(|m| m == key);

    let choose = {
        let (kind, values, missing, c) =
            (kind.clone(), values.clone(), missing.clone(), Rc::clone(c));
        move |t: ConnectionType| {
            let (kind, values, missing, c) =
                (kind.clone(), values.clone(), missing.clone(), Rc::clone(&c));
            Callback::from(move |_: Event| {
                kind.set(t);
                values.set(defaults(&c, t));
                missing.set(Vec::new());
            })
        }
    };
    let busy_now = *busy || *oauth_stage != Stage::Setup;
    let chooser = if types.len() > 1 {
        html! {
            <fieldset class="type-chooser" data-testid="type-chooser">
                <legend class="field-label">{ "Connect with" }</legend>
                <div class="type-options">
                    { for types.iter().map(|t| html! {
                        <label class={classes!("type-option", (*t == *kind).then_some("checked"))}>
                            <input type="radio" name="connect-type" value={t.id()}
                                checked={*t == *kind} onchange={choose(*t)}
                                data-testid={format!("type-{}", t.id())} disabled={busy_now} />
                            <span class="type-name">{ t.badge() }</span>
                            <span class="type-hint">
                                { key_auth(c, *t)
                                .map(|a| a.secret_label.clone())
                                .unwrap_or_else(|| "Sign in with your browser".to_owned()) }
                            </span>
                        </label>
                    }) }
                </div>
            </fieldset>
        }
    } else {
        html! {}
    };

    let is_oauth = *kind == ConnectionType::Oauth2;
    let body = if is_oauth {
        let on_stage = {
            let oauth_stage = oauth_stage.clone();
            Callback::from(move |stage: Stage| oauth_stage.set(stage))
        };
        html! {
            <OAuthConnect
                connector={Rc::clone(c)}
                chooser={chooser.clone()}
                waiting={props.waiting.clone()}
                event={props.oauth_event.clone()}
                {on_stage}
                on_close={props.on_close.clone()}
                on_open_connections={props.on_open_connections.clone()}
                on_another={props.on_another.clone()}
            />
        }
    } else if let Some(view) = &*done {
        let open = props.on_open_connections.reform(|_: MouseEvent| ());
        let another = props.on_another.reform(|_: MouseEvent| ());
        html! {
            <>
                <div class="dialog-body done" data-testid="connect-done">
                    <span class="done-mark">{ icons::check() }</span>
                    <h2 id={CONNECT_TITLE_ID} class="dialog-title" tabindex="-1">
                        { format!("{} connected as {}", c.name, view.name) }
                    </h2>
                    <p class="dialog-lead" data-testid="connect-done-text"
                        data-verified={if view.verified { "true" } else { "false" }}>
                        { connect_done_text(&c.name, view) }
                    </p>
                </div>
                <footer class="dialog-footer">
                    <button type="button" class="button" onclick={another} data-testid="connect-another">
                        { "Connect another" }
                    </button>
                    <button type="button" class="button button-primary" onclick={open}
                        data-testid="open-connection">{ "Open connection" }</button>
                </footer>
            </>
        }
    } else {
        let on_name = {
            let name = name.clone();
            Callback::from(move |e: InputEvent| {
                name.set(e.target_unchecked_into::<HtmlInputElement>().value())
            })
        };
        let on_user = {
            let username = username.clone();
            Callback::from(move |e: InputEvent| {
                username.set(e.target_unchecked_into::<HtmlInputElement>().value())
            })
        };
        let place = error.as_ref().map(|e| connect_error_place(&e.code));
        let secret_refused = place == Some(ConnectErrorPlace::Secret);
        let secret_bad = is_missing("secret") || secret_refused;
        let secret_describedby = if is_missing("secret") {
            "connect-secret-error connect-secret-help"
        } else if secret_refused {
            "connect-secret-refused connect-secret-help"
        } else {
            "connect-secret-help"
        };
        let busy_label = connect_busy_label(&c.name, *checking);
        let toggle = {
            let show = show.clone();
            Callback::from(move |_: MouseEvent| show.set(!*show))
        };
        html! {
            <form class="dialog-form" {onsubmit} novalidate=true>
                <div class="dialog-body">
                    { chooser.clone() }
                    { for fields.iter().map(|f| {
                        let id = format!("field-{}", f.key);
                        let help_id = format!("{id}-help");
                        let err_id = format!("{id}-error");
                        let bad = is_missing(&f.key);
                        let describedby = [
                            f.help.as_ref().map(|_| help_id.clone()),
                            bad.then(|| err_id.clone()),
                        ].into_iter().flatten().collect::<Vec<_>>().join(" ");
                        let oninput = {
                            let (values, key) = (values.clone(), f.key.clone());
                            Callback::from(move |e: InputEvent| {
                                let mut next = (*values).clone();
                                next.insert(key.clone(), e.target_unchecked_into::<HtmlInputElement>().value());
                                values.set(next);
                            })
                        };
                        html! {
                            <div class="field" key={f.key.clone()}>
                                <label for={id.clone()} class="field-label">
                                    { &f.label }
                                    if f.required {
                                        <span class="required">{ " (required)" }</span>
                                    } else {
                                        <span class="optional">{ " (optional)" }</span>
                                    }
                                </label>
                                <input id={id.clone()} class="input" type="text" data-testid={id.clone()}
                                    placeholder={f.example.clone()} spellcheck="false" autocomplete="off"
                                    value={values.get(&f.key).cloned().unwrap_or_default()}
                                    required={f.required} aria-invalid={bad.then_some("true")}
                                    aria-describedby={(!describedby.is_empty()).then_some(describedby)}
                                    {oninput} disabled={*busy} />
                                if let Some(help) = &f.help {
                                    <p id={help_id} class="field-help">{ help }</p>
                                }
                                if bad {
                                    <p id={err_id} class="field-error">{ format!("Enter {}", f.label) }</p>
                                }
                            </div>
                        }
                    }) }
                    <div class="field">
                        <label for="connect-name" class="field-label">{ "Name" }</label>
                        <input id="connect-name" class="input" type="text" data-testid="connect-name"
                            value={(*name).clone()} oninput={on_name} autocomplete="off"
                            aria-describedby="connect-name-help" disabled={*busy} />
                        <p id="connect-name-help" class="field-help">
                            { "How this connection shows in Keyport, e.g. Production or Jane’s account." }
                        </p>
                    </div>
                    if *kind == ConnectionType::BasicAuth {
                        <div class="field">
                            <label for="connect-username" class="field-label">
                                { "User name" }<span class="required">{ " (required)" }</span>
                            </label>
                            <input id="connect-username" class="input" type="text"
                                data-testid="connect-username" autocomplete="off" spellcheck="false"
                                value={(*username).clone()} oninput={on_user}
                                aria-invalid={is_missing("username").then_some("true")}
                                aria-describedby={is_missing("username").then_some("connect-username-error")}
                                disabled={*busy} />
                            if is_missing("username") {
                                <p id="connect-username-error" class="field-error">{ "Enter the user name" }</p>
                            }
                        </div>
                    }
                    <div class="field">
                        <label for="connect-secret" class="field-label">
                            { &secret_label }<span class="required">{ " (required)" }</span>
                        </label>
                        <div class="secret-box">
                            <input id="connect-secret" class="input input-secret"
                                type={if *show { "text" } else { "password" }}
                                data-testid="connect-secret" autocomplete="off" spellcheck="false"
                                ref={secret_ref.clone()}
                                aria-invalid={secret_bad.then_some("true")}
                                aria-describedby={secret_describedby}
                                disabled={*busy} />
                            <button type="button" class="button button-quiet button-row secret-toggle"
                                aria-pressed={if *show { "true" } else { "false" }}
                                aria-controls="connect-secret" onclick={toggle}>
                                { icons::eye() }{ if *show { "Hide" } else { "Show" } }
                            </button>
                        </div>
                        if is_missing("secret") {
                            <p id="connect-secret-error" class="field-error">{ format!("Enter the {}", secret_label.to_lowercase()) }</p>
                        } else if let (true, Some(e)) = (secret_refused, &*error) {
                            <div id="connect-secret-refused" class="field-error key-rejected"
                                data-testid="secret-error" data-code={e.code.clone()}>
                                <p>{ sentence(&e.message) }</p>
                                <p class="code">{ format!("Code: {}", e.code) }</p>
                            </div>
                        }
                        <p id="connect-secret-help" class="field-help">
                            { "Sealed in your vault on this device; Keyport never shows it here again." }
                        </p>
                    </div>
                    if let (Some(error), false) = (&*error, secret_refused) {
                        <FormError error={error.clone()} />
                    }
                </div>
                <footer class="dialog-footer">
                    <button type="button" class="button" onclick={close.clone()} disabled={*busy}>
                        { "Cancel" }
                    </button>
                    if place == Some(ConnectErrorPlace::Unreachable) {
                        <button type="button" class="button" data-testid="store-unchecked"
                            onclick={store_unchecked} aria-disabled={busy.then_some("true")}>
                            { "Store without checking" }
                        </button>
                    }
                    <button type="submit" class="button button-primary" data-testid="connect-submit"
                        aria-disabled={busy.then_some("true")}>
                        if *busy {
                            <span class="spinner" aria-hidden="true"></span>{ busy_label }
                        } else {
                            { "Connect" }
                        }
                    </button>
                </footer>
            </form>
        }
    };

    // The OAuth steps after Setup draw their own header.
    let waiting = is_oauth && *oauth_stage == Stage::Waiting;
    let own_header = if is_oauth {
        *oauth_stage == Stage::Setup
    } else {
        done.is_none()
    };
    html! {
        <div class="dialog-layer">
            <div class="scrim" aria-hidden="true"></div>
            <section class={classes!("dialog", waiting.then_some("dialog-wait"))} role="dialog"
                aria-modal="true" aria-labelledby={CONNECT_TITLE_ID}
                data-dialog={if waiting { "oauth-wait" } else { "connect" }}
                data-testid="connect-dialog" data-connector-id={c.id.clone()} ref={dialog} {onkeydown}>
                if own_header {
                    <header class="dialog-header">
                        <Monogram text={c.icon.monogram.clone()} color={c.icon.color.clone()} />
                        <div class="dialog-titles">
                            <h2 id={CONNECT_TITLE_ID} class="dialog-title" tabindex="-1">
                                { format!("Connect {}", c.name) }
                            </h2>
                            <p class="dialog-subtitle">{ kind.badge() }</p>
                        </div>
                        <button type="button" class="icon-button" aria-label="Close" onclick={close}>
                            { icons::close() }
                        </button>
                    </header>
                }
                { body }
            </section>
        </div>
    }
}

/// Empties the secret field (the only place the typed secret lives).
fn clear_secret(secret_ref: &NodeRef) {
    if let Some(input) = secret_ref.cast::<HtmlInputElement>() {
        input.set_value("");
    }
}

/// Focuses the secret field once the form is enabled again (a disabled input takes no focus).
fn focus_secret(secret_ref: &NodeRef) {
    let secret_ref = secret_ref.clone();
    wasm_bindgen_futures::spawn_local(async move {
        api::sleep(0).await;
        if let Some(input) = secret_ref.cast::<HtmlInputElement>() {
            let _ = input.focus();
        }
    });
}
