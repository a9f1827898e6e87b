//! Mounting the page. When the shell wrote the Marketplace's first look and its cards into the
//! page, the live page starts from those cards (no round trip to the shell before its first
//! render) in a hidden root, and takes the first look's place once it has rendered them.

use crate::app::{App, AppProps};
use crate::page::{CARDS_ID, FIRST_LOOK_ID, ROOT_ID};
use keyport_model::CardsView;
use wasm_bindgen::JsValue;
use web_sys::Document;

pub fn start() {
    let document = web_sys::window().and_then(|w| w.document());
    let cards = document.as_ref().and_then(written_cards);
    if cards.is_none() {
        crate::api::prefetch_cards();
    }
    let props = AppProps { cards };
    match document.and_then(|d| d.get_element_by_id(ROOT_ID)) {
        Some(root) => yew::Renderer::<App>::with_root_and_props(root, props).render(),
        None => yew::Renderer::<App>::with_props(props).render(),
    };
}

/// The cards the shell wrote into the page, if it did and they read as the model says.
fn written_cards(document: &Document) -> Option<CardsView> {
    let text = document.get_element_by_id(CARDS_ID)?.text_content()?;
    let value = js_sys::JSON::parse(&text).ok()?;
    serde_wasm_bindgen::from_value(value)
        .map_err(|err| {
            // The page then asks the shell, as it would without a first look.
            web_sys::console::error_1(&JsValue::from_str(&format!(
                "keyport: the cards in the page did not match the model: {err}"
            )));
        })
        .ok()
}

/// Shows the live page in the first look's place. Called from the effect of the render that
/// shows the loaded Marketplace: the DOM is complete and no frame is painted in between.
pub fn replace_first_look() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(first_look) = document.get_element_by_id(FIRST_LOOK_ID) {
        first_look.remove();
    }
    if let Some(root) = document.get_element_by_id(ROOT_ID) {
        let _ = root.remove_attribute("hidden");
    }
}
