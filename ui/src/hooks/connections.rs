//! The stored connections as the Connections page shows them: loaded (by name) whenever the page
//! shows, and again after each change.

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
    let generation = use_state(|| 0_u32);
    {
        let load = load.clone();
        use_effect_with((showing, *generation), move |(showing, _)| {
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
        let generation = generation.clone();
        Callback::from(move |_: ()| generation.set(generation.wrapping_add(1)))
    };
    let retry = {
        let (generation, load) = (generation.clone(), load.clone());
        Callback::from(move |_: ()| {
            load.set(ConnLoad::Loading);
            generation.set(generation.wrapping_add(1));
        })
    };
    Connections {
        load: (*load).clone(),
        reload,
        retry,
    }
}
