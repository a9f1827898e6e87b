//! The waiting step (`data-dialog="oauth-wait"`): `Waiting for Salesforce…`, where to finish
//! signing in, `Expires in 9:12`, open the page again or copy its link, and the paste fallback.
//! The pasted address (it holds the authorization code) lives only in its input element, read
//! and emptied on submit.

use super::super::connections::focus_selector;
use super::super::form_field::{clear_node, node_text};
use super::super::icons;
use super::{step_header, WaitingSlot};
use crate::api::{self, ShownError};
use crate::state::countdown::expires_text;
use crate::state::message::sentence;
use crate::state::oauth::{Action, OAuthDialog};
use crate::state::oauth_text::url_host;
use keyport_model::{Connector, ErrorCode, OAuthStartView, RedirectKind};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WaitingProps {
    pub connector: Rc<Connector>,
    pub started: Rc<OAuthStartView>,
    /// Seconds until the flow expires.
    pub seconds: u32,
    pub state: UseReducerHandle<OAuthDialog>,
    pub waiting: WaitingSlot,
    pub on_close: Callback<()>,
}

#[function_component(WaitingStep)]
pub fn waiting_step(props: &WaitingProps) -> Html {
    let (c, started, state) = (&props.connector, &props.started, &props.state);
    let paste = use_node_ref();
    let name = &c.name;
    let host = url_host(&started.authorization_url).unwrap_or("the service");
    let by_paste = started.redirect == RedirectKind::Https;
    let lead = if by_paste {
        format!("Keyport opened {name}’s sign-in page in your browser. Approve access there; {name} then sends the browser to the redirect page you registered. Copy that page’s whole address from the address bar and paste it below.")
    } else {
        format!("Keyport opened {name}’s sign-in page in your browser. Approve access there; this dialog continues by itself when the browser hands the sign-in back to Keyport.")
    };
    let open_again = {
        let (flow, dispatch) = (started.flow_id.clone(), state.dispatcher());
        Callback::from(move |_: MouseEvent| {
            let (flow, dispatch) = (flow.clone(), dispatch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                dispatch.dispatch(Action::LinkNote(match api::oauth_open(&flow).await {
                    Ok(()) => "The sign-in page opened in your browser again.".to_owned(),
                    Err(e) => format!("{} (Code: {})", sentence(&e.message), e.code),
                }));
            });
        })
    };
    let copy_link = {
        let (url, dispatch) = (started.authorization_url.clone(), state.dispatcher());
        Callback::from(move |_: MouseEvent| {
            let (url, dispatch) = (url.clone(), dispatch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                dispatch.dispatch(Action::LinkNote(match api::copy_text(&url).await {
                    Ok(()) => "Link copied: paste it into the browser you sign in with.".to_owned(),
                    Err(()) => "Copying is not available in this window.".to_owned(),
                }));
            });
        })
    };
    let paste_open = state.paste_open;
    let toggle = {
        let (dispatch, paste) = (state.dispatcher(), paste.clone());
        Callback::from(move |_: MouseEvent| {
            if paste_open {
                clear_node(&paste);
            }
            dispatch.dispatch(Action::TogglePaste);
        })
    };
    let submit_paste = {
        let (state, paste, waiting) = (state.clone(), paste.clone(), props.waiting.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if state.paste_busy {
                return;
            }
            let typed = node_text(&paste).trim().to_owned();
            clear_node(&paste);
            if typed.is_empty() {
                state.dispatch(Action::PasteRefused(ShownError::new(
                    ErrorCode::OAuthCallbackMalformed,
                    "Paste the whole address from the browser's address bar.",
                )));
                return;
            }
            state.dispatch(Action::PasteSent);
            let (dispatch, waiting) = (state.dispatcher(), waiting.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::oauth_paste(&typed).await;
                drop(typed);
                match result {
                    Ok(view) => {
                        waiting.set(None);
                        dispatch.dispatch(Action::Pasted(Box::new(view)));
                    }
                    Err(error) => {
                        dispatch.dispatch(Action::PasteRefused(error));
                        focus_selector("#oauth-paste");
                    }
                }
            });
        })
    };
    let paste_busy = state.paste_busy;
    let paste_described = if state.paste_error.is_some() {
        "oauth-paste-error oauth-paste-help"
    } else {
        "oauth-paste-help"
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <>
            { step_header(c, format!("Waiting for {name}…")) }
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
                <p class="wait-expires" data-testid="oauth-expires">{ expires_text(props.seconds) }</p>
                <div class="wait-actions">
                    <button type="button" class="button" data-testid="oauth-open-again" onclick={open_again}>
                        { icons::external() }{ "Open the sign-in page again" }
                    </button>
                    <button type="button" class="button button-quiet" data-testid="oauth-copy-link" onclick={copy_link}>
                        { icons::copy() }{ "Copy link" }
                    </button>
                </div>
                if let Some(note) = &state.link_note {
                    <p class="field-help" data-testid="oauth-link-note">{ note }</p>
                }
                <div class="paste">
                    <button type="button" class="link-button disclosure" data-testid="oauth-paste-toggle"
                        aria-expanded={if paste_open { "true" } else { "false" }}
                        aria-controls="oauth-paste-form" onclick={toggle}>
                        <span class="disclosure-mark" aria-hidden="true">{ if paste_open { "▾" } else { "▸" } }</span>
                        { if by_paste { "Paste the address to finish" } else { "Browser didn’t return to Keyport?" } }
                    </button>
                    if paste_open {
                        <form id="oauth-paste-form" class="paste-form" onsubmit={submit_paste} novalidate=true>
                            <label for="oauth-paste" class="field-label">
                                { "Paste the address your browser landed on" }
                            </label>
                            <div class="secret-box">
                                <input id="oauth-paste" class="input input-secret" type="text"
                                    data-testid="oauth-paste" autocomplete="off" spellcheck="false"
                                    placeholder="keyport://oauth/callback?code=…"
                                    ref={paste.clone()}
                                    aria-invalid={state.paste_error.is_some().then_some("true")}
                                    aria-describedby={paste_described} />
                                <button type="submit" class="button secret-toggle" data-testid="oauth-paste-submit"
                                    aria-disabled={paste_busy.then_some("true")}>
                                    if paste_busy {
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
                            if let Some(error) = &state.paste_error {
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
                <button type="button" class="button" data-testid="oauth-cancel" onclick={close}>
                    { "Cancel" }
                </button>
            </footer>
        </>
    }
}
