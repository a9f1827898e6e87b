//! The connector detail sheet: modal, docked right over a scrim. Focus starts on its title, Tab
//! cycles inside, Esc or Close closes it (the page returns focus to the card).

use super::card::Monogram;
use super::icons;
use crate::api::ShownError;
use crate::connect_form::types::connect_note;
use crate::hooks::use_dialog_keys;
use keyport_model::{ConnectionType, Connector};
use std::rc::Rc;
use yew::prelude::*;

pub const TITLE_ID: &str = "sheet-title";

#[derive(Properties, PartialEq)]
pub struct SheetProps {
    pub connector: Rc<Connector>,
    /// Why opening the docs failed, if it did.
    pub error: Option<ShownError>,
    pub on_close: Callback<()>,
    pub on_docs: Callback<String>,
    /// Connect was pressed (offered for key, token, basic-auth and OAuth connectors).
    pub on_connect: Callback<String>,
    /// Set while the connect dialog is open over the sheet.
    #[prop_or_default]
    pub inert: bool,
}

#[function_component(ConnectorSheet)]
pub fn connector_sheet(props: &SheetProps) -> Html {
    let c = &props.connector;
    let dialog = use_node_ref();
    let onkeydown = use_dialog_keys(dialog.clone(), props.on_close.clone());
    let close = props.on_close.reform(|_: MouseEvent| ());
    let docs = {
        let on_docs = props.on_docs.clone();
        let id = c.id.clone();
        Callback::from(move |_: MouseEvent| on_docs.emit(id.clone()))
    };
    let connect = {
        let on_connect = props.on_connect.clone();
        let id = c.id.clone();
        Callback::from(move |_: MouseEvent| on_connect.emit(id.clone()))
    };
    let note = connect_note(c);
    let scopes = c
        .oauth2
        .as_ref()
        .filter(|_| c.connection_types.contains(&ConnectionType::Oauth2));
    html! {
        <div class="sheet-layer" inert={props.inert}>
            <div class="scrim" aria-hidden="true" onclick={close.clone()}></div>
            <section
                class="sheet"
                role="dialog"
                aria-modal="true"
                aria-labelledby={TITLE_ID}
                aria-describedby="sheet-description"
                data-testid="connector-sheet"
                data-connector-id={c.id.clone()}
                ref={dialog}
                {onkeydown}
            >
                <header class="sheet-header">
                    <Monogram text={c.icon.monogram.clone()} color={c.icon.color.clone()} large=true />
                    <div class="sheet-titles">
                        <h2 id={TITLE_ID} class="sheet-title" tabindex="-1">{ &c.name }</h2>
                        <p class="sheet-subtitle">
                            { c.category.label() }
                            { " · " }
                            <span class="code" title="Connector id">{ &c.id }</span>
                            if c.custom {
                                <span class="tag">{ "Custom" }</span>
                            }
                        </p>
                    </div>
                    <button type="button" class="icon-button" aria-label="Close details"
                        onclick={close.clone()}>
                        { icons::close() }
                    </button>
                </header>
                <div class="sheet-body">
                    <p id="sheet-description" class="sheet-description">{ &c.description }</p>

                    <section class="sheet-section" aria-labelledby="sheet-types">
                        <h3 id="sheet-types">{ "Connection types" }</h3>
                        <ul class="badges badges-list">
                            { for c.connection_types.iter().map(|t| html! {
                                <li class="badge" data-connection-type={t.id()}>{ t.badge() }</li>
                            }) }
                        </ul>
                    </section>

                    <section class="sheet-section" aria-labelledby="sheet-setup">
                        <h3 id="sheet-setup">{ "Setup" }</h3>
                        <ol class="steps" role="list" data-testid="setup-steps">
                            { for c.setup_instructions.iter().map(|step| html! { <li>{ step }</li> }) }
                        </ol>
                    </section>

                    if let Some(oauth) = scopes {
                        <section class="sheet-section" aria-labelledby="sheet-scopes">
                            <h3 id="sheet-scopes">{ "OAuth scopes" }</h3>
                            <p class="section-hint">{ "Requested by default" }</p>
                            <ul class="scopes" data-testid="scopes">
                                { for oauth.scopes.iter().map(|s| html! {
                                    <li class="scope code">{ s }</li>
                                }) }
                            </ul>
                            if !oauth.optional_scopes.is_empty() {
                                <p class="section-hint">{ "Optional, added when you ask" }</p>
                                <ul class="scopes scopes-optional">
                                    { for oauth.optional_scopes.iter().map(|s| html! {
                                        <li class="scope code">{ s }</li>
                                    }) }
                                </ul>
                            }
                        </section>
                    }

                    <section class="sheet-section" aria-labelledby="sheet-api">
                        <h3 id="sheet-api">{ "API" }</h3>
                        if let Some(base) = &c.api_base_url {
                            <p class="api-base">
                                <span class="section-hint">{ "Base URL" }</span>
                                <span class="code api-url">{ base }</span>
                            </p>
                        }
                        <button type="button" class="button" data-testid="open-docs" onclick={docs}>
                            { icons::external() }
                            { "API documentation (opens in browser)" }
                        </button>
                        if let Some(error) = &props.error {
                            <div class="inline-error" data-testid="docs-error">
                                <p>{ &error.message }</p>
                                <p class="code">{ format!("Code: {}", error.code) }</p>
                            </div>
                        }
                    </section>
                </div>
                <footer class="sheet-footer">
                    if let Some(note) = note {
                        <p class="sheet-note" data-testid="connect-note">{ note }</p>
                    }
                    <button type="button" class="button" onclick={close}>{ "Close" }</button>
                    if note.is_none() {
                        <button type="button" class="button button-primary" data-testid="connect-button"
                            aria-haspopup="dialog" onclick={connect}>
                            { "Connect" }
                        </button>
                    }
                </footer>
            </section>
        </div>
    }
}
