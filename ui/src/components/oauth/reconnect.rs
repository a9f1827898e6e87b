//! Reconnect: signs an existing OAuth connection in again after its grant died (Reconnect on its
//! row, or the tray's Reconnect X…). The sign-in starts as the dialog opens (`oauth_reconnect`;
//! the connection keeps its id, name and settings), then the same waiting step as a first sign-in
//! (`data-dialog="oauth-wait"`), ended by `oauth-finished` like any other, then Reconnected or
//! the failure with its code and **Try again**.

use super::super::connect::CONNECT_TITLE_ID;
use super::super::connections::focus_selector;
use super::super::icons;
use super::super::vault_screens::FormError;
use super::waiting::WaitingStep;
use super::{step_header, take_start, use_sign_in_flow, OAuthEvent, WaitingSlot};
use crate::api;
use crate::hooks::use_dialog_keys;
use crate::state::oauth::{Action, OAuthDialog, Phase};
use crate::state::oauth_text::{failed_hint, https_redirect, retry_label};
use keyport_model::Connector;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ReconnectProps {
    pub connector: Rc<Connector>,
    pub connection_id: AttrValue,
    pub connection_name: AttrValue,
    /// The flow this dialog waits for, shared with the page root that routes outcomes.
    pub waiting: WaitingSlot,
    /// The last sign-in outcome the waiting flow took.
    pub event: Option<OAuthEvent>,
    pub on_close: Callback<()>,
}

#[function_component(ReconnectDialog)]
pub fn reconnect_dialog(props: &ReconnectProps) -> Html {
    let c = &props.connector;
    let state = use_reducer(|| OAuthDialog::new(BTreeMap::new()));
    let (alive, seconds) = use_sign_in_flow(&state, &props.waiting, props.event.clone());
    let dialog = use_node_ref();
    let onkeydown = use_dialog_keys(dialog.clone(), props.on_close.clone());

    let start = {
        let (state, waiting, alive) = (state.clone(), props.waiting.clone(), alive.clone());
        let (connector, connection) = (Rc::clone(c), props.connection_id.clone());
        Callback::from(move |_: ()| {
            if state.starting {
                return;
            }
            state.dispatch(Action::Starting {
                paste_open: https_redirect(&connector),
            });
            let (dispatch, waiting, alive) = (state.dispatcher(), waiting.clone(), alive.clone());
            let (connector_id, connection) = (connector.id.clone(), connection.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let start = api::oauth_reconnect(&connection);
                take_start(start, connector_id, dispatch, waiting, alive).await;
            });
        })
    };
    // The sign-in starts as the dialog opens: Reconnect was the request.
    {
        let start = start.clone();
        use_effect_with((), move |_| start.emit(()));
    }
    // Focus the title of each new step.
    use_effect_with(state.phase.stage(), |_| {
        focus_selector(&format!("#{CONNECT_TITLE_ID}"))
    });

    let name = &props.connection_name;
    let close = props.on_close.reform(|_: MouseEvent| ());
    let retry = start.reform(|_: MouseEvent| ());
    let (body, waiting) = match &state.phase {
        Phase::Waiting(started) => (
            html! {
                <WaitingStep connector={Rc::clone(c)} started={Rc::clone(started)} {seconds}
                    state={state.clone()} waiting={props.waiting.clone()}
                    on_close={props.on_close.clone()} />
            },
            true,
        ),
        Phase::Done(view) => (
            html! {
                <>
                    <div class="dialog-body done" data-testid="reconnect-done"
                        data-connection-id={view.id.clone()}>
                        <span class="done-mark">{ icons::check() }</span>
                        <h2 id={CONNECT_TITLE_ID} class="dialog-title" tabindex="-1">
                            { format!("{} is connected again", view.name) }
                        </h2>
                        <p class="dialog-lead">
                            { "The new tokens are sealed in your vault. Keyport refreshes and checks \
                               this connection by itself again." }
                        </p>
                    </div>
                    <footer class="dialog-footer">
                        <button type="button" class="button button-primary" onclick={close}
                            data-testid="reconnect-close">{ "Close" }</button>
                    </footer>
                </>
            },
            false,
        ),
        Phase::Failed(error) => (failed(c, name, error, state.starting, close, retry), false),
        // Setup is never shown here: the start is on its way, or it was refused.
        Phase::Setup => match &state.start_error {
            Some(error) => (failed(c, name, error, state.starting, close, retry), false),
            None => (
                html! {
                    <>
                        { step_header(c, format!("Reconnecting {name}…")) }
                        <div class="dialog-body" data-testid="reconnect-starting" aria-busy="true">
                            <p class="wait-where">
                                <span class="spinner" aria-hidden="true"></span>
                                { format!(" Opening {}’s sign-in page in your browser…", c.name) }
                            </p>
                        </div>
                        <footer class="dialog-footer">
                            <button type="button" class="button" onclick={close}>{ "Cancel" }</button>
                        </footer>
                    </>
                },
                false,
            ),
        },
    };
    html! {
        <div class="dialog-layer">
            <div class="scrim" aria-hidden="true"></div>
            <section class={classes!("dialog", "dialog-wait")} role="dialog" aria-modal="true"
                aria-labelledby={CONNECT_TITLE_ID}
                data-dialog={if waiting { "oauth-wait" } else { "reconnect" }}
                data-testid="reconnect-dialog" data-connection-id={props.connection_id.clone()}
                data-connector-id={c.id.clone()} tabindex="-1" ref={dialog} {onkeydown}>
                { body }
            </section>
        </div>
    }
}

/// The sign-in could not start or did not finish: the error with its code, what to do next,
/// **Close** and **Try again** (or **Start again** after an expiry).
fn failed(
    c: &Connector,
    name: &str,
    error: &crate::api::ShownError,
    starting: bool,
    close: Callback<MouseEvent>,
    retry: Callback<MouseEvent>,
) -> Html {
    html! {
        <>
            { step_header(c, format!("Reconnecting {name} did not finish")) }
            <div class="dialog-body" data-testid="reconnect-failed" data-code={error.code.clone()}>
                <FormError error={error.clone()} />
                <p class="dialog-lead">{ failed_hint(error.kind(), &c.name) }</p>
            </div>
            <footer class="dialog-footer">
                <button type="button" class="button" onclick={close}>{ "Close" }</button>
                <button type="button" class="button button-primary" onclick={retry}
                    data-testid="reconnect-retry" aria-disabled={starting.then_some("true")}>
                    if starting {
                        <span class="spinner" aria-hidden="true"></span>
                    }
                    { retry_label(error.kind()) }
                </button>
            </footer>
        </>
    }
}
