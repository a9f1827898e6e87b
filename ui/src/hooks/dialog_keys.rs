//! The keys of every modal dialog and sheet (UI.md section 7): Esc closes it, and only it (the
//! event goes no further, so the layer below stays open); Tab and Shift+Tab cycle inside it.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

/// The sheet's title, which holds focus when the sheet opens.
const SHEET_TITLE_ID: &str = "sheet-title";

/// The `onkeydown` of the dialog behind `dialog` (the element with `role="dialog"`): Esc calls
/// `on_escape`, Tab stays inside.
#[hook]
pub fn use_dialog_keys(dialog: NodeRef, on_escape: Callback<()>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
        "Escape" => {
            e.prevent_default();
            e.stop_propagation();
            on_escape.emit(());
        }
        "Tab" => {
            if let Some(dialog) = dialog.cast::<Element>() {
                trap_tab(&dialog, &e);
            }
        }
        _ => {}
    })
}

/// Keeps Tab and Shift+Tab inside the dialog: from the last control back to the first.
fn trap_tab(dialog: &Element, e: &KeyboardEvent) {
    let Ok(nodes) = dialog.query_selector_all(
        "button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), \
         textarea:not([disabled]), [tabindex]:not([tabindex=\"-1\"])",
    ) else {
        return;
    };
    let focusable: Vec<HtmlElement> = (0..nodes.length())
        .filter_map(|i| nodes.item(i)?.dyn_into::<HtmlElement>().ok())
        .collect();
    let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
        return;
    };
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let at = |el: &HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == el.unchecked_ref::<Element>())
    };
    let outside = active.as_ref().is_none_or(|a| !dialog.contains(Some(a)));
    if e.shift_key() && (at(first) || outside || at_title(&active)) {
        e.prevent_default();
        let _ = last.focus();
    } else if !e.shift_key() && (at(last) || outside) {
        e.prevent_default();
        let _ = first.focus();
    }
}

/// The title holds focus when the sheet opens; Shift+Tab from it wraps to the last control.
fn at_title(active: &Option<Element>) -> bool {
    active.as_ref().is_some_and(|a| a.id() == SHEET_TITLE_ID)
}
