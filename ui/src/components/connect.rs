//! The connect wizard: a 640 px modal for every connection type. A type chooser comes first
//! when the connector offers more than one type; then the details and the live check
//! (`credential_form.rs` for keys, tokens, basic auth, databases and service accounts,
//! `oauth.rs` for OAuth sign-in), then the Done step. Secrets live only in their form elements,
//! never in Rust state; closing the dialog, Esc and switching type empty those elements first.

use super::card::Monogram;
use super::choice::{Choice, ChoiceOption};
use super::connections::focus_selector;
use super::credential_form::CredentialForm;
use super::done_step::DoneStep;
use super::form_field::clear_secrets;
use super::icons;
use super::oauth::{OAuthConnect, OAuthEvent, WaitingSlot};
use super::steps::WizardSteps;
use crate::api;
use crate::connect_form::types::{form_types, type_hint};
use crate::connect_form::wizard::{connect_done_text, WizardStep};
use crate::hooks::use_dialog_keys;
use crate::state::oauth::Stage;
use keyport_model::{ConnectionType, ConnectionView, Connector};
use std::rc::Rc;
use web_sys::Element;
use yew::prelude::*;

pub const CONNECT_TITLE_ID: &str = "connect-title";

#[derive(Properties, PartialEq)]
pub struct ConnectProps {
    pub connector: Rc<Connector>,
    pub on_close: Callback<()>,
    pub on_open_connections: Callback<String>,
    pub on_another: Callback<()>,
    pub on_connected: Callback<ConnectionView>,
    /// The OAuth flow this dialog waits for, shared with the page root that routes outcomes.
    pub waiting: WaitingSlot,
    /// The last sign-in outcome the waiting flow took.
    pub oauth_event: Option<OAuthEvent>,
    /// Reconnect: the connection whose revoked key, token, password or login this dialog
    /// replaces in place (its type only, no Done step: `on_connected` ends it).
    #[prop_or_default]
    pub replacing: Option<ConnectionView>,
}

#[function_component(ConnectDialog)]
pub fn connect_dialog(props: &ConnectProps) -> Html {
    let c = &props.connector;
    let types = form_types(c);
    let replacing = props.replacing.clone();
    let kind = {
        let first = replacing
            .as_ref()
            .map(|v| v.connection_type)
            .or_else(|| types.first().copied());
        use_state(move || first.unwrap_or(ConnectionType::ApiKey))
    };
    let form_busy = use_state(|| false);
    let done = use_state(|| None::<ConnectionView>);
    let oauth_stage = use_state(|| Stage::Setup);

    // Focus the title on open and on the Done step.
    {
        let is_done = done.is_some();
        use_effect_with(is_done, move |_| {
            focus_selector(&format!("#{CONNECT_TITLE_ID}"))
        });
    }

    // Every way out empties the secret fields first.
    let dialog = use_node_ref();
    let close = {
        let (dialog, on_close) = (dialog.clone(), props.on_close.clone());
        Callback::from(move |_: ()| {
            if let Some(dialog) = dialog.cast::<Element>() {
                clear_secrets(&dialog);
            }
            on_close.emit(());
        })
    };
    let onkeydown = use_dialog_keys(dialog.clone(), close.clone());

    let busy_now = *form_busy || *oauth_stage != Stage::Setup;
    let chooser = if types.len() > 1 && replacing.is_none() {
        let options = types
            .iter()
            .map(|t| ChoiceOption {
                id: t.id(),
                label: t.badge().to_owned(),
                hint: Some(type_hint(c, *t)),
            })
            .collect::<Vec<_>>();
        let on_choose = {
            let (kind, types, dialog) = (kind.clone(), types.clone(), dialog.clone());
            Callback::from(move |id: &'static str| {
                let Some(next) = types.iter().copied().find(|t| t.id() == id) else {
                    return;
                };
                // The fields of the type left behind go: empty their secrets first.
                if let Some(dialog) = dialog.cast::<Element>() {
                    clear_secrets(&dialog);
                }
                kind.set(next);
                // The chosen radio is drawn anew with the new type's form: keep focus on it.
                let selector = format!("[data-testid=\"type-{id}\"]");
                wasm_bindgen_futures::spawn_local(async move {
                    api::sleep(0).await;
                    focus_selector(&selector);
                });
            })
        };
        html! {
            <Choice legend="Connect with" name="type" {options} chosen={kind.id()}
                disabled={busy_now} {on_choose} />
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
                on_close={close.clone()}
                on_open_connections={props.on_open_connections.clone()}
                on_another={props.on_another.clone()}
            />
        }
    } else if let Some(view) = &*done {
        html! {
            <DoneStep service={c.name.clone()} view={view.clone()}
                on_open_connections={props.on_open_connections.clone()}
                on_another={props.on_another.clone()}>
                <p class="dialog-lead" data-testid="connect-done-text"
                    data-verified={if view.verified { "true" } else { "false" }}>
                    { connect_done_text(&c.name, view) }
                </p>
            </DoneStep>
        }
    } else {
        let on_connected = {
            let (done, on_connected) = (done.clone(), props.on_connected.clone());
            let replace = replacing.is_some();
            Callback::from(move |view: ConnectionView| {
                on_connected.emit(view.clone());
                if !replace {
                    done.set(Some(view));
                }
            })
        };
        let on_busy = {
            let form_busy = form_busy.clone();
            Callback::from(move |busy: bool| form_busy.set(busy))
        };
        html! {
            <CredentialForm key={kind.id()} connector={Rc::clone(c)} kind={*kind}
                chooser={chooser.clone()} on_cancel={close.clone()} {on_busy} {on_connected}
                replacing={replacing.clone()} />
        }
    };

    // The OAuth steps after Setup draw their own header.
    let waiting = is_oauth && *oauth_stage == Stage::Waiting;
    let own_header = if is_oauth {
        *oauth_stage == Stage::Setup
    } else {
        done.is_none()
    };
    // Where the wizard stands; the OAuth waiting and outcome views draw their own.
    let step = if replacing.is_some() {
        None
    } else if done.is_some() {
        Some(WizardStep::Done)
    } else if is_oauth {
        (*oauth_stage == Stage::Setup).then_some(WizardStep::Details)
    } else if *form_busy {
        Some(WizardStep::Verify)
    } else {
        Some(WizardStep::Details)
    };
    let close_click = close.reform(|_: MouseEvent| ());
    html! {
        <div class="dialog-layer">
            <div class="scrim" aria-hidden="true"></div>
            <section class={classes!("dialog", waiting.then_some("dialog-wait"))} role="dialog"
                aria-modal="true" aria-labelledby={CONNECT_TITLE_ID}
                data-dialog={if waiting { "oauth-wait" } else { "connect" }}
                data-testid="connect-dialog" data-connector-id={c.id.clone()}
                data-replacing={replacing.as_ref().map(|v| v.id.clone())}
                data-connection-type={kind.id()} tabindex="-1" ref={dialog} {onkeydown}>
                if own_header {
                    <header class="dialog-header">
                        <Monogram text={c.icon.monogram.clone()} color={c.icon.color.clone()} />
                        <div class="dialog-titles">
                            <h2 id={CONNECT_TITLE_ID} class="dialog-title" tabindex="-1">
                                { match &replacing {
                                    Some(view) => format!("Reconnect {}", view.name),
                                    None => format!("Connect {}", c.name),
                                } }
                            </h2>
                            <p class="dialog-subtitle">{ match &replacing {
                                Some(_) => format!("{}: the new one is checked with the service, then replaces the old", kind.badge()),
                                None => kind.badge().to_owned(),
                            } }</p>
                        </div>
                        <button type="button" class="icon-button" aria-label="Close" onclick={close_click}>
                            { icons::close() }
                        </button>
                    </header>
                }
                if let Some(current) = step {
                    <WizardSteps types={types.len()} {current} />
                }
                { body }
            </section>
        </div>
    }
}
