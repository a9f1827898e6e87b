//! How a sign-in ends: Done with its checklist (`Code received ✓ · Token exchanged ✓ · Test call
//! ✓`), or the failure with its code, what to do next, and **Try again** / **Start again**.

use super::super::done_step::DoneStep;
use super::super::vault_screens::FormError;
use super::step_header;
use crate::api::ShownError;
use crate::state::oauth_text::{failed_hint, retry_label};
use keyport_model::{ConnectionView, Connector};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SignedInProps {
    pub service: AttrValue,
    pub view: Rc<ConnectionView>,
    pub on_open_connections: Callback<String>,
    pub on_another: Callback<()>,
}

#[function_component(SignedIn)]
pub fn signed_in(props: &SignedInProps) -> Html {
    let view = &props.view;
    html! {
        <DoneStep service={props.service.clone()} view={(**view).clone()}
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
    }
}

#[derive(Properties, PartialEq)]
pub struct SignInFailedProps {
    pub connector: Rc<Connector>,
    pub error: ShownError,
    /// A new sign-in is starting (Try again was pressed).
    pub starting: bool,
    pub on_retry: Callback<()>,
    /// Change settings: back to setup.
    pub on_edit: Callback<()>,
    pub on_close: Callback<()>,
}

#[function_component(SignInFailed)]
pub fn sign_in_failed(props: &SignInFailedProps) -> Html {
    let (c, error) = (&props.connector, &props.error);
    let name = &c.name;
    let again = props.on_retry.reform(|_: MouseEvent| ());
    let edit = props.on_edit.reform(|_: MouseEvent| ());
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <>
            { step_header(c, format!("Signing in to {name} did not finish")) }
            <div class="dialog-body" data-testid="oauth-failed" data-code={error.code.clone()}>
                <FormError error={error.clone()} />
                <p class="dialog-lead">{ failed_hint(error.kind(), name) }</p>
            </div>
            <footer class="dialog-footer">
                <button type="button" class="button" onclick={close}>{ "Close" }</button>
                <button type="button" class="button" onclick={edit} data-testid="oauth-edit">
                    { "Change settings" }
                </button>
                <button type="button" class="button button-primary" onclick={again}
                    data-testid="oauth-retry" aria-disabled={props.starting.then_some("true")}>
                    if props.starting {
                        <span class="spinner" aria-hidden="true"></span>
                    }
                    { retry_label(error.kind()) }
                </button>
            </footer>
        </>
    }
}
