//! OAuth sign-in inside the connect dialog: the connector's OAuth app (`app.rs`), its settings,
//! then **Connect with <Name>** (`setup.rs`), the waiting step (`waiting.rs`), and Done or the
//! failure with its code (`finished.rs`). What the dialog knows lives in one reducer
//! (`state::oauth::OAuthDialog`); this root runs its effects: loading the app, starting the
//! sign-in, the flow's countdown and ending the flow when the dialog closes. The page never holds
//! a token: the client secret and a pasted address stay in their input elements until submitted.
//!
//! Reconnect (`reconnect.rs`) signs an existing connection in again with the same waiting step.
//!
//! How a sign-in ends arrives as the shell's `oauth-finished` event. The page root listens to it
//! once, decides with `state::oauth::claims` whether the waiting flow in `WaitingSlot` takes it,
//! and if so hands it down as `event`.

mod app;
mod finished;
mod reconnect;
mod setup;
mod waiting;

pub use reconnect::ReconnectDialog;

use super::card::Monogram;
use super::connect::CONNECT_TITLE_ID;
use super::connections::focus_selector;
use super::form_field::focus_field;
use crate::api::{self, Finished};
use crate::connect_form::fields::{defaults, form_fields, DbEntry};
use crate::connect_form::request::{missing_required, settings};
use crate::hooks::use_countdown;
use crate::state::countdown::FLOW_SECONDS;
use crate::state::oauth::{Action, OAuthDialog, Phase, Stage};
use crate::state::oauth_text::https_redirect;
use finished::{SignInFailed, SignedIn};
use keyport_model::{ConnectionType, Connector, OAuthStartView};
use setup::SetupStep;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::rc::Rc;
use waiting::WaitingStep;
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

/// The header of the steps after setup: the connector's mark, `title`, `OAuth sign-in`.
fn step_header(connector: &Connector, title: String) -> Html {
    html! {
        <header class="dialog-header">
            <Monogram text={connector.icon.monogram.clone()} color={connector.icon.color.clone()} />
            <div class="dialog-titles">
                <h2 id={CONNECT_TITLE_ID} class="dialog-title" tabindex="-1">{ title }</h2>
                <p class="dialog-subtitle">{ "OAuth sign-in" }</p>
            </div>
        </header>
    }
}

/// A sign-in's life in a dialog, shared by the connect dialog and Reconnect: `alive` turns false
/// when the dialog closes (a start answering afterwards is cancelled at once), closing ends a
/// waiting flow in the core, the outcome the waiting flow took ends it, and so does its expiry.
/// Returns `alive` and the seconds left of the waiting flow.
#[hook]
fn use_sign_in_flow(
    state: &UseReducerHandle<OAuthDialog>,
    waiting: &WaitingSlot,
    event: Option<OAuthEvent>,
) -> (Rc<RefCell<bool>>, u32) {
    let alive = use_mut_ref(|| true);

    // Closing the dialog (Cancel, Esc, Close, a lock) ends a waiting flow in the core.
    {
        let (waiting, alive) = (waiting.clone(), alive.clone());
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

    // An outcome the waiting flow took.
    {
        let (dispatch, waiting, flow) = (
            state.dispatcher(),
            waiting.clone(),
            state.phase.flow_id().is_some(),
        );
        use_effect_with(event, move |event| {
            if let (Some(event), true) = (event, flow) {
                waiting.set(None);
                dispatch.dispatch(Action::Finished(event.finished.outcome.clone()));
            }
        });
    }

    // `Expires in 9:12`, from the moment the flow started; at 0:00 it has expired.
    let flow = state.phase.flow_id().map(str::to_owned);
    let seconds = use_countdown(FLOW_SECONDS, flow.clone());
    {
        let (dispatch, waiting) = (state.dispatcher(), waiting.clone());
        use_effect_with((flow, seconds == 0), move |(flow, expired)| {
            if let (Some(flow), true) = (flow, *expired) {
                if let Some((flow, _)) = waiting.take() {
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = api::oauth_cancel(&flow).await;
                    });
                }
                dispatch.dispatch(Action::Expired(flow.clone()));
            }
        });
    }
    (alive, seconds)
}

/// Waits for a start (`oauth_start`, `oauth_reconnect`) to answer and hands it to the dialog,
/// which then waits for that flow; a flow the closed dialog no longer shows is ended at once.
async fn take_start(
    start: impl Future<Output = Result<OAuthStartView, crate::api::ShownError>>,
    connector_id: String,
    dispatch: UseReducerDispatcher<OAuthDialog>,
    waiting: WaitingSlot,
    alive: Rc<RefCell<bool>>,
) {
    let result = start.await;
    if !*alive.borrow() {
        if let Ok(started) = result {
            let _ = api::oauth_cancel(&started.flow_id).await;
        }
        return;
    }
    if let Ok(started) = &result {
        waiting.set(Some((started.flow_id.clone(), connector_id)));
    }
    dispatch.dispatch(Action::Started(result));
}

#[function_component(OAuthConnect)]
pub fn oauth_connect(props: &OAuthProps) -> Html {
    let c = &props.connector;
    let fields = form_fields(c, ConnectionType::Oauth2, DbEntry::Fields);
    let state = {
        let values = defaults(&fields);
        use_reducer(move || OAuthDialog::new(values))
    };
    let (alive, seconds) = use_sign_in_flow(&state, &props.waiting, props.event.clone());

    // The OAuth app, once.
    {
        let dispatch = state.dispatcher();
        let id = c.id.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                dispatch.dispatch(Action::AppLoaded(api::oauth_app_get(&id).await));
            });
        });
    }

    // Tell the dialog the stage, and move focus to the new title.
    {
        let on_stage = props.on_stage.clone();
        use_effect_with(state.phase.stage(), move |stage| {
            on_stage.emit(*stage);
            if *stage != Stage::Setup {
                focus_selector(&format!("#{CONNECT_TITLE_ID}"));
            }
        });
    }

    // Starts (or restarts) the sign-in with the settings as typed.
    let start = {
        let c = Rc::clone(c);
        let fields = fields.clone();
        let (state, waiting, alive) = (state.clone(), props.waiting.clone(), alive.clone());
        Callback::from(move |_: ()| {
            if state.starting {
                return;
            }
            let absent = missing_required(&fields, &state.values, &BTreeMap::new());
            if let Some(first) = absent.first() {
                focus_field(first);
                state.dispatch(Action::Missing(absent));
                return;
            }
            state.dispatch(Action::Starting {
                paste_open: https_redirect(&c),
            });
            let config = settings(ConnectionType::Oauth2, &fields, &state.values);
            let id = c.id.clone();
            let (dispatch, waiting, alive) = (state.dispatcher(), waiting.clone(), alive.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let start = api::oauth_start(&id, &config);
                take_start(start, id.clone(), dispatch, waiting, alive).await;
            });
        })
    };

    match &state.phase {
        Phase::Setup => html! {
            <SetupStep connector={Rc::clone(c)} chooser={props.chooser.clone()} {fields}
                state={state.clone()} on_start={start} on_close={props.on_close.clone()} />
        },
        Phase::Waiting(started) => html! {
            <WaitingStep connector={Rc::clone(c)} started={Rc::clone(started)} {seconds}
                state={state.clone()} waiting={props.waiting.clone()}
                on_close={props.on_close.clone()} />
        },
        Phase::Done(view) => html! {
            <SignedIn service={c.name.clone()} view={Rc::clone(view)}
                on_open_connections={props.on_open_connections.clone()}
                on_another={props.on_another.clone()} />
        },
        Phase::Failed(error) => html! {
            <SignInFailed connector={Rc::clone(c)} error={error.clone()} starting={state.starting}
                on_retry={start} on_edit={state.dispatcher().to_callback().reform(|_: ()| Action::ChangeSettings)}
                on_close={props.on_close.clone()} />
        },
    }
}
