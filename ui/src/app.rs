//! The page root: owns the Marketplace reducer, talks to the shell (catalog, `oauth-callback`,
//! `app_ready`), handles the page-wide keys and moves focus when the sheet opens and closes.

use crate::api;
use crate::components::banners::{ErrorBanner, ProblemsBanner, Tone};
use crate::components::card_grid::{focus_card, CardGrid};
use crate::components::chips::CategoryChips;
use crate::components::empty_state::EmptyState;
use crate::components::search::SearchField;
use crate::components::sheet::{ConnectorSheet, TITLE_ID};
use crate::components::sidebar::Sidebar;
use crate::components::skeleton::SkeletonGrid;
use crate::state::{Action, Load, Marketplace};
use keyport_model::Category;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(Marketplace::default);
    let search_ref = use_node_ref();

    // Fetch the catalog at start and on every Reload; skeletons only if it takes over 150 ms.
    {
        let dispatch = state.dispatcher();
        use_effect_with(state.generation, move |_| {
            let skeleton = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                api::sleep(150).await;
                skeleton.dispatch(Action::ShowSkeleton);
            });
            wasm_bindgen_futures::spawn_local(async move {
                match api::catalog().await {
                    Ok(view) => dispatch.dispatch(Action::Loaded(view)),
                    Err(error) => dispatch.dispatch(Action::Failed(error)),
                }
            });
        });
    }

    // Deep links that could not complete a sign-in.
    {
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = api::listen_oauth_callback(move |error| {
                dispatch.dispatch(Action::CallbackError(error));
            })
            .ok();
            move || drop(listener)
        });
    }

    // Ctrl+F, Esc, and the keys that would reload, print or open devtools in the webview.
    {
        let dispatch = state.dispatcher();
        let search_ref = search_ref.clone();
        use_effect_with((), move |_| {
            let handler = Closure::<dyn FnMut(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                on_page_key(&e, &search_ref, &dispatch);
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

    // Tell the shell once, after the first render that shows the loaded page (or its error).
    {
        let sent = use_mut_ref(|| false);
        let settled = !matches!(state.load, Load::Loading { .. });
        let dispatch = state.dispatcher();
        use_effect_with(settled, move |settled| {
            if *settled && !*sent.borrow() {
                *sent.borrow_mut() = true;
                wasm_bindgen_futures::spawn_local(async move {
                    for held in api::app_ready().await.unwrap_or_default() {
                        dispatch.dispatch(Action::CallbackError(held));
                    }
                });
            }
        });
    }

    // Focus: the sheet's title when it opens, the card it came from when it closes.
    {
        let previous = use_mut_ref(|| None::<String>);
        use_effect_with(state.open.clone(), move |open| {
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

    let sheet = state.open.as_deref().and_then(|id| state.connector(id));
    let modal = sheet.is_some();
    let catalog = state.catalog().cloned();
    let total = catalog.as_ref().map(|c| c.connectors.len());

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
            if let Some(catalog) = catalog.as_ref().filter(|c| !c.problems.is_empty()) {
                if !state.problems_dismissed {
                    <ProblemsBanner
                        problems={catalog.problems.clone()}
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

    html! {
        <div class="app">
            <Sidebar inert={modal} />
            <div class="content">
                <div class="alerts" role="alert" data-testid="alert">{ alerts }</div>
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
            </div>
            <div class="sr-only" role="status" data-testid="status">{ state.status_text() }</div>
            if let Some(connector) = sheet {
                <ConnectorSheet
                    {connector}
                    error={state.sheet_error.clone()}
                    {on_close}
                    {on_docs}
                />
            }
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
) {
    let ctrl = e.ctrl_key() || e.meta_key();
    let key = e.key();
    let modal_open = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("[data-testid=\"connector-sheet\"]").ok())
        .flatten()
        .is_some();
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
        "Escape" if !e.default_prevented() && modal_open => {
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
