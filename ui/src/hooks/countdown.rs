//! A countdown of whole seconds, ticked once a second and read from the page's clock
//! (`state::countdown::seconds_left`), for the revealed secret and the sign-in's expiry.

use crate::api;
use crate::state::countdown::seconds_left;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// The seconds left of a `total`-second countdown that runs while `run` is `Some`, starting
/// over whenever `run` changes to another value (another flow, a new reveal); `total` while it
/// does not run. It stops at 0, which the caller acts on.
#[hook]
pub fn use_countdown<K: PartialEq + Clone + 'static>(total: u32, run: Option<K>) -> u32 {
    // The seconds left, with the run they belong to: a new run reads `total` until its first
    // tick instead of the last run's 0.
    let left = use_state(|| (None::<K>, total));
    {
        let left = left.clone();
        use_effect_with(run.clone(), move |run| {
            let stop = Rc::new(Cell::new(false));
            if run.is_some() {
                let (run, stop) = (run.clone(), Rc::clone(&stop));
                let started = js_sys::Date::now();
                left.set((run.clone(), total));
                wasm_bindgen_futures::spawn_local(async move {
                    loop {
                        api::sleep(1000).await;
                        if stop.get() {
                            return;
                        }
                        let now = seconds_left(total, started, js_sys::Date::now());
                        left.set((run.clone(), now));
                        if now == 0 {
                            return;
                        }
                    }
                });
            }
            move || stop.set(true)
        });
    }
    match &*left {
        (of, seconds) if *of == run && run.is_some() => *seconds,
        _ => total,
    }
}
