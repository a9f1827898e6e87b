//! The OAuth app section of the sign-in setup: what is set (or the form to set it: client ID, an
//! https redirect URL where the service needs one, an optional client secret) and the redirect
//! URIs to register. The client secret lives only in its input element (UI.md section 9), read
//! and emptied when Save is pressed.

use super::super::connections::focus_selector;
use super::super::form_field::{clear_node, node_text};
use super::super::icons;
use super::super::vault_screens::FormError;
use crate::api::{self, ShownError};
use crate::state::oauth::{Action, OAuthDialog};
use crate::state::oauth_text::{env_var_prefix, https_redirect};
use keyport_model::{Connector, ErrorCode};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppSectionProps {
    pub connector: Rc<Connector>,
    pub state: UseReducerHandle<OAuthDialog>,
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

#[function_component(AppSection)]
pub fn app_section(props: &AppSectionProps) -> Html {
    let c = &props.connector;
    let state = &props.state;
    let client_secret = use_node_ref();
    let show_secret = use_state(|| false);
    let view = match &state.app {
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
        let (state, client_secret) = (state.clone(), client_secret.clone());
        let id = c.id.clone();
        Callback::from(move |_: ()| {
            if state.app_busy {
                return;
            }
            let typed_id = state.client_id.trim().to_owned();
            if typed_id.is_empty() {
                state.dispatch(Action::AppRefused(ShownError::new(
                    ErrorCode::ConnectionInvalid,
                    "Enter the client ID of the app you registered.",
                )));
                focus_selector("#oauth-client-id");
                return;
            }
            let redirect = state.redirect_uri.trim().to_owned();
            if https && redirect.is_empty() {
                state.dispatch(Action::AppRefused(ShownError::new(
                    ErrorCode::ConnectionInvalid,
                    "Enter the https redirect URL you registered with the app.",
                )));
                focus_selector("#oauth-redirect-uri");
                return;
            }
            let secret = node_text(&client_secret);
            clear_node(&client_secret);
            state.dispatch(Action::SavingApp);
            let (dispatch, id) = (state.dispatcher(), id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::oauth_app_set(
                    &id,
                    &typed_id,
                    (!secret.is_empty()).then_some(&*secret),
                    https.then_some(&*redirect),
                )
                .await;
                drop(secret);
                match result {
                    Ok(view) => {
                        dispatch.dispatch(Action::AppSaved(view));
                        focus_selector("[data-testid=\"oauth-connect\"]");
                    }
                    Err(e) => dispatch.dispatch(Action::AppRefused(e)),
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
        let dispatch = state.dispatcher();
        Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(Action::EditApp);
            focus_selector("#oauth-client-id");
        })
    };
    let cancel_edit = {
        let (dispatch, client_secret) = (state.dispatcher(), client_secret.clone());
        Callback::from(move |_: MouseEvent| {
            clear_node(&client_secret);
            dispatch.dispatch(Action::KeepApp);
        })
    };
    let on_id = {
        let dispatch = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            dispatch.dispatch(Action::ClientIdTyped(input_value(&e)))
        })
    };
    let on_redirect = {
        let dispatch = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            dispatch.dispatch(Action::RedirectTyped(input_value(&e)))
        })
    };
    let toggle = {
        let show = show_secret.clone();
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
    let busy = state.app_busy;
    let show = *show_secret;
    let editing = state.editing && !view.from_environment;
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
                            value={state.client_id.clone()} oninput={on_id} onkeydown={on_enter.clone()}
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
                                value={state.redirect_uri.clone()} oninput={on_redirect} onkeydown={on_enter.clone()}
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
                                data-secret="true" ref={client_secret.clone()} onkeydown={on_enter}
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
                    if let Some(error) = &state.app_error {
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
