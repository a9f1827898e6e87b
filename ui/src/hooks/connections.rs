//! The stored connections as the Connections page shows them: loaded (by name) whenever the page
//! shows, and again after each change, the background scheduler's included (live, no reload);
//! the shell's requests to show one (`open-connection`); the clock its relative times read.

use crate::api;
use crate::state::connections::{sorted_connections, ConnLoad};
use std::rc::Rc;
use yew::prelude::*;

/// The connection list and how to refresh it.
#[derive(Clone, PartialEq)]
pub struct Connections {
    pub load: ConnLoad,
    /// Something changed (a connection added, renamed, deleted): load the list again, keeping
    /// the current one on screen meanwhile.
    pub reload: Callback<()>,
    /// Retry after a failed load: the skeleton shows until the list arrives.
    pub retry: Callback<()>,
}

/// The connection list, loaded while `showing` (the Connections page is on screen, no vault
/// screen over it) and after each `reload` or `retry`.
#[hook]
pub fn use_connections(showing: bool) -> Connections {
    let load = use_state(|| ConnLoad::Loading);
    // A reducer, not a state: the shell's listener keeps the handle of the first render, and a
    // reducer's dispatch always counts from the current value.
    let generation = use_reducer(Generation::default);
    {
        let generation = generation.dispatcher();
        use_effect_with((), move |_| {
            let listener = api::listen_connections_changed(move || generation.dispatch(())).ok();
            move || drop(listener)
        });
    }
    {
        let load = load.clone();
        use_effect_with((showing, generation.0), move |(showing, _)| {
            if *showing {
                wasm_bindgen_futures::spawn_local(async move {
                    load.set(match api::connections_list().await {
                        Ok(list) => ConnLoad::Loaded(Rc::new(sorted_connections(list))),
                        Err(error) => ConnLoad::Failed(error),
                    });
                });
            }
        });
    }
    let reload = {
        let generation = generation.dispatcher();
        Callback::from(move |_: ()| generation.dispatch(()))
    };
    let retry = {
        let (generation, load) = (generation.dispatcher(), load.clone());
        Callback::from(move |_: ()| {
            load.set(ConnLoad::Loading);
            generation.dispatch(());
        })
    };
    Connections {
        load: (*load).clone(),
        reload,
        retry,
    }
}

/// Calls `on_open` with each connection id the shell asks to show (`open-connection`: the tray's
/// Reconnect X… and Open). The listener is made once and always calls the latest `on_open`.
#[hook]
pub fn use_open_connection(on_open: Callback<String>) {
    let latest = use_mut_ref(Callback::<String>::noop);
    *latest.borrow_mut() = on_open;
    use_effect_with((), move |_| {
        let listener = api::listen_open_connection(move |id| {
            let handler = latest.borrow().clone();
            handler.emit(id);
        })
        .ok();
        move || drop(listener)
    });
}

/// The page's clock in Unix seconds, read again every `period_ms`, so relative times
/// (`checked 4 min ago`, `refresh in 4 min`) move on while the page shows.
#[hook]
pub fn use_clock(period_ms: i32) -> i64 {
    let now = use_state(unix_now);
    {
        let now = now.clone();
        use_effect_with(period_ms, move |period| {
            let stop = Rc::new(std::cell::Cell::new(false));
            let (period, stopped) = (*period, Rc::clone(&stop));
            wasm_bindgen_futures::spawn_local(async move {
                loop {
                    api::sleep(period).await;
                    if stopped.get() {
                        return;
                    }
                    now.set(unix_now());
                }
            });
            move || stop.set(true)
        });
    }
    *now
}

fn unix_now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// How many times the list was asked for again.
#[derive(Default, PartialEq)]
struct Generation(u32);

impl Reducible for Generation {
    type Action = ();

    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Generation(self.0.wrapping_add(1)))
    }
}
