//! The Settings page: one scrolling page of sections. General (Start Keyport at login), Health
//! checks (how often each connection is checked), Security (the idle auto-lock, Change
//! passphrase, Rotate data key), Keyring (the OS backend and whether the vault has a keyring
//! slot) and AI tools (the MCP clients' Keyport entries, `ai_tools.rs`). Every change applies at once. Every passphrase typed here lives only in its input
//! element, read once on submit and emptied as the request leaves. Without a vault the page shows
//! the first-run call to action instead.

use super::ai_tools::AiToolsSection;
use super::form_field::{clear_node, node_text};
use super::icons;
use super::vault_screens::{FormError, NewPassphrase};
use crate::api::{self, ShownError};
use crate::state::connections::sorted_connections;
use crate::state::passphrase::new_passphrase_problem;
use crate::state::settings::{
    has_keyring_slot, health_choices, health_label, health_value, idle_label, keyring_backend_text,
    parse_health_value, Autostart, AutostartAction, IDLE_CHOICES,
};
use keyport_model::ErrorCode;
use keyport_model::{ConnectionView, SessionView};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    /// `None` until the shell answers (or outside the app).
    pub session: Option<SessionView>,
    pub inert: bool,
    /// Auto-lock after this many idle minutes (0: never).
    pub on_idle: Callback<u32>,
    /// A new session after a change (passphrase, data key).
    pub on_session: Callback<SessionView>,
    /// A short result for the status region (`Passphrase changed`).
    pub on_note: Callback<String>,
    /// No vault yet: open the first-run screen.
    pub on_create: Callback<()>,
    /// Open the Connections page (where a connection is added to an AI tool).
    pub on_connections: Callback<()>,
}

#[function_component(SettingsPage)]
pub fn settings_page(props: &SettingsProps) -> Html {
    // A dialog of a section is open (AI tools' Remove): the page behind it is inert.
    let modal = use_state(|| false);
    let on_modal = {
        let modal = modal.clone();
        Callback::from(move |open: bool| modal.set(open))
    };
    let header = html! {
        <header class="page-header page-header-simple">
            <h1 id="settings-title" class="page-title">{ "Settings" }</h1>
        </header>
    };
    let body = match &props.session {
        None => html! {
            <div class="empty">
                <p class="empty-title">{ "Settings are not available yet" }</p>
                <p class="empty-hint">{ "Keyport's core has not answered; settings show once it does." }</p>
            </div>
        },
        Some(s) if !s.vault.initialized => html! {
            <div class="empty" data-testid="settings-first-run">
                <span class="empty-mark">{ icons::shield() }</span>
                <p class="empty-title">{ "No vault yet" }</p>
                <p class="empty-hint">
                    { "Create your vault to choose when it locks, change its passphrase and use \
                       the OS keyring." }
                </p>
                <button type="button" class="button button-primary" data-testid="settings-create-vault"
                    onclick={props.on_create.reform(|_: MouseEvent| ())}>
                    { "Create your vault" }
                </button>
            </div>
        },
        Some(s) => {
            let on_idle = props.on_idle.clone();
            let onchange = Callback::from(move |e: Event| {
                let value = e.target_unchecked_into::<HtmlSelectElement>().value();
                if let Ok(minutes) = value.parse() {
                    on_idle.emit(minutes);
                }
            });
            let slot = has_keyring_slot(s);
            html! {
                <div class="settings-sections">
                    <section class="settings-section" aria-labelledby="general-title" data-testid="settings-general">
                        <h2 id="general-title" class="settings-title">{ "General" }</h2>
                        <StartAtLogin on_note={props.on_note.clone()} />
                    </section>
                    <HealthChecks unlocked={s.unlocked} on_note={props.on_note.clone()} />
                    <section class="settings-section" aria-labelledby="security-title" data-testid="settings-security">
                        <h2 id="security-title" class="settings-title">{ "Security" }</h2>
                        <div class="field settings-field">
                            <label for="settings-idle" class="field-label">{ "Lock after idle" }</label>
                            <select id="settings-idle" class="select" data-testid="settings-idle"
                                aria-describedby="settings-idle-help" {onchange}>
                                { for IDLE_CHOICES.iter().map(|m| html! {
                                    <option value={m.to_string()} selected={*m == s.idle_lock_minutes}>
                                        { idle_label(*m) }
                                    </option>
                                }) }
                            </select>
                            <p id="settings-idle-help" class="field-help">
                                { "Keyport forgets the key after this long without use. Changes apply at once." }
                            </p>
                        </div>
                        <ChangePassphrase on_session={props.on_session.clone()} on_note={props.on_note.clone()} />
                        <RotateKey on_session={props.on_session.clone()} on_note={props.on_note.clone()} />
                    </section>
                    <section class="settings-section" aria-labelledby="keyring-title" data-testid="settings-keyring">
                        <h2 id="keyring-title" class="settings-title">{ "Keyring" }</h2>
                        <dl class="settings-facts">
                            <dt>{ "Backend" }</dt>
                            <dd data-testid="keyring-backend">{ keyring_backend_text(s) }</dd>
                            <dt>{ "Keyring unlock" }</dt>
                            <dd data-testid="keyring-slot" data-slot={slot.to_string()}>
                                { if slot {
                                    "On — this vault also opens with the keyring"
                                } else {
                                    "Off — this vault opens with the passphrase only"
                                } }
                            </dd>
                        </dl>
                    </section>
                    <AiToolsSection on_note={props.on_note.clone()}
                        on_connections={props.on_connections.clone()} on_modal={on_modal.clone()} />
                </div>
            }
        }
    };
    html! {
        <main class="page" data-testid="settings" aria-labelledby="settings-title" inert={props.inert || *modal}>
            { header }
            <div class="scroller settings-scroller">{ body }</div>
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct ChangeProps {
    on_session: Callback<SessionView>,
    on_note: Callback<String>,
}

#[function_component(ChangePassphrase)]
fn change_passphrase(props: &ChangeProps) -> Html {
    let current = use_node_ref();
    let next = use_node_ref();
    let repeat = use_node_ref();
    let shape = use_state(|| NewPassphrase::of("", ""));
    let busy = use_state(|| false);
    let error = use_state(|| None::<ShownError>);
    let problem = use_state(|| None::<&'static str>);
    let done = use_state(|| false);

    let onsubmit = {
        let (current, next, repeat, shape) =
            (current.clone(), next.clone(), repeat.clone(), shape.clone());
        let (busy, error, problem, done) =
            (busy.clone(), error.clone(), problem.clone(), done.clone());
        let (on_session, on_note) = (props.on_session.clone(), props.on_note.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            done.set(false);
            let old = node_text(&current);
            if old.is_empty() {
                problem.set(Some("Enter your current passphrase"));
                return;
            }
            let new = node_text(&next);
            if let Some(p) = new_passphrase_problem(&new, &node_text(&repeat)) {
                problem.set(Some(p));
                return;
            }
            problem.set(None);
            error.set(None);
            busy.set(true);
            // The fields are cleared as soon as the request leaves.
            for field in [&current, &next, &repeat] {
                clear_node(field);
            }
            shape.set(NewPassphrase::of("", ""));
            let (busy, error, done) = (busy.clone(), error.clone(), done.clone());
            let (on_session, on_note) = (on_session.clone(), on_note.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::vault_change_passphrase(&old, &new).await;
                drop((old, new));
                busy.set(false);
                match result {
                    Ok(session) => {
                        done.set(true);
                        on_session.emit(session);
                        on_note.emit("Passphrase changed".to_owned());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let on_typed = NewPassphrase::tracker(&shape, &next, &repeat);
    let NewPassphrase { strength, mismatch } = *shape;
    let wrong = error
        .as_ref()
        .is_some_and(|e| e.kind() == ErrorCode::VaultWrongPassphrase);
    let weak = error
        .as_ref()
        .is_some_and(|e| e.kind() == ErrorCode::VaultWeakPassphrase);

    html! {
        <form class="form settings-form" data-testid="change-passphrase" novalidate=true
            aria-labelledby="change-title" {onsubmit}>
            <h3 id="change-title" class="settings-subtitle">{ "Change passphrase" }</h3>
            <div class="field">
                <label for="change-current" class="field-label">{ "Current passphrase" }</label>
                <input id="change-current" class="input" type="password" autocomplete="current-password"
                    data-testid="change-current" ref={current}
                    aria-invalid={wrong.then_some("true")}
                    aria-describedby={wrong.then_some("change-error")} disabled={*busy} />
            </div>
            <div class="field">
                <label for="change-next" class="field-label">{ "New passphrase" }</label>
                <input id="change-next" class="input" type="password" autocomplete="new-password"
                    data-testid="change-next" ref={next} oninput={on_typed.clone()}
                    aria-invalid={weak.then_some("true")}
                    aria-describedby={if weak { "change-strength change-error" } else { "change-strength" }}
                    disabled={*busy} />
                <div class="strength" data-strength={strength.id()} aria-hidden="true">
                    { for (1..=3).map(|i| html! {
                        <span class={classes!("strength-bar", (i <= strength.level()).then_some("on"))}></span>
                    }) }
                </div>
                <p id="change-strength" class="field-help" data-testid="change-strength">{ strength.hint() }</p>
            </div>
            <div class="field">
                <label for="change-repeat" class="field-label">{ "Repeat new passphrase" }</label>
                <input id="change-repeat" class="input" type="password" autocomplete="new-password"
                    data-testid="change-repeat" ref={repeat} oninput={on_typed}
                    aria-invalid={mismatch.then_some("true")}
                    aria-describedby={mismatch.then_some("change-mismatch")} disabled={*busy} />
                if mismatch {
                    <p id="change-mismatch" class="field-error">{ "The two passphrases do not match" }</p>
                }
            </div>
            if let Some(p) = *problem {
                if !mismatch {
                    <p class="field-error" data-testid="change-problem">{ p }</p>
                }
            }
            if let Some(error) = &*error {
                <div id="change-error"><FormError error={error.clone()} /></div>
            }
            if *done {
                <p class="settings-ok" data-testid="change-done">{ icons::check() }{ "Passphrase changed" }</p>
            }
            <div class="settings-actions">
                <button type="submit" class="button button-primary" data-testid="change-submit"
                    aria-disabled={busy.then_some("true")}>
                    if *busy {
                        <span class="spinner" aria-hidden="true"></span>
                        { "Changing passphrase…" }
                    } else {
                        { "Change passphrase" }
                    }
                </button>
            </div>
        </form>
    }
}

#[function_component(RotateKey)]
fn rotate_key(props: &ChangeProps) -> Html {
    let passphrase = use_node_ref();
    // Whether the field holds anything: the button reads disabled while it does not.
    let typed = use_state(|| false);
    let busy = use_state(|| false);
    let error = use_state(|| None::<ShownError>);
    let done = use_state(|| false);

    let onsubmit = {
        let (passphrase, typed, busy, error, done) = (
            passphrase.clone(),
            typed.clone(),
            busy.clone(),
            error.clone(),
            done.clone(),
        );
        let (on_session, on_note) = (props.on_session.clone(), props.on_note.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let secret = node_text(&passphrase);
            if secret.is_empty() {
                return;
            }
            done.set(false);
            error.set(None);
            busy.set(true);
            clear_node(&passphrase);
            typed.set(false);
            let (busy, error, done) = (busy.clone(), error.clone(), done.clone());
            let (on_session, on_note) = (on_session.clone(), on_note.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::vault_rotate_key(&secret).await;
                drop(secret);
                busy.set(false);
                match result {
                    Ok(session) => {
                        done.set(true);
                        on_session.emit(session);
                        on_note.emit("Data key rotated".to_owned());
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let on_input = {
        let (passphrase, typed) = (passphrase.clone(), typed.clone());
        Callback::from(move |_: InputEvent| typed.set(!node_text(&passphrase).is_empty()))
    };
    let wrong = error
        .as_ref()
        .is_some_and(|e| e.kind() == ErrorCode::VaultWrongPassphrase);

    html! {
        <form class="form settings-form" data-testid="rotate-key" novalidate=true
            aria-labelledby="rotate-title" aria-describedby="rotate-lead" {onsubmit}>
            <h3 id="rotate-title" class="settings-subtitle">{ "Rotate data key" }</h3>
            <p id="rotate-lead" class="settings-lead">
                { "Makes a new data key and reseals every stored secret. Your passphrase stays the same." }
            </p>
            <div class="field">
                <label for="rotate-passphrase" class="field-label">{ "Passphrase" }</label>
                <input id="rotate-passphrase" class="input" type="password" autocomplete="current-password"
                    data-testid="rotate-passphrase" ref={passphrase} oninput={on_input}
                    aria-invalid={wrong.then_some("true")}
                    aria-describedby={wrong.then_some("rotate-error")} disabled={*busy} />
            </div>
            if let Some(error) = &*error {
                <div id="rotate-error"><FormError error={error.clone()} /></div>
            }
            if *done {
                <p class="settings-ok" data-testid="rotate-done">{ icons::check() }{ "Data key rotated" }</p>
            }
            <div class="settings-actions">
                <button type="submit" class="button" data-testid="rotate-submit"
                    aria-disabled={(*busy || !*typed).then_some("true")}>
                    if *busy {
                        <span class="spinner" aria-hidden="true"></span>
                        { "Rotating data key…" }
                    } else {
                        { "Rotate data key" }
                    }
                </button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct NoteProps {
    on_note: Callback<String>,
}

/// Start Keyport at login: a switch over the OS's login item (the autostart plugin), off until
/// the person turns it on.
#[function_component(StartAtLogin)]
fn start_at_login(props: &NoteProps) -> Html {
    let state = use_reducer(Autostart::default);
    {
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                dispatch.dispatch(AutostartAction::Loaded(api::autostart_enabled().await));
            });
        });
    }
    let onchange = {
        let (state, on_note) = (state.clone(), props.on_note.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let on = input.checked();
            if !state.ready() {
                // The switch stays where it was until the last change is answered.
                input.set_checked(state.checked());
                return;
            }
            state.dispatch(AutostartAction::Asked(on));
            let (dispatch, on_note) = (state.dispatcher(), on_note.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::autostart_set(on).await;
                if let Ok(now) = &result {
                    on_note.emit(
                        if *now {
                            "Keyport starts at login"
                        } else {
                            "Keyport no longer starts at login"
                        }
                        .to_owned(),
                    );
                }
                dispatch.dispatch(AutostartAction::Done(result));
            });
        })
    };
    let busy = !state.ready() && state.error.is_none();
    html! {
        <div class="field settings-field">
            <label class="switch">
                <input type="checkbox" role="switch" id="settings-autostart"
                    data-testid="settings-autostart" checked={state.checked()}
                    aria-checked={if state.checked() { "true" } else { "false" }}
                    aria-describedby="settings-autostart-help"
                    aria-busy={busy.then_some("true")}
                    disabled={state.on.is_none() && state.error.is_some()} {onchange} />
                <span class="switch-track" aria-hidden="true"><span class="switch-thumb"></span></span>
                <span class="switch-label">{ "Start Keyport at login" }</span>
                if busy {
                    <span class="spinner" aria-hidden="true"></span>
                }
            </label>
            <p id="settings-autostart-help" class="field-help">
                { "Keyport opens when you log in, so tokens are refreshed and connections checked \
                   without you starting it." }
            </p>
            if let Some(error) = &state.error {
                <FormError error={error.clone()} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct HealthProps {
    unlocked: bool,
    on_note: Callback<String>,
}

/// How often each connection is checked: one choice per connection, applied at once.
#[function_component(HealthChecks)]
fn health_checks(props: &HealthProps) -> Html {
    let list = use_state(|| None::<Result<Vec<ConnectionView>, ShownError>>);
    let error = use_state(|| None::<ShownError>);
    {
        let list = list.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                list.set(Some(api::connections_list().await.map(sorted_connections)));
            });
        });
    }
    // A changed connection takes its row's place, and the change is said.
    let changed = {
        let (list, error, on_note) = (list.clone(), error.clone(), props.on_note.clone());
        Callback::from(move |(view, said): (ConnectionView, String)| {
            error.set(None);
            on_note.emit(said);
            if let Some(Ok(views)) = &*list {
                let views = views
                    .iter()
                    .map(|v| {
                        if v.id == view.id {
                            view.clone()
                        } else {
                            v.clone()
                        }
                    })
                    .collect();
                list.set(Some(Ok(views)));
            }
        })
    };
    let on_choose = {
        let (error, changed) = (error.clone(), changed.clone());
        Callback::from(move |(id, minutes): (String, Option<u32>)| {
            let (error, changed) = (error.clone(), changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::connection_set_health_interval(&id, minutes).await {
                    Ok(view) => {
                        let said = format!(
                            "{} is checked {}",
                            view.name,
                            health_label(view.health_interval_minutes).to_lowercase()
                        );
                        changed.emit((view, said));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let on_ask = {
        let (error, changed) = (error.clone(), changed.clone());
        Callback::from(move |(id, on): (String, bool)| {
            let (error, changed) = (error.clone(), changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::asks::set(&id, on).await {
                    Ok(view) => {
                        let said = if view.ask_before_use {
                            format!("{} now asks before use", view.name)
                        } else {
                            format!("{} no longer asks before use", view.name)
                        };
                        changed.emit((view, said));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let body = match &*list {
        None => html! { <p class="settings-lead">{ "Loading connections…" }</p> },
        Some(Err(e)) => html! { <FormError error={e.clone()} /> },
        Some(Ok(views)) if views.is_empty() => html! {
            <p class="settings-lead" data-testid="health-none">
                { "No connections yet. Each one you add is checked every 15 min." }
            </p>
        },
        Some(Ok(views)) => html! {
            <ul class="health-intervals" data-testid="health-intervals" aria-label="Check intervals">
                { for views.iter().map(|v| {
                    let select_id = format!("health-{}", v.id);
                    let ask_id = format!("ask-{}", v.id);
                    let (id, on_choose) = (v.id.clone(), on_choose.clone());
                    let onchange = Callback::from(move |e: Event| {
                        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
                        if let Some(minutes) = parse_health_value(&value) {
                            on_choose.emit((id.clone(), minutes));
                        }
                    });
                    let (id, on_ask) = (v.id.clone(), on_ask.clone());
                    let ask_change = Callback::from(move |e: Event| {
                        let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                        on_ask.emit((id.clone(), on));
                    });
                    html! {
                        <li class="health-interval" key={v.id.clone()} data-connection-id={v.id.clone()}>
                            <label for={select_id.clone()} class="health-interval-name">{ &v.name }</label>
                            <label class="switch" title="A program gets it only once you allow that here">
                                <input type="checkbox" role="switch" id={ask_id}
                                    data-testid="ask-before-use" checked={v.ask_before_use}
                                    aria-label={format!("{} asks before use", v.name)}
                                    disabled={!props.unlocked} onchange={ask_change} />
                                <span class="switch-track" aria-hidden="true"><span class="switch-thumb"></span></span>
                                <span class="switch-label">{ "Ask before use" }</span>
                            </label>
                            <select id={select_id} class="select" data-testid="health-interval"
                                disabled={!props.unlocked} {onchange}>
                                { for health_choices(v.health_interval_minutes).into_iter().map(|m| html! {
                                    <option value={health_value(m)} selected={m == v.health_interval_minutes}>
                                        { health_label(m) }
                                    </option>
                                }) }
                            </select>
                        </li>
                    }
                }) }
            </ul>
        },
    };
    html! {
        <section class="settings-section" aria-labelledby="health-title" data-testid="settings-health">
            <h2 id="health-title" class="settings-title">{ "Each connection" }</h2>
            <p class="settings-lead">
                if props.unlocked {
                    { "How often Keyport checks that each connection still works, while it runs \
                       (in the tray too), and whether a program must ask you before it gets the \
                       credential (Keyport then shows the question here). Changes apply at once." }
                } else {
                    { "Unlock the vault to change how each connection is checked and handed out." }
                }
            </p>
            if let Some(e) = &*error {
                <FormError error={e.clone()} />
            }
            { body }
        </section>
    }
}
