//! The sign-in setup: the type chooser (when there is one), the OAuth app, the connector's
//! sign-in settings, and **Connect with <Name>**, which stays disabled until the app has a
//! client ID.

use super::super::form_field::{FormField, Problem};
use super::super::vault_screens::FormError;
use super::app::AppSection;
use crate::state::oauth::{Action, OAuthDialog};
use keyport_model::{ConfigField, Connector};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SetupProps {
    pub connector: Rc<Connector>,
    #[prop_or_default]
    pub chooser: Html,
    /// The sign-in settings the connector asks for.
    pub fields: Vec<ConfigField>,
    pub state: UseReducerHandle<OAuthDialog>,
    /// Connect was pressed.
    pub on_start: Callback<()>,
    pub on_close: Callback<()>,
}

#[function_component(SetupStep)]
pub fn setup_step(props: &SetupProps) -> Html {
    let state = &props.state;
    let onsubmit = props.on_start.reform(|e: SubmitEvent| e.prevent_default());
    let close = props.on_close.reform(|_: MouseEvent| ());
    let on_change = state
        .dispatcher()
        .to_callback()
        .reform(|(key, value): (String, String)| Action::SettingChanged(key, value));
    let is_missing = |key: &str| state.missing.iter().any(|m| m == key);
    let app_set = state.app_set();
    let starting = state.starting;
    let name = &props.connector.name;
    let hint_id = "oauth-connect-hint";
    html! {
        <form class="dialog-form" {onsubmit} novalidate=true>
            <div class="dialog-body">
                { props.chooser.clone() }
                <AppSection connector={Rc::clone(&props.connector)} state={state.clone()} />
                if !props.fields.is_empty() {
                    <section class="oauth-settings" aria-labelledby="oauth-settings-title">
                        <h3 id="oauth-settings-title" class="section-title">{ "Sign-in settings" }</h3>
                        { for props.fields.iter().map(|f| html! {
                            <FormField key={f.key.clone()} field={f.clone()}
                                value={state.values.get(&f.key).cloned().unwrap_or_default()}
                                problem={is_missing(&f.key).then_some(Problem::Missing)}
                                disabled={starting} on_change={on_change.clone()} />
                        }) }
                    </section>
                }
                if let Some(error) = &state.start_error {
                    <FormError error={error.clone()} />
                }
            </div>
            <footer class="dialog-footer">
                if !app_set && state.app.is_some() {
                    <p id={hint_id} class="sheet-note" data-testid="oauth-connect-hint">
                        { "Save the OAuth app first: Keyport needs its client ID to sign in." }
                    </p>
                }
                <button type="button" class="button" onclick={close}>{ "Cancel" }</button>
                <button type="submit" class="button button-primary" data-testid="oauth-connect"
                    disabled={!app_set}
                    aria-describedby={(!app_set).then_some(hint_id)}
                    aria-disabled={starting.then_some("true")}>
                    if starting {
                        <span class="spinner" aria-hidden="true"></span>{ "Opening your browser…" }
                    } else {
                        { format!("Connect with {name}") }
                    }
                </button>
            </footer>
        </form>
    }
}
