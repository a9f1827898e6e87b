//! The page root: owns the Marketplace and Shell reducers, talks to the shell (catalog, session,
//! connections, `oauth-finished`, `session-changed`, `app_ready`), handles the page-wide keys and
//! moves focus when the sheet opens and closes.

use crate::api;
use crate::components::ask_dialog::AskDialog;
use crate::components::banners::{ErrorBanner, ProblemsBanner, Tone};
use crate::components::card_grid::{focus_card, CardGrid};
use crate::components::chips::CategoryChips;
use crate::components::connect::ConnectDialog;
use crate::components::connections::ConnectionsPage;
use crate::components::done_step::UseWithLauncher;
use crate::components::empty_state::EmptyState;
use crate::components::oauth::{OAuthEvent, WaitingSlot};
use crate::components::search::SearchField;
use crate::components::settings::SettingsPage;
use crate::components::sheet::{ConnectorSheet, TITLE_ID};
use crate::components::sidebar::Sidebar;
use crate::components::skeleton::SkeletonGrid;
use crate::components::vault_screens::{FirstRun, Unlock};
use crate::hooks::{use_connections, use_open_connection};
use crate::start;
use crate::state::connections::{connection_count_text, ConnLoad, ShowConnection};
use crate::state::marketplace::{Action, Load, Marketplace};
use crate::state::message::sentence;
use crate::state::oauth::claims;
use crate::state::settings::idle_label;
use crate::state::shell::{needed_screen, Page, Shell, ShellAction, VaultScreen};
use keyport_model::{CardsView, Category, OAuthVia};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The cards the page was written with (its first look); fetched from the shell otherwise.
    #[prop_or_default]
    pub cards: Option<CardsView>,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let written = props.cards.is_some();
    let state = use_reducer(|| Marketplace::starting(props.cards.clone()));
    let shell = use_reducer(Shell::default);
    let conns = use_connections(shell.page == Page::Connections && shell.screen().is_none());
    // The connection the Connections page brings into view next (the wizard's Open connection,
    // the tray's `open-connection`).
    let show_conn = use_state(|| None::<ShowConnection>);
    let shell_note = use_state(|| None::<String>);
    let search_ref = use_node_ref();
    // A program's "ask before use" question is showing (it takes the page like a dialog).
    let asking = use_state(|| false);

    // The vault session whenever the shell reports a change (the keyring's unlock after the first
    // paint, the idle lock); the first look is taken once the page has painted (below).
    {
        let dispatch = shell.dispatcher();
        use_effect_with((), move |_| {
            let listener = api::listen_session_changed(move |session| {
                dispatch.dispatch(ShellAction::Session(session));
            })
            .ok();
            move || drop(listener)
        });
    }

    // Typing and clicking keep the vault open: the shell counts commands as activity, so ask for
    // the (cheap) session at most once a minute while the person is active.
    {
        let dispatch = shell.dispatcher();
        use_effect_with((), move |_| {
            let last = Rc::new(Cell::new(js_sys::Date::now()));
            let handler = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
                let now = js_sys::Date::now();
                if now - last.get() < 60_000.0 {
                    return;
                }
                last.set(now);
                let dispatch = dispatch.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(session) = api::session().await {
                        dispatch.dispatch(ShellAction::Session(session));
                    }
                });
            });
            let document = web_sys::window().and_then(|w| w.document());
            if let Some(document) = &document {
                for kind in ["keydown", "pointerdown"] {
                    let _ = document
                        .add_event_listener_with_callback(kind, handler.as_ref().unchecked_ref());
                }
            }
            move || {
                if let Some(document) = &document {
                    for kind in ["keydown", "pointerdown"] {
                        let _ = document.remove_event_listener_with_callback(
                            kind,
                            handler.as_ref().unchecked_ref(),
                        );
                    }
                }
            }
        });
    }

    // The window title names the page.
    {
        let title = shell.title();
        use_effect_with(title, move |title| {
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                document.set_title(title);
            }
        });
    }

    // Fetch the cards at start (unless the page came with them) and on every Reload; skeletons
    // only if they take over 150 ms.
    {
        let dispatch = state.dispatcher();
        use_effect_with(state.generation, move |generation| {
            if *generation == 0 && written {
                return;
            }
            let skeleton = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                api::sleep(150).await;
                skeleton.dispatch(Action::ShowSkeleton);
            });
            wasm_bindgen_futures::spawn_local(async move {
                match api::catalog_cards().await {
                    Ok(view) => dispatch.dispatch(Action::Loaded(view)),
                    Err(error) => dispatch.dispatch(Action::Failed(error)),
                }
            });
        });
    }

    // The whole catalog (the sheet, the connect dialog, Connections) once the first paint is
    // done, so it never delays it; again on every Reload.
    let painted = use_state(|| false);
    {
        let dispatch = state.dispatcher();
        use_effect_with((state.generation, *painted), move |(_, painted)| {
            if *painted {
                wasm_bindgen_futures::spawn_local(async move {
                    match api::catalog().await {
                        Ok(view) => dispatch.dispatch(Action::Full(view)),
                        Err(error) => dispatch.dispatch(Action::Failed(error)),
                    }
                });
            }
        });
    }

    // How each sign-in ended (`oauth-finished`): the waiting dialog takes its own flow's outcome;
    // a new connection refreshes Connections; any other refusal is a banner. The listener calls
    // the handler of the latest render, so it never works from stale state.
    let waiting = use_state(WaitingSlot::default);
    let oauth_event = use_state(|| None::<OAuthEvent>);
    let on_finished = {
        let waiting = (*waiting).clone();
        let oauth_event = oauth_event.clone();
        let seq = use_mut_ref(|| 0_u32);
        let reload = conns.reload.clone();
        let note = shell_note.clone();
        let dispatch = state.dispatcher();
        let cards = state.cards().cloned();
        Callback::from(move |finished: api::Finished| {
            let claimed = waiting
                .0
                .borrow()
                .as_ref()
                .is_some_and(|(flow, connector)| claims(flow, connector, &finished));
            match &finished.outcome {
                api::Outcome::Connected { connection } => {
                    reload.emit(());
                    let name = cards
                        .as_ref()
                        .and_then(|c| c.cards.iter().find(|c| c.id == connection.connector_id))
                        .map_or_else(|| connection.name.clone(), |c| c.name.clone());
                    note.set(Some(format!("{name} connected")));
                }
                api::Outcome::Failed { error } => {
                    if !claimed && finished.via != OAuthVia::Paste {
                        dispatch.dispatch(Action::CallbackError(error.clone()));
                    }
                }
            }
            if claimed {
                let next = seq.borrow().wrapping_add(1);
                *seq.borrow_mut() = next;
                oauth_event.set(Some(OAuthEvent {
                    seq: next,
                    finished: Rc::new(finished),
                }));
            }
        })
    };
    let latest_finished = use_mut_ref(Callback::<api::Finished>::noop);
    *latest_finished.borrow_mut() = on_finished;
    {
        let latest = latest_finished.clone();
        use_effect_with((), move |_| {
            let listener = api::listen_oauth_finished(move |finished| {
                let handler = latest.borrow().clone();
                handler.emit(finished);
            })
            .ok();
            move || drop(listener)
        });
    }

    // Ctrl+F, Esc, and the keys that would reload, print or open devtools in the webview.
    {
        let dispatch = state.dispatcher();
        let shell_dispatch = shell.dispatcher();
        let search_ref = search_ref.clone();
        use_effect_with((), move |_| {
            let handler = Closure::<dyn FnMut(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                on_page_key(&e, &search_ref, &dispatch, &shell_dispatch);
            });
            let document = web_sys::window().and_then(|w| w.document());
            if let Some(document) = &document {
                let _ = document
                    .add_event_listener_with_callback("keydown", handler.as_ref().unchecked_ref());
            }
            move || {
                if let Some(document) = &document {
                    let _ = document.remove_event_listener_with_callback(
                        "keydown",
                        handler.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    // Tell the shell once, after the first render that shows the loaded page (or its error);
    // only then ask for the vault session, which may reach the keyring: the paint comes first.
    {
        let sent = use_mut_ref(|| false);
        let settled = !matches!(state.load, Load::Loading { .. });
        let latest = latest_finished.clone();
        let dispatch = shell.dispatcher();
        let painted = painted.setter();
        use_effect_with(settled, move |settled| {
            if *settled && !*sent.borrow() {
                *sent.borrow_mut() = true;
                start::replace_first_look();
                wasm_bindgen_futures::spawn_local(async move {
                    for held in api::app_ready().await.unwrap_or_default() {
                        let handler = latest.borrow().clone();
                        handler.emit(held);
                    }
                    painted.set(true);
                    if let Ok(session) = api::session().await {
                        dispatch.dispatch(ShellAction::Session(session));
                    }
                });
            }
        });
    }

    // Focus: the sheet's title when it shows (its connector may arrive after the click), the
    // card it came from when it closes.
    {
        let previous = use_mut_ref(|| None::<String>);
        let shown = state
            .open
            .clone()
            .filter(|id| state.connector(id).is_some());
        use_effect_with(shown, move |open| {
            let document = web_sys::window().and_then(|w| w.document());
            match (open, previous.borrow().as_deref(), &document) {
                (Some(_), _, Some(document)) => {
                    if let Some(title) = document
                        .get_element_by_id(TITLE_ID)
                        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
                    {
                        let _ = title.focus();
                    }
                }
                (None, Some(was), Some(document)) => {
                    if let Some(body) = document.body() {
                        focus_card(&body, was);
                    }
                }
                _ => {}
            }
            *previous.borrow_mut() = open.clone();
        });
    }

    let on_search = send(&state, Action::Search);
    let on_clear = send(&state, |_: ()| Action::ClearSearch);
    let on_select = send(&state, Action::SelectCategory);
    let on_activate = send(&state, Action::Activate);
    let on_open = send(&state, Action::OpenSheet);
    let on_close = send(&state, |_: ()| Action::CloseSheet);
    let on_reload = send(&state, |_: ()| Action::Reload);
    let on_copy = {
        let dispatch = state.dispatcher();
        let open = state.open.clone();
        Callback::from(move |code: AttrValue| {
            let dispatch = dispatch.clone();
            let details = copy_details(&code, open.as_deref());
            wasm_bindgen_futures::spawn_local(async move {
                let note = match api::copy_text(&details).await {
                    Ok(()) => "Details copied",
                    Err(()) => "Copying is not available in this window",
                };
                dispatch.dispatch(Action::Note(note.to_owned()));
            });
        })
    };
    let on_docs = {
        let dispatch = state.dispatcher();
        Callback::from(move |id: String| {
            let dispatch = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::open_docs(&id).await {
                    Ok(()) => dispatch.dispatch(Action::Note(
                        "API documentation opened in your browser".to_owned(),
                    )),
                    Err(error) => dispatch.dispatch(Action::SheetFailed(error)),
                }
            });
        })
    };

    let on_navigate = {
        let dispatch = shell.dispatcher();
        let note = shell_note.clone();
        Callback::from(move |page: Page| {
            note.set(None);
            dispatch.dispatch(ShellAction::Navigate(page));
        })
    };
    let on_connect = {
        let dispatch = shell.dispatcher();
        let marketplace = state.dispatcher();
        let gated = needed_screen(shell.session.as_ref()).is_some();
        Callback::from(move |id: String| {
            if gated {
                // The vault screen takes the page; the dialog opens once it is done.
                marketplace.dispatch(Action::CloseSheet);
            }
            dispatch.dispatch(ShellAction::Connect(id));
        })
    };
    let on_unlock = {
        let dispatch = shell.dispatcher();
        Callback::from(move |_: ()| dispatch.dispatch(ShellAction::Unlock))
    };
    let on_lock = {
        let dispatch = shell.dispatcher();
        let note = shell_note.clone();
        Callback::from(move |_: ()| {
            let (dispatch, note) = (dispatch.clone(), note.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::vault_lock().await {
                    Ok(session) => {
                        dispatch.dispatch(ShellAction::Session(session));
                        note.set(Some("Vault locked".to_owned()));
                    }
                    Err(error) => note.set(Some(sentence(&error.message))),
                }
            });
        })
    };
    let on_idle = {
        let dispatch = shell.dispatcher();
        let note = shell_note.clone();
        Callback::from(move |minutes: u32| {
            let (dispatch, note) = (dispatch.clone(), note.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::set_idle_lock(minutes).await {
                    Ok(session) => {
                        dispatch.dispatch(ShellAction::Session(session));
                        note.set(Some(match minutes {
                            0 => "Auto-lock turned off".to_owned(),
                            m => format!("Locks after {} idle", idle_label(m)),
                        }));
                    }
                    Err(error) => note.set(Some(sentence(&error.message))),
                }
            });
        })
    };
    let on_settings_session = {
        let dispatch = shell.dispatcher();
        Callback::from(move |session| dispatch.dispatch(ShellAction::Session(session)))
    };
    let on_settings_note = {
        let note = shell_note.clone();
        Callback::from(move |text: String| note.set(Some(text)))
    };
    let on_ready = {
        let dispatch = shell.dispatcher();
        let note = shell_note.clone();
        let creating = shell.screen() == Some(VaultScreen::FirstRun);
        Callback::from(move |session| {
            note.set(Some(
                if creating {
                    "Vault created"
                } else {
                    "Vault unlocked"
                }
                .to_owned(),
            ));
            dispatch.dispatch(ShellAction::VaultReady(session));
        })
    };
    let on_cancel_gate = {
        let dispatch = shell.dispatcher();
        Callback::from(move |_: ()| dispatch.dispatch(ShellAction::CancelGate))
    };
    let on_close_connect = {
        let dispatch = shell.dispatcher();
        let from = shell.connect.clone();
        let sheet_open = state.open.is_some();
        Callback::from(move |_: ()| {
            dispatch.dispatch(ShellAction::CloseConnect);
            // Focus returns to the opener: the sheet's Connect button, else the card.
            let selector = match (&from, sheet_open) {
                (_, true) => "[data-testid=\"connect-button\"]".to_owned(),
                (Some(id), false) => {
                    format!("[data-testid=\"connector-card\"][data-connector-id=\"{id}\"]")
                }
                (None, false) => return,
            };
            let focus = move || crate::components::connections::focus_selector(&selector);
            wasm_bindgen_futures::spawn_local(async move {
                api::sleep(0).await;
                focus();
            });
        })
    };
    // The wizard's Open connection, and its Use with AI tools…, which also opens the new
    // connection's Use with dialog (the Connections page owns it).
    let from_wizard = |use_with: bool| {
        let dispatch = shell.dispatcher();
        let marketplace = state.dispatcher();
        let show_conn = show_conn.clone();
        Callback::from(move |id: String| {
            marketplace.dispatch(Action::CloseSheet);
            show_conn.set(Some(ShowConnection {
                id: AttrValue::from(id),
                reconnect: false,
                use_with,
            }));
            dispatch.dispatch(ShellAction::Navigate(Page::Connections));
        })
    };
    let on_open_connections = from_wizard(false);
    let use_with_launcher = UseWithLauncher(from_wizard(true));
    // The tray's Reconnect X… and Open: the same, and a dead OAuth grant signs in again.
    {
        let dispatch = shell.dispatcher();
        let marketplace = state.dispatcher();
        let show_conn = show_conn.clone();
        use_open_connection(Callback::from(move |id: String| {
            marketplace.dispatch(Action::CloseSheet);
            show_conn.set(Some(ShowConnection {
                id: AttrValue::from(id),
                reconnect: true,
                use_with: false,
            }));
            dispatch.dispatch(ShellAction::Navigate(Page::Connections));
        }));
    }
    let on_shown = {
        let show_conn = show_conn.clone();
        Callback::from(move |_: ()| show_conn.set(None))
    };
    let on_another = {
        let dispatch = shell.dispatcher();
        Callback::from(move |_: ()| dispatch.dispatch(ShellAction::ConnectAnother))
    };
    let on_connected = {
        let reload = conns.reload.clone();
        let note = shell_note.clone();
        Callback::from(move |view: keyport_model::ConnectionView| {
            reload.emit(());
            note.set(Some(format!("{} connected", view.name)));
        })
    };
    let on_browse = {
        let dispatch = shell.dispatcher();
        Callback::from(move |_: ()| dispatch.dispatch(ShellAction::Navigate(Page::Marketplace)))
    };
    let on_changed = {
        let reload = conns.reload.clone();
        let note = shell_note.clone();
        Callback::from(move |text: String| {
            reload.emit(());
            note.set(Some(text));
        })
    };
    let on_note = {
        let note = shell_note.clone();
        Callback::from(move |text: String| note.set(Some(text)))
    };

    let sheet = state.open.as_deref().and_then(|id| state.connector(id));
    let dialog = shell.connect.as_deref().and_then(|id| state.connector(id));
    let modal = sheet.is_some() || dialog.is_some() || *asking;
    let on_unlock_ask = on_unlock.clone();
    let cards = state.cards().cloned();
    let total = cards.as_ref().map(|c| c.cards.len());
    let status = match (&*shell_note, shell.page, &conns.load) {
        (Some(note), _, _) => note.clone(),
        (None, Page::Marketplace, _) => state.status_text(),
        (None, Page::Connections, ConnLoad::Loaded(list)) => connection_count_text(list.len()),
        (None, Page::Connections, _) => String::new(),
        (None, Page::Settings, _) => String::new(),
    };
    let locked = shell
        .session
        .as_ref()
        .is_some_and(|s| s.vault.initialized && !s.unlocked);

    let alerts = html! {
        <>
            if let Load::Failed(error) = &state.load {
                <ErrorBanner
                    testid="load-error"
                    tone={Tone::Error}
                    message={error.message.clone()}
                    code={error.code.clone()}
                    action={Some((AttrValue::from("Retry"), on_reload.clone()))}
                    on_copy={on_copy.clone()}
                />
            }
            if let Some(cards) = cards.as_ref().filter(|c| !c.problems.is_empty()) {
                if !state.problems_dismissed {
                    <ProblemsBanner
                        problems={cards.problems.clone()}
                        on_reload={on_reload.clone()}
                        on_dismiss={send(&state, |_: ()| Action::DismissProblems)}
                        on_copy={on_copy.clone()}
                    />
                }
            }
            if let Some(error) = &state.callback_error {
                <ErrorBanner
                    testid="callback-error"
                    tone={Tone::Error}
                    message={error.message.clone()}
                    code={error.code.clone()}
                    on_dismiss={Some(send(&state, |_: ()| Action::DismissCallback))}
                    on_copy={on_copy.clone()}
                />
            }
        </>
    };

    let body = match &state.load {
        Load::Loading { skeleton: true } => html! { <SkeletonGrid /> },
        Load::Loading { skeleton: false } => html! {},
        Load::Failed(_) => html! {
            <EmptyState
                title="No connectors to show"
                hint={html! { "The catalog could not be loaded; the message above says why." }}
            />
        },
        Load::Loaded(_) => {
            let visible = state.visible();
            let active = state.active_index(&visible);
            let empty = if !visible.is_empty() {
                html! {}
            } else if !state.needle().is_empty() {
                html! {
                    <EmptyState
                        title={format!("No connectors match \"{}\"", state.query.trim())}
                        hint={html! { <>
                            { "Check the spelling, or add your own connector with " }
                            <code class="code">{ "keyport catalog add FILE" }</code>{ "." }
                        </> }}
                        action={Some((AttrValue::from("Clear search"), on_clear.clone()))}
                    />
                }
            } else {
                let label = state.category.map_or("this category", Category::label);
                html! {
                    <EmptyState
                        title={format!("No connectors in {label} yet")}
                        hint={html! { <>
                            { "Add your own connector with " }
                            <code class="code">{ "keyport catalog add FILE" }</code>{ "." }
                        </> }}
                        action={Some((
                            AttrValue::from("Show all categories"),
                            on_select.reform(|_: ()| None),
                        ))}
                    />
                }
            };
            html! {
                <>
                    <CardGrid
                        connectors={visible}
                        {active}
                        on_activate={on_activate.clone()}
                        on_open={on_open.clone()}
                    />
                    { empty }
                </>
            }
        }
    };

    let marketplace = html! {
        <main class="page" id="marketplace" data-testid="marketplace"
            inert={modal} aria-busy={matches!(state.load, Load::Loading { .. }).then_some("true")}>
            <header class="page-header">
                <h1 class="page-title">{ "Marketplace" }</h1>
                <SearchField
                    query={AttrValue::from(state.query.clone())}
                    {total}
                    input_ref={search_ref.clone()}
                    on_input={on_search}
                    on_clear={on_clear.clone()}
                />
            </header>
            <CategoryChips chips={state.chips()} {on_select} />
            <div class="scroller">{ body }</div>
        </main>
    };
    let page = match (shell.screen(), shell.page) {
        (Some(VaultScreen::FirstRun), _) => html! {
            <FirstRun session={shell.session.clone()} on_ready={on_ready.clone()}
                on_cancel={on_cancel_gate.clone()} />
        },
        (Some(VaultScreen::Unlock), _) => html! {
            <Unlock session={shell.session.clone()} on_ready={on_ready.clone()}
                on_cancel={on_cancel_gate.clone()} />
        },
        (None, Page::Marketplace) => marketplace,
        (None, Page::Connections) => html! {
            <ConnectionsPage
                load={conns.load.clone()}
                catalog={state.full.clone()}
                {locked}
                inert={modal}
                on_unlock={on_unlock.clone()}
                {on_browse}
                on_retry={conns.retry.clone()}
                {on_changed}
                {on_note}
                show={(*show_conn).clone()}
                {on_shown}
                waiting={(*waiting).clone()}
                oauth_event={(*oauth_event).clone()}
            />
        },
        (None, Page::Settings) => html! {
            <SettingsPage
                session={shell.session.clone()}
                inert={modal}
                {on_idle}
                on_session={on_settings_session}
                on_note={on_settings_note}
                on_create={on_unlock.clone()}
                on_connections={on_navigate.reform(|_: ()| Page::Connections)}
            />
        },
    };

    html! {
        <div class="app">
            <Sidebar
                inert={modal}
                page={shell.page}
                session={shell.session.clone()}
                {on_navigate}
                {on_unlock}
                {on_lock}
            />
            <div class="content">
                <div class="alerts" role="alert" data-testid="alert">{ alerts }</div>
                { page }
            </div>
            <div class="sr-only" role="status" data-testid="status">{ status }</div>
            if let Some(connector) = sheet {
                <ConnectorSheet
                    {connector}
                    error={state.sheet_error.clone()}
                    {on_close}
                    {on_docs}
                    {on_connect}
                    inert={dialog.is_some()}
                />
            }
            if let Some((key, connector)) = dialog.map(|c| (format!("{}-{}", c.id, shell.connect_generation), c)) {
                <ContextProvider<UseWithLauncher> context={use_with_launcher}>
                    <ConnectDialog
                        {key}
                        {connector}
                        on_close={on_close_connect}
                        {on_open_connections}
                        {on_another}
                        {on_connected}
                        waiting={(*waiting).clone()}
                        oauth_event={(*oauth_event).clone()}
                    />
                </ContextProvider<UseWithLauncher>>
            }
            <AskDialog painted={*painted} unlocked={shell.session.as_ref().is_some_and(|s| s.unlocked)}
                on_unlock={on_unlock_ask}
                on_showing={Callback::from(move |showing| asking.set(showing))} />
        </div>
    }
}

/// A callback that dispatches the action `make` builds from its argument.
fn send<T: 'static>(
    state: &UseReducerHandle<Marketplace>,
    make: impl Fn(T) -> Action + 'static,
) -> Callback<T> {
    let dispatch = state.dispatcher();
    Callback::from(move |value| dispatch.dispatch(make(value)))
}

fn on_page_key(
    e: &KeyboardEvent,
    search_ref: &NodeRef,
    dispatch: &UseReducerDispatcher<Marketplace>,
    shell: &UseReducerDispatcher<Shell>,
) {
    let ctrl = e.ctrl_key() || e.meta_key();
    let key = e.key();
    let open = |selector: &str| {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(selector).ok())
            .flatten()
            .is_some()
    };
    let dialog_open = open(
        "[data-testid=\"connect-dialog\"], [data-testid=\"delete-dialog\"], \
         [data-testid=\"reveal-dialog\"], [data-testid=\"reconnect-dialog\"], \
         [data-testid=\"ask-dialog\"]",
    );
    let modal_open = dialog_open || open("[data-testid=\"connector-sheet\"]");
    match key.as_str() {
        "f" | "F" if ctrl && !e.shift_key() => {
            e.prevent_default();
            if !modal_open {
                if let Some(input) = search_ref.cast::<HtmlInputElement>() {
                    let _ = input.focus();
                    input.select();
                }
            }
        }
        "1" | "2" | "3" if ctrl && !e.shift_key() && !e.alt_key() => {
            e.prevent_default();
            if let Some(page) = Page::from_digit(&key).filter(|_| !modal_open) {
                shell.dispatch(ShellAction::Navigate(page));
            }
        }
        // Only the topmost layer closes: a dialog over the sheet handles its own Esc.
        "Escape" if !e.default_prevented() && modal_open && !dialog_open => {
            dispatch.dispatch(Action::CloseSheet);
        }
        // The webview must never reload, print or open devtools.
        "r" | "R" | "p" | "P" if ctrl => e.prevent_default(),
        "i" | "I" if ctrl && e.shift_key() => e.prevent_default(),
        "F5" => e.prevent_default(),
        _ => {}
    }
}

/// What Copy details puts on the clipboard: code, time, connector and app version; no secret.
fn copy_details(code: &str, connector: Option<&str>) -> String {
    let time: String = js_sys::Date::new_0().to_iso_string().into();
    let mut details = format!("Code: {code}\nTime: {time}\n");
    if let Some(connector) = connector {
        details.push_str(&format!("Connector: {connector}\n"));
    }
    details.push_str(concat!("Keyport ", env!("CARGO_PKG_VERSION"), "\n"));
    details
}
