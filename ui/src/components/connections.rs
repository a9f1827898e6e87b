//! The Connections page: the stored connections (metadata only, so it works while locked), each
//! a 56 px row with when it was checked and what the scheduler does next, Reconnect when only a
//! person can make it work again, Test (a live check whose answer updates the row's health
//! badge), Rename (inline), Reveal (a passphrase-gated dialog) and Delete (an alertdialog
//! confirm, which names the AI tools that stop working). Each row says which AI tools run it
//! (read once for the whole list). A request to show one connection (Open connection, the tray's
//! `open-connection`, the wizard's Use with AI tools…) scrolls to its row, focuses and marks it,
//! for a dead OAuth grant from the tray starts the sign-in at once, and from Use with AI tools…
//! opens its Use with dialog.

use super::card::Monogram;
use super::connect::ConnectDialog;
use super::icons;
use super::oauth::{OAuthEvent, ReconnectDialog, WaitingSlot};
use super::reveal::RevealDialog;
use super::use_with::UseWithDialog;
use super::vault_screens::FormError;
use crate::api::{self, ShownError};
use crate::hooks::{use_clock, use_dialog_keys, use_select_when};
use crate::state::connections::{
    connection_count_text, connection_subline, deleted_text, health_badge, reconnect_path,
    schedule_lines, schedule_text, show_outcome, sign_in_ends, ConnLoad, ReconnectPath,
    ShowConnection, ShowOutcome,
};
use crate::state::marketplace::Catalog;
use keyport_model::{ConnectionType, ConnectionView, McpUsageView};
use std::rc::Rc;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConnectionsProps {
    pub load: ConnLoad,
    pub catalog: Option<Rc<Catalog>>,
    /// The vault exists but this app does not hold its key: the list shows, with an Unlock banner.
    pub locked: bool,
    pub inert: bool,
    pub on_unlock: Callback<()>,
    pub on_browse: Callback<()>,
    pub on_retry: Callback<()>,
    /// Something changed (renamed, deleted): reload the list. Carries a note for the status region.
    pub on_changed: Callback<String>,
    /// A note for the status region that needs no reload (a test's outcome).
    pub on_note: Callback<String>,
    /// The connection to bring into view and focus once its row shows (the wizard's Open
    /// connection, the tray's `open-connection`).
    #[prop_or_default]
    pub show: Option<ShowConnection>,
    /// `show` was brought into view.
    #[prop_or_default]
    pub on_shown: Callback<()>,
    /// The OAuth flow a Reconnect waits for, shared with the page root that routes outcomes.
    pub waiting: WaitingSlot,
    /// The last sign-in outcome the waiting flow took.
    pub oauth_event: Option<OAuthEvent>,
}

/// How long a row brought into view keeps its mark.
const MARK_MS: i32 = 2500;

/// The row of connection `id`, as a CSS selector.
fn row_selector(id: &str) -> String {
    format!("[data-testid=\"connection-row\"][data-connection-id=\"{id}\"]")
}

#[function_component(ConnectionsPage)]
pub fn connections_page(props: &ConnectionsProps) -> Html {
    let editing = use_state(|| None::<String>);
    let confirm = use_state(|| None::<ConnectionView>);
    // The connection whose Reveal dialog is open (id, name); the secret stays in the dialog.
    let reveal = use_state(|| None::<(AttrValue, AttrValue)>);
    // The connection whose "Use with" dialog is open (id, name).
    let use_with = use_state(|| None::<(AttrValue, AttrValue)>);
    // Which AI tools run each connection, read once for the list (and again after a Use with).
    let used_by = use_state(Vec::<McpUsageView>::new);
    let used_by_generation = use_state(|| 0u32);
    let error = use_state(|| None::<ShownError>);
    let opener = use_mut_ref(|| None::<String>);
    // The connection whose sign-in Reconnect started.
    let reconnecting = use_state(|| None::<ConnectionView>);
    // The connection whose refused key, token, password or login Reconnect replaces.
    let replacing = use_state(|| None::<ConnectionView>);
    // The row brought into view last, marked for a moment.
    let marked = use_state(|| None::<String>);
    let now = use_clock(20_000);
    let connector_of = {
        let catalog = props.catalog.clone();
        move |view: &ConnectionView| {
            catalog.as_ref().and_then(|c| {
                c.connectors
                    .iter()
                    .find(|k| k.id == view.connector_id)
                    .cloned()
            })
        }
    };

    {
        let used_by = used_by.clone();
        let ids: Vec<String> = match &props.load {
            ConnLoad::Loaded(list) => list.iter().map(|v| v.id.clone()).collect(),
            _ => Vec::new(),
        };
        use_effect_with((ids, *used_by_generation), move |(ids, _)| {
            if !ids.is_empty() {
                wasm_bindgen_futures::spawn_local(async move {
                    // A list without it is only quieter: each row still works.
                    if let Ok(found) = api::ai_tools::used_by().await {
                        used_by.set(found);
                    }
                });
            }
        });
    }
    let tools_of = {
        let used_by = used_by.clone();
        move |id: &str| -> Vec<String> {
            used_by
                .iter()
                .find(|u| u.connection_id == id)
                .map(|u| u.clients.clone())
                .unwrap_or_default()
        }
    };

    // Reconnect: a dead OAuth grant signs in again in the waiting dialog; a refused key is
    // replaced in place in its connector's connect dialog; nothing works on a locked vault, so
    // that unlocks first.
    let on_reconnect = {
        let (reconnecting, replacing, error) =
            (reconnecting.clone(), replacing.clone(), error.clone());
        let (locked, on_unlock) = (props.locked, props.on_unlock.clone());
        let has_connector = {
            let connector_of = connector_of.clone();
            move |view: &ConnectionView| connector_of(view).is_some()
        };
        Callback::from(move |view: ConnectionView| {
            if locked {
                on_unlock.emit(());
                return;
            }
            // An OAuth row whose sign-in ends soon offers Reconnect before it needs it.
            let path = reconnect_path(&view).or((view.connection_type
                == keyport_model::ConnectionType::Oauth2)
                .then_some(ReconnectPath::SignIn));
            match path {
                Some(_) if !has_connector(&view) => error.set(Some(ShownError::new(
                    keyport_model::ErrorCode::CatalogUnknownConnector,
                    &format!(
                        "The catalog has no connector {} any more, so Keyport cannot connect \
                         to it again.",
                        view.connector_id
                    ),
                ))),
                Some(ReconnectPath::SignIn) => {
                    error.set(None);
                    reconnecting.set(Some(view));
                }
                Some(ReconnectPath::NewCredential) => {
                    error.set(None);
                    replacing.set(Some(view));
                }
                None => {}
            }
        })
    };
    let close_reconnect = {
        let reconnecting = reconnecting.clone();
        Callback::from(move |_: ()| {
            // Focus returns to the row (its Reconnect button is gone once it works again).
            if let Some(view) = &*reconnecting {
                refocus_row(&view.id);
            }
            reconnecting.set(None);
        })
    };
    let close_replace = {
        let replacing = replacing.clone();
        Callback::from(move |_: ()| {
            if let Some(view) = &*replacing {
                refocus_row(&view.id);
            }
            replacing.set(None);
        })
    };
    let on_replaced = {
        let (close_replace, on_changed) = (close_replace.clone(), props.on_changed.clone());
        Callback::from(move |view: ConnectionView| {
            on_changed.emit(format!("{} is connected again", view.name));
            close_replace.emit(());
        })
    };

    let on_rename = {
        let (editing, error) = (editing.clone(), error.clone());
        let on_changed = props.on_changed.clone();
        Callback::from(move |(id, name): (String, String)| {
            let (editing, error, on_changed) = (editing.clone(), error.clone(), on_changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::connection_rename(&id, &name).await {
                    Ok(view) => {
                        editing.set(None);
                        error.set(None);
                        on_changed.emit(format!("Renamed to {}", view.name));
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let on_delete = {
        let (confirm, error) = (confirm.clone(), error.clone());
        let on_changed = props.on_changed.clone();
        Callback::from(move |view: ConnectionView| {
            let (confirm, error, on_changed) = (confirm.clone(), error.clone(), on_changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::connection_delete(&view.id).await {
                    Ok(deletion) => {
                        confirm.set(None);
                        error.set(None);
                        on_changed.emit(deleted_text(&view.name, &deletion));
                    }
                    Err(e) => {
                        confirm.set(None);
                        error.set(Some(e));
                    }
                }
            });
        })
    };
    let ask_delete = {
        let confirm = confirm.clone();
        let opener = opener.clone();
        Callback::from(move |view: ConnectionView| {
            *opener.borrow_mut() = Some(view.id.clone());
            confirm.set(Some(view));
        })
    };
    let cancel_delete = {
        let confirm = confirm.clone();
        let opener = opener.clone();
        Callback::from(move |_: ()| {
            confirm.set(None);
            // Focus returns to the row's Delete button.
            if let Some(id) = opener.borrow().as_deref() {
                focus_selector(&format!(
                    "[data-testid=\"connection-row\"][data-connection-id=\"{id}\"] .row-delete"
                ));
            }
        })
    };
    let ask_reveal = {
        let reveal = reveal.clone();
        Callback::from(move |view: ConnectionView| {
            reveal.set(Some((
                AttrValue::from(view.id.clone()),
                AttrValue::from(view.name.clone()),
            )));
        })
    };
    let close_reveal = {
        let reveal = reveal.clone();
        Callback::from(move |_: ()| {
            // Focus returns to the row's Reveal button.
            if let Some((id, _)) = &*reveal {
                let selector = format!(
                    "[data-testid=\"connection-row\"][data-connection-id=\"{id}\"] .row-reveal"
                );
                wasm_bindgen_futures::spawn_local(async move {
                    api::sleep(0).await;
                    focus_selector(&selector);
                });
            }
            reveal.set(None);
        })
    };
    let ask_use_with = {
        let use_with = use_with.clone();
        Callback::from(move |view: ConnectionView| {
            use_with.set(Some((AttrValue::from(view.id), AttrValue::from(view.name))));
        })
    };
    let close_use_with = {
        let (use_with, used_by_generation) = (use_with.clone(), used_by_generation.clone());
        Callback::from(move |_: ()| {
            // An Add may have changed which tools run it.
            used_by_generation.set(*used_by_generation + 1);
            // Focus returns to the row's Use with button.
            if let Some((id, _)) = &*use_with {
                let selector = format!("{} .row-use-with", row_selector(id));
                wasm_bindgen_futures::spawn_local(async move {
                    api::sleep(0).await;
                    focus_selector(&selector);
                });
            }
            use_with.set(None);
        })
    };
    let on_edit = {
        let editing = editing.clone();
        Callback::from(move |id: Option<String>| editing.set(id))
    };
    let on_tested = {
        let error = error.clone();
        let on_note = props.on_note.clone();
        Callback::from(
            move |result: Result<ConnectionView, ShownError>| match result {
                Ok(view) => {
                    error.set(None);
                    on_note.emit(test_note(&view));
                }
                Err(e) => error.set(Some(e)),
            },
        )
    };

    // Open connection and the tray: once the row is listed and the page takes focus again,
    // bring it into view, focus and mark it; a dead OAuth grant from the tray signs in again.
    {
        let outcome = match (&props.load, &props.show) {
            (ConnLoad::Loaded(list), Some(show)) => show_outcome(list, show),
            _ => ShowOutcome::Wait,
        };
        let view = match (&props.load, &props.show) {
            (ConnLoad::Loaded(list), Some(show)) => {
                list.iter().find(|v| v.id == show.id.as_str()).cloned()
            }
            _ => None,
        };
        let (on_shown, on_reconnect, marked) =
            (props.on_shown.clone(), on_reconnect.clone(), marked.clone());
        let ask_use_with = ask_use_with.clone();
        use_effect_with(
            (props.show.clone(), outcome, props.inert),
            move |(show, outcome, inert)| {
                if let (Some(show), false, false) = (show, *outcome == ShowOutcome::Wait, *inert) {
                    let selector = row_selector(&show.id);
                    if let Some(Ok(Some(row))) = web_sys::window()
                        .and_then(|w| w.document())
                        .map(|d| d.query_selector(&selector))
                    {
                        row.scroll_into_view_with_bool(false);
                    }
                    focus_selector(&selector);
                    marked.set(Some(show.id.to_string()));
                    let (marked, id) = (marked.clone(), show.id.to_string());
                    wasm_bindgen_futures::spawn_local(async move {
                        api::sleep(MARK_MS).await;
                        // Only the mark this request set goes.
                        if marked.as_deref() == Some(id.as_str()) {
                            marked.set(None);
                        }
                    });
                    on_shown.emit(());
                    match (outcome, view) {
                        (ShowOutcome::FocusAndSignIn, Some(view)) => on_reconnect.emit(view),
                        (ShowOutcome::FocusAndUseWith, Some(view)) => ask_use_with.emit(view),
                        _ => {}
                    }
                }
            },
        );
    }

    let count = match &props.load {
        ConnLoad::Loaded(list) => Some(list.len()),
        _ => None,
    };
    let body = match &props.load {
        ConnLoad::Loading => html! {
            <ul class="conn-list" aria-hidden="true">
                { for (0..6).map(|_| html! {
                    <li class="conn-row conn-skeleton">
                        <span class="monogram shimmer"></span>
                        <span class="conn-main"><span class="bar bar-name shimmer"></span>
                            <span class="bar bar-category shimmer"></span></span>
                    </li>
                }) }
            </ul>
        },
        ConnLoad::Failed(error) => html! {
            <div class="empty" data-testid="connections-error">
                <p class="empty-title">{ "The connections could not be loaded" }</p>
                <FormError error={error.clone()} />
                <button type="button" class="button" onclick={props.on_retry.reform(|_: MouseEvent| ())}>
                    { "Retry" }
                </button>
            </div>
        },
        ConnLoad::Loaded(list) if list.is_empty() => html! {
            <div class="empty" data-testid="empty-state">
                <span class="empty-mark">{ icons::link() }</span>
                <p class="empty-title">{ "No connections yet" }</p>
                <p class="empty-hint">
                    { "Pick a service in the Marketplace and connect it with its API key or token." }
                </p>
                <button type="button" class="button button-primary"
                    onclick={props.on_browse.reform(|_: MouseEvent| ())}>
                    { "Browse the Marketplace" }
                </button>
            </div>
        },
        ConnLoad::Loaded(list) => html! {
            <ul class="conn-list" role="list" data-testid="connection-list" aria-label="Connections">
                { for list.iter().map(|view| {
                    let connector = props.catalog.as_ref().and_then(|c| {
                        c.connectors.iter().find(|k| k.id == view.connector_id).cloned()
                    });
                    html! {
                        <ConnectionRow
                            key={view.id.clone()}
                            view={view.clone()}
                            connector_name={connector.as_ref().map(|c| AttrValue::from(c.name.clone()))}
                            monogram={connector.as_ref().map(|c| (AttrValue::from(c.icon.monogram.clone()), AttrValue::from(c.icon.color.clone())))}
                            lifetime_days={connector.as_ref().and_then(|c| c.oauth2.as_ref()?.keep_alive.as_ref()?.lifetime_days)}
                            editing={editing.as_deref() == Some(view.id.as_str())}
                            on_edit={on_edit.clone()}
                            on_rename={on_rename.clone()}
                            on_delete={ask_delete.clone()}
                            on_reveal={ask_reveal.clone()}
                            on_use_with={ask_use_with.clone()}
                            used_by={used_by_text(&tools_of(&view.id)).map(AttrValue::from)}
                            on_tested={on_tested.clone()}
                            on_reconnect={on_reconnect.clone()}
                            marked={marked.as_deref() == Some(view.id.as_str())}
                            {now}
                        />
                    }
                }) }
            </ul>
        },
    };

    html! {
        <>
            <main class="page" data-testid="connections" aria-labelledby="connections-title"
                inert={props.inert || confirm.is_some() || reveal.is_some() || reconnecting.is_some()
                    || use_with.is_some()}>
                <header class="page-header page-header-simple">
                    <h1 id="connections-title" class="page-title">{ "Connections" }</h1>
                    if let Some(count) = count.filter(|n| *n > 0) {
                        <p class="page-count">{ connection_count_text(count) }</p>
                    }
                    <button type="button" class="button button-primary header-action"
                        onclick={props.on_browse.reform(|_: MouseEvent| ())}>
                        { "Connect a service" }
                    </button>
                </header>
                <div class="scroller conn-scroller">
                    if props.locked {
                        <div class="banner banner-info" data-testid="locked-banner">
                            { icons::lock() }
                            <div class="banner-body">
                                <p class="banner-message">{ "The vault is locked" }</p>
                                <p class="banner-detail">
                                    { "You can see your connections; unlock to add one or use its credential." }
                                </p>
                            </div>
                            <div class="banner-actions">
                                <button type="button" class="button button-primary"
                                    onclick={props.on_unlock.reform(|_: MouseEvent| ())}>
                                    { "Unlock" }
                                </button>
                            </div>
                        </div>
                    }
                    if let Some(error) = &*error {
                        <FormError error={error.clone()} />
                    }
                    { body }
                </div>
            </main>
            if let Some(view) = &*confirm {
                <DeleteConfirm view={view.clone()}
                    connector_name={connector_of(view).map(|c| c.name.clone()).unwrap_or_else(|| view.connector_id.clone())}
                    tools={tools_of(&view.id)} on_cancel={cancel_delete} on_delete={on_delete} />
            }
            if let Some((id, name)) = &*reveal {
                <RevealDialog key={id.to_string()} id={id.clone()} name={name.clone()} on_close={close_reveal} />
            }
            if let Some((id, name)) = &*use_with {
                <UseWithDialog key={id.to_string()} id={id.clone()} name={name.clone()} on_close={close_use_with} />
            }
            if let Some((view, connector)) = reconnecting.as_ref().and_then(|v| Some((v, connector_of(v)?))) {
                <ReconnectDialog key={view.id.clone()} {connector}
                    connection_id={view.id.clone()} connection_name={view.name.clone()}
                    waiting={props.waiting.clone()} event={props.oauth_event.clone()}
                    on_close={close_reconnect} />
            }
            if let Some((view, connector)) = replacing.as_ref().and_then(|v| Some((v, connector_of(v)?))) {
                <ConnectDialog key={view.id.clone()} {connector} replacing={view.clone()}
                    on_close={close_replace} on_connected={on_replaced}
                    on_open_connections={Callback::noop()} on_another={Callback::noop()}
                    waiting={props.waiting.clone()} oauth_event={None::<OAuthEvent>} />
            }
        </>
    }
}

/// Focus returns to a connection's row after a dialog over it closes: to its Reconnect button
/// while it still has one, else to the row.
fn refocus_row(id: &str) {
    let selector = row_selector(id);
    wasm_bindgen_futures::spawn_local(async move {
        api::sleep(0).await;
        focus_selector(&format!("{selector} .row-reconnect"));
        if !focus_within(&selector) {
            focus_selector(&selector);
        }
    });
}

#[derive(Properties, PartialEq)]
struct RowProps {
    view: ConnectionView,
    connector_name: Option<AttrValue>,
    monogram: Option<(AttrValue, AttrValue)>,
    /// Days its connector's OAuth grants live at most (`keep_alive.lifetime_days`).
    lifetime_days: Option<u32>,
    editing: bool,
    on_edit: Callback<Option<String>>,
    on_rename: Callback<(String, String)>,
    on_delete: Callback<ConnectionView>,
    on_reveal: Callback<ConnectionView>,
    on_use_with: Callback<ConnectionView>,
    /// `Used by Claude Desktop, Cursor`, when some AI tool runs it.
    used_by: Option<AttrValue>,
    /// A test finished: the checked view, or why the check could not run.
    on_tested: Callback<Result<ConnectionView, ShownError>>,
    on_reconnect: Callback<ConnectionView>,
    /// Brought into view a moment ago (Open connection, the tray).
    marked: bool,
    /// The page's clock, Unix seconds, for the relative times.
    now: i64,
}

/// What the status region says after a test: `Stripe: Healthy`.
fn test_note(view: &ConnectionView) -> String {
    let (_, _, word) = health_badge(view);
    match &view.last_error {
        Some(detail) if !detail.is_empty() => format!("{}: {word} ({detail})", view.name),
        _ => format!("{}: {word}", view.name),
    }
}

#[function_component(ConnectionRow)]
fn connection_row(props: &RowProps) -> Html {
    // The view a Test returned, shown until the list brings a newer one.
    let tested = use_state(|| None::<ConnectionView>);
    {
        let tested = tested.clone();
        use_effect_with(props.view.clone(), move |_| tested.set(None));
    }
    let testing = use_state(|| false);
    let v = tested.as_ref().unwrap_or(&props.view);
    let draft = use_state(|| v.name.clone());
    let input = use_node_ref();
    use_select_when(input.clone(), props.editing, |editing| *editing);
    let connector_name = props
        .connector_name
        .clone()
        .unwrap_or_else(|| AttrValue::from(v.connector_id.clone()));
    let (text, color) = props.monogram.clone().unwrap_or_else(|| {
        (
            AttrValue::from(
                v.connector_id
                    .chars()
                    .take(1)
                    .collect::<String>()
                    .to_uppercase(),
            ),
            AttrValue::from("#555E6C"),
        )
    });
    let (health, glyph, word) = health_badge(v);
    let name_id = format!("conn-{}-name", v.id);

    let start_edit = {
        let (on_edit, draft, id, name) = (
            props.on_edit.clone(),
            draft.clone(),
            v.id.clone(),
            v.name.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            draft.set(name.clone());
            on_edit.emit(Some(id.clone()));
        })
    };
    let save = {
        let (on_rename, on_edit, draft, id, name) = (
            props.on_rename.clone(),
            props.on_edit.clone(),
            draft.clone(),
            v.id.clone(),
            v.name.clone(),
        );
        move || {
            let next = draft.trim().to_owned();
            if next.is_empty() || next == name {
                on_edit.emit(None);
            } else {
                on_rename.emit((id.clone(), next));
            }
        }
    };
    let cancel = {
        let on_edit = props.on_edit.clone();
        let id = v.id.clone();
        move || {
            on_edit.emit(None);
            focus_selector(&format!(
                "[data-testid=\"connection-row\"][data-connection-id=\"{id}\"] .row-rename"
            ));
        }
    };
    let onsubmit = {
        let save = save.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            save();
        })
    };
    let onkeydown = {
        let cancel = cancel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                e.stop_propagation();
                cancel();
            }
        })
    };
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let delete = {
        let (on_delete, view) = (props.on_delete.clone(), v.clone());
        Callback::from(move |_: MouseEvent| on_delete.emit(view.clone()))
    };
    let reveal = {
        let (on_reveal, view) = (props.on_reveal.clone(), v.clone());
        Callback::from(move |_: MouseEvent| on_reveal.emit(view.clone()))
    };
    let use_with = {
        let (on_use_with, view) = (props.on_use_with.clone(), v.clone());
        Callback::from(move |_: MouseEvent| on_use_with.emit(view.clone()))
    };
    let test = {
        let (tested, testing, on_tested, id) = (
            tested.clone(),
            testing.clone(),
            props.on_tested.clone(),
            v.id.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            if *testing {
                return;
            }
            testing.set(true);
            let (tested, testing, on_tested, id) = (
                tested.clone(),
                testing.clone(),
                on_tested.clone(),
                id.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::connection_test(&id).await;
                testing.set(false);
                if let Ok(view) = &result {
                    tested.set(Some(view.clone()));
                }
                on_tested.emit(result);
            });
        })
    };
    let reconnect = {
        let (on_reconnect, view) = (props.on_reconnect.clone(), v.clone());
        Callback::from(move |_: MouseEvent| on_reconnect.emit(view.clone()))
    };
    let detail = v.last_error.clone().filter(|e| !e.is_empty());
    let detail_id = format!("conn-{}-health-detail", v.id);
    let schedule = schedule_lines(v, props.now);
    let ending = sign_in_ends(v, props.lifetime_days, props.now);

    html! {
        <li class={classes!("conn-row", props.marked.then_some("conn-row-marked"))}
            data-testid="connection-row" data-connection-id={v.id.clone()}
            data-needs-reconnect={v.needs_reconnect.then_some("true")}
            aria-labelledby={name_id.clone()} tabindex="-1">
            <Monogram {text} {color} />
            <div class="conn-main">
                if props.editing {
                    <form class="rename-form" {onsubmit}>
                        <label class="sr-only" for={format!("rename-{}", v.id)}>{ "New name" }</label>
                        <input id={format!("rename-{}", v.id)} class="input input-row" type="text"
                            data-testid="rename-input" value={(*draft).clone()} {oninput} {onkeydown}
                            ref={input} />
                        <button type="submit" class="button button-row button-primary">{ "Save" }</button>
                        <button type="button" class="button button-row button-quiet"
                            onclick={Callback::from(move |_: MouseEvent| cancel())}>{ "Cancel" }</button>
                    </form>
                } else {
                    <span class="conn-name" id={name_id}>{ &v.name }</span>
                    <span class="conn-sub">
                        { connection_subline(&connector_name, v) }
                    </span>
                    if let Some(used_by) = &props.used_by {
                        <span class="conn-sub conn-used-by" data-testid="used-by" title={used_by.clone()}>
                            { used_by }
                        </span>
                    }
                }
            </div>
            <span class="badge" data-connection-type={v.connection_type.id()}>{ v.connection_type.badge() }</span>
            <span class="health" data-health={health} data-testid="health"
                data-connection-id={v.id.clone()} title={detail.clone()}
                aria-describedby={detail.is_some().then(|| detail_id.clone())}>
                <span class="health-glyph" aria-hidden="true">{ glyph }</span>{ word }
                if let Some(detail) = &detail {
                    <span id={detail_id.clone()} class="sr-only" data-testid="health-detail">
                        { detail }
                    </span>
                }
            </span>
            <span class="conn-date" data-testid="schedule" title={schedule_text(v)}>
                <span class="conn-date-line" data-testid="last-check">{ schedule.last }</span>
                if let Some(next) = schedule.next {
                    <span class="conn-date-line" data-testid="next-jobs">{ next }</span>
                }
                if let Some(ending) = &ending {
                    <span class="conn-date-line conn-warning" data-testid="sign-in-ends">{ ending }</span>
                }
            </span>
            <span class="conn-actions">
                if reconnect_path(v).is_some() || ending.is_some() {
                    <button type="button" class="button button-row button-primary row-reconnect"
                        data-testid="reconnect" aria-label={format!("Reconnect {}", v.name)}
                        onclick={reconnect}>
                        { "Reconnect" }
                    </button>
                }
                <button type="button" class="button button-row row-test" data-testid="test"
                    aria-label={format!("Test {}", v.name)} onclick={test}
                    aria-busy={testing.then_some("true")}
                    aria-disabled={testing.then_some("true")}>
                    if *testing {
                        <span class="spinner" aria-hidden="true"></span>{ "Testing…" }
                    } else {
                        { "Test" }
                    }
                </button>
                <button type="button" class="icon-button row-rename" data-testid="rename"
                    aria-label={format!("Rename {}", v.name)} title="Rename" onclick={start_edit}
                    disabled={props.editing}>
                    { icons::pencil() }
                </button>
                <button type="button" class="button button-row row-use-with" data-testid="use-with"
                    aria-label={format!("Use with AI tools: {}", v.name)} aria-haspopup="dialog"
                    onclick={use_with}>
                    { "Use with…" }
                </button>
                <button type="button" class="icon-button row-reveal" data-testid="reveal"
                    aria-label={format!("Reveal {}", v.name)} title="Reveal" onclick={reveal}>
                    { icons::eye() }
                </button>
                <button type="button" class="icon-button row-delete" data-testid="delete"
                    aria-label={format!("Delete {}", v.name)} title="Delete" onclick={delete}>
                    { icons::trash() }
                </button>
            </span>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct ConfirmProps {
    view: ConnectionView,
    connector_name: String,
    /// The AI tools that run it, by name.
    tools: Vec<String>,
    on_cancel: Callback<()>,
    on_delete: Callback<ConnectionView>,
}

#[function_component(DeleteConfirm)]
fn delete_confirm(props: &ConfirmProps) -> Html {
    let cancel_ref = use_node_ref();
    let dialog = use_node_ref();
    let onkeydown = use_dialog_keys(dialog.clone(), props.on_cancel.clone());
    let busy = use_state(|| false);
    {
        let cancel_ref = cancel_ref.clone();
        use_effect_with((), move |_| {
            if let Some(button) = cancel_ref.cast::<HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let delete = {
        let (on_delete, view, busy) = (props.on_delete.clone(), props.view.clone(), busy.clone());
        Callback::from(move |_: MouseEvent| {
            busy.set(true);
            on_delete.emit(view.clone());
        })
    };
    html! {
        <div class="dialog-layer">
            <div class="scrim" aria-hidden="true"></div>
            <section class="dialog dialog-small" role="alertdialog" aria-modal="true"
                aria-labelledby="delete-title" aria-describedby="delete-text"
                data-testid="delete-dialog" ref={dialog} {onkeydown}>
                <div class="dialog-body">
                    <h2 id="delete-title" class="dialog-title">{ format!("Delete {}?", props.view.name) }</h2>
                    <p id="delete-text" data-testid="delete-text">
                        { delete_text(&props.view, &props.connector_name, &props.tools) }
                    </p>
                </div>
                <footer class="dialog-footer">
                    <button type="button" class="button" ref={cancel_ref} data-testid="delete-cancel"
                        onclick={props.on_cancel.reform(|_: MouseEvent| ())}>{ "Cancel" }</button>
                    <button type="button" class="button button-danger" data-testid="delete-confirm"
                        onclick={delete} disabled={*busy}>
                        { icons::trash() }{ "Delete connection" }
                    </button>
                </footer>
            </section>
        </div>
    }
}

/// `Used by Claude Desktop, Cursor`; none when no AI tool runs it.
pub fn used_by_text(tools: &[String]) -> Option<String> {
    (!tools.is_empty()).then(|| format!("Used by {}", tools.join(", ")))
}

/// `Claude Desktop`, `Claude Desktop and Cursor`, `Claude Desktop, Cursor and VS Code`.
fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What Delete does: an OAuth grant is revoked at the provider (a refusal is reported after);
/// a key, password or service account stays valid there, which Keyport cannot change. The AI
/// tools that run it are named: they stop working.
pub fn delete_text(view: &ConnectionView, connector: &str, tools: &[String]) -> String {
    let provider = if view.connection_type == ConnectionType::Oauth2 {
        format!("Keyport revokes its token at {connector} and forgets it.")
    } else {
        format!(
            "Keyport forgets this credential; it stays valid at {connector} until you revoke it \
             there."
        )
    };
    let users = if tools.is_empty() {
        "Anything that uses it through Keyport stops working.".to_owned()
    } else {
        format!(
            "{} {} it and stop{} working.",
            and_list(tools),
            if tools.len() == 1 { "uses" } else { "use" },
            if tools.len() == 1 { "s" } else { "" }
        )
    };
    format!("{provider} {users} This cannot be undone.")
}

/// Whether focus is on, or inside, the first element matching `selector`.
fn focus_within(selector: &str) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    match (document.query_selector(selector), document.active_element()) {
        (Ok(Some(el)), Some(active)) => el.contains(Some(&active)),
        _ => false,
    }
}

/// Focuses the first element matching `selector`, if any.
pub fn focus_selector(selector: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(Some(el)) = document.query_selector(selector) {
        if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<HtmlElement>(el) {
            let _ = el.focus();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::connection;

    #[test]
    fn the_delete_confirm_says_what_happens_at_the_provider_and_names_the_tools() {
        let tools = vec!["Claude Desktop".to_owned(), "Cursor".to_owned()];
        let oauth = connection("github", ConnectionType::Oauth2);
        assert_eq!(
            delete_text(&oauth, "GitHub", &tools),
            "Keyport revokes its token at GitHub and forgets it. Claude Desktop and Cursor use it \
             and stop working. This cannot be undone."
        );
        let key = connection("stripe", ConnectionType::ApiKey);
        assert_eq!(
            delete_text(&key, "Stripe", &tools[1..]),
            "Keyport forgets this credential; it stays valid at Stripe until you revoke it there. \
             Cursor uses it and stops working. This cannot be undone."
        );
        assert!(delete_text(&key, "Stripe", &[]).contains("Anything that uses it"));
        assert_eq!(
            used_by_text(&tools).as_deref(),
            Some("Used by Claude Desktop, Cursor")
        );
        assert_eq!(used_by_text(&[]), None);
        let three = ["A", "B", "C"].map(str::to_owned);
        assert_eq!(and_list(&three), "A, B and C");
    }
}
